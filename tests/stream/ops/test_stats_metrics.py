"""PipelineStats, the Prometheus exposition and readiness, without a broker."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from nieuwsstroom.stream.core.outcomes import DeadLetter, Enriched, RawMessage
from nieuwsstroom.stream.errors import KafkaConnectError
from nieuwsstroom.stream.kafka.topics import TopicNames
from nieuwsstroom.stream.ops.broker_watch import BrokerWatch
from nieuwsstroom.stream.ops.health import Readiness
from nieuwsstroom.stream.ops.metrics import (
    DEAD_LETTER_STAGES,
    PipelineMetrics,
    translation_cache_stats,
)
from nieuwsstroom.stream.ops.stats import PipelineStats
from nieuwsstroom.stream.worker.runtime import Runtime

TIMINGS = {"validate": 1.0, "language": 2.0, "translate": 100.0, "link": 5.0, "total": 108.0}
TOPICS = TopicNames("raw", "enriched", "mentions", "deadletter")


class FakeTranslator:
    """A protocol-shaped stand-in: provenance plus cache counters like CachedTranslator."""

    provenance = {"engine": "fake", "model": "nl-en-test", "model_version": "1"}

    def __init__(self) -> None:
        self.underlying = object()

    def translate_batch(self, texts: list[str]) -> list[str]:
        return texts

    def stats(self) -> dict[str, int]:
        return {"hits": 3, "misses": 7, "entries": 7, "max_entries": 100}


class FakeLinker:
    provenance = {"kb_source": "seed", "kb_build_date": "2024-01-01", "kb_entities": 42}

    def link(self, doc: Any) -> list[Any]:
        return []


def message(offset: int, key: bytes | None = b"art-1") -> RawMessage:
    return RawMessage(b"{}", key, "raw", 0, offset)


def outcomes() -> list[Enriched | DeadLetter]:
    return [
        Enriched(message(0), "a", {}, [], dict(TIMINGS)),
        Enriched(message(1), "b", {}, [], dict(TIMINGS)),
        DeadLetter(message(2, b"bad-1"), "validate", "ValidationError", "missing 'body'", "now"),
        DeadLetter(message(3, None), "decode", "DecodeError", "not JSON", "now"),
    ]


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(FakeTranslator(), FakeLinker(), pipeline=None)  # type: ignore[arg-type]


def test_stats_counts_latency_and_recent_dead_letters():
    stats = PipelineStats(warmup_batches=0)
    stats.received(4)
    stats.record(outcomes())
    snap = stats.snapshot()
    assert (snap["messages_in"], snap["enriched"], snap["deadlettered"]) == (4, 2, 2)
    assert snap["deadletter_by_stage"] == {"validate": 1, "decode": 1}
    translate = snap["latency_ms"]["stages"]["translate"]
    assert translate["count"] == 2 and translate["p50"] == 100.0 and translate["p99"] == 100.0
    assert [d["id"] for d in snap["recent_dead_letters"]] == [None, "bad-1"]  # newest first
    assert snap["recent_dead_letters"][1]["offset"] == 2
    assert snap["latency_ms"]["window"] == {"seconds": 300.0, "max_samples": 2000}
    assert set(snap["throughput_per_s"]) == {"in", "enriched", "deadlettered"}


def test_the_first_batch_is_warm_up_shown_apart_not_in_the_percentiles():
    stats = PipelineStats()  # one warm-up batch by default
    cold = dict(TIMINGS, language=620.0, total=726.0)  # the first call loads a model
    stats.record([Enriched(message(0), "cold", {}, [], cold), *outcomes()[2:]])
    stats.record(outcomes())
    snap = stats.snapshot()
    assert snap["enriched"] == 3  # counted, only not timed with the rest
    language = snap["latency_ms"]["stages"]["language"]
    assert language["count"] == 2 and language["max"] == 2.0
    assert snap["latency_ms"]["warmup"] == {
        "batches": 1,
        "articles": 1,
        "max_ms": cold,
        "excluded": True,
    }
    latency_points = [p for p in snap["timeline"]["points"] if p.get("p95_ms") is not None]
    assert all(p["p95_ms"] < 700 for p in latency_points)


def test_a_batch_of_only_dead_letters_is_not_the_warm_up():
    stats = PipelineStats()
    stats.record(outcomes()[2:])
    stats.record(outcomes())
    assert stats.snapshot()["latency_ms"]["warmup"]["articles"] == 2


def test_a_failing_listener_never_reaches_the_agent():
    stats = PipelineStats()

    def broken(_: object) -> None:
        raise RuntimeError("boom")

    stats.add_listener(broken)
    stats.record(outcomes())
    assert stats.enriched == 2


def test_translation_cache_stats_unwraps_and_tolerates_absence():
    assert translation_cache_stats(FakeTranslator())["hits"] == 3
    assert translation_cache_stats(object()) is None

    class Wrapper:
        def __init__(self) -> None:
            self.underlying = FakeTranslator()

    assert translation_cache_stats(Wrapper())["misses"] == 7


def test_metrics_exposition_matches_stats(runtime):
    import faust

    app = faust.App("metrics-test", broker="kafka://127.0.0.1:1", web_enabled=False)
    stats = PipelineStats()
    now = [100.0]
    watch = BrokerWatch(30, clock=lambda: now[0])
    metrics = PipelineMetrics(app, stats, runtime, watch)
    runtime.model_loaded.set()
    stats.received(4)
    stats.record(outcomes())
    watch.observe(False, "metadata request failed")  # the outage starts at 100 s
    now[0] = 142.5  # and is 42.5 s old when scraped
    lag = [
        {"consumer": "enrich", "topic": "raw", "partition": 0, "end_offset": 10,
         "committed": 4, "lag": 6},
        {"consumer": "trending", "topic": "mentions", "partition": 1, "end_offset": 3,
         "committed": None, "lag": None},
    ]  # fmt: skip
    text = metrics.render(lag).decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("nieuwsstroom_messages_in_total", ())] == 4
    assert samples[("nieuwsstroom_enriched_total", ())] == 2
    assert samples[("nieuwsstroom_deadlettered_total", (("stage", "validate"),))] == 1
    for stage in DEAD_LETTER_STAGES:  # every stage from the start, so sums are never empty
        assert ("nieuwsstroom_deadlettered_total", (("stage", stage),)) in samples
    assert samples[("nieuwsstroom_deadlettered_total", (("stage", "publish"),))] == 0
    enrich_p0 = (("consumer", "enrich"), ("partition", "0"), ("topic", "raw"))
    trending_p1 = (("consumer", "trending"), ("partition", "1"), ("topic", "mentions"))
    assert samples[("nieuwsstroom_consumer_lag", enrich_p0)] == 6
    assert samples[("nieuwsstroom_partition_end_offset", enrich_p0)] == 10
    assert samples[("nieuwsstroom_partition_committed_offset", enrich_p0)] == 4
    assert samples[("nieuwsstroom_assigned_partition", trending_p1)] == 1
    assert samples[("nieuwsstroom_partition_end_offset", trending_p1)] == 3
    assert ("nieuwsstroom_consumer_lag", trending_p1) not in samples, "unknown lag: no sample"
    assert samples[("nieuwsstroom_broker_unreachable_seconds", ())] == 42.5
    assert samples[("nieuwsstroom_stage_latency_seconds_count", (("stage", "total"),))] == 2
    assert samples[("nieuwsstroom_stage_latency_seconds_sum", (("stage", "total"),))] == 0.216
    assert samples[("nieuwsstroom_translation_cache_hits_total", ())] == 3
    assert samples[("nieuwsstroom_loaded", (("component", "model"),))] == 1
    assert samples[("nieuwsstroom_loaded", (("component", "knowledge_base"),))] == 0
    info = [k for k in samples if k[0] == "nieuwsstroom_model_info"]
    assert info and ("model", "nl-en-test") in info[0][1]
    assert any(name.startswith("faust_") for name, _ in samples)  # Faust's sensor, same registry


def test_two_apps_have_separate_registries(runtime):
    import faust

    for name in ("one", "two"):
        app = faust.App(name, broker="kafka://127.0.0.1:1", web_enabled=False)
        PipelineMetrics(app, PipelineStats(), runtime).render([])


def test_readiness_reports_each_check_and_caches_the_broker_answer(runtime):
    calls = 0

    async def fetch() -> set[str]:
        nonlocal calls
        calls += 1
        return {"raw", "enriched", "mentions"}

    async def scenario() -> None:
        readiness = Readiness(runtime, TOPICS, fetch, cache_s=60)
        ready, body = await readiness.report()
        assert not ready and body["status"] == "not ready"
        assert body["checks"]["broker"]["ok"] is True
        assert body["checks"]["topics"] == {"ok": False, "detail": "missing: deadletter"}
        assert body["checks"]["model"]["ok"] is False
        runtime.model_loaded.set()
        runtime.kb_loaded.set()
        ready, body = await readiness.report()
        assert body["checks"]["model"]["ok"] and "nl-en-test" in body["checks"]["model"]["detail"]
        assert calls == 1  # cached

    asyncio.run(scenario())


def test_readiness_when_the_broker_is_down(runtime):
    async def fetch() -> set[str]:
        raise ConnectionError("connection refused")

    async def scenario() -> None:
        runtime.model_loaded.set()
        runtime.kb_loaded.set()
        ready, body = await Readiness(runtime, TOPICS, fetch).report()
        assert not ready
        assert "connection refused" in body["checks"]["broker"]["detail"]
        assert body["checks"]["topics"]["ok"] is False

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("cause", "gone"), [("unreachable", True), ("authentication", False)], ids=["down", "refused"]
)
def test_readiness_tells_the_broker_watch_and_names_a_gone_broker(runtime, cause, gone):
    """A broker that does not answer becomes "gone" after the limit; one that answers with a
    refusal (credentials, certificates) is reachable: /ready keeps the refusal's own words."""
    now = [0.0]
    watch = BrokerWatch(10, clock=lambda: now[0])

    async def fetch() -> set[str]:
        raise KafkaConnectError(f"cannot use Kafka: {cause}", cause=cause)

    async def scenario() -> None:
        readiness = Readiness(runtime, TOPICS, fetch, cache_s=0, clock=lambda: now[0], watch=watch)
        for now[0] in (0.0, 5.0, 11.0):
            ready, body = await readiness.report()
            assert not ready
        detail = body["checks"]["broker"]["detail"]
        assert watch.gone is gone
        if gone:
            assert detail.startswith("broker gone: no answer for 11 s") and cause in detail
        else:
            assert detail == f"cannot use Kafka: {cause}" and watch.unreachable_s == 0

    asyncio.run(scenario())


