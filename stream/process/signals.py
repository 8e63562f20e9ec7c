"""SIGTERM means what Ctrl-C means.

Python ends at once on SIGTERM: no `finally`, no `with` exit, no atexit, so a
command killed by a supervisor (`kill PID`, `timeout`, systemd, Docker) leaves
its children and temporary folders behind, while Ctrl-C unwinds and cleans up.
`terminate_like_interrupt()` makes SIGTERM raise `KeyboardInterrupt` in the main
thread, so both take the same path. The first signal starts the clean-up; any
further SIGTERM or SIGINT is ignored until it is done, so an impatient second
signal cannot cut the clean-up short half-way (a SIGKILL still can: that is
what `reaper.py` is for).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any


class _Interrupted:
    """The handler: raise once, then ignore repeats (SIGINT included) during clean-up."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.received_at: float | None = None
        """`time.monotonic()` when the first signal arrived."""

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:
            return
        self.received = signum
        self.received_at = time.monotonic()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


@contextlib.contextmanager
def terminate_like_interrupt() -> Iterator[_Interrupted]:
    """Within the block, SIGTERM (and Ctrl-C) raise KeyboardInterrupt once in this thread.

    Handlers are restored on exit. Outside the main thread nothing changes (Python
    delivers signals to the main thread only).
    """
    if threading.current_thread() is not threading.main_thread():
        yield _Interrupted()
        return
    handler = _Interrupted()
    previous: dict[int, Any] = {
        sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        yield handler
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
