"""One produce-and-collect phase: produce bench articles, wait for every output, time it.

The clock runs from the first produce until the last enriched record (or dead
letter) of those articles has been consumed; latency is the output record's Kafka
timestamp (CreateTime, set by the worker's producer) minus the input record's
(set here). Partitions are filled so that each gets every bench text equally
often (equal work).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.argos_baseline import Article
from nieuwsstroom.stream.kafka.headers import HEADER_PREFIX
from nieuwsstroom.stream.kafka.security import PLAINTEXT, KafkaSecurity
from nieuwsstroom.stream.kafka.topics import TopicNames

PARTITIONS = 4
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
