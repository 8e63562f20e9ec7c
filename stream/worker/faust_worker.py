"""Faust's Worker with a bound on how long a stop may take.

Faust (mode's `Worker`) turns SIGTERM and SIGINT into `Worker.stop()`, which stops
every service in turn and waits for each: the agents, then the consumer, whose
thread waits 60 s per app for a broker that is not there, then the producer.
With the broker gone a stop took over two minutes, and a worker orphaned by its
demo ignored SIGTERM for 45 s and more: longer than Kubernetes' 30 s grace
period, so it was SIGKILLed anyway, only later. (Upstream knows workers that hang
on exit: robinhood/faust#484, #684.)

`BoundedWorker` starts a timer when the stop begins (`on_stop`, whatever began
it). If the process has not exited `stop_timeout_s` later, it logs why and
exits with `STOP_TIMED_OUT_EXIT` at once (`os._exit`: no more Python code, no
more Kafka requests). That is safe for delivery: the agent acknowledges a batch
only after its outputs are published (`enrich_app.py`), and Faust commits only
acknowledged offsets, so what was not published is never committed and the next
worker repeats it. When the broker answers, a graceful stop is far quicker than
the bound and exits 0 as before.

It also lets the worker add filters to the log handlers once Faust has set up
logging (`BrokerWatch` quiets aiokafka's retry errors while the broker is gone).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import faust

log = logging.getLogger(__name__)

STOP_TIMED_OUT_EXIT = 75
"""Exit status when a stop outlasts NIEUWSSTROOM_STOP_TIMEOUT_S (EX_TEMPFAIL: the work
that was not published is left uncommitted for the next worker)."""


class BoundedWorker(faust.Worker):
    """A `faust.Worker` whose stop ends the process within `stop_timeout_s`."""

    def __init__(
        self,
        *apps: faust.App,
        stop_timeout_s: float,
        log_filters: Iterable[logging.Filter] = (),
        why_slow: Callable[[], str] = lambda: "",
        **kwargs: Any,
    ) -> None:
        """`apps`: the first is Faust's app, the others run as its services (as in
        `faust.Worker`); `why_slow()` adds a reason to the give-up message."""
        super().__init__(*apps, **kwargs)
        self.stop_timeout_s = stop_timeout_s
        self._log_filters = list(log_filters)
        self._why_slow = why_slow
        self._deadline: threading.Timer | None = None

    def _repr_name(self) -> str:
        """Log as `[^Worker]`, as Faust's own worker does: people and tools grep for
        `[^Worker]: Ready` (mode labels a service's log lines with its class name)."""
        return "Worker"

    async def on_stop(self) -> None:
        self._start_deadline()
        await super().on_stop()

    def _start_deadline(self) -> None:
        if self._deadline is not None:
            return
        started = time.monotonic()
        self._deadline = threading.Timer(self.stop_timeout_s, self._give_up, args=(started,))
        self._deadline.name = "stop-deadline"
        self._deadline.daemon = True
        self._deadline.start()

    def _give_up(self, started: float) -> None:
        reason = self._why_slow()
        log.error(
            "Stop did not finish within %.0f s (NIEUWSSTROOM_STOP_TIMEOUT_S)%s: exiting with "
            "status %d; work not yet published is not committed and the next worker repeats it",
            time.monotonic() - started,
            f" ({reason})" if reason else "",
            STOP_TIMED_OUT_EXIT,
        )
        for handler in logging.getLogger().handlers:
            with contextlib.suppress(Exception):  # a broken handler must not keep us alive
                handler.flush()
        os._exit(STOP_TIMED_OUT_EXIT)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        for handler in logger.handlers:
            for log_filter in self._log_filters:
                handler.addFilter(log_filter)
