"""Fixtures for end-to-end tests: a real `nieuwsstroom worker` against the session broker.

Each worker gets its own topic names and app id, so tests never see each
other's messages, and its own Argos package dir, so the machine's installed
models do not change what the test exercises.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nieuwsstroom.stream.demo.runner import DemoResult, collect_outputs
from nieuwsstroom.stream.kafka.console import Produced, produce_values
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.local_kafka.broker import free_port
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.child_process import WorkerProcess
from tests.worker_env import start_worker, worker_config

_counter = itertools.count()


@dataclass
class PipelineUnderTest:
    """A running worker plus the settings that name its topics."""

    settings: Settings
    worker: WorkerProcess
    bootstrap: str
    env: dict[str, str]
    log_dir: Path
    started: list[WorkerProcess]

    def start_another_worker(self) -> WorkerProcess:
        """A second process of the same app (same group, same topics): restart or scale-out."""
        port = free_port()
        env = {**self.env, "NIEUWSSTROOM_WEB_PORT": str(port)}
        worker = WorkerProcess(env, self.log_dir / f"worker-{len(self.started)}.log", port)
        worker.start()
        self.started.append(worker)
        worker.wait_healthy()
        return worker

    def produce(self, values: list[bytes]) -> list[Produced]:
        return asyncio.run(
            produce_values(
                self.bootstrap,
                self.settings.topic_raw,
                values,
                security=kafka_security(self.settings),  # a secured broker's tests need it
            )
        )

    def collect(self, produced: list[Produced], timeout_s: float = 300.0) -> DemoResult:
        return asyncio.run(collect_outputs(self.settings, produced, timeout_s))


@pytest.fixture(scope="session")
def argos_packages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("argos-packages")


@pytest.fixture(scope="session")
def nieuwsstroom_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed KB and other caches for this test session (Kafka jars stay in the user cache)."""
    return tmp_path_factory.mktemp("nieuwsstroom-cache")


@pytest.fixture
def worker_factory(
    request: pytest.FixtureRequest,
    argos_packages_dir: Path,
    nieuwsstroom_cache: Path,
    tmp_path: Path,
) -> Iterator:
    """Start workers on fresh topics; stopped (or already killed) at teardown.

    `worker_factory(bootstrap="127.0.0.1:PORT")` runs the worker against another broker
    (a private one from `local_broker_factory`, for broker-restart tests); without it the
    session broker is used, and only then started, so a test on a private broker does not
    pay for a second JVM. Ask for `local_broker_factory` before `worker_factory` in the
    test's arguments: fixtures are torn down in reverse order, so the workers then stop
    while their broker still answers.
    """
    workers: list[WorkerProcess] = []

    def start(
        partitions: int = 2, *, bootstrap: str | None = None, **env: str
    ) -> PipelineUnderTest:
        name = f"t{next(_counter)}-{tmp_path.name[-12:]}"
        if bootstrap is None:
            bootstrap = str(request.getfixturevalue("kafka_bootstrap"))
        config = worker_config(
            bootstrap,
            name,
            data_dir=tmp_path / f"faust-{name}",
            cache_dir=nieuwsstroom_cache,
            argos_packages_dir=argos_packages_dir,
            partitions=partitions,
            **env,
        )
        worker = start_worker(config, tmp_path / f"worker-{name}.log")
        workers.append(worker)
        return PipelineUnderTest(config.settings, worker, bootstrap, config.env, tmp_path, workers)

    yield start
    for worker in workers:
        worker.stop()
