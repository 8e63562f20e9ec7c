"""A worker whose broker is gone says so, and SIGTERM still ends it within its bound.

The broker is SIGKILLed under a busy worker and does not come back. The worker must
(1) report it on /ready (503, "broker gone", with for how long) once the broker has been
away NIEUWSSTROOM_BROKER_GONE_AFTER_S, (2) say it in its log once, not in a flood, and
(3) end within NIEUWSSTROOM_STOP_TIMEOUT_S of a SIGTERM, with status 75, committing
nothing it has not published. Without the bound this worker ignored SIGTERM for over
two minutes (its consumer threads wait 60 s each for the missing broker). Point (3) is
checked after the fact: the broker is started again on its data and the group's
committed offsets are compared with what reached the output topics.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import urllib.error
import urllib.request

import pytest

from nieuwsstroom.stream.worker.faust_worker import STOP_TIMED_OUT_EXIT
from tests.stream.worker.delivery import (
    committed_offsets,
    outputs_by_position,
    produced_positions,
    read_topics,
    stream_values,
    wait_for_outputs,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

GONE_AFTER_S = 3.0
STOP_TIMEOUT_S = 8.0
SLACK_S = 6.0
"""A busy 2-core machine may be this late on top of a bound (probe period, exit)."""
ARTICLES = 300  # short ones; the worker must still be busy when the broker dies
KILL_AFTER_OUTPUTS = 8


def get_ready(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_a_worker_whose_broker_is_gone_says_so_and_still_stops_within_its_bound(
    local_broker_factory, worker_factory, record_property
):
    broker = local_broker_factory()
    pipeline = worker_factory(
        bootstrap=broker.bootstrap,
        NIEUWSSTROOM_BROKER_GONE_AFTER_S=str(GONE_AFTER_S),
        NIEUWSSTROOM_STOP_TIMEOUT_S=str(STOP_TIMEOUT_S),
    )
    worker, settings = pipeline.worker, pipeline.settings
    deadline = time.monotonic() + 300
    while get_ready(worker.web_port)[0] != 200:
        assert time.monotonic() < deadline, get_ready(worker.web_port)
        time.sleep(1)
    values, _ = stream_values(ARTICLES, "gone")
    produced = pipeline.produce(values)
    outputs = [settings.topic_enriched, settings.topic_deadletter]
    seen = asyncio.run(wait_for_outputs(broker.bootstrap, outputs, KILL_AFTER_OUTPUTS, 300))
    assert seen >= KILL_AFTER_OUTPUTS, f"no progress:\n{worker.log_tail()}"
    raw = settings.topic_raw
    while not asyncio.run(committed_offsets(broker.bootstrap, settings.app_id, raw)):
        assert time.monotonic() < deadline, "the worker never committed"
        time.sleep(0.5)  # a commit before the kill, so the check at the end has a boundary

    broker.stop(graceful=False)  # SIGKILL; its data directory is kept for the check below
    killed = time.monotonic()
    while True:
        status, body = get_ready(worker.web_port)
        detail = body["checks"]["broker"]["detail"]
        if "broker gone" in detail:
            gone_seen_s = time.monotonic() - killed
            break
        assert status == 503 or time.monotonic() - killed < 2, body
        assert time.monotonic() - killed < GONE_AFTER_S + 3 * SLACK_S, body
        time.sleep(0.3)
    assert status == 503 and body["status"] == "not ready"
    assert gone_seen_s >= GONE_AFTER_S - 0.5, "reported gone before the configured time"
    assert gone_seen_s <= GONE_AFTER_S + SLACK_S, f"reported only after {gone_seen_s:.1f}s"
    assert f"NIEUWSSTROOM_BROKER_GONE_AFTER_S={GONE_AFTER_S:g}" in detail

    time.sleep(3)  # let the worker's clients keep retrying against the dead port
    log = worker.log_path.read_text("utf-8", "replace")
    warned = [line for line in log.splitlines() if "Kafka broker unreachable for" in line]
    assert len(warned) == 1 and "WARNING" in warned[0], warned
    after_warning = log.split(warned[0], 1)[1].splitlines()
    flood = [line for line in after_warning if "[ERROR]" in line or "[WARNING]" in line]
    assert flood == [], f"{len(flood)} warnings/errors after the broker was declared gone"

    stop_started = time.monotonic()
    worker._proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
    code = worker._proc.wait(STOP_TIMEOUT_S + 4 * SLACK_S)  # type: ignore[union-attr]
    stop_s = time.monotonic() - stop_started
    log = worker.log_path.read_text("utf-8", "replace")
    assert code == STOP_TIMED_OUT_EXIT, f"exit {code}:\n{worker.log_tail()}"
    assert STOP_TIMEOUT_S - 0.5 <= stop_s <= STOP_TIMEOUT_S + SLACK_S, stop_s
    [gave_up] = [line for line in log.splitlines() if "Stop did not finish within" in line]
    assert "broker gone" in gave_up and f"status {STOP_TIMED_OUT_EXIT}" in gave_up

    broker.start()  # same ports, same data: what did the group commit?
    committed = asyncio.run(committed_offsets(broker.bootstrap, settings.app_id, raw))
    done = outputs_by_position(asyncio.run(read_topics(broker.bootstrap, outputs)), raw)
    inputs = produced_positions(produced)
    for partition in sorted({p for p, _ in inputs}):
        boundary = committed.get(partition, -1)
        unpublished = [o for p, o in inputs if p == partition and o < boundary]
        unpublished = [o for o in unpublished if (partition, o) not in done]
        assert not unpublished, (
            f"partition {partition}: committed up to {boundary} but offsets "
            f"{unpublished[:10]} were never published"
        )
    assert len(done) < len(inputs), "the broker must have died mid-stream"
    record_property("gone_reported_after_s", round(gone_seen_s, 1))
    record_property("stop_seconds", round(stop_s, 1))
    print(
        f"\nbroker gone: /ready said so {gone_seen_s:.1f}s after the kill "
        f"(limit {GONE_AFTER_S:g}s); SIGTERM ended the worker in {stop_s:.1f}s "
        f"(bound {STOP_TIMEOUT_S:g}s) with status {code}; {len(done)}/{len(inputs)} published, "
        f"committed {committed}"
    )
