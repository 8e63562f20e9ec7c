"""Term constraints without a model: source rewriting, splicing, alignment, article offsets."""

from __future__ import annotations

import pytest

from nieuwsstroom.translators.articles import FieldTerm, translate_articles_with_terms
from nieuwsstroom.translators.cache import CachedTranslator
from nieuwsstroom.translators.errors import TranslatorError
from nieuwsstroom.translators.segment import model_input_spans
from nieuwsstroom.translators.term_alignment import (
    aligned_target_tokens,
    match_by_attention,
    source_token_span,
    token_char_offsets,
    word_span,
)
from nieuwsstroom.translators.term_sources import (
    TagFormat,
    assemble_splice,
    fit_fragment,
    plan_splice,
    read_tag_format,
    rewrite_source,
)
from nieuwsstroom.translators.terms import (
    PlacedTerm,
    TermConstraint,
    TermTranslation,
    occurrences,
    shift_placements,
    usable_constraints,
    validate_constraints,
)

SENTENCE = "Poetin sprak in Istanboel met Erdogan."
PUTIN = TermConstraint(0, 6, "Putin")
ISTANBUL = TermConstraint(16, 25, "Istanbul")
TAGS = TagFormat("__source__", "__target__", "__done__")


def test_sources_are_rewritten_with_spans_that_point_at_the_rewritten_terms() -> None:
    keep = rewrite_source(SENTENCE, [PUTIN, ISTANBUL], "keep")
    assert keep.text == SENTENCE and keep.spans == ((0, 6), (16, 25))
    target = rewrite_source(SENTENCE, [PUTIN, ISTANBUL], "target")
    assert target.text == "Putin sprak in Istanbul met Erdogan."
    assert [target.text[s:e] for s, e in target.spans] == ["Putin", "Istanbul"]
    tagged = rewrite_source(SENTENCE, [PUTIN], "tag", TAGS)
    assert tagged.text.startswith("__source__ Poetin __target__ Putin __done__ sprak")
    s, e = tagged.spans[0]
    assert tagged.text[s:e] == "__source__ Poetin __target__ Putin __done__"
    with pytest.raises(ValueError, match="needs the package's TagFormat"):
        rewrite_source(SENTENCE, [PUTIN], "tag")


def test_the_tag_format_is_read_from_package_metadata(tmp_path) -> None:
    meta = tmp_path / "metadata.json"
    meta.write_text('{"terminology_tags": {"source": "<s>", "target": "<t>", "done": "</t>"}}')
    assert read_tag_format(meta) == TagFormat("<s>", "<t>", "</t>")
    meta.write_text('{"package_version": "1.9"}')  # an official Argos package: no tags
    assert read_tag_format(meta) is None
    meta.write_text('{"terminology_tags": {"source": "<s>", "target": ""}}')
    assert read_tag_format(meta) is None
    assert read_tag_format(tmp_path / "missing.json") is None


def test_overlapping_constraints_keep_the_first_and_bad_ones_are_refused() -> None:
    cons = [
        TermConstraint(16, 25, "Istanbul"),
        TermConstraint(0, 6, "Putin"),
        TermConstraint(3, 9, "x"),
    ]
    assert usable_constraints(cons) == [1, 0]
    with pytest.raises(TranslatorError, match=r"outside the text of length 38"):
        validate_constraints(SENTENCE, [TermConstraint(30, 40, "x")])
    with pytest.raises(TranslatorError, match="blank target"):
        validate_constraints(SENTENCE, [TermConstraint(0, 6, " ")])


def test_a_target_counts_only_as_a_whole_word() -> None:
    assert occurrences("NATO-top in Putins huis, Putin.", "Putin") == [(25, 30)]
    assert occurrences("NATO-top", "NATO") == [(0, 4)]


