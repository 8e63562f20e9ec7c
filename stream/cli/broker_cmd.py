"""`nieuwsstroom broker`: run the local Kafka broker in the foreground, by hand.

For trying the pipeline without Docker: start this in one terminal, then point
a worker at the printed address (`NIEUWSSTROOM_BROKER=kafka://127.0.0.1:PORT`).
The broker itself lives in `nieuwsstroom.stream.local_kafka`; this is only its command-line face.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("broker")(broker)


def _interrupt(signum: int, frame: object) -> None:
    """Signal handler: turn SIGTERM into the KeyboardInterrupt path that stops the broker."""
    raise KeyboardInterrupt


def broker(
    port: Annotated[
        int, typer.Option(help="Broker port on 127.0.0.1 (0 = a free one).", min=0, max=65535)
    ] = 0,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Keep topics and offsets here across runs (default: a temp dir, deleted on exit)."
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(help="Where Kafka's jars are cached (default ~/.cache/nieuwsstroom/kafka)."),
    ] = None,
    auto_create_topics: Annotated[
        bool, typer.Option(help="Let the broker create topics on first use.")
    ] = False,
) -> None:
    """Run a local single-node Apache Kafka broker (KRaft) until Ctrl-C."""
    from nieuwsstroom.stream.cli.errors import CliError
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

    local = LocalKafkaBroker(
        port=port,
        data_dir=data_dir,
        cache_dir=cache_dir,
        auto_create_topics=auto_create_topics,
    )
    # SIGTERM (e.g. from a process manager) ends the wait below the same way Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    typer.echo(f"Starting Apache Kafka {local.kafka_version} (KRaft, single node)...", err=True)
    try:
        bootstrap = local.start()
        typer.echo(bootstrap)
        typer.echo(
            f"Kafka is up: bootstrap {bootstrap} (Faust: kafka://{bootstrap}); "
            f"log {local.log_path}. Ctrl-C stops it.",
            err=True,
        )
        while local.is_running:
            time.sleep(0.5)
        raise CliError(f"the broker exited on its own.\n{local.log_tail()}", exit_code=1)
    except KeyboardInterrupt:
        typer.echo("Stopping Kafka...", err=True)
    finally:
        local.stop()
