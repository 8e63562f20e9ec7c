"""The pipeline bench's phases, in order, on one running worker.

1. Rounds of translator alone vs the pipeline (order alternating, best of each
   counts): the floor is our own batched translator on the same text with the same
   term constraints (`translator_seconds`), the pipeline a real worker.
2. Latency at a steady half of the measured pipeline rate.
3. The worker's memory (RSS and peak RSS) after each phase, against the 1 GB goal.
4. Optionally, scaling to a second worker (`scaling.py`).

Each phase prints its lines as it ends; `run` returns the headline figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.argos_baseline import load_articles
from bench.pipeline_kit.phase import PARTITIONS, Message, PhaseResult, bench_messages, run_phase
from bench.pipeline_kit.processes import Worker, start_worker
from bench.pipeline_kit.scaling import scale
from nieuwsstroom.linkers.base import Document, Linker
from nieuwsstroom.linkers.seed import ensure_seed_kb
from nieuwsstroom.stream.components import linker_from_settings, translator_from_settings
from nieuwsstroom.stream.core.entity_terms import entity_terms
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.kafka.topics import TopicNames, bootstrap_servers, ensure_topics
from nieuwsstroom.stream.ops.rolling_windows import percentile
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.translators.articles import translate_articles, translate_articles_with_terms
from nieuwsstroom.translators.base import TermTranslator
from nieuwsstroom.translators.factory import describe

MEMORY_GOAL_MB = 1000.0  # "under 1 GB", decimal: the stricter reading


def translator_seconds(
    translator: TermTranslator, linker: Linker, messages: list[Message], batch: int
) -> tuple[float, float]:
    """The floor: translate the same articles in the worker's micro-batches, with the same
    term constraints (linked before the clock starts), nothing else.

    Returns (wall seconds, CPU seconds of this process): nothing else runs here then.
    """
    pairs = [(m.title, m.body) for m in messages]
    terms = [entity_terms(linker.link(Document(t, b))).terms for t, b in pairs]
    cpu_started = time.process_time()
    started = time.perf_counter()
    for i in range(0, len(pairs), batch):
        translate_articles_with_terms(translator, pairs[i : i + batch], terms[i : i + batch])
    return time.perf_counter() - started, time.process_time() - cpu_started


def mb(value: float) -> str:
    return f"{value:.0f} MB"


def ms_percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p50, p95 = percentile(ordered, 50), percentile(ordered, 95)
    return f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms"


@dataclass
class PipelineFigures:
    """The headline numbers of one bench run, for the calling script to report."""

    translator_rate: float  # articles/s, our batched translator alone
    pipeline_rate: float  # articles/s, one worker end to end
    worker_cores_busy: float  # CPU s / wall s of that worker
    latency_p50_ms: float
    latency_p95_ms: float
    peak_rss_mb: float

    @property
    def ratio(self) -> float:
        """Pipeline articles/s over translator-alone articles/s."""
        return self.pipeline_rate / self.translator_rate

    @property
    def rate_per_core(self) -> float:
        """Pipeline articles/s per CPU core the worker kept busy."""
        return self.pipeline_rate / max(self.worker_cores_busy, 1e-9)


def run(
    args: argparse.Namespace,
    settings: Settings,
    env: dict[str, str],
    broker_text: str,
    tmp: Path,
    workers: list[Worker],
    wall_started: float,
    scaling: bool,
    ratio_goal: float,
) -> PipelineFigures:
    """The phases, in order; `workers` is filled as they start so the caller can stop them."""
    n = args.articles
    batch = settings.batch_max_articles
    bootstrap = bootstrap_servers(settings.broker)
    names = TopicNames.from_settings(settings)
    texts = load_articles()
    per_article_timeout = 120.0 + 10.0 * n

    translator = translator_from_settings(settings.model_copy(update={"translation_cache_size": 0}))
    # Warmed up like the worker (same warm-up articles), model loaded outside any clock.
    warm_pairs = [(m.title, m.body) for m in bench_messages(texts, PARTITIONS, "warm")]
    translate_articles(translator, warm_pairs)
    ensure_seed_kb(settings.cache_dir)  # built once here, not by a worker while it starts
    linker = linker_from_settings(settings)
    security = kafka_security(settings)  # NIEUWSSTROOM_KAFKA_* of the caller, as the workers
    asyncio.run(ensure_topics(settings, security))
    cores = os.cpu_count() or 1
    print(f"model: {describe(translator)}")
    chars = sum(len(a.title) + len(a.body) for a in texts) / len(texts)
    print(
        f"articles: N={n} per phase, cycling {len(texts)} bench texts ({chars:.0f} chars avg), "
        f"every id distinct; micro_batch_articles={batch} "
        f"translate_threads={settings.translate_threads} beam={settings.translate_beam_size} "
        f"compute_type={settings.translate_compute_type} translation_cache=0 "
        f"partitions={PARTITIONS} cpu_count={cores}"
    )

    started = time.monotonic()
    first = start_worker(env, tmp / "faust-1", tmp / "worker-1.log")
    workers.append(first)
    memory: list[tuple[str, float, float]] = [("at /ready (model, KB loaded)", *first.memory_mb())]
    warm = bench_messages(texts, PARTITIONS, "warm1")
    asyncio.run(
        run_phase(
            bootstrap, names, warm, rate=None, timeout_s=per_article_timeout, security=security
        )
    )
    memory.append((f"after {PARTITIONS} warm-up articles", *first.memory_mb()))
    print(
        f"broker: {broker_text}; worker pid {first.process.pid} ready and warmed up "
        f"({PARTITIONS} articles) in {time.monotonic() - started:.1f}s; "
        f"load average {os.getloadavg()[0]:.1f} (2 = both cores busy elsewhere: expect noise)"
    )
    processed = 0

    def pipeline(messages: list[Message]) -> PhaseResult:
        nonlocal processed
        result = asyncio.run(
            run_phase(
                bootstrap,
                names,
                messages,
                rate=None,
                timeout_s=per_article_timeout,
                cpu_clock=first.cpu_seconds,
                security=security,
            )
        )
        processed += len(messages)
        memory.append((f"after {processed} articles", *first.memory_mb()))
        return result

    best_translator, translator_cpu = float("inf"), 0.0
    best: PhaseResult | None = None
    for round_no in range(1, args.rounds + 1):
        messages = bench_messages(texts, n, f"r{round_no}")
        order = ["translator", "pipeline"] if round_no % 2 else ["pipeline", "translator"]
        timings: dict[str, float] = {}
        for side in order:
            if side == "translator":
                timings[side], cpu = translator_seconds(translator, linker, messages, batch)
                if timings[side] < best_translator:
                    best_translator, translator_cpu = timings[side], cpu
            else:
                result = pipeline(messages)
                timings[side] = result.seconds
                if best is None or result.seconds < best.seconds:
                    best = result
        print(
            f"round {round_no}: translator alone {timings['translator']:.1f}s "
            f"({n / timings['translator']:.2f} articles/s), pipeline {timings['pipeline']:.1f}s "
            f"({n / timings['pipeline']:.2f} articles/s)"
        )
    assert best is not None
    translator_rate = n / best_translator
    print(f"translator alone (best of {args.rounds}): {translator_rate:.2f} articles/s")
    print(
        f"pipeline, 1 worker (best of {args.rounds}): {best.rate:.2f} articles/s, "
        f"{best.dead_letters} dead letters"
    )
    print(
        f"cores kept busy (CPU s / wall s, of {cores}): translator alone "
        f"{translator_cpu / best_translator:.2f}, the worker {best.cores_busy:.2f}"
    )
    inside = sum(best.stage_ms.values()) / 1000
    translate_s = best.stage_ms["translate"] / 1000
    outside = best.seconds - inside
    print(
        f"where the pipeline's {best.seconds:.1f}s went (provenance timings): translate "
        f"{translate_s:.1f}s ({translate_s / best.seconds:.0%}), validate+language+link "
        f"{inside - translate_s:.2f}s, Kafka/batching/publish/waiting {outside:.1f}s "
        f"({outside / best.seconds:.0%})"
    )
    print(
        f"noise check: the worker's own translation ran at {n / translate_s:.2f} articles/s vs "
        f"{translator_rate:.2f} alone here; at equal translation speed the ratio would be "
        f"{translate_s / best.seconds:.2f} (share of wall time spent translating)"
    )

    steady = best.rate / 2
    lat_messages = bench_messages(texts, n, "latency")
    latency = asyncio.run(
        run_phase(
            bootstrap,
            names,
            lat_messages,
            rate=steady,
            timeout_s=n / steady + per_article_timeout,
            security=security,
        )
    )
    processed += n
    memory.append((f"after {processed} articles", *first.memory_mb()))
    clock_note = "" if latency.create_time else " (WARNING: output timestamps not CreateTime)"
    print(
        f"latency at a steady {steady:.2f} articles/s (half the pipeline rate), {n} articles: "
        f"{ms_percentiles(latency.latencies_ms)}, {latency.dead_letters} dead letters"
        f"{clock_note}"
    )

    for label, rss, peak in memory:
        print(f"worker memory {label}: RSS {mb(rss)}, peak RSS (VmHWM) {mb(peak)}")
    growth = memory[-1][1] - memory[2][1]
    print(f"worker RSS change from {memory[2][0]} to {memory[-1][0]}: {growth:+.0f} MB")
    peak = max(p for _, _, p in memory)
    verdict = "met" if peak < MEMORY_GOAL_MB else "NOT met"
    print(
        f"memory goal: peak RSS under 1 GB ({MEMORY_GOAL_MB:.0f} MB) with this model and KB: "
        f"{verdict} (peak {mb(peak)})"
    )

    if scaling:
        scale(env, tmp, workers, names, texts, best, bootstrap, per_article_timeout, n, security)
    ratio = best.rate / translator_rate
    verdict = "met" if ratio >= ratio_goal else "NOT met"
    elapsed = time.monotonic() - wall_started
    print(
        f"ratio goal >= {ratio_goal}: {verdict}; bench wall time so far {elapsed:.0f}s, "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    ordered = sorted(latency.latencies_ms)
    return PipelineFigures(
        translator_rate=translator_rate,
        pipeline_rate=best.rate,
        worker_cores_busy=best.cores_busy,
        latency_p50_ms=percentile(ordered, 50),
        latency_p95_ms=percentile(ordered, 95),
        peak_rss_mb=peak,
    )
