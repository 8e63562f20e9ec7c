"""`nieuwsstroom config`: every setting, its environment variable, default and value.

The plain output is a valid `.env` file: each setting's meaning on a comment
line above `NAME=value`, values quoted when they hold spaces or `#`, and a
setting with no value (`NIEUWSSTROOM_KB_PATH` by default) commented out, so a
pasted `NIEUWSSTROOM_KB_PATH=None` can never become a path. Secrets (pydantic
`SecretStr` fields) are never printed.
"""

from __future__ import annotations

import shlex
from typing import Annotated, Any

import typer

from nieuwsstroom.stream.cli.help_format import Command


def _env_value(value: Any) -> str:
    """A value as it goes in a .env file: true/false, 1 not 1.0, quoted if it must be."""
    from nieuwsstroom.stream.settings_check import plain_value

    text = plain_value(value)
    return shlex.quote(text) if any(c in text for c in " #'\"\\$`\t") else text


def settings_table(markdown: bool) -> str:
    """The configuration table (the README's table is this output with --markdown)."""
    from pydantic import SecretStr

    from nieuwsstroom.stream.settings import Settings
    from nieuwsstroom.stream.settings_check import default_text, env_var, load_settings

    if markdown:
        lines = ["| Environment variable | Default | Meaning |", "| --- | --- | --- |"]
        for name, info in Settings.model_fields.items():
            default = default_text(info)
            shown = f"`{default}`" if default else "(not set)"
            lines.append(f"| `{env_var(name)}` | {shown} | {info.description} |")
        return "\n".join(lines)
    current = load_settings()
    lines = []
    for name, info in Settings.model_fields.items():
        lines.append(f"# {info.description}")
        value = getattr(current, name)
        if isinstance(value, SecretStr):  # commented out: a pasted mask is not a password
            lines.append(f"# {env_var(name)}=    (set; a secret, not shown)")
        elif value is None:
            lines.append(f"# {env_var(name)}=    (not set)")
        else:
            lines.append(f"{env_var(name)}={_env_value(value)}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add `config`."""

    @app.command(cls=Command)
    def config(
        markdown: Annotated[
            bool, typer.Option("--markdown", help="Print the README's table of settings instead.")
        ] = False,
    ) -> None:
        """Show every NIEUWSSTROOM_* setting and its value, as a .env file."""
        typer.echo(settings_table(markdown))
