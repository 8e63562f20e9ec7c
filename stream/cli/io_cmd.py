"""`nieuwsstroom produce` and `nieuwsstroom consume`: put articles on Kafka, read results."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from nieuwsstroom.stream.cli.kafka_options import kafka_security_options


def register(app: typer.Typer) -> None:
    """Add `produce` and `consume`."""

    @app.command()
    @kafka_security_options
    def produce(
        file: Annotated[str, typer.Argument(help="File with one message value per line, or -.")],
        topic: Annotated[str | None, typer.Option("--topic", help="Default: articles.raw.")] = None,
        broker: Annotated[str | None, typer.Option("--broker", help="Kafka URL.")] = None,
        kafka_overrides: dict | None = None,
    ) -> None:
        """Send each line of FILE (bytes as they are) as one message; key = article id."""
        import asyncio

        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.kafka.console import produce_values, read_lines
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import bootstrap_servers
        from nieuwsstroom.stream.settings import Settings

        settings = Settings(**({"broker": broker} if broker else {}), **(kafka_overrides or {}))
        security = kafka_security(settings)
        target = topic or settings.topic_raw
        if file == "-":
            values = list(read_lines(sys.stdin.buffer))
        else:
            with Path(file).open("rb") as handle:
                values = list(read_lines(handle))
        produced = asyncio.run(
            produce_values(bootstrap_servers(settings.broker), target, values, security=security)
        )
        accepted = [p for p in produced if p.error is None]
        partitions = sorted({p.partition for p in accepted})
        typer.echo(f"Produced {len(accepted)} messages to {target} (partitions {partitions})")
        refused = [p for p in produced if p.error is not None]
        for p in refused:
            typer.echo(f"line {p.line} refused by Kafka, not produced: {p.error}", err=True)
        if refused:
            raise CliError(f"{len(refused)} of {len(produced)} lines refused by Kafka", exit_code=1)

    @app.command()
    @kafka_security_options
    def consume(
        topic: Annotated[str, typer.Argument(help="Topic to read, e.g. articles.enriched.")],
        from_beginning: Annotated[bool, typer.Option("--from-beginning")] = False,
        max: Annotated[int | None, typer.Option("--max", help="Stop after N messages.")] = None,
        timeout: Annotated[
            float | None, typer.Option("--timeout", help="Stop after N idle seconds.")
        ] = None,
        broker: Annotated[str | None, typer.Option("--broker", help="Kafka URL.")] = None,
        kafka_overrides: dict | None = None,
    ) -> None:
        """Print messages as JSON lines; dead letters as their JSON view (reason + original)."""
        import asyncio

        import orjson

        from nieuwsstroom.stream.kafka.console import consume as consume_topic
        from nieuwsstroom.stream.kafka.headers import dead_letter_view
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import bootstrap_servers
        from nieuwsstroom.stream.settings import Settings

        settings = Settings(**({"broker": broker} if broker else {}), **(kafka_overrides or {}))
        security = kafka_security(settings)

        async def run() -> None:
            async for message in consume_topic(
                bootstrap_servers(settings.broker),
                [topic],
                from_beginning=from_beginning,
                max_messages=max,
                idle_timeout_s=timeout,
                security=security,
            ):
                if topic == settings.topic_deadletter:
                    line = orjson.dumps(
                        dead_letter_view(message.value, message.key, message.headers)
                    )
                else:
                    line = message.value or b"null"
                sys.stdout.buffer.write(line + b"\n")
                sys.stdout.buffer.flush()

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run())
