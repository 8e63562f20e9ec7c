"""Losing a leader in a replicated cluster costs nothing: the failure production sees.

A 3-node KRaft cluster (combined broker + controller nodes, static voters) and topics
created by nieuwsstroom with replication factor 3 and `min.insync.replicas=2`. With 3
partitions per topic on 3 nodes every node leads one partition of `articles.raw` and
one of `articles.enriched`, so the node that leads the KRaft quorum also leads raw and
enriched partitions: it is SIGKILLed while a stream of 500 short articles is being
enriched (more are produced while it is down), then started again. Nobody touches the
worker. Every input must come out (enriched, or dead-lettered with its reason), repeats
must be identical, and the same worker process must keep going on two nodes and after
the third returns.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from nieuwsstroom.stream.local_kafka.cluster import LocalKafkaCluster
from tests.fixtures_kafka import _cache_dir
from tests.stream.worker.delivery import (
    check_outcomes,
    outputs_by_position,
    produced_positions,
    read_topics,
    source_position,
    stream_values,
    values_by_position,
    wait_for_outputs,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.soak]

BEFORE = 420  # articles produced before the kill
DURING = 80  # and while the node is down: producers must fail over too
BAD_EVERY = 50
KILL_AFTER_OUTPUTS = 100
FAILOVER_DEADLINE_S = 240


@pytest.fixture
def kafka_cluster(tmp_path: Path) -> Iterator[LocalKafkaCluster]:
    """Ask for it before `worker_factory`: workers then stop while the cluster answers."""
    cluster = LocalKafkaCluster(data_dir=tmp_path / "cluster", cache_dir=_cache_dir())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


async def leaders(bootstrap: str, topics: list[str]) -> dict[str, dict[int, int]]:
    """{topic: {partition: leader node id}} from fresh metadata."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.client.force_metadata_update()
        cluster = producer.client.cluster
        return {
            topic: {
                p: cluster.leader_for_partition(TopicPartition(topic, p))
                for p in sorted(cluster.partitions_for_topic(topic) or ())
            }
            for topic in topics
        }
    finally:
        await producer.stop()


