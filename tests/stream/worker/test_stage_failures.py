"""A stage that keeps failing costs bounded retries, then a dead letter; the partition moves on.

Real faults, no fakes: the worker's SQLite knowledge base loses its aliases table
while the worker runs (the link stage then fails on every article that names
something), and the enriched topic's max.message.bytes is lowered under a running
worker (the broker then refuses a large enriched record). Each test sends its
poison article and then a good one with the same key, so both sit in one
partition: a stuck partition would fail the test.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import urllib.request
from pathlib import Path

import orjson
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from nieuwsstroom.linkers.seed import ensure_seed_kb

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return orjson.loads(response.read())


def article(id_: str, body: str, title: str = "Nieuws uit Den Haag") -> bytes:
    return orjson.dumps({"id": id_, "title": title, "body": body})


def test_link_stage_failing_is_retried_with_backoff_then_dead_lettered(
    worker_factory, nieuwsstroom_cache: Path, tmp_path: Path
):
    kb_path = tmp_path / "kb.sqlite"
    shutil.copy(ensure_seed_kb(nieuwsstroom_cache), kb_path)
    pipeline = worker_factory(
        NIEUWSSTROOM_KB_PATH=str(kb_path),
        NIEUWSSTROOM_STAGE_ATTEMPTS="3",
        NIEUWSSTROOM_STAGE_RETRY_BACKOFF_S="0.1",
    )
    body = "Het kabinet vergaderde dinsdag in Den Haag over de begroting."

    before = pipeline.collect(pipeline.produce([article("voor", body)]))
    assert [r["id"] for r in before.enriched] == ["voor"]
    assert "Q36600" in {e["qid"] for e in before.enriched[0]["entities"]}  # Den Haag

    with sqlite3.connect(kb_path) as kb:
        kb.execute("ALTER TABLE aliases RENAME TO aliases_kwijt")
    # Names the worker has not looked up yet: candidates already found stay cached.
    unseen = "De gemeenteraad vergaderde dinsdag in Utrecht en Maastricht over de begroting."
    broken = pipeline.collect(pipeline.produce([article("stuk", unseen, "Nieuws uit Utrecht")]))
    [letter] = broken.deadletters
    assert letter["stage"] == "link" and letter["error_class"] == "OperationalError"
    assert letter["error_message"].startswith(
        "link failed after 3 attempts: OperationalError: no such table: aliases"
    )
    log = pipeline.worker.log_path.read_text("utf-8")
    assert "attempt 1 of 3, retrying in 0.10s" in log
    assert "attempt 2 of 3, retrying in 0.20s" in log
    stats = _get_json(f"http://127.0.0.1:{pipeline.worker.web_port}/pipeline/stats")
    assert stats["retries_by_stage"] == {"link": 2}, "ops see the retries"
    assert stats["deadletter_by_stage"] == {"link": 1}

    with sqlite3.connect(kb_path) as kb:
        kb.execute("ALTER TABLE aliases_kwijt RENAME TO aliases")
    after = pipeline.collect(
        pipeline.produce([article("stuk", unseen + " Opnieuw.", "Nieuws uit Utrecht")])
    )
    assert [r["id"] for r in after.enriched] == ["stuk"], "same key, same partition: not stuck"
    assert after.produced[0].partition == broken.produced[0].partition
    assert pipeline.worker.poll() is None


async def _limit_message_bytes(bootstrap: str, topic: str, limit: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        configs = {"max.message.bytes": str(limit)}
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs)])
    finally:
        await admin.close()


def test_a_record_the_broker_refuses_is_dead_lettered_and_the_partition_moves_on(
    worker_factory,
):
    pipeline = worker_factory(NIEUWSSTROOM_STAGE_RETRY_BACKOFF_S="0.1")
    asyncio.run(_limit_message_bytes(pipeline.bootstrap, pipeline.settings.topic_enriched, 20_000))
    # ~13,500 characters of Dutch: the enriched record (body + English + entities) is over
    # 20,000 bytes. One sentence repeated, so the translation cache keeps the test quick.
    long_body = "\n\n".join(["Klik op de knop om het bestand op te slaan."] * 300)
    values = [
        article("te-groot", long_body, title="Opslaan"),
        article("te-groot", "Klik op de knop om het bestand op te slaan.", title="Opslaan"),
    ]
    result = pipeline.collect(pipeline.produce(values))

    assert result.missing == []
    [letter] = result.deadletters
    assert letter["stage"] == "publish"
    assert letter["error_class"] == "MessageSizeTooLargeError"
    assert (
        "publish failed after 3 attempts: the broker refused the enriched record ("
        in (letter["error_message"])
    )
    assert orjson.loads(letter["value"])["body"] == long_body, "the original travels along"
    stats = _get_json(f"http://127.0.0.1:{pipeline.worker.web_port}/pipeline/stats")
    assert stats["retries_by_stage"] == {"publish": 2}
    assert stats["deadletter_by_stage"] == {"publish": 1}
    [record] = result.enriched
    assert record["id"] == "te-groot" and len(record["body"]) < 100
    assert result.produced[0].partition == result.produced[1].partition
    assert pipeline.worker.poll() is None
