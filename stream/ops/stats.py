"""Live pipeline figures for the web view and metrics.

One object, fed by the agent after each micro-batch (`received`, `record`),
read by `/pipeline/stats`, `/metrics` and the dashboard. Thread-safe because
the pipeline runs in a worker thread while the web view reads on the loop.
Listeners (`add_listener`) let `/metrics` observe every outcome without the
agent knowing about Prometheus.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import Any

from nieuwsstroom.stream.core.outcomes import DeadLetter, Enriched, Outcome
from nieuwsstroom.stream.ops.rolling_windows import Clock, LatencyWindow, RateWindow, Timeline

STAGES = ("validate", "language", "translate", "link", "total")
"""Stages with a latency in `Enriched.timings_ms`, in pipeline order."""

LATENCY_WINDOW_S = 300.0
LATENCY_MAX_SAMPLES = 2000
RECENT_DEAD_LETTERS = 20

log = logging.getLogger(__name__)

OutcomeListener = Callable[[Sequence[Outcome]], None]


class PipelineStats:
    """Counters, sliding windows and the latest dead letters; thread-safe.

    Latency percentiles cover the last 5 minutes, at most 2,000 samples per
    stage; throughput is over the last 1 and 5 minutes. The first
    `warmup_batches` micro-batches with enriched articles are warm-up (first
    calls into the model, the language identifier, caches): their timings are
    kept apart (`latency_ms.warmup`) and stay out of the percentiles and the
    latency chart, where one cold call would otherwise set p95 for 5 minutes.
    """

    def __init__(
        self,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        *,
        warmup_batches: int = 1,
    ) -> None:
        self._lock = threading.Lock()
        self._wall_clock = wall_clock
        self.started_at = wall_clock()
        self.messages_in = 0
        self.enriched = 0
        self.deadlettered = 0
        self.deadletter_by_stage: Counter[str] = Counter()
        self.retries_by_stage: Counter[str] = Counter()
        self.latency = {
            stage: LatencyWindow(LATENCY_WINDOW_S, LATENCY_MAX_SAMPLES, clock) for stage in STAGES
        }
        self.rates = {name: RateWindow(300, clock) for name in ("in", "enriched", "deadlettered")}
        self.timeline = Timeline(clock=wall_clock)
        self.recent_dead_letters: deque[dict[str, Any]] = deque(maxlen=RECENT_DEAD_LETTERS)
        self._listeners: list[OutcomeListener] = []
        self.warmup_batches = warmup_batches
        self._warm_batches_seen = 0
        self.warmup: dict[str, Any] = {"batches": 0, "articles": 0, "max_ms": {}}

    def add_listener(self, listener: OutcomeListener) -> None:
        """Call `listener(outcomes)` after every recorded batch (e.g. Prometheus metrics)."""
        self._listeners.append(listener)

    def received(self, count: int) -> None:
        with self._lock:
            self.messages_in += count
        self.rates["in"].add(count)
        self.timeline.count("in", count)

    def retried(self, stage: str) -> None:
        """One more retry of a failing stage (called from the pipeline's thread too): a
        rising count warns ops before the dead letters do."""
        with self._lock:
            self.retries_by_stage[stage] += 1

    def record(self, outcomes: Sequence[Outcome]) -> None:
        enriched = 0
        dead = 0
        with self._lock:
            warming = self._warm_batches_seen < self.warmup_batches and any(
                isinstance(outcome, Enriched) for outcome in outcomes
            )
            if warming:
                self._warm_batches_seen += 1
                self.warmup["batches"] += 1
            for outcome in outcomes:
                if isinstance(outcome, Enriched):
                    self.enriched += 1
                    enriched += 1
                    if warming:
                        self._record_warmup(outcome)
                        continue
                    for stage, ms in outcome.timings_ms.items():
                        window = self.latency.get(stage)
                        if window is not None:
                            window.add(ms)
                    total = outcome.timings_ms.get("total")
                    if total is not None:
                        self.timeline.latency(total)
                elif isinstance(outcome, DeadLetter):
                    self.deadlettered += 1
                    dead += 1
                    self.deadletter_by_stage[outcome.stage] += 1
                    self.recent_dead_letters.appendleft(_dead_letter_summary(outcome))
        for name, count in (("enriched", enriched), ("deadlettered", dead)):
            if count:
                self.rates[name].add(count)
                self.timeline.count(name, count)
        for listener in self._listeners:
            try:
                listener(outcomes)
            except Exception:  # metrics must never take the agent down
                log.exception("Stats listener %r failed", listener)

    def _record_warmup(self, outcome: Enriched) -> None:
        """Keep the slowest warm-up time per stage (called with the lock held)."""
        self.warmup["articles"] += 1
        slowest = self.warmup["max_ms"]
        for stage, ms in outcome.timings_ms.items():
            if stage in self.latency:
                slowest[stage] = round(max(ms, slowest.get(stage, 0.0)), 3)

    def counters(self) -> dict[str, Any]:
        with self._lock:
            return {
                "messages_in": self.messages_in,
                "enriched": self.enriched,
                "deadlettered": self.deadlettered,
                "deadletter_by_stage": dict(self.deadletter_by_stage),
                "retries_by_stage": dict(self.retries_by_stage),
            }

    def snapshot(self) -> dict[str, Any]:
        """Counters, latency percentiles, throughput, recent dead letters and the timeline."""
        out = self.counters()
        out["uptime_s"] = round(self._wall_clock() - self.started_at, 1)
        out["latency_ms"] = {
            "window": {"seconds": LATENCY_WINDOW_S, "max_samples": LATENCY_MAX_SAMPLES},
            "stages": {stage: window.summary() for stage, window in self.latency.items()},
        }
        with self._lock:
            out["latency_ms"]["warmup"] = {
                "batches": self.warmup["batches"],
                "articles": self.warmup["articles"],
                "max_ms": dict(self.warmup["max_ms"]),
                "excluded": True,
            }
        out["throughput_per_s"] = {
            name: {"1m": rate.rate(60), "5m": rate.rate(300)} for name, rate in self.rates.items()
        }
        with self._lock:
            out["recent_dead_letters"] = list(self.recent_dead_letters)
        out["timeline"] = {
            "bucket_s": self.timeline.bucket_s,
            "points": self.timeline.points(("in", "enriched", "deadlettered")),
        }
        return out


def _dead_letter_summary(letter: DeadLetter) -> dict[str, Any]:
    """What the dashboard shows for a dead letter: which message, where, and why."""
    key = letter.message.key
    return {
        "id": key.decode("utf-8", "replace") if key is not None else None,
        "topic": letter.message.topic,
        "partition": letter.message.partition,
        "offset": letter.message.offset,
        "stage": letter.stage,
        "error_class": letter.error_class,
        "message": letter.error_message[:500],
        "failed_at": letter.failed_at,
    }
