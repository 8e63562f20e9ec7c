"""`nieuwsstroom broker`: run the local Kafka broker in the foreground, by hand.

For trying the pipeline without Docker: start this in one terminal, then point
a worker at the printed address (`NIEUWSSTROOM_BROKER=kafka://127.0.0.1:PORT`).
The broker itself lives in `nieuwsstroom.stream.local_kafka`; this is only its command-line face.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
    from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("broker")(broker)


def _listener_security(name: str) -> ListenerSecurity:
    """`--security` value -> the listener it starts (a fresh random SASL password)."""
    import secrets

    from nieuwsstroom.stream.cli.errors import CliError
    from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity

    choices = {
        "plaintext": lambda: ListenerSecurity(),
        "ssl": lambda: ListenerSecurity("SSL"),
        "mtls": lambda: ListenerSecurity("SSL", client_auth=True),
        "sasl_ssl": lambda: ListenerSecurity(
            "SASL_SSL", users={"nieuwsstroom": secrets.token_urlsafe(18).replace("-", "x")}
        ),
    }
    if name.lower() not in choices:
        raise CliError(f"--security {name!r}: choose one of {', '.join(choices)}")
    return choices[name.lower()]()


def _write_client_env(local: LocalKafkaBroker) -> Path:
    """The NIEUWSSTROOM_* lines a client of this broker needs, in a file only we can read."""
    env = {"NIEUWSSTROOM_BROKER": f"kafka://{local.bootstrap}", **local.client_env()}
    path = local.data_dir / "client.env"
    path.touch(mode=0o600)
    path.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return path


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
    security: Annotated[
        str,
        typer.Option(
            help="plaintext, ssl, mtls (TLS + client certificate) or sasl_ssl (SCRAM, PLAIN "
            "and OAUTHBEARER over TLS, user `nieuwsstroom`), with test certificates. The "
            "client settings (password included) go to <data dir>/client.env, not the screen."
        ),
    ] = "plaintext",
) -> None:
    """Run a local single-node Apache Kafka broker (KRaft) until Ctrl-C."""
    from nieuwsstroom.stream.cli.errors import CliError
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

    local = LocalKafkaBroker(
        port=port,
        data_dir=data_dir,
        cache_dir=cache_dir,
        auto_create_topics=auto_create_topics,
        security=_listener_security(security),
    )
    # SIGTERM (e.g. from a process manager) ends the wait below the same way Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    typer.echo(f"Starting Apache Kafka {local.kafka_version} (KRaft, single node)...", err=True)
    try:
        bootstrap = local.start()
        typer.echo(bootstrap)
        if local.security.secured:
            env_file = _write_client_env(local)
            typer.echo(
                f"{local.security.protocol} listener; client settings in {env_file} "
                f"(`set -a; . {env_file}; set +a`)",
                err=True,
            )
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
