"""Sending outcomes: enriched records, mention records and dead letters.

Every send of a micro-batch is awaited until the broker acknowledged it before
the batch's input offsets may be committed: at-least-once, nothing lost. A
failed send is retried with capped back-off instead of raising, because an
exception escaping the agent would ack the batch (Faust's take_events acks in
a `finally`) and lose it.

Two kinds of failure are told apart. The broker *refusing one record* (too
large for the topic, invalid) will not change with retries: after
`attempts` tries, one record at a time so an innocent neighbour in the same
producer batch is not blamed, that enriched record becomes a dead letter
(stage `publish`) and the partition moves on. Anything else (broker down,
leader moving, timeouts) is retried until it succeeds, because a dead letter
needs the same broker and dropping the record would lose it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
from aiokafka.errors import (
    CorruptRecordException,
    InvalidMessageError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)

from nieuwsstroom.stream.core.dead_letters import dead_letter
from nieuwsstroom.stream.core.outcomes import DeadLetter, Enriched, Outcome
from nieuwsstroom.stream.errors import RetriesExhaustedError
from nieuwsstroom.stream.kafka.headers import dead_letter_headers, source_headers

log = logging.getLogger(__name__)

RECORD_REFUSED: tuple[type[Exception], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidMessageError,
    CorruptRecordException,
)
"""Errors that mean "the broker will never take this record", as opposed to "not now"."""

Send = Callable[..., Awaitable[Any]]
"""`Topic.send`-like: send(key=bytes, value=bytes, headers=list) -> awaitable delivery."""


class Publisher:
    """Sends a micro-batch's outcomes and waits until the broker has them all."""

    def __init__(
        self,
        send_enriched: Send,
        send_mention: Send,
        send_deadletter: Send,
        *,
        attempts: int = 3,
        first_backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self._send_enriched = send_enriched
        self._send_mention = send_mention
        self._send_deadletter = send_deadletter
        self._attempts = attempts
        self._first_backoff_s = first_backoff_s
        self._max_backoff_s = max_backoff_s
        self._on_retry = on_retry

    async def publish(self, outcomes: Sequence[Outcome]) -> list[Outcome]:
        """Send everything and return what was finally published (never raises a send error).

        The result differs from `outcomes` only where an enriched record the broker
        refused became a dead letter, so statistics count what consumers will see."""
        published = list(outcomes)
        pending = list(range(len(published)))
        backoff = self._first_backoff_s
        attempt = 1
        while True:
            failed = await self._send([published[i] for i in pending], one_at_a_time=attempt > 1)
            if not failed:
                return published
            retry: list[int] = []
            refused = 0
            for position, exc in failed:
                index = pending[position]
                outcome = published[index]
                if (
                    isinstance(outcome, Enriched)
                    and isinstance(exc, RECORD_REFUSED)
                    and attempt >= self._attempts
                ):
                    published[index] = self._refused(outcome, exc, attempt)
                    refused += 1
                retry.append(index)
            if refused < len(failed):  # something is tried again as it was: back off first
                log.warning(
                    "Publishing %d of %d outcomes failed (attempt %d: %r); retrying in %.1fs",
                    len(failed) - refused,
                    len(outcomes),
                    attempt,
                    failed[0][1],
                    backoff,
                )
                if self._on_retry is not None:
                    self._on_retry("publish")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)
            pending = retry
            attempt += 1

    def _refused(self, outcome: Enriched, exc: BaseException, attempt: int) -> DeadLetter:
        """The dead letter for an enriched record the broker will not take."""
        log.error(
            "Broker refused the enriched record of %r %d times (%r); dead-lettering it",
            outcome.article_id,
            attempt,
            exc,
        )
        reason = (
            f"publish failed after {attempt} attempts: the broker refused the enriched record "
            f"({len(outcome.encoded()):,} bytes): {type(exc).__name__}: {exc}"
        )
        cause = RetriesExhaustedError(reason, stage="publish", cause_class=type(exc).__name__)
        return dead_letter(outcome.message, cause)

    async def _send(
        self, outcomes: Sequence[Outcome], *, one_at_a_time: bool
    ) -> list[tuple[int, BaseException]]:
        """Send each outcome; return (position, error) for those not acknowledged.

        `one_at_a_time` waits for each outcome's acknowledgement before sending the
        next, so a refused record fails alone instead of taking its producer batch
        (records of the same partition sent together) down with it."""
        failed: list[tuple[int, BaseException]] = []
        in_flight: list[tuple[int, list[Awaitable[Any]]]] = []
        for position, outcome in enumerate(outcomes):
            try:
                deliveries = await self._enqueue(outcome)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failed.append((position, exc))
                continue
            if one_at_a_time:
                error = await _first_error(deliveries)
                if error is not None:
                    failed.append((position, error))
            else:
                in_flight.append((position, deliveries))
        for position, deliveries in in_flight:
            error = await _first_error(deliveries)
            if error is not None:
                failed.append((position, error))
        return sorted(failed, key=lambda item: item[0])

    async def _enqueue(self, outcome: Outcome) -> list[Awaitable[Any]]:
        """Hand one outcome's records to the producer; return their delivery futures."""
        if isinstance(outcome, DeadLetter):
            return [
                await self._send_deadletter(
                    key=outcome.message.key,
                    value=outcome.message.value,
                    headers=dead_letter_headers(outcome),
                )
            ]
        deliveries = [
            await self._send_enriched(
                key=outcome.article_id.encode("utf-8"),
                value=outcome.encoded(),
                headers=source_headers(outcome),
            )
        ]
        for mention in outcome.mentions:
            deliveries.append(
                await self._send_mention(key=mention["qid"].encode(), value=orjson.dumps(mention))
            )
        return deliveries


async def _first_error(deliveries: Sequence[Awaitable[Any]]) -> BaseException | None:
    """Wait for every delivery; the first failure, or None when the broker has them all."""
    results = await asyncio.gather(*deliveries, return_exceptions=True)
    return next((r for r in results if isinstance(r, BaseException)), None)
