"""The `nieuwsstroom` command line (Typer).

Each command group lives in its own module with a `register(app)` function, and
imports heavy things (Faust, CTranslate2, the knowledge base) inside the
command body, so `nieuwsstroom --help` and `nieuwsstroom kb stats` stay fast.
Commands raise on failure; the root group runs them inside the one error
boundary (`cli/errors.py`) that prints a user's mistake as one line and exits 2.
"""

from __future__ import annotations

from typing import Annotated

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
from nieuwsstroom.stream.cli.errors import BoundaryGroup

app = typer.Typer(
    name="nieuwsstroom",
    help="Dutch news in, enriched English JSON out (Kafka, Faust, Argos, Wikidata).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=BoundaryGroup,
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


@app.callback()
def root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback behind an error message.")
    ] = False,
) -> None:
    """Dutch news in, enriched English JSON out (Kafka, Faust, Argos, Wikidata).

    A mistake (a setting, a file, an unreachable broker, a missing topic) is one line,
    `error: ...`, naming the cause and the fix, with exit status 2; --debug (or
    NIEUWSSTROOM_LOG_LEVEL=DEBUG) adds the traceback.
    """
    from nieuwsstroom.stream.settings_check import load_settings

    # Every setting is checked before any command runs, even one the command does not
    # use: a typo in the environment is reported now, by its variable, not when a worker
    # reads it an hour later.
    load_settings()


def main() -> None:
    """Console-script entry point (`nieuwsstroom`, `python -m nieuwsstroom`)."""
    app(prog_name="nieuwsstroom")
