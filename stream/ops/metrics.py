"""Prometheus metrics: the figures of `/pipeline/stats` in text exposition format.

Each app gets its own `CollectorRegistry` (never the global one), so tests that
build several apps in one process do not collide on metric names.

- Counters (messages in, enriched, dead-lettered by stage, translation-cache
  hits/misses) are read from `PipelineStats` / the translator at scrape time by
  a custom collector: one source of truth, nothing counted twice.
- Stage latency is a real histogram (seconds, Prometheus convention), observed
  for every enriched article through a `PipelineStats` listener, so Prometheus
  can aggregate across workers; the windowed p50/p95/p99 of the web view are
  exported as gauges as well.
- Dead letters are exported for every stage from the start (0 until one
  happens), so an alert that adds them up never sees a missing series.
- Lag, assignment, and each consumed partition's end offset (what has arrived)
  and committed offset are gauges from the last `ConsumerState` reading, which
  the `/metrics` handler refreshes (asynchronously) before rendering; the
  `consumer` label (`enrich`, `trending`) names the job whatever the topics
  are called, so alert rules need no topic names.
- `nieuwsstroom_broker_unreachable_seconds` comes from the `BrokerWatch`.
- Faust's own Prometheus sensor (`faust.sensors.prometheus`) is set up on the
  same registry with the prefix `faust_`, so one scrape also gets Faust's
  event, commit, send and rebalance metrics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    InfoMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from nieuwsstroom.stream.core.outcomes import Enriched, Outcome
from nieuwsstroom.stream.ops.broker_watch import BrokerWatch
from nieuwsstroom.stream.ops.stats import STAGES, PipelineStats
from nieuwsstroom.stream.worker.runtime import Runtime

LATENCY_BUCKETS_S = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
FAUST_METRICS_PATH = "/metrics/faust"
DEAD_LETTER_STAGES = ("decode", "validate", "language", "translate", "link", "publish", "internal")
"""Every stage a dead letter can name (README, topic contracts)."""


def translation_cache_stats(translator: Any) -> dict[str, int] | None:
    """Hit/miss counters of the first wrapped layer that has them (`CachedTranslator`)."""
    layer = translator
    for _ in range(5):  # wrappers are shallow; never loop forever on a cycle
        stats = getattr(layer, "stats", None)
        if callable(stats):
            try:
                found = stats()
            except Exception:
                return None
            if isinstance(found, dict) and "hits" in found:
                return {k: int(v) for k, v in found.items() if isinstance(v, int | float)}
        layer = getattr(layer, "underlying", None)
        if layer is None:
            return None
    return None


def _info_labels(prov: Any) -> dict[str, str]:
    if not isinstance(prov, dict):
        return {}
    return {str(k): str(v) for k, v in prov.items() if isinstance(v, str | int | float | bool)}


class _PipelineCollector(Collector):
    """Counters and gauges read from the live objects at scrape time."""

    def __init__(
        self,
        stats: PipelineStats,
        runtime: Runtime,
        lag: list[dict[str, Any]],
        broker_watch: BrokerWatch | None = None,
    ) -> None:
        self._stats = stats
        self._runtime = runtime
        self.lag = lag
        self._broker_watch = broker_watch

    def collect(self) -> Iterator[Metric]:
        counters = self._stats.counters()
        yield CounterMetricFamily(
            "nieuwsstroom_messages_in",
            "Messages consumed from the raw topic.",
            value=counters["messages_in"],
        )
        yield CounterMetricFamily(
            "nieuwsstroom_enriched",
            "Articles enriched and published.",
            value=counters["enriched"],
        )
        dead = CounterMetricFamily(
            "nieuwsstroom_deadlettered", "Messages sent to the dead-letter topic.", labels=["stage"]
        )
        by_stage = dict.fromkeys(DEAD_LETTER_STAGES, 0) | counters["deadletter_by_stage"]
        for stage, count in sorted(by_stage.items()):
            dead.add_metric([stage], count)
        yield dead
        retries = CounterMetricFamily(
            "nieuwsstroom_stage_retries",
            "Retries of a failing stage (translate, link, publish) before success or dead letter.",
            labels=["stage"],
        )
        for stage, count in sorted(counters["retries_by_stage"].items()):
            retries.add_metric([stage], count)
        yield retries
        yield from self._windows()
        yield from self._consumer()
        yield from self._runtime_state()

    def _windows(self) -> Iterator[Metric]:
        snap = {stage: w.summary() for stage, w in self._stats.latency.items()}
        window = GaugeMetricFamily(
            "nieuwsstroom_stage_latency_window_ms",
            "Stage latency percentiles over the sliding window (5 min, <= 2000 samples).",
            labels=["stage", "quantile"],
        )
        for stage, summary in snap.items():
            for key, quantile in (("p50", "0.5"), ("p95", "0.95"), ("p99", "0.99")):
                value = summary.get(key)
                if value is not None:
                    window.add_metric([stage, quantile], float(value))
        yield window
        rate = GaugeMetricFamily(
            "nieuwsstroom_throughput_per_second",
            "Messages per second over a trailing window.",
            labels=["kind", "window"],
        )
        for kind, counter in self._stats.rates.items():
            rate.add_metric([kind, "1m"], counter.rate(60))
            rate.add_metric([kind, "5m"], counter.rate(300))
        yield rate

    def _consumer(self) -> Iterator[Metric]:
        labels = ["consumer", "topic", "partition"]
        lag = GaugeMetricFamily(
            "nieuwsstroom_consumer_lag",
            "End offset minus committed offset, per assigned partition.",
            labels=labels,
        )
        assigned = GaugeMetricFamily(
            "nieuwsstroom_assigned_partition",
            "1 for each partition assigned to this worker.",
            labels=labels,
        )
        end = GaugeMetricFamily(
            "nieuwsstroom_partition_end_offset",
            "End offset (high watermark) of each assigned partition: what has arrived on it.",
            labels=labels,
        )
        committed = GaugeMetricFamily(
            "nieuwsstroom_partition_committed_offset",
            "Offset last committed by this worker's group, per assigned partition.",
            labels=labels,
        )
        for row in self.lag:
            key = [str(row.get("consumer", "")), row["topic"], str(row["partition"])]
            assigned.add_metric(key, 1)
            for family, field in ((lag, "lag"), (end, "end_offset"), (committed, "committed")):
                if row.get(field) is not None:
                    family.add_metric(key, row[field])
        yield from (lag, assigned, end, committed)
        if self._broker_watch is not None:
            yield GaugeMetricFamily(
                "nieuwsstroom_broker_unreachable_seconds",
                "Seconds since the broker last answered a readiness probe (0 while it does).",
                value=self._broker_watch.unreachable_s,
            )

    def _runtime_state(self) -> Iterator[Metric]:
        runtime = self._runtime
        loaded = GaugeMetricFamily(
            "nieuwsstroom_loaded", "1 once the component is loaded.", labels=["component"]
        )
        loaded.add_metric(["model"], 1 if runtime.model_loaded.is_set() else 0)
        loaded.add_metric(["knowledge_base"], 1 if runtime.kb_loaded.is_set() else 0)
        yield loaded
        for name, attribute, doc in (
            ("nieuwsstroom_model", "translator_provenance", "Translation model in use."),
            ("nieuwsstroom_knowledge_base", "kb_provenance", "Knowledge base in use."),
        ):
            try:
                labels = _info_labels(getattr(runtime, attribute))
            except Exception:
                continue
            info = InfoMetricFamily(name, doc)
            info.add_metric([], labels)
            yield info
        cache = translation_cache_stats(runtime.translator)
        if cache is not None:
            yield CounterMetricFamily(
                "nieuwsstroom_translation_cache_hits",
                "Sentences served from the cache.",
                value=cache.get("hits", 0),
            )
            yield CounterMetricFamily(
                "nieuwsstroom_translation_cache_misses",
                "Sentences sent to the model.",
                value=cache.get("misses", 0),
            )
            yield GaugeMetricFamily(
                "nieuwsstroom_translation_cache_entries",
                "Sentences held in the cache.",
                value=cache.get("entries", 0),
            )


class PipelineMetrics:
    """The app's registry: our collector, the stage-latency histogram, Faust's sensor."""

    def __init__(
        self,
        app: faust.App,
        stats: PipelineStats,
        runtime: Runtime,
        broker_watch: BrokerWatch | None = None,
        *,
        faust_sensor: bool = True,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._collector = _PipelineCollector(stats, runtime, [], broker_watch)
        self.registry.register(self._collector)
        self.stage_latency = Histogram(
            "nieuwsstroom_stage_latency_seconds",
            "Per-article time spent in each pipeline stage.",
            labelnames=["stage"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        for stage in STAGES:  # export every stage from the start, not after the first article
            self.stage_latency.labels(stage=stage)
        stats.add_listener(self.observe)
        if faust_sensor:
            setup_prometheus_sensors(
                app, pattern=FAUST_METRICS_PATH, registry=self.registry, name_prefix="faust"
            )

    def observe(self, outcomes: Sequence[Outcome]) -> None:
        """Stats listener: one histogram observation per stage per enriched article."""
        for outcome in outcomes:
            if isinstance(outcome, Enriched):
                for stage, ms in outcome.timings_ms.items():
                    if stage in STAGES:
                        self.stage_latency.labels(stage=stage).observe(ms / 1000)

    def render(self, lag: list[dict[str, Any]]) -> bytes:
        """The text exposition, with the given lag reading."""
        self._collector.lag = lag
        return generate_latest(self.registry)