def test_readiness_times_out_a_hanging_broker(runtime):
    async def fetch() -> set[str]:
        await asyncio.sleep(60)
        return set()

    async def scenario() -> None:
        ready, body = await Readiness(runtime, TOPICS, fetch, timeout_s=0.1).report()
        assert not ready and "TimeoutError" in body["checks"]["broker"]["detail"]

    asyncio.run(scenario())


def test_create_worker_builds_both_apps_with_their_agents_table_and_views(runtime, tmp_path):
    from nieuwsstroom.stream.settings import Settings
    from nieuwsstroom.stream.worker.create import create_worker

    settings = Settings(broker="kafka://127.0.0.1:1", data_dir=tmp_path, partitions=3)
    worker = create_worker(settings, runtime, PipelineStats())
    app = worker.enrich_app
    assert worker.web is not None and worker.web.trending is worker.trending
    assert {a.name for a in app.agents.values()} == {"enrich-articles"}
    assert not app.tables, "tables live in the trending app: a rebalance must not stall enrichment"
    trending_app = worker.trending.app
    assert worker.apps == (app, trending_app)
    assert trending_app.conf.id == f"{settings.app_id}-trending"
    assert "trending-entities" in trending_app.tables
    assert {a.name for a in trending_app.agents.values()} == {"trending-entities"}
    assert worker.trending.top(5)["entities"] == []
