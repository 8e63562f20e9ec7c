"""Nothing is lost when a worker is killed mid-stream (SIGKILL, no goodbye).

A soak test: a steady stream of good and bad messages, the worker killed while
it is busy, a new worker started on the same consumer group. Every produced
message must end up enriched or dead-lettered; duplicates are allowed
(at-least-once), losses are not.
"""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest

from stream.demo import SAMPLE_ARTICLES
from stream.kafka_io import consume

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.soak]

MESSAGES = 60


def soak_values() -> list[bytes]:
    """Distinct articles built from the samples, with bad messages mixed in."""
    samples = [orjson.loads(line) for line in SAMPLE_ARTICLES.read_bytes().splitlines() if line]
    values = []
    for i in range(MESSAGES):
        if i % 10 == 7:
            values.append(b'{"id": "kapot-%d", "title": ' % i)
            continue
        article = dict(samples[i % len(samples)])
        article["id"] = f"{article['id']}-soak-{i}"
        # A distinct first paragraph per message, so the translation cache cannot hide the work.
        article["body"] = f"Bericht nummer {i} van de nieuwsdienst.\n\n{article['body'][:1200]}"
        values.append(orjson.dumps(article))
    return values


async def wait_for_outputs(bootstrap: str, topics: list[str], count: int, timeout_s: float) -> int:
    seen = 0
    deadline = time.monotonic() + timeout_s
    async for _ in consume(bootstrap, topics, idle_timeout_s=timeout_s):
        seen += 1
        if seen >= count or time.monotonic() > deadline:
            break
    return seen


def test_killed_worker_loses_nothing(worker_factory):
    pipeline = worker_factory(NIEUWSSTROOM_BATCH_MAX_ARTICLES="4")
    produced = pipeline.produce(soak_values())
    outputs = [pipeline.settings.topic_enriched, pipeline.settings.topic_deadletter]
    seen = asyncio.run(wait_for_outputs(pipeline.bootstrap, outputs, 8, 300))
    assert seen >= 8, "the worker made progress before the crash"
    pipeline.worker.kill()

    pipeline.start_another_worker()
    result = pipeline.collect(produced, timeout_s=600)

    assert result.missing == [], f"lost {len(result.missing)} messages: {result.missing[:10]}"
    assert len(result.enriched) + len(result.deadletters) == MESSAGES
    assert len(result.deadletters) == MESSAGES // 10
    assert {d["stage"] for d in result.deadletters} == {"decode"}
