"""`nieuwsstroom demo`: the whole product on one machine, start to finish.

Starts the embedded Kafka broker (unless one is given), a real worker process,
produces the input, and waits until every produced message is accounted for
in `articles.enriched` or `articles.deadletter` (matched by source partition
and offset, so a reused broker's older records are ignored).

Nothing of a demo outlives it, however it ends. SIGTERM unwinds like Ctrl-C:
the worker stops gracefully, the throw-away broker is killed (its data is
deleted next, so there is nothing to shut down cleanly) and the temporary
folders are removed. If the demo is SIGKILLed, the kernel sends the worker
and the JVM SIGTERM (`process.parent_death`) and a reaper process
(`process.reaper`) ends whatever still runs and removes the folders.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from nieuwsstroom.stream.errors import ConfigurationError, NieuwsstroomError
from nieuwsstroom.stream.kafka.console import Produced, consume, produce_values
from nieuwsstroom.stream.kafka.headers import dead_letter_view, source_of
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.kafka.topics import TopicNames, bootstrap_servers, ensure_topics
from nieuwsstroom.stream.local_kafka.broker import free_port
from nieuwsstroom.stream.process.reaper import Reaper
from nieuwsstroom.stream.process.signals import terminate_like_interrupt
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.child_process import WorkerProcess

SAMPLE_ARTICLES = Path(__file__).parent / "data" / "sample_articles.jsonl"


@dataclass
class DemoResult:
    """What came out, keyed by the source position of each produced message."""

    produced: list[Produced]
    enriched: list[dict[str, Any]] = field(default_factory=list)
    deadletters: list[dict[str, Any]] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    refused: list[Produced] = field(default_factory=list)
    seconds: float = 0.0


EMBEDDED_REAPER_GRACE_S = 5.0
"""How long the reaper lets the worker of a dead demo's throw-away broker try to stop."""


@contextlib.contextmanager
def embedded_broker(
    settings: Settings, broker: str | None, reaper: Reaper | None = None
) -> Iterator[str]:
    """Yield a Faust-style broker URL: the given one, or a freshly started local broker
    (plaintext; the security settings are for a broker given with `--broker`).

    The local broker's data lives in a temporary folder that `reaper` removes if this
    process dies before it could; the JVM is killed, not shut down, at the end."""
    if broker:
        yield broker
        return
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

    data_dir = Path(tempfile.mkdtemp(prefix="nieuwsstroom-kafka-"))
    if reaper is not None:
        reaper.remove_later(data_dir)
    local = LocalKafkaBroker(data_dir=data_dir, cache_dir=settings.cache_dir / "kafka")
    try:
        local.start()
        if reaper is not None and local.pid is not None:
            reaper.watch(local.pid)
        yield f"kafka://{local.bootstrap}"
    finally:
        local.stop(graceful=False)
        shutil.rmtree(data_dir, ignore_errors=True)


async def collect_outputs(
    settings: Settings, produced: list[Produced], timeout_s: float
) -> DemoResult:
    """Consume enriched and dead-letter topics until every produced message is accounted for."""
    names = TopicNames.from_settings(settings)
    expected = {(p.partition, p.offset) for p in produced}
    result = DemoResult(produced)
    started = time.monotonic()
    seen: set[tuple[int, int]] = set()
    async for message in consume(
        bootstrap_servers(settings.broker),
        [names.enriched, names.deadletter],
        idle_timeout_s=timeout_s,
        security=kafka_security(settings),
    ):
        source = source_of(message.headers)
        position = source[1:] if source is not None and source[0] == names.raw else None
        if position in expected and position not in seen:
            seen.add(position)
            if message.topic == names.enriched:
                result.enriched.append(orjson.loads(message.value or b"{}"))
            else:
                view = dead_letter_view(message.value, message.key, message.headers)
                result.deadletters.append(view)
        if seen == expected or time.monotonic() - started > timeout_s:
            break
    result.missing = sorted(expected - seen)
    result.seconds = time.monotonic() - started
    return result


