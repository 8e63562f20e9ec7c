"""BrokerWatch: when a broker counts as gone, and what the log and /ready say meanwhile.

A controllable clock stands in for the minutes an outage lasts; the log records go
through Python's real logging (pytest's caplog), and the filter is asked about real
LogRecords as the handlers ask it.
"""

from __future__ import annotations

import logging

import pytest

from nieuwsstroom.stream.ops.broker_watch import BrokerWatch

LOGGER = "nieuwsstroom.stream.ops.broker_watch"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def aiokafka_error() -> logging.LogRecord:
    return logging.LogRecord(
        "aiokafka.conn", logging.ERROR, __file__, 1, "Unable connect to node with id %s", (1,), None
    )


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno >= 30]


def test_an_outage_shorter_than_the_limit_is_not_reported_and_logs_in_full(caplog):
    clock = Clock()
    watch = BrokerWatch(30, clock=clock)
    with caplog.at_level(logging.INFO, LOGGER):
        watch.observe(False, "metadata request failed: KafkaConnectionError")
        clock.now += 29
        watch.observe(False, "metadata request failed: KafkaConnectionError")
        assert not watch.gone and watch.unreachable_s == pytest.approx(29)
        assert watch.filter(aiokafka_error()), "a short outage (a broker restart) is logged"
        watch.observe(True)
    assert caplog.records == []
    assert watch.unreachable_s == 0


def test_a_gone_broker_is_said_once_then_reminded_and_aiokafka_is_counted_not_logged(caplog):
    clock = Clock()
    watch = BrokerWatch(30, remind_every_s=60, clock=clock)
    with caplog.at_level(logging.INFO, LOGGER):
        watch.observe(False, "metadata request failed: connection refused")
        for _ in range(30):  # a probe every 2 s for a minute
            clock.now += 2
            watch.observe(False, "metadata request failed: connection refused")
        assert watch.gone
        [first] = warnings(caplog)
        assert "unreachable for 30 s" in first and "connection refused" in first
        assert "NIEUWSSTROOM_BROKER_GONE_AFTER_S=30" in first
        assert "broker gone: no answer for 60 s" in watch.describe()

        held = [watch.filter(aiokafka_error()) for _ in range(500)]
        assert not any(held), "aiokafka's retry errors are held back while the broker is gone"
        own = logging.LogRecord("nieuwsstroom.x", logging.ERROR, __file__, 1, "ours", (), None)
        assert watch.filter(own), "our own errors are never held back"

        clock.now += 31  # first warning at t=30, now t=91: one reminder is due
        watch.observe(False, "metadata request failed: connection refused")
        clock.now += 1
        watch.observe(False, "metadata request failed: connection refused")
        assert len(warnings(caplog)) == 2
        assert "still unreachable, for 91 s" in warnings(caplog)[1]
        assert "500 aiokafka error lines held back" in warnings(caplog)[1]

        clock.now += 5
        watch.observe(True)
    back = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert back == [
        "Kafka broker reachable again after 97 s (500 aiokafka error lines were held back "
        "while it was gone)"
    ]
    assert not watch.gone and watch.filter(aiokafka_error())
