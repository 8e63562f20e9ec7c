"""The issue's 'done when': the Istanbul-talks sample on the real seed KB.

Expected QIDs come from the bundled data files (linkers/data/seed/), never from memory.
"""

import pytest

from nieuwsstroom.linkers import Document
from nieuwsstroom.stream.cli.link_cmd import parse_article
from tests.linkers.conftest import shared_sample_text

EXPECTED = {
    "Q212": "Ukraine",
    "Q159": "Russia",
    "Q406": "Istanbul",
    "Q43": "Turkey",
    "Q1899": "Kyiv",
    "Q157053": "Chernihiv",
    "Q41572": "Mykolaiv",
    "Q156732": "Kherson",
    "Q1874": "Odesa",
    "Q37133": "Mariupol",
    "Q7835": "Crimea",
    "Q166": "Black Sea",
    "Q7184": "NATO",
    "Q458": "European Union",
    "Q37470": "UN Security Council",
    "Q30": "United States",
    "Q36": "Poland",
    "Q16": "Canada",
    "Q801": "Israel",
    "Q142": "France",
    "Q55": "Netherlands",
    "Q36600": "The Hague",
    "Q27": "Ireland",
    "Q31": "Belgium",
    "Q213": "Czech Republic",
    "Q7747": "Putin",
    "Q39259": "Erdoğan",
    "Q3052772": "Macron",
}
UNLINKED = ["Atroshenko", "Medinsky", "AIVD", "MIVD", "OPCW", "SVR", "Blinken", "BBC News"]


def check(linker, doc):
    ents = linker.link(doc)
    linked = {e.qid: e for e in ents if e.qid}
    assert set(linked) == set(EXPECTED), (set(linked) - set(EXPECTED), set(EXPECTED) - set(linked))
    unlinked = " | ".join(e.label for e in ents if e.qid is None)
    for name in UNLINKED:
        assert name in unlinked
    for ent in ents:
        for m in ent.mentions:
            assert getattr(doc, m.field)[m.start : m.end] == m.text
    return linked


def test_sample_article_as_bundled(seed_linker, sample_doc):
    linked = check(seed_linker, sample_doc)
    assert {m.text for m in linked["Q36600"].mentions} == {"Den Haag"}
    assert {m.text for m in linked["Q39259"].mentions} == {"Erdogan"}
    assert {m.text for m in linked["Q7747"].mentions} == {"Vladimir Poetin", "Poetin"}


def test_sample_article_from_shared_file(seed_linker):
    text = shared_sample_text()
    if text is None:
        pytest.skip("shared/ sample not beside this checkout")
    article = parse_article(text)
    assert not article["title"].startswith("date")
    check(seed_linker, Document(article["title"], article["body"]))


def test_english_offsets_on_a_translation(seed_linker, sample_doc):
    doc = Document(
        sample_doc.title,
        sample_doc.body,
        "Negotiators from Ukraine and Russia made progress in Istanbul",
        "Russia promised to reduce activity around Kyiv and Chernihiv. Putin spoke with Macron.",
    )
    linked = {e.qid: e for e in seed_linker.link(doc) if e.qid}
    assert [m.text for m in linked["Q212"].mentions_en] == ["Ukraine"]
    assert [m.field for m in linked["Q406"].mentions_en] == ["title_en"]
    assert linked["Q1899"].mentions_en[0].text == "Kyiv"
    assert linked["Q7747"].mentions_en[0].text == "Putin"
    assert linked["Q43"].mentions_en == []
