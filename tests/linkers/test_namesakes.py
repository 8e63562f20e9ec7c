"""Precision with a Wikidata-size knowledge base: the mechanisms that keep obscure items out.

A dump of a million items has an item for almost every word and name: a person
whose alias is "Ron", an organisation "Kruis", a club "Wales", a village "Grou",
a company "Ruim". Each test builds a tiny KB in the test holding such an item
beside (or instead of) what the text means, links a Dutch text written for the
test through the real linker, and checks that the obscure item does not take
the link, and that what the text does mean still does.
"""

from __future__ import annotations

from nieuwsstroom.linkers.ordinary_words import default_ordinary_words, lowercase_words
from tests.linkers.test_precision import BE, NL, UK, US, link

DE, RU, UA = "Q183", "Q159", "Q212"


def test_a_genitive_s_only_before_the_noun_it_owns(tmp_path):
    rows = [
        ("Q900051881", "PER", "person", ["Olaf Koen"], 0.35, NL),
        ("Q7747", "PER", "person", ["Vladimir Poetin", "Poetin"], 1.0, RU),
    ]
    linked, unlinked = link(
        tmp_path, rows, "Podcast",
        "In de podcast spreekt correspondent Olaf Koens met een inwoner.\n"
        "Koens: Hoe gaat het nu?\nPoetins leger rukt op.",
    )  # fmt: skip
    assert set(linked) == {"Q7747"}
    assert "Olaf Koens" in unlinked and "Koens" in unlinked


def test_an_alias_inside_a_longer_name_is_that_entity_only_if_the_name_is_its_person(tmp_path):
    rows = [
        ("Q900093961", "PER", "person", ["Donald Ron", "Ron"], 0.4, US),
        ("Q900000001", "PER", "person", ["Anna Kruis", "Kruis"], 0.4, NL),
        ("Q900000002", "ORG", "organisation", ["Kruis"], 0.45, NL),
        ("Q7747", "PER", "person", ["Vladimir Poetin", "Poetin"], 1.0, RU),
    ]
    linked, unlinked = link(
        tmp_path, rows, "Orkaan",
        "Gouverneur Ron DeSantis sprak van een ramp. Zorgverzekeraar Zilveren Kruis betaalt. "
        "Vladimir Vladimirovitsj Poetin zweeg.",
    )  # fmt: skip
    assert set(linked) == {"Q7747"}
    assert {"Ron DeSantis", "Zilveren Kruis"} <= set(unlinked)
    assert [m.text for m in linked["Q7747"].mentions] == ["Poetin"]


def test_several_aliases_in_one_name_are_one_unknown_name(tmp_path):
    rows = [
        ("Q900000003", "ORG", "company", ["Liberty"], 0.4, US),
        ("Q900000004", "ORG", "company", ["Steel"], 0.45, BE),
        ("Q900000005", "ORG", "organisation", ["Brink"], 0.45, NL),
        ("Q900000006", "LOC", "settlement", ["Jan"], 0.4, NL),
    ]
    linked, unlinked = link(
        tmp_path, rows, "Banen weg",
        "Het staalbedrijf Liberty Steel schrapt banen. Met haar sprak Jan Willem Brink.\n"
        "Brink: Hoe lang werkt u er al?",
    )  # fmt: skip
    assert not linked
    assert {"Liberty Steel", "Jan Willem Brink"} <= set(unlinked)
    assert unlinked["Jan Willem Brink"].type == "PER"


def test_the_short_form_of_an_unknown_longer_name_reads_its_context(tmp_path):
    rows = [
        ("Q900000007", "ORG", "organisation", ["FC"], 0.3, NL),
        ("Q803", "LOC", "settlement", ["Utrecht"], 0.7, NL),
    ]
    linked, unlinked = link(
        tmp_path, rows, "FC Utrecht wint derby",
        "FC Utrecht heeft de derby met 3-1 gewonnen. Utrecht klimt daardoor naar plaats vier.",
    )  # fmt: skip
    assert not linked and "FC Utrecht" in unlinked


def test_a_place_ruled_out_in_a_match_report_stands_for_its_own_team(tmp_path):
    rows = [
        ("Q25", "LOC", "region", ["Wales"], 0.8, UK),
        ("Q900018405", "ORG", "organisation", ["Wales"], 0.35, NL),
    ]
    linked, unlinked = link(
        tmp_path, rows, "Oranje wint",
        "Oranje won met 2-1 van Wales. Wales speelde sterk in de eerste helft.",
    )  # fmt: skip
    assert not linked and "team" in unlinked["Wales"].reason


def test_a_country_outranks_a_region_of_its_name_in_another_country(tmp_path):
    rows = [
        ("Q32", "LOC", "country", ["Luxemburg"], 1.0, "Q32"),
        ("Q1126", "LOC", "region", ["Luxemburg"], 0.8, BE),
    ]
    linked, _ = link(
        tmp_path, rows, "Gratis vervoer",
        "Luxemburg maakt het openbaar vervoer gratis, ook voor forenzen uit België.",
    )  # fmt: skip
    assert "Q32" in linked and "Q1126" not in linked
    linked, _ = link(
        tmp_path / "b", rows, "Artsen", "De provincie Luxemburg in België zoekt huisartsen."
    )
    assert "Q1126" in linked and "Q32" not in linked


