"""Live pipeline counters for the web view and metrics."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence

from stream.outcomes import DeadLetter, Enriched, Outcome


class PipelineStats:
    """Messages in, enriched out, dead-lettered (by stage); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages_in = 0
        self.enriched = 0
        self.deadlettered = 0
        self.deadletter_by_stage: Counter[str] = Counter()

    def received(self, count: int) -> None:
        with self._lock:
            self.messages_in += count

    def record(self, outcomes: Sequence[Outcome]) -> None:
        with self._lock:
            for outcome in outcomes:
                if isinstance(outcome, Enriched):
                    self.enriched += 1
                elif isinstance(outcome, DeadLetter):
                    self.deadlettered += 1
                    self.deadletter_by_stage[outcome.stage] += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "messages_in": self.messages_in,
                "enriched": self.enriched,
                "deadlettered": self.deadlettered,
                "deadletter_by_stage": dict(self.deadletter_by_stage),
            }
