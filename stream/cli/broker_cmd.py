"""`nieuwsstroom broker`: run the local Kafka broker in the foreground, by hand.

For trying the pipeline without Docker: start this in one terminal, paste the
`export NIEUWSSTROOM_BROKER=...` line it prints into another, and every other
command finds it. By default it listens where the default NIEUWSSTROOM_BROKER
points (127.0.0.1:9092), so without any export the commands find it too; if
that port is taken it picks a free one and says so. The broker itself lives in
`nieuwsstroom.stream.local_kafka`; this is only its command-line face.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nieuwsstroom.stream.cli.help_format import Command

if TYPE_CHECKING:
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
    from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity

_LOCAL_HOSTS = ("127.0.0.1", "localhost")
KAFKA_PORT = 9092


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("broker", cls=Command)(broker)


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


def default_port() -> int:
    """The port of NIEUWSSTROOM_BROKER when it points at this machine, else Kafka's 9092."""
    from nieuwsstroom.stream.kafka.topics import bootstrap_servers
    from nieuwsstroom.stream.settings_check import load_settings

    first = bootstrap_servers(load_settings().broker).split(",")[0]
    host, _, port = first.rpartition(":")
    if host.strip("[]") in _LOCAL_HOSTS and port.isdigit():
        return int(port)
    return KAFKA_PORT


def choose_port(requested: int | None) -> tuple[int, str | None]:
    """(port to ask the broker for, a note for the user); 0 means "a free one"."""
    from nieuwsstroom.stream.cli.errors import CliError
    from nieuwsstroom.stream.local_kafka.ports import port_is_free

    if requested is not None:
        if requested and not port_is_free(requested):
            raise CliError(
                f"port {requested} on 127.0.0.1 is in use (another Kafka?): choose another "
                "with --port N, or --port 0 for a free one"
            )
        return requested, None
    wanted = default_port()
    if port_is_free(wanted):
        return wanted, None
    return 0, (
        f"port {wanted} (the default NIEUWSSTROOM_BROKER) is in use, another Kafka perhaps; "
        "using a free port instead: export the line below in the shells that use this broker"
    )


def broker(
    port: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            min=0,
            max=65535,
            help="Port on 127.0.0.1 (default: 9092 if free, else a free one; 0 = a free one).",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Keep topics and offsets here across runs (default: a temp dir, deleted on exit).",
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Where Kafka's jars are cached (default ~/.cache/nieuwsstroom/kafka).",
        ),
    ] = None,
    auto_create_topics: Annotated[
        bool,
        typer.Option("--auto-create-topics", help="Let the broker create topics on first use."),
    ] = False,
    security: Annotated[
        str,
        typer.Option(
            metavar="KIND",
            help="plaintext, ssl, mtls (TLS + client certificate) or sasl_ssl (SCRAM, PLAIN "
            "and OAUTHBEARER over TLS, user `nieuwsstroom`), with test certificates. The "
            "client settings (password included) go to <data dir>/client.env, not the screen.",
        ),
    ] = "plaintext",
) -> None:
    """Run a local Apache Kafka broker (KRaft, one node) until Ctrl-C.

    Prints the line to paste into other shells: export NIEUWSSTROOM_BROKER=kafka://...
    (with --security, the line that loads the client settings from a file).
    """
    from nieuwsstroom.stream.cli.errors import CliError
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

    chosen, note = choose_port(port)
    local = LocalKafkaBroker(
        port=chosen,
        data_dir=data_dir,
        cache_dir=cache_dir,
        auto_create_topics=auto_create_topics,
        security=_listener_security(security),
    )
    # SIGTERM (e.g. from a process manager) ends the wait below the same way Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    if note:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"Starting Apache Kafka {local.kafka_version} (KRaft, single node)...", err=True)
    try:
        bootstrap = local.start()
        typer.echo(
            f"Kafka is up at {bootstrap}; log {local.log_path}. Ctrl-C stops it. "
            "Point the other commands at it with:",
            err=True,
        )
        if local.security.secured:  # the password goes to a file only we can read
            env_file = _write_client_env(local)
            typer.echo(
                f"{local.security.protocol} listener; client settings in {env_file}", err=True
            )
            typer.echo(f"set -a; . {env_file}; set +a")
        else:
            typer.echo(f"export NIEUWSSTROOM_BROKER=kafka://{bootstrap}")
        while local.is_running:
            time.sleep(0.5)
        raise CliError(f"the broker exited on its own.\n{local.log_tail()}", exit_code=1)
    except KeyboardInterrupt:
        typer.echo("Stopping Kafka...", err=True)
    finally:
        local.stop()