def test_a_list_kind_ignores_namesakes_the_article_places_elsewhere(tmp_path):
    rows = [
        ("Q770", "LOC", "region", ["Friesland"], 0.8, NL),
        ("Q900031075", "LOC", "settlement", ["Friesland"], 0.6, US),
        ("Q749", "LOC", "settlement", ["Groningen"], 0.8, NL),
        ("Q752", "LOC", "region", ["Groningen"], 0.8, NL),
    ]
    linked, _ = link(
        tmp_path, rows, "Storm op komst",
        "Het KNMI geeft code oranje voor Nederland. De storm raakt vooral Friesland en Groningen.",
    )  # fmt: skip
    assert {"Q770", "Q752"} <= set(linked) and not {"Q749", "Q900031075"} & set(linked)


def test_an_island_word_does_not_count_against_an_island_country(tmp_path):
    rows = [
        ("Q9676", "LOC", "country", ["Isle of Man", "Man"], 0.9, "Q9676"),
        ("Q900042609", "ORG", "organisation", ["Man"], 0.74, RU),
    ]
    linked, _ = link(
        tmp_path, rows, "Motorfans", "Duizenden motorfans reizen naar het eiland Man voor de race."
    )
    assert set(linked) == {"Q9676"}


def test_every_alias_inside_a_capitalised_compound_gives_way(tmp_path):
    rows = [("Q501744", "LOC", "settlement", ["Alert"], 0.35, "Q16")]
    linked, unlinked = link(
        tmp_path, rows, "Brand", "Bewoners kregen een NL-Alert op hun telefoon in Nederland."
    )
    assert "Q501744" not in linked


def test_names_joined_by_particles_are_one_name(tmp_path):
    rows = [
        ("Q17502722", "ORG", "company", ["Dirk"], 0.3, NL),
        ("Q900050616", "LOC", "settlement", ["Wal"], 0.35, NL),
        ("Q900066891", "LOC", "region", ["Huis"], 0.74, US),
        ("Q900649686", "ORG", "organisation", ["War"], 0.55, US),
        ("Q159", "LOC", "country", ["Rusland"], 1.0, RU),
        ("Q212", "LOC", "country", ["Oekraïne"], 1.0, UA),
    ]
    linked, unlinked = link(
        tmp_path, rows, "Nieuws",
        "Eigenaar Dirk van der Wal zegt dat de winkel opengaat. Het Huis van Afgevaardigden "
        "stemde. Volgens het Institute for the Study of War is de strijd tussen Rusland of "
        "Oekraïne nog niet beslist.",
    )  # fmt: skip
    assert set(linked) == {"Q159", "Q212"}
    assert unlinked["Dirk van der Wal"].type == "PER"
    assert {"Huis van Afgevaardigden", "Institute for the Study of War"} <= set(unlinked)


def test_an_obscure_item_named_like_a_word_is_that_word_at_a_sentence_start(tmp_path):
    rows = [
        ("Q900038589", "ORG", "organisation", ["Haar"], 0.55, UK),
        ("Q112254550", "ORG", "company", ["Storm"], 0.3, BE),
        ("Q1726", "LOC", "settlement", ["München"], 0.8, DE),
        ("Q26793", "LOC", "settlement", ["Bergen"], 0.75, "Q20"),
    ]
    linked, _ = link(tmp_path, rows, "Storm treft de kust", "Haar moeder woont in München.")
    assert set(linked) == {"Q1726"}
    linked, _ = link(tmp_path / "b", rows, "Regen", "Bergen kreeg de meeste regen van Noorwegen.")
    assert "Q26793" in linked  # a prominent place named like a word keeps its link


def test_a_place_said_to_lie_in_another_place_lies_in_its_country(tmp_path):
    rows = [
        ("Q1874", "LOC", "settlement", ["Odessa", "Odesa"], 0.8, UA),
        ("Q128361", "LOC", "settlement", ["Odessa"], 0.55, US),
        ("Q1439", "LOC", "region", ["Texas"], 0.85, US),
        ("Q212", "LOC", "country", ["Oekraïne"], 1.0, UA),
    ]
    linked, _ = link(
        tmp_path, rows, "Storm treft Odessa in Texas", "Een zware storm verwoestte huizen."
    )
    assert "Q128361" in linked and "Q1874" not in linked
    linked, _ = link(
        tmp_path / "b", rows, "Graanschip", "Het schip vertrok uit Odessa in Oekraïne."
    )
    assert "Q1874" in linked and "Q128361" not in linked


def test_ordinary_words_are_what_dutch_text_writes_in_lower_case():
    counts = lowercase_words(["Haar moeder woont in Bergen.", "In de bergen ligt sneeuw."])
    assert counts["bergen"] == 1 and counts["moeder"] == 1 and "Haar" not in counts
    words = default_ordinary_words()
    assert {"huis", "haar", "storm", "ruim"} <= words and not {"zwolle", "europa"} & words
