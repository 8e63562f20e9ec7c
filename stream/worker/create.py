"""The worker as one typed object: both Faust apps and what their views read.

`nieuwsstroom worker` runs two Faust apps in one process: enrichment (consumer
group `app_id`, the `enrich-articles` agent and the web view) and trending
(group `<app_id>-trending`, a windowed table over `entities.mentions`; kept
apart because restoring a table's changelog must never pause or skew the
enrichment offsets, see `trending_app.create_trending`). `create_worker`
builds both around one runtime and one stats object and hands back a `Worker`
whose attributes say what it holds, for the CLI, the views and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from nieuwsstroom.stream.ops.stats import PipelineStats
from nieuwsstroom.stream.ops.views import WebState, register_views
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.enrich_app import create_enrich_app
from nieuwsstroom.stream.worker.faust_worker import BoundedWorker
from nieuwsstroom.stream.worker.runtime import Runtime
from nieuwsstroom.stream.worker.trending_app import Trending, create_trending


@dataclass(frozen=True)
class Worker:
    """Everything one worker process runs."""

    settings: Settings
    runtime: Runtime
    stats: PipelineStats
    enrich_app: faust.App
    trending: Trending
    web: WebState | None

    @property
    def apps(self) -> tuple[faust.App, faust.App]:
        """The Faust apps to run together: enrichment (serves the web view) and trending."""
        return self.enrich_app, self.trending.app

    def run(self) -> None:
        """Run both apps until a signal stops them (Faust's worker owns the event loop);
        a stop ends the process within NIEUWSSTROOM_STOP_TIMEOUT_S (`BoundedWorker`)."""
        watch = self.web.broker_watch if self.web is not None else None
        BoundedWorker(
            *self.apps,
            loglevel=self.settings.log_level.lower(),
            stop_timeout_s=self.settings.stop_timeout_s,
            log_filters=[watch] if watch is not None else [],
            why_slow=lambda: watch.describe() if watch is not None and watch.gone else "",
        ).execute_from_commandline()


def create_worker(
    settings: Settings, runtime: Runtime, stats: PipelineStats, *, web_enabled: bool = True
) -> Worker:
    """Both apps around `runtime`; `stats` is the object the runtime reports retries to."""
    enrich_app = create_enrich_app(settings, runtime, stats, web_enabled=web_enabled)
    trending = create_trending(settings)
    web = None
    if web_enabled:
        web = WebState(enrich_app, settings, runtime, stats, trending)
        register_views(enrich_app, web)
    return Worker(settings, runtime, stats, enrich_app, trending, web)
