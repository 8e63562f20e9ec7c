"""The scaling phase: a second worker joins the consumer group on the 4-partition topic.

Prints 2-worker articles/s (one run) over 1-worker articles/s, with os.cpu_count()
and the cores each side kept busy, and what limits scaling on this machine.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bench.argos_baseline import Article
from bench.pipeline_kit.phase import PARTITIONS, PhaseResult, bench_messages, run_phase
from bench.pipeline_kit.processes import Worker, start_worker, wait_balanced
from nieuwsstroom.stream.kafka.security import KafkaSecurity
from nieuwsstroom.stream.kafka.topics import TopicNames
from nieuwsstroom.stream.settings import Settings


def scale(
    env: dict[str, str],
    tmp: Path,
    workers: list[Worker],
    names: TopicNames,
    texts: list[Article],
    best: PhaseResult,
    bootstrap: str,
    per_article_timeout: float,
    n: int,
    security: KafkaSecurity,
) -> None:
    """The scaling phase: a second worker joins the group; print 2-worker vs 1-worker."""
    cores = os.cpu_count() or 1
    settings = Settings.for_child(env)
    second = start_worker(env, tmp / "faust-2", tmp / "worker-2.log")
    workers.append(second)
    wait_balanced(workers, names.raw)
    warm = bench_messages(texts, PARTITIONS, "warm2")
    asyncio.run(
        run_phase(
            bootstrap, names, warm, rate=None, timeout_s=per_article_timeout, security=security
        )
    )
    owned = " + ".join(str(len(w.raw_partitions(names.raw))) for w in workers)
    scale_messages = bench_messages(texts, n, "scale")
    scaled = asyncio.run(
        run_phase(
            bootstrap,
            names,
            scale_messages,
            rate=None,
            timeout_s=per_article_timeout,
            cpu_clock=lambda: sum(w.cpu_seconds() for w in workers),
            security=security,
        )
    )
    scaling = scaled.rate / best.rate
    print(
        f"scaling: 2 workers (partitions {owned}) {scaled.rate:.2f} articles/s vs 1 worker "
        f"{best.rate:.2f} articles/s: ratio {scaling:.2f} (os.cpu_count()={cores}; cores kept "
        f"busy: 1 worker {best.cores_busy:.2f}, 2 workers {scaled.cores_busy:.2f})"
    )
    threads = settings.translate_threads
    if cores < 2 * threads:
        print(
            f"scaling limit: each worker's CTranslate2 runs NIEUWSSTROOM_TRANSLATE_THREADS="
            f"{threads} threads, so two workers put {2 * threads} compute threads on {cores} "
            f"cores and share them. One worker kept {best.cores_busy:.2f} cores busy, two kept "
            f"{scaled.cores_busy:.2f}: the second worker gains only what the first leaves idle "
            "(intra-op threads parallelise this model's batches poorly), and past "
            f"{cores} busy cores more workers on this machine add nothing; scale out across "
            "machines for more."
        )
    else:
        print(
            f"scaling headroom: {cores} cores fit two workers x {threads} translate threads; "
            "a ratio well below 2 then points at the broker or uneven partitions."
        )
