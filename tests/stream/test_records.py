"""The articles.raw contract: every kind of bad input gets a precise reason."""

from __future__ import annotations

import pytest

from stream.errors import DecodeError, InvalidArticleError
from stream.records import decode_article


@pytest.mark.parametrize(
    ("value", "error", "reason"),
    [
        (b"", DecodeError, "Empty message"),
        (None, DecodeError, "Empty message"),
        (b"   \t ", DecodeError, "only whitespace"),
        (b"\xff\xfe\x00garbage", DecodeError, "not valid UTF-8"),
        (b'{"id": "a", "title": "t", "body": ', DecodeError, "not valid JSON"),
        (b"not json at all", DecodeError, "not valid JSON"),
        (b'["id", "title", "body"]', InvalidArticleError, "got a JSON array"),
        (b'"just a string"', InvalidArticleError, "got a JSON string"),
        (b"42", InvalidArticleError, "got a JSON number"),
        (b"null", InvalidArticleError, "got a JSON null"),
        (b'{"title": "t", "body": "b"}', InvalidArticleError, "missing required field: 'id'"),
        (b'{"id": "a", "title": "t"}', InvalidArticleError, "missing required field: 'body'"),
        (b'{"id": "", "title": "t", "body": "b"}', InvalidArticleError, "field 'id' is empty"),
        (b'{"id": "a", "title": "t", "body": "  \\n "}', InvalidArticleError, "'body' is blank"),
        (b'{"id": 7, "title": "t", "body": "b"}', InvalidArticleError, "'id' must be string"),
        (b'{"id": "a", "title": ["t"], "body": "b"}', InvalidArticleError, "got array"),
    ],
)
def test_bad_input_is_rejected_with_its_reason(value, error, reason):
    with pytest.raises(error) as caught:
        decode_article(value)
    assert reason in str(caught.value)
    assert caught.value.stage in {"decode", "validate"}


def test_valid_article_keeps_unknown_fields_untouched():
    value = b'{"id": "a1", "title": "Titel", "body": "Tekst.", "section": {"x": [1, 2]}}'
    article = decode_article(value)
    assert article == {"id": "a1", "title": "Titel", "body": "Tekst.", "section": {"x": [1, 2]}}


def test_several_problems_are_reported_together():
    with pytest.raises(InvalidArticleError) as caught:
        decode_article(b'{"id": "a", "title": 3, "body": ""}')
    message = str(caught.value)
    assert "'title' must be string" in message
    assert "'body' is empty" in message


def test_a_utf8_bom_before_the_json_is_accepted():
    article = decode_article(b'\xef\xbb\xbf{"id": "bom", "title": "t", "body": "Tekst."}')
    assert article["id"] == "bom"


def test_reasons_stay_short_even_for_huge_values():
    title = "x" * 50_000
    with pytest.raises(InvalidArticleError) as caught:
        decode_article(b'{"id": "a", "title": "%s", "body": "b"}' % title.encode())
    assert str(caught.value) == "field 'title' is longer than 2000 characters"
