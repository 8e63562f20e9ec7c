"""Running `nieuwsstroom worker` as a child process (the demo and tests use it).

A real worker process, as in production: its own Faust event loop, signal
handling and logs, configured only through NIEUWSSTROOM_* environment
variables. Stopped with SIGTERM (Faust's graceful shutdown), SIGKILL after a
grace period; crash tests kill it outright.
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
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

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

    def stop(self, timeout_s: float = 60.0) -> int | None:
        """Graceful stop (SIGTERM), then SIGKILL; returns the exit code."""
        if self._proc is None or self._proc.poll() is not None:
            return self.poll()
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
