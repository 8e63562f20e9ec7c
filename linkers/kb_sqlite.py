"""The offline knowledge base: one SQLite file (standard library only).

Tables: `entities` (one row per QID), `aliases` (normalised surface forms ->
QID, indexed for O(log n) lookups; `id` grows with every alias added, so the
aliases added after the alias index was written are `id > meta.alias_index_max_id`)
and `meta` (source, build id and date, counts, the alias index's file name).
The mention matcher never loads all aliases: it searches the memory-mapped
alias index `kb_files.py` writes beside this file (`alias_index.py`).
Parameterised SQL only, no module globals, and nothing here ever touches the
network: refreshing from Wikidata is `wikidata_client.py`'s job, done
explicitly, never on a lookup. (Longer than the house's ~400 lines on purpose:
every SQL statement on the KB's tables lives here, so a schema change is one file.)
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from nieuwsstroom.linkers.alias_index import alias_case_rule
from nieuwsstroom.linkers.errors import KnowledgeBaseError
from nieuwsstroom.linkers.normalize import normalize_alias

SCHEMA_VERSION = "3"
#: What a file of this schema says about itself in `meta.format`.
FORMAT_NAME = "nieuwsstroom-kb"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (
    qid TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    label_nl TEXT NOT NULL DEFAULT '',
    label_en TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    prior REAL NOT NULL DEFAULT 0,
    sitelinks INTEGER NOT NULL DEFAULT 0,
    instance_of TEXT NOT NULL DEFAULT '[]',
    country TEXT,
    population INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS aliases (
    id INTEGER PRIMARY KEY,
    alias TEXT NOT NULL,
    alias_norm TEXT NOT NULL,
    qid TEXT NOT NULL REFERENCES entities(qid),
    lang TEXT NOT NULL,
    source TEXT NOT NULL,
    weight REAL NOT NULL,
    case_rule TEXT NOT NULL DEFAULT '',
    UNIQUE (alias_norm, qid, lang)
);
CREATE INDEX IF NOT EXISTS aliases_qid ON aliases(qid);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS classes (qid TEXT PRIMARY KEY, kind TEXT NOT NULL, rank INTEGER);
"""


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One knowledge-base entity.

    `prior` is prominence in [0, 1] on one scale for every source (see
    `prominence.py`); `population` is inhabitants (0 = unknown); `kind` is a
    coarse class (`prominence.KINDS`, '' = unknown) the disambiguator uses to
    tell a city from a same-named province or a place from a club.
    """

    qid: str
    type: str
    label_nl: str = ""
    label_en: str = ""
    description_nl: str = ""
    description_en: str = ""
    prior: float = 0.0
    sitelinks: int = 0
    instance_of: tuple[str, ...] = ()
    country: str | None = None
    population: int = 0
    kind: str = ""

    @property
    def label(self) -> str:
        """English label first: the enriched output is English."""
        return self.label_en or self.label_nl or self.qid

    @property
    def description(self) -> str:
        return self.description_en or self.description_nl


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """A surface form of an entity; `weight` in [0, 1] says how much to trust it."""

    alias: str
    qid: str
    lang: str
    source: str
    weight: float

    @property
    def alias_norm(self) -> str:
        return normalize_alias(self.alias)


_ENTITY_COLUMNS = (
    "qid, type, label_nl, label_en, description_nl, description_en, "
    "prior, sitelinks, instance_of, country, population, kind"
)


def _entity_from_row(row: tuple[Any, ...]) -> EntityRecord:
    return EntityRecord(
        qid=row[0],
        type=row[1],
        label_nl=row[2],
        label_en=row[3],
        description_nl=row[4],
        description_en=row[5],
        prior=float(row[6]),
        sitelinks=int(row[7]),
        instance_of=tuple(json.loads(row[8])),
        country=row[9],
        population=int(row[10]),
        kind=row[11],
    )


_MAGIC = (
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip file (a Wikidata dump? `nieuwsstroom kb build --from-dump` reads it)"),
    (b"BZh", "a bzip2 file (a Wikidata dump? `nieuwsstroom kb build --from-dump` reads it)"),
)


def _describe(path: Path) -> str:
    """What a file that is not our knowledge base is, in a few words, for the error."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if not head:
        return "an empty file"
    if head.startswith(b"SQLite format 3\x00"):
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                rows = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                ).fetchall()
        except sqlite3.DatabaseError:
            return "a damaged SQLite database"
        tables = [row[0] for row in rows]
        shown = ", ".join(tables[:8]) + (", ..." if len(tables) > 8 else "")
        return f"the SQLite database of another program (tables: {shown or 'none'})"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "a binary file, not SQLite"
    return "a text file, not SQLite"


def alias_row(r: AliasRecord) -> tuple[Any, ...] | None:
    """An alias as the row `add_alias_rows` writes; None if it normalises to nothing."""
    return alias_values_row(r.alias, r.qid, r.lang, r.source, r.weight)


