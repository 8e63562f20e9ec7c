"""Fixture for the web-view tests: one real worker against the session broker.

Session-scoped on purpose: starting a worker (model warm-up,
Faust start, table recovery) costs tens of seconds on a busy machine, and the
endpoint test and the browser test only read from the same running worker.
Each test that sends articles records what it expects (`WebPipeline.send`), so
the tests can run in any order and still compare exact counts.

The lead's `tests/stream/conftest.py` has a function-scoped `worker_factory`;
this one can move next to it as a shared session fixture when that exists.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from nieuwsstroom.stream.demo.runner import SAMPLE_ARTICLES, collect_outputs
from nieuwsstroom.stream.kafka.console import produce_values
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.child_process import WorkerProcess
from tests.worker_env import start_worker, worker_config

BAD_INPUTS: list[tuple[bytes, str]] = [
    (b"{not json", "decode"),
    (b'{"id": "web-no-body", "title": "Titel"}', "validate"),
]


@dataclass
class WebPipeline:
    """A running worker, its web port, and the running totals of what was sent."""

    settings: Settings
    worker: WorkerProcess
    bootstrap: str
    port: int
    sent: int = 0
    enriched: list[dict[str, Any]] = field(default_factory=list)
    dead_by_stage: Counter[str] = field(default_factory=Counter)
    first_sent_at: float | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, bytes, str]:
        """(status, body, content type) of a GET on the worker's web view."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as response:
                return response.status, response.read(), response.headers["Content-Type"]
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers["Content-Type"]

    def get_json(self, path: str) -> tuple[int, Any]:
        status, body, _ = self.get(path)
        return status, json.loads(body)

    def send(self, values: list[bytes], dead_stages: list[str]) -> None:
        """Produce, wait until every message is in an output topic, record expectations."""
        self.first_sent_at = self.first_sent_at or time.time()
        produced = asyncio.run(produce_values(self.bootstrap, self.settings.topic_raw, values))
        result = asyncio.run(collect_outputs(self.settings, produced, timeout_s=300))
        assert result.missing == [], f"not accounted for: {result.missing}"
        assert sorted(d["stage"] for d in result.deadletters) == sorted(dead_stages)
        self.sent += len(values)
        self.enriched.extend(result.enriched)
        self.dead_by_stage.update(dead_stages)

    def wait_for(self, predicate: Any, what: str, timeout_s: float = 120.0) -> Any:
        """Poll /pipeline/stats until `predicate(stats)` holds; return the stats."""
        deadline = time.monotonic() + timeout_s
        stats: Any = None
        while time.monotonic() < deadline:
            stats = self.get_json("/pipeline/stats")[1]
            if predicate(stats):
                return stats
            time.sleep(1)
        raise AssertionError(f"timed out waiting for {what}; last stats: {stats}")


def sample_articles(tag: str) -> list[bytes]:
    """The bundled sample articles with ids made unique for this send."""
    values = []
    for line in SAMPLE_ARTICLES.read_bytes().splitlines():
        if line.strip():
            article = json.loads(line)
            article["id"] = f"{article['id']}-{tag}"
            values.append(json.dumps(article, ensure_ascii=False).encode())
    return values


@pytest.fixture(scope="session")
def web_pipeline(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebPipeline]:
    """A worker on its own topics, ready (/ready = 200), with sample and bad articles sent."""
    tmp = tmp_path_factory.mktemp("web-worker")
    config = worker_config(
        kafka_bootstrap,
        f"web-{uuid.uuid4().hex[:8]}",
        data_dir=tmp / "faust",
        cache_dir=tmp / "cache",
        argos_packages_dir=tmp / "argos-packages",
    )
    settings, port = config.settings, config.port
    worker = start_worker(config, tmp / "worker.log", timeout_s=300)
    try:
        pipeline = WebPipeline(settings, worker, kafka_bootstrap, port)
        deadline = time.monotonic() + 300
        while pipeline.get("/ready")[0] != 200:
            assert worker.poll() is None, worker.log_tail()
            assert time.monotonic() < deadline, pipeline.get("/ready")[1]
            time.sleep(1)
        values = sample_articles("a") + [value for value, _ in BAD_INPUTS]
        pipeline.send(values, [stage for _, stage in BAD_INPUTS])
        yield pipeline
    finally:
        worker.stop()
