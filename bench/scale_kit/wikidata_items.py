"""One Wikidata item in the official dump JSON layout: labels, statements, sitelinks.

What `wikidata_gen.py` writes and the dump tests build their own items with:
statements with ranks, qualifiers and hashes as a real dump has them, a census
history for places, sitelinks from a fixed list of wikis.
"""

from __future__ import annotations

import zlib
from typing import Any

LANGS = ("nl", "en", "de", "fr", "es", "it", "pl", "sv", "pt", "ru", "ceb", "ja")
WIKIS = [f"{lang}wiki" for lang in LANGS] + [f"x{i:02d}wiki" for i in range(300)]


def _crc(*parts: Any) -> int:
    return zlib.crc32(repr(parts).encode())


def snak(prop: str, value: Any, vtype: str, datatype: str) -> dict[str, Any]:
    """A value snak (main value or qualifier) with the hash a dump gives it."""
    return {
        "snaktype": "value",
        "property": prop,
        "hash": f"{_crc(prop, value):040x}",
        "datavalue": {"value": value, "type": vtype},
        "datatype": datatype,
    }


def item_value(qid: str) -> dict[str, Any]:
    return {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid}


def statement(
    subject: str, prop: str, value: Any, *, rank: str = "normal", **extra: Any
) -> dict[str, Any]:
    """One statement in the dump's layout; `value` a QID or a ready datavalue tuple."""
    if isinstance(value, str):
        main = snak(prop, item_value(value), "wikibase-entityid", "wikibase-item")
    else:
        vtype, datatype, raw = value
        main = snak(prop, raw, vtype, datatype)
    claim = {
        "mainsnak": main,
        "type": "statement",
        "id": f"{subject}${_crc(subject, prop, value):032x}",
        "rank": rank,
    }
    claim.update(extra)
    return claim


def quantity(amount: int) -> tuple[str, str, dict[str, str]]:
    return "quantity", "quantity", {"amount": f"+{amount}", "unit": "1"}


def population_claims(qid: str, amount: int, year: int = 2021) -> list[dict[str, Any]]:
    """An older census and the latest one, as real places have."""
    old_time = {"time": f"+{year - 10}-01-01T00:00:00Z", "precision": 9}
    new_time = {"time": f"+{year}-01-01T00:00:00Z", "precision": 9}
    return [
        statement(
            qid,
            "P1082",
            quantity(int(amount * 0.9)),
            qualifiers={"P585": [snak("P585", old_time, "time", "time")]},
        ),
        statement(
            qid,
            "P1082",
            quantity(amount),
            qualifiers={"P585": [snak("P585", new_time, "time", "time")]},
        ),
    ]


def item(
    qid: str,
    labels: dict[str, str],
    *,
    descriptions: dict[str, str] | None = None,
    aliases: dict[str, list[str]] | None = None,
    claims: dict[str, list[dict[str, Any]]] | None = None,
    sitelinks: int = 0,
) -> dict[str, Any]:
    """An item as a dump line holds it."""
    return {
        "type": "item",
        "id": qid,
        "labels": {k: {"language": k, "value": v} for k, v in labels.items()},
        "descriptions": {k: {"language": k, "value": v} for k, v in (descriptions or {}).items()},
        "aliases": {
            k: [{"language": k, "value": v} for v in vs] for k, vs in (aliases or {}).items()
        },
        "claims": claims or {},
        "sitelinks": {
            w: {"site": w, "title": labels.get("en") or qid, "badges": []}
            for w in WIKIS[:sitelinks]
        },
        "pageid": int(qid[1:]) % 100_000_000,
        "ns": 0,
        "title": qid,
        "lastrevid": 1_600_000_000 + int(qid[1:]) % 1000,
        "modified": "2024-03-01T08:00:00Z",
    }
