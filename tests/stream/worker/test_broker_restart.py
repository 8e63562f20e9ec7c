"""A broker restart mid-stream costs the worker nothing: it reconnects by itself.

Kafka goes away and comes back (same ports, same data directory: a rolling upgrade
of a one-node cluster, or a crashed broker restarted by its supervisor) while the
worker is busy. Nobody restarts the worker: the same process must reconnect its
consumer and producer, republish what the broker did not acknowledge, and go on.
Every input produced before and after the restart must come out (repeats are
allowed: offsets committed just before the broker went away may not have reached it).
Run twice: a clean stop (SIGTERM, controlled shutdown) and a crash (SIGKILL: the broker
recovers its logs on start, and the worker sees connections drop without goodbye).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request

import pytest

from nieuwsstroom.stream.kafka.quiet_logs import count_logged
from tests.stream.worker.delivery import (
    check_outcomes,
    outputs_by_position,
    produced_positions,
    read_topics,
    stream_values,
    values_by_position,
    wait_for_outputs,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.soak]

BEFORE = 200  # articles produced before the restart
AFTER = 60  # and after it, so the worker must also consume again, not only publish
BAD_EVERY = 20
RESTART_AFTER_OUTPUTS = 40
FAILED_REFRESHES_PER_S = 200


@pytest.mark.parametrize("graceful", [True, False], ids=["sigterm", "sigkill"])
def test_worker_recovers_by_itself_from_a_broker_restart(
    local_broker_factory, worker_factory, record_property, graceful
):
    started = time.monotonic()
    broker = local_broker_factory()
    pipeline = worker_factory(bootstrap=broker.bootstrap)
    worker = pipeline.worker
    pid = worker.pid
    raw, outputs = (
        pipeline.settings.topic_raw,
        [pipeline.settings.topic_enriched, pipeline.settings.topic_deadletter],
    )
    values, _ = stream_values(BEFORE, "restart", bad_every=BAD_EVERY)
    produced = pipeline.produce(values)
    value_at = values_by_position(produced, values)

    seen = asyncio.run(wait_for_outputs(broker.bootstrap, outputs, RESTART_AFTER_OUTPUTS, 300))
    assert seen >= RESTART_AFTER_OUTPUTS, f"no progress:\n{worker.log_tail()}"
    restart_started = time.monotonic()
    cpu_before = worker.cpu_seconds()
    broker.restart(graceful=graceful)
    restart_seconds = time.monotonic() - restart_started
    outage_cpu = worker.cpu_seconds() - cpu_before
    done_at_restart = outputs_by_position(asyncio.run(read_topics(broker.bootstrap, outputs)), raw)
    assert len(done_at_restart) < len(produced), "the restart must land mid-stream"

    more, _ = stream_values(AFTER, "restart", bad_every=BAD_EVERY, first=BEFORE)
    produced_after = pipeline.produce(more)
    value_at |= values_by_position(produced_after, more)  # line numbers restart per call
    produced += produced_after
    result = pipeline.collect(produced, timeout_s=300)
    assert result.missing == [], (
        f"lost {len(result.missing)} messages: {result.missing[:10]}\n{worker.log_tail()}"
    )

    assert worker.poll() is None, f"the worker died:\n{worker.log_tail()}"
    assert worker.pid == pid, "the same worker process, never restarted"
    url = f"http://127.0.0.1:{worker.web_port}/health"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200

    inputs = produced_positions(produced)
    final = outputs_by_position(asyncio.run(read_topics(broker.bootstrap, outputs)), raw)
    assert set(final) == set(inputs)
    check_outcomes(final, value_at, *outputs)
    repeats = sum(len(copies) - 1 for copies in final.values())

    # No busy loop while the broker was away (stream/kafka_backoff.py): each aiokafka
    # client retries a failed metadata refresh at most every 100 ms, so a handful of
    # clients log well under FAILED_REFRESHES_PER_S; spinning, they logged thousands.
    # The log folds repeats into "[and N more like it]" notes; count them all.
    log_text = worker.log_path.read_text("utf-8", "replace")
    failed = count_logged(log_text, "Unable to update metadata")
    assert failed <= FAILED_REFRESHES_PER_S * (restart_seconds + 5), (
        f"{failed} failed metadata refreshes in a {restart_seconds:.0f}s restart: busy loop"
    )

    elapsed = time.monotonic() - started
    record_property("repeated_records", repeats)
    record_property("seconds", round(elapsed, 1))
    record_property("outage_cpu_seconds", round(outage_cpu, 1))
    print(
        f"\nbroker restart ({'SIGTERM' if graceful else 'SIGKILL'}): {len(inputs)} inputs, "
        f"{len(done_at_restart)} done when the broker "
        f"was back (restart took {restart_seconds:.1f}s; worker used {outage_cpu:.1f}s CPU, "
        f"{failed} failed metadata refreshes), {repeats} repeats, test {elapsed:.1f}s"
    )