def alias_values_row(
    alias: str, qid: str, lang: str, source: str, weight: float
) -> tuple[Any, ...] | None:
    """`alias_row` without the record (the dump build's millions of names)."""
    norm = normalize_alias(alias)
    if not norm:
        return None
    return (alias, norm, qid, lang, source, weight, alias_case_rule(alias))


def alias_rows(qid: str, names: Iterable[tuple[str, str, str, float]]) -> list[tuple[Any, ...]]:
    """Rows of one entity's (alias, lang, source, weight) names, as `alias_values_row`
    makes them; a name given in several languages is normalised once."""
    rows: list[tuple[Any, ...]] = []
    done: dict[str, tuple[str, str]] = {}
    for alias, lang, source, weight in names:
        keys = done.get(alias)
        if keys is None:
            keys = done[alias] = (normalize_alias(alias), alias_case_rule(alias))
        if keys[0]:
            rows.append((alias, keys[0], qid, lang, source, weight, keys[1]))
    return rows


def entity_row(r: EntityRecord) -> tuple[Any, ...]:
    """An entity as the row `upsert_entity_rows` writes (column order of `_ENTITY_COLUMNS`)."""
    return (
        r.qid,
        r.type,
        r.label_nl,
        r.label_en,
        r.description_nl,
        r.description_en,
        r.prior,
        r.sitelinks,
        orjson.dumps(r.instance_of).decode(),
        r.country,
        r.population,
        r.kind,
    )


ENTITY_COLUMNS = _ENTITY_COLUMNS
UPSERT_ENTITY_SQL = f"""
    INSERT INTO entities({_ENTITY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT(qid) DO UPDATE SET
      type = CASE WHEN excluded.type = 'MISC' THEN type ELSE excluded.type END,
      label_nl = COALESCE(NULLIF(excluded.label_nl, ''), label_nl),
      label_en = COALESCE(NULLIF(excluded.label_en, ''), label_en),
      description_nl = COALESCE(NULLIF(excluded.description_nl, ''), description_nl),
      description_en = COALESCE(NULLIF(excluded.description_en, ''), description_en),
      prior = MAX(prior, excluded.prior),
      sitelinks = MAX(sitelinks, excluded.sitelinks),
      instance_of = CASE WHEN excluded.instance_of = '[]' THEN instance_of
                         ELSE excluded.instance_of END,
      country = COALESCE(excluded.country, country),
      population = MAX(population, excluded.population),
      kind = COALESCE(NULLIF(excluded.kind, ''), kind)
"""
ALIAS_COLUMNS = "alias, alias_norm, qid, lang, source, weight, case_rule"
ADD_ALIAS_SQL = f"""
    INSERT INTO aliases({ALIAS_COLUMNS}) VALUES (?,?,?,?,?,?,?)
    ON CONFLICT(alias_norm, qid, lang) DO UPDATE SET
      weight = MAX(weight, excluded.weight),
      source = CASE WHEN excluded.weight > weight THEN excluded.source ELSE source END
"""


class KnowledgeBase:
    """SQLite-backed entities and aliases; safe to share between threads (one lock)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            if self.path.is_dir():
                problem, target = "is a directory: give the .sqlite file in it, or", "kb.sqlite"
                target = str(self.path / target)
            else:
                problem, target = "does not exist:", str(self.path)
            raise KnowledgeBaseError(
                f"knowledge base {self.path} {problem} build one with "
                f"`nieuwsstroom kb build --seed --out {target}`"
            )
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            fresh = not self.path.is_file() or self.path.stat().st_size == 0
            self._conn = sqlite3.connect(str(self.path), check_same_thread=False)
            if create and fresh:  # never add our tables to another program's file
                self._conn.executescript(_SCHEMA)
                self._conn.executemany(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                    [("schema_version", SCHEMA_VERSION), ("format", FORMAT_NAME)],
                )
                self._conn.commit()
            version = self.meta().get("schema_version")
            if version is None:  # another program's table called meta
                raise sqlite3.DatabaseError("no schema_version in meta")
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise KnowledgeBaseError(
                f"{self.path} is not a nieuwsstroom knowledge base: it is {_describe(self.path)}. "
                f"Build one with `nieuwsstroom kb build --seed --out FILE` and point --kb or "
                f"NIEUWSSTROOM_KB_PATH at it"
            ) from exc
        if version != SCHEMA_VERSION:
            self._conn.close()
            raise KnowledgeBaseError(
                f"knowledge base {self.path} has schema {version!r}, this nieuwsstroom reads "
                f"{SCHEMA_VERSION!r}: rebuild it (`nieuwsstroom kb build --seed --out "
                f"{self.path}`, plus --from-dump for a dump-built one)"
            )

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
                    f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE qid IN ({marks})", chunk
                ):
                    out[row[0]] = _entity_from_row(row)
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
