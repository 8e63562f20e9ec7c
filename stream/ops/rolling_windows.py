"""Sliding windows for the web view: latency percentiles and throughput.

Why not Prometheus histograms alone: an on-call person wants "p95 over the last
five minutes" straight from the worker, without a Prometheus server, and
fixed buckets would blur the answer. Both windows take the clock as a
constructor argument so tests drive them with a fake clock.

- `LatencyWindow`: the samples of the last `window_s` seconds (default 300 s),
  capped at `max_samples` (default 2,000, oldest dropped first) so memory and
  the sort stay bounded under load; percentiles by the nearest-rank method.
- `RateWindow`: counts in one-second buckets; the rate over the last 60 s and
  300 s divides by the window, or by the time since the window started when
  that is shorter, so a worker that has run ten seconds does not report a
  tenth of its real rate.
- `Timeline`: fixed-width buckets (default 5 s) of counts and latency for the
  dashboard's charts, so a freshly opened page shows the recent past.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

Clock = Callable[[], float]


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of already sorted values; None when empty."""
    if not sorted_values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"Expected a percentile between 0 and 100, got {q}")
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class LatencyWindow:
    """Latency samples of the last `window_s` seconds, at most `max_samples` of them."""

    def __init__(
        self, window_s: float = 300.0, max_samples: int = 2000, clock: Clock = time.monotonic
    ) -> None:
        if window_s <= 0 or max_samples < 1:
            raise ValueError(
                f"Expected window_s > 0 and max_samples >= 1, got {window_s}, {max_samples}"
            )
        self.window_s = window_s
        self.max_samples = max_samples
        self._clock = clock
        self._samples: deque[tuple[float, float]] = deque(maxlen=max_samples)
        self._lock = threading.Lock()

    def add(self, value: float) -> None:
        with self._lock:
            self._samples.append((self._clock(), value))

    def _live(self) -> list[float]:
        cutoff = self._clock() - self.window_s
        while self._samples and self._samples[0][0] < cutoff:
            self._samples.popleft()
        return [value for _, value in self._samples]

    def summary(self, quantiles: Iterable[float] = (50, 95, 99)) -> dict[str, float | int | None]:
        """{"count": n, "p50": ..., "p95": ..., "p99": ..., "max": ...} over the live samples."""
        with self._lock:
            values = sorted(self._live())
        out: dict[str, float | int | None] = {"count": len(values)}
        for q in quantiles:
            found = percentile(values, q)
            out[f"p{q:g}"] = None if found is None else round(found, 3)
        out["max"] = round(values[-1], 3) if values else None
        return out


class RateWindow:
    """Events per second over trailing windows, from one-second buckets."""

    def __init__(self, horizon_s: int = 300, clock: Clock = time.monotonic) -> None:
        if horizon_s < 1:
            raise ValueError(f"Expected horizon_s >= 1, got {horizon_s}")
        self.horizon_s = horizon_s
        self._clock = clock
        self._started = clock()
        self._buckets: deque[list[int]] = deque()  # [second, count], oldest first
        self._lock = threading.Lock()

    def add(self, count: int = 1) -> None:
        second = int(self._clock())
        with self._lock:
            if self._buckets and self._buckets[-1][0] == second:
                self._buckets[-1][1] += count
            else:
                self._buckets.append([second, count])
            self._trim(second)

    def _trim(self, now_second: int) -> None:
        while self._buckets and self._buckets[0][0] < now_second - self.horizon_s:
            self._buckets.popleft()

    def rate(self, window_s: int) -> float:
        """Events per second over the last `window_s` completed seconds (<= horizon).

        The current, partial second is left out so a rate never jumps with
        the phase of the clock; events show up in it at most a second late.
        """
        if not 1 <= window_s <= self.horizon_s:
            raise ValueError(f"Expected 1 <= window_s <= {self.horizon_s}, got {window_s}")
        now = self._clock()
        second = int(now)
        with self._lock:
            self._trim(second)
            total = sum(c for s, c in self._buckets if second - window_s <= s < second)
        span = min(float(window_s), max(now - self._started, 1.0))
        return round(total / span, 3)


@dataclass(slots=True)
class _Bucket:
    """One timeline bucket: counts and a bounded reservoir of latency samples."""

    start: float
    counts: dict[str, int] = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    seen: int = 0


class Timeline:
    """Fixed-width time buckets of counters and latency samples, for charts.

    Each bucket keeps at most `max_samples` latencies (reservoir sampling), so
    a burst cannot grow memory without bound.
    """

    def __init__(
        self,
        bucket_s: float = 5.0,
        buckets: int = 60,
        max_samples: int = 500,
        clock: Clock = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if bucket_s <= 0 or buckets < 1 or max_samples < 1:
            raise ValueError(
                f"Expected bucket_s > 0, buckets >= 1, max_samples >= 1,"
                f" got {bucket_s}, {buckets}, {max_samples}"
            )
        self.bucket_s = bucket_s
        self.buckets = buckets
        self.max_samples = max_samples
        self._clock = clock
        self._rng = rng or random.Random(0)
        self._data: deque[_Bucket] = deque(maxlen=buckets)
        self._lock = threading.Lock()

    def _current(self) -> _Bucket:
        start = math.floor(self._clock() / self.bucket_s) * self.bucket_s
        if not self._data or self._data[-1].start != start:
            self._data.append(_Bucket(start))
        return self._data[-1]

    def count(self, name: str, n: int = 1) -> None:
        with self._lock:
            counts = self._current().counts
            counts[name] = counts.get(name, 0) + n

    def latency(self, ms: float) -> None:
        with self._lock:
            bucket = self._current()
            bucket.seen += 1
            if len(bucket.samples) < self.max_samples:
                bucket.samples.append(ms)
            else:
                slot = self._rng.randrange(bucket.seen)
                if slot < self.max_samples:
                    bucket.samples[slot] = ms

    def points(self, names: Sequence[str]) -> list[dict[str, float | None]]:
        """One point per bucket (gaps as zeros), oldest first; counts as per-second rates."""
        with self._lock:
            last = self._current().start
            by_start = {b.start: (dict(b.counts), sorted(b.samples)) for b in self._data}
        out: list[dict[str, float | None]] = []
        for i in range(self.buckets - 1, -1, -1):
            start = last - i * self.bucket_s
            counts, samples = by_start.get(start, ({}, []))
            point: dict[str, float | None] = {"t": start}
            for name in names:
                point[f"{name}_per_s"] = round(counts.get(name, 0) / self.bucket_s, 3)
            point["p50_ms"] = percentile(samples, 50)
            point["p95_ms"] = percentile(samples, 95)
            out.append(point)
        return out
