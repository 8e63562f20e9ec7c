"""What the enrichment publishes for one article: the enriched record and its mention records.

One place decides what a record holds (the `articles.enriched` and
`entities.mentions` contracts), its `content_hash`, and whether it is small
enough to publish at all. The size check happens here, once, before anything
is sent: a record over Kafka's message limit would be refused by the broker on
every retry, so it becomes a dead letter (stage `publish`) at once.

`content_hash` is SHA-256 over the record without `provenance` (which holds
processing times), keys sorted: the same input gives the same hash on any
worker and in any batch, so consumers of an at-least-once stream can drop
exact repeats by `(id, content_hash)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from nieuwsstroom.linkers.base import Entity
from nieuwsstroom.stream.errors import RecordTooLargeError

ENRICHED_SCHEMA = "nieuwsstroom.articles.enriched/v1.1"
"""v1.1 adds `mention` (index of the Dutch mention) to each `mentions_en` item: additive."""
MENTION_SCHEMA = "nieuwsstroom.entities.mention/v1"
MAX_RECORD_BYTES = 1_000_000
"""Largest enriched record we publish: Kafka's default message.max.bytes is ~1 MB."""


def content_hash(content: dict[str, Any]) -> str:
    """`sha256:<hex>` of the record's content (no provenance), keys sorted."""
    digest = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"sha256:{digest}"


def enriched_record(
    article: dict[str, Any],
    *,
    title_en: str,
    body_en: str,
    language: dict[str, Any],
    entities: Sequence[Entity],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """The `articles.enriched` value: the input fields, the enrichment, hash and provenance."""
    content = {
        **article,
        "schema": ENRICHED_SCHEMA,
        "title_en": title_en,
        "body_en": body_en,
        "language": language,
        "entities": [e.to_json() for e in entities if e.qid is not None],
        "unlinked": [e.to_json() for e in entities if e.qid is None],
    }
    return {**content, "content_hash": content_hash(content), "provenance": provenance}


def encode_publishable(record: dict[str, Any]) -> bytes:
    """The record as orjson bytes; `RecordTooLargeError` if Kafka could never take it."""
    value = orjson.dumps(record)
    if len(value) > MAX_RECORD_BYTES:
        body = record.get("body")
        raise RecordTooLargeError(
            f"Enriched record is {len(value)} bytes, over the {MAX_RECORD_BYTES}-byte message "
            f"limit; split the article (body is {len(body) if isinstance(body, str) else '?'} "
            "characters)"
        )
    return value


def mention_records(
    article: dict[str, Any], entities: Sequence[Entity], processed_at: str
) -> list[dict[str, Any]]:
    """One `entities.mentions` value per linked entity of the article (key: its QID)."""
    return [
        {
            "schema": MENTION_SCHEMA,
            "qid": entity.qid,
            "label": entity.label,
            "description": entity.description,
            "type": entity.type,
            "article_id": article["id"],
            "count": len(entity.mentions),
            "score": round(entity.score, 4),
            "published_at": article.get("published_at"),
            "processed_at": processed_at,
        }
        for entity in entities
        if entity.qid is not None
    ]
