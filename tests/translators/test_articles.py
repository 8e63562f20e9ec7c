"""Article reassembly: paragraph alignment, titles, one batch across articles."""

from __future__ import annotations

from nieuwsstroom.translators.articles import (
    translate_article,
    translate_articles,
    translate_paragraphs,
)
from nieuwsstroom.translators.segment import split_paragraphs


def test_body_keeps_paragraph_count_and_blank_paragraphs(upper) -> None:
    body = "Eerste zin. Tweede zin.\n\n\n\nDerde alinea.\n  \nVierde.\n\n"
    title_en, body_en = translate_article(upper, "Een kop", body)
    assert title_en == "EEN KOP"
    paragraphs, _ = split_paragraphs(body)
    paragraphs_en, _ = split_paragraphs(body_en)
    assert len(paragraphs_en) == len(paragraphs)
    assert body_en == body.upper()
    for nl, en in zip(paragraphs, paragraphs_en, strict=True):
        assert (nl.strip() == "") == (en.strip() == "")


def test_one_translate_batch_call_for_many_articles(upper) -> None:
    articles = [
        ("Titel één", "Zin een. Zin twee.\n\nZin drie."),
        ("Titel twee", "Nog een zin.\n\n\n\nLaatste zin!"),
        ("", ""),
    ]
    out = translate_articles(upper, articles)
    assert len(upper.calls) == 1
    assert upper.calls[0] == [
        "Titel één",
        "Zin een.",
        "Zin twee.",
        "Zin drie.",
        "Titel twee",
        "Nog een zin.",
        "Laatste zin!",
    ]
    assert out == [(t.upper(), b.upper()) for t, b in articles]


def test_sentences_go_to_the_model_with_normalised_whitespace(upper) -> None:
    out = translate_paragraphs(upper, ["Een  zin die\ndoorloopt. En nog een."])
    assert upper.calls == [["Een zin die doorloopt.", "En nog een."]]
    assert out == ["EEN ZIN DIE DOORLOOPT. EN NOG EEN."]


def test_empty_input_makes_no_model_call(upper) -> None:
    assert translate_articles(upper, []) == []
    assert translate_articles(upper, [("", "\n\n  \n\n")]) == [("", "\n\n  \n\n")]
    assert translate_paragraphs(upper, ["", "   "]) == ["", "   "]
    assert upper.calls == []
