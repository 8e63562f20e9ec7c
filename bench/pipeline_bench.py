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
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argos_baseline import Article, isolate_argos, load_articles  # noqa: E402

PACKAGES = isolate_argos()
atexit.register(shutil.rmtree, PACKAGES.parent, True)  # also after --help or a failure

import orjson  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # noqa: E402

from nieuwsstroom.linkers.base import Document, Linker  # noqa: E402
from nieuwsstroom.linkers.seed import ensure_seed_kb  # noqa: E402
from nieuwsstroom.stream.components import linker_from_settings, translator_from_settings  # noqa: E402
from nieuwsstroom.stream.core.entity_terms import entity_terms  # noqa: E402
from nieuwsstroom.stream.kafka.headers import HEADER_PREFIX  # noqa: E402
from nieuwsstroom.stream.kafka.security import PLAINTEXT, KafkaSecurity, kafka_security  # noqa: E402
from nieuwsstroom.stream.kafka.topics import TopicNames, bootstrap_servers, ensure_topics  # noqa: E402
from nieuwsstroom.stream.local_kafka.broker import free_port  # noqa: E402
from nieuwsstroom.stream.ops.rolling_windows import percentile  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402
from nieuwsstroom.stream.worker.child_process import WorkerProcess  # noqa: E402
from nieuwsstroom.translators.articles import (  # noqa: E402
    translate_articles,
    translate_articles_with_terms,
)
from nieuwsstroom.translators.base import TermTranslator  # noqa: E402
from nieuwsstroom.translators.factory import describe  # noqa: E402

PARTITIONS = 4
MEMORY_GOAL_MB = 1000.0  # "under 1 GB", decimal: the stricter reading
STAGES = ("validate", "language", "translate", "link")


class BenchError(RuntimeError):
    """A phase could not finish (worker died, outputs missing): the numbers would lie."""


@dataclass(frozen=True, slots=True)
class Message:
    """One raw article to produce: key (article id), JSON value, explicit partition."""

    key: bytes
    value: bytes
    partition: int
    title: str
    body: str


@dataclass(slots=True)
class Output:
    """The first output seen for one input key."""

    topic: str
    timestamp_ms: int
    timestamp_type: int
    received_at: float
    timings_ms: dict[str, float]


@dataclass
class PhaseResult:
    """What one produce-and-collect phase measured."""

    articles: int
    seconds: float
    latencies_ms: list[float]
    dead_letters: int
    stage_ms: dict[str, float] = field(default_factory=dict)
    create_time: bool = True
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Articles per second, first produce to last output consumed."""
        return self.articles / self.seconds

    @property
    def cores_busy(self) -> float:
        """CPU seconds of the worker(s) per wall second: how many cores they kept busy."""
        return self.cpu_seconds / self.seconds


def bench_messages(articles: list[Article], count: int, tag: str) -> list[Message]:
    """`count` articles cycling over the bench texts, each with its own id.

    Partitions are set explicitly, not by key hash, so that every partition gets
    the same work: plain round-robin (i % 4) would send text i % 8 to the same
    partition every time (one worker would get every long article when scaling).
    Shifting by one partition per cycle of texts gives each partition every text
    equally often (exactly when `count` is a multiple of texts x partitions).
    """
    out = []
    for i in range(count):
        art = articles[i % len(articles)]
        partition = (i + i // len(articles)) % PARTITIONS
        key = f"bench-{tag}-{i:05d}-{art.id}"
        value = {"id": key, "title": art.title, "body": art.body, "source": "nieuwsstroom-bench"}
        out.append(Message(key.encode(), orjson.dumps(value), partition, art.title, art.body))
    return out


async def _collect(
    consumer: AIOKafkaConsumer,
    names: TopicNames,
    expected: set[bytes],
    outputs: dict[bytes, Output],
) -> None:
    """Read enriched + dead-letter records until every expected key has an output."""
    while len(outputs) < len(expected):
        batch = await consumer.getmany(timeout_ms=200)
        now = time.perf_counter()
        for records in batch.values():
            for record in records:
                key = record.key
                if key is None or key not in expected or key in outputs:
                    continue
                headers = dict(record.headers or ())
                if headers.get(HEADER_PREFIX + "source_topic", b"").decode() != names.raw:
                    continue
                timings: dict[str, float] = {}
                if record.topic == names.enriched and record.value:
                    provenance = orjson.loads(record.value).get("provenance", {})
                    timings = dict(provenance.get("timings_ms", {}))
                outputs[key] = Output(
                    record.topic, record.timestamp, record.timestamp_type, now, timings
                )


async def run_phase(
    bootstrap: str,
    names: TopicNames,
    messages: list[Message],
    *,
    rate: float | None,
    timeout_s: float,
    cpu_clock: Callable[[], float] = lambda: 0.0,
    security: KafkaSecurity = PLAINTEXT,
) -> PhaseResult:
    """Produce `messages` (all at once, or `rate` per second) and wait for every output.

    The output consumer is positioned at the end of the output topics before the
    first produce, so the clock never includes reading older records. `cpu_clock`
    (the workers' CPU seconds) is read when the clock starts and when the last output
    arrives.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="latest",
        **security.aiokafka_kwargs(),
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        **security.aiokafka_kwargs(),
    )
    await consumer.start()
    await producer.start()
    try:
        tps = [
            TopicPartition(topic, p)
            for topic in (names.enriched, names.deadletter)
            for p in range(PARTITIONS)
        ]
        consumer.assign(tps)
        await consumer.seek_to_end(*tps)
        for tp in tps:
            await consumer.position(tp)
        expected = {m.key for m in messages}
        outputs: dict[bytes, Output] = {}
        sent_ms: dict[bytes, int] = {}
        collector = asyncio.ensure_future(_collect(consumer, names, expected, outputs))
        cpu_started = cpu_clock()
        started = time.perf_counter()
        deliveries = []
        for i, message in enumerate(messages):
            if rate is not None:
                delay = started + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            stamp = time.time_ns() // 1_000_000
            sent_ms[message.key] = stamp
            deliveries.append(
                await producer.send(
                    names.raw,
                    message.value,
                    key=message.key,
                    partition=message.partition,
                    timestamp_ms=stamp,
                )
            )
        await asyncio.gather(*deliveries)
        try:
            await asyncio.wait_for(collector, timeout_s)
            cpu_seconds = cpu_clock() - cpu_started
        except TimeoutError as exc:
            raise BenchError(
                f"{len(expected) - len(outputs)} of {len(expected)} articles had no output "
                f"after {timeout_s:.0f}s"
            ) from exc
    finally:
        await producer.stop()
        await consumer.stop()
    seconds = max(o.received_at for o in outputs.values()) - started
    latencies = [float(outputs[k].timestamp_ms - sent_ms[k]) for k in expected]
    stage_ms = {stage: 0.0 for stage in STAGES}
    for out in outputs.values():
        for stage in STAGES:
            stage_ms[stage] += float(out.timings_ms.get(stage, 0.0))
    return PhaseResult(
        articles=len(messages),
        seconds=seconds,
        latencies_ms=latencies,
        dead_letters=sum(1 for o in outputs.values() if o.topic == names.deadletter),
        stage_ms=stage_ms,
        create_time=all(o.timestamp_type == 0 for o in outputs.values()),
        cpu_seconds=cpu_seconds,
    )


