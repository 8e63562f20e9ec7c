"""Loading millions of rows into a knowledge base: staging files, merged once, sorted.

Why not upsert row by row: each upsert into `aliases` touches a random page of
its unique index, and at a few million rows that is most of a build's time. A
dump import instead appends rows to *staging* files without indexes (each
parsing process writes its own, so nothing funnels through one process), and
`merge_staged` upserts them all with one sorted statement per table, in C,
with the same conflict rules as `KnowledgeBase.upsert_entity_rows` /
`add_alias_rows`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nieuwsstroom.linkers.kb_schema import (
    ADD_ALIAS_SQL,
    ALIAS_COLUMNS,
    ENTITY_COLUMNS,
    UPSERT_ENTITY_SQL,
)
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

_N_ENTITY = len(ENTITY_COLUMNS.split(","))
_N_ALIAS = len(ALIAS_COLUMNS.split(","))
# `seq` is the row's place in the dump (and `pos` an alias's place among its entity's
# names): the merge breaks ties between rows of one key by it, so the result is the
# same whichever process staged which row. `type` on an alias row is its entity's
# type in that line (for `dump_index`; the merge ignores it).
_STAGING_SCHEMA = f"""
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
CREATE TABLE IF NOT EXISTS entities ({ENTITY_COLUMNS}, seq);
CREATE TABLE IF NOT EXISTS aliases ({ALIAS_COLUMNS}, seq, pos, type);
"""
_MAX_ATTACHED = 8
"""SQLite attaches at most 10 files by default: more parts are gathered in batches."""


class StagingFile:
    """Rows appended to a scratch SQLite file (one per writing process)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(str(self.path))
        self._conn.executescript(_STAGING_SCHEMA)

    def append(self, entities: list[tuple[Any, ...]], aliases: list[tuple[Any, ...]]) -> None:
        """Entity rows with `seq`, alias rows with `seq, pos, type` appended (see above)."""
        self._conn.executemany(
            f"INSERT INTO entities VALUES ({','.join('?' * (_N_ENTITY + 1))})", entities
        )
        self._conn.executemany(
            f"INSERT INTO aliases VALUES ({','.join('?' * (_N_ALIAS + 3))})", aliases
        )
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()


def _union(tables: list[str], columns: str) -> str:
    return " UNION ALL ".join(f"SELECT {columns} FROM {table}" for table in tables)


def merge_staged(kb: KnowledgeBase, files: Iterable[Path]) -> None:
    """Upsert every staged row into `kb`: entities in (qid, dump) order, aliases in (key,
    dump) order, read straight from the staging files (one sorted statement per table)."""
    files = sorted(f for f in files if f.is_file())
    if not files:
        return
    entity_cols, alias_cols = f"{ENTITY_COLUMNS}, seq", f"{ALIAS_COLUMNS}, seq, pos"
    with kb.locked_connection() as conn:
        if len(files) <= _MAX_ATTACHED:
            parts = [f"part{i}" for i in range(len(files))]
            for part, path in zip(parts, files, strict=True):
                conn.execute(f"ATTACH DATABASE ? AS {part}", (str(path),))
            entity_tables = [f"{part}.entities" for part in parts]
            alias_tables = [f"{part}.aliases" for part in parts]
        else:  # more parts than SQLite attaches at once: gather them first
            parts = []
            entity_tables, alias_tables = ["temp.staged_entities"], ["temp.staged_aliases"]
            for i, path in enumerate(files):
                conn.execute("ATTACH DATABASE ? AS part", (str(path),))
                verb = "CREATE TEMP TABLE {} AS" if i == 0 else "INSERT INTO temp.{}"
                conn.execute(f"{verb.format('staged_entities')} SELECT * FROM part.entities")
                conn.execute(f"{verb.format('staged_aliases')} SELECT * FROM part.aliases")
                conn.commit()
                conn.execute("DETACH DATABASE part")
        entity_sql = UPSERT_ENTITY_SQL.replace(
            f"VALUES ({','.join('?' * _N_ENTITY)})",
            f"SELECT {ENTITY_COLUMNS} FROM ({_union(entity_tables, entity_cols)}) "
            "WHERE true ORDER BY qid, seq",
        )
        alias_sql = ADD_ALIAS_SQL.replace(
            f"VALUES ({','.join('?' * _N_ALIAS)})",
            f"SELECT {ALIAS_COLUMNS} FROM ({_union(alias_tables, alias_cols)}) "
            "WHERE true ORDER BY alias_norm, qid, lang, seq, pos",
        )
        conn.execute("DROP INDEX IF EXISTS aliases_qid")
        conn.execute(entity_sql)
        conn.execute(alias_sql)
        conn.execute("CREATE INDEX aliases_qid ON aliases(qid)")
        conn.commit()
        for part in parts:
            conn.execute(f"DETACH DATABASE {part}")
        if not parts:
            conn.execute("DROP TABLE temp.staged_entities")
            conn.execute("DROP TABLE temp.staged_aliases")


def copy_into_empty(kb: KnowledgeBase, source: Path) -> bool:
    """Copy every entity and alias (with its id) of the KB file `source` into `kb`, if
    `kb` holds none yet; False (nothing copied) otherwise."""
    with kb.locked_connection() as conn:
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM entities UNION ALL SELECT 1 FROM aliases)"
        ).fetchone()[0]:
            return False
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        try:
            conn.execute(
                f"INSERT INTO entities({ENTITY_COLUMNS}) SELECT {ENTITY_COLUMNS} "
                "FROM source.entities ORDER BY rowid"
            )
            conn.execute(
                f"INSERT INTO aliases(id, {ALIAS_COLUMNS}) SELECT id, {ALIAS_COLUMNS} "
                "FROM source.aliases ORDER BY id"
            )
            conn.commit()
        finally:
            conn.execute("DETACH DATABASE source")
    return True
