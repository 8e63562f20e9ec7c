"""The web view of a real worker (real broker, model, KB) against what was sent."""

from __future__ import annotations

from collections import Counter

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.stream.ops.conftest import WebPipeline, sample_articles

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

STAGES = ("validate", "language", "translate", "link", "total")


def metric_samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_health_and_ready(web_pipeline: WebPipeline):
    status, health = web_pipeline.get_json("/health")
    assert status == 200 and health["status"] == "ok"
    assert health["pid"] == web_pipeline.worker.pid
    status, ready = web_pipeline.get_json("/ready")
    assert status == 200, ready
    assert ready["status"] == "ready"
    assert set(ready["checks"]) == {"broker", "topics", "model", "knowledge_base"}
    assert all(check["ok"] for check in ready["checks"].values())
    assert web_pipeline.settings.topic_raw in ready["checks"]["topics"]["detail"]


def test_pipeline_stats_match_what_was_sent(web_pipeline: WebPipeline):
    pipeline = web_pipeline
    # The first batch is warm-up, kept out of the percentiles: send a second one to time.
    pipeline.send(sample_articles("stats"), [])
    expected_dead = sum(pipeline.dead_by_stage.values())
    stats = pipeline.wait_for(
        lambda s: s["enriched"] + s["deadlettered"] == pipeline.sent, "all outcomes counted"
    )
    assert stats["messages_in"] == pipeline.sent
    assert stats["enriched"] == len(pipeline.enriched) == pipeline.sent - expected_dead
    assert stats["deadletter_by_stage"] == dict(pipeline.dead_by_stage)

    stages = stats["latency_ms"]["stages"]
    warmup = stats["latency_ms"]["warmup"]  # the first batch: shown apart, not in percentiles
    assert warmup["batches"] == 1 and 1 <= warmup["articles"] <= len(pipeline.enriched) - 3
    for stage in STAGES:
        summary = stages[stage]
        assert summary["count"] == len(pipeline.enriched) - warmup["articles"], stage
        assert 0 <= summary["p50"] <= summary["p95"] <= summary["p99"] <= summary["max"]
    # The worker's timings are the ones recorded in each enriched record's provenance.
    totals = sorted(r["provenance"]["timings_ms"]["total"] for r in pipeline.enriched)
    slowest = max(stages["total"]["max"], warmup["max_ms"]["total"])
    assert slowest == pytest.approx(totals[-1], abs=0.01)

    assert stats["throughput_per_s"]["in"]["5m"] > 0
    assert sum(p["in_per_s"] for p in stats["timeline"]["points"]) > 0

    reasons = stats["recent_dead_letters"]
    assert Counter(d["stage"] for d in reasons) == pipeline.dead_by_stage
    assert {"id", "partition", "offset", "stage", "error_class", "message"} <= set(reasons[0])

    consumer = stats["consumer"]
    assert sorted(consumer["partitions"][pipeline.settings.topic_raw]) == [0, 1]
    # entities.mentions is read by the trending app (its own consumer group, same worker).
    assert sorted(consumer["partitions"][pipeline.settings.topic_mentions]) == [0, 1]
    assert consumer["groups"] == [pipeline.settings.app_id, f"{pipeline.settings.app_id}-trending"]
    cache = stats["translation_cache"]
    assert cache is not None and cache["misses"] > 0
    assert stats["provenance"]["translator"]["engine"].startswith("argos")
    assert stats["provenance"]["knowledge_base"]["kb_entities"] > 0


def test_lag_drops_to_zero_once_everything_is_committed(web_pipeline: WebPipeline):
    raw = web_pipeline.settings.topic_raw

    def settled(stats: dict) -> bool:  # lag is cached 2 s: wait for a measurement of it all
        rows = [r for r in stats["consumer"]["lag"] if r["topic"] == raw]
        ends = sum(r["end_offset"] or 0 for r in rows)
        return [r["lag"] for r in rows] == [0, 0] and ends == web_pipeline.sent

    stats = web_pipeline.wait_for(
        settled, "raw-topic lag to reach 0 (Faust commits every few seconds)"
    )
    rows = [r for r in stats["consumer"]["lag"] if r["topic"] == raw]
    assert sum(r["end_offset"] for r in rows) == web_pipeline.sent
    assert all(r["committed"] == r["end_offset"] for r in rows)


