"""`nieuwsstroom link`: one Dutch article in, the entities JSON the pipeline would emit out.

Input: plain text (first non-empty line = title, the rest = body; a leading
`date YYYY-MM` marker as in the bundled sample is dropped) or a JSON object
with `title` and `body` (and optionally `title_en`/`body_en` for English
offsets). Output: `{"entities": [...], "unlinked": [...], "provenance": {...}}`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

_DATE_MARKER = re.compile(r"^\s*date\s+\d{4}(?:-\d{2}){0,2}\s+")


def parse_article(raw: str) -> dict[str, Any]:
    """A JSON object as it is, or plain text split into title and body."""
    import orjson

    stripped = raw.strip()
    if stripped.startswith("{"):
        try:
            data = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"input looks like JSON but is not: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("body", ""), str):
            raise ValueError("JSON input must be an object with string 'title' and 'body'")
        return data
    lines = stripped.split("\n")
    title = _DATE_MARKER.sub("", lines[0]).strip() if lines else ""
    return {"title": title, "body": "\n".join(lines[1:]).strip()}


def register(app: typer.Typer) -> None:
    """Add `link` to the root app."""

    @app.command()
    def link(
        file: Annotated[
            str, typer.Option("--file", "-f", help="Article file (text or JSON); - = stdin.")
        ] = "-",
        kb_path: Annotated[
            Path | None, typer.Option("--kb", help="Knowledge base (default: settings / seed KB).")
        ] = None,
        threshold: Annotated[
            float | None,
            typer.Option("--threshold", min=0.0, max=1.0, help="Link score threshold."),
        ] = None,
    ) -> None:
        """Find and link the entities of a Dutch article; print them as JSON."""
        import orjson

        from nieuwsstroom.linkers import Document
        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.components import linker_from_settings
        from nieuwsstroom.stream.settings import Settings

        raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        try:
            article = parse_article(raw)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        overrides = {"kb_path": kb_path, "link_threshold": threshold}
        settings = Settings().model_copy(
            update={k: v for k, v in overrides.items() if v is not None}
        )
        linker = linker_from_settings(settings)
        doc = Document(
            title=str(article.get("title") or ""),
            body=str(article.get("body") or ""),
            title_en=article.get("title_en"),
            body_en=article.get("body_en"),
        )
        entities = linker.link(doc)
        out = {
            "entities": [e.to_json() for e in entities if e.qid is not None],
            "unlinked": [e.to_json() for e in entities if e.qid is None],
            "provenance": linker.provenance,
        }
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
