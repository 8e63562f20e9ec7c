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
from typing import Any, NamedTuple

import orjson

from nieuwsstroom.linkers.dump_classes import ClassTable
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_schema import entity_from_row
from nieuwsstroom.linkers.prominence import prior_from_population, prior_from_sitelinks

LANGS = ("nl", "en")
BASELINE_CLASSES = ClassTable.baseline()
"""The news roots without a subclass tree: for single entities fetched online."""


def _ranked(statements: Any) -> list[Mapping[str, Any]]:
    """Non-deprecated statements, preferred rank first (stable otherwise)."""
    if not statements or not isinstance(statements, list):
        return []
    found = [c for c in statements if isinstance(c, dict)]
    if all(c.get("rank") == "normal" for c in found):
        return found  # the common case: nothing to drop or reorder
    found = [c for c in found if c.get("rank") != "deprecated"]
    return sorted(found, key=lambda c: c.get("rank") != "preferred")


def _value(claim: Mapping[str, Any]) -> Any:
    return ((claim.get("mainsnak") or {}).get("datavalue") or {}).get("value")


def claim_ids(data: Mapping[str, Any], prop: str) -> list[str]:
    """Item QIDs a property points to, preferred statements first (deprecated ones dropped)."""
    return statement_ids((data.get("claims") or {}).get(prop))


def statement_ids(claims: Any) -> list[str]:
    """`claim_ids` for one property's statement list (as a dump line holds it)."""
    if not claims or not isinstance(claims, list):
        return []
    preferred: list[str] = []
    normal: list[str] = []
    for claim in claims:
        if not isinstance(claim, dict):
            continue
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
    return population_of((data.get("claims") or {}).get("P1082"))


def population_of(statements: Any) -> int:
    """`population` for the P1082 statement list."""
    best: tuple[bool, str, int] | None = None
    for index, claim in enumerate(_ranked(statements)):
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


def _text(value: Any) -> str:
    """A label or description object's text ({"language": ..., "value": ...})."""
    return value.get("value", "") if isinstance(value, dict) else ""


_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.DOTALL)


def _name_ok(name: str) -> bool:
    return _TWO_LETTERS.search(name) is not None


def _map(value: Any) -> Mapping[str, Any]:
    """A JSON object, or {} for anything else (Wikidata writes an empty map as [])."""
    return value if isinstance(value, dict) else {}


AliasValues = tuple[str, str, str, float]
"""(alias, lang, source, weight) of one name of an entity."""
Values = tuple[tuple[Any, ...], list[AliasValues]]


def entity_values(
    data: Mapping[str, Any], classes: ClassTable | None = BASELINE_CLASSES
) -> Values | None:
    """The entity's KB row (`kb_schema.ENTITY_COLUMNS` order) and its names, or None if it
    is not an item, unlabelled, or off-topic: what `entity_from_json` returns, as plain
    values (the dump build writes millions of them and needs no record objects).

    `classes=None` keeps any item (an explicit refresh of a QID is trusted); it is
    then typed by the baseline roots, or MISC.
    """
    qid = data.get("id")
    if data.get("type") != "item" or not isinstance(qid, str):
        return None
    claims, labels = _map(data.get("claims")), _map(data.get("labels"))
    descriptions, aliases = _map(data.get("descriptions")), _map(data.get("aliases"))
    sitelinks = data.get("sitelinks")
    return item_values(
        qid,
        classes,
        statement_ids(claims.get("P31")),
        ItemFields(
            _text(labels.get("nl")),
            _text(labels.get("en")),
            _text(descriptions.get("nl")),
            _text(descriptions.get("en")),
            [_text(alias) for alias in aliases.get("nl") or ()],
            [_text(alias) for alias in aliases.get("en") or ()],
            statement_ids(claims.get("P17")),
            population_of(claims.get("P1082")),
            len(sitelinks) if isinstance(sitelinks, dict | list) else 0,
        ),
    )


class ItemFields(NamedTuple):
    """What the KB keeps of an item, read out of its JSON (`entity_values` from parsed
    objects, `dump_lines` from its structs): texts ("" when absent or not an object),
    the alias texts per language, P17's item ids (`statement_ids`) and P1082's
    `population_of`."""

    label_nl: str
    label_en: str
    description_nl: str
    description_en: str
    aliases_nl: list[str]
    aliases_en: list[str]
    countries: list[str]
    population: int
    sitelinks: int


def item_values(
    qid: str,
    classes: ClassTable | None,
    instance_of: list[str],
    fields: ItemFields,
    typed: tuple[str, str] | None = None,
) -> Values | None:
    """`entity_values` from the item's fields (`dump_lines` decodes only these); `typed`:
    `classes.classify(instance_of)` when the caller has it already."""
    label_nl, label_en = fields.label_nl, fields.label_en
    if not (label_nl or label_en):
        return None
    if typed is None:
        typed = (classes or BASELINE_CLASSES).classify(instance_of)
    if classes is not None and typed is None:
        return None
    etype, kind = typed or ("MISC", "")
    pop = fields.population
    if ClassTable.is_country(instance_of):
        country: str | None = qid
    else:
        # P17 only (kb_fields.md): a person's citizenship (P27) is not where the news
        # about them happens, and the disambiguator holds a foreign country against them.
        country = fields.countries[0] if fields.countries else None
    row = (
        qid,
        etype,
        label_nl,
        label_en,
        fields.description_nl,
        fields.description_en,
        max(prior_from_sitelinks(fields.sitelinks), prior_from_population(pop)),
        fields.sitelinks,
        orjson.dumps(instance_of).decode(),
        country,
        pop,
        kind,
    )
    names: list[AliasValues] = []
    for lang, label, aliases in (
        ("nl", label_nl, fields.aliases_nl),
        ("en", label_en, fields.aliases_en),
    ):
        if label and _name_ok(label):
            names.append((label, lang, "wikidata-label", 1.0))
        for value in aliases:
            if value and _name_ok(value):
                names.append((value, lang, "wikidata-alias", 0.85))
    return row, names


def entity_from_json(
    data: Mapping[str, Any], classes: ClassTable | None = BASELINE_CLASSES
) -> tuple[EntityRecord, list[AliasRecord]] | None:
    """Records for one entity, or None if it is not an item, unlabelled, or off-topic
    (`entity_values`, as the records the online refresh and the name learner store)."""
    found = entity_values(data, classes)
    if found is None:
        return None
    row, names = found
    record = entity_from_row(row)
    return record, [AliasRecord(name, row[0], lang, src, w) for name, lang, src, w in names]
