"""What the enrichment publishes for one article: the enriched record and its mention records.

One place decides what a record holds (the `articles.enriched` and
`entities.mentions` contracts), its `content_hash`, and whether it is small
enough to publish at all. The size check happens here, once, before anything
is sent: a record over Kafka's message limit would be refused by the broker on
every retry, so it becomes a dead letter (stage `publish`) at once.

`content_hash` identifies the WORK, not its output: SHA-256 over the input
article (as decoded and cleaned) and the versions of everything that enriched
it (schema, pipeline version, translation model and compute type, knowledge
base build, linking policy), keys sorted. Re-processing the same input with the
same deployment gives the same hash on any worker and in any batch, so
consumers of an at-least-once stream drop repeats by `(id, content_hash)`.
It is not over the output on purpose: translation runs in int8 by default (2-3x
faster than float32 at the size of the official models, `bench/base_model_throughput.py`),
and int8 output may, rarely, change with the padding of the batch a sentence
lands in; a repeat is still the same work and must be recognisable as one.
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


VOLATILE_PROVENANCE = frozenset({"kb_path"})
"""Provenance keys that name where a worker keeps things, not what it is: not hashed."""


def enrichment_versions(
    *,
    pipeline_version: str,
    translator: dict[str, Any],
    knowledge_base: dict[str, Any],
    policy: dict[str, Any],
) -> dict[str, Any]:
    """Everything besides the input that decides an enriched record's content."""
    return {
        "schema": ENRICHED_SCHEMA,
        "pipeline_version": pipeline_version,
        "translator": {k: v for k, v in translator.items() if k not in VOLATILE_PROVENANCE},
        "knowledge_base": {k: v for k, v in knowledge_base.items() if k not in VOLATILE_PROVENANCE},
        "policy": policy,
    }


def content_hash(article: dict[str, Any], versions: dict[str, Any]) -> str:
    """`sha256:<hex>` of the input article and the enrichment versions, keys sorted."""
    payload = {"input": article, "versions": versions}
    digest = hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"sha256:{digest}"


def enriched_record(
    article: dict[str, Any],
    *,
    title_en: str,
    body_en: str,
    language: dict[str, Any],
    entities: Sequence[Entity],
    versions: dict[str, Any],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """The `articles.enriched` value: the input fields, the enrichment, hash and provenance."""
    record = {
        **article,
        "schema": ENRICHED_SCHEMA,
        "title_en": title_en,
        "body_en": body_en,
        "language": language,
        "entities": [e.to_json() for e in entities if e.qid is not None],
        "unlinked": [e.to_json() for e in entities if e.qid is None],
    }
    return {**record, "content_hash": content_hash(article, versions), "provenance": provenance}


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