def run_demo(
    settings: Settings,
    values: list[bytes],
    *,
    broker: str | None,
    web_port: int | None,
    serve: bool,
    timeout_s: float,
    report: Callable[[DemoResult], None],
    say: Callable[[str], None] = print,
) -> DemoResult:
    """Broker + worker + produce + collect; with `serve`, keep running until Ctrl-C or
    SIGTERM. Either signal stops everything and removes the temporary folders; a
    signal before the outputs are complete ends in KeyboardInterrupt, as Ctrl-C does."""
    if not broker and settings.kafka_security_protocol != "PLAINTEXT":
        raise ConfigurationError(
            "the demo's own broker is PLAINTEXT; NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL="
            f"{settings.kafka_security_protocol} is for a broker given with --broker URL"
        )
    grace_s = EMBEDDED_REAPER_GRACE_S if broker is None else settings.stop_timeout_s + 5
    with terminate_like_interrupt() as interrupted:
        try:
            with (
                Reaper(grace_s=grace_s) as reaper,
                tempfile.TemporaryDirectory(prefix="nieuwsstroom-demo-") as tmp,
            ):
                reaper.remove_later(Path(tmp))
                with embedded_broker(settings, broker, reaper) as broker_url:
                    return _run_with_broker(
                        settings, values, broker_url, Path(tmp), reaper,
                        web_port=web_port, serve=serve, timeout_s=timeout_s,
                        report=report, say=say,
                    )  # fmt: skip
        finally:
            if interrupted.received_at is not None:
                stop_s = time.monotonic() - interrupted.received_at
                say(f"Stopped in {stop_s:.1f}s: worker and broker ended, temporary files removed.")


def _run_with_broker(
    settings: Settings,
    values: list[bytes],
    broker_url: str,
    tmp: Path,
    reaper: Reaper,
    *,
    web_port: int | None,
    serve: bool,
    timeout_s: float,
    report: Callable[[DemoResult], None],
    say: Callable[[str], None],
) -> DemoResult:
    port = web_port or free_port()
    settings = settings.model_copy(update={"broker": broker_url, "web_port": port})
    security = kafka_security(settings)
    say(f"Kafka broker: {bootstrap_servers(broker_url)} ({security.describe()})")
    created = asyncio.run(ensure_topics(settings, security))
    if created:
        say(f"Created topics: {', '.join(created)} ({settings.partitions} partitions)")
    env = {
        **security.child_env(),
        "NIEUWSSTROOM_BROKER": broker_url,
        "NIEUWSSTROOM_WEB_PORT": str(port),
        "NIEUWSSTROOM_WEB_HOST": settings.web_host,
        "NIEUWSSTROOM_DATA_DIR": str(tmp / "faust"),
        "NIEUWSSTROOM_CACHE_DIR": str(settings.cache_dir),
    }
    worker = WorkerProcess(env, tmp / "worker.log", port)
    worker.start()
    if worker.pid is not None:
        reaper.watch(worker.pid)
    try:
        worker.wait_healthy()
        dashboard = f"http://{settings.web_host}:{port}/dashboard"
        say(f"Worker running (pid {worker.pid}); dashboard: {dashboard}")
        produced = asyncio.run(
            produce_values(
                bootstrap_servers(broker_url), settings.topic_raw, values, security=security
            )
        )
        accepted = [p for p in produced if p.error is None]
        say(f"Produced {len(accepted)} messages to {settings.topic_raw}")
        for refused in (p for p in produced if p.error is not None):
            say(f"! line {refused.line} refused by Kafka, not produced: {refused.error}")
        result = asyncio.run(collect_outputs(settings, accepted, timeout_s))
        result.refused = [p for p in produced if p.error is not None]
        if result.missing and worker.poll() is not None:
            raise NieuwsstroomError(f"Worker died; log tail:\n{worker.log_tail()}")
        report(result)
        if serve:
            say("Serving: broker, worker and web view keep running. Ctrl-C (or SIGTERM) stops.")
            with contextlib.suppress(KeyboardInterrupt):
                while worker.poll() is None:
                    time.sleep(1)
            say("Stopping: worker, broker, temporary files...")
        return result
    except KeyboardInterrupt:
        say("Stopping: worker, broker, temporary files...")
        raise
    finally:
        worker.stop()