async def replication(bootstrap: str, topics: list[str]) -> dict[str, tuple[set[int], str]]:
    """{topic: ({replica counts}, min.insync.replicas)} as the brokers report them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
        configs = await admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, t, {"min.insync.replicas": None})
                for t in topics
            ]
        )
    finally:
        await admin.close()
    counts = {t["topic"]: {len(p["replicas"]) for p in t["partitions"]} for t in described}
    min_isr = {}
    for response in configs:
        for resource in response.resources:
            name, entries = resource[3], resource[4]
            min_isr[name] = next(e[1] for e in entries if e[0] == "min.insync.replicas")
    return {t: (counts[t], min_isr[t]) for t in topics}


async def wait_for_failover(
    bootstrap: str,
    raw: str,
    outputs: list[str],
    done_before: set[tuple[int, int]],
    raw_partitions: set[int],
    enriched_partitions: set[int],
) -> float | None:
    """The monotonic time at which outputs show both a raw message of `raw_partitions` and
    an enriched record in `enriched_partitions` that were not there before; None if the
    deadline passes first."""
    deadline = time.monotonic() + FAILOVER_DEADLINE_S
    while time.monotonic() < deadline:
        fresh = [
            r for r in await read_topics(bootstrap, outputs)
            if (position := source_position(r, raw)) is not None and position not in done_before
        ]  # fmt: skip
        read_from = {source_position(r, raw)[0] for r in fresh}  # type: ignore[index]
        wrote_to = {r.partition for r in fresh if r.topic == outputs[0]}
        if read_from & raw_partitions and wrote_to & enriched_partitions:
            return time.monotonic()
        await asyncio.sleep(1)
    return None


def test_killing_the_node_that_leads_quorum_raw_and_enriched_loses_nothing(
    kafka_cluster, worker_factory, record_property
):
    started = time.monotonic()
    cluster = kafka_cluster
    pipeline = worker_factory(
        partitions=3,
        bootstrap=cluster.bootstrap,
        NIEUWSSTROOM_REPLICATION_FACTOR="3",
        NIEUWSSTROOM_MIN_INSYNC_REPLICAS="2",
        NIEUWSSTROOM_SESSION_TIMEOUT_S="10",
    )
    worker, settings, bootstrap = pipeline.worker, pipeline.settings, cluster.bootstrap
    raw, enriched, deadletter = (
        settings.topic_raw,
        settings.topic_enriched,
        settings.topic_deadletter,
    )
    outputs = [enriched, deadletter]
    assert asyncio.run(replication(bootstrap, [raw, enriched, deadletter])) == {
        topic: ({3}, "2") for topic in (raw, enriched, deadletter)
    }, "topics as nieuwsstroom creates them: replication factor 3, min.insync.replicas 2"

    values, _ = stream_values(BEFORE, "failover", bad_every=BAD_EVERY)
    produced = pipeline.produce(values)
    value_at = values_by_position(produced, values)
    seen = asyncio.run(wait_for_outputs(bootstrap, outputs, KILL_AFTER_OUTPUTS, 300))
    assert seen >= KILL_AFTER_OUTPUTS, f"no progress:\n{worker.log_tail()}"

    victim = cluster.quorum_leader()
    assert victim is not None
    led = asyncio.run(leaders(bootstrap, [raw, enriched]))
    assert victim in led[raw].values() and victim in led[enriched].values(), (
        f"node {victim} leads the quorum but not raw and enriched partitions: {led}"
    )
    cluster.node(victim).kill()
    killed_at = time.monotonic()
    survivors = ",".join(n.bootstrap for n in cluster.nodes if n.node_id != victim)
    done_at_kill = outputs_by_position(asyncio.run(read_topics(survivors, outputs)), raw)
    assert len(done_at_kill) < len(produced), "the kill must land mid-stream"

    more, _ = stream_values(DURING, "failover", bad_every=BAD_EVERY, first=BEFORE)
    produced_during = pipeline.produce(more)  # through the two live nodes
    value_at |= values_by_position(produced_during, more)
    produced += produced_during
    # On two nodes the worker must go on where it matters: reading the raw partition the
    # dead node led and writing the enriched partition it led, both now led by survivors.
    victim_raw = {p for p, n in led[raw].items() if n == victim}
    victim_enriched = {p for p, n in led[enriched].items() if n == victim}
    recovered_after = asyncio.run(
        wait_for_failover(survivors, raw, outputs, set(done_at_kill), victim_raw, victim_enriched)
    )
    assert recovered_after is not None, f"no progress on two nodes:\n{worker.log_tail()}"
    recovered_after -= killed_at
    down_for = time.monotonic() - killed_at
    moved = asyncio.run(leaders(survivors, [raw, enriched]))
    assert victim not in moved[raw].values() and victim not in moved[enriched].values()
    new_leader = cluster.quorum_leader()
    assert new_leader not in (None, victim), "a surviving node leads the quorum now"

    cluster.node(victim).start()  # back on its ports, with its data; it catches up
    result = pipeline.collect(produced, timeout_s=300)
    assert result.missing == [], (
        f"lost {len(result.missing)} messages: {result.missing[:10]}\n{worker.log_tail()}"
    )
    assert worker.poll() is None, f"the worker died:\n{worker.log_tail()}"
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/health", timeout=10) as r:
        assert r.status == 200

    # Audit every record ever written, repeats included.
    records = asyncio.run(read_topics(bootstrap, outputs))
    by_position = outputs_by_position(records, raw)
    inputs = produced_positions(produced)
    assert set(by_position) == set(inputs), "every input accounted for, and nothing else"
    check_outcomes(by_position, value_at, enriched, deadletter)
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if record.topic == enriched:
            article = orjson.loads(record.value or b"{}")
            by_article[article["id"]].append(article)
    assert len(by_article) == BEFORE + DURING
    for article_id, copies in by_article.items():
        first = copies[0]
        for other in copies[1:]:
            assert other["content_hash"] == first["content_hash"], f"{article_id}: repeat differs"
            assert other["provenance"]["source"] == first["provenance"]["source"], article_id
    repeats = sum(len(copies) - 1 for copies in by_position.values())

    elapsed = time.monotonic() - started
    record_property("repeated_records", repeats)
    record_property("seconds", round(elapsed, 1))
    record_property("node_down_seconds", round(down_for, 1))
    record_property("failover_seconds", round(recovered_after, 1))
    print(
        f"\ncluster failover: {len(inputs)} inputs; node {victim} (quorum leader, leading "
        f"raw {sorted(victim_raw)} and enriched {sorted(victim_enriched)}) SIGKILLed after "
        f"{len(done_at_kill)} inputs were done; its partitions processed again on the two "
        f"survivors {recovered_after:.1f}s later (quorum leader now {new_leader}); node down "
        f"{down_for:.1f}s; {repeats} repeated records; test {elapsed:.1f}s"
    )
