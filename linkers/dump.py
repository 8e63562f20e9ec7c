"""Stream a Wikidata JSON dump into the knowledge base with bounded memory.

The official dumps (`latest-all.json.gz` / `.bz2`) are one JSON array with one
entity per line ("[", then `{...},` lines, then "]"). We read line by line,
keep only news-relevant items (`wikidata_json.NEWS_CLASSES`), and write in
batches, so memory stays at one batch however large the dump is. Progress is
shown against the compressed bytes read, which is what the user can see on disk.
"""

from __future__ import annotations

import bz2
import gzip
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from nieuwsstroom.linkers.errors import DumpFormatError
from nieuwsstroom.linkers.kb_sqlite import AliasRecord, EntityRecord, KnowledgeBase
from nieuwsstroom.linkers.wikidata_json import NEWS_CLASSES, entity_from_json


@dataclass
class DumpSummary:
    """What a dump import did (printed by `kb build`)."""

    lines: int = 0
    entities: int = 0
    aliases: int = 0
    skipped: int = 0
    errors: int = 0


def _open(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(raw file for progress, decompressed line stream) by file suffix."""
    raw = path.open("rb")
    if path.suffix == ".gz":
        return raw, gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if path.suffix == ".bz2":
        return raw, bz2.BZ2File(raw)  # type: ignore[return-value]
    if path.suffix == ".json":
        return raw, raw
    raw.close()
    raise DumpFormatError(f"Unsupported dump file {path}: expected .json, .json.gz or .json.bz2")


def iter_dump(
    path: Path,
    on_bytes: Callable[[int], None] | None = None,
    on_error: Callable[[DumpFormatError], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Entity objects of a dump, one at a time.

    A malformed line raises DumpFormatError (with the line number), or, when
    `on_error` is given, is reported to it and skipped: one bad line in a
    100 GB dump should not cost the whole import.
    """
    raw, stream = _open(Path(path))
    last_pos = 0
    try:
        for number, line in enumerate(stream, 1):
            if on_bytes is not None:
                pos = raw.tell()
                if pos != last_pos:
                    on_bytes(pos - last_pos)
                    last_pos = pos
            text = line.strip()
            if text in (b"[", b"]", b""):
                continue
            if text.endswith(b","):
                text = text[:-1]
            try:
                obj = orjson.loads(text)
                if not isinstance(obj, dict):
                    raise DumpFormatError(f"{path}: line {number} is not an entity object")
            except (orjson.JSONDecodeError, DumpFormatError) as exc:
                error = (
                    exc
                    if isinstance(exc, DumpFormatError)
                    else DumpFormatError(f"{path}: line {number} is not JSON: {exc}")
                )
                if on_error is None:
                    raise error from exc
                on_error(error)
                continue
            yield obj
    finally:
        stream.close()
        raw.close()


def import_dump(
    kb: KnowledgeBase,
    path: Path,
    classes: Mapping[str, str] = NEWS_CLASSES,
    batch_size: int = 2000,
    progress: bool = True,
    limit: int | None = None,
) -> DumpSummary:
    """Add the dump's news-relevant entities to `kb`; a malformed line is counted and skipped."""
    from tqdm import tqdm

    path = Path(path)
    summary = DumpSummary()
    entities: list[EntityRecord] = []
    aliases: list[AliasRecord] = []

    def flush() -> None:
        summary.entities += kb.upsert_entities(entities)
        summary.aliases += kb.add_aliases(aliases)
        entities.clear()
        aliases.clear()

    with tqdm(
        total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name, disable=not progress
    ) as bar:

        def count_error(_exc: DumpFormatError) -> None:
            summary.errors += 1

        for obj in iter_dump(path, on_bytes=bar.update, on_error=count_error):
            summary.lines += 1
            parsed = entity_from_json(obj, classes)
            if parsed is None:
                summary.skipped += 1
            else:
                entities.append(parsed[0])
                aliases.extend(parsed[1])
                if len(entities) >= batch_size:
                    flush()
            if limit is not None and summary.lines >= limit:
                break
    flush()
    return summary
