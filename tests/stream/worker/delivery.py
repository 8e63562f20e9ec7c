"""Helpers for the delivery-guarantee tests (crash, broker restart, graceful stop).

They read topics the way an auditor would: every record from the beginning up to
the end offsets taken when reading starts, not deduplicated, so a test can count
repeats instead of having them hidden by `collect_outputs`. Nothing here joins a
consumer group, so reading never disturbs the worker under test.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from nieuwsstroom.stream.kafka.console import Consumed, Produced, consume
from nieuwsstroom.stream.kafka.headers import HEADER_PREFIX, source_of

Position = tuple[int, int]
"""(partition, offset) of a raw message."""

# Short Dutch articles: a distinct first sentence per article (the number makes it
# unique, so the translation cache cannot stand in for the model) and one or two
# shared sentences that name places and countries the seed knowledge base links.
_PLACES = ["Amsterdam", "Rotterdam", "Utrecht", "Groningen", "Eindhoven", "Maastricht"]
_COUNTRIES = ["Duitsland", "Frankrijk", "België", "Spanje", "Polen", "Oekraïne"]
_SUBJECTS = ["de gemeenteraad", "de politie", "het ziekenhuis", "de brandweer", "de school"]
_FOLLOW_UPS = [
    "De burgemeester wil volgende week meer vertellen.",
    "Volgens de krant waren er veel mensen op straat.",
    "Het kabinet zegt dat het de situatie goed volgt.",
    "Er zijn nog geen nieuwe maatregelen genomen.",
]

# Messages the pipeline must dead-letter, with the stage that rejects them; `{i}` keeps
# each one distinct so every bad message is its own input.
BAD_MESSAGES: list[tuple[str, str]] = [
    ('{"id": "kapot-{i}", "title": ', "decode"),
    ('{"id": "geen-body-{i}", "title": "Titel {i}"}', "validate"),
    ('["een", "lijst", {i}]', "validate"),
    (
        '{"id": "engels-{i}", "title": "Markets rally {i}", "body": "Stock markets rallied on '
        "Tuesday after the central bank said it would keep interest rates unchanged for the "
        'rest of the year."}',
        "language",
    ),
]


def short_article(i: int, tag: str) -> dict[str, Any]:
    """A title and three short sentences; the first sentence and title are unique to `i`."""
    place = _PLACES[i % len(_PLACES)]
    country = _COUNTRIES[(i // len(_PLACES)) % len(_COUNTRIES)]
    subject = _SUBJECTS[i % len(_SUBJECTS)]
    return {
        "id": f"{tag}-{i}",
        "title": f"Bericht {i} uit {place}",
        "body": (
            f"Op dag {i} sprak {subject} van {place} over de banden met {country}. "
            f"{_FOLLOW_UPS[i % len(_FOLLOW_UPS)]} "
            f"{_FOLLOW_UPS[(i + 1) % len(_FOLLOW_UPS)]}"
        ),
        "source": "delivery-test",
    }


def stream_values(
    articles: int, tag: str, *, bad_every: int = 0, first: int = 0
) -> tuple[list[bytes], int]:
    """`articles` good articles (numbered from `first`) with a bad message after every
    `bad_every`-th one. Returns the values in produce order and how many of them are bad.
    """
    values: list[bytes] = []
    bad = 0
    for i in range(first, first + articles):
        values.append(orjson.dumps(short_article(i, tag)))
        if bad_every and i % bad_every == bad_every - 1:
            template, _ = BAD_MESSAGES[bad % len(BAD_MESSAGES)]
            values.append(template.replace("{i}", str(i)).encode())
            bad += 1
    return values, bad


def expected_stage(value: bytes) -> str | None:
    """The dead-letter stage a value from `stream_values` must get; None for an article."""
    for template, stage in BAD_MESSAGES:
        prefix = template.split("{i}", 1)[0]
        if value.decode("utf-8", "replace").startswith(prefix):
            return stage
    return None


def source_position(record: Consumed, raw_topic: str) -> Position | None:
    """The raw message an output came from (from its headers), if it came from `raw_topic`."""
    source = source_of(record.headers)
    return source[1:] if source is not None and source[0] == raw_topic else None


async def read_topics(bootstrap: str, topics: Iterable[str]) -> list[Consumed]:
    """Every record of the topics, from the beginning to the end offsets as of now."""
    topics = list(topics)
    # Subscribing makes start() wait for the topics' metadata; then take the partitions
    # over by hand, so the end offsets below bound exactly what is read.
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            raise ValueError(f"no partitions for {topics}")
        consumer.unsubscribe()
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Consumed] = []
        pending = {tp for tp in partitions if ends[tp] > 0}
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, items in batch.items():
                for r in items:
                    if r.offset < ends[tp]:
                        headers = tuple(r.headers or ())
                        records.append(
                            Consumed(r.topic, r.partition, r.offset, r.key, r.value, headers)
                        )
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return records
    finally:
        await consumer.stop()


def outputs_by_position(records: Iterable[Consumed], raw_topic: str) -> dict[Position, list]:
    """Group output records by the raw message they came from (repeats kept)."""
    grouped: dict[Position, list[Consumed]] = defaultdict(list)
    for record in records:
        position = source_position(record, raw_topic)
        if position is not None:
            grouped[position].append(record)
    return dict(grouped)


async def wait_for_outputs(bootstrap: str, topics: list[str], count: int, timeout_s: float) -> int:
    """Block until `count` output records exist (or the timeout); return how many were seen."""
    seen = 0
    deadline = time.monotonic() + timeout_s
    async for _ in consume(bootstrap, topics, idle_timeout_s=timeout_s):
        seen += 1
        if seen >= count or time.monotonic() > deadline:
            break
    return seen


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """The consumer group's committed offset per partition of `topic` (-1: none committed).

    Read with the admin client (OffsetFetch), which does not join the group.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}


def produced_positions(produced: Iterable[Produced]) -> dict[Position, Produced]:
    """Each accepted produced message by its (partition, offset)."""
    return {(p.partition, p.offset): p for p in produced if p.error is None}


def check_outcomes(
    by_position: dict[Position, list[Consumed]],
    value_at: dict[Position, bytes],
    enriched_topic: str,
    deadletter_topic: str,
) -> None:
    """Each article went to the enriched topic and each bad message to the dead-letter
    topic with its expected stage and its original bytes, never both, every copy alike.

    Without this a pipeline that dead-letters everything (fast!) would pass a test that
    only counts outputs.
    """
    for position, outputs in by_position.items():
        stage = expected_stage(value_at[position])
        topics = {o.topic for o in outputs}
        if stage is None:
            assert topics == {enriched_topic}, (
                f"{position}: an article must be enriched, got {topics}; "
                f"{dict(outputs[0].headers).get(HEADER_PREFIX + 'error_message', b'')!r}"
            )
            continue
        assert topics == {deadletter_topic}, f"{position}: expected a {stage} dead letter"
        for output in outputs:
            assert dict(output.headers)[HEADER_PREFIX + "stage"].decode() == stage, position
            assert output.value == value_at[position], "the original bytes travel untouched"
        reasons = {dict(o.headers)[HEADER_PREFIX + "error_message"] for o in outputs}
        assert len(reasons) == 1, f"{position}: a repeated dead letter changed its reason"


def values_by_position(produced: Iterable[Produced], values: list[bytes]) -> dict[Position, bytes]:
    """The value produced at each (partition, offset)."""
    return {(p.partition, p.offset): values[p.line - 1] for p in produced if p.error is None}
