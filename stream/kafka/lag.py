"""What this worker consumes: assigned partitions and consumer lag per partition.

Lag = the broker's end offset (high watermark, asked with a short timeout and
cached a couple of seconds, so a dashboard polling every 2 s costs at most one
ListOffsets request per cache period) minus the offset Faust last committed
for the partition. Before the first commit of a partition the committed
offset is unknown; since the app resets to `earliest`, the lag then counts
from the partition's earliest offset.

Faust exposes committed offsets only as consumer internals and through its
monitor; both are read defensively so a Faust upgrade degrades to "unknown"
instead of breaking the web view.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

import faust
from faust.types import TP

from nieuwsstroom.stream.ops.rolling_windows import Clock

log = logging.getLogger(__name__)


class ConsumerState:
    """Reads assignment and lag from a Faust app's consumer; lag cached `cache_s` seconds."""

    def __init__(
        self,
        app: faust.App,
        lag_topics: Iterable[str],
        *,
        cache_s: float = 2.0,
        timeout_s: float = 2.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self._app = app
        self.lag_topics = frozenset(lag_topics)
        self.cache_s = cache_s
        self.timeout_s = timeout_s
        self._clock = clock
        self._cached: list[dict[str, Any]] = []
        self._cached_at = float("-inf")
        self._lock = asyncio.Lock()

    def _consumer(self) -> Any | None:
        # `app.consumer` creates a consumer when none exists; only read a started one.
        return getattr(self._app, "_consumer", None)

    def assignment(self) -> list[TP]:
        """The partitions assigned to this worker (all topics), sorted; [] before start."""
        consumer = self._consumer()
        if consumer is None:
            return []
        try:
            return sorted(consumer.assignment())
        except Exception:  # ConsumerNotStarted during start-up or rebalance
            return []

    def partitions(self) -> dict[str, list[int]]:
        """{topic: [partition, ...]} of this worker's assignment."""
        out: dict[str, list[int]] = {}
        for tp in self.assignment():
            out.setdefault(tp.topic, []).append(tp.partition)
        return out

    async def lag(self) -> list[dict[str, Any]]:
        """Per assigned partition of the lag topics: end offset, committed offset and lag."""
        async with self._lock:
            if self._clock() - self._cached_at < self.cache_s:
                return self._cached
            tps = [tp for tp in self.assignment() if tp.topic in self.lag_topics]
            self._cached = await self._measure(tps) if tps else []
            self._cached_at = self._clock()
            return self._cached

    async def _measure(self, tps: list[TP]) -> list[dict[str, Any]]:
        consumer = self._consumer()
        ends = await self._offsets(consumer, "highwaters", tps)
        if not ends:  # broker slow: fall back to the high watermark of the last fetch
            ends = {tp: _safe(lambda tp=tp: consumer.highwater(tp)) for tp in tps}
        committed = self._committed(consumer)
        unknown = [tp for tp in tps if committed.get(tp) is None]
        earliest = await self._offsets(consumer, "earliest_offsets", unknown) if unknown else {}
        rows = []
        for tp in tps:
            end = ends.get(tp)
            done = committed.get(tp)
            base = done if done is not None else earliest.get(tp)
            lag = max(end - base, 0) if end is not None and base is not None else None
            rows.append(
                {
                    "topic": tp.topic,
                    "partition": tp.partition,
                    "end_offset": end,
                    "committed": done,
                    "lag": lag,
                }
            )
        return rows

    async def _offsets(self, consumer: Any, method: str, tps: list[TP]) -> Mapping[TP, int]:
        try:
            found = await asyncio.wait_for(getattr(consumer, method)(*tps), self.timeout_s)
        except Exception as exc:  # timeout, broker down, rebalance: report unknown
            log.debug("Consumer %s(%s) failed: %r", method, tps, exc)
            return {}
        return {tp: int(v) for tp, v in found.items() if v is not None}

    def _committed(self, consumer: Any) -> dict[TP, int | None]:
        offsets: dict[TP, int | None] = {}
        monitor = getattr(self._app, "monitor", None)
        offsets.update(getattr(monitor, "tp_committed_offsets", None) or {})
        internal = getattr(consumer, "_committed_offset", None) or {}
        offsets.update({tp: v for tp, v in dict(internal).items() if v is not None})
        return offsets


def _safe(read: Any) -> int | None:
    try:
        value = read()
    except Exception:
        return None
    return int(value) if value is not None else None
