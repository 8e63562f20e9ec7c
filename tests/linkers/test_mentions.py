"""Each false-positive rule of the mention finder, on a tiny KB built here."""

import pytest

from nieuwsstroom.linkers.mentions import MentionFinder
from nieuwsstroom.linkers.seed import load_common_words

ENTITIES = [
    ("Q1", "LOC", "Oekraïne", "Ukraine", [], 0.9, "Q1"),
    ("Q2", "PER", "Vladimir Poetin", "Vladimir Putin", ["Poetin"], 0.9, None),
    ("Q3", "ORG", "Europese Unie", "European Union", ["EU"], 0.9, None),
    ("Q4", "LOC", "Den Haag", "The Hague", [], 0.8, "Q9"),
    ("Q5", "LOC", "Vladimir", "Vladimir", [], 0.4, "Q8"),
    ("Q6", "ORG", "NAVO", "NATO", [], 0.9, None),
    ("Q7", "PER", "Mark Rutte", "Mark Rutte", ["Rutte"], 0.9, None),
    ("Q8", "LOC", "Rusland", "Russia", [], 0.9, "Q8"),
    ("Q10", "LOC", "Van", "Van", [], 0.4, None),
]


@pytest.fixture
def finder(kb_factory):
    kb = kb_factory(ENTITIES)
    return MentionFinder(kb.iter_alias_types(), load_common_words())


def found(finder, text):
    spans = finder.find("body", text)
    for s in spans:
        assert text[s.start : s.end] == s.text
    return [(s.kind, s.text) for s in spans]


def test_word_boundaries(finder):
    assert found(finder, "De Europese Unies leiders en NAVO-top.") == [
        ("kb", "Europese Unie"),
        ("kb", "NAVO"),
    ]
    assert ("kb", "EU") not in found(finder, "Het EUROPA-plan en de EUR.")


def test_short_acronyms_need_capitals(finder):
    assert found(finder, "De EU zegt het.") == [("kb", "EU")]
    assert all(kind != "kb" for kind, _ in found(finder, "Hij zei eu en Eu."))


def test_longer_acronyms_accept_title_case(finder):
    assert found(finder, "De Navo en de NAVO.") == [("kb", "Navo"), ("kb", "NAVO")]


def test_names_need_capitals(finder):
    assert found(finder, "De verenigde staten en poetin.") == []


def test_ordinary_words_never_fire(finder):
    # "Van" is a KB place here, but also a Dutch word: never matched alone.
    assert found(finder, "Van de regering kwam niets. Het komt van ver.") == []


def test_den_alone_is_not_den_haag(finder):
    assert found(finder, "Den Haag ligt aan zee. Den is geen stad.") == [("kb", "Den Haag")]


def test_possessives_and_genitives(finder):
    assert found(finder, "Poetins leger en Oekraïnes grens, Rutte's kabinet.") == [
        ("kb", "Poetin"),
        ("kb", "Oekraïne"),
        ("kb", "Rutte"),
    ]


def test_adjectives_and_demonyms_are_not_the_country(finder):
    text = (
        "De Russische troepen en de Oekraïense en Zuid-Oekraïense havens. "
        "De Russen en een Frans plan."
    )
    assert found(finder, text) == []


def test_sentence_initial_ordinary_words_are_not_names(finder):
    assert (
        found(finder, "Onderhandelaars blijven thuis. Vaak zeggen ze iets.\nMeerdere doden") == []
    )


def test_unknown_names_and_acronyms_are_reported(finder):
    got = found(
        finder,
        "Burgemeester Vladyslav Atroshenko zei tegen BBC News dat de AIVD en MIVD II werken.",
    )
    assert ("name", "Vladyslav Atroshenko") in got and ("name", "BBC News") in got
    assert ("acronym", "AIVD") in got and ("acronym", "MIVD") in got
    assert ("acronym", "II") not in got


def test_place_inside_an_unknown_name_gives_way(finder):
    got = found(finder, "De onderhandelaar Vladimir Medinsky en president Vladimir Poetin.")
    assert got == [("name", "Vladimir Medinsky"), ("kb", "Vladimir Poetin")]


def test_unknown_longer_name_around_a_place(finder):
    assert found(finder, "We gingen naar Den Haag Centraal.") == [("name", "Den Haag Centraal")]


def test_adjective_does_not_extend_a_name(finder):
    got = found(finder, "Het is dat Rusland Russische diplomaten uitzet.")
    assert got == [("kb", "Rusland")]


def test_surname_particles(finder):
    got = found(finder, "Dat zei Herman Van Rompuy. Van der Laan ook, en Ursula von der Leyen.")
    assert ("name", "Herman Van Rompuy") in got
    assert ("name", "Van der Laan") in got and ("name", "Ursula von der Leyen") in got


def test_article_before_an_acronym_is_not_part_of_the_name(finder):
    got = found(finder, "De PVV stapte uit de coalitie. Het CDA bleef. De Jonge zweeg.")
    assert ("acronym", "PVV") in got and ("acronym", "CDA") in got
    assert not any(text.startswith(("De ", "Het ")) and text != "De Jonge" for _, text in got)
