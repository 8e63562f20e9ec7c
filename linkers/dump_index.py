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


def _new_rows_sql(conn: sqlite3.Connection, parts: list[str]) -> tuple[str, dict[str, str]]:
    """The staged aliases as (alias_norm, qid, lang, case_rule, type, seq, pos) with each
    entity's final type, as SQL; and the final types of the QIDs the old KB has aliases of.

    A staged alias row carries its own line's type, which is final unless the dump
    repeats the QID (then the last staged row's type is, as in the merge)."""
    entities = _union(parts, "entities", "qid, type, seq")
    aliases = _union(parts, "aliases", "alias_norm, qid, lang, case_rule, type, seq, pos")
    rows, distinct = conn.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT qid) FROM ({entities})"
    ).fetchone()
    if rows == distinct:
        types = conn.execute(
            f"SELECT qid, type FROM ({entities}) WHERE qid IN (SELECT qid FROM before.aliases)"
        )
        return f"SELECT * FROM ({aliases})", dict(types.fetchall())
    conn.execute("CREATE TEMP TABLE final_type (qid TEXT PRIMARY KEY, type TEXT) WITHOUT ROWID")
    conn.execute(
        f"INSERT OR REPLACE INTO final_type SELECT qid, type FROM ({entities}) ORDER BY seq"
    )
    types = conn.execute(
        "SELECT qid, type FROM temp.final_type WHERE qid IN (SELECT qid FROM before.aliases)"
    )
    new = (
        "SELECT a.alias_norm, a.qid, a.lang, a.case_rule, t.type, a.seq, a.pos "
        f"FROM ({aliases}) a JOIN temp.final_type t ON t.qid = a.qid"
    )
    return new, dict(types.fetchall())


_ENCODED_CACHE = 4096


def _fold(rules: list[str]) -> str:
    """`alias_index.aggregate`'s rule for a key's rules in alias id order."""
    return rules[0] if len(set(rules)) == 1 else reduce(merge_rule, rules[1:], rules[0])


def merged_payloads(conn: sqlite3.Connection, parts: list[str]) -> Iterator[tuple[str, bytes]]:
    """(alias_norm, payload) as `alias_index.aggregate` makes them from
    `KnowledgeBase.alias_index_rows` once the staged rows are merged (`conn` has the KB
    before the merge attached as `before` and the staging files as `parts`), in no
    particular key order.

    A key's rule depends on the order of its aliases only when their rules differ
    (rare): SQL groups the staged rows, and only such keys are read row by row."""
    new_sql, final = _new_rows_sql(conn, parts)
    old: dict[str, list[tuple[str, str, str, str | None]]] = {}
    for key, qid, lang, rule, etype in conn.execute(
        "SELECT a.alias_norm, a.qid, a.lang, a.case_rule, e.type FROM before.aliases a "
        "LEFT JOIN before.entities e ON e.qid = a.qid ORDER BY a.id"
    ):
        old.setdefault(key, []).append((qid, lang, rule, final.get(qid, etype)))
    uneven: list[str] = []
    encoded: dict[tuple[str, str], bytes] = {}  # few distinct (rule, types) of new keys
    for key, low, high, types in conn.execute(
        "SELECT alias_norm, MIN(case_rule), MAX(case_rule), group_concat(type) "
        f"FROM ({new_sql}) GROUP BY alias_norm"
    ):
        held = old.get(key)
        if held is None and low == high:  # the common case: a key only the dump has
            payload = encoded.get((low, types))
            if payload is None:
                payload = encode_payload(low, set(types.split(",")))
                if len(encoded) < _ENCODED_CACHE:
                    encoded[low, types] = payload
            yield key, payload
            continue
        kinds = set(types.split(","))
        if held is not None:
            rules = {rule for _q, _l, rule, etype in held if etype is not None}
            if rules - {low} or low != high:
                uneven.append(key)
                continue
            del old[key]
            kinds.update(etype for _q, _l, _r, etype in held if etype is not None)
        elif low != high:
            uneven.append(key)
            continue
        yield key, encode_payload(low, kinds)
    for key, rows in _uneven_rows(conn, new_sql, uneven):
        held_rows = old.pop(key, [])
        held = {(qid, lang) for qid, lang, _r, _t in held_rows}
        indexed = [(rule, etype) for _q, _l, rule, etype in held_rows if etype is not None]
        last = None
        for qid, lang, rule, etype in rows:
            if (qid, lang) != last and (qid, lang) not in held:  # the first row is merged
                indexed.append((rule, etype))
            last = (qid, lang)
        yield key, encode_payload(_fold([r for r, _t in indexed]), {t for _r, t in indexed})
    for key, held_rows in old.items():  # keys the dump does not add to
        indexed = [(rule, etype) for _q, _l, rule, etype in held_rows if etype is not None]
        if indexed:
            yield key, encode_payload(_fold([r for r, _t in indexed]), {t for _r, t in indexed})


def _uneven_rows(
    conn: sqlite3.Connection, new_sql: str, keys: list[str]
) -> Iterator[tuple[str, list[tuple[str, str, str, str]]]]:
    """The staged rows of `keys`, per key, in merge order (qid, lang, then dump order)."""
    conn.execute("CREATE TEMP TABLE uneven (key TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.executemany("INSERT INTO temp.uneven VALUES (?)", [(k,) for k in keys])
    rows = conn.execute(
        f"SELECT a.alias_norm, a.qid, a.lang, a.case_rule, a.type FROM ({new_sql}) a "
        "WHERE a.alias_norm IN (SELECT key FROM temp.uneven) "
        "ORDER BY a.alias_norm, a.qid, a.lang, a.seq, a.pos"
    )
    for key, group in groupby(rows, key=itemgetter(0)):
        yield key, [row[1:] for row in group]


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
