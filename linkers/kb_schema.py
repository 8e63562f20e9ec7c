"""The knowledge base's file format: tables, schema version, columns, upserts, rows.

Tables: `entities` (one row per QID), `aliases` (normalised surface forms ->
QID, indexed for O(log n) lookups; `id` grows with every alias added, so the
aliases added after the alias index was written are `id > meta.alias_index_max_id`),
`meta` (source, build id and date, counts, the alias index's file name) and
`classes` (the news class tree a dump build used). The conflict rules of the upserts
live here once: `KnowledgeBase` writes row by row with them and `kb_bulk.py` merges
millions of staged rows with the same statements. A schema change starts here (and
bumps `SCHEMA_VERSION`, so old files are refused with a rebuild hint).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

import orjson

from nieuwsstroom.linkers.alias_index import alias_case_rule
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
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


def create_tables(conn: sqlite3.Connection) -> None:
    """The tables of this schema in an empty file, and what the file says about itself."""
    conn.executescript(_SCHEMA)
    conn.executemany(
        "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
        [("schema_version", SCHEMA_VERSION), ("format", FORMAT_NAME)],
    )
    conn.commit()


ENTITY_COLUMNS = (
    "qid, type, label_nl, label_en, description_nl, description_en, "
    "prior, sitelinks, instance_of, country, population, kind"
)
UPSERT_ENTITY_SQL = f"""
    INSERT INTO entities({ENTITY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
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


def entity_from_row(row: tuple[Any, ...]) -> EntityRecord:
    """The record for one row in `entities` column order: the one place that order meets
    `EntityRecord`, for rows read from a file and rows parsed out of a dump alike."""
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
    """An entity as the row `upsert_entity_rows` writes (column order of `ENTITY_COLUMNS`)."""
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
