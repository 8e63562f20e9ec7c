"""Debian's Prometheus and Alertmanager as real processes for a test, on free ports.

Both run the repository's own configuration (Prometheus's rendered for the test by
`prometheus_config.render`), keep their data in the test's temporary folder, and get
SIGTERM from the kernel if the test process dies (`die_with_parent`).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nieuwsstroom.stream.local_kafka.broker import free_port
from nieuwsstroom.stream.process.parent_death import die_with_parent
from tests.deploy.prometheus_config import ALERTMANAGER_YML, render, write

PROMETHEUS = "prometheus"
ALERTMANAGER = "prometheus-alertmanager"  # Debian's name for the alertmanager binary


def missing_tools() -> list[str]:
    return [name for name in (PROMETHEUS, ALERTMANAGER) if shutil.which(name) is None]


def http_json(url: str, timeout: float = 10.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Server:
    """One server process with its log file and base URL."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} not ready after {timeout_s:.0f}s:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])


def _start(name: str, args: list[str], log: Path, port: int) -> Server:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [shutil.which(name) or name, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
    server = Server(name, proc, f"http://127.0.0.1:{port}", log)
    server.wait_ready()
    return server


@dataclass
class MonitoringStack:
    prometheus: Server
    alertmanager: Server
    config: dict[str, Any]
    at: float | None = None
    """Evaluate queries at this Unix time (None: now); see `settle`."""

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's result as a list of samples ({metric, value: [t, "v"]})."""
        params = {"query": expr} | ({"time": f"{self.at:.3f}"} if self.at is not None else {})
        url = f"{self.prometheus.url}/api/v1/query?" + urllib.parse.urlencode(params)
        body = http_json(url)
        assert body["status"] == "success", body
        data = body["data"]
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": data["result"]}]
        return data["result"]

    def settle(self, job: str, timeout_s: float = 60.0) -> float:
        """Pin queries to a moment a few scrape intervals ago at which `job`'s last scrape
        had succeeded. On a busy machine a scrape can time out; Prometheus then marks the
        target's series stale, and a query landing just after would see none of them. At a
        settled moment every query sees the same, complete scrape."""
        interval = float(self.config["global"]["scrape_interval"].rstrip("s"))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.at = time.time() - 3 * interval  # every scrape begun before it has ended
            up = self.query(f'up{{job="{job}"}}')
            if up and float(up[0]["value"][1]) == 1:
                return self.at
            time.sleep(interval)
        self.at = None
        raise AssertionError(f"no successful scrape of {job} within {timeout_s:.0f}s")

    def api(self, path: str) -> Any:
        body = http_json(self.prometheus.url + path)
        assert body["status"] == "success", body
        return body["data"]

    def stop(self) -> None:
        self.prometheus.stop()
        self.alertmanager.stop()


def start_monitoring(worker_target: str, workdir: Path) -> MonitoringStack:
    """Alertmanager with deploy/alertmanager/alertmanager.yml, then Prometheus with the
    rendered deploy/prometheus/prometheus.yml scraping `worker_target` ("host:port")."""
    am_port, prom_port = free_port(), free_port()
    alertmanager = _start(
        ALERTMANAGER,
        [
            f"--config.file={ALERTMANAGER_YML}",
            f"--storage.path={workdir / 'alertmanager'}",
            f"--web.listen-address=127.0.0.1:{am_port}",
            "--cluster.listen-address=",  # no high-availability gossip on a shared port
        ],
        workdir / "alertmanager.log",
        am_port,
    )
    config = render(
        worker_targets=[worker_target],
        alertmanager=f"127.0.0.1:{am_port}",
        prometheus=f"127.0.0.1:{prom_port}",
    )
    try:
        prometheus = _start(
            PROMETHEUS,
            [
                f"--config.file={write(config, workdir / 'prometheus.yml')}",
                f"--storage.tsdb.path={workdir / 'prometheus'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                # Firing alerts are re-sent every minute by default; an alert evaluated
                # before the Alertmanager was discovered would wait that long.
                "--rules.alert.resend-delay=1s",
            ],
            workdir / "prometheus.log",
            prom_port,
        )
    except BaseException:
        alertmanager.stop()
        raise
    return MonitoringStack(prometheus, alertmanager, config)


def prometheus_version() -> str:
    out = subprocess.run([PROMETHEUS, "--version"], capture_output=True, text=True, check=True)
    return (out.stdout or out.stderr).splitlines()[0]
