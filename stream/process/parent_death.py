"""A child process that ends when its parent does.

Two independent lines of defence, because either alone has a gap:

- `die_with_parent(sig)` is a `preexec_fn` for `subprocess.Popen`: between fork
  and exec the child asks Linux to send it `sig` when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), which works even when the parent is SIGKILLed.
  The request survives exec. Its gaps: Linux only, and "parent" means the
  *thread* that forked, so start children from a thread that lives as long as
  they should (the main thread, in the demo and the tests).
- `watch_parent(pid, on_gone)` runs in the child: a daemon thread that notices
  once `os.getppid()` is no longer `pid` (the parent exited and the child was
  re-parented) and calls `on_gone`. It works on any POSIX system, and covers a
  parent that died before the child could ask for anything.

libc is loaded in the parent, at import: a `preexec_fn` runs in a freshly
forked child where taking the dynamic loader's lock (as `ctypes.CDLL` does) can
deadlock if another thread held it at fork time.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
ORPHANED_EXIT = 70
"""Exit status of a freshly forked child whose parent died before it could exec."""


def _load_libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError):
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return None


_LIBC = _load_libc()


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child receive `sig` when this thread exits.

    None where the kernel offers no such thing (not Linux): pass it to Popen as is.
    """
    libc = _LIBC
    if libc is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died between fork and prctl
            os._exit(ORPHANED_EXIT)

    return preexec


def watch_parent(
    pid: int, on_gone: Callable[[int, int], None], *, interval_s: float = 1.0
) -> threading.Thread:
    """Call `on_gone(expected, actual)` once this process's parent is no longer `pid`.

    A daemon thread checks `os.getppid()` every `interval_s` (a system call; no
    measurable cost) and ends after calling `on_gone` once.
    """

    def run() -> None:
        event = threading.Event()
        while True:
            actual = os.getppid()
            if actual != pid:
                on_gone(pid, actual)
                return
            event.wait(interval_s)

    thread = threading.Thread(target=run, name="parent-watch", daemon=True)
    thread.start()
    return thread


def stop_when_parent_is_gone(pid: int | None, *, interval_s: float = 1.0) -> None:
    """In a worker: SIGTERM ourselves (the graceful, bounded stop) once `pid` is gone."""
    if pid is None:
        return

    def on_gone(expected: int, actual: int) -> None:
        log.warning(
            "Parent process %d has exited (this process now belongs to %d): stopping as on SIGTERM",
            expected,
            actual,
        )
        os.kill(os.getpid(), signal.SIGTERM)

    watch_parent(pid, on_gone, interval_s=interval_s)
