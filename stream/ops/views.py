"""Web views added to Faust's own web server (its /router/ and /table/ stay as they are).

    GET /health            liveness: 200 while the event loop answers
    GET /ready             readiness: broker, topics, model, knowledge base -> 200 or 503
    GET /pipeline/stats    counters, latency percentiles, throughput, lag, dead letters
    GET /pipeline/trending most mentioned QIDs in the current window (?limit=20)
    GET /metrics           Prometheus text format (ours and Faust's sensor)
    GET /dashboard         the on-call page; polls the two JSON views every 2 s

Everything is read from one `WebState` (built by `create_worker`); the views only
shape JSON, so the figures are tested without HTTP and the HTTP without load.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from functools import cache
from importlib import resources
from typing import Any

import faust
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST

from nieuwsstroom.stream.kafka.lag import ConsumerState
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.kafka.topics import TopicNames, is_internal_topic
from nieuwsstroom.stream.ops.broker_watch import BrokerWatch
from nieuwsstroom.stream.ops.health import LoopHeartbeat, Readiness, broker_metadata
from nieuwsstroom.stream.ops.metrics import PipelineMetrics, translation_cache_stats
from nieuwsstroom.stream.ops.stats import PipelineStats
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.runtime import Runtime
from nieuwsstroom.stream.worker.trending_app import Trending

log = logging.getLogger(__name__)

LAG_REFRESH_S = 2.0
"""How often a worker task measures consumer lag for the views (`WebState.consumer_lag`)."""

STATIC_ASSETS = {
    "dashboard.js": "application/javascript",
    "dashboard.css": "text/css",
}


@cache
def static_text(name: str) -> str:
    """A file shipped in `stream/static/` (package data), read once."""
    return resources.files(__package__).joinpath("static", name).read_text("utf-8")


def _provenance(runtime: Runtime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pairs = (("translator", "translator_provenance"), ("knowledge_base", "kb_provenance"))
    for key, attribute in pairs:
        try:
            out[key] = getattr(runtime, attribute)
        except Exception as exc:  # provenance is informative; never fail the stats view
            out[key] = {"error": repr(exc)}
    return out


class WebState:
    """The objects the views read, built once per app."""

    def __init__(
        self,
        app: faust.App,
        settings: Settings,
        runtime: Runtime,
        stats: PipelineStats,
        trending: Trending | None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.runtime = runtime
        self.stats = stats
        self.topics = TopicNames.from_settings(settings)
        self.trending = trending
        # Two consumer groups live in this worker: enrichment (raw articles) and the
        # trending app (mention records); ops see each group's partitions and lag apart.
        self.consumers = {settings.app_id: ConsumerState(app, [self.topics.raw])}
        if self.trending is not None:
            self.consumers[f"{settings.app_id}-trending"] = ConsumerState(
                self.trending.app, [self.topics.mentions]
            )
        # The job each group does, as /metrics labels it (`consumer`): the same whatever
        # the app id is, so alert rules need no group or topic names.
        self.jobs = {settings.app_id: "enrich", f"{settings.app_id}-trending": "trending"}
        self.broker_watch = BrokerWatch(settings.broker_gone_after_s)
        self.readiness = Readiness(
            self.runtime,
            self.topics,
            broker_metadata(self.settings.broker, 2.0, kafka_security(self.settings)),
            cache_s=min(5.0, settings.broker_gone_after_s / 2),
            watch=self.broker_watch,
        )
        self.metrics = PipelineMetrics(app, self.stats, self.runtime, self.broker_watch)
        self._lag: dict[str, list[dict[str, Any]]] = {}
        self.heartbeat = LoopHeartbeat()
        self.started = time.time()

    async def refresh_consumer_lag(self) -> None:
        """Measure every group's lag, the groups at once, and keep the reading."""
        groups = list(self.consumers)
        readings = await asyncio.gather(*(self.consumers[group].lag() for group in groups))
        self._lag = dict(zip(groups, readings, strict=True))

    async def group_lag(self) -> list[dict[str, Any]]:
        """Per consumer group: the topics it reads, their lag rows, its total lag and the
        partitions assigned to it (internal topics, such as Faust's leader topic and table
        changelogs, left out: they are not work waiting), from the latest lag reading."""
        groups = []
        for group, consumer in self.consumers.items():
            job = self.jobs.get(group, group)
            rows = [{"group": group, "consumer": job, **row} for row in self._lag.get(group, [])]
            known = [row["lag"] for row in rows if row["lag"] is not None]
            groups.append(
                {
                    "group": group,
                    "topics": sorted(consumer.lag_topics),
                    "lag": rows,
                    "total_lag": sum(known) if known else None,
                    "partitions": {
                        topic: partitions
                        for topic, partitions in consumer.partitions().items()
                        if not is_internal_topic(topic)
                    },
                }
            )
        return groups

    async def consumer_lag(self) -> list[dict[str, Any]]:
        """The latest lag rows of every consumer group in this worker, each naming its group
        and the group's job (`consumer`: `enrich` or `trending`, whatever the app id is).

        Read, not measured: measuring asks each group's consumer thread for end offsets,
        a round trip that waits for its current fetch (up to 1.5 s per call, two calls
        per group), which made /metrics answer in 4 s and fail 1 s Prometheus scrapes. A
        worker task measures every LAG_REFRESH_S instead."""
        return [row for group in await self.group_lag() for row in group["lag"]]

    def partitions(self) -> dict[str, list[int]]:
        """{topic: [partition, ...]} assigned to this worker, across its groups, without
        internal topics."""
        merged: dict[str, list[int]] = {}
        for consumer in self.consumers.values():
            merged.update(consumer.partitions())
        return {topic: ps for topic, ps in merged.items() if not is_internal_topic(topic)}

    async def pipeline_stats(self) -> dict[str, Any]:
        by_group = await self.group_lag()
        lag = [row for group in by_group for row in group["lag"]]
        known = [row["lag"] for row in lag if row["lag"] is not None]
        out = self.stats.snapshot()
        out["consumer"] = {
            "group": self.settings.app_id,
            "groups": list(self.consumers),
            "by_group": by_group,
            "partitions": self.partitions(),
            "lag": lag,
            "total_lag": sum(known) if known else None,
        }
        out["translation_cache"] = translation_cache_stats(self.runtime.translator)
        out["provenance"] = _provenance(self.runtime)
        out["worker"] = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "app_id": self.settings.app_id,
            "topics": {
                "raw": self.topics.raw,
                "enriched": self.topics.enriched,
                "mentions": self.topics.mentions,
                "deadletter": self.topics.deadletter,
            },
        }
        return out


