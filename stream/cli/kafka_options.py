"""Kafka security flags for every command that takes `--broker`, declared once.

`@kafka_security_options` adds `--security-protocol`, `--sasl-mechanism`,
`--sasl-username`, `--sasl-password-file` and the three `--ssl-*-location`
flags to a Typer command (in their own help panel) and hands the command a
`kafka_overrides` dict: the Settings fields the flags set, ready for
`Settings(**kafka_overrides, ...)`. Flags win over NIEUWSSTROOM_KAFKA_*
variables; what no flag sets comes from the environment.

There is no `--sasl-password` flag on purpose: a value on the command line lands
in the shell history and, while the command runs, in `ps` output any user of
the machine can read. The password comes from NIEUWSSTROOM_KAFKA_SASL_PASSWORD
or from a file (`--sasl-password-file`, e.g. a mounted secret).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import SecretStr

PANEL = "Kafka security (flags override NIEUWSSTROOM_KAFKA_* variables)"

_FLAGS: dict[str, tuple[Any, Any]] = {
    "security_protocol": (
        str | None,
        typer.Option(
            "--security-protocol",
            help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.",
            rich_help_panel=PANEL,
        ),
    ),
    "sasl_mechanism": (
        str | None,
        typer.Option(
            "--sasl-mechanism",
            help="PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.",
            rich_help_panel=PANEL,
        ),
    ),
    "sasl_username": (
        str | None,
        typer.Option("--sasl-username", help="SASL user name.", rich_help_panel=PANEL),
    ),
    "sasl_password_file": (
        Path | None,
        typer.Option(
            "--sasl-password-file",
            help="Read the SASL password from this file (there is no password flag: it would "
            "land in shell history and `ps`; or set NIEUWSSTROOM_KAFKA_SASL_PASSWORD).",
            rich_help_panel=PANEL,
        ),
    ),
    "ssl_ca_location": (
        Path | None,
        typer.Option("--ssl-ca-location", help="CA certificates (PEM).", rich_help_panel=PANEL),
    ),
    "ssl_certificate_location": (
        Path | None,
        typer.Option(
            "--ssl-certificate-location",
            help="Client certificate (PEM), for mTLS.",
            rich_help_panel=PANEL,
        ),
    ),
    "ssl_key_location": (
        Path | None,
        typer.Option("--ssl-key-location", help="Client private key (PEM).", rich_help_panel=PANEL),
    ),
}


def read_password_file(path: Path) -> SecretStr:
    """The file's text without its trailing line break; refuses an empty file."""
    from nieuwsstroom.stream.cli.errors import CliError

    try:
        text = path.read_text("utf-8").rstrip("\r\n")
    except OSError as exc:
        raise CliError(
            f"--sasl-password-file {path}: cannot read it ({exc.strerror or exc})"
        ) from None
    if not text:
        raise CliError(f"--sasl-password-file {path}: the file is empty")
    return SecretStr(text)


def overrides_from_flags(values: dict[str, Any]) -> dict[str, Any]:
    """Settings fields (`kafka_*`) for the flags that were given."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name == "sasl_password_file":
            out["kafka_sasl_password"] = read_password_file(value)
        elif name in ("security_protocol", "sasl_mechanism"):
            out[f"kafka_{name}"] = str(value).upper()
        else:
            out[f"kafka_{name}"] = value
    return out


def flag_names() -> dict[str, str]:
    """Settings field -> the flag that sets it, so a refused value is named by its flag."""
    names = {}
    for name, (_, option) in _FLAGS.items():
        field = "kafka_sasl_password" if name == "sasl_password_file" else f"kafka_{name}"
        # In `Annotated[..., typer.Option("--flag")]` the flag is the option's first argument.
        names[field] = option.param_decls[0] if option.param_decls else str(option.default)
    return names


def kafka_security_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the security flags to `command`, which takes `kafka_overrides: dict`."""
    hints = typing.get_type_hints(command, include_extras=True)
    signature = inspect.signature(command)
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
        if p.name != "kafka_overrides"
    ]
    added = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[kind, option],
        )
        for name, (kind, option) in _FLAGS.items()
    ]
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + added

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name, None) for name in _FLAGS}
        return command(**kwargs, kafka_overrides=overrides_from_flags(flags))

    del wrapper.__wrapped__  # Typer must read the signature below, not the command's
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper
