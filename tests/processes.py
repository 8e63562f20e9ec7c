"""Reading processes from /proc, for the tests that prove nothing outlives its parent.

A process counts as gone once /proc no longer has it or it is a zombie (dead, and
waiting only for a parent to collect its exit status). A process is named by its
pid *and* its start time, so a pid the system reuses later is never mistaken for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    started: int
    """Start time in clock ticks since boot (/proc/PID/stat field 22)."""
    cmdline: str


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()  # fields[0] is the state (field 3)


def read_proc(pid: int) -> Proc | None:
    fields = _stat_fields(pid)
    if fields is None:
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    return Proc(pid, int(fields[1]), int(fields[19]), cmdline.strip())


def children_of(pid: int) -> list[Proc]:
    """The processes whose parent is `pid` right now."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            proc = read_proc(int(entry.name))
            if proc is not None and proc.ppid == pid:
                found.append(proc)
    return found


def is_running(proc: Proc) -> bool:
    fields = _stat_fields(proc.pid)
    return fields is not None and fields[0] != "Z" and int(fields[19]) == proc.started


def wait_gone(procs: list[Proc], timeout_s: float) -> list[Proc]:
    """Wait until none of `procs` runs; return those still running at the deadline."""
    deadline = time.monotonic() + timeout_s
    running = [p for p in procs if is_running(p)]
    while running and time.monotonic() < deadline:
        time.sleep(0.1)
        running = [p for p in running if is_running(p)]
    return running
