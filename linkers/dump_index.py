"""The alias index of a dump build, written from the staged rows while they are merged.

Why: after the dump is parsed, two jobs remain, and each takes seconds per
million entities: merging the staged rows into the KB (SQLite, one writer) and
writing the alias index (`alias_index.write_alias_index`), which reads every
alias with its entity's type. Written from the merged KB (`kb_files.write_index`)
the index has to wait for the merge; written from what the merge reads, it is
done in another process at the same time, on the other core.

That requires the rows `write_index` would read from the merged KB, in its order
(key, then alias id), which `kb_bulk.merge_staged` fixes as follows, and this
module reproduces:

- the aliases the KB held before (`before`, a copy of the KB taken just before
  the merge) keep their ids and their case rule;
- a staged alias whose (alias_norm, qid, lang) the KB held already adds nothing;
  of staged rows sharing one, the first in dump order (seq, pos) is inserted;
  new rows get ids in (alias_norm, qid, lang) order, after the old ones;
- an entity's type is that of its last staged row in dump order (staged rows
  are never MISC: a class table types every dump entity), else the old one.

`tests/linkers/test_dump.py` checks that the index equals what `write_index`
writes from the merged KB, on a dump that exercises each rule.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import reduce
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from nieuwsstroom.linkers.alias_index import encode_payload, merge_rule, write_alias_payloads
from nieuwsstroom.linkers.kb_bulk import merge_staged
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase


def _union(parts: list[str], table: str, columns: str) -> str:
    return " UNION ALL ".join(f"SELECT {columns} FROM {part}.{table}" for part in parts)


def _staged_types(conn: sqlite3.Connection, parts: list[str]) -> dict[str, str] | None:
    """qid -> type of the last staged row, for the QIDs the old KB has aliases of; None
    when the dump repeats a QID (then a staged alias row's own type may not be final)."""
    entities = _union(parts, "entities", "qid, type, seq")
    rows, distinct = conn.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT qid) FROM ({entities})"
    ).fetchone()
    if rows != distinct:
        return None
    return dict(
        conn.execute(
            f"SELECT qid, type FROM ({entities}) "
            "WHERE qid IN (SELECT qid FROM before.aliases) ORDER BY seq"
        ).fetchall()
    )


def _final_types(conn: sqlite3.Connection, parts: list[str]) -> None:
    """temp.final_type: qid -> type of its last staged row (the general case)."""
    conn.execute("CREATE TEMP TABLE final_type (qid TEXT PRIMARY KEY, type TEXT) WITHOUT ROWID")
    conn.execute(
        "INSERT OR REPLACE INTO final_type "
        f"SELECT qid, type FROM ({_union(parts, 'entities', 'qid, type, seq')}) ORDER BY seq"
    )


def merged_payloads(conn: sqlite3.Connection, parts: list[str]) -> Iterator[tuple[str, bytes]]:
    """(alias_norm, payload) as `alias_index.aggregate` makes them from
    `KnowledgeBase.alias_index_rows` once the staged rows are merged (`conn` has the KB
    before the merge attached as `before` and the staging files as `parts`)."""
    types = _staged_types(conn, parts)
    if types is None:
        _final_types(conn, parts)
        types = dict(
            conn.execute(
                "SELECT qid, type FROM temp.final_type "
                "WHERE qid IN (SELECT qid FROM before.aliases)"
            ).fetchall()
        )
        new_sql = (
            "SELECT a.alias_norm, a.qid, a.lang, a.case_rule, t.type FROM ("
            + _union(parts, "aliases", "alias_norm, qid, lang, case_rule, seq, pos")
            + ") a JOIN temp.final_type t ON t.qid = a.qid "
            "ORDER BY a.alias_norm, a.qid, a.lang, a.seq, a.pos"
        )
    else:
        new_sql = (
            "SELECT alias_norm, qid, lang, case_rule, type FROM ("
            + _union(parts, "aliases", "alias_norm, qid, lang, case_rule, seq, pos, type")
            + ") ORDER BY alias_norm, qid, lang, seq, pos"
        )
    old = groupby(
        conn.execute(
            "SELECT a.alias_norm, a.qid, a.lang, a.case_rule, e.type FROM before.aliases a "
            "LEFT JOIN before.entities e ON e.qid = a.qid ORDER BY a.alias_norm, a.id"
        ),
        key=itemgetter(0),
    )
    new = groupby(conn.execute(new_sql), key=itemgetter(0))
    old_key, old_rows = next(old, (None, None))
    new_key, new_rows = next(new, (None, None))
    while old_key is not None or new_key is not None:
        if new_key is None or (old_key is not None and old_key <= new_key):
            key = old_key
            rules, kinds, held = [], set(), set()
            for _k, qid, lang, rule, etype in old_rows:  # type: ignore[union-attr]
                held.add((qid, lang))
                etype = types.get(qid, etype)
                if etype is not None:  # an alias without an entity is not indexed
                    rules.append(rule)
                    kinds.add(etype)
            old_key, old_rows = next(old, (None, None))
        else:
            key, rules, kinds, held = new_key, [], set(), set()
        if key == new_key:
            last = None
            for _k, qid, lang, rule, etype in new_rows:  # type: ignore[union-attr]
                if (qid, lang) == last or (qid, lang) in held:
                    continue  # the first staged row of a (key, qid, lang) is the one merged
                last = (qid, lang)
                rules.append(rule)
                kinds.add(etype)
            new_key, new_rows = next(new, (None, None))
        if rules:
            rule = rules[0] if len(set(rules)) == 1 else reduce(merge_rule, rules[1:], rules[0])
            yield key, encode_payload(rule, kinds)  # type: ignore[arg-type]


def write_dump_index(
    before: Path,
    staging: list[Path],
    base: Path,
    build_id: str,
    common_words: frozenset[str],
) -> int:
    """Write the alias index the KB will have once `staging` is merged into `before`;
    returns its number of keys (`alias_index.write_alias_payloads`)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("ATTACH DATABASE ? AS before", (str(before),))
        parts = [f"part{i}" for i in range(len(staging))]
        for part, path in zip(parts, staging, strict=True):
            conn.execute(f"ATTACH DATABASE ? AS {part}", (str(path),))
        return write_alias_payloads(merged_payloads(conn, parts), base, build_id, skip=common_words)
    finally:
        conn.close()


@dataclass(frozen=True)
class IndexTarget:
    """Where the alias index of a build goes (`kb_files.KbVersion.index_target`)."""

    base: Path
    build_id: str
    common_words: frozenset[str]


_MAX_PARTS = 8
"""With the KB before the merge, what SQLite attaches at once (10 by default)."""


def merge_and_index(
    kb: KnowledgeBase, staging: list[Path], target: IndexTarget | None, context: Any
) -> int | None:
    """Merge the staged rows into `kb` (`kb_bulk.merge_staged`) and, with a target and a
    multiprocessing `context`, write the alias index in a process of its own meanwhile;
    the index's number of keys, or None when it was not written (then `write_index`
    writes it from the merged KB)."""
    staging = sorted(staging)
    if target is None or context is None or not staging or len(staging) > _MAX_PARTS:
        merge_staged(kb, staging)
        return None
    before = Path(f"{staging[0]}.before")
    with kb.locked_connection() as conn, closing(sqlite3.connect(before)) as copy:
        conn.backup(copy)
    try:
        with context.Pool(1) as pool:
            job = pool.apply_async(
                write_dump_index,
                (before, staging, target.base, target.build_id, target.common_words),
            )
            merge_staged(kb, staging)
            return int(job.get())
    finally:
        before.unlink(missing_ok=True)
