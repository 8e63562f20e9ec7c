"""How long the broker has been out of reach, and what the worker says about it.

Every readiness probe (`health.Readiness`, run every few seconds by a worker
task, whether or not anyone asks for /ready) tells the watch whether the
broker answered. Once it has not answered for `gone_after_s`
(NIEUWSSTROOM_BROKER_GONE_AFTER_S), the broker counts as gone:

- /ready's broker check says so, with for how long and the last error;
- the log gets one WARNING, then one reminder a minute, and one INFO line when
  the broker answers again;
- aiokafka's own connection errors are counted instead of logged. Five Kafka
  clients retrying every 100 ms wrote about a hundred ERROR lines a second, for
  as long as the broker stayed away (40 minutes, once); the reminder says how
  many were held back. Shorter outages (a broker restart) go through the repeat limit
  of `kafka/quiet_logs.py` only (one line per kind per 10 s, with a count); lines that
  limit already held back are not counted again here.
- `/metrics` exports `nieuwsstroom_broker_unreachable_seconds` for alerting.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from nieuwsstroom.stream.ops.rolling_windows import Clock

log = logging.getLogger(__name__)

REMIND_EVERY_S = 60.0
QUIETED_LOGGERS = ("aiokafka",)
"""Loggers whose warnings and errors are counted, not written, while the broker is gone."""


class BrokerWatch:
    """Since when the broker has not answered; thread-safe (log filters run anywhere)."""

    def __init__(
        self,
        gone_after_s: float,
        *,
        remind_every_s: float = REMIND_EVERY_S,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        self.gone_after_s = gone_after_s
        self.remind_every_s = remind_every_s
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._down_since_wall = 0.0
        self._last_error = ""
        self._warned_at: float | None = None
        self._held_back = 0
        self._held_back_total = 0

    def observe(self, reachable: bool, detail: str = "") -> None:
        """One probe's result: did the broker answer a metadata request?"""
        with self._lock:
            now = self._clock()
            if reachable:
                if self._warned_at is not None and self._down_since is not None:
                    log.info(
                        "Kafka broker reachable again after %.0f s (%d aiokafka error lines "
                        "were held back while it was gone)",
                        now - self._down_since,
                        self._held_back_total,
                    )
                self._down_since = None
                self._warned_at = None
                self._held_back = self._held_back_total = 0
                return
            if self._down_since is None:
                self._down_since = now
                self._down_since_wall = self._wall_clock()
            self._last_error = detail
            down_s = now - self._down_since
            if down_s < self.gone_after_s:
                return
            if self._warned_at is None:
                log.warning(
                    "Kafka broker unreachable for %.0f s (NIEUWSSTROOM_BROKER_GONE_AFTER_S="
                    "%g): %s. /ready reports it; aiokafka's connection errors are counted, "
                    "not logged, until it answers",
                    down_s,
                    self.gone_after_s,
                    detail,
                )
                self._warned_at = now
            elif now - self._warned_at >= self.remind_every_s:
                log.warning(
                    "Kafka broker still unreachable, for %.0f s now: %s (%d aiokafka error "
                    "lines held back in the last %.0f s)",
                    down_s,
                    detail,
                    self._held_back,
                    now - self._warned_at,
                )
                self._warned_at = now
                self._held_back = 0

    @property
    def unreachable_s(self) -> float:
        """Seconds since the first failed probe of the current outage; 0 when reachable."""
        with self._lock:
            return 0.0 if self._down_since is None else self._clock() - self._down_since

    @property
    def gone(self) -> bool:
        """Unreachable for at least `gone_after_s`, by the last probe."""
        with self._lock:
            return self._warned_at is not None

    def describe(self) -> str:
        """What /ready says while the broker is gone."""
        with self._lock:
            since = datetime.fromtimestamp(self._down_since_wall, UTC).strftime("%H:%M:%S UTC")
            down_s = 0.0 if self._down_since is None else self._clock() - self._down_since
            return (
                f"broker gone: no answer for {down_s:.0f} s (since {since}; "
                f"NIEUWSSTROOM_BROKER_GONE_AFTER_S={self.gone_after_s:g}); "
                f"last error: {self._last_error}"
            )

    def filter(self, record: logging.LogRecord) -> bool:
        """A log filter: hold back aiokafka's warnings and errors while the broker is gone."""
        if record.levelno < logging.WARNING or not record.name.startswith(QUIETED_LOGGERS):
            return True
        with self._lock:
            if self._warned_at is None:
                return True
            self._held_back += 1
            self._held_back_total += 1
            return False
