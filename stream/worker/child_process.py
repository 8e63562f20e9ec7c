"""Running `nieuwsstroom worker` as a child process (the demo and tests use it).

A real worker process, as in production: its own Faust event loop, signal
handling and logs, configured only through NIEUWSSTROOM_* environment
variables. Stopped with SIGTERM (Faust's graceful shutdown, bounded by
NIEUWSSTROOM_STOP_TIMEOUT_S), SIGKILL if even that bound passes; crash tests
kill it outright.

It never outlives its parent: the kernel sends it SIGTERM when the thread that
started it dies (`die_with_parent`, Linux), and it is told its parent's id
(NIEUWSSTROOM_PARENT_PID), which it watches itself on any system.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from nieuwsstroom.stream.errors import NieuwsstroomError
from nieuwsstroom.stream.process.parent_death import die_with_parent
from nieuwsstroom.stream.settings import Settings

STOP_MARGIN_S = 10.0
"""How much longer than the worker's own stop bound `stop()` waits before SIGKILL."""


class WorkerProcess:
    """One `nieuwsstroom worker` child process with its log file."""

    def __init__(self, env: dict[str, str], log_path: Path, web_port: int) -> None:
        self.env = env
        self.log_path = log_path
        self.web_port = web_port
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "nieuwsstroom", "worker"],
            env={**os.environ, "NIEUWSSTROOM_PARENT_PID": str(os.getpid()), **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C meant for the parent does not reach it half-way
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
        log.close()

    @property
    def stop_timeout_s(self) -> float:
        """The worker's own bound on a graceful stop (NIEUWSSTROOM_STOP_TIMEOUT_S)."""
        try:
            return Settings.for_child(self.env).stop_timeout_s
        except ValueError:  # an invalid setting: the worker refused to start anyway
            return float(Settings.model_fields["stop_timeout_s"].default)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the worker has used so far, all threads (Linux /proc):
        how tests and benches see whether it was busy or spinning."""
        if self._proc is None:
            raise NieuwsstroomError("Worker not started")
        stat = Path(f"/proc/{self._proc.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()  # after "(comm)": state is fields[0]
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def poll(self) -> int | None:
        """The exit code if the worker has exited, else None."""
        return self._proc.poll() if self._proc else None

    def wait_healthy(self, timeout_s: float = 180.0) -> None:
        """Wait until /health answers; raise with the log tail if the worker died."""
        deadline = time.monotonic() + timeout_s
        url = f"http://127.0.0.1:{self.web_port}/health"
        while time.monotonic() < deadline:
            code = self.poll()
            if code is not None:
                raise NieuwsstroomError(
                    f"Worker exited with code {code} during start-up; log tail:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise NieuwsstroomError(f"Worker not healthy after {timeout_s:.0f}s:\n{self.log_tail()}")

    def stop(self, timeout_s: float | None = None) -> int | None:
        """Graceful stop (SIGTERM), then SIGKILL after `timeout_s`; returns the exit code.

        The default waits the worker's own stop bound (its NIEUWSSTROOM_STOP_TIMEOUT_S)
        plus a margin: the worker ends itself by then, so SIGKILL is a last resort."""
        if self._proc is None or self._proc.poll() is not None:
            return self.poll()
        if timeout_s is None:
            timeout_s = self.stop_timeout_s + STOP_MARGIN_S
        self._proc.send_signal(signal.SIGTERM)
        try:
            return self._proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.poll()

    def kill(self) -> None:
        """Crash the worker (SIGKILL to its whole process group)."""
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
