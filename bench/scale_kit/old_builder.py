"""Baseline: the dump builder before this change (git history: linkers/dump.py, wikidata_json.py).

One process reads, parses (orjson) and filters every line, keeps an item only if
its *direct* P31 is one of 15 classes, and upserts each batch of 2,000 entities
into the SQLite file with a commit. The scale bench runs it on the same dump as
`kb build` and prints both rates. Only the writes go through today's
`KnowledgeBase` (same upsert SQL, two more columns).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.seed import SeedBuilder

NEWS_CLASSES: dict[str, str] = {
    "Q5": "PER",
    "Q6256": "LOC",
    "Q3624078": "LOC",
    "Q515": "LOC",
    "Q1549591": "LOC",
    "Q5119": "LOC",
    "Q486972": "LOC",
    "Q165": "LOC",
    "Q34763": "LOC",
    "Q43229": "ORG",
    "Q484652": "ORG",
    "Q245065": "ORG",
    "Q327333": "ORG",
    "Q7278": "ORG",
    "Q4830453": "ORG",
}


def _claim_ids(data: Mapping[str, Any], prop: str) -> list[str]:
    out = []
    for claim in data.get("claims", {}).get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            out.append(value["id"])
        elif isinstance(value, dict) and "numeric-id" in value:
            out.append(f"Q{value['numeric-id']}")
    return out


def _text(data: Mapping[str, Any], key: str, lang: str) -> str:
    value = data.get(key, {}).get(lang)
    return value.get("value", "") if isinstance(value, dict) else ""


def _entity(data: Mapping[str, Any]) -> tuple[EntityRecord, list[AliasRecord]] | None:
    qid = data.get("id")
    if data.get("type") != "item" or not isinstance(qid, str):
        return None
    instance_of = _claim_ids(data, "P31")
    types = [NEWS_CLASSES[c] for c in instance_of if c in NEWS_CLASSES]
    if not types:
        return None
    label_nl, label_en = _text(data, "labels", "nl"), _text(data, "labels", "en")
    if not (label_nl or label_en):
        return None
    sitelinks = len(data.get("sitelinks", {}) or {})
    country = (_claim_ids(data, "P17") or _claim_ids(data, "P27") or [None])[0]
    if any(c in ("Q6256", "Q3624078") for c in instance_of):
        country = qid
    prior = min(1.0, math.log10(sitelinks + 1) / math.log10(301)) if sitelinks > 0 else 0.0
    record = EntityRecord(
        qid=qid,
        type=types[0],
        label_nl=label_nl,
        label_en=label_en,
        description_nl=_text(data, "descriptions", "nl"),
        description_en=_text(data, "descriptions", "en"),
        prior=prior,
        sitelinks=sitelinks,
        instance_of=tuple(instance_of),
        country=country,
    )
    aliases: list[AliasRecord] = []
    for lang in ("nl", "en"):
        label = _text(data, "labels", lang)
        if label:
            aliases.append(AliasRecord(label, qid, lang, "wikidata-label", 1.0))
        for alias in data.get("aliases", {}).get(lang, []) or []:
            value = alias.get("value", "") if isinstance(alias, dict) else ""
            if value and len(value) >= 2:
                aliases.append(AliasRecord(value, qid, lang, "wikidata-alias", 0.85))
    return record, aliases


def old_build(dump: Path, out: Path, seed: bool = True, batch_size: int = 2000) -> dict[str, float]:
    """Build `out` from `dump` the old way (seed first, as `--seed` did); returns lines,
    kept and seconds. The seed is written by today's `SeedBuilder`, as `kb build` does."""
    started = time.perf_counter()
    lines = kept = 0
    entities: list[EntityRecord] = []
    aliases: list[AliasRecord] = []
    with KnowledgeBase(out, create=True) as kb:
        if seed:
            SeedBuilder().build(kb)

        def flush() -> None:
            kb.upsert_entities(entities)
            kb.add_aliases(aliases)
            entities.clear()
            aliases.clear()

        with dump.open("rb") as fh:
            for line in fh:
                text = line.strip()
                if text in (b"[", b"]", b""):
                    continue
                if text.endswith(b","):
                    text = text[:-1]
                try:
                    obj = orjson.loads(text)
                except orjson.JSONDecodeError:
                    continue
                lines += 1
                parsed = _entity(obj)
                if parsed is not None:
                    kept += 1
                    entities.append(parsed[0])
                    aliases.extend(parsed[1])
                    if len(entities) >= batch_size:
                        flush()
        flush()
        kb.finish_build(f"dump {dump.name}")
    return {"lines": lines, "kept": kept, "seconds": time.perf_counter() - started}
