"""`nieuwsstroom worker`: run the Faust agents and the web view."""

from __future__ import annotations

from typing import Annotated

import typer

from nieuwsstroom.stream.cli.help_format import Command
from nieuwsstroom.stream.cli.kafka_options import flag_names, kafka_security_options


def register(app: typer.Typer) -> None:
    """Add `worker`."""

    @app.command(cls=Command)
    @kafka_security_options
    def worker(
        broker: Annotated[
            str | None,
            typer.Option(
                "--broker", metavar="URL", help="Kafka URL (default: NIEUWSSTROOM_BROKER)."
            ),
        ] = None,
        web_port: Annotated[
            int | None,
            typer.Option(
                "--web-port",
                metavar="N",
                min=0,
                max=65535,
                help="Port of the web view (default: NIEUWSSTROOM_WEB_PORT).",
            ),
        ] = None,
        loglevel: Annotated[
            str | None,
            typer.Option(
                "--loglevel",
                metavar="LEVEL",
                help="DEBUG, INFO, WARNING, ERROR or CRITICAL (default: NIEUWSSTROOM_LOG_LEVEL).",
            ),
        ] = None,
        kafka_overrides: dict | None = None,
    ) -> None:
        """Enrich articles.raw until stopped, and serve the web view.

        The web view: /health, /ready, /pipeline/stats, /metrics and /dashboard on
        NIEUWSSTROOM_WEB_HOST:NIEUWSSTROOM_WEB_PORT.
        """
        from nieuwsstroom.stream.settings_check import load_settings

        # The flags first: a typo is refused before Faust and the model are even imported.
        overrides = {"broker": broker, "web_port": web_port, "log_level": loglevel}
        flags = {"broker": "--broker", "web_port": "--web-port", "log_level": "--loglevel"}
        settings = load_settings(
            {**flags, **flag_names()},
            **{k: v for k, v in overrides.items() if v is not None},
            **(kafka_overrides or {}),
        )
        from nieuwsstroom.stream.process.parent_death import stop_when_parent_is_gone

        stop_when_parent_is_gone(settings.parent_pid)  # NIEUWSSTROOM_PARENT_PID, if set

        import asyncio

        from aiokafka.errors import KafkaError

        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.kafka import backoff as kafka_backoff
        from nieuwsstroom.stream.kafka.quiet_logs import install_connection_log_limit
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import bootstrap_servers, ensure_topics
        from nieuwsstroom.stream.ops.stats import PipelineStats
        from nieuwsstroom.stream.worker.create import create_worker
        from nieuwsstroom.stream.worker.runtime import build_runtime

        security = kafka_security(settings)  # bad settings: one line naming the variables
        stats = PipelineStats()
        runtime = build_runtime(settings, on_retry=stats.retried)  # a missing model: no broker
        # ensure_topics connects first: wrong credentials, an untrusted certificate or an
        # unreachable broker end the worker here in one line (KafkaConnectError), before
        # the model loads and long before aiokafka would retry forever.
        try:
            asyncio.run(ensure_topics(settings, security))
        except (OSError, KafkaError) as exc:
            raise CliError(
                f"cannot reach Kafka at {bootstrap_servers(settings.broker)} ({exc}): is the "
                "broker running? set NIEUWSSTROOM_BROKER or --broker"
            ) from exc
        asyncio.set_event_loop(asyncio.new_event_loop())
        kafka_backoff.install()  # no busy loop while a broker restarts (aiokafka#496)
        worker = create_worker(settings, runtime, stats)
        # One line per kind of client error per 10 s while the broker is away, not thousands.
        install_connection_log_limit()
        worker.run()
