"""Trending entities: a windowed Faust table of mentions per Wikidata QID.

A second agent consumes `entities.mentions` (one record per linked entity per
article, keyed by QID) and adds each record to a tumbling-window table: 10
minute windows by message timestamp, kept for an hour. Tumbling rather than
hopping windows because each record then updates one window, not ten, and the
dashboard compares the current window with the previous one to show the trend.

The table is keyed by QID, like the mentions topic, so it is co-partitioned
with its source and needs no repartitioning; with several workers each one
holds (and its `/pipeline/trending` shows) the QIDs of its own partitions.
Values carry the label and type too, so a restarted worker that recovers the
table from its changelog can still name what it counts.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from typing import Any

import faust
import orjson

from nieuwsstroom.stream.ops.rolling_windows import Clock
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.faust_config import bytes_topic, faust_settings

log = logging.getLogger(__name__)

TABLE_NAME = "trending-entities"
WINDOW_S = 600.0
EXPIRES_S = 3600.0
WIKIDATA_URL = "https://www.wikidata.org/wiki/"


def wikidata_url(qid: str) -> str:
    return WIKIDATA_URL + qid


def merge_mention(current: dict[str, Any] | None, mention: dict[str, Any]) -> dict[str, Any]:
    """The window's value after one more mention record for the same QID."""
    current = current or {}
    count = mention.get("count")
    mentions = count if isinstance(count, int) and count > 0 else 1
    return {
        "label": mention.get("label") or current.get("label"),
        "type": mention.get("type") or current.get("type"),
        "mentions": int(current.get("mentions", 0)) + mentions,
        "articles": int(current.get("articles", 0)) + 1,
    }


class Trending:
    """The windowed table plus the agent that fills it; `top()` answers the web view."""

    def __init__(
        self,
        app: faust.App,
        mentions_topic: faust.TopicT,
        partitions: int,
        *,
        window_s: float = WINDOW_S,
        expires_s: float = EXPIRES_S,
        clock: Clock = time.time,
    ) -> None:
        self.app = app
        self.window_s = window_s
        self.expires_s = expires_s
        self._clock = clock
        self.table = app.Table(
            TABLE_NAME,
            default=dict,
            partitions=partitions,  # JSON keys and values: Faust's default for untyped tables
            help="Mentions per QID in tumbling windows (trending entities).",
        ).tumbling(window_s, expires=expires_s)
        self.processed = 0
        self.skipped = 0

        @app.agent(mentions_topic, name="trending-entities")
        async def count_mentions(stream: faust.StreamT) -> None:
            async for value in stream:
                self.add(value)

        self.agent = count_mentions

    def add(self, value: bytes | None) -> None:
        """Count one mention record; a bad record is logged and skipped, never raised."""
        try:
            mention = orjson.loads(value or b"")
            qid = mention["qid"]
            if not isinstance(qid, str) or not qid:
                raise ValueError(f"Expected a QID string, got {qid!r}")
            self.table[qid] = merge_mention(self.table[qid].current(), mention)
            self.processed += 1
        except Exception as exc:  # one bad record must not stop the counting
            self.skipped += 1
            log.warning("Skipped a mention record (%s: %s)", type(exc).__name__, exc)

    def _window_start(self, timestamp: float) -> float:
        return math.floor(timestamp / self.window_s) * self.window_s

    def _entries(self) -> Iterator[tuple[str, float, dict[str, Any]]]:
        data = self.table.table.data
        for key, value in list(data.items()):
            try:
                qid, (start, _end) = key
            except (TypeError, ValueError):
                continue
            if isinstance(value, dict):
                yield str(qid), float(start), value

    def top(self, limit: int = 20) -> dict[str, Any]:
        """The current window's most mentioned QIDs, with the previous window's count."""
        now = self._clock()
        start = self._window_start(now)
        previous_start = start - self.window_s
        current: dict[str, dict[str, Any]] = {}
        previous: dict[str, dict[str, Any]] = {}
        for qid, window_start, value in self._entries():
            if abs(window_start - start) < 1e-6:
                current[qid] = value
            elif abs(window_start - previous_start) < 1e-6:
                previous[qid] = value
        ranked = sorted(current.items(), key=lambda kv: (-kv[1].get("mentions", 0), kv[0]))
        entities = []
        for qid, value in ranked[:limit]:
            before = previous.get(qid, {})
            entities.append(
                {
                    "qid": qid,
                    "label": value.get("label") or qid,
                    "type": value.get("type"),
                    "mentions": value.get("mentions", 0),
                    "articles": value.get("articles", 0),
                    "previous_mentions": before.get("mentions", 0),
                    "url": wikidata_url(qid),
                }
            )
        return {
            "window": {
                "type": "tumbling",
                "size_s": self.window_s,
                "expires_s": self.expires_s,
                "start": start,
                "end": start + self.window_s,
                "time": "message timestamp",
            },
            "entities": entities,
            "distinct_entities": len(current),
            "records_counted": self.processed,
            "records_skipped": self.skipped,
        }


def create_trending(settings: Settings) -> Trending:
    """The trending-entities table in a Faust app (and consumer group) of its own.

    Kept apart from the enrichment app on purpose: a table makes Faust restore its
    changelog after every rebalance, and faust-streaming 0.15.3 starts the fetcher
    before it seeks stream partitions to their committed offsets when there is a
    changelog to restore. In one app, a worker restarted after a crash then skipped
    raw articles it had prefetched (and could never commit past them). Aggregating
    `entities.mentions` is a downstream consumer anyway; it must not pause enrichment.
    """
    app = faust.App(f"{settings.app_id}-trending", **faust_settings(settings, web_enabled=False))
    mentions = bytes_topic(app, settings.topic_mentions, settings.partitions)
    return Trending(app, mentions, settings.partitions)
