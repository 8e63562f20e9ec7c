"""Sentence and paragraph segmentation of Dutch text (no model needed)."""

from __future__ import annotations

import pytest

from nieuwsstroom.translators.segment import (
    join_paragraphs,
    reassemble,
    split_long,
    split_paragraphs,
    split_sentences,
)


def sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dit is bv. een test. Dhr. Jansen kwam o.a. met mr. De Vries.",
            ["Dit is bv. een test.", "Dhr. Jansen kwam o.a. met mr. De Vries."],
        ),
        (
            "Hij werkt d.w.z. thuis. Het gaat m.b.t. de begroting. Klaar.",
            ["Hij werkt d.w.z. thuis.", "Het gaat m.b.t. de begroting.", "Klaar."],
        ),
        (
            "Ze kocht appels, peren enz. De volgende dag was het op.",
            ["Ze kocht appels, peren enz.", "De volgende dag was het op."],
        ),
        (
            "Hij las boeken, kranten etc. Daarna sliep hij.",
            ["Hij las boeken, kranten etc.", "Daarna sliep hij."],
        ),
        (
            "Premier J.P. Balkenende sprak met W. Kok. Het ging goed.",
            ["Premier J.P. Balkenende sprak met W. Kok.", "Het ging goed."],
        ),
        (
            "Prof. dr. ir. A. de Vries gaf les. Hij stopte.",
            ["Prof. dr. ir. A. de Vries gaf les.", "Hij stopte."],
        ),
    ],
)
def test_abbreviations_and_initials_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"De tijd zal het leren." Hij ging weg.',
            ['"De tijd zal het leren."', "Hij ging weg."],
        ),
        ("„Ja!” Daarna ging hij weg.", ["„Ja!”", "Daarna ging hij weg."]),
        ("'Nee.' Ze lachte.", ["'Nee.'", "Ze lachte."]),
        ('"Waarom?" vroeg hij. Niemand wist het.', ['"Waarom?" vroeg hij.', "Niemand wist het."]),
        (
            'Hij zei "klaar", en ging. "Nu?" Ja.',
            ['Hij zei "klaar", en ging.', '"Nu?"', "Ja."],
        ),
        ("Kijk uit! „Pas op”, riep ze.", ["Kijk uit!", "„Pas op”, riep ze."]),
        ("Het is klaar (echt waar.) Nu verder.", ["Het is klaar (echt waar.)", "Nu verder."]),
        (
            "'s Avonds was het stil. 's Morgens niet.",
            ["'s Avonds was het stil.", "'s Morgens niet."],
        ),
    ],
)
def test_quotes_stay_with_their_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Het kost 7,5 miljoen euro. Er waren 1.000 mensen.",
            ["Het kost 7,5 miljoen euro.", "Er waren 1.000 mensen."],
        ),
        (
            "Op 29 nov. 2026 wordt gestemd. Daarna volgt de uitslag.",
            ["Op 29 nov. 2026 wordt gestemd.", "Daarna volgt de uitslag."],
        ),
        (
            "Er vielen 7 doden. 22 mensen raakten gewond.",
            ["Er vielen 7 doden.", "22 mensen raakten gewond."],
        ),
        ("Zie blz. 12 en nr. 4 voor meer.", ["Zie blz. 12 en nr. 4 voor meer."]),
        ("Versie 2.0.1 kwam uit. Ze werkt.", ["Versie 2.0.1 kwam uit.", "Ze werkt."]),
    ],
)
def test_numbers_and_dates(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_ellipsis_ends_only_before_a_new_sentence() -> None:
    assert sentences("Hij wachtte... en wachtte… Toen kwam ze. Stil…") == [
        "Hij wachtte... en wachtte…",
        "Toen kwam ze.",
        "Stil…",
    ]


def test_question_and_exclamation_marks() -> None:
    assert sentences("Kom je? Ja! Echt?! Zeker.") == ["Kom je?", "Ja!", "Echt?!", "Zeker."]


def test_line_break_heading_without_period_is_its_own_sentence() -> None:
    assert sentences("Kop zonder punt\nDe tekst begint hier.") == [
        "Kop zonder punt",
        "De tekst begint hier.",
    ]
    # A lower-case continuation is a soft wrap, not a new sentence.
    assert sentences("Dit is een zin die\ndoorloopt.") == ["Dit is een zin die\ndoorloopt."]


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_and_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_offsets_point_into_the_source_and_reassemble_exactly() -> None:
    text = "  Eerste zin.  Tweede zin!\nDerde zin?  "
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [s.text for s in spans]
    assert reassemble(text, spans, [s.text for s in spans]) == text
    assert reassemble(text, spans, ["A.", "B!", "C?"]) == "  A.  B!\nC?  "


def test_paragraphs_split_and_join_round_trip() -> None:
    body = "Een.\n\nTwee.\n \n\n\nDrie.\n\n"
    paragraphs, separators = split_paragraphs(body)
    assert paragraphs == ["Een.", "Twee.", "", "Drie.", ""]
    assert join_paragraphs(paragraphs, separators) == body


def words(text: str) -> int:
    return len(text.split())


def test_long_sentence_splits_at_clauses_then_commas_without_losing_text() -> None:
    text = (
        "De regering besloot gisteren na lang overleg het volgende; de belasting gaat omhoog, "
        "de uitgaven dalen, de schuld wordt afgelost en iedereen moet meebetalen aan de plannen"
    )
    spans = split_long(text, words, 10)
    assert all(words(s.text) <= 10 for s in spans)
    assert " ".join(s.text for s in spans).split() == text.split()
    assert spans[0].text.endswith(";")  # the clause mark is the first cut
    assert any(s.text.endswith(",") for s in spans)
    assert [text[s.start : s.end] for s in spans] == [s.text for s in spans]


def test_long_word_is_hard_split_by_characters_never_truncated() -> None:
    text = "https://example.org/" + "x" * 95
    spans = split_long(text, len, 20)
    assert all(len(s.text) <= 20 for s in spans)
    assert "".join(s.text for s in spans) == text


def test_short_sentence_is_one_piece_and_blank_is_none() -> None:
    assert [s.text for s in split_long(" Kort. ", words, 10)] == ["Kort."]
    assert split_long("   ", words, 10) == []
    with pytest.raises(ValueError, match="max_tokens >= 1, got 0"):
        split_long("x", words, 0)
