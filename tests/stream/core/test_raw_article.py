"""The articles.raw contract: every kind of bad input gets a precise reason."""

from __future__ import annotations

import pytest

from nieuwsstroom.stream.core.raw_article import decode_article
from nieuwsstroom.stream.errors import DecodeError, InvalidArticleError


@pytest.mark.parametrize(
    ("value", "error", "reason"),
    [
        (b"", DecodeError, "Empty message"),
        (None, DecodeError, "null (a tombstone)"),
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
        (b'{"id": "a", "title": "", "body": "b"}', InvalidArticleError, "field 'title' is empty"),
        (b'{"id": "a", "title": " \\t", "body": "b"}', InvalidArticleError, "'title' is blank"),
        (b'{"id": "a", "title": "t", "body": "<p> </p>"}', InvalidArticleError, "no text left"),
        (b'{"id": "a", "title": "t", "body": 5}', InvalidArticleError, "'body' must be string"),
    ],
)
def test_bad_input_is_rejected_with_its_reason(value, error, reason):
    with pytest.raises(error) as caught:
        decode_article(value)
    assert reason in str(caught.value)
    assert caught.value.stage in {"decode", "validate"}


def test_valid_article_keeps_unknown_fields_untouched():
    value = b'{"id": "a1", "title": "Titel", "body": "Tekst.", "section": {"x": [1, 2]}}'
    article = decode_article(value).fields
    assert article == {"id": "a1", "title": "Titel", "body": "Tekst.", "section": {"x": [1, 2]}}


def test_several_problems_are_reported_together():
    with pytest.raises(InvalidArticleError) as caught:
        decode_article(b'{"id": "a", "title": 3, "body": ""}')
    message = str(caught.value)
    assert "'title' must be string" in message
    assert "'body' is empty" in message


def test_a_utf8_bom_before_the_json_is_accepted():
    article = decode_article(b'\xef\xbb\xbf{"id": "bom", "title": "t", "body": "Tekst."}')
    assert article.fields["id"] == "bom"


def test_reasons_stay_short_even_for_huge_values():
    title = "x" * 50_000
    with pytest.raises(InvalidArticleError) as caught:
        decode_article(b'{"id": "a", "title": "%s", "body": "b"}' % title.encode())
    assert str(caught.value) == "field 'title' is longer than 2000 characters"


def test_a_body_over_the_configured_limit_is_refused_with_the_limit_named():
    value = b'{"id": "lang", "title": "t", "body": "%s"}' % (b"woord " * 20)
    assert decode_article(value, max_body_chars=120).fields["id"] == "lang"
    with pytest.raises(InvalidArticleError) as caught:
        decode_article(value, max_body_chars=119)
    assert "'body' is 120 characters, over the limit of 119" in str(caught.value)
    assert "NIEUWSSTROOM_MAX_BODY_CHARS" in str(caught.value)


def test_plain_text_with_angle_brackets_is_not_mistaken_for_html():
    value = b'{"id": "a", "title": "t", "body": "Druk op <Enter> als a < b en b > c."}'
    article = decode_article(value)
    assert article.fields["body"] == "Druk op <Enter> als a < b en b > c."
    assert not article.cleaning["body"].html_stripped
