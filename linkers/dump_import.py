"""Import a Wikidata dump into a knowledge base: two passes, parsing on every core.

Pass 1 (`collect_class_table`) parses only the lines that mention P279 (a few
percent of a dump) and computes the news-relevant class tree
(`dump_classes.ClassTable`). Pass 2: the main process reads (and decompresses)
blocks of lines and hands them to worker processes (multiprocessing); each
parses with orjson, keeps the items the class tree and the sitelink threshold
admit, and appends their rows to a staging file of its own (`kb_bulk`). At the
end the staged rows are merged into the KB with one sorted statement per table,
so the result does not depend on which worker parsed what. At most a few blocks
per worker are in flight, so memory stays bounded on a 100 GB dump.
Progress (bytes of the file, entities/s, ETA) goes to stderr through tqdm.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nieuwsstroom.linkers.dump import CHUNK_BYTES, entity_text, iter_chunks, parse_line
from nieuwsstroom.linkers.dump_classes import ClassTable
from nieuwsstroom.linkers.errors import DumpFormatError
from nieuwsstroom.linkers.kb_bulk import StagingFile, merge_staged
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase, alias_row, entity_row
from nieuwsstroom.linkers.wikidata_json import claim_ids, entity_from_json

_P279 = b'"P279"'
_IN_FLIGHT_PER_WORKER = 3


@dataclass
class DumpSummary:
    """What a dump import did (printed by `kb build`)."""

    lines: int = 0
    entities: int = 0
    aliases: int = 0
    skipped: int = 0
    errors: int = 0
    classes: int = 0
    seconds: float = 0.0
    first_error: str = ""

    @property
    def entities_per_s(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


def _bar(path: Path, desc: str, progress: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=path.stat().st_size,
        unit="B",
        unit_scale=True,
        desc=desc,
        file=sys.stderr,
        disable=not progress,
        mininterval=0.5,
    )


def collect_class_table(path: Path, progress: bool = True) -> ClassTable:
    """Pass 1: the P279 edges of the dump, closed under the news roots."""
    edges: list[tuple[str, str]] = []
    with _bar(path, f"{path.name} class tree", progress) as bar:
        for first, lines in iter_chunks(path, bar.update):
            for offset, line in enumerate(lines):
                if _P279 not in line:
                    continue
                text = entity_text(line)
                if text is None:
                    continue
                try:
                    obj = parse_line(path, first + offset, text)
                except DumpFormatError:
                    continue  # counted in pass 2
                sub = obj.get("id")
                if isinstance(sub, str):
                    edges.extend((sub, sup) for sup in claim_ids(obj, "P279"))
    table = ClassTable.from_edges(edges)
    return table if len(table) else ClassTable.baseline()


# -- pass 2: the part that runs in worker processes ------------------------------------------
_state: dict[str, Any] = {}
"""Per worker process: class table, settings and its staging file, set by `_init_worker`."""


def _init_worker(classes: ClassTable, min_sitelinks: int, path: str, staging: str) -> None:
    _state.update(classes=classes, min_sitelinks=min_sitelinks, path=path)
    _state["staging"] = StagingFile(Path(f"{staging}.{os.getpid()}"))


def _parse_block(block: tuple[int, list[bytes]]) -> tuple[list[int], str]:
    """Stage the kept entities of one block; (lines, kept, aliases, skipped, errors) counts."""
    first, lines = block
    classes: ClassTable = _state["classes"]
    min_sitelinks: int = _state["min_sitelinks"]
    entities: list[Any] = []
    aliases: list[Any] = []
    seen = skipped = errors = 0
    first_error = ""
    for offset, line in enumerate(lines):
        text = entity_text(line)
        if text is None:
            continue
        seen += 1
        try:
            obj = parse_line(_state["path"], first + offset, text)
        except DumpFormatError as exc:
            errors += 1
            first_error = first_error or str(exc)
            continue
        parsed = entity_from_json(obj, classes)
        if parsed is None or parsed[0].sitelinks < min_sitelinks:
            skipped += 1
            continue
        record, names = parsed
        entities.append(entity_row(record))
        aliases.extend(row for a in names if (row := alias_row(a)))
    _state["staging"].append(entities, aliases)
    return [seen, len(entities), len(aliases), skipped, errors], first_error


def _limited(blocks: Iterator[tuple[int, list[bytes]]], limit: int | None) -> Iterator[Any]:
    """Blocks cut so that at most `limit` entity lines are read."""
    left = limit
    for first, lines in blocks:
        if left is not None:
            kept = []
            for line in lines:
                if left <= 0:
                    break
                kept.append(line)
                if entity_text(line) is not None:
                    left -= 1
            lines = kept
        if lines:
            yield first, lines
        if left is not None and left <= 0:
            return


def import_dump(
    kb: KnowledgeBase,
    path: Path,
    classes: ClassTable | None = None,
    *,
    workers: int | None = None,
    min_sitelinks: int = 0,
    progress: bool = True,
    limit: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> DumpSummary:
    """Add the dump's news entities to `kb`; a malformed line is counted and skipped.

    `classes` None: computed from the dump (pass 1). `workers` None: one per core;
    1 parses in this process. `chunk_bytes`: decompressed bytes per block.
    """
    path = Path(path)
    started = time.perf_counter()
    table = classes if classes is not None else collect_class_table(path, progress)
    summary = DumpSummary(classes=len(table))
    workers = max(1, workers or os.cpu_count() or 1)
    staging = f"{os.path.realpath(kb.path)}.staging"
    try:
        with _bar(path, path.name, progress) as bar:
            blocks = _limited(iter_chunks(path, bar.update, chunk_bytes), limit)
            init = (table, min_sitelinks, str(path), staging)
            for counts, first_error in _run(blocks, init, workers):
                summary.lines += counts[0]
                summary.entities += counts[1]
                summary.aliases += counts[2]
                summary.skipped += counts[3]
                summary.errors += counts[4]
                summary.first_error = summary.first_error or first_error
                elapsed = time.perf_counter() - started
                bar.set_postfix_str(
                    f"{summary.lines / elapsed:,.0f} entities/s, {summary.entities:,} kept",
                    refresh=False,
                )
        merge_staged(kb, Path(staging).parent.glob(f"{Path(staging).name}.*"))
        kb.set_classes(table.to_rows())
    finally:
        for part in Path(staging).parent.glob(f"{Path(staging).name}.*"):
            part.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _run(
    blocks: Iterator[Any], init: tuple[Any, ...], workers: int
) -> Iterator[tuple[list[int], str]]:
    """Parse blocks in this process, or on a pool with bounded read-ahead."""
    if workers == 1:
        _init_worker(*init)
        try:
            yield from map(_parse_block, blocks)
        finally:
            _state.pop("staging").close()
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    slots = threading.Semaphore(workers * _IN_FLIGHT_PER_WORKER)

    def throttled() -> Iterator[Any]:
        for block in blocks:
            slots.acquire()
            yield block

    pool = context.Pool(workers, _init_worker, init)
    try:
        for result in pool.imap_unordered(_parse_block, throttled()):
            slots.release()
            yield result
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()  # every block is committed to its staging file already
    finally:
        pool.join()
