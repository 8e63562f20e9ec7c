"""Faust's guard, borrowed: a test that leaves threads running fails.

A leaked thread is a background worker nobody stops: in production it keeps
a model, a socket or a file open after shutdown. Threads that end within a short
grace period are fine; session-scoped fixtures start theirs before the
snapshot, so they are not counted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

GRACE_S = 5.0
# Process-wide threads a library starts once and owns (not ours to stop):
# tqdm's progress-bar monitor lives until the interpreter exits.
LIBRARY_THREADS = frozenset({"tqdm_monitor"})


def _alive_new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and t.name not in LIBRARY_THREADS
    ]


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + GRACE_S
    leaked = _alive_new_threads(before)
    while leaked and time.monotonic() < deadline:
        time.sleep(0.05)
        leaked = _alive_new_threads(before)
    assert not leaked, f"test leaked running threads: {sorted(t.name for t in leaked)}"
