"""How tests run a real `nieuwsstroom worker`: its environment, topics and process.

Each worker gets its own topic names and app id (so tests never see each other's
messages) and its own Argos package dir and cache (so the machine's installed models
do not change what a test exercises).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from nieuwsstroom.stream.kafka.topics import ensure_topics
from nieuwsstroom.stream.local_kafka.broker import free_port
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.child_process import WorkerProcess


@dataclass(frozen=True)
class WorkerConfig:
    """A worker's environment and the Settings it implies."""

    env: dict[str, str]
    settings: Settings
    port: int


def worker_config(
    bootstrap: str,
    name: str,
    *,
    data_dir: Path,
    cache_dir: Path,
    argos_packages_dir: Path,
    partitions: int = 2,
    **overrides: str,
) -> WorkerConfig:
    """Environment for a worker whose app id and topics are all suffixed with `name`."""
    port = free_port()
    env = {
        "NIEUWSSTROOM_BROKER": f"kafka://{bootstrap}",
        "NIEUWSSTROOM_APP_ID": f"nieuwsstroom-{name}",
        "NIEUWSSTROOM_TOPIC_RAW": f"raw-{name}",
        "NIEUWSSTROOM_TOPIC_ENRICHED": f"enriched-{name}",
        "NIEUWSSTROOM_TOPIC_MENTIONS": f"mentions-{name}",
        "NIEUWSSTROOM_TOPIC_DEADLETTER": f"deadletter-{name}",
        "NIEUWSSTROOM_PARTITIONS": str(partitions),
        "NIEUWSSTROOM_WEB_PORT": str(port),
        "NIEUWSSTROOM_DATA_DIR": str(data_dir),
        "NIEUWSSTROOM_CACHE_DIR": str(cache_dir),
        "ARGOS_PACKAGES_DIR": str(argos_packages_dir),
        **overrides,
    }
    return WorkerConfig(env, Settings.for_child(env), port)


def start_worker(config: WorkerConfig, log_path: Path, timeout_s: float = 180.0) -> WorkerProcess:
    """Create the topics, start the worker process and wait until /health answers."""
    asyncio.run(ensure_topics(config.settings))
    worker = WorkerProcess(config.env, log_path, config.port)
    worker.start()
    try:
        worker.wait_healthy(timeout_s)
    except BaseException:
        worker.stop()
        raise
    return worker
