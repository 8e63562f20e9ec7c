"""The offline knowledge base: one SQLite file (standard library only), read and written.

`KnowledgeBase` is every query the linker and the builders run on an open file:
entity and alias reads (point lookups through the `alias_norm` index, batches of
500 keys, streams for the alias index), row-by-row upserts, `meta` and provenance.
The file format (tables, columns, conflict rules) is `kb_schema.py`; opening and
refusing a wrong file is `kb_open.py`; millions of rows at once go through
`kb_bulk.py`. The mention matcher never loads all aliases: it searches the
memory-mapped alias index `kb_files.py` writes beside this file (`alias_index.py`).
Parameterised SQL only, no module globals, and nothing here ever touches the
network: refreshing from Wikidata is `wikidata_client.py`'s job, done
explicitly, never on a lookup.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from nieuwsstroom.linkers.kb_open import open_kb_file
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_schema import (
    ADD_ALIAS_SQL,
    ENTITY_COLUMNS,
    UPSERT_ENTITY_SQL,
    alias_row,
    entity_from_row,
    entity_row,
)
from nieuwsstroom.linkers.normalize import normalize_alias


class KnowledgeBase:
    """SQLite-backed entities and aliases; safe to share between threads (one lock)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self._conn = open_kb_file(self.path, create=create)
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def enable_wal(self) -> str:
        """Switch the file to WAL (persistent) and return the journal mode now in effect.

        In the default rollback-journal mode a commit by another connection (the
        name learner) locks readers (the linker on the hot path) out for its
        duration; in WAL mode readers never wait for a writer.
        """
        with self._lock:
            return str(self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()

    @contextmanager
    def locked_connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, held under the lock: for the bulk operations of `kb_bulk.py`."""
        with self._lock:
            yield self._conn

    def set_pragmas(self, pragmas: dict[str, str]) -> None:
        """Build-time settings (journal mode, sync); names and values from code, not users."""
        with self._lock:
            for name, value in pragmas.items():
                if not (name.isidentifier() and value.isalnum()):
                    raise ValueError(f"Unexpected pragma {name}={value}")
                self._conn.execute(f"PRAGMA {name}={value}")

    def optimize(self) -> None:
        """Statistics for the query planner, once a build is complete (from a sample of
        each index: a full ANALYZE reads every row of a multi-million-row KB)."""
        with self._lock:
            self._conn.execute("PRAGMA analysis_limit=2000")
            self._conn.execute("ANALYZE")
            self._conn.commit()

    # -- writing ---------------------------------------------------------------------------
    def upsert_entities(self, records: Iterable[EntityRecord]) -> int:
        """Insert or update; empty new fields keep the stored value (a refresh never blanks)."""
        return self.upsert_entity_rows([entity_row(r) for r in records])

    def upsert_entity_rows(self, rows: list[tuple[Any, ...]]) -> int:
        """`upsert_entities` for rows already in column order (`entity_row`): the bulk path."""
        with self._lock:
            self._conn.executemany(UPSERT_ENTITY_SQL, rows)
            self._conn.commit()
        return len(rows)

    def add_aliases(self, records: Iterable[AliasRecord]) -> int:
        """Add surface forms; a repeated (alias, qid, lang) keeps the higher weight."""
        return self.add_alias_rows([row for r in records if (row := alias_row(r))])

    def add_alias_rows(self, rows: list[tuple[Any, ...]]) -> int:
        """`add_aliases` for rows in `ALIAS_COLUMNS` order (`alias_row`)."""
        with self._lock:
            self._conn.executemany(ADD_ALIAS_SQL, rows)
            self._conn.commit()
        return len(rows)

    def set_classes(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """The news class tree a dump build used (`dump_classes.ClassTable.to_rows`)."""
        with self._lock:
            self._conn.execute("DELETE FROM classes")
            self._conn.executemany("INSERT INTO classes VALUES (?, ?, ?)", rows)
            self._conn.commit()

    def classes(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return self._conn.execute("SELECT qid, kind, rank FROM classes").fetchall()

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )
            self._conn.commit()

    def finish_build(self, source: str, build_id: str | None = None) -> None:
        """Record source, build date and counts: what `provenance` reports downstream.

        `build_id` names this version of the knowledge base (set by `kb build`, kept
        by later additions such as learned names, which change the counts instead).
        """
        counts = self.counts()
        values = {
            "source": source,
            "build_date": datetime.now(UTC).isoformat(timespec="seconds"),
            "entity_count": str(counts["entities"]),
            "alias_count": str(counts["aliases"]),
        }
        if build_id is not None:
            values["build_id"] = build_id
        self.set_meta(values)

    # -- reading ---------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def counts(self) -> dict[str, int]:
        with self._lock:
            entities = self._conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0]
            aliases = self._conn.execute("SELECT COUNT(*) FROM aliases").fetchone()[0]
            by_type = dict(
                self._conn.execute("SELECT type, COUNT(*) FROM entities GROUP BY type").fetchall()
            )
        return {
            "entities": entities,
            "aliases": aliases,
            **{f"type_{k}": v for k, v in by_type.items()},
        }

    def entity(self, qid: str) -> EntityRecord | None:
        return self.entities([qid]).get(qid)

    def entities(self, qids: Iterable[str]) -> dict[str, EntityRecord]:
        wanted = sorted(set(qids))
        out: dict[str, EntityRecord] = {}
        with self._lock:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for row in self._conn.execute(
                    f"SELECT {ENTITY_COLUMNS} FROM entities WHERE qid IN ({marks})", chunk
                ):
                    out[row[0]] = entity_from_row(row)
        return out

    def lookup(self, name: str) -> list[AliasRecord]:
        """Aliases whose normalised form equals `name`'s (index lookup), best weight first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT alias, qid, lang, source, weight FROM aliases WHERE alias_norm = ? "
                "ORDER BY weight DESC, qid",
                (normalize_alias(name),),
            ).fetchall()
        return [AliasRecord(*row) for row in rows]

    def lookup_norms(
        self, norms: Iterable[str], limit_per_norm: int | None = None
    ) -> dict[str, list[AliasRecord]]:
        """Batch form of `lookup` for already-normalised keys (one query per 500 keys).

        `limit_per_norm`: only the rows most likely meant, by weight x (0.5 + prior)
        (the order `candidates.KBCandidates` ranks by), so a name that thousands of
        dump items share costs the same as one that ten share.
        """
        wanted = sorted(set(norms))
        out: dict[str, list[AliasRecord]] = {}
        if limit_per_norm is None:
            sql = (
                "SELECT alias_norm, alias, qid, lang, source, weight FROM aliases "
                "WHERE alias_norm IN ({marks}) ORDER BY weight DESC, qid"
            )
        else:
            sql = (
                "SELECT alias_norm, alias, qid, lang, source, weight FROM ("
                " SELECT a.alias_norm, a.alias, a.qid, a.lang, a.source, a.weight,"
                "  ROW_NUMBER() OVER (PARTITION BY a.alias_norm"
                "   ORDER BY a.weight * (0.5 + e.prior) DESC, a.qid) AS place"
                " FROM aliases a JOIN entities e ON e.qid = a.qid"
                " WHERE a.alias_norm IN ({marks}))"
                f" WHERE place <= {int(limit_per_norm)} ORDER BY weight DESC, qid"
            )
        with self._lock:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                query = sql.format(marks=",".join("?" * len(chunk)))
                for row in self._conn.execute(query, chunk):
                    out.setdefault(row[0], []).append(AliasRecord(*row[1:]))
        return out

    def aliases_of(self, qid: str) -> list[AliasRecord]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT alias, qid, lang, source, weight FROM aliases WHERE qid = ? "
                "ORDER BY weight DESC, lang",
                (qid,),
            ).fetchall()
        return [AliasRecord(*row) for row in rows]

    def iter_aliases(self, batch: int = 5000) -> Iterator[AliasRecord]:
        """Every alias, streamed in batches (the matcher is built from this)."""
        last = ("", "", "")
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT alias, qid, lang, source, weight, alias_norm FROM aliases "
                    "WHERE (alias_norm, qid, lang) > (?, ?, ?) "
                    "ORDER BY alias_norm, qid, lang LIMIT ?",
                    (*last, batch),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield AliasRecord(*row[:5])
            last = (rows[-1][5], rows[-1][1], rows[-1][2])

    def iter_alias_types(
        self, batch: int = 5000, after_id: int = 0
    ) -> Iterator[tuple[AliasRecord, str]]:
        """Aliases with their entity's type, in `id` order, streamed in batches.

        `after_id` skips the aliases an alias index already holds (see `alias_index_rows`).
        """
        last = after_id
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT a.id, a.alias, a.qid, a.lang, a.source, a.weight, e.type "
                    "FROM aliases a JOIN entities e ON e.qid = a.qid "
                    "WHERE a.id > ? ORDER BY a.id LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield AliasRecord(*row[1:6]), row[6]
            last = rows[-1][0]

    def max_alias_id(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM aliases").fetchone()[0])

    def alias_index_rows(self, max_id: int) -> Iterator[tuple[str, str, str]]:
        """(alias_norm, case rule, entity type) of aliases with id <= max_id, grouped by
        alias_norm (in id order within a key): what `alias_index.write_alias_index` reads.

        Uses a connection of its own, so the build can stream millions of rows
        without holding the lock.
        """
        conn = sqlite3.connect(str(self.path))
        try:
            yield from conn.execute(
                "SELECT a.alias_norm, a.case_rule, e.type FROM aliases a "
                "JOIN entities e ON e.qid = a.qid WHERE a.id <= ? ORDER BY a.alias_norm, a.id",
                (max_id,),
            )
        finally:
            conn.close()

    @property
    def provenance(self) -> dict[str, Any]:
        """Source, build date and size, as recorded in every enriched article."""
        meta = self.meta()
        return {
            "kb_path": str(self.path),
            "kb_source": meta.get("source", "unknown"),
            "kb_build_date": meta.get("build_date", "unknown"),
            "kb_entities": int(meta.get("entity_count", 0)),
            "kb_aliases": int(meta.get("alias_count", 0)),
            "kb_schema": meta.get("schema_version", "?"),
            "kb_build_id": meta.get("build_id", "unknown"),
        }
