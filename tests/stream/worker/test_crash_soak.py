"""Nothing is lost when a worker is killed mid-stream (SIGKILL, no goodbye), and what
comes out twice comes out the same.

A soak test: a stream of 500 short articles with bad messages mixed in, the worker
killed while it is busy, a new worker started on the same consumer group. Every
produced message must end up enriched or dead-lettered. Repeats are allowed
(at-least-once: the killed worker's published-but-uncommitted batches are processed
again) but must be the same record with the same `content_hash`, so a consumer that
drops repeats by (id, content_hash) ends up with what a crash-free run would have given
it. Whether a crash leaves repeats depends on where the kill lands, so the test counts
them and does not insist.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

import orjson
import pytest

from tests.stream.worker.delivery import (
    check_outcomes,
    expected_stage,
    outputs_by_position,
    produced_positions,
    read_topics,
    stream_values,
    values_by_position,
    wait_for_outputs,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.soak]

ARTICLES = 500
BAD_EVERY = 25  # one bad message after every 25 articles: 20 bad, 520 messages in all
KILL_AFTER_OUTPUTS = 150  # well into the stream, far from its end


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """The record without what legitimately differs between two processings of one input:
    `provenance` (processing time, timings) and `content_hash` (compared on its own)."""
    return {k: v for k, v in record.items() if k not in ("provenance", "content_hash")}


def test_killed_worker_loses_nothing_and_repeats_are_identical(worker_factory, record_property):
    started = time.monotonic()
    # Kafka hands the killed worker's partitions to the new one after the session timeout
    # (default 15 s); 10 s only shortens the test, the guarantee does not depend on it.
    pipeline = worker_factory(NIEUWSSTROOM_SESSION_TIMEOUT_S="10")
    raw, enriched, deadletter = (
        pipeline.settings.topic_raw,
        pipeline.settings.topic_enriched,
        pipeline.settings.topic_deadletter,
    )
    values, bad = stream_values(ARTICLES, "crash", bad_every=BAD_EVERY)
    produced = pipeline.produce(values)
    assert all(p.error is None for p in produced)
    inputs = produced_positions(produced)
    value_at = values_by_position(produced, values)

    seen = asyncio.run(
        wait_for_outputs(pipeline.bootstrap, [enriched, deadletter], KILL_AFTER_OUTPUTS, 300)
    )
    assert seen >= KILL_AFTER_OUTPUTS, f"no progress:\n{pipeline.worker.log_tail()}"
    pipeline.worker.kill()
    before_restart = outputs_by_position(
        asyncio.run(read_topics(pipeline.bootstrap, [enriched, deadletter])), raw
    )
    assert len(before_restart) < len(inputs), "the kill must land mid-stream, not after it"

    pipeline.start_another_worker()
    result = pipeline.collect(produced, timeout_s=300)
    assert result.missing == [], f"lost {len(result.missing)} messages: {result.missing[:10]}"

    # Audit every record ever written, repeats included.
    records = asyncio.run(read_topics(pipeline.bootstrap, [enriched, deadletter]))
    by_position = outputs_by_position(records, raw)
    assert set(by_position) == set(inputs), "every input accounted for, and nothing else"

    check_outcomes(by_position, value_at, enriched, deadletter)
    repeats = sum(len(outputs) - 1 for outputs in by_position.values())
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if record.topic == enriched:
            article = orjson.loads(record.value or b"{}")
            by_article[article["id"]].append(article)

    assert len(by_article) == ARTICLES
    assert sum(expected_stage(v) is not None for v in values) == bad
    repeated_ids = {aid: recs for aid, recs in by_article.items() if len(recs) > 1}
    for article_id, copies in repeated_ids.items():
        first = copies[0]
        for other in copies[1:]:
            assert comparable(other) == comparable(first), f"{article_id}: repeat differs"
            assert other["content_hash"] == first["content_hash"], article_id
            assert other["provenance"]["source"] == first["provenance"]["source"], (
                f"{article_id}: a repeat must be the same input processed again"
            )

    elapsed = time.monotonic() - started
    record_property("repeated_records", repeats)
    record_property("repeated_articles", len(repeated_ids))
    record_property("seconds", round(elapsed, 1))
    print(
        f"\ncrash soak: {len(inputs)} inputs ({bad} bad), {len(before_restart)} accounted for "
        f"before the kill, {repeats} repeated records ({len(repeated_ids)} articles), "
        f"{elapsed:.1f}s"
    )