def test_splice_translates_around_the_names_and_says_where_each_landed() -> None:
    plan = plan_splice(SENTENCE, [PUTIN, ISTANBUL])
    translate = [k for k, (_, _, _, yes) in enumerate(plan.pieces) if yes]
    assert [plan.pieces[k][1] for k in translate] == ["sprak in", "met Erdogan."]
    text, spans = assemble_splice(plan, {translate[0]: "Spoke in.", translate[1]: "With Erdogan."})
    assert text == "Putin spoke in Istanbul with Erdogan."
    assert [text[s:e] for s, e in spans] == ["Putin", "Istanbul"]


def test_a_fragment_loses_the_capital_and_period_a_model_gives_it() -> None:
    assert fit_fragment("sprak in", "Spoke in.") == "spoke in"
    assert fit_fragment("Volgens hem", "According to him.") == "According to him"
    assert fit_fragment("met Erdogan.", "with Erdogan.") == "with Erdogan."
    assert fit_fragment("EU-landen", "") == "EU-landen"


def test_source_token_span_finds_a_name_among_subword_tokens() -> None:
    def encode(text: str) -> list[str]:  # two-character pieces per word, "▁" marks a word
        return [
            ("▁" if i == 0 else "") + w[i : i + 2]
            for w in text.split()
            for i in range(0, len(w), 2)
        ]

    tokens = encode(SENTENCE)
    i, j = source_token_span(encode, SENTENCE, tokens, 16, 25)
    assert "".join(tokens[i:j]) == "▁Istanboel"


def test_attention_alignment_takes_the_longest_run_pointing_into_the_span() -> None:
    attention = [
        [0.9, 0.1, 0.0, 0.0],  # -> 0
        [0.1, 0.2, 0.7, 0.0],  # -> 2 (in span)
        [0.0, 0.3, 0.6, 0.1],  # -> 2 (in span)
        [0.0, 0.0, 0.2, 0.8],  # -> 3
        [0.0, 0.1, 0.5, 0.4],  # -> 2 (in span, but a shorter run)
    ]
    assert aligned_target_tokens(attention, 2, 3) == (1, 3)
    weak = [[0.8, 0.2], [0.7, 0.3]]
    assert aligned_target_tokens(weak, 1, 2, min_mass=0.3) == (1, 2)
    assert aligned_target_tokens(weak, 1, 2, min_mass=0.5) is None


def test_a_repeated_name_goes_to_the_constraint_whose_source_it_attends_to() -> None:
    # Output "Putin met Putin." (tokens at 0, 6, 10); source tokens 0 and 3 are the names.
    offsets = [0, 6, 10, 16]
    attention = [[0.9, 0, 0, 0.1], [0, 0.5, 0.5, 0], [0.2, 0, 0, 0.8]]
    pairs = match_by_attention({0: (3, 4), 1: (0, 1)}, [(0, 5), (10, 15)], attention, offsets)
    assert sorted(pairs) == [(0, (10, 15)), (1, (0, 5))]


def test_placements_follow_the_text_when_words_are_replaced_by_names() -> None:
    old = "Pootine met Iboogan."
    new = "Putin met Istanbul."
    placed = [None, None, PlacedTerm(19, 20, "model")]  # a third target: the final "."
    edits = [(0, 7, 0), (12, 19, 1)]
    out = shift_placements(placed, edits, ["Putin", "Istanbul", "."], new)
    assert [new[p.start : p.end] for p in out] == ["Putin", "Istanbul", "."]
    assert [p.how for p in out] == ["attention", "attention", "model"]
    assert len(old) == 20
    with pytest.raises(TranslatorError, match="does not hold"):
        shift_placements(placed, edits[:1], ["Putin", "Istanbul", "."], new)


def test_token_offsets_and_word_spans() -> None:
    def decode(tokens: list[str]) -> str:
        return "".join(tokens).replace("▁", " ").lstrip()

    tokens = ["▁Poo", "tine", "▁spoke", "."]
    assert token_char_offsets(decode, tokens) == [0, 3, 7, 13, 14]
    text = decode(tokens)
    assert word_span(text, 3, 5) == (0, 7)  # "tine" widened to "Pootine"
    assert word_span(text, 7, 13) == (8, 13)  # the leading space trimmed
    assert word_span(text, 7, 14) == (8, 13)  # and the period after the word left alone
    assert word_span(text, 13, 14) == (14, 14)  # only punctuation: nothing to replace


