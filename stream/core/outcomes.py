"""What the pipeline core hands back to the agent: one outcome per input message.

Plain values with no Faust in them, so the core (`core/pipeline.py`) is tested
without a broker and the agent only has to send what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One consumed `articles.raw` message and where it came from."""

    value: bytes | None
    key: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(slots=True)
class Enriched:
    """An article that passed every stage: the enriched record and its mention records."""

    message: RawMessage
    article_id: str
    record: dict[str, Any]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    value: bytes | None = None
    """`record` as orjson bytes when the pipeline already serialized it (size check)."""

    def encoded(self) -> bytes:
        return self.value if self.value is not None else orjson.dumps(self.record)


@dataclass(slots=True)
class DeadLetter:
    """A message that failed a stage, with the reason that travels in the headers."""

    message: RawMessage
    stage: str
    error_class: str
    error_message: str
    failed_at: str


Outcome = Enriched | DeadLetter


def utc_now() -> str:
    """An ISO 8601 UTC timestamp with millisecond precision (processed_at, failed_at)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
