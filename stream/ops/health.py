"""Liveness and readiness, as an orchestrator needs them.

Liveness (`/health`) answers from the event loop itself: if the handler runs,
the loop is alive; a heartbeat task also reports how late the loop wakes up
(`loop_lag_ms`), the usual sign of blocking work on the loop.

Readiness (`/ready`) says whether this worker can do its job now: the broker
answers a metadata request, the pipeline's topics exist, the translation model
and the knowledge base are loaded. The broker check opens a short-lived
client with a short timeout and is cached for a few seconds, so an
orchestrator probing every second costs one metadata request per period and
a dead broker never hangs the probe. Each answer (or its absence) is also told
to a `BrokerWatch`, which turns a long outage into "broker gone" on /ready and
in the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nieuwsstroom.stream.errors import KafkaConnectError
from nieuwsstroom.stream.kafka.preflight import check_connection
from nieuwsstroom.stream.kafka.security import PLAINTEXT, KafkaSecurity
from nieuwsstroom.stream.kafka.topics import TopicNames, bootstrap_servers
from nieuwsstroom.stream.ops.broker_watch import BrokerWatch
from nieuwsstroom.stream.ops.rolling_windows import Clock
from nieuwsstroom.stream.worker.runtime import Runtime

log = logging.getLogger(__name__)

MetadataFetcher = Callable[[], Awaitable[set[str]]]
"""Returns the broker's topic names; raises when the broker is unreachable."""


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check: passed or not, and a human-readable detail."""

    name: str
    ok: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "detail": self.detail}


def broker_metadata(
    broker_url: str, timeout_s: float, security: KafkaSecurity = PLAINTEXT
) -> MetadataFetcher:
    """A fetcher that connects as the worker's clients do (same TLS and SASL) and asks
    for the metadata of all topics; a failure names its cause (`KafkaConnectError`:
    authentication failed, certificate not trusted, ...)."""

    async def fetch() -> set[str]:
        cluster = await check_connection(
            bootstrap_servers(broker_url), security, timeout_s=timeout_s
        )
        return set(cluster.topics())

    return fetch


class Readiness:
    """Runs the readiness checks; the broker/topic answer is cached `cache_s` seconds."""

    def __init__(
        self,
        runtime: Runtime,
        topics: TopicNames,
        fetch_topics: MetadataFetcher,
        *,
        cache_s: float = 5.0,
        timeout_s: float = 3.0,
        clock: Clock = time.monotonic,
        watch: BrokerWatch | None = None,
    ) -> None:
        self._runtime = runtime
        self.watch = watch
        self._topics = topics
        self._fetch = fetch_topics
        self.cache_s = cache_s
        self.timeout_s = timeout_s
        self._clock = clock
        self._cached: tuple[Check, Check] | None = None
        self._cached_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _broker_checks(self) -> tuple[Check, Check]:
        async with self._lock:
            if self._cached is not None and self._clock() - self._cached_at < self.cache_s:
                return self._cached
            started = time.perf_counter()
            try:
                present = await asyncio.wait_for(self._fetch(), self.timeout_s)
            except KafkaConnectError as exc:  # the cause, in one line
                # Refused credentials or certificates come from a broker that answered;
                # only an unreachable one counts towards "broker gone".
                broker = Check("broker", False, self._observe(exc.cause != "unreachable", str(exc)))
                topics = Check("topics", False, "unknown: broker unreachable")
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                detail = self._observe(False, f"metadata request failed: {reason}")
                broker = Check("broker", False, detail)
                topics = Check("topics", False, "unknown: broker unreachable")
            else:
                ms = (time.perf_counter() - started) * 1000
                self._observe(True, "")
                broker = Check("broker", True, f"metadata answered in {ms:.0f} ms")
                missing = [name for name in self._topics.all() if name not in present]
                topics = Check(
                    "topics",
                    not missing,
                    f"missing: {', '.join(missing)}" if missing else ", ".join(self._topics.all()),
                )
            self._cached = (broker, topics)
            self._cached_at = self._clock()
            return self._cached

    def _observe(self, answered: bool, detail: str) -> str:
        """Tell the watch whether the broker answered; the detail /ready shows."""
        if self.watch is None:
            return detail
        self.watch.observe(answered, detail)
        return self.watch.describe() if self.watch.gone else detail

    async def checks(self) -> list[Check]:
        broker, topics = await self._broker_checks()
        model = self._runtime.model_loaded.is_set()
        kb = self._runtime.kb_loaded.is_set()
        return [
            broker,
            topics,
            Check("model", model, _describe(self._runtime, "translator_provenance", model)),
            Check("knowledge_base", kb, _describe(self._runtime, "kb_provenance", kb)),
        ]

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """(ready, JSON body) with every check and its detail."""
        checks = await self.checks()
        ready = all(c.ok for c in checks)
        return ready, {
            "status": "ready" if ready else "not ready",
            "checks": {c.name: c.to_json() for c in checks},
        }


def _describe(runtime: Runtime, attribute: str, loaded: bool) -> str:
    if not loaded:
        return "not loaded yet (warm-up running)"
    try:
        prov = getattr(runtime, attribute)
    except Exception as exc:
        return f"loaded; provenance unavailable: {exc!r}"
    fields = ("engine", "model", "model_version", "kb_source", "kb_build_date", "kb_entities")
    parts = [f"{k}={prov[k]}" for k in fields if isinstance(prov, dict) and k in prov]
    return "loaded" + (f": {', '.join(parts)}" if parts else "")


class LoopHeartbeat:
    """Measures how late the event loop wakes from a short sleep (blocking shows up here)."""

    def __init__(self, interval_s: float = 1.0) -> None:
        self.interval_s = interval_s
        self.lag_ms = 0.0
        self.max_lag_ms = 0.0
        self.last_beat = time.monotonic()

    async def run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(self.interval_s)
            self.last_beat = time.monotonic()
            self.lag_ms = max((self.last_beat - before - self.interval_s) * 1000, 0.0)
            self.max_lag_ms = max(self.max_lag_ms, self.lag_ms)

    def to_json(self) -> dict[str, float]:
        return {
            "loop_lag_ms": round(self.lag_ms, 1),
            "loop_lag_max_ms": round(self.max_lag_ms, 1),
            "since_last_beat_s": round(time.monotonic() - self.last_beat, 1),
        }
