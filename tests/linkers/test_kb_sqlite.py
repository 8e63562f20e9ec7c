import pytest

from nieuwsstroom.linkers.errors import KnowledgeBaseError
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase


def test_lookup_is_normalised_and_ranked(kb_factory):
    kb = kb_factory([("Q1", "LOC", "Kiev", "Kyiv", ["Kyjiv"], 0.9, None)])
    assert {a.qid for a in kb.lookup("KIEV")} == {"Q1"}
    assert kb.lookup("kyjiv")[0].qid == "Q1"
    assert kb.lookup("nowhere") == []


def test_upsert_never_blanks_and_keeps_type_on_misc(kb_factory):
    kb = kb_factory([("Q1", "LOC", "Kiev", "Kyiv", [], 0.9, "Q2")])
    kb.upsert_entities([EntityRecord("Q1", "MISC", label_nl="", label_en="Kyiv", prior=0.1)])
    ent = kb.entity("Q1")
    assert ent.type == "LOC" and ent.label_nl == "Kiev" and ent.country == "Q2"
    assert ent.prior == pytest.approx(0.9)


def test_alias_keeps_higher_weight(kb_factory):
    kb = kb_factory([("Q1", "LOC", "Kiev", "Kyiv", [], 0.9, None)])
    kb.add_aliases([AliasRecord("Kiev", "Q1", "nl", "low", 0.1)])
    assert kb.lookup("Kiev")[0].weight == 1.0


def test_iterators_and_provenance(kb_factory):
    kb = kb_factory(
        [
            ("Q1", "LOC", "Kiev", "Kyiv", [], 0.9, None),
            ("Q2", "PER", "Poetin", "Putin", [], 0.5, None),
        ]
    )
    assert len(list(kb.iter_aliases(batch=1))) == 4
    assert {t for _a, t in kb.iter_alias_types(batch=3)} == {"LOC", "PER"}
    prov = kb.provenance
    assert (
        prov["kb_entities"] == 2
        and prov["kb_source"] == "test"
        and prov["kb_build_date"] != "unknown"
    )


def test_missing_or_foreign_file_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="does not exist: build one with"):
        KnowledgeBase(tmp_path / "nope.sqlite")
    with pytest.raises(KnowledgeBaseError, match="is a directory"):
        KnowledgeBase(tmp_path)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(KnowledgeBaseError, match="it is a text file, not SQLite"):
        KnowledgeBase(bad)
    zipped = tmp_path / "dump.json.gz"
    zipped.write_bytes(b"\x1f\x8b\x08" + bytes(200))
    with pytest.raises(KnowledgeBaseError, match="a gzip file .a Wikidata dump"):
        KnowledgeBase(zipped)
