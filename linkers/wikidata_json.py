"""Wikidata entity JSON (dump lines, Special:EntityData, wbgetentities) -> KB records.

One parser for every source of entity JSON, so the dump build and the online
refresh store exactly the same fields: type and kind from the class tree
(`dump_classes`), country (P17; an item that is a country is its own; a person's
citizenship is not used), population
(P1082), sitelinks, and a prior on the one scale every source shares
(`prominence`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nieuwsstroom.linkers.dump_classes import ClassTable
from nieuwsstroom.linkers.kb_sqlite import AliasRecord, EntityRecord
from nieuwsstroom.linkers.prominence import prior_from_population, prior_from_sitelinks

LANGS = ("nl", "en")
BASELINE_CLASSES = ClassTable.baseline()
"""The news roots without a subclass tree: for single entities fetched online."""


def _statements(data: Mapping[str, Any], prop: str) -> list[Mapping[str, Any]]:
    """Non-deprecated statements of `prop`, preferred rank first (stable otherwise)."""
    found = (data.get("claims") or {}).get(prop)
    if not found:
        return []
    if all(c.get("rank") == "normal" for c in found):
        return found  # the common case: nothing to drop or reorder
    found = [c for c in found if c.get("rank") != "deprecated"]
    return sorted(found, key=lambda c: c.get("rank") != "preferred")


def _value(claim: Mapping[str, Any]) -> Any:
    return ((claim.get("mainsnak") or {}).get("datavalue") or {}).get("value")


def claim_ids(data: Mapping[str, Any], prop: str) -> list[str]:
    """Item QIDs a property points to, preferred statements first (deprecated ones dropped)."""
    claims = (data.get("claims") or {}).get(prop)
    if not claims:
        return []
    preferred: list[str] = []
    normal: list[str] = []
    for claim in claims:
        rank = claim.get("rank", "normal")
        if rank == "deprecated":
            continue
        try:
            value = claim["mainsnak"]["datavalue"]["value"]
        except (KeyError, TypeError):
            continue  # "somevalue"/"novalue" snaks carry no datavalue
        qid = value.get("id") if isinstance(value, dict) else None
        if not isinstance(qid, str):
            if not isinstance(value, dict) or "numeric-id" not in value:
                continue
            qid = f"Q{value['numeric-id']}"
        (preferred if rank == "preferred" else normal).append(qid)
    return preferred + normal if preferred else normal


def population(data: Mapping[str, Any]) -> int:
    """P1082: the preferred statement, else the latest by its P585 date, else the last."""
    best: tuple[bool, str, int] | None = None
    for index, claim in enumerate(_statements(data, "P1082")):
        value = _value(claim)
        try:
            amount = int(float(value["amount"]))
        except (TypeError, KeyError, ValueError):
            continue
        dates = (claim.get("qualifiers") or {}).get("P585") or [{}]
        when = ((dates[0].get("datavalue") or {}).get("value") or {}).get("time", "")
        key = (claim.get("rank") == "preferred", f"{when}|{index:06d}", amount)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best is not None else 0


def _text(data: Mapping[str, Any], key: str, lang: str) -> str:
    value = (data.get(key) or {}).get(lang)
    return value.get("value", "") if isinstance(value, dict) else ""


_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.DOTALL)


def _name_ok(name: str) -> bool:
    return _TWO_LETTERS.search(name) is not None


def entity_from_json(
    data: Mapping[str, Any], classes: ClassTable | None = BASELINE_CLASSES
) -> tuple[EntityRecord, list[AliasRecord]] | None:
    """Records for one entity, or None if it is not an item, unlabelled, or off-topic.

    `classes=None` keeps any item (an explicit refresh of a QID is trusted); it is
    then typed by the baseline roots, or MISC.
    """
    qid = data.get("id")
    if data.get("type") != "item" or not isinstance(qid, str):
        return None
    label_nl, label_en = _text(data, "labels", "nl"), _text(data, "labels", "en")
    if not (label_nl or label_en):
        return None
    instance_of = claim_ids(data, "P31")
    typed = (classes or BASELINE_CLASSES).classify(instance_of)
    if classes is not None and typed is None:
        return None
    etype, kind = typed or ("MISC", "")
    sitelinks = len(data.get("sitelinks") or {})
    pop = population(data)
    if ClassTable.is_country(instance_of):
        country: str | None = qid
    else:
        # P17 only (kb_fields.md): a person's citizenship (P27) is not where the news
        # about them happens, and the disambiguator holds a foreign country against them.
        country = (claim_ids(data, "P17") or [None])[0]
    record = EntityRecord(
        qid=qid,
        type=etype,
        label_nl=label_nl,
        label_en=label_en,
        description_nl=_text(data, "descriptions", "nl"),
        description_en=_text(data, "descriptions", "en"),
        prior=max(prior_from_sitelinks(sitelinks), prior_from_population(pop)),
        sitelinks=sitelinks,
        instance_of=tuple(instance_of),
        country=country,
        population=pop,
        kind=kind,
    )
    aliases: list[AliasRecord] = []
    all_aliases = data.get("aliases") or {}
    for lang, label in (("nl", label_nl), ("en", label_en)):
        if label and _name_ok(label):
            aliases.append(AliasRecord(label, qid, lang, "wikidata-label", 1.0))
        for alias in all_aliases.get(lang, ()) or ():
            value = alias.get("value", "") if isinstance(alias, dict) else ""
            if value and _name_ok(value):
                aliases.append(AliasRecord(value, qid, lang, "wikidata-alias", 0.85))
    return record, aliases
