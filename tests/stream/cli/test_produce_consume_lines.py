"""`produce` before any worker ran, then `consume`: whatever is on the topic, JSON lines out.

Right after `nieuwsstroom broker` no topic exists (auto-create is off): `produce`
creates the raw topic with the configured partitions and replication factor.
A topic holds whatever producers sent, so `consume` must print one valid JSON
line per message: JSON values as they are, text and binary values wrapped and
flagged, tombstones as tombstones, never raw bytes on the terminal. A line
larger than a Kafka message is reported with the real limit, in one line.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from tests.stream.cli.console_script import clean_env, nieuwsstroom

PRETTY = b'{\n  "id": "pretty",\n  "title": "T",\n  "body": "B"\n}'


async def _partitions(bootstrap: str, topic: str) -> set[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        return {p["partition"] for p in described["partitions"]}
    finally:
        await admin.close()


async def _send_what_produce_cannot(bootstrap: str, topic: str) -> None:
    """A tombstone, a value with a binary key, JSON over several lines (other producers)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=PRETTY, key=b"pretty")
        await producer.send_and_wait(topic, value=None, key=b"weg-1")
        await producer.send_and_wait(topic, value=b"\x00\xffjunk", key=b"\xfe\xff")
    finally:
        await producer.stop()


def test_produce_creates_the_raw_topic_and_consume_prints_every_value_as_json(
    kafka_bootstrap, tmp_path
):
    raw = f"raw-lines-{uuid.uuid4().hex[:6]}"
    env = clean_env(
        NIEUWSSTROOM_BROKER=f"kafka://{kafka_bootstrap}",
        NIEUWSSTROOM_TOPIC_RAW=raw,
        NIEUWSSTROOM_PARTITIONS="3",
    )
    article = b'{"id": "a-1", "title": "Kabinet", "body": "Het kabinet vergaderde."}'
    source = tmp_path / "in.jsonl"
    source.write_bytes(article + b"\r\n" + b"geen json\n" + b"\n" + b"\x80\x81 binair\n")

    ran = nieuwsstroom("produce", str(source), env=env)
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.splitlines() == [
        f"Created topic {raw}: 3 partitions (NIEUWSSTROOM_PARTITIONS), replication factor 1 "
        "(NIEUWSSTROOM_REPLICATION_FACTOR)"
    ]
    assert ran.stdout.startswith(f"Produced 4 messages to {raw} (partitions ")
    assert asyncio.run(_partitions(kafka_bootstrap, raw)) == {0, 1, 2}

    ran = nieuwsstroom("produce", "-", env=env, stdin=article + b"\n")  # the topic exists now
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    assert ran.stdout.startswith(f"Produced 1 message to {raw} ")
    asyncio.run(_send_what_produce_cannot(kafka_bootstrap, raw))

    ran = nieuwsstroom("consume", raw, "--from-beginning", "--max", "8", env=env)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert len(lines) == 8
    records = [json.loads(line) for line in lines]  # every line is JSON, whatever was sent
    assert lines.count(article.decode()) == 2  # a JSON value: byte for byte
    assert {"id": "pretty", "title": "T", "body": "B"} in records  # one line, not five
    wrapped = {(r["value"], r["value_encoding"]): r for r in records if r.get("not_json") is True}
    assert set(wrapped) == {
        ("geen json", "utf-8"),
        ("", "utf-8"),
        (base64.b64encode(b"\x80\x81 binair").decode(), "base64"),
        (base64.b64encode(b"\x00\xffjunk").decode(), "base64"),
    }
    binary_key = wrapped[(base64.b64encode(b"\x00\xffjunk").decode(), "base64")]
    assert binary_key["key"] == base64.b64encode(b"\xfe\xff").decode()
    assert binary_key["key_encoding"] == "base64"
    assert {"topic", "partition", "offset"} <= set(binary_key)
    [tombstone] = [r for r in records if r.get("tombstone") is True]
    assert tombstone["value"] is None and tombstone["key"] == "weg-1"
    assert "\x00" not in ran.stdout and "\ufffd" not in ran.stdout


def test_a_line_larger_than_a_kafka_message_is_refused_with_the_real_limit(
    kafka_bootstrap, tmp_path
):
    raw = f"raw-big-{uuid.uuid4().hex[:6]}"
    env = clean_env(NIEUWSSTROOM_BROKER=f"kafka://{kafka_bootstrap}", NIEUWSSTROOM_TOPIC_RAW=raw)
    huge = orjson.dumps({"id": "groot", "title": "x", "body": "woord " * 900_000})
    small = orjson.dumps({"id": "klein", "title": "Kort", "body": "Het kabinet vergaderde."})
    source = tmp_path / "in.jsonl"
    source.write_bytes(huge + b"\n" + small + b"\n")

    ran = nieuwsstroom("produce", str(source), env=env)
    assert "Traceback" not in ran.stderr
    assert ran.returncode == 1  # ran, but not every line went out
    assert ran.stdout.startswith(f"Produced 1 message to {raw}")
    assert ran.stderr.splitlines()[1:] == [
        f"line 1 refused by Kafka, not produced: {len(huge):,} bytes, more than one Kafka "
        "message holds (at most 1,048,576 bytes, less if the broker's message.max.bytes is "
        "lower): shorten the article's body or split it",
        "error: 1 of 2 lines refused by Kafka",
    ]
    assert "max_request_size" not in ran.stderr
