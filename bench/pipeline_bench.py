"""The end-to-end pipeline bench's machinery, shared by the benches that run it.

bench/pipeline_throughput.py runs it with the bundled test model,
bench/base_model_throughput.py with a Transformer-base-shaped model; both call
`run_bench()` and print its figures. What it measures:

Translation dominates the pipeline, so its floor is our own batched translator on the
same text doing the same work: `translator_from_settings()` +
`translate_articles_with_terms()` (each article's linked names as constraints, linked
before the clock starts) over micro-batches of `batch_max_articles` articles, same
threads, beam and compute type as the worker, model loaded before the clock starts
(what rendering the names costs over plain translation is measured by
`bench/entity_translation.py`). The pipeline side is a real `nieuwsstroom worker`
process (embedded Kafka 4.x broker unless `--broker`), already healthy, ready and warmed
up; its clock runs from the first produce until the last enriched record (or dead
letter) of those articles has been consumed. Both translation caches are off
(NIEUWSSTROOM_TRANSLATION_CACHE_SIZE=0 in the worker, cache_size=0 here) and every
article has its own id, so repeated bench text is never free on either side.
Each round times both sides (order alternating; best round of each counts: the
machine is shared and noisy). A "noise check" line also gives the share of the
pipeline's wall time spent translating (from the records' provenance timings): what
the ratio would be if translation ran equally fast in both processes.

Then, on the same worker:
- latency: articles produced at a steady 0.5 x the measured pipeline rate; latency =
  the output record's Kafka timestamp (CreateTime, set by the worker's producer)
  minus the input record's timestamp (set here): same machine, same clock;
- memory: the worker's current RSS and peak RSS (VmHWM, /proc/<pid>/status) once the
  model and KB are loaded, and after N, 2N, ... articles (bounded caches: no growth);
- scaling (optional): a second worker in the same consumer group on the 4-partition
  topic, 2-worker articles/s (one run) over 1-worker articles/s, with os.cpu_count().
Partitions are filled so that each gets every bench text equally often (equal work).

Every worker gets fresh topic names and app id, a private ARGOS_PACKAGES_DIR (so the
bundled test model, or NIEUWSSTROOM_ARGOS_MODEL / the model passed in, is what runs) and
a private NIEUWSSTROOM_CACHE_DIR (seed KB).

This module is the entry point (the flags, the environment, starting and stopping
everything); the pieces live in `bench/pipeline_kit/` (its `__init__` lists them).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pipeline_kit import PACKAGES  # noqa: E402  (first: points Argos at a private folder)
from bench.pipeline_kit.phase import PARTITIONS  # noqa: E402
from bench.pipeline_kit.phases import PipelineFigures, run  # noqa: E402
from bench.pipeline_kit.processes import Worker, kafka  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402


def add_arguments(parser: argparse.ArgumentParser, *, articles: int, rounds: int) -> None:
    """The flags every pipeline bench takes."""
    parser.add_argument("--articles", type=int, default=articles, help="N: articles per phase.")
    parser.add_argument("--rounds", type=int, default=rounds, help="Timed rounds; best counts.")
    parser.add_argument("--broker", help="Use this Kafka (kafka://host:port) instead of one here.")
    parser.add_argument("--keep-logs", type=Path, help="Copy the worker logs to this folder.")


def run_bench(
    args: argparse.Namespace,
    *,
    model_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
    scaling: bool = True,
    ratio_goal: float,
) -> PipelineFigures:
    """Start the broker (unless --broker) and the worker(s), run every phase, print the
    breakdown, stop everything; return the headline figures."""
    if args.articles < 1 or args.rounds < 1:
        raise SystemExit("--articles and --rounds must be at least 1")
    wall_started = time.monotonic()
    run_id = uuid.uuid4().hex[:8]
    tmp = Path(tempfile.mkdtemp(prefix="nieuwsstroom-bench-pipeline-"))
    cache_dir = tmp / "cache"
    env = {
        "NIEUWSSTROOM_APP_ID": f"bench-pipeline-{run_id}",
        "NIEUWSSTROOM_TOPIC_RAW": f"bench-raw-{run_id}",
        "NIEUWSSTROOM_TOPIC_ENRICHED": f"bench-enriched-{run_id}",
        "NIEUWSSTROOM_TOPIC_MENTIONS": f"bench-mentions-{run_id}",
        "NIEUWSSTROOM_TOPIC_DEADLETTER": f"bench-deadletter-{run_id}",
        "NIEUWSSTROOM_PARTITIONS": str(PARTITIONS),
        "NIEUWSSTROOM_TRANSLATION_CACHE_SIZE": "0",
        "NIEUWSSTROOM_CACHE_DIR": str(cache_dir),
        "ARGOS_PACKAGES_DIR": str(PACKAGES),
        **({"NIEUWSSTROOM_ARGOS_MODEL": str(model_path)} if model_path else {}),
        **(extra_env or {}),
    }
    user_settings = Settings()  # the caller's environment: jar cache, threads, beam, batch
    workers: list[Worker] = []
    try:
        with kafka(args.broker, user_settings) as (broker_url, broker_text):
            env["NIEUWSSTROOM_BROKER"] = broker_url
            try:
                settings = Settings.for_child(env)
                return run(
                    args,
                    settings,
                    env,
                    broker_text,
                    tmp,
                    workers,
                    wall_started,
                    scaling,
                    ratio_goal,
                )
            finally:  # workers first: a worker whose broker is gone takes its 60 s to give up
                for worker in workers:
                    worker.process.stop()
    finally:
        if args.keep_logs:
            args.keep_logs.mkdir(parents=True, exist_ok=True)
            for log in tmp.glob("worker-*.log"):
                shutil.copy(log, args.keep_logs / log.name)
        shutil.rmtree(tmp, ignore_errors=True)
