"""The local Kafka broker is a real Kafka: clients and Faust work on it.

These tests pin what the rest of the project relies on: aiokafka 0.14 produces
and consumes, data and committed offsets survive a restart and a crash, no JVM
outlives `stop()`, and faust-streaming 0.15.3 runs an agent against it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import UnknownTopicOrPartitionError

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker, free_port
from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.jars import KAFKA_VERSION
from nieuwsstroom.stream.local_kafka.probe import probe

BrokerFactory = Callable[..., LocalKafkaBroker]


async def create_topic(bootstrap: str, name: str, partitions: int = 2) -> None:
    """Topics are never auto-created on our broker: tests create what they use."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


async def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for i, value in enumerate(values):
            await producer.send_and_wait(topic, value, key=f"k{i}".encode())
    finally:
        await producer.stop()


async def consume(
    bootstrap: str, topic: str, count: int, *, group: str | None = None, timeout: float = 60
) -> list[bytes]:
    """Read `count` values from the beginning (or the group's offset); commit if grouped."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        deadline = time.monotonic() + timeout
        while len(values) < count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            values += [m.value for msgs in batches.values() for m in msgs if m.value is not None]
        if group is not None:
            await consumer.commit()
    finally:
        await consumer.stop()
    return values


async def test_produce_and_consume(kafka_bootstrap: str) -> None:
    await create_topic(kafka_bootstrap, "t.roundtrip")
    sent = [f"bericht {i}".encode() for i in range(20)]
    await produce(kafka_bootstrap, "t.roundtrip", sent)
    assert sorted(await consume(kafka_bootstrap, "t.roundtrip", len(sent))) == sorted(sent)


def test_probe_sees_the_broker(kafka_broker: LocalKafkaBroker) -> None:
    info = probe("127.0.0.1", int(kafka_broker.port or 0))
    assert info.brokers == ((1, "127.0.0.1", kafka_broker.port),)
    assert info.cluster_id
    assert kafka_broker.log_path.is_file()
    assert "Kafka Server started" in kafka_broker.log_path.read_text()


def test_topics_are_not_auto_created(kafka_bootstrap: str) -> None:
    """The app creates its topics; a typo must not silently create one."""

    async def send_to_missing() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, request_timeout_ms=3000)
        await producer.start()
        try:
            await producer.send_and_wait("t.does-not-exist", b"x")
        finally:
            await producer.stop()

    with pytest.raises(UnknownTopicOrPartitionError):
        asyncio.run(send_to_missing())


def test_restart_and_crash_keep_data_and_offsets(local_broker_factory: BrokerFactory) -> None:
    broker = local_broker_factory()
    bootstrap = broker.bootstrap
    first = [f"voor {i}".encode() for i in range(10)]
    asyncio.run(create_topic(bootstrap, "t.durable"))
    asyncio.run(produce(bootstrap, "t.durable", first))
    assert len(asyncio.run(consume(bootstrap, "t.durable", 4, group="g1"))) >= 4

    assert broker.restart() == bootstrap  # same port, so clients can reconnect
    second = [f"na {i}".encode() for i in range(10)]
    asyncio.run(produce(bootstrap, "t.durable", second))

    broker.restart(graceful=False)  # SIGKILL: log recovery must keep acked data
    assert sorted(asyncio.run(consume(bootstrap, "t.durable", 20))) == sorted(first + second)
    assert asyncio.run(committed(bootstrap, "t.durable", "g1")) > 0


async def committed(bootstrap: str, topic: str, group: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        offsets = [await consumer.committed(TopicPartition(topic, p)) for p in (0, 1)]
    finally:
        await consumer.stop()
    return sum(o or 0 for o in offsets)


def test_stop_leaves_no_java_process(local_broker_factory: BrokerFactory) -> None:
    broker = local_broker_factory(data_dir=None)  # a temp data dir, owned and deleted
    pid, data_dir = broker.pid, broker.data_dir
    assert pid is not None and Path(f"/proc/{pid}").exists()
    broker.stop()
    assert not broker.is_running
    assert not Path(f"/proc/{pid}").exists() or _is_zombie_or_gone(pid)
    assert not data_dir.exists()
    leftovers = [p for p in _java_cmdlines() if str(data_dir) in p]
    assert leftovers == []


def test_stop_is_idempotent_and_start_reports_taken_port(kafka_broker: LocalKafkaBroker) -> None:
    broker = LocalKafkaBroker(port=int(kafka_broker.port or 0), controller_port=free_port())
    with pytest.raises(BrokerError, match="is taken"):
        broker.start()
    broker.stop()
    broker.stop()


def test_missing_java_and_maven_give_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(BrokerError, match="apt-get install openjdk-17"):
        LocalKafkaBroker(cache_dir=tmp_path / "cache").start()

    from nieuwsstroom.stream.local_kafka.jars import ensure_jars

    with pytest.raises(BrokerError, match="apt-get install maven"):
        ensure_jars(tmp_path / "cache", KAFKA_VERSION)


async def test_faust_agent_forwards_through_the_broker(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """faust-streaming 0.15.3 + aiokafka 0.14 against Kafka 4: an agent forwards raw bytes.

    Also checks Faust's own topic creation (CreateTopics) works on Kafka 4: the
    output topic is declared by Faust, not by the admin client.
    """
    import faust

    app = faust.App(
        "t-faust-forward",
        broker=f"kafka://{kafka_bootstrap}",
        topic_partitions=2,
        web_enabled=False,
        datadir=str(tmp_path / "faust"),
        store="memory://",
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
    )
    source = app.topic("t.faust.in", value_type=bytes, value_serializer="raw")
    sink = app.topic("t.faust.out", value_type=bytes, value_serializer="raw")

    @app.agent(source)
    async def forward(stream: faust.StreamT[bytes]) -> None:
        async for value in stream:
            await sink.send(value=value.upper())

    async def scenario() -> list[bytes]:
        await create_topic(kafka_bootstrap, "t.faust.in")  # sources must exist before start
        await app.start()
        try:
            await sink.maybe_declare()  # Faust's CreateTopics through aiokafka
            await produce(kafka_bootstrap, "t.faust.in", [b"een", b"twee", b"drie"])
            return await consume(kafka_bootstrap, "t.faust.out", 3)
        finally:
            await app.stop()

    received = await asyncio.wait_for(scenario(), 120)
    assert sorted(received) == [b"DRIE", b"EEN", b"TWEE"]


def _java_cmdlines() -> list[str]:
    lines = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "kafka.Kafka" in cmd:
                lines.append(cmd)
    return lines


def _is_zombie_or_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state == "Z"
