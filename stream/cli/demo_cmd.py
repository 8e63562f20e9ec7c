"""`nieuwsstroom demo`: the pipeline on the bundled samples (or a file), end to end."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from nieuwsstroom.stream.cli.help_format import Command
from nieuwsstroom.stream.cli.kafka_options import flag_names, kafka_security_options

TEST_MODEL_BANNER = """
!!! Translating with the SMALL TEST MODEL bundled with nieuwsstroom.
!!! It was trained on LibreOffice help text to exercise the real Argos/CTranslate2
!!! path; it translates software text passably and news badly. For real use install
!!! the official model:   argospm install translate-nl_en
!!! or point at a file:    nieuwsstroom models install PATH.argosmodel
"""


def register(app: typer.Typer) -> None:
    """Add `demo`."""

    @app.command(cls=Command)
    @kafka_security_options
    def demo(
        input: Annotated[
            Path | None,
            typer.Option(
                "--input",
                metavar="FILE",
                help="One raw message value per line, bytes as they are (default: samples).",
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", metavar="FILE", help="Write enriched records as JSON lines."),
        ] = None,
        deadletter: Annotated[
            Path | None,
            typer.Option("--deadletter", metavar="FILE", help="Write dead letters as JSON lines."),
        ] = None,
        broker: Annotated[
            str | None,
            typer.Option(
                "--broker",
                metavar="URL",
                help="Use this Kafka (e.g. kafka://host:9092) instead of an embedded one.",
            ),
        ] = None,
        serve: Annotated[
            bool,
            typer.Option("--serve", help="Keep broker, worker and web view running until Ctrl-C."),
        ] = False,
        web_port: Annotated[
            int | None,
            typer.Option(
                "--web-port",
                metavar="N",
                min=0,
                max=65535,
                help="Port of the worker's web view (default: a free one).",
            ),
        ] = None,
        timeout: Annotated[
            float,
            typer.Option(
                "--timeout", metavar="SECONDS", min=1, help="Give up after this many idle seconds."
            ),
        ] = 900.0,
        kafka_overrides: dict | None = None,
    ) -> None:
        """The whole pipeline on the sample articles, end to end.

        Starts an embedded Kafka broker (unless --broker) and a real worker, produces
        the articles, waits until every one is enriched or dead-lettered, summarises.
        """
        import asyncio

        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.cli.inputs import open_input
        from nieuwsstroom.stream.demo.runner import SAMPLE_ARTICLES, DemoResult, run_demo
        from nieuwsstroom.stream.kafka.console import read_lines
        from nieuwsstroom.stream.kafka.preflight import check_connection
        from nieuwsstroom.stream.kafka.security import kafka_security
        from nieuwsstroom.stream.kafka.topics import bootstrap_servers
        from nieuwsstroom.stream.settings_check import load_settings
        from nieuwsstroom.stream.worker.runtime import describe_runtime

        settings = load_settings(flag_names(), **(kafka_overrides or {}))
        source = input or SAMPLE_ARTICLES
        with open_input(source) as handle:
            values = list(read_lines(handle))
        if broker:  # before the model and the worker: seconds, not minutes
            security = kafka_security(settings.model_copy(update={"broker": broker}))
            asyncio.run(check_connection(bootstrap_servers(broker), security))
        described = describe_runtime(settings)
        typer.echo(f"Translator: {described['translator']}")
        typer.echo(f"Knowledge base: {described['knowledge_base']}")
        if described["translator"].get("test_model"):
            typer.secho(TEST_MODEL_BANNER, fg=typer.colors.YELLOW, err=True)

        def report(result: DemoResult) -> None:
            _write_jsonl(output, result.enriched)
            _write_jsonl(deadletter, result.deadletters)
            _print_summary(result, source)

        result = run_demo(
            settings,
            values,
            broker=broker,
            web_port=web_port,
            serve=serve,
            timeout_s=timeout,
            report=report,
            say=typer.echo,
        )
        if result.missing:
            raise CliError(f"{len(result.missing)} messages not accounted for", exit_code=1)


def _count(n: int, one: str, many: str) -> str:
    """`1 entity`, `3 entities`, `0 entities`."""
    return f"{n} {one if n == 1 else many}"


def _write_jsonl(path: Path | None, records: list[dict[str, Any]]) -> None:
    import orjson

    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record) + b"\n")


def _print_summary(result: Any, source: Path) -> None:
    out = sys.stdout
    out.write(
        f"\n== nieuwsstroom demo: {_count(len(result.produced), 'message', 'messages')} "
        f"from {source.name} -> "
        f"{len(result.enriched)} enriched, {len(result.deadletters)} dead-lettered, "
        f"{len(result.missing)} missing ({result.seconds:.1f}s)\n"
    )
    for refused in result.refused:
        out.write(
            f"\n! line {refused.line} was refused by Kafka (never produced): {refused.error}\n"
        )
    for record in result.enriched:
        qids = ", ".join(f"{e['label']} ({e['qid']})" for e in record["entities"][:12])
        more = len(record["entities"]) - 12
        first_en = record["body_en"].split("\n\n")[0][:160]
        entities = _count(len(record["entities"]), "entity", "entities")
        unlinked_names = _count(len(record["unlinked"]), "unlinked name", "unlinked names")
        out.write(f"\n* {record['id']}: {entities}, {unlinked_names}\n")
        out.write(f"  EN: {first_en}\n")
        out.write(f"  entities: {qids}{f' (+{more} more)' if more > 0 else ''}\n")
        unlinked = ", ".join(u["text"] for u in record["unlinked"][:10])
        if unlinked:
            out.write(f"  unlinked: {unlinked}\n")
    for letter in result.deadletters:
        out.write(
            f"\n! dead letter ({letter['source_partition']}@{letter['source_offset']}): "
            f"stage={letter['stage']} "
            f"{letter['error_class']}: {letter['error_message']}\n"
        )
    out.flush()
