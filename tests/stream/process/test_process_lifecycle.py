"""The primitives that keep children from outliving their parent, on real processes.

Each test starts a small Python "parent" process that uses the primitive the way
the demo does, kills that parent the hard way (SIGKILL: no Python code of it runs
any more), and looks in /proc for what it left behind. No broker, no model: seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from tests.processes import read_proc, wait_gone

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

SLEEPER = "import time; time.sleep(120)"
SLEEPER_IGNORING_SIGTERM = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
)


def start_parent(script: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Run `script` in a new Python process; return it and the JSON line it prints first."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, f"the parent script printed nothing (exit {proc.wait(10)})"
    return proc, json.loads(line)


def kill_hard(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def test_the_kernel_sends_sigterm_to_a_child_when_its_parent_is_killed(tmp_path: Path):
    marker = tmp_path / "child-got"
    child = (
        "import signal, sys, time\n"
        f"def got(signum, frame):\n    open({str(marker)!r}, 'w').write(str(signum)); sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, got)\n"
        "time.sleep(120)\n"
    )
    parent, info = start_parent(
        f"""
        import json, signal, subprocess, sys, time
        from nieuwsstroom.stream.process.parent_death import die_with_parent
        child = subprocess.Popen([sys.executable, "-c", {child!r}],
                                 preexec_fn=die_with_parent(signal.SIGTERM))
        time.sleep(0.5)  # let the child install its handler
        print(json.dumps({{"child": child.pid}}), flush=True)
        time.sleep(120)
        """
    )
    child_proc = read_proc(info["child"])
    assert child_proc is not None
    kill_hard(parent)
    assert wait_gone([child_proc], 10) == [], "the child outlived its SIGKILLed parent"
    assert marker.read_text() == str(int(signal.SIGTERM)), "it got SIGTERM, a graceful stop"


def test_a_child_watching_its_parent_notices_the_parent_is_gone(tmp_path: Path):
    """The second line of defence, without any help from the kernel. The child is told
    its parent's id (as the worker is, by NIEUWSSTROOM_PARENT_PID), so a parent that
    dies before the child starts watching is noticed too."""
    marker = tmp_path / "noticed"
    child = (
        "import os, sys, time\n"
        "from nieuwsstroom.stream.process.parent_death import watch_parent\n"
        "def gone(expected, actual):\n"
        f"    open({str(marker)!r}, 'w').write(f'{{expected}} {{actual}}')\n"
        "    os._exit(0)\n"
        "watch_parent(int(sys.argv[1]), gone, interval_s=0.2)\n"
        "time.sleep(120)\n"
    )
    parent, info = start_parent(
        f"""
        import json, os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", {child!r}, str(os.getpid())])
        print(json.dumps({{"child": child.pid}}), flush=True)
        time.sleep(120)
        """
    )
    child_proc = read_proc(info["child"])
    assert child_proc is not None
    kill_hard(parent)
    assert wait_gone([child_proc], 10) == []
    expected, actual = marker.read_text().split()
    assert int(expected) == parent.pid and int(actual) != parent.pid


def _reaper_parent(tmp_path: Path, *, say_done: bool) -> str:
    return f"""
        import json, subprocess, sys, tempfile, time
        from pathlib import Path
        from nieuwsstroom.stream.process.reaper import Reaper
        reaper = Reaper(grace_s=1.0).start()
        polite = subprocess.Popen([sys.executable, "-c", {SLEEPER!r}])
        stubborn = subprocess.Popen([sys.executable, "-c", {SLEEPER_IGNORING_SIGTERM!r}])
        folder = Path(tempfile.mkdtemp(dir={str(tmp_path)!r}))
        (folder / "sub").mkdir()
        (folder / "sub" / "data.log").write_text("x" * 1000)
        for pid in (polite.pid, stubborn.pid):
            reaper.watch(pid)
        reaper.remove_later(folder)
        time.sleep(0.5)  # the stubborn child has installed SIG_IGN
        if {say_done!r}:
            reaper.close()
        print(json.dumps({{"reaper": reaper.pid, "children": [polite.pid, stubborn.pid],
                           "folder": str(folder)}}), flush=True)
        time.sleep(120)
        """


def test_the_reaper_ends_the_children_and_removes_the_folders_of_a_killed_parent(
    tmp_path: Path,
):
    parent, info = start_parent(_reaper_parent(tmp_path, say_done=False))
    procs = [read_proc(pid) for pid in [info["reaper"], *info["children"]]]
    assert all(procs)
    started = time.monotonic()
    kill_hard(parent)
    # The polite child goes on SIGTERM; the stubborn one after the 1 s grace (SIGKILL).
    assert wait_gone(procs, 20) == [], "a child or the reaper itself outlived the parent"  # type: ignore[arg-type]
    assert not Path(info["folder"]).exists(), "the reaper left the temporary folder"
    assert time.monotonic() - started < 15


def test_the_reaper_does_nothing_once_its_parent_says_done(tmp_path: Path):
    parent, info = start_parent(_reaper_parent(tmp_path, say_done=True))
    reaper = read_proc(info["reaper"])
    children = [read_proc(pid) for pid in info["children"]]
    try:
        assert reaper is None or wait_gone([reaper], 10) == [], "the reaper exits on `done`"
        kill_hard(parent)
        time.sleep(1.5)
        assert all(c is not None and wait_gone([c], 0) == [c] for c in children), (
            "a parent that cleaned up itself keeps its children under its own control"
        )
        assert Path(info["folder"]).is_dir()
    finally:
        for child in children:
            if child is not None:
                os.kill(child.pid, signal.SIGKILL)


def test_sigterm_unwinds_like_ctrl_c_and_a_second_signal_cannot_cut_the_cleanup_short():
    parent, info = start_parent(
        """
        import json, sys, time
        from nieuwsstroom.stream.process.signals import terminate_like_interrupt
        with terminate_like_interrupt() as interrupted:
            try:
                print(json.dumps({"ready": True}), flush=True)
                time.sleep(60)
            except KeyboardInterrupt as exc:
                print(f"interrupted by {exc}", flush=True)
                time.sleep(1.0)  # the clean-up; more signals arrive meanwhile
                print("cleaned up", flush=True)
        """
    )
    assert info == {"ready": True}
    parent.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    parent.send_signal(signal.SIGTERM)
    parent.send_signal(signal.SIGINT)
    out, _ = parent.communicate(timeout=10)
    assert parent.returncode == 0
    assert out.splitlines() == ["interrupted by signal SIGTERM", "cleaned up"]
