"""Import a Wikidata dump into a knowledge base: two passes, parsing on every core.

Pass 1 (`collect_class_table`) reads only the lines that mention P279 (a few
percent of a dump) and computes the news-relevant class tree
(`dump_classes.ClassTable`). Pass 2 hands the dump to worker processes
(multiprocessing) in parts: an uncompressed dump as byte ranges that each
worker reads from the file itself (`dump.MappedDump`: no line travels through
a pipe), a compressed one (or a `limit`ed import) as blocks of lines the main
process decompresses. Each worker decodes only what the KB keeps
(`dump_lines`: the class filter runs on P31 before the rest of a line is
looked at), and appends the kept rows, with their place in the dump, to a
staging file of its own (`kb_bulk`). At the end the staged rows are merged
into the KB with one sorted statement per table; ties are broken by the place
in the dump, so the result does not depend on which worker parsed what.
At most a few blocks per worker are in flight, so memory stays bounded on a
100 GB dump. Progress (bytes of the file, entities/s, ETA) goes to stderr
through tqdm.

Longer than the house's ~300 lines on purpose: the driver and the functions the
worker processes run exchange bare task and result tuples (`Task`, what `_parse`
returns) that read best side by side; if it grows, the worker side (`_state`,
`_init_worker` to `_parse`) is the seam.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nieuwsstroom.linkers.dump import (
    CHUNK_BYTES,
    RANGE_BYTES,
    MappedDump,
    byte_ranges,
    entity_text,
    iter_chunks,
)
from nieuwsstroom.linkers.dump_classes import ClassTable
from nieuwsstroom.linkers.dump_index import IndexTarget, merge_and_index
from nieuwsstroom.linkers.dump_lines import (
    MalformedLine,
    line_values,
    subclass_edges,
)
from nieuwsstroom.linkers.kb_bulk import StagingFile
from nieuwsstroom.linkers.kb_schema import alias_rows
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

_P279 = b'"P279"'
_IN_FLIGHT_PER_WORKER = 3

Task = tuple[int, int, int] | tuple[int, list[bytes]]
"""(index, start, end) of an uncompressed dump file, or (index, lines) already read."""


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
    index_keys: int | None = None
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds of wall time per phase: class tree, parse, merge (+ alias index)."""

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


def _uncompressed(path: Path) -> bool:
    return path.name.endswith(".json")


# -- the part that runs in worker processes ------------------------------------------------
_state: dict[str, Any] = {}
"""Per worker process: the dump path, class table, settings and staging file."""


def _init_worker(path: str, classes: ClassTable | None, min_sitelinks: int, staging: str) -> None:
    if "dump" in _state:  # a mapping of another dump (workers=1 runs in this process)
        _state.pop("dump").close()
    _state.update(path=path, classes=classes, min_sitelinks=min_sitelinks)
    if staging:
        _state["staging"] = StagingFile(Path(f"{staging}.{os.getpid()}"))


def _data(task: Task) -> tuple[mmap.mmap | bytes, int, int]:
    """(buffer, begin, stop) of the task's lines: in the mapped file, or joined."""
    if len(task) == 3:
        return _dump().owned(task[1], task[2])
    data = b"".join(task[1])  # type: ignore[arg-type]
    return data, 0, len(data)


def _edges_in(lines: Iterable[bytes]) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    for line in lines:
        if _P279 in line and (text := entity_text(line)) is not None:
            edges.extend(subclass_edges(text))
    return edges


def _dump() -> MappedDump:
    if "dump" not in _state:
        _state["dump"] = MappedDump(Path(_state["path"]))
    return _state["dump"]


def _edges_of_range(task: Task) -> tuple[int, list[tuple[str, str]]]:
    """Pass 1 on one byte range of an uncompressed dump: the file is searched in place for
    `"P279"` and only the lines around the hits are decoded."""
    _index, start, end = task  # type: ignore[misc]
    return end - start, _edges_in(_dump().lines_with(_P279, start, end))


def _parse(task: Task) -> tuple[int, list[int], tuple[int, str] | None]:
    """Stage the kept entities of one part; (lines, [entities, kept, aliases, skipped,
    errors], (line within the part, why) of its first malformed line).

    Each line is copied out of the mapped file once, not the range first and then
    each line twice (split, then stripped of its comma), at ~2 KB a line."""
    data, pos, size = _data(task)
    base = task[0] << 32
    classes: ClassTable = _state["classes"]
    min_sitelinks: int = _state["min_sitelinks"]
    entities: list[tuple[Any, ...]] = []
    aliases: list[tuple[Any, ...]] = []
    seen = skipped = errors = 0
    first_error: tuple[int, str] | None = None
    find = data.find
    number = 0
    while pos < size:
        end = find(b"\n", pos, size)
        if end == -1:
            end = size
        if data[pos] == 0x7B and data[end - 1] == 0x2C:  # "{...}," as the dump writes it
            text: bytes | None = data[pos : end - 1]
        else:
            text = entity_text(data[pos:end])
        pos = end + 1
        number += 1
        if text is None:
            continue
        seen += 1
        try:
            found = line_values(text, classes, min_sitelinks)
        except MalformedLine as exc:
            errors += 1
            first_error = first_error or (number - 1, str(exc))
            continue
        if found is None:
            skipped += 1
            continue
        row, names = found
        seq = base | (number - 1)
        entities.append((*row, seq))
        etype = row[1]
        aliases.extend((*r, seq, i, etype) for i, r in enumerate(alias_rows(row[0], names)))
    _state["staging"].append(entities, aliases)
    return number, [seen, len(entities), len(aliases), skipped, errors], first_error


