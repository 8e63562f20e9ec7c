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

    @app.command()
    def translate(
        file: Annotated[
            str,
            typer.Option(
                "--file", "-f", help="Dutch text, one sentence/paragraph per line; - = stdin."
            ),
        ] = "-",
        model: Annotated[
            Path | None,
            typer.Option(
                "--model", help="A .argosmodel to use (default: NIEUWSSTROOM_ARGOS_MODEL)."
            ),
        ] = None,
        batch_lines: Annotated[
            int, typer.Option("--batch-lines", min=1, help="Lines translated per model call.")
        ] = 64,
    ) -> None:
        """Translate Dutch to English, exactly one output line per input line."""
        from nieuwsstroom.stream.components import translator_from_settings
        from nieuwsstroom.stream.settings import Settings
        from nieuwsstroom.translators.articles import translate_paragraphs
        from nieuwsstroom.translators.factory import describe

        settings = Settings()
        if model is not None:
            settings = settings.model_copy(update={"argos_model": model})
        translator = translator_from_settings(settings)
        typer.echo(f"Translating with {describe(translator)}", err=True)

        if file == "-":
            source: TextIO = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="\n")
            interactive = sys.stdin.isatty()
        else:
            source = Path(file).open(encoding="utf-8", newline="\n")  # noqa: SIM115
            interactive = False
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            for chunk in _chunks(_lines(source), 1 if interactive else batch_lines):
                for english in translate_paragraphs(translator, chunk):
                    # A translation never spans lines: that would break the contract.
                    out.write(" ".join(english.splitlines()) + "\n")
                out.flush()
        finally:
            out.detach()  # leave sys.stdout usable
            if file == "-":
                source.detach()
            else:
                source.close()
