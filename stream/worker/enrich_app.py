"""The enrichment Faust app: the `enrich-articles` agent over `articles.raw`.

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

from nieuwsstroom.stream.core.dead_letters import dead_letter
from nieuwsstroom.stream.core.outcomes import Outcome, RawMessage
from nieuwsstroom.stream.kafka.publisher import Publisher
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.kafka.topics import TopicNames
from nieuwsstroom.stream.ops.stats import PipelineStats
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.faust_config import bytes_topic, faust_settings
from nieuwsstroom.stream.worker.runtime import Runtime

log = logging.getLogger(__name__)

AGENT_NAME = "enrich-articles"


async def _finish_unacked(work: asyncio.Future[None]) -> None:
    """On shutdown: let the in-flight batch finish publishing, however often the agent
    is cancelled meanwhile. No timeout here on purpose: giving up would let
    take_events ack (and Faust commit) a batch that was never published. The
    worker's stop deadline (NIEUWSSTROOM_STOP_TIMEOUT_S, `BoundedWorker`) bounds the
    wait by ending the process, which acks nothing."""
    while not work.done():
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            continue
    work.result()


def create_enrich_app(
    settings: Settings, runtime: Runtime, stats: PipelineStats, *, web_enabled: bool = True
) -> faust.App:
    """A Faust app (consumer group `app_id`) whose agent enriches with `runtime`."""
    app = faust.App(settings.app_id, **faust_settings(settings, web_enabled=web_enabled))
    raw, enriched, mentions, deadletter = (
        bytes_topic(app, name, settings.partitions)
        for name in TopicNames.from_settings(settings).all()
    )
    publisher = Publisher(
        enriched.send,
        mentions.send,
        deadletter.send,
        attempts=settings.stage_attempts,
        first_backoff_s=max(settings.stage_retry_backoff_s, 0.05),
        on_retry=stats.retried,
    )

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

    @app.agent(raw, name=AGENT_NAME)
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
                await _finish_unacked(work)
                raise

    @app.task
    async def warm_up() -> None:
        log.info("Kafka %s: %s", settings.broker, kafka_security(settings).describe())
        await asyncio.to_thread(runtime.warm_up)

    @app.on_before_shutdown.connect
    async def close_runtime(_app: faust.App, **_kwargs: Any) -> None:
        await asyncio.to_thread(runtime.close)  # joins the name learner's thread

    return app
