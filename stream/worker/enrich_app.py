"""The Faust app: topics, the enrichment agent, the trending table and the web views.

The agent stays thin: take a bounded micro-batch (at most
`batch_max_articles` messages or `batch_window_s` seconds), run the pure
pipeline in a worker thread, publish the outcomes and only then let Faust ack
the batch. The pipeline never raises, and publishing retries instead of
raising, so one bad message can neither kill the agent nor be lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from nieuwsstroom.stream.core.outcomes import Outcome, RawMessage
from nieuwsstroom.stream.core.pipeline import MAX_RECORD_BYTES, dead_letter, utc_now
from nieuwsstroom.stream.kafka.publisher import Publisher
from nieuwsstroom.stream.kafka.topics import TopicNames
from nieuwsstroom.stream.ops.stats import PipelineStats
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.runtime import Runtime
from nieuwsstroom.stream.worker.trending_app import Trending

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 60.0


def faust_settings(settings: Settings, *, web_enabled: bool = True) -> dict[str, Any]:
    """Faust configuration derived from ours (one source of truth)."""
    return {
        "broker": settings.broker,
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "key_serializer": "raw",
        "value_serializer": "raw",
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        # Heartbeats come from aiokafka's background task, not from processing, so a
        # short timeout only speeds up failover; Faust's default is 60 s.
        "broker_session_timeout": settings.session_timeout_s,
        "producer_max_request_size": MAX_RECORD_BYTES + 64_000,  # record + headers, key
        "store": "memory://",
        "datadir": str(settings.data_dir),
        "web_enabled": web_enabled,
        "web_host": settings.web_host,
        "web_bind": settings.web_host,  # Faust binds 0.0.0.0 unless told; web_host only names it
        "web_port": settings.web_port,
        "web_in_thread": False,
    }


def bytes_topic(app: faust.App, name: str, partitions: int) -> Any:
    """A topic whose keys and values stay raw bytes: we decode and encode (orjson) ourselves,
    so a malformed message reaches the pipeline (and the dead-letter topic) instead of
    failing inside Faust's deserializer."""
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=partitions,
    )


def create_trending(settings: Settings) -> Trending:
    """The trending-entities table in a Faust app (and consumer group) of its own.

    Kept apart from the enrichment app on purpose: a table makes Faust restore its
    changelog after every rebalance, and faust-streaming 0.15.3 starts the fetcher
    before it seeks stream partitions to their committed offsets when there is a
    changelog to restore. In one app, a worker restarted after a crash then skipped
    raw articles it had prefetched (and could never commit past them). Aggregating
    `entities.mentions` is a downstream consumer anyway; it must not pause enrichment.
    """
    app = faust.App(f"{settings.app_id}-trending", **faust_settings(settings, web_enabled=False))
    mentions = bytes_topic(app, settings.topic_mentions, settings.partitions)
    return Trending(app, mentions, settings.partitions)


def create_app(settings: Settings, runtime: Runtime, *, web_enabled: bool = True) -> faust.App:
    """A Faust app wired to the given runtime (translator + linker)."""
    app = faust.App(settings.app_id, **faust_settings(settings, web_enabled=web_enabled))
    names = TopicNames.from_settings(settings)

    raw, enriched, mentions, deadletter = (
        bytes_topic(app, name, settings.partitions) for name in names.all()
    )
    stats = PipelineStats()
    if runtime.pipeline is not None:  # None only in view tests that run no pipeline
        runtime.pipeline.on_retry = stats.retried
    publisher = Publisher(
        enriched.send,
        mentions.send,
        deadletter.send,
        attempts=settings.stage_attempts,
        first_backoff_s=max(settings.stage_retry_backoff_s, 0.05),
        utc_now=utc_now,
        on_retry=stats.retried,
    )
    trending = create_trending(settings)
    app.nieuwsstroom = {
        "runtime": runtime,
        "stats": stats,
        "topics": names,
        "settings": settings,
        "trending": trending,
    }

    async def process(messages: list[RawMessage]) -> list[Outcome]:
        try:
            return await asyncio.to_thread(runtime.pipeline.process_batch, messages)
        except Exception as exc:  # the pipeline promises not to raise; belt and braces
            log.exception("Pipeline failed on a batch of %d", len(messages))
            return [dead_letter(m, exc) for m in messages]

    async def handle(messages: list[RawMessage]) -> None:
        stats.received(len(messages))
        outcomes = await process(messages)
        stats.record(await publisher.publish(outcomes))

    @app.agent(raw, name="enrich-articles")
    async def enrich_articles(stream: faust.StreamT) -> None:
        async for events in stream.take_events(
            settings.batch_max_articles, within=settings.batch_window_s
        ):
            messages = [
                RawMessage(
                    e.message.value,
                    e.message.key,
                    e.message.topic,
                    e.message.partition,
                    e.message.offset,
                )
                for e in events
            ]
            # Shielded: on shutdown the batch is finished and published before
            # take_events acks it, so a graceful stop never drops a batch.
            work = asyncio.ensure_future(handle(messages))
            try:
                await asyncio.shield(work)
            except asyncio.CancelledError:
                await asyncio.wait_for(work, timeout=SHUTDOWN_GRACE_S)
                raise

    @app.task
    async def warm_up() -> None:
        await asyncio.to_thread(runtime.warm_up)

    @app.on_before_shutdown.connect
    async def close_runtime(_app: faust.App, **_kwargs: Any) -> None:
        await asyncio.to_thread(runtime.close)  # joins the name learner's thread

    from nieuwsstroom.stream.ops.views import register_views

    register_views(app)
    return app
