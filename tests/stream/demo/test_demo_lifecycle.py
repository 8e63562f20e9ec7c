"""Nothing of `nieuwsstroom demo` outlives it, however it ends.

The demo starts a Kafka JVM, a worker process and a reaper. Before this was fixed, a
`demo --serve` stopped with SIGTERM ended at once and left its worker running (re-
parented to init, logging ~100 ERROR lines a second, still serving its web port) and
its temporary Kafka folders on disk; with SIGTERM and then SIGKILL, the worker ran on
for 40 minutes. Each test runs the real command on one short article with its own
TMPDIR, so "no temporary folders left" means that directory is empty afterwards, and
names the demo's children from /proc before it kills the demo.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures_kafka import _cache_dir as kafka_jar_cache
from tests.processes import Proc, children_of, is_running, wait_gone

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

ARTICLE = (
    b'{"id": "kort-1", "title": "Regen in Utrecht", '
    b'"body": "Het regent vandaag in Utrecht. De burgemeester blijft thuis."}\n'
)
STOP_TIMEOUT_S = 5.0
"""The worker's own stop bound in these tests (NIEUWSSTROOM_STOP_TIMEOUT_S)."""
START_TIMEOUT_S = 300.0
NOT_OURS = {
    ".ses": "onnxruntime's telemetry session file, written into TMPDIR when it is imported "
    "(argostranslate imports it while installing a model on first use); never a folder"
}


class Demo:
    """`nieuwsstroom demo --serve` in a process of its own, output to a file."""

    def __init__(self, tmp_path: Path, cache: Path, argos_packages: Path) -> None:
        self.tmpdir = tmp_path / "tmp"
        self.tmpdir.mkdir(parents=True)
        self.children_seen: dict[str, Proc] = {}
        self.out = tmp_path / "demo.out"
        source = tmp_path / "one.jsonl"
        source.write_bytes(ARTICLE)
        env = {
            **os.environ,
            "TMPDIR": str(self.tmpdir),
            "NIEUWSSTROOM_CACHE_DIR": str(cache),
            "ARGOS_PACKAGES_DIR": str(argos_packages),
            "NIEUWSSTROOM_STOP_TIMEOUT_S": str(STOP_TIMEOUT_S),
        }
        cmd = [sys.executable, "-m", "nieuwsstroom", "demo", "--input", str(source), "--serve"]
        with self.out.open("wb") as out:
            self.proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.out.read_text("utf-8", "replace")

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while text not in self.output():
            assert self.proc.poll() is None, f"the demo exited early:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"no {text!r} yet:\n{self.output()[-3000:]}"
            time.sleep(0.3)

    def children(self, *, wait: bool = False) -> dict[str, Proc]:
        """The worker, the Kafka JVM and the reaper, by what they run (`wait`: until all
        three have started)."""
        deadline = time.monotonic() + (START_TIMEOUT_S if wait else 0)
        while True:
            found: dict[str, Proc] = {}
            for proc in children_of(self.proc.pid):
                if "kafka.Kafka" in proc.cmdline:
                    found["jvm"] = proc
                elif "nieuwsstroom worker" in proc.cmdline:
                    found["worker"] = proc
                elif "process.reaper" in proc.cmdline:
                    found["reaper"] = proc
            if len(found) == 3 or time.monotonic() >= deadline:
                break
            assert self.proc.poll() is None, f"the demo exited:\n{self.output()[-3000:]}"
            time.sleep(0.2)
        assert set(found) == {"jvm", "worker", "reaper"}, found
        self.children_seen = found
        return found

    def leftovers(self) -> list[str]:
        """What is left in the demo's TMPDIR, apart from files a library put there."""
        return sorted(p.name for p in self.tmpdir.iterdir() if p.name not in NOT_OURS or p.is_dir())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def demo_factory(tmp_path: Path, nieuwsstroom_cache: Path, argos_packages_dir: Path):
    jars = nieuwsstroom_cache / "kafka"  # the demo looks for jars in $CACHE_DIR/kafka
    if not jars.exists():
        jars.symlink_to(kafka_jar_cache(), target_is_directory=True)
    demos: list[Demo] = []

    def start() -> Demo:
        demo = Demo(tmp_path / f"demo-{len(demos)}", nieuwsstroom_cache, argos_packages_dir)
        demos.append(demo)
        return demo

    yield start
    for demo in demos:  # whatever a failed test left running
        demo.kill()
        for proc in demo.children_seen.values():
            if is_running(proc):
                os.kill(proc.pid, signal.SIGKILL)


def test_sigterm_stops_a_serving_demo_like_ctrl_c(demo_factory, record_property):
    demo = demo_factory()
    demo.wait_for("Serving:")
    children = demo.children()
    assert demo.leftovers(), "the demo works in its own TMPDIR"

    started = time.monotonic()
    demo.proc.send_signal(signal.SIGTERM)
    code = demo.proc.wait(60)
    exit_s = time.monotonic() - started
    assert code == 0, f"exit {code}:\n{demo.output()[-3000:]}"
    assert "Stopped in" in demo.output()
    left = wait_gone(list(children.values()), 10)
    assert left == [], f"outlived the demo: {left}"
    assert demo.leftovers() == [], "temporary folders left behind"
    record_property("demo_sigterm_exit_s", round(exit_s, 1))
    print(f"\ndemo --serve, SIGTERM: exited 0 after {exit_s:.1f}s, nothing left")


@pytest.mark.parametrize("sigterm_first", [True, False], ids=["sigterm-then-sigkill", "sigkill"])
def test_a_demo_killed_outright_leaves_no_process_and_no_folder(
    demo_factory, record_property, sigterm_first
):
    """With `sigterm_first`: SIGKILL 0.5 s after SIGTERM, while the worker is up and the
    article on its way, so in the middle of the demo's own clean-up (as a supervisor's
    second signal can land). Without: SIGKILL alone, as soon as the worker process exists
    (still starting: `timeout -s KILL` on a demo), so no clean-up code runs at all."""
    demo = demo_factory()
    if sigterm_first:
        demo.wait_for("Worker running")
    children = demo.children(wait=True)

    started = time.monotonic()
    if sigterm_first:
        demo.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert demo.proc.poll() is None, "the clean-up must still be running at the SIGKILL"
    demo.proc.send_signal(signal.SIGKILL)
    demo.proc.wait(10)
    # The worker stops within its bound (its broker is going too), the reaper's grace
    # covers that, then the folders go.
    left = wait_gone(list(children.values()), STOP_TIMEOUT_S + 30)
    gone_s = time.monotonic() - started
    assert left == [], f"outlived the demo: {left}"
    assert demo.leftovers() == [], "temporary folders left behind"
    record_property("children_gone_s", round(gone_s, 1))
    print(
        f"\ndemo killed ({'SIGTERM+' if sigterm_first else ''}SIGKILL): "
        f"worker, JVM and reaper gone and folders removed after {gone_s:.1f}s"
    )
