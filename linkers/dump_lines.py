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

The structs reach down to the values read (a statement's item id, a label's
text), so no dict is built for a statement's hash, references or qualifiers;
`_ids` reads the statements with `wikidata_json.statement_ids`' rules. The
decoded values go through `wikidata_json.item_values`, the one parser every
source of entity JSON uses; the filter runs first, on P31 alone. A line
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
    population_of,
    statement_ids,
)

# The structs mirror the JSON shapes `wikidata_json` reads, down to the leaves, so that
# msgspec builds no dict for the keys nobody reads (a statement's hash, references,
# qualifiers). Leaves are `Any`, as `wikidata_json` tests their types itself; a value
# of another shape than the struct's (a string for an object, an object for a list)
# fails validation and the line is parsed in full instead (`line_values`).


class _EntityId(msgspec.Struct, gc=False):
    id: Any = None
    numeric_id: Any = msgspec.field(default=msgspec.UNSET, name="numeric-id")


class _DataValue(msgspec.Struct, gc=False):
    value: _EntityId | str | None = None


class _Snak(msgspec.Struct, gc=False):
    datavalue: _DataValue | None = None


class _Statement(msgspec.Struct, gc=False):
    mainsnak: _Snak | None = None
    rank: Any = "normal"


class _Text(msgspec.Struct, gc=False):
    """A label, description or alias object: `wikidata_json._text` reads its value."""

    value: Any = ""


class _Langs(msgspec.Struct, gc=False):
    """Labels or descriptions: the two languages the KB keeps."""

    nl: _Text | None = None
    en: _Text | None = None


class _AliasLangs(msgspec.Struct, gc=False):
    nl: list[_Text] | None = None
    en: list[_Text] | None = None


class _Claims(msgspec.Struct, gc=False):
    P31: list[_Statement] | None = None
    P17: list[_Statement] | None = None
    P1082: Any = None  # population_of reads ranks and P585 qualifiers: as parsed


class _Sitelink(msgspec.Struct, gc=False):
    """Only counted: no field is kept."""


class DumpLine(msgspec.Struct, gc=False):
    """An entity as `entity_values` reads it. Wikidata writes an empty map as `[]`."""

    type: Any = None
    id: Any = None
    labels: _Langs | list[Any] | None = None
    descriptions: _Langs | list[Any] | None = None
    aliases: _AliasLangs | list[Any] | None = None
    claims: _Claims | list[Any] | None = None
    sitelinks: dict[str, _Sitelink] | list[Any] | None = None


class _Subclass(msgspec.Struct, gc=False):
    P279: Any = None


class _ClassLine(msgspec.Struct, gc=False):
    id: Any = None
    claims: _Subclass | list[Any] | None = None


_LINE = msgspec.json.Decoder(DumpLine)
_NO_LANGS = _Langs()
_NO_ALIASES = _AliasLangs()
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


def _ids(statements: list[_Statement] | None) -> list[str]:
    """`wikidata_json.statement_ids` for decoded statements (the same rules, field by
    field: deprecated dropped, preferred first, `id` else `numeric-id`)."""
    if not statements:
        return []
    preferred: list[str] = []
    normal: list[str] = []
    for statement in statements:
        rank = statement.rank
        if rank == "deprecated":
            continue
        snak = statement.mainsnak
        datavalue = snak.datavalue if snak is not None else None
        value = datavalue.value if datavalue is not None else None
        if value is None or isinstance(value, str):
            continue  # "somevalue"/"novalue" snaks carry no datavalue
        qid = value.id
        if not isinstance(qid, str):
            if value.numeric_id is msgspec.UNSET:
                continue
            qid = f"Q{value.numeric_id}"
        (preferred if rank == "preferred" else normal).append(qid)
    return preferred + normal if preferred else normal


def _text(value: _Text | None) -> Any:
    return "" if value is None else value.value


def _texts(values: list[_Text] | None) -> list[Any]:
    return [v.value for v in values] if values else []


def struct_values(line: DumpLine, classes: ClassTable, min_sitelinks: int = 0) -> Values | None:
    """`line_values` of a decoded line."""
    if line.type != "item" or not isinstance(line.id, str):
        return None
    claims = line.claims if isinstance(line.claims, _Claims) else _NO_CLAIMS
    instance_of = _ids(claims.P31)
    typed = classes.classify(instance_of)
    if typed is None:
        return None
    sitelinks = len(line.sitelinks or ())
    if sitelinks < min_sitelinks:
        return None
    labels = line.labels if isinstance(line.labels, _Langs) else _NO_LANGS
    descriptions = line.descriptions if isinstance(line.descriptions, _Langs) else _NO_LANGS
    aliases = line.aliases if isinstance(line.aliases, _AliasLangs) else _NO_ALIASES
    fields = ItemFields(
        _text(labels.nl),
        _text(labels.en),
        _text(descriptions.nl),
        _text(descriptions.en),
        _texts(aliases.nl),
        _texts(aliases.en),
        _ids(claims.P17),
        population_of(claims.P1082) if claims.P1082 else 0,
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
