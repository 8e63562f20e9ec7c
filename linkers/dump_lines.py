"""One dump line -> the KB's row values, decoding only what the KB keeps.

Why not `orjson.loads` every line: a dump line holds labels in hundreds of
languages, hundreds of sitelinks and every statement, while the KB keeps two
languages, three properties and a sitelink count, and the class filter drops
most items of a real dump (scholarly articles, taxa, genes, stars, categories)
after reading one property. msgspec decodes a line into structs that name only
those fields and skips the rest without building Python objects for it. It
still checks the syntax of what it skips, and the line's UTF-8 is checked here
(msgspec checks only the strings it decodes), so a malformed line is an error
exactly as with a full parse.

The decoded fields go through `wikidata_json.item_values`, the one parser
every source of entity JSON uses; the filter runs first, on P31 alone. A line
whose shape the structs do not expect (a string where Wikidata has an object)
is parsed in full with orjson and handed to `entity_values`, which feeds the
same function: an odd line costs time, never a different result.
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson

from nieuwsstroom.linkers.dump_classes import ClassTable
from nieuwsstroom.linkers.wikidata_json import (
    ItemFields,
    Values,
    entity_values,
    item_values,
    statement_ids,
)


class _Langs(msgspec.Struct, gc=False):
    """Labels, descriptions or aliases: the two languages the KB keeps."""

    nl: Any = None
    en: Any = None


class _Claims(msgspec.Struct, gc=False):
    P31: Any = None
    P17: Any = None
    P1082: Any = None


class DumpLine(msgspec.Struct, gc=False):
    """An entity as `entity_values` reads it. Wikidata writes an empty map as `[]`."""

    type: Any = None
    id: Any = None
    labels: _Langs | list[Any] | None = None
    descriptions: _Langs | list[Any] | None = None
    aliases: _Langs | list[Any] | None = None
    claims: _Claims | list[Any] | None = None
    sitelinks: dict[str, msgspec.Raw] | list[Any] | None = None


class _Subclass(msgspec.Struct, gc=False):
    P279: Any = None


class _ClassLine(msgspec.Struct, gc=False):
    id: Any = None
    claims: _Subclass | list[Any] | None = None


_LINE = msgspec.json.Decoder(DumpLine)
_NO_LANGS = _Langs()
_NO_CLAIMS = _Claims()
_CLASS_LINE = msgspec.json.Decoder(_ClassLine)


class MalformedLine(ValueError):
    """The line is not a JSON entity object (the message says why)."""


def _full_parse(text: bytes) -> dict[str, Any]:
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise MalformedLine(f"is not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise MalformedLine("is not an entity object")
    return obj


def _decode(decoder: msgspec.json.Decoder, text: bytes) -> Any:
    """The struct, or None when the shape is unexpected (caller parses in full)."""
    try:
        if not text.isascii():  # ASCII is UTF-8; isascii is a fast scan
            text.decode("utf-8")
        return decoder.decode(text)
    except UnicodeDecodeError as exc:
        raise MalformedLine(f"is not JSON: {exc}") from exc
    except msgspec.ValidationError:
        return None
    except msgspec.DecodeError as exc:
        raise MalformedLine(f"is not JSON: {exc}") from exc


def line_values(text: bytes, classes: ClassTable, min_sitelinks: int = 0) -> Values | None:
    """`entity_values` of one dump line (an entity object without the trailing comma),
    None if the class filter or the sitelink threshold drops it; MalformedLine if the
    line is not a JSON object."""
    line = _decode(_LINE, text)
    if line is None:
        found = entity_values(_full_parse(text), classes)
        return None if found is None or found[0][7] < min_sitelinks else found
    return struct_values(line, classes, min_sitelinks)


def struct_values(line: DumpLine, classes: ClassTable, min_sitelinks: int = 0) -> Values | None:
    """`line_values` of a decoded line."""
    if line.type != "item" or not isinstance(line.id, str):
        return None
    claims = line.claims if isinstance(line.claims, _Claims) else _NO_CLAIMS
    instance_of = statement_ids(claims.P31)
    typed = classes.classify(instance_of)
    if typed is None:
        return None
    sitelinks = len(line.sitelinks or ())
    if sitelinks < min_sitelinks:
        return None
    labels = line.labels if isinstance(line.labels, _Langs) else _NO_LANGS
    descriptions = line.descriptions if isinstance(line.descriptions, _Langs) else _NO_LANGS
    aliases = line.aliases if isinstance(line.aliases, _Langs) else _NO_LANGS
    fields = ItemFields(
        labels.nl,
        labels.en,
        descriptions.nl,
        descriptions.en,
        aliases.nl,
        aliases.en,
        claims.P17,
        claims.P1082,
        sitelinks,
    )
    return item_values(line.id, classes, instance_of, fields, typed)


def subclass_edges(text: bytes) -> list[tuple[str, str]]:
    """(class, superclass) pairs of one dump line's P279 statements; [] if malformed
    (the entity pass counts malformed lines)."""
    try:
        line = _decode(_CLASS_LINE, text)
        if line is None:
            data = _full_parse(text)
            sub, supers = data.get("id"), (data.get("claims") or {}).get("P279")
        else:
            claims = line.claims
            sub, supers = line.id, claims.P279 if isinstance(claims, _Subclass) else None
    except MalformedLine:
        return []
    if not isinstance(sub, str):
        return []
    return [(sub, sup) for sup in statement_ids(supers)]
