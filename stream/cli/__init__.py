"""The `nieuwsstroom` command line (Typer).

Each command group lives in its own module with a `register(app)` function, and
imports heavy things (Faust, CTranslate2, the knowledge base) inside the
command body, so `nieuwsstroom --help` and `nieuwsstroom kb stats` stay fast.
"""

from __future__ import annotations

import typer

from nieuwsstroom.stream.cli import (
    broker_cmd,
    config_cmd,
    demo_cmd,
    io_cmd,
    kb_cmd,
    link_cmd,
    models_cmd,
    translate_cmd,
    worker_cmd,
)

app = typer.Typer(
    name="nieuwsstroom",
    help="Dutch news in, enriched English JSON out: Kafka + Faust + Argos Translate + Wikidata.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    demo_cmd,
    worker_cmd,
    io_cmd,
    broker_cmd,
    config_cmd,
    kb_cmd,
    link_cmd,
    models_cmd,
    translate_cmd,
):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
