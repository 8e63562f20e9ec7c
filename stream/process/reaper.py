"""A guard process that finishes the clean-up of a parent that died without doing it.

A parent killed with SIGKILL (a supervisor's second signal, the OOM killer) runs
no code at all: its children get their parent-death signal (`parent_death.py`),
but nobody deletes the temporary folders they worked in. `Reaper` starts
`python -m nieuwsstroom.stream.process.reaper` in its own session and tells it,
over a pipe, which processes and folders to clean up. When the pipe reaches
end-of-file without the word `done` (the kernel closes it whatever way the
parent ended), the guard sends SIGTERM to the processes still running, SIGKILL
after `--grace` seconds, removes the folders and exits. A parent that cleans up
after itself says `forget`/`keep` for what it handled and `done` at the end, and
the guard exits having done nothing. This is the pattern of testcontainers'
"Ryuk", whose resources are removed when its client's connection drops.

Processes are held by pidfd (Linux >= 5.3) from the moment they are named, so a
process id reused by the system later can never be signalled by mistake.

Protocol, one command a line: `watch PID`, `forget PID`, `remove PATH`,
`keep PATH`, `done`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

DEFAULT_GRACE_S = 30.0


class Reaper:
    """The parent's side: start the guard, tell it what to clean up, say `done` at the end."""

    def __init__(self, *, grace_s: float = DEFAULT_GRACE_S) -> None:
        self.grace_s = grace_s
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Reaper:
        """Start the guard process (in its own session: terminal signals never reach it)."""
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__, "--grace", str(self.grace_s)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def watch(self, pid: int) -> None:
        """End process `pid` if this process dies without `forget(pid)`."""
        self._send(f"watch {int(pid)}")

    def forget(self, pid: int) -> None:
        self._send(f"forget {int(pid)}")

    def remove_later(self, path: Path) -> None:
        """Delete `path` (a folder tree) if this process dies without `keep(path)`."""
        self._send(f"remove {_one_line(path)}")

    def keep(self, path: Path) -> None:
        self._send(f"keep {_one_line(path)}")

    def close(self) -> None:
        """Everything is cleaned up: the guard exits without doing anything."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.write(b"done\n")
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _send(self, line: str) -> None:
        if self._proc is None or self._proc.stdin is None:
            raise RuntimeError("the reaper is not running: call start() first")
        self._proc.stdin.write(line.encode() + b"\n")
        self._proc.stdin.flush()

    def __enter__(self) -> Reaper:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _one_line(path: Path) -> str:
    text = str(Path(path).resolve())
    if "\n" in text:
        raise ValueError(f"a path with a line break cannot be handed to the reaper: {text!r}")
    return text


# -- the guard process ----------------------------------------------------------------------


class _Process:
    """A watched process, pinned by pidfd where the kernel has them."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self.fd = os.pidfd_open(pid)

    def alive(self) -> bool:
        if self.fd is not None:
            return not select.select([self.fd], [], [], 0)[0]
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, sig)
            else:
                os.kill(self.pid, sig)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _wait_gone(processes: list[_Process], timeout_s: float) -> list[_Process]:
    deadline = time.monotonic() + timeout_s
    alive = [p for p in processes if p.alive()]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in alive if p.alive()]
    return alive


def clean_up(processes: list[_Process], paths: list[str], grace_s: float) -> list[str]:
    """SIGTERM, then SIGKILL after `grace_s`; then remove the folders. Returns what was done."""
    done: list[str] = []
    running = [p for p in processes if p.alive()]
    for process in running:
        process.signal(signal.SIGTERM)
    if running:
        done.append("stopped pid " + ", ".join(str(p.pid) for p in running))
    stubborn = _wait_gone(running, grace_s)
    for process in stubborn:
        process.signal(signal.SIGKILL)
    if stubborn:
        done.append("killed pid " + ", ".join(str(p.pid) for p in stubborn))
        _wait_gone(stubborn, 10)
    for path in paths:
        if not os.path.lexists(path):
            continue
        for _ in range(3):  # a process still dying may create a file during the walk
            shutil.rmtree(path, ignore_errors=True)
            if not os.path.lexists(path):
                break
            time.sleep(0.5)
        done.append(f"removed {path}" if not os.path.lexists(path) else f"could not remove {path}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grace", type=float, default=DEFAULT_GRACE_S)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    processes: dict[int, _Process] = {}
    paths: list[str] = []
    for raw in sys.stdin.buffer:
        verb, _, arg = raw.decode("utf-8", "surrogateescape").rstrip("\n").partition(" ")
        if verb == "done":
            return 0
        if verb == "watch":
            processes.setdefault(int(arg), _Process(int(arg)))
        elif verb == "forget" and int(arg) in processes:
            processes.pop(int(arg)).close()
        elif verb == "remove" and arg not in paths:
            paths.append(arg)
        elif verb == "keep" and arg in paths:
            paths.remove(arg)
    done = clean_up(list(processes.values()), paths, args.grace)
    if done:
        print(
            f"nieuwsstroom: process {parent} ended without cleaning up; " + "; ".join(done),
            file=sys.stderr,
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
