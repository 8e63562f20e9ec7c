"""`nieuwsstroom translate`: Dutch lines in, English lines out, one for one.

The contract scripts rely on: exactly one output line per input line, in the
same order, empty lines stay empty. Each line is a sentence or a paragraph;
it is split into sentences and translated with the same translator (model
resolution, batching, cache) as the worker. Messages go to stderr, so stdout
holds only the translation.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer

from nieuwsstroom.stream.cli.help_format import Command


def _lines(stream: TextIO) -> Iterator[str]:
    """Input lines without their line ending; only "\\n" ends a line ("\\r\\n" too)."""
    for raw in stream:
        yield raw.removesuffix("\n").removesuffix("\r")


def _chunks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    """Group lines so each group is one batched model call."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def register(app: typer.Typer) -> None:
    """Add `translate` to the root app."""

    @app.command(cls=Command)
    def translate(
        file: Annotated[
            str,
            typer.Option(
                "--file",
                "-f",
                metavar="FILE",
                help="Dutch text, one sentence or paragraph per line; - = stdin.",
            ),
        ] = "-",
        model: Annotated[
            Path | None,
            typer.Option(
                "--model",
                metavar="FILE",
                help="A .argosmodel to use (default: NIEUWSSTROOM_ARGOS_MODEL).",
            ),
        ] = None,
        batch_lines: Annotated[
            int,
            typer.Option(
                "--batch-lines", metavar="N", min=1, help="Lines translated per model call."
            ),
        ] = 64,
    ) -> None:
        """Dutch to English, exactly one output line per input line."""
        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.cli.inputs import open_input
        from nieuwsstroom.stream.components import translator_from_settings
        from nieuwsstroom.stream.settings_check import load_settings
        from nieuwsstroom.translators.articles import translate_paragraphs
        from nieuwsstroom.translators.factory import describe

        settings = load_settings()
        if model is not None:
            settings = settings.model_copy(update={"argos_model": model})
        with open_input(file) as raw:  # before the model: a typo in FILE costs nothing
            interactive = file == "-" and sys.stdin.isatty()
            source: TextIO = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            translator = translator_from_settings(settings)
            typer.echo(f"Translating with {describe(translator)}", err=True)
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
            line_no = 0
            try:
                for chunk in _chunks(_lines(source), 1 if interactive else batch_lines):
                    for english in translate_paragraphs(translator, chunk):
                        # A translation never spans lines: that would break the contract.
                        out.write(" ".join(english.splitlines()) + "\n")
                    out.flush()
                    line_no += len(chunk)
            except UnicodeDecodeError as exc:
                name = "standard input" if file == "-" else file
                raise CliError(
                    f"{name} is not UTF-8 text: byte 0x{exc.object[exc.start]:02x} on line "
                    f"{line_no + 1} or later; save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
                ) from exc
            finally:
                out.detach()  # leave sys.stdout usable
                source.detach()  # open_input closes the file (and never stdin)
