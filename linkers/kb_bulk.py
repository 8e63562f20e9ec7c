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

from nieuwsstroom.linkers.kb_sqlite import (
    ADD_ALIAS_SQL,
    ALIAS_COLUMNS,
    ENTITY_COLUMNS,
    UPSERT_ENTITY_SQL,
    KnowledgeBase,
)

_N_ENTITY = len(ENTITY_COLUMNS.split(","))
_N_ALIAS = len(ALIAS_COLUMNS.split(","))
_STAGING_SCHEMA = f"""
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
CREATE TABLE IF NOT EXISTS entities ({ENTITY_COLUMNS});
CREATE TABLE IF NOT EXISTS aliases ({ALIAS_COLUMNS});
"""


class StagingFile:
    """Rows appended to a scratch SQLite file (one per writing process)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(str(self.path))
        self._conn.executescript(_STAGING_SCHEMA)

    def append(self, entities: list[tuple[Any, ...]], aliases: list[tuple[Any, ...]]) -> None:
        self._conn.executemany(
            f"INSERT INTO entities VALUES ({','.join('?' * _N_ENTITY)})", entities
        )
        self._conn.executemany(f"INSERT INTO aliases VALUES ({','.join('?' * _N_ALIAS)})", aliases)
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()


def merge_staged(kb: KnowledgeBase, files: Iterable[Path]) -> None:
    """Upsert every staged row into `kb` (entities by QID order, aliases by key order)."""
    files = [f for f in files if f.is_file()]
    if not files:
        return
    entity_sql = UPSERT_ENTITY_SQL.replace(
        f"VALUES ({','.join('?' * _N_ENTITY)})",
        f"SELECT {ENTITY_COLUMNS} FROM staged_entities WHERE true ORDER BY qid",
    )
    alias_sql = ADD_ALIAS_SQL.replace(
        f"VALUES ({','.join('?' * _N_ALIAS)})",
        f"SELECT {ALIAS_COLUMNS} FROM staged_aliases WHERE true ORDER BY alias_norm, qid, lang",
    )
    with kb.locked_connection() as conn:
        conn.execute(
            f"CREATE TEMP TABLE staged_entities AS SELECT {ENTITY_COLUMNS} FROM entities WHERE 0"
        )
        conn.execute(
            f"CREATE TEMP TABLE staged_aliases AS SELECT {ALIAS_COLUMNS} FROM aliases WHERE 0"
        )
        for path in files:
            conn.execute("ATTACH DATABASE ? AS part", (str(path),))
            conn.execute("INSERT INTO staged_entities SELECT * FROM part.entities")
            conn.execute("INSERT INTO staged_aliases SELECT * FROM part.aliases")
            conn.commit()
            conn.execute("DETACH DATABASE part")
        conn.execute("DROP INDEX IF EXISTS aliases_qid")
        conn.execute(entity_sql)
        conn.execute(alias_sql)
        conn.execute("CREATE INDEX aliases_qid ON aliases(qid)")
        conn.execute("DROP TABLE staged_entities")
        conn.execute("DROP TABLE staged_aliases")
        conn.commit()
