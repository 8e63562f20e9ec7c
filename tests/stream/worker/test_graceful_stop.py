"""A worker stopped with SIGTERM mid-stream finishes what it started, commits it, and
exits cleanly; the next worker continues exactly where it stopped.

This is what a rolling deploy does to every worker. At-least-once would tolerate
repeats here too, but a graceful stop has no excuse for them: the in-flight batch is
published and acknowledged before shutdown (the agent shields it), and its offsets
must then be committed. So after the stop, the committed offset of each partition
must be the exact boundary between "has an output" and "has none", and after a
second worker drains the rest every input must come out exactly once.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.stream.worker.delivery import (
    check_outcomes,
    committed_offsets,
    outputs_by_position,
    produced_positions,
    read_topics,
    stream_values,
    values_by_position,
    wait_for_outputs,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ARTICLES = 300
BAD_EVERY = 30
STOP_AFTER_OUTPUTS = 60
CLEAN_EXIT = 0
"""mode's Worker (under faust.Worker) exits with EX_OK after a signal-initiated stop."""


def test_sigterm_drains_commits_and_the_next_worker_repeats_nothing(
    worker_factory, record_property
):
    started = time.monotonic()
    pipeline = worker_factory()
    settings = pipeline.settings
    raw, outputs = settings.topic_raw, [settings.topic_enriched, settings.topic_deadletter]
    values, _ = stream_values(ARTICLES, "graceful", bad_every=BAD_EVERY)
    produced = pipeline.produce(values)
    inputs = produced_positions(produced)
    assert len(inputs) == len(values)

    seen = asyncio.run(wait_for_outputs(pipeline.bootstrap, outputs, STOP_AFTER_OUTPUTS, 300))
    assert seen >= STOP_AFTER_OUTPUTS, f"no progress:\n{pipeline.worker.log_tail()}"
    stop_started = time.monotonic()
    code = pipeline.worker.stop(timeout_s=90)
    stop_seconds = time.monotonic() - stop_started
    assert code == CLEAN_EXIT, f"exit code {code}; log tail:\n{pipeline.worker.log_tail()}"

    committed = asyncio.run(committed_offsets(pipeline.bootstrap, settings.app_id, raw))
    done = outputs_by_position(asyncio.run(read_topics(pipeline.bootstrap, outputs)), raw)
    assert 0 < len(done) < len(inputs), "the stop must land mid-stream"
    for partition in sorted({p for p, _ in inputs}):
        boundary = committed.get(partition, -1)
        offsets = sorted(o for p, o in inputs if p == partition)
        below = [o for o in offsets if o < boundary]
        assert all((partition, o) in done for o in below), (
            f"partition {partition}: committed {boundary} but some message below it has "
            f"no output (dropped in flight)"
        )
        above = sorted(o for p, o in done if p == partition and o >= boundary)
        assert not above, (
            f"partition {partition}: committed {boundary}, yet offsets {above[:10]} were "
            "published and not committed (the next worker would repeat them)"
        )
    assert all(len(copies) == 1 for copies in done.values()), "repeats before any restart"

    pipeline.start_another_worker()
    result = pipeline.collect(produced, timeout_s=300)
    assert result.missing == [], f"lost {len(result.missing)} messages: {result.missing[:10]}"

    final = outputs_by_position(asyncio.run(read_topics(pipeline.bootstrap, outputs)), raw)
    assert set(final) == set(inputs)
    check_outcomes(final, values_by_position(produced, values), *outputs)
    repeated = {position: len(copies) for position, copies in final.items() if len(copies) > 1}
    assert not repeated, f"a graceful stop must not cause repeats: {sorted(repeated)[:10]}"

    elapsed = time.monotonic() - started
    record_property("stop_seconds", round(stop_seconds, 1))
    record_property("seconds", round(elapsed, 1))
    print(
        f"\ngraceful stop: {len(inputs)} inputs, {len(done)} done at the stop "
        f"(committed {committed}), stop took {stop_seconds:.1f}s, test {elapsed:.1f}s"
    )
