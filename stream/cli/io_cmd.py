"""`nieuwsstroom produce` and `nieuwsstroom consume`: put articles on Kafka, read results.

Both check what a newcomer gets wrong before doing anything: the input file
(produce), whether Kafka answers as configured (the preflight of
`stream.kafka.preflight`: unreachable, password refused, certificate not
trusted, each in one line), and whether the topic exists. `produce` creates the pipeline's raw
topic itself when it is missing (with NIEUWSSTROOM_PARTITIONS and
NIEUWSSTROOM_REPLICATION_FACTOR, as a worker would), so `broker` then `produce`
works before any worker has run; any other missing topic needs
`--create-topic`, so a typo in `--topic` does not quietly create a topic
nobody reads. `consume` of a topic that does not exist says so at once and
lists the topics there.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated

import typer

from nieuwsstroom.stream.cli.help_format import Command
from nieuwsstroom.stream.cli.kafka_options import flag_names, kafka_security_options

BrokerOption = Annotated[
    str | None,
    typer.Option(
        "--broker",
        metavar="URL",
        help="Kafka bootstrap URL, e.g. kafka://127.0.0.1:9092 (default: NIEUWSSTROOM_BROKER).",
    ),
]


def _quiet_client_logs() -> None:
    """One line per kind of repeated Kafka client error per 10 s, not one per retry, and
    none for produce answers aiokafka retries by itself."""
    from nieuwsstroom.stream.kafka.quiet_logs import (
        install_connection_log_limit,
        quiet_retried_produce_errors,
    )

    install_connection_log_limit()
    quiet_retried_produce_errors()


def register(app: typer.Typer) -> None:
    """Add `produce` and `consume`."""

    @app.command(cls=Command)
    @kafka_security_options
    def produce(
        file: Annotated[
            str,
            typer.Argument(
                metavar="FILE", help="One message value per line (bytes as they are); - = stdin."
            ),
        ],
        topic: Annotated[
            str | None,
            typer.Option(
                "--topic",
                metavar="TOPIC",
                help="Topic to write to (default: NIEUWSSTROOM_TOPIC_RAW).",
            ),
        ] = None,
        create_topic: Annotated[
            bool,
            typer.Option(
                "--create-topic",
                help="Create --topic if it does not exist (the raw topic is always created).",
            ),
        ] = False,
        broker: BrokerOption = None,
        kafka_overrides: dict | None = None,
    ) -> None:
        """Send each line of FILE as one Kafka message (to articles.raw).

        Bytes as they are; key = the article id when the line is a JSON object with an
        `id`. Creates the raw topic if it is missing.
        """
        import asyncio

        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.cli.inputs import open_input
        from nieuwsstroom.stream.errors import TopicNotFoundError
        from nieuwsstroom.stream.kafka.console import (
            missing_topic_message,
            produce_values,
            read_lines,
        )
        from nieuwsstroom.stream.kafka.preflight import check_connection
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import bootstrap_servers, create_missing_topics
        from nieuwsstroom.stream.settings_check import load_settings

        settings = load_settings(
            {"broker": "--broker", **flag_names()},
            **({"broker": broker} if broker else {}),
            **(kafka_overrides or {}),
        )
        security = kafka_security(settings)  # bad security settings: one line naming them
        target = topic or settings.topic_raw
        with open_input(file) as handle:  # the file first: no broker needed to find a typo
            values = list(read_lines(handle))
        _quiet_client_logs()
        bootstrap = bootstrap_servers(settings.broker)
        cluster = asyncio.run(check_connection(bootstrap, security))
        existing = cluster.topics(exclude_internal_topics=False)
        if target not in existing:
            if target != settings.topic_raw and not create_topic:
                raise TopicNotFoundError(
                    missing_topic_message(target, bootstrap, existing)
                    + "; check the name, or add --create-topic to create it"
                )
            asyncio.run(create_missing_topics(settings, [target], security))
            typer.echo(
                f"Created topic {target}: {settings.partitions} partitions "
                f"(NIEUWSSTROOM_PARTITIONS), replication factor {settings.replication_factor} "
                "(NIEUWSSTROOM_REPLICATION_FACTOR)",
                err=True,
            )
        produced = asyncio.run(produce_values(bootstrap, target, values, security=security))
        accepted = [p for p in produced if p.error is None]
        partitions = sorted({p.partition for p in accepted})
        noun = "message" if len(accepted) == 1 else "messages"
        typer.echo(f"Produced {len(accepted)} {noun} to {target} (partitions {partitions})")
        refused = [p for p in produced if p.error is not None]
        for p in refused:
            typer.echo(f"line {p.line} refused by Kafka, not produced: {p.error}", err=True)
        if refused:
            raise CliError(f"{len(refused)} of {len(produced)} lines refused by Kafka", exit_code=1)

    @app.command(cls=Command)
    @kafka_security_options
    def consume(
        topic: Annotated[
            str, typer.Argument(metavar="TOPIC", help="Topic to read, e.g. articles.enriched.")
        ],
        from_beginning: Annotated[
            bool,
            typer.Option(
                "--from-beginning",
                help="Start at the oldest message kept (default: only messages from now on).",
            ),
        ] = False,
        max: Annotated[
            int | None,
            typer.Option("--max", metavar="N", min=1, help="Stop after N messages."),
        ] = None,
        timeout: Annotated[
            float | None,
            typer.Option(
                "--timeout",
                metavar="SECONDS",
                min=0,
                help="Stop after this many seconds without a message (default: never).",
            ),
        ] = None,
        broker: BrokerOption = None,
        kafka_overrides: dict | None = None,
    ) -> None:
        """Print the messages of TOPIC as JSON lines.

        JSON values as they are; anything else as {"not_json": true, "value": ...,
        "value_encoding": "utf-8" or "base64"}; a tombstone as {"tombstone": true};
        dead letters as their JSON view (reason + original value).
        """
        import asyncio

        from nieuwsstroom.stream.errors import TopicNotFoundError
        from nieuwsstroom.stream.kafka.console import consume as consume_topic
        from nieuwsstroom.stream.kafka.json_lines import json_line
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import TopicNames, bootstrap_servers
        from nieuwsstroom.stream.settings_check import load_settings

        settings = load_settings(
            {"broker": "--broker", **flag_names()},
            **({"broker": broker} if broker else {}),
            **(kafka_overrides or {}),
        )
        security = kafka_security(settings)
        _quiet_client_logs()
        out = sys.stdout.buffer

        async def run() -> None:
            async for message in consume_topic(
                bootstrap_servers(settings.broker),
                [topic],
                from_beginning=from_beginning,
                max_messages=max,
                idle_timeout_s=timeout,
                security=security,
                must_exist=True,
            ):
                out.write(json_line(message, dead_letter_topic=settings.topic_deadletter) + b"\n")
                out.flush()

        try:
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(run())
        except TopicNotFoundError as exc:
            pipeline = TopicNames.from_settings(settings).all()
            hint = (
                "a worker creates the pipeline's topics when it starts (`nieuwsstroom worker`)"
                if topic in pipeline
                else "check the name"
            )
            raise TopicNotFoundError(f"{exc}; {hint}") from exc
        except BrokenPipeError:  # `consume ... | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
