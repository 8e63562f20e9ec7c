"""`nieuwsstroom worker`: run the Faust agents and the web view."""

from __future__ import annotations

from typing import Annotated

import typer

from nieuwsstroom.stream.cli.kafka_options import kafka_security_options


def register(app: typer.Typer) -> None:
    """Add `worker`."""

    @app.command()
    @kafka_security_options
    def worker(
        broker: Annotated[
            str | None, typer.Option("--broker", help="Kafka URL (default: NIEUWSSTROOM_BROKER).")
        ] = None,
        web_port: Annotated[int | None, typer.Option("--web-port", help="Web view port.")] = None,
        loglevel: Annotated[str | None, typer.Option("--loglevel", help="Log level.")] = None,
        kafka_overrides: dict | None = None,
    ) -> None:
        """Consume articles.raw, enrich, publish; serve /health, /ready, /metrics, /dashboard."""
        import asyncio

        from aiokafka.errors import KafkaError

        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.kafka import backoff as kafka_backoff
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import ensure_topics
        from nieuwsstroom.stream.ops.stats import PipelineStats
        from nieuwsstroom.stream.settings import Settings
        from nieuwsstroom.stream.worker.create import create_worker
        from nieuwsstroom.stream.worker.runtime import build_runtime

        overrides = {"broker": broker, "web_port": web_port, "log_level": loglevel}
        settings = Settings(
            **{k: v for k, v in overrides.items() if v is not None}, **(kafka_overrides or {})
        )
        security = kafka_security(settings)  # bad settings: one line naming the variables
        stats = PipelineStats()
        runtime = build_runtime(settings, on_retry=stats.retried)
        # ensure_topics connects first: wrong credentials, an untrusted certificate or an
        # unreachable broker end the worker here in one line (KafkaConnectError), before
        # the model loads and long before aiokafka would retry forever.
        try:
            asyncio.run(ensure_topics(settings, security))
        except (OSError, KafkaError) as exc:
            raise CliError(f"cannot reach Kafka at {settings.broker}: {exc}") from exc
        asyncio.set_event_loop(asyncio.new_event_loop())
        kafka_backoff.install()  # no busy loop while a broker restarts (aiokafka#496)
        create_worker(settings, runtime, stats).run()