# -- the main process --------------------------------------------------------------------
def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _pool(workers: int, init: tuple[Any, ...]) -> Any:
    return _context().Pool(workers, _init_worker, init)


def _run(
    func: Callable[[Task], Any], tasks: Iterator[Task], init: tuple[Any, ...], workers: int
) -> Iterator[Any]:
    """`func` over the tasks, results in task order: in this process, or on a pool with
    bounded read-ahead."""
    if workers == 1:
        _init_worker(*init)
        try:
            yield from map(func, tasks)
        finally:
            if "staging" in _state:
                _state.pop("staging").close()
            if "dump" in _state:
                _state.pop("dump").close()
        return
    slots = threading.Semaphore(workers * _IN_FLIGHT_PER_WORKER)

    def throttled() -> Iterator[Task]:
        for task in tasks:
            slots.acquire()
            yield task

    pool = _pool(workers, init)
    try:
        for result in pool.imap(func, throttled()):
            slots.release()
            yield result
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()  # every part is committed to its staging file already
    finally:
        pool.join()


def collect_class_table(
    path: Path, progress: bool = True, workers: int | None = None, range_bytes: int = RANGE_BYTES
) -> ClassTable:
    """Pass 1: the P279 edges of the dump, closed under the news roots."""
    path = Path(path)
    workers = max(1, workers or os.cpu_count() or 1)
    edges: list[tuple[str, str]] = []
    with _bar(path, f"{path.name} class tree", progress) as bar:
        if _uncompressed(path):
            tasks = ((i, s, e) for i, (s, e) in enumerate(byte_ranges(path, range_bytes)))
            for size, found in _run(_edges_of_range, tasks, (str(path), None, 0, ""), workers):
                bar.update(size)
                edges.extend(found)
        else:
            for _first, lines in iter_chunks(path, bar.update):
                edges.extend(_edges_in(lines))
    table = ClassTable.from_edges(edges)
    return table if len(table) else ClassTable.baseline()


def _line_tasks(
    path: Path, on_bytes: Callable[[int], None], limit: int | None, chunk_bytes: int
) -> Iterator[Task]:
    """Blocks of lines read here (compressed dumps, or a limit), cut after `limit`
    entity lines."""
    left = limit
    for index, (_first, lines) in enumerate(iter_chunks(path, on_bytes, chunk_bytes)):
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
            yield index, lines
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
    chunk_bytes: int | None = None,
    index: IndexTarget | None = None,
) -> DumpSummary:
    """Add the dump's news entities to `kb`; a malformed line is counted and skipped.

    `classes` None: computed from the dump (pass 1). `workers` None: one per core;
    1 parses in this process. `chunk_bytes`: bytes per part (default 4 MB of an
    uncompressed file, 1 MB decompressed of a compressed one). `index`: write the
    KB's alias index there while the rows are merged (`dump_index`; with more than
    one worker); `summary.index_keys` then says it was written.
    """
    path = Path(path)
    started = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    if classes is None:
        classes = collect_class_table(path, progress, workers, chunk_bytes or RANGE_BYTES)
    table = classes
    summary = DumpSummary(classes=len(table))
    summary.phases["class tree"] = time.perf_counter() - started
    staging = f"{os.path.realpath(kb.path)}.staging"
    init = (str(path), table, min_sitelinks, staging)
    try:
        with _bar(path, path.name, progress) as bar:
            ranges: list[tuple[int, int]] = []
            if limit is None and _uncompressed(path):
                ranges = byte_ranges(path, chunk_bytes or RANGE_BYTES)
                tasks: Iterator[Task] = ((i, s, e) for i, (s, e) in enumerate(ranges))
            else:
                tasks = _line_tasks(path, bar.update, limit, chunk_bytes or CHUNK_BYTES)
            lines_before = 0
            for number, (n_lines, counts, error) in enumerate(_run(_parse, tasks, init, workers)):
                if ranges:
                    bar.update(ranges[number][1] - ranges[number][0])
                summary.lines += counts[0]
                summary.entities += counts[1]
                summary.aliases += counts[2]
                summary.skipped += counts[3]
                summary.errors += counts[4]
                if error is not None and not summary.first_error:
                    summary.first_error = f"{path}: line {lines_before + error[0] + 1} {error[1]}"
                lines_before += n_lines
                elapsed = time.perf_counter() - started
                bar.set_postfix_str(
                    f"{summary.lines / elapsed:,.0f} entities/s, {summary.entities:,} kept",
                    refresh=False,
                )
        summary.phases["parse"] = time.perf_counter() - started - summary.phases["class tree"]
        parts = list(Path(staging).parent.glob(f"{Path(staging).name}.*"))
        summary.index_keys = merge_and_index(kb, parts, index, _context() if workers > 1 else None)
        summary.phases["merge"] = time.perf_counter() - started - sum(summary.phases.values())
        kb.set_classes(table.to_rows())
    finally:
        for part in Path(staging).parent.glob(f"{Path(staging).name}.*"):
            part.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - started
    return summary
