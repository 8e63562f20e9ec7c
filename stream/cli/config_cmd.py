"""`nieuwsstroom config`: every setting, its environment variable, default and value."""

from __future__ import annotations

from typing import Annotated

import typer


def settings_table(markdown: bool) -> str:
    """The configuration table (the README's table is this output with --markdown)."""
    from nieuwsstroom.stream.settings import Settings

    current = Settings()
    rows = []
    for name, info in Settings.model_fields.items():
        default = info.get_default(call_default_factory=False)
        if info.default_factory is not None:
            default = "~/.cache/nieuwsstroom"
        env = f"NIEUWSSTROOM_{name.upper()}"
        rows.append((env, "" if default is None else str(default), info.description or "", name))
    if markdown:
        lines = ["| Environment variable | Default | Meaning |", "| --- | --- | --- |"]
        lines += [f"| `{env}` | `{default}` | {text} |" for env, default, text, _ in rows]
        return "\n".join(lines)
    return "\n".join(f"{env}={getattr(current, name)}    # {text}" for env, _, text, name in rows)


def register(app: typer.Typer) -> None:
    """Add `config`."""

    @app.command()
    def config(
        markdown: Annotated[
            bool, typer.Option("--markdown", help="Print the README table.")
        ] = False,
    ) -> None:
        """Show the configuration (environment variables NIEUWSSTROOM_*) and current values."""
        typer.echo(settings_table(markdown))
