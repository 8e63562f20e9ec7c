"""Run the INSTALLED `nieuwsstroom` console script, as a newcomer would, and read its answer.

The script next to this Python (`<venv>/bin/nieuwsstroom`) is what `pip install`
put on PATH: running it (not `python -m`, not Typer's in-process runner) proves the
entry point, the error boundary and the exit status together. The environment
starts from this process's, without any NIEUWSSTROOM_* variable, so a developer's
own settings never change what a test sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "nieuwsstroom"


@dataclass(frozen=True)
class Ran:
    """What one run printed, its exit status and how long it took."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float


def clean_env(**env: str) -> dict[str, str]:
    """This process's environment without NIEUWSSTROOM_*, plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NIEUWSSTROOM_")}
    return {**base, **env}


def nieuwsstroom(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None, timeout: float = 120
) -> Ran:
    """Run `nieuwsstroom ARGS...` and return what it said."""
    assert SCRIPT.is_file(), f"the console script is not installed next to {sys.executable}"
    started = time.monotonic()
    completed = subprocess.run(
        [str(SCRIPT), *args],
        input=stdin if stdin is not None else b"",
        env=env if env is not None else clean_env(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Ran(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
        time.monotonic() - started,
    )


def error_line(ran: Ran) -> str:
    """The one `error: ...` line of a refused command; fails on a traceback, exit != 2,
    or any other line on stderr."""
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.returncode == 2, (ran.returncode, ran.stderr)
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), ran.stderr
    return lines[0]
