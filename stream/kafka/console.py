"""Plain aiokafka producing and consuming, shared by the CLI, the demo and tests.

Producing keeps each input line's bytes as they are (the line terminator is the
only thing removed) and keys a message by its article id when the line is a
JSON object with a string `id`, so an article's updates stay in one partition.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError, MessageSizeTooLargeError

from nieuwsstroom.stream.errors import KafkaConnectError, TopicNotFoundError
from nieuwsstroom.stream.kafka.preflight import check_connection
from nieuwsstroom.stream.kafka.security import PLAINTEXT, KafkaSecurity
from nieuwsstroom.stream.kafka.topics import user_topics

PRODUCER_MAX_REQUEST_BYTES = 1_048_576
"""aiokafka's default `max_request_size`: the largest message `produce` sends."""


@dataclass(frozen=True, slots=True)
class Produced:
    """Where one produced message landed, or why Kafka refused it (`error`)."""

    partition: int
    offset: int
    key: bytes | None
    line: int = 0
    error: str | None = None


def read_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Each line's bytes without its terminator (LF or CRLF); a final newline ends the file."""
    for line in stream:
        if line.endswith(b"\n"):
            line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
        yield line


def article_key(value: bytes) -> bytes | None:
    """The article id as key, when the value is a JSON object with a string id."""
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
        return data["id"].encode("utf-8")
    return None


async def produce_values(
    bootstrap: str,
    topic: str,
    values: Iterable[bytes],
    *,
    security: KafkaSecurity = PLAINTEXT,
) -> list[Produced]:
    """Send each value as one message; return where each landed (acks=all), in input order.

    A value Kafka refuses (e.g. larger than the broker's message limit) never enters
    the pipeline, so it cannot be dead-lettered: it is reported with its line number
    and the reason instead of aborting the rest. A broker that cannot be reached as
    configured raises `KafkaConnectError` before anything is sent.
    """
    await check_connection(bootstrap, security)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        max_request_size=PRODUCER_MAX_REQUEST_BYTES,
        **security.aiokafka_kwargs(),
    )
    await _start(producer, bootstrap)
    try:
        pending: list[tuple[int, bytes | None, Any, int]] = []
        for line, value in enumerate(values, start=1):
            key = article_key(value)
            try:
                future = await producer.send(topic, value=value, key=key)
            except KafkaError as exc:
                future = exc
            pending.append((line, key, future, len(value)))
        results = []
        for line, key, future, size in pending:
            try:
                if isinstance(future, KafkaError):
                    raise future
                metadata = await future
            except KafkaError as exc:
                results.append(Produced(-1, -1, key, line, refusal_reason(exc, size)))
                continue
            results.append(Produced(metadata.partition, metadata.offset, key, line))
        return results
    finally:
        await producer.stop()


def refusal_reason(exc: KafkaError, size: int) -> str:
    """Why Kafka refused one message, in words a newsroom can act on."""
    if isinstance(exc, MessageSizeTooLargeError):
        return (
            f"{size:,} bytes, more than one Kafka message holds (at most "
            f"{PRODUCER_MAX_REQUEST_BYTES:,} bytes, less if the broker's message.max.bytes "
            "is lower): shorten the article's body or split it"
        )
    return f"{type(exc).__name__}: {exc}"


async def _start(client: AIOKafkaProducer | AIOKafkaConsumer, bootstrap: str) -> None:
    """Start a client; a failed start is closed (no "Unclosed AIOKafka..." warning) and a
    broker that stops answering between the preflight and the start is named in one line."""
    try:
        await client.start()
    except BaseException as exc:
        await client.stop()
        if isinstance(exc, KafkaConnectionError):
            raise KafkaConnectError(
                f"cannot reach Kafka at {bootstrap} (no Kafka answer: {exc}): is the broker "
                "running? set NIEUWSSTROOM_BROKER or --broker",
                cause="unreachable",
            ) from exc
        raise


def missing_topic_message(topic: str, bootstrap: str, existing: set[str]) -> str:
    """`topic 'x' does not exist on H:P; topics there: a, b` (internal topics left out)."""
    shown = user_topics(existing)
    listing = ", ".join(shown[:12]) + (f" (+{len(shown) - 12} more)" if len(shown) > 12 else "")
    there = f"topics there: {listing}" if shown else "it has no topics yet"
    return f"topic {topic!r} does not exist on {bootstrap}; {there}"


@dataclass(frozen=True, slots=True)
class Consumed:
    """One consumed message with its headers."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]


async def consume(
    bootstrap: str,
    topics: list[str],
    *,
    from_beginning: bool = True,
    max_messages: int | None = None,
    idle_timeout_s: float | None = None,
    security: KafkaSecurity = PLAINTEXT,
    must_exist: bool = False,
) -> AsyncIterator[Consumed]:
    """Read topics without a consumer group (nothing committed, nothing disturbed).

    Without a group, aiokafka assigns every partition of the topics itself and
    follows metadata changes, so a topic created a moment ago is picked up too.
    With `must_exist`, a topic the broker does not have raises `TopicNotFoundError`
    at once (aiokafka itself would wait and retry).
    """
    cluster = await check_connection(bootstrap, security)
    if must_exist:
        existing = cluster.topics(exclude_internal_topics=False)
        for topic in topics:
            if topic not in existing:
                raise TopicNotFoundError(missing_topic_message(topic, bootstrap, existing))
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        **security.aiokafka_kwargs(),
    )
    await _start(consumer, bootstrap)
    try:
        count = 0
        last_message = time.monotonic()
        while max_messages is None or count < max_messages:
            batch = await consumer.getmany(timeout_ms=200)
            if not batch:
                if idle_timeout_s is not None and time.monotonic() - last_message > idle_timeout_s:
                    return
                continue
            last_message = time.monotonic()
            for records in batch.values():
                for record in records:
                    yield Consumed(
                        record.topic,
                        record.partition,
                        record.offset,
                        record.key,
                        record.value,
                        tuple(record.headers or ()),
                    )
                    count += 1
                    if max_messages is not None and count >= max_messages:
                        return
    finally:
        await consumer.stop()
