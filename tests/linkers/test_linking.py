"""Disambiguation, thresholds, English offsets and the Entity JSON, on tiny KBs."""

from nieuwsstroom.linkers import Document, build_linker


def test_country_context_picks_the_right_odessa(kb_factory):
    kb = kb_factory(
        [
            ("Q212", "LOC", "Oekraïne", "Ukraine", [], 0.9, "Q212"),
            ("Q30", "LOC", "Verenigde Staten", "United States", [], 0.9, "Q30"),
            ("Q1874", "LOC", "Odessa", "Odessa", [], 0.5, "Q212"),
            ("Q128361", "LOC", "Odessa (Texas)", "Odessa, Texas", ["Odessa"], 0.5, "Q30"),
        ]
    )
    linker = build_linker(kb.path)
    ents = linker.link(Document("", "In Oekraïne werd Odessa beschoten."))
    assert {e.qid for e in ents if e.qid} == {"Q212", "Q1874"}
    ents = linker.link(Document("", "In de Verenigde Staten ligt Odessa."))
    assert {e.qid for e in ents if e.qid} == {"Q30", "Q128361"}


def test_ambiguous_without_context_stays_unlinked(kb_factory):
    kb = kb_factory(
        [
            ("Q1", "LOC", "Springfield", "Springfield", [], 0.5, "Q30"),
            ("Q2", "LOC", "Springfield (Ohio)", "Springfield, Ohio", ["Springfield"], 0.5, "Q30"),
        ]
    )
    ents = build_linker(kb.path).link(Document("", "Het gebeurde gisteren in Springfield."))
    assert [(e.qid, e.label) for e in ents] == [(None, "Springfield")]


def test_type_cue_disagreement_lowers_the_score(kb_factory):
    kb = kb_factory([("Q7", "PER", "Jordan", "Jordan", [], 0.5, None)])
    linker = build_linker(kb.path)
    in_city = linker.link(Document("", "Ze reisden naar de stad Jordan toe."))[0]
    person = linker.link(Document("", "Daar sprak president Jordan."))[0]
    assert person.qid == "Q7" and person.score > in_city.score


def test_one_entity_per_qid_with_all_mentions_and_english_offsets(kb_factory):
    kb = kb_factory(
        [("Q7747", "PER", "Vladimir Poetin", "Vladimir Putin", ["Poetin", "Putin"], 0.9, None)]
    )
    doc = Document(
        "Poetin belt",
        "President Vladimir Poetin sprak. Poetins woorden.",
        "Putin calls",
        "President Vladimir Putin spoke. Putin's words. computing",
    )
    [ent] = build_linker(kb.path).link(doc)
    assert ent.qid == "Q7747" and len(ent.mentions) == 3
    for m in ent.mentions:
        assert getattr(doc, m.field)[m.start : m.end] == m.text
    assert [(m.field, m.text) for m in ent.mentions_en] == [
        ("title_en", "Putin"),
        ("body_en", "Vladimir Putin"),
        ("body_en", "Putin"),
    ]
    for m in ent.mentions_en:
        assert getattr(doc, m.field)[m.start : m.end] == m.text
    data = ent.to_json()
    assert data["qid"] == "Q7747" and data["label"] == "Vladimir Putin" and data["mentions_en"]


def test_unlinked_json_and_provenance(kb_factory):
    kb = kb_factory([("Q1", "LOC", "Oekraïne", "Ukraine", [], 0.9, "Q1")])
    linker = build_linker(kb.path)
    ents = linker.link(Document("", "Volgens de AIVD sprak Antony Blinken in Oekraïne."))
    unlinked = [e.to_json() for e in ents if e.qid is None]
    assert {u["text"] for u in unlinked} == {"AIVD", "Antony Blinken"}
    assert all("qid" not in u for u in unlinked)
    assert linker.provenance["kb_entities"] == 1


def test_empty_document(kb_factory):
    kb = kb_factory([("Q1", "LOC", "Oekraïne", "Ukraine", [], 0.9, "Q1")])
    assert build_linker(kb.path).link(Document("", "")) == []
