"""Wikidata entity JSON (dump lines, Special:EntityData, wbgetentities) -> KB records.

One parser for every source of entity JSON, so the dump build and the online
refresh store exactly the same fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nieuwsstroom.linkers.kb_sqlite import AliasRecord, EntityRecord

# Default news-relevant classes (P31 values) -> our coarse type. Verified against
# Wikidata's class pages when written; extend with `kb build --class QID=TYPE`.
NEWS_CLASSES: dict[str, str] = {
    "Q5": "PER",  # human
    "Q6256": "LOC",  # country
    "Q3624078": "LOC",  # sovereign state
    "Q515": "LOC",  # city
    "Q1549591": "LOC",  # big city
    "Q5119": "LOC",  # capital
    "Q486972": "LOC",  # human settlement
    "Q165": "LOC",  # sea
    "Q34763": "LOC",  # peninsula
    "Q43229": "ORG",  # organization
    "Q484652": "ORG",  # international organization
    "Q245065": "ORG",  # intergovernmental organization
    "Q327333": "ORG",  # government agency
    "Q7278": "ORG",  # political party
    "Q4830453": "ORG",  # business
}

LANGS = ("nl", "en")


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


def sitelinks_prior(sitelinks: int) -> float:
    """Popularity in [0, 1]: 300+ Wikipedia editions -> 1 (Putin, Ukraine), 1 -> ~0.12."""
    return min(1.0, math.log10(sitelinks + 1) / math.log10(301)) if sitelinks > 0 else 0.0


def entity_from_json(
    data: Mapping[str, Any], classes: Mapping[str, str] | None = NEWS_CLASSES
) -> tuple[EntityRecord, list[AliasRecord]] | None:
    """Records for one entity, or None if it is not an item, unlabelled, or off-topic.

    `classes=None` keeps any item (an explicit refresh of a QID is trusted).
    """
    qid = data.get("id")
    if data.get("type") != "item" or not isinstance(qid, str):
        return None
    instance_of = _claim_ids(data, "P31")
    table = NEWS_CLASSES if classes is None else classes
    types = [table[c] for c in instance_of if c in table]
    if classes is not None and not types:
        return None
    etype = types[0] if types else "MISC"
    label_nl, label_en = _text(data, "labels", "nl"), _text(data, "labels", "en")
    if not (label_nl or label_en):
        return None
    sitelinks = len(data.get("sitelinks", {}) or {})
    country = (_claim_ids(data, "P17") or _claim_ids(data, "P27") or [None])[0]
    if etype == "LOC" and any(c in ("Q6256", "Q3624078") for c in instance_of):
        country = qid
    record = EntityRecord(
        qid=qid,
        type=etype,
        label_nl=label_nl,
        label_en=label_en,
        description_nl=_text(data, "descriptions", "nl"),
        description_en=_text(data, "descriptions", "en"),
        prior=sitelinks_prior(sitelinks),
        sitelinks=sitelinks,
        instance_of=tuple(instance_of),
        country=country,
    )
    aliases: list[AliasRecord] = []
    for lang in LANGS:
        label = _text(data, "labels", lang)
        if label:
            aliases.append(AliasRecord(label, qid, lang, "wikidata-label", 1.0))
        for alias in data.get("aliases", {}).get(lang, []) or []:
            value = alias.get("value", "") if isinstance(alias, dict) else ""
            if value and len(value) >= 2:
                aliases.append(AliasRecord(value, qid, lang, "wikidata-alias", 0.85))
    return record, aliases