def test_whitespace_collapse_keeps_spans_on_their_words() -> None:
    text = "  Poetin   sprak\n in  Istanboel "
    at = text.index("Istanboel")
    clean, spans = model_input_spans(text, [(2, 8), (at, at + 9)])
    assert clean == "Poetin sprak in Istanboel"
    assert [clean[s:e] for s, e in spans] == ["Poetin", "Istanboel"]


class SpanUpper:
    """A `TermTranslator` stand-in: upper-cases, writes each target in place of its span."""

    provenance = {"engine": "fake", "model": "span-upper", "model_version": "1"}

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, tuple[TermConstraint, ...]]]] = []

    def translate_batch(self, texts: list[str]) -> list[str]:
        return [r.text for r in self.translate_terms(texts, [[] for _ in texts])]

    def translate_terms(self, texts, constraints) -> list[TermTranslation]:
        self.calls.append([(t, tuple(c)) for t, c in zip(texts, constraints, strict=True)])
        out = []
        for text, cons in zip(texts, constraints, strict=True):
            english, placed, pos = "", [], 0
            for c in cons:
                english += text[pos : c.start].upper()
                placed.append(PlacedTerm(len(english), len(english) + len(c.target), "model"))
                english += c.target
                pos = c.end
            out.append(TermTranslation(english + text[pos:].upper(), tuple(placed)))
        return out


def test_article_terms_land_at_exact_offsets_across_sentences_and_paragraphs() -> None:
    title = "Poetin in Istanboel"
    body = "Eerste zin over  Poetin. Dan Istanboel!\n\n\n\nLaatste alinea: Antwerpen."
    terms = [
        FieldTerm("title", 0, 6, "Putin"),
        FieldTerm("body", body.index("Poetin"), body.index("Poetin") + 6, "Putin"),
        FieldTerm("body", body.index("Istanboel"), body.index("Istanboel") + 9, "Istanbul"),
        FieldTerm("body", body.index("Antwerpen"), body.index("Antwerpen") + 9, "Antwerp"),
    ]
    model = SpanUpper()
    [result] = translate_articles_with_terms(model, [(title, body)], [terms])
    assert len(model.calls) == 1  # one call for the whole batch
    assert result.title_en == "Putin IN ISTANBOEL"
    assert result.body_en == "EERSTE ZIN OVER Putin. DAN Istanbul!\n\n\n\nLAATSTE ALINEA: Antwerp."
    fields = {"title_en": result.title_en, "body_en": result.body_en}
    placed = [(p.field, fields[p.field][p.start : p.end]) for p in result.placed]
    assert placed == [
        ("title_en", "Putin"),
        ("body_en", "Putin"),
        ("body_en", "Istanbul"),
        ("body_en", "Antwerp"),
    ]


def test_the_cache_keys_on_constraints_and_shares_plain_sentences() -> None:
    model = SpanUpper()
    cached = CachedTranslator(model, max_entries=10)
    a = cached.translate_terms(["Poetin sprak."], [[TermConstraint(0, 6, "Putin")]])
    b = cached.translate_terms(["Poetin sprak."], [[TermConstraint(0, 6, "Vladimir Putin")]])
    assert (a[0].text, b[0].text) == ("Putin SPRAK.", "Vladimir Putin SPRAK.")
    again = cached.translate_terms(["Poetin sprak."], [[TermConstraint(0, 6, "Putin")]])
    assert again == a and len(model.calls) == 2
    assert cached.translate_batch(["Poetin sprak."]) == ["POETIN SPRAK."]
    assert cached.translate_terms(["Poetin sprak."], [[]])[0].text == "POETIN SPRAK."
    assert len(model.calls) == 3  # the plain sentence was translated once for both paths


def test_the_cache_refuses_terms_for_a_translator_without_them(upper) -> None:
    with pytest.raises(TranslatorError, match="UpperTranslator cannot translate with term"):
        CachedTranslator(upper).translate_terms(["x"], [[]])
