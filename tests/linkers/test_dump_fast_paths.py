"""The dump build's fast paths give exactly what the plain ones give.

- `dump_lines.line_values` (msgspec, only the kept fields) == `wikidata_json.entity_values`
  on the fully parsed line, for the shapes real dumps have (ranks, numeric-id only,
  somevalue snaks, empty maps written as [], odd values);
- the alias index written while the staged rows are merged (`dump_index`) == the one
  `kb_files.write_index` writes from the merged KB afterwards;
- pass 1 and pass 2 over many small byte ranges == over one.
"""

from __future__ import annotations

import marisa_trie
import orjson
import pytest

from bench.scale_kit.wikidata_items import item, population_claims, statement
from nieuwsstroom.linkers.alias_index import index_paths
from nieuwsstroom.linkers.dump_classes import ClassTable
from nieuwsstroom.linkers.dump_import import collect_class_table, import_dump
from nieuwsstroom.linkers.dump_index import IndexTarget
from nieuwsstroom.linkers.dump_lines import MalformedLine, line_values
from nieuwsstroom.linkers.kb_files import write_index
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.wikidata_json import entity_values

CLASSES = ClassTable.from_edges([("Q20", "Q486972"), ("Q21", "Q20"), ("Q22", "Q7278")])


def _inst(qid: str, labels: dict[str, str], cls: str, **more: object) -> dict:
    claims = {"P31": [statement(qid, "P31", cls)]}
    return item(qid, labels, claims=claims, **more)  # type: ignore[arg-type]


