"""The aiokafka metadata back-off (stream/kafka/backoff.py), without a broker.

A client that knows no reachable broker fails its metadata refresh at once; that
instant failure is what let aiokafka's sender spin while a broker restarted. With the
back-off installed the failure comes back no sooner than `retry_backoff_ms`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from aiokafka.client import AIOKafkaClient

from nieuwsstroom.stream.kafka import backoff as kafka_backoff
from nieuwsstroom.stream.local_kafka.broker import free_port

BACKOFF_MS = 300


@pytest.fixture(autouse=True)
def _restore_aiokafka() -> Iterator[None]:
    """install() patches a class for the whole process; undo it after each test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AIOKafkaClient, "_metadata_update", AIOKafkaClient._metadata_update)
        yield


async def _failed_refresh_seconds() -> tuple[bool, float]:
    client = AIOKafkaClient(
        bootstrap_servers=f"127.0.0.1:{free_port()}", retry_backoff_ms=BACKOFF_MS
    )
    started = time.monotonic()
    try:
        updated = await client._metadata_update(client.cluster, [])
    finally:
        await client.close()
    return updated, time.monotonic() - started


async def test_a_failed_metadata_refresh_waits_the_retry_backoff():
    kafka_backoff.install()
    updated, seconds = await _failed_refresh_seconds()
    assert updated is False
    # A lower bound only: a busy machine can make it slower, never faster.
    assert seconds >= BACKOFF_MS / 1000 * 0.9


def test_install_is_idempotent():
    kafka_backoff.install()
    wrapped = AIOKafkaClient._metadata_update
    assert kafka_backoff.install() is False
    assert AIOKafkaClient._metadata_update is wrapped
