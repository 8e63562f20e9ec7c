"""What travels in Kafka headers beside a value, and how to read it back.

Enriched records carry where they came from (source topic/partition/offset);
dead letters carry that and the reason (stage, error class, message, time),
because a dead letter's value is the original bytes, untouched. Readers (the
`consume` command, the demo, tests) turn a dead letter back into its JSON view
(`schemas/dead_letter.schema.json`) here, with the same names the writer used.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from nieuwsstroom.stream.core.outcomes import DeadLetter, Enriched

HEADER_PREFIX = "nieuwsstroom."
DEADLETTER_SCHEMA = "nieuwsstroom.articles.deadletter/v1"


def dead_letter_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    """The reason and origin of a dead letter, as Kafka headers."""
    fields = {
        "stage": letter.stage,
        "error_class": letter.error_class,
        "error_message": letter.error_message,
        "source_topic": letter.message.topic,
        "source_partition": str(letter.message.partition),
        "source_offset": str(letter.message.offset),
        "failed_at": letter.failed_at,
    }
    return [(HEADER_PREFIX + name, value.encode("utf-8")) for name, value in fields.items()]


def source_headers(outcome: Enriched) -> list[tuple[str, bytes]]:
    """Where an enriched record came from (also in its provenance)."""
    message = outcome.message
    return [
        (HEADER_PREFIX + "source_topic", message.topic.encode()),
        (HEADER_PREFIX + "source_partition", str(message.partition).encode()),
        (HEADER_PREFIX + "source_offset", str(message.offset).encode()),
    ]


def source_of(headers: Sequence[tuple[str, bytes]]) -> tuple[str, int, int] | None:
    """(topic, partition, offset) of the raw message an output came from, read back from
    the headers `source_headers`/`dead_letter_headers` wrote; None when they are missing."""
    found = dict(headers)
    try:
        return (
            found[HEADER_PREFIX + "source_topic"].decode(),
            int(found[HEADER_PREFIX + "source_partition"]),
            int(found[HEADER_PREFIX + "source_offset"]),
        )
    except (KeyError, ValueError):
        return None


def dead_letter_view(
    value: bytes | None, key: bytes | None, headers: Sequence[tuple[str, bytes]]
) -> dict[str, Any]:
    """The JSON view of a dead-letter message (schemas/dead_letter.schema.json)."""
    found = {
        name.removeprefix(HEADER_PREFIX): raw.decode("utf-8", "replace")
        for name, raw in headers
        if name.startswith(HEADER_PREFIX)
    }
    text, encoding = _text_or_base64(value or b"")
    key_text = None if key is None else _text_or_base64(key)[0]
    return {
        "schema": DEADLETTER_SCHEMA,
        "stage": found.get("stage", "internal"),
        "error_class": found.get("error_class", "Unknown"),
        "error_message": found.get("error_message", "(no reason recorded)"),
        "source_topic": found.get("source_topic", ""),
        "source_partition": int(found.get("source_partition", 0)),
        "source_offset": int(found.get("source_offset", 0)),
        "failed_at": found.get("failed_at", ""),
        "key": key_text,
        "value": text,
        "value_encoding": encoding,
    }


def _text_or_base64(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii"), "base64"