def _shapes() -> list[dict]:
    ranked = _inst("Q1", {"nl": "Den Haag", "en": "The Hague"}, "Q21", sitelinks=40)
    ranked["claims"]["P31"].insert(0, statement("Q1", "P31", "Q22", rank="deprecated"))
    ranked["claims"]["P17"] = [
        statement("Q1", "P17", "Q31"),
        statement("Q1", "P17", "Q55", rank="preferred"),
    ]
    ranked["claims"]["P1082"] = population_claims("Q1", 550000)
    ranked["aliases"] = {"nl": [{"language": "nl", "value": "'s-Gravenhage"}], "en": []}
    numeric = _inst("Q2", {"en": "Volt"}, "Q22")
    del numeric["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]["id"]  # older dumps
    somevalue = _inst("Q3", {"nl": "Iets"}, "Q21")
    somevalue["claims"]["P31"].append({"mainsnak": {"snaktype": "somevalue"}, "rank": "normal"})
    empty = _inst("Q4", {"en": "Leeg"}, "Q21")
    empty.update(aliases=[], descriptions=[], sitelinks=[])  # PHP's empty map
    odd = _inst("Q5", {"en": "Odd"}, "Q21")
    odd["labels"]["nl"] = "not an object"
    odd["descriptions"] = "also not"
    unlabelled = _inst("Q6", {"de": "Nur Deutsch"}, "Q21")
    offtopic = _inst("Q7", {"en": "A study"}, "Q13442814")
    no_p31 = item("Q8", {"en": "Nothing"})
    prop = item("P31", {"en": "instance of"})
    prop["type"] = "property"
    # Shapes the typed structs must read as `entity_values` does (or hand to it in full).
    nulls = _inst("Q9", {"nl": "Nul"}, "Q21")
    nulls["labels"]["en"] = None
    nulls["claims"]["P31"] += [
        {"mainsnak": None, "rank": "normal"},
        {"mainsnak": {"datavalue": None}},
        {"mainsnak": {"datavalue": {"value": None}}, "rank": None},
        {"mainsnak": {"datavalue": {"value": "Q22"}}},
        {"mainsnak": {"datavalue": {"value": {"numeric-id": None}}}},
        {"mainsnak": {"datavalue": {"value": {"id": 7, "numeric-id": 22}}}, "rank": "preferred"},
    ]
    nulls["aliases"] = {"nl": [{"language": "nl"}, {"value": None}], "en": None}
    nulls["claims"]["P17"] = [{"mainsnak": {"datavalue": {"value": {"numeric-id": 55}}}}]
    odd_alias = _inst("Q10", {"nl": "Raar"}, "Q21")
    odd_alias["aliases"] = {"nl": ["not an object"]}
    odd_claim = _inst("Q11", {"nl": "Vreemd"}, "Q21")
    odd_claim["claims"]["P31"].append("not a statement")
    odd_value = _inst("Q12", {"nl": "Getal"}, "Q21")
    odd_value["claims"]["P31"].append({"mainsnak": {"datavalue": {"value": 42}}})
    odd_sitelink = _inst("Q13", {"nl": "Link"}, "Q21", sitelinks=3)
    odd_sitelink["sitelinks"]["extra"] = "not an object"
    return [
        ranked,
        numeric,
        somevalue,
        empty,
        odd,
        unlabelled,
        offtopic,
        no_p31,
        prop,
        nulls,
        odd_alias,
        odd_claim,
        odd_value,
        odd_sitelink,
    ]


@pytest.mark.parametrize("entity", _shapes(), ids=lambda e: e["id"])
def test_line_values_equal_the_full_parse(entity):
    text = orjson.dumps(entity)
    assert line_values(text, CLASSES) == entity_values(orjson.loads(text), CLASSES)
    assert line_values(text, CLASSES, min_sitelinks=41) is None


def test_line_values_kept_fields():
    row, names = line_values(orjson.dumps(_shapes()[0]), CLASSES)
    assert row[:4] == ("Q1", "LOC", "Den Haag", "The Hague")
    assert row[7] == 40 and row[8] == '["Q21"]' and row[9] == "Q55" and row[10] == 550000
    assert ("'s-Gravenhage", "nl", "wikidata-alias", 0.85) in names


@pytest.mark.parametrize("bad", [b'{"id": "Q1", "labels": {', b"42", b'{"id": "Q\xff"}'])
def test_malformed_lines_raise(bad):
    with pytest.raises(MalformedLine):
        line_values(bad, CLASSES)


def _write_dump(path, entities) -> None:
    lines = [orjson.dumps(e).decode() for e in entities]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


def _index_items(base) -> dict[str, list[bytes]]:
    payloads = marisa_trie.BytesTrie()
    payloads.load(str(index_paths(base)[1]))
    found: dict[str, list[bytes]] = {}
    for key, value in payloads.items():
        found.setdefault(key, []).append(value)
    return found


@pytest.mark.parametrize("repeats", [1, 3], ids=["each-qid-once", "qids-repeated"])
def test_the_index_written_while_merging_is_the_merged_kbs(tmp_path, repeats):
    """Every rule of dump_index: old aliases keep their rule, the entity's last staged
    type wins, the first of repeated (key, qid, lang) rows counts, an alias without an
    entity is indexed once the dump brings the entity, common words stay out."""
    classes = [
        item(q, {"en": q}, claims={"P279": [statement(q, "P279", sup)]})
        for q, sup in (("Q20", "Q486972"), ("Q21", "Q20"), ("Q22", "Q7278"))
    ]
    city = _inst("Q1", {"nl": "Amsterdam"}, "Q21", sitelinks=50)
    city["aliases"] = {"nl": [{"language": "nl", "value": "AMSTERDAM"}]}
    twice_person = _inst("Q2", {"en": "Volt"}, "Q5")
    twice_party = _inst("Q2", {"en": "Volt Europa"}, "Q22")
    paris = _inst("Q3", {"en": "Paris"}, "Q21")
    paris["aliases"] = {"en": [{"language": "en", "value": "PARIS"}]}
    namesakes = [_inst(q, {"nl": "Rotterdam"}, cls) for q, cls in (("Q4", "Q21"), ("Q9", "Q22"))]
    brought = _inst("Q6", {"en": "Orphan Party"}, "Q22")
    common = _inst("Q10", {"nl": "de"}, "Q21")
    entities = [*classes, city, paris, *namesakes, twice_party, brought, common]
    if repeats > 1:  # a QID twice with two types, and every row staged three times
        entities = [*entities[:4], twice_person, *entities[4:]] * repeats
    dump = tmp_path / "dump.json"
    _write_dump(dump, entities)
    with KnowledgeBase(tmp_path / "kb.sqlite", create=True) as kb:
        kb.upsert_entities([EntityRecord("Q1", "ORG", label_nl="Amsterdam")])
        kb.add_aliases(
            [
                AliasRecord("amsterdam", "Q1", "nl", "seed", 1.0),  # lower case: rule "-"
                AliasRecord("Orphan", "Q6", "en", "seed", 1.0),  # no entity before the dump
            ]
        )
        target = IndexTarget(tmp_path / "during.aliases", "b1", frozenset({"de"}))
        summary = import_dump(kb, dump, workers=2, progress=False, chunk_bytes=900, index=target)
        assert summary.index_keys is not None and summary.entities == len(entities) - 3 * repeats
        assert kb.entity("Q2").type == "ORG" and kb.entity("Q1").type == "LOC"
        after = write_index(kb, "b2", frozenset({"de"}))
        assert int(kb.meta()["alias_index_keys"]) == summary.index_keys
    during, merged = _index_items(target.base), _index_items(after)
    assert during == merged
    assert merged["amsterdam"] == [b"-|LOC"] and merged["paris"] == [b"U|LOC"]
    assert merged["rotterdam"] == [b"U|LOC,ORG"] and merged["orphan"] == [b"U|ORG"]
    assert "de" not in merged


def test_many_small_ranges_read_every_line_once(tmp_path):
    dump = tmp_path / "dump.json"
    classes = [
        item(q, {"en": q}, claims={"P279": [statement(q, "P279", sup)]})
        for q, sup in (("Q20", "Q486972"), ("Q21", "Q20"))
    ]
    places = [_inst(f"Q{100 + i}", {"nl": f"Plaats {i}"}, "Q21") for i in range(40)]
    _write_dump(dump, [places[0], *classes, *places[1:]])
    tables = {size: collect_class_table(dump, False, 2, size).to_rows() for size in (97, 1 << 20)}
    assert tables[97] == tables[1 << 20] and ("Q21", "settlement", 2) in tables[97]
    for size in (97, 1 << 20):
        with KnowledgeBase(tmp_path / f"kb{size}.sqlite", create=True) as kb:
            summary = import_dump(kb, dump, workers=2, progress=False, chunk_bytes=size)
            assert (summary.lines, summary.entities, summary.errors) == (42, 40, 0)