def http_json(url: str, timeout_s: float = 5.0) -> tuple[int, Any]:
    """(status, JSON body) of a GET; (0, None) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except (OSError, ValueError):
        return 0, None


@dataclass
class Worker:
    """A running worker process and its web port."""

    process: WorkerProcess
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB (10^6 bytes), from /proc/<pid>/status."""
        fields: dict[str, float] = {}
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) * 1024 / 1e6  # kB in /proc are KiB
        return fields["VmRSS"], fields["VmHWM"]

    def cpu_seconds(self) -> float:
        return self.process.cpu_seconds()

    def raw_partitions(self, topic: str) -> list[int]:
        """Partitions of `topic` assigned to this worker, as its /pipeline/stats says."""
        status, body = http_json(f"{self.base}/pipeline/stats")
        if status != 200 or body is None:
            return []
        return list(body.get("consumer", {}).get("partitions", {}).get(topic, []))


def start_worker(env: dict[str, str], data_dir: Path, log_path: Path) -> Worker:
    """Start `nieuwsstroom worker`; return once /health and then /ready answer 200."""
    port = free_port()
    process = WorkerProcess(
        {**env, "NIEUWSSTROOM_WEB_PORT": str(port), "NIEUWSSTROOM_DATA_DIR": str(data_dir)},
        log_path,
        port,
    )
    process.start()
    worker = Worker(process, port)
    try:
        process.wait_healthy(timeout_s=180)
        deadline = time.monotonic() + 180
        while http_json(f"{worker.base}/ready")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"worker never became ready; log tail:\n{process.log_tail()}")
            time.sleep(0.5)
    except BaseException:
        process.stop()
        raise
    return worker


def wait_balanced(workers: list[Worker], topic: str, timeout_s: float = 180.0) -> None:
    """Wait until the workers together own all partitions of `topic`, each some."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        owned = [w.raw_partitions(topic) for w in workers]
        if all(owned) and sorted(p for ps in owned for p in ps) == list(range(PARTITIONS)):
            return
        time.sleep(1.0)
    raise BenchError(f"partitions of {topic} never spread over {len(workers)} workers")


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


@contextlib.contextmanager
def kafka(broker: str | None, settings: Settings) -> Iterator[tuple[str, str]]:
    """(Faust broker URL, description): the given broker (with the caller's
    NIEUWSSTROOM_KAFKA_* security) or a fresh embedded, plaintext one."""
    if broker:
        yield broker, f"given broker {bootstrap_servers(broker)}"
        return
    if settings.kafka_security_protocol != "PLAINTEXT":
        raise BenchError("the embedded broker is PLAINTEXT: give --broker for a secured Kafka")
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

    with LocalKafkaBroker(cache_dir=settings.cache_dir / "kafka", start_timeout=180) as local:
        yield f"kafka://{local.bootstrap}", f"embedded Kafka {local.kafka_version}"


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
