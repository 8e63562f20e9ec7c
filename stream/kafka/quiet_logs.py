"""Rate-limited logging of repeated Kafka client errors: an outage reads as a few lines.

While no broker answers, aiokafka logs the same connection error for every
reconnect attempt of every client of a worker (its consumers, producer, admin
and metadata clients): about a thousand ERROR lines in ten seconds, in which
the one line that matters scrolls away. `RepeatLimiter` lets the first record
of a kind through, then at most one per `interval_s`, saying how many it held
back:

    Unable connect to node with id 1: [Errno 111] Connect call failed ...
    Unable connect to node with id 1: ... [and 212 more like it in the last 10 s]

"A kind" is the logger, the level and the message template (`record.msg`
before its arguments are filled in), so different problems are never hidden
behind each other; records below WARNING pass untouched (DEBUG stays complete).

Logger filters only see records created by their own logger, so the filter is
attached to every `aiokafka.*` and `faust.*` logger that exists at install
time; `install_connection_log_limit` imports aiokafka's modules first so that
theirs do. Call it after Faust and aiokafka are imported (the worker does it
just before it runs; the Kafka commands of the CLI before they connect).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Clock = Callable[[], float]

LIMITED_PREFIXES = ("aiokafka", "faust", "mode")
"""Loggers of the Kafka client stack; our own `nieuwsstroom.*` loggers are never limited."""

DEFAULT_INTERVAL_S = 10.0
_MAX_KINDS = 1000


@dataclass
class _Kind:
    emitted_at: float
    held_back: int = 0


class RepeatLimiter(logging.Filter):
    """At most one record per kind (logger, level, template) per `interval_s`, with a count."""

    def __init__(
        self,
        interval_s: float = DEFAULT_INTERVAL_S,
        *,
        min_level: int = logging.WARNING,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.min_level = min_level
        self._clock = clock
        self._kinds: dict[tuple[str, int, str], _Kind] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.min_level:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        with self._lock:
            kind = self._kinds.get(key)
            if kind is not None and now - kind.emitted_at < self.interval_s:
                kind.held_back += 1
                return False
            if len(self._kinds) >= _MAX_KINDS:
                self._kinds.clear()  # thousands of distinct templates: start counting afresh
            self._kinds[key] = _Kind(now)
        if kind is not None and kind.held_back:
            # Appended to the template (the note holds no "%"), so the record's arguments
            # still fill it in as they would have (mode's formatter turns args=None into
            # (None,), so the message must stay a template).
            record.msg = (
                f"{record.msg} [and {kind.held_back} more like it in the last "
                f"{now - kind.emitted_at:.0f} s]"
            )
        return True


_HELD_BACK = re.compile(r"\[and (\d+) more like it in the last \d+ s\]")


def count_logged(log_text: str, phrase: str) -> int:
    """How many records containing `phrase` were logged, counting the ones a
    `RepeatLimiter` held back (the "[and N more like it ...]" notes): what tests need
    to tell a busy retry loop from a patient one, whatever the log shows."""
    total = 0
    for line in log_text.splitlines():
        if phrase in line:
            held = _HELD_BACK.search(line)
            total += 1 + (int(held[1]) if held else 0)
    return total


_installed: RepeatLimiter | None = None


def _import_client_modules() -> None:
    """Create aiokafka's module loggers, so the filter can be attached to each of them."""
    import aiokafka.client
    import aiokafka.cluster
    import aiokafka.conn
    import aiokafka.consumer.fetcher
    import aiokafka.consumer.group_coordinator
    import aiokafka.producer.sender  # noqa: F401


def install_connection_log_limit(
    interval_s: float = DEFAULT_INTERVAL_S, prefixes: Iterable[str] = LIMITED_PREFIXES
) -> RepeatLimiter:
    """Attach one shared `RepeatLimiter` to every existing Kafka-client logger (idempotent)."""
    global _installed
    _import_client_modules()
    if _installed is None:
        _installed = RepeatLimiter(interval_s)
    wanted = tuple(prefixes)
    names = [name for name in logging.Logger.manager.loggerDict if name.startswith(wanted)]
    for name in [*wanted, *names]:
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
    return _installed


RETRIED_PRODUCE_ERRORS = frozenset(
    {"NotLeaderForPartitionError", "LeaderNotAvailableError", "NotEnoughReplicasError"}
)
"""Produce answers aiokafka retries by itself (a partition's leader is being elected or
moved, e.g. just after the topic was created); only a send that finally fails matters."""


class RetriedProduceErrors(logging.Filter):
    """Keep aiokafka's "Got error produce response ... <retriable error>" at DEBUG.

    For one-shot commands (`produce`): their stderr says what was refused, line by line;
    a warning about an answer aiokafka then retried successfully is noise there. The
    worker keeps these warnings (rate-limited): during a failover ops want to see them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG or not str(record.msg).startswith(
            "Got error produce response"
        ):
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        names = {arg.__name__ if isinstance(arg, type) else type(arg).__name__ for arg in args}
        if not names & RETRIED_PRODUCE_ERRORS:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def quiet_retried_produce_errors() -> None:
    """Attach `RetriedProduceErrors` to aiokafka's producer sender logger (idempotent)."""
    import aiokafka.producer.sender  # noqa: F401 - creates the logger

    logger = logging.getLogger("aiokafka.producer.sender")
    if not any(isinstance(f, RetriedProduceErrors) for f in logger.filters):
        logger.addFilter(RetriedProduceErrors())
