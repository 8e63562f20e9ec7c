"""`nieuwsstroom worker`: run the Faust agents and the web view."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add `worker`."""

    @app.command()
    def worker(
        broker: Annotated[
            str | None, typer.Option("--broker", help="Kafka URL (default: NIEUWSSTROOM_BROKER).")
        ] = None,
        web_port: Annotated[int | None, typer.Option("--web-port", help="Web view port.")] = None,
        loglevel: Annotated[str | None, typer.Option("--loglevel", help="Log level.")] = None,
    ) -> None:
        """Consume articles.raw, enrich, publish; serve /health, /ready, /metrics, /dashboard."""
        import asyncio

        import faust
        from aiokafka.errors import KafkaError

        from nieuwsstroom.stream.kafka import backoff as kafka_backoff
        from nieuwsstroom.stream.errors import user_errors
        from nieuwsstroom.stream.kafka.topics import ensure_topics
        from nieuwsstroom.stream.settings import Settings
        from nieuwsstroom.stream.worker.enrich_app import create_app
        from nieuwsstroom.stream.worker.runtime import build_runtime

        overrides = {"broker": broker, "web_port": web_port, "log_level": loglevel}
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
        try:
            runtime = build_runtime(settings)
            asyncio.run(ensure_topics(settings))
        except user_errors() as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        except (OSError, KafkaError) as exc:
            typer.echo(f"error: cannot reach Kafka at {settings.broker}: {exc}", err=True)
            raise typer.Exit(2) from exc
        asyncio.set_event_loop(asyncio.new_event_loop())
        kafka_backoff.install()  # no busy loop while a broker restarts (aiokafka#496)
        faust_app = create_app(settings, runtime)
        trending_app = faust_app.nieuwsstroom["trending"].app
        faust.Worker(
            faust_app, trending_app, loglevel=settings.log_level.lower()
        ).execute_from_commandline()
