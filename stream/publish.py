"""Sending outcomes: enriched records, mention records and dead letters.

Every send of a micro-batch is awaited until the broker acknowledged it before
the batch's input offsets may be committed: at-least-once, nothing lost. A
failed send is retried with capped back-off instead of raising, because an
exception escaping the agent would ack the batch (Faust's take_events acks in
a `finally`) and lose it.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson

from stream.outcomes import DeadLetter, Enriched, Outcome

log = logging.getLogger(__name__)

HEADER_PREFIX = "nieuwsstroom."
DEADLETTER_SCHEMA = "nieuwsstroom.articles.deadletter/v1"

Send = Callable[..., Awaitable[Any]]
"""`Topic.send`-like: send(key=bytes, value=bytes, headers=list) -> awaitable delivery."""


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


class Publisher:
    """Sends a micro-batch's outcomes and waits until the broker has them all."""

    def __init__(
        self,
        send_enriched: Send,
        send_mention: Send,
        send_deadletter: Send,
        max_backoff_s: float = 30.0,
    ) -> None:
        self._send_enriched = send_enriched
        self._send_mention = send_mention
        self._send_deadletter = send_deadletter
        self._max_backoff_s = max_backoff_s

    async def publish(self, outcomes: Sequence[Outcome]) -> None:
        """Send everything; retry until acknowledged (never raises a send error)."""
        backoff = 0.5
        while True:
            try:
                await self._send_all(outcomes)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "Publishing %d outcomes failed; retrying in %.1fs", len(outcomes), backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)

    async def _send_all(self, outcomes: Sequence[Outcome]) -> None:
        deliveries: list[Awaitable[Any]] = []
        for outcome in outcomes:
            if isinstance(outcome, Enriched):
                key = outcome.article_id.encode("utf-8")
                deliveries.append(
                    await self._send_enriched(
                        key=key, value=outcome.encoded(), headers=source_headers(outcome)
                    )
                )
                for mention in outcome.mentions:
                    deliveries.append(
                        await self._send_mention(
                            key=mention["qid"].encode(), value=orjson.dumps(mention)
                        )
                    )
            else:
                deliveries.append(
                    await self._send_deadletter(
                        key=outcome.message.key,
                        value=outcome.message.value,
                        headers=dead_letter_headers(outcome),
                    )
                )
        await asyncio.gather(*deliveries)
