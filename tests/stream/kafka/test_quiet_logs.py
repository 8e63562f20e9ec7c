"""RepeatLimiter: one line per kind of client error per interval, with the count held back.

A fake clock drives the interval; the records go through real `logging` loggers
and handlers, and through mode's formatter (the one a Faust worker logs with),
which rewrites `record.args`. The real outage (a worker whose broker stops) is
`tests/stream/cli/test_broker_command.py`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from mode.utils.logging import ExtensionFormatter

from nieuwsstroom.stream.kafka.quiet_logs import RepeatLimiter, count_logged


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, FakeClock]]:
    """A logger with the limiter, writing through mode's formatter into a buffer."""
    clock = FakeClock()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(ExtensionFormatter(stream=out, fmt="%(levelname)s %(message)s"))
    logger = logging.getLogger("aiokafka.test-quiet-logs")
    logger.propagate = False
    logger.addHandler(handler)
    limiter = RepeatLimiter(10.0, clock=clock)
    logger.addFilter(limiter)
    try:
        yield logger, out, clock
    finally:
        logger.removeFilter(limiter)
        logger.removeHandler(handler)


def test_repeats_within_the_interval_are_held_back_and_counted(logged):
    logger, out, clock = logged
    for attempt in range(1001):  # a 20 s outage: a reconnect every 20 ms
        clock.now = 1000.0 + attempt * 0.02
        logger.error("Unable connect to node with id %s: %s", 1, f"refused #{attempt}")
    note = " [and 499 more like it in the last 10 s]"
    assert out.getvalue().splitlines() == [
        "ERROR Unable connect to node with id 1: refused #0",
        "ERROR Unable connect to node with id 1: refused #500" + note,
        "ERROR Unable connect to node with id 1: refused #1000" + note,
    ]
    # Nothing is lost from the count: 3 lines stand for all 1,001 records.
    assert count_logged(out.getvalue(), "Unable connect to node") == 1001


def test_different_messages_and_quiet_levels_are_never_held_back(logged):
    logger, out, clock = logged
    logger.setLevel(logging.DEBUG)
    logger.error("Unable to update metadata from %s", [1])
    logger.error("Failed fetch messages from %s: %s", 1, "closed")
    logger.error("Unable to update metadata from %s", [1])  # held back
    for _ in range(3):
        logger.debug("Sending metadata request %s", 7)  # DEBUG stays complete
    lines = out.getvalue().splitlines()
    assert lines == [
        "ERROR Unable to update metadata from [1]",
        "ERROR Failed fetch messages from 1: closed",
        "DEBUG Sending metadata request 7",
        "DEBUG Sending metadata request 7",
        "DEBUG Sending metadata request 7",
    ]


def test_a_percent_sign_in_an_argument_survives(logged):
    logger, out, clock = logged
    logger.warning("Heartbeat failed: %s", "100% lost")
    logger.warning("Heartbeat failed: %s", "100% lost")
    clock.now += 11
    logger.warning("Heartbeat failed: %s", "100% lost")
    assert out.getvalue().splitlines() == [
        "WARNING Heartbeat failed: 100% lost",
        "WARNING Heartbeat failed: 100% lost [and 1 more like it in the last 11 s]",
    ]


def test_retried_produce_answers_stay_at_debug_and_final_errors_do_not(caplog) -> None:
    """`produce` prints what Kafka refused; a leader election it retried through is noise."""
    import logging

    from aiokafka.errors import MessageSizeTooLargeError, NotLeaderForPartitionError

    from nieuwsstroom.stream.kafka.quiet_logs import quiet_retried_produce_errors

    quiet_retried_produce_errors()
    quiet_retried_produce_errors()  # idempotent
    sender = logging.getLogger("aiokafka.producer.sender")
    with caplog.at_level(logging.INFO, logger="aiokafka.producer.sender"):
        sender.warning("Got error produce response: %s", NotLeaderForPartitionError())
        sender.warning(
            "Got error produce response on topic-partition %s, retrying. Error: %s",
            ("articles.raw", 0),
            NotLeaderForPartitionError,
        )
        sender.warning("Got error produce response: %s", MessageSizeTooLargeError())
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "MessageSizeTooLargeError" in messages[0], messages