def test_trending_counts_the_mentions_of_enriched_articles(web_pipeline: WebPipeline):
    expected: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for record in web_pipeline.enriched:
        for entity in record["entities"]:
            expected[entity["qid"]] += len(entity["mentions"])
            articles[entity["qid"]] += 1
    assert expected, "the sample articles link entities"
    status, trending = web_pipeline.get_json("/pipeline/trending?limit=100")
    assert status == 200
    window = trending["window"]
    assert window["type"] == "tumbling" and window["size_s"] == 600
    got = {e["qid"]: e for e in trending["entities"]}
    if window["start"] <= web_pipeline.first_sent_at - 5:  # all sends fell in this window
        assert {q: e["mentions"] for q, e in got.items()} == dict(expected)
        assert {q: e["articles"] for q, e in got.items()} == dict(articles)
    else:  # a window boundary passed since: what is counted is a subset
        assert set(got) <= set(expected)
    for entity in trending["entities"]:
        assert entity["url"] == f"https://www.wikidata.org/wiki/{entity['qid']}"
        assert entity["label"]
    mentions = [e["mentions"] for e in trending["entities"]]
    assert mentions == sorted(mentions, reverse=True)


def test_metrics_match_the_stats(web_pipeline: WebPipeline):
    pipeline = web_pipeline
    pipeline.wait_for(lambda s: s["enriched"] + s["deadlettered"] == pipeline.sent, "counts")
    raw = pipeline.settings.topic_raw
    pipeline.wait_for(  # lag is measured in the background every couple of seconds
        lambda s: (
            sum(r["end_offset"] or 0 for r in s["consumer"]["lag"] if r["topic"] == raw)
            == pipeline.sent
        ),
        "a lag reading that has seen every message",
    )
    status, body, content_type = pipeline.get("/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    samples = metric_samples(body.decode())
    assert samples[("nieuwsstroom_messages_in_total", ())] == pipeline.sent
    assert samples[("nieuwsstroom_enriched_total", ())] == len(pipeline.enriched)
    for stage, count in pipeline.dead_by_stage.items():
        assert samples[("nieuwsstroom_deadlettered_total", (("stage", stage),))] == count
    for stage in STAGES:
        key = ("nieuwsstroom_stage_latency_seconds_count", (("stage", stage),))
        assert samples[key] == len(pipeline.enriched)
    arrived = 0.0
    for partition in ("0", "1"):
        labels = (("consumer", "enrich"), ("partition", partition), ("topic", raw))
        assert ("nieuwsstroom_consumer_lag", labels) in samples
        assert samples[("nieuwsstroom_assigned_partition", labels)] == 1
        end = samples[("nieuwsstroom_partition_end_offset", labels)]
        assert samples[("nieuwsstroom_partition_committed_offset", labels)] <= end
        arrived += end
    assert arrived == pipeline.sent, "the raw partitions' end offsets count what arrived"
    mentions = pipeline.settings.topic_mentions
    assert any(
        name == "nieuwsstroom_assigned_partition"
        and ("consumer", "trending") in labels
        and ("topic", mentions) in labels
        for name, labels in samples
    ), "the trending consumer's partitions are labelled with its job"
    assert samples[("nieuwsstroom_broker_unreachable_seconds", ())] == 0
    assert samples[("nieuwsstroom_loaded", (("component", "model"),))] == 1
    assert samples[("nieuwsstroom_loaded", (("component", "knowledge_base"),))] == 1
    assert samples[("nieuwsstroom_translation_cache_misses_total", ())] > 0
    assert any(name == "nieuwsstroom_model_info" for name, _ in samples)
    assert any(name.startswith("faust_") for name, _ in samples)  # Faust's Prometheus sensor


def test_faust_pages_still_work(web_pipeline: WebPipeline):
    for path in ("/router/", "/table/"):
        status, _, content_type = web_pipeline.get(path)
        assert status == 200 and content_type.startswith("application/json"), path
    status, body, _ = web_pipeline.get("/dashboard")
    assert status == 200 and b"<canvas" in body
    assert web_pipeline.get("/dashboard/dashboard.js")[0] == 200
    assert web_pipeline.get("/dashboard/nope.js")[0] == 404
