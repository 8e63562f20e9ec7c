"""One JSON line per Kafka message, whatever the message holds: what `consume` prints.

A topic can hold anything a producer sent: JSON, text, binary junk, empty
values, tombstones (a null value). Printing the raw bytes would put binary on a
terminal and break every `jq` downstream, so each message becomes exactly one
JSON line:

- a JSON value: the value itself, byte for byte (line breaks, which in valid
  JSON can only be whitespace between tokens, become spaces);
- any other value: `{"not_json": true, "value": ..., "value_encoding": "utf-8"
  | "base64", ...}` with where it came from (topic, partition, offset, key);
- a tombstone: `{"tombstone": true, "value": null, ...}` with the same fields;
- on the dead-letter topic: the dead letter's JSON view (reason + original value).

The flags are explicit so a reader never mistakes a wrapped message for a record.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

from nieuwsstroom.stream.kafka.console import Consumed
from nieuwsstroom.stream.kafka.headers import dead_letter_view


def _text_or_base64(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii"), "base64"


def _is_json(value: bytes) -> bool:
    try:
        orjson.loads(value)
    except orjson.JSONDecodeError:
        return False
    return True


def _where(message: Consumed) -> dict[str, Any]:
    key: str | None = None
    out: dict[str, Any] = {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
    }
    if message.key is not None:
        key, encoding = _text_or_base64(message.key)
        if encoding != "utf-8":
            out["key_encoding"] = encoding
    out["key"] = key
    return out


def json_line(message: Consumed, *, dead_letter_topic: str | None = None) -> bytes:
    """The message as one line of JSON (without the newline)."""
    if dead_letter_topic is not None and message.topic == dead_letter_topic:
        return orjson.dumps(dead_letter_view(message.value, message.key, message.headers))
    value = message.value
    if value is None:
        return orjson.dumps({"tombstone": True, **_where(message), "value": None})
    if _is_json(value):
        return value.replace(b"\r", b" ").replace(b"\n", b" ")
    text, encoding = _text_or_base64(value)
    return orjson.dumps(
        {"not_json": True, **_where(message), "value": text, "value_encoding": encoding}
    )
