"""Decoding and validating `articles.raw` values (the producer contract).

Raw bytes come in; either a validated, cleaned article dict comes out or a
`DecodeError`/`InvalidArticleError` whose message says exactly what is wrong
(which field, what was found), because that text is what the producer reads in
the dead-letter headers.

Order matters: the JSON is parsed, `title` and `body` are cleaned (HTML and
control characters, `cleaning.py`), and only then validated, so a body of
nothing but markup is refused as blank. The body limit is checked on the text as
sent, because it protects the worker's memory and time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from nieuwsstroom.schemas import validator
from nieuwsstroom.stream.core.cleaning import Cleaned, clean_text
from nieuwsstroom.stream.errors import DecodeError, InvalidArticleError

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_BODY_CHARS = 200_000
UTF8_BOM = b"\xef\xbb\xbf"
CLEANED_FIELDS = ("title", "body")


@dataclass(frozen=True, slots=True)
class Article:
    """A validated article and what cleaning did to each text field."""

    fields: dict[str, Any]
    cleaning: dict[str, Cleaned] = field(default_factory=dict)

    def cleaning_summary(self) -> dict[str, Any]:
        """What the enriched record's provenance says about input cleaning."""
        return {
            "html_stripped": sorted(k for k, c in self.cleaning.items() if c.html_stripped),
            "control_characters_removed": sum(
                c.control_characters_removed for c in self.cleaning.values()
            ),
        }


def decode_article(value: bytes | None, max_body_chars: int = DEFAULT_MAX_BODY_CHARS) -> Article:
    """Parse, clean and validate one raw message value."""
    if value is None:
        raise DecodeError(
            "Message value is null (a tombstone): expected a JSON object with id, title and body"
        )
    if len(value) == 0:
        raise DecodeError("Empty message: expected a JSON object with id, title and body")
    if len(value) > MAX_MESSAGE_BYTES:
        raise DecodeError(f"Message too large: {len(value)} bytes, limit {MAX_MESSAGE_BYTES}")
    if not value.strip():
        raise DecodeError("Message is only whitespace: expected a JSON object")
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"Message is not valid UTF-8: {exc.reason} at byte {exc.start}") from exc
    if value.startswith(
        UTF8_BOM
    ):  # JSON parsers may ignore a BOM (RFC 8259); Windows tools add one
        value = value[len(UTF8_BOM) :]
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"Message is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidArticleError(
            f"Expected a JSON object with id, title and body, got a JSON {_json_type(data)}"
        )
    body = data.get("body")
    if isinstance(body, str) and len(body) > max_body_chars:
        raise InvalidArticleError(
            f"field 'body' is {len(body):,} characters, over the limit of {max_body_chars:,} "
            "(NIEUWSSTROOM_MAX_BODY_CHARS); split the article"
        )
    cleaning = {}
    for name in CLEANED_FIELDS:
        if isinstance(data.get(name), str):
            cleaned = clean_text(data[name])
            if data[name].strip() and not cleaned.text.strip():
                raise InvalidArticleError(
                    f"field {name!r} has no text left once HTML markup and control characters "
                    "are removed"
                )
            data[name] = cleaned.text
            cleaning[name] = cleaned
    errors = sorted(validator("raw").iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        by_field: dict[str, str] = {}
        for error in errors:
            by_field.setdefault(
                "/".join(map(str, error.absolute_path)) + error.validator, _describe(error)
            )
        messages = list(dict.fromkeys(by_field.values()))
        if any(e.validator in ("minLength", "pattern") for e in errors):
            messages = _drop_blank_when_empty(messages)
        raise InvalidArticleError("; ".join(messages[:5]))
    return Article(data, cleaning)


def _drop_blank_when_empty(messages: list[str]) -> list[str]:
    """An empty field also fails the not-blank pattern; report it once."""
    empty = {m.removesuffix(" is empty") for m in messages if m.endswith(" is empty")}
    return [
        m
        for m in messages
        if not (m.endswith(" is blank") and m.removesuffix(" is blank") in empty)
    ]


def _describe(error: Any) -> str:
    """One validation error as `field 'x': what is wrong`."""
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        return f"missing required field: {error.message.split(' ')[0]}"
    if error.validator == "pattern" and error.validator_value == "\\S":
        return f"field {where!r} is blank"
    if error.validator == "minLength":
        return f"field {where!r} is empty"
    if error.validator == "maxLength":
        return f"field {where!r} is longer than {error.validator_value} characters"
    if error.validator == "type":
        return f"field {where!r} must be {error.validator_value}, got {_json_type(error.instance)}"
    message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
    return f"field {where!r}: {message}" if where else message


def _json_type(value: Any) -> str:
    """The JSON name of a Python value's type, for error messages."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    for py_type, name in names.items():
        if isinstance(value, py_type):
            return name
    return "number" if isinstance(value, int | float) else type(value).__name__