def register_views(app: faust.App, state: WebState) -> None:
    """Add our views and the loop heartbeat to the app; they read `state`."""

    @app.task
    async def loop_heartbeat() -> None:
        await state.heartbeat.run()

    @app.task
    async def refresh_consumer_lag() -> None:
        while True:
            try:
                await state.refresh_consumer_lag()
            except Exception:  # a reading must never take the worker down
                log.exception("Consumer lag reading failed")
            await asyncio.sleep(LAG_REFRESH_S)

    @app.task
    async def probe_broker() -> None:
        """Probe the broker whether or not anyone asks /ready, so that a broker that
        stays away is noticed (`BrokerWatch`) and said once in the log."""
        while True:
            try:
                await state.readiness.checks()
            except Exception:  # a probe must never take the worker down
                log.exception("Readiness probe failed")
            await asyncio.sleep(state.readiness.cache_s)

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json(
                {
                    "status": "ok",
                    "pid": os.getpid(),
                    "uptime_s": round(time.time() - state.started, 1),
                    **state.heartbeat.to_json(),
                }
            )

    @app.page("/ready")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            ready, body = await state.readiness.report()
            return self.json(body, status=200 if ready else 503)

    @app.page("/pipeline/stats")
    class Stats(View):
        async def get(self, request: Request) -> Response:
            return self.json(await state.pipeline_stats())

    @app.page("/pipeline/trending")
    class TrendingView(View):
        async def get(self, request: Request) -> Response:
            if state.trending is None:
                return self.error(404, "trending table not configured")
            try:
                limit = min(max(int(request.query.get("limit", "20")), 1), 100)
            except ValueError:
                return self.error(400, "limit must be an integer")
            return self.json(state.trending.top(limit))

    @app.page("/metrics")
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            body = state.metrics.render(await state.consumer_lag())
            return self.bytes(body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    @app.page("/dashboard")
    class Dashboard(View):
        async def get(self, request: Request) -> Response:
            return self.html(static_text("dashboard.html"))

    @app.page("/dashboard/{asset}")
    class DashboardAsset(View):
        async def get(self, request: Request, asset: str) -> Response:
            content_type = STATIC_ASSETS.get(asset)
            if content_type is None:
                return self.error(404, f"no such asset: {asset}")
            return self.text(static_text(asset), content_type=content_type)
