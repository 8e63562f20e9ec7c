"""The processes under test: the Kafka broker and the `nieuwsstroom worker` processes.

A worker is handed back only once /health and then /ready answer 200, so no
clock ever includes its start-up.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.pipeline_kit.phase import PARTITIONS, BenchError
from nieuwsstroom.stream.kafka.topics import bootstrap_servers
from nieuwsstroom.stream.local_kafka.broker import free_port
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.child_process import WorkerProcess


def http_json(url: str, timeout_s: float = 5.0) -> tuple[int, Any]:
    """(status, JSON body) of a GET; (0, None) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except (OSError, ValueError):
        return 0, None


@dataclass
class Worker:
    """A running worker process and its web port."""

    process: WorkerProcess
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB (10^6 bytes), from /proc/<pid>/status."""
        fields: dict[str, float] = {}
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) * 1024 / 1e6  # kB in /proc are KiB
        return fields["VmRSS"], fields["VmHWM"]

    def cpu_seconds(self) -> float:
        return self.process.cpu_seconds()

    def raw_partitions(self, topic: str) -> list[int]:
        """Partitions of `topic` assigned to this worker, as its /pipeline/stats says."""
        status, body = http_json(f"{self.base}/pipeline/stats")
        if status != 200 or body is None:
            return []
        return list(body.get("consumer", {}).get("partitions", {}).get(topic, []))


def start_worker(env: dict[str, str], data_dir: Path, log_path: Path) -> Worker:
    """Start `nieuwsstroom worker`; return once /health and then /ready answer 200."""
    port = free_port()
    process = WorkerProcess(
        {**env, "NIEUWSSTROOM_WEB_PORT": str(port), "NIEUWSSTROOM_DATA_DIR": str(data_dir)},
        log_path,
        port,
    )
    process.start()
    worker = Worker(process, port)
    try:
        process.wait_healthy(timeout_s=180)
        deadline = time.monotonic() + 180
        while http_json(f"{worker.base}/ready")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"worker never became ready; log tail:\n{process.log_tail()}")
            time.sleep(0.5)
    except BaseException:
        process.stop()
        raise
    return worker


def wait_balanced(workers: list[Worker], topic: str, timeout_s: float = 180.0) -> None:
    """Wait until the workers together own all partitions of `topic`, each some."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        owned = [w.raw_partitions(topic) for w in workers]
        if all(owned) and sorted(p for ps in owned for p in ps) == list(range(PARTITIONS)):
            return
        time.sleep(1.0)
    raise BenchError(f"partitions of {topic} never spread over {len(workers)} workers")


@contextlib.contextmanager
def kafka(broker: str | None, settings: Settings) -> Iterator[tuple[str, str]]:
    """(Faust broker URL, description): the given broker (with the caller's
    NIEUWSSTROOM_KAFKA_* security) or a fresh embedded, plaintext one."""
    if broker:
        yield broker, f"given broker {bootstrap_servers(broker)}"
        return
    if settings.kafka_security_protocol != "PLAINTEXT":
        raise BenchError("the embedded broker is PLAINTEXT: give --broker for a secured Kafka")
    from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker

    with LocalKafkaBroker(cache_dir=settings.cache_dir / "kafka", start_timeout=180) as local:
        yield f"kafka://{local.bootstrap}", f"embedded Kafka {local.kafka_version}"
