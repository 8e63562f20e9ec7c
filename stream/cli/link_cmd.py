"""`nieuwsstroom link`: Dutch articles in, the entities JSON the pipeline would emit out.

One article (`--file FILE|-`): plain text (first non-empty line = title, the
rest = body; any line ending counts: LF, CRLF, CR; a leading `date YYYY-MM`
marker as in the bundled sample is dropped) or a JSON object with `title` and
`body` (and optionally `title_en`/`body_en` for English offsets). Output:
`{"entities": [...], "unlinked": [...], "provenance": {...}}`; stderr says which
line became the title, so a one-line input that all lands in `title` is no
surprise.

Many articles (`--jsonl FILE|-`), for batch linking and evaluation: one JSON
object `{id, title, body}` per line in, one `{id, entities, unlinked}` per line
out, in input order, with the knowledge base opened once. A line that is not
such an object gets one line on stderr naming its line number and the reason,
and the rest are still linked; blank lines are skipped. If any line was bad the
command ends with a summary error and exit status 2, so a script notices.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from nieuwsstroom.stream.cli.help_format import Command

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
    lines = stripped.splitlines()
    title = _DATE_MARKER.sub("", lines[0]).strip() if lines else ""
    return {"title": title, "body": "\n".join(lines[1:]).strip()}


def parse_jsonl_line(line: str, number: int) -> dict[str, Any]:
    """One `{id, title, body}` object; ValueError names the line and what is wrong."""
    import orjson

    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"line {number}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"line {number}: expected a JSON object, got {type(data).__name__}")
    ident = data.get("id")
    if not isinstance(ident, str | int) or isinstance(ident, bool) or str(ident).strip() == "":
        raise ValueError(f"line {number}: 'id' must be a non-empty string or number")
    for name in ("title", "body"):
        if not isinstance(data.get(name, ""), str):
            raise ValueError(f"line {number}: {name!r} must be a string")
    return data


def link_jsonl(lines: Any, linker: Any, out: Any, err: Any) -> tuple[int, list[int]]:
    """Link every line of `lines`; returns (articles linked, numbers of bad lines)."""
    import orjson

    from nieuwsstroom.linkers import Document

    done, bad = 0, []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = parse_jsonl_line(line, number)
        except ValueError as exc:
            bad.append(number)
            err.write(f"error: {exc}\n")
            continue
        doc = Document(str(article.get("title") or ""), str(article.get("body") or ""))
        entities = linker.link(doc)
        record = {
            "id": article["id"],
            "entities": [e.to_json() for e in entities if e.qid is not None],
            "unlinked": [e.to_json() for e in entities if e.qid is None],
        }
        out.write(orjson.dumps(record).decode() + "\n")
        out.flush()
        done += 1
    return done, bad


def register(app: typer.Typer) -> None:
    """Add `link` to the root app."""

    @app.command(cls=Command)
    def link(
        file: Annotated[
            str,
            typer.Option(
                "--file",
                "-f",
                metavar="FILE",
                help="The article: text (first line = title) or JSON; - = stdin.",
            ),
        ] = "-",
        jsonl: Annotated[
            str | None,
            typer.Option(
                "--jsonl",
                metavar="FILE",
                help="Many articles: one {id, title, body} object per line; - = stdin. "
                "Writes one {id, entities, unlinked} per line.",
            ),
        ] = None,
        kb_path: Annotated[
            Path | None,
            typer.Option(
                "--kb",
                metavar="FILE",
                help="Knowledge base (default: NIEUWSSTROOM_KB_PATH or the seed KB).",
            ),
        ] = None,
        threshold: Annotated[
            float | None,
            typer.Option(
                "--threshold",
                metavar="SCORE",
                min=0.0,
                max=1.0,
                help="Link score threshold (default: NIEUWSSTROOM_LINK_THRESHOLD).",
            ),
        ] = None,
    ) -> None:
        """Link the names in Dutch articles to Wikidata; print JSON.

        Plain text: the first line is the title, the rest the body. JSON: an object
        with title and body (title_en/body_en too, for English offsets). --jsonl: many.
        """
        import io

        import orjson

        from nieuwsstroom.linkers import Document
        from nieuwsstroom.stream.cli.errors import CliError
        from nieuwsstroom.stream.cli.inputs import decode_text, open_input
        from nieuwsstroom.stream.components import linker_from_settings
        from nieuwsstroom.stream.settings_check import load_settings

        overrides = {"kb_path": kb_path, "link_threshold": threshold}
        settings = load_settings().model_copy(
            update={k: v for k, v in overrides.items() if v is not None}
        )
        if jsonl is not None:
            with contextlib.ExitStack() as stack:
                raw_lines = stack.enter_context(open_input(jsonl))  # before the KB opens
                source = io.TextIOWrapper(raw_lines, encoding="utf-8")
                stack.callback(source.detach)  # open_input closes the file, never stdin
                linker = linker_from_settings(settings)  # opened once for every line
                try:
                    done, bad = link_jsonl(source, linker, sys.stdout, sys.stderr)
                except UnicodeDecodeError as exc:
                    raise CliError(
                        f"{jsonl} is not UTF-8 text: save it as UTF-8 "
                        "(e.g. `iconv -f latin1 -t utf-8`)"
                    ) from exc
            if bad:
                shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
                raise CliError(
                    f"{len(bad)} of {done + len(bad)} lines were not articles (lines {shown}); "
                    "the others were linked"
                )
            return
        with open_input(file) as handle:
            raw = decode_text(handle.read(), file)
        try:
            article = parse_article(raw)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        linker = linker_from_settings(settings)
        doc = Document(
            title=str(article.get("title") or ""),
            body=str(article.get("body") or ""),
            title_en=article.get("title_en"),
            body_en=article.get("body_en"),
        )
        entities = linker.link(doc)
        if not raw.lstrip().startswith("{"):
            title = doc.title if len(doc.title) <= 60 else doc.title[:57] + "..."
            lines = len([line for line in doc.body.split("\n") if line.strip()])
            typer.echo(f"title: {title!r} (the first line); body: {lines} line(s)", err=True)
        out = {
            "entities": [e.to_json() for e in entities if e.qid is not None],
            "unlinked": [e.to_json() for e in entities if e.qid is None],
            "provenance": linker.provenance,
        }
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
