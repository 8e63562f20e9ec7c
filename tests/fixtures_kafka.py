"""Fixtures for tests against the real local Kafka broker (nieuwsstroom.stream.local_kafka).

One broker per test session (starting a JVM costs seconds on a busy 2-core
machine), as quix-streams runs one KRaft broker per session. Tests that must
restart or crash a broker take `local_broker_factory` and get their own.
Every test that uses any of these fixtures is marked `kafka` automatically, so
`pytest -m "not kafka"` skips them without anyone remembering the decorator.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

KAFKA_FIXTURES = frozenset(
    {"kafka_broker", "kafka_bootstrap", "local_broker_factory", "worker_factory"}
)
"""`worker_factory` (tests/stream/conftest.py) asks for a broker only when it starts a worker."""


def _cache_dir() -> Path:
    """The app's jar cache: $NIEUWSSTROOM_CACHE_DIR/kafka, else ~/.cache/nieuwsstroom/kafka."""
    root = os.environ.get("NIEUWSSTROOM_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "kafka"
    from nieuwsstroom.stream.local_kafka.jars import default_cache_dir

    return default_cache_dir()


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every test that uses a broker fixture with `kafka` (before `-m` deselects)."""
    if KAFKA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.kafka)


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafkaBroker]:
    """The session's running broker; topics are not auto-created (create what you use)."""
    broker = LocalKafkaBroker(
        data_dir=tmp_path_factory.mktemp("kafka-session"),
        cache_dir=_cache_dir(),
        start_timeout=180,
    )
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_broker: LocalKafkaBroker) -> str:
    """The session broker's "127.0.0.1:PORT" (Faust: "kafka://" + this)."""
    return kafka_broker.bootstrap


@pytest.fixture
def local_broker_factory(
    tmp_path: Path,
) -> Iterator[Callable[..., LocalKafkaBroker]]:
    """Start private brokers (for restart and crash tests); all are stopped after the test.

    `local_broker_factory(**kwargs)` returns a started LocalKafkaBroker; kwargs go to its
    constructor, and `data_dir` defaults to a fresh folder under the test's tmp_path.
    """
    started: list[LocalKafkaBroker] = []

    def make(**kwargs: Any) -> LocalKafkaBroker:
        kwargs.setdefault("data_dir", tmp_path / f"kafka-{len(started)}")
        kwargs.setdefault("cache_dir", _cache_dir())
        kwargs.setdefault("start_timeout", 180)
        broker = LocalKafkaBroker(**kwargs)
        started.append(broker)
        broker.start()
        return broker

    try:
        yield make
    finally:
        for broker in started:
            broker.stop()
