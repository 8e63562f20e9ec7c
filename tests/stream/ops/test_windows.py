"""Sliding-window percentiles, throughput and the chart timeline, on a fake clock."""

from __future__ import annotations

import pytest

from nieuwsstroom.stream.ops.rolling_windows import LatencyWindow, RateWindow, Timeline, percentile


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_percentile_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile(values, 0) == 1
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100, got 101"):
        percentile(values, 101)


def test_latency_window_drops_samples_older_than_the_window():
    clock = FakeClock()
    window = LatencyWindow(window_s=300, max_samples=10_000, clock=clock)
    for ms in range(1, 101):
        window.add(float(ms))
    clock.advance(200)
    for _ in range(100):
        window.add(1000.0)
    summary = window.summary()
    assert summary["count"] == 200
    assert summary["p50"] == 100.0 and summary["p95"] == 1000.0
    clock.advance(101)  # the first hundred are now 301 s old
    summary = window.summary()
    assert summary == {"count": 100, "p50": 1000.0, "p95": 1000.0, "p99": 1000.0, "max": 1000.0}
    clock.advance(300)
    assert window.summary() == {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}


def test_latency_window_keeps_only_the_newest_max_samples():
    clock = FakeClock()
    window = LatencyWindow(window_s=300, max_samples=10, clock=clock)
    for ms in range(100):
        window.add(float(ms))
    summary = window.summary()
    assert summary["count"] == 10
    assert summary["p50"] == 94.0 and summary["max"] == 99.0


def test_rate_window_over_one_and_five_minutes():
    clock = FakeClock(0.0)
    rate = RateWindow(horizon_s=300, clock=clock)
    for _ in range(300):  # 2 events per second for 300 s
        rate.add(2)
        clock.advance(1)
    assert rate.rate(60) == pytest.approx(2.0)
    assert rate.rate(300) == pytest.approx(2.0)
    clock.advance(60)  # a silent minute
    assert rate.rate(60) == 0.0
    assert rate.rate(300) == pytest.approx(2.0 * 240 / 300)


def test_rate_window_divides_by_uptime_while_younger_than_the_window():
    clock = FakeClock(0.0)
    rate = RateWindow(horizon_s=300, clock=clock)
    for _ in range(10):
        rate.add(5)
        clock.advance(1)
    assert rate.rate(60) == pytest.approx(5.0)  # 50 events in 10 s, not 50/60
    assert rate.rate(300) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="got 301"):
        rate.rate(301)


def test_timeline_buckets_rates_and_latency():
    clock = FakeClock(1000.0)
    timeline = Timeline(bucket_s=5, buckets=4, clock=clock)
    timeline.count("in", 10)
    timeline.count("enriched", 5)
    for ms in (10.0, 20.0, 30.0, 40.0):
        timeline.latency(ms)
    clock.advance(10)  # skip a bucket: it shows as zeros
    timeline.count("in", 5)
    points = timeline.points(["in", "enriched"])
    assert [p["t"] for p in points] == [995.0, 1000.0, 1005.0, 1010.0]
    assert [p["in_per_s"] for p in points] == [0.0, 2.0, 0.0, 1.0]
    assert [p["enriched_per_s"] for p in points] == [0.0, 1.0, 0.0, 0.0]
    assert points[1]["p50_ms"] == 20.0 and points[1]["p95_ms"] == 40.0
    assert points[3]["p50_ms"] is None


def test_timeline_reservoir_is_bounded():
    clock = FakeClock(0.0)
    timeline = Timeline(bucket_s=5, buckets=2, max_samples=50, clock=clock)
    for i in range(10_000):
        timeline.latency(float(i))
    point = timeline.points([])[-1]
    assert point["p50_ms"] is not None and 0 <= point["p50_ms"] < 10_000
