"""The shipped Prometheus configuration, rendered for a test's own ports and paths.

There is one configuration, `deploy/prometheus/prometheus.yml`, the file
docker-compose.yml mounts. Tests run Debian's Prometheus with that file after
changing only what differs outside Docker, and fail loudly if its shape changes
under them:

- the worker job finds workers through Docker's DNS (`dns_sd_configs` on the service
  name); here it gets the test worker's address as a static target instead, with the
  job name, metrics path and relabelling kept;
- the Alertmanager and Prometheus's own address become the test's ports;
- `rule_files` name paths inside the container: they are mapped back to the repository
  through the prometheus service's volume mounts in docker-compose.yml;
- scrape and evaluation intervals become 1 s, so a test needs seconds, not minutes.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_YML = ROOT / "deploy" / "prometheus" / "prometheus.yml"
COMPOSE_YML = ROOT / "docker-compose.yml"
ALERTMANAGER_YML = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
WORKER_JOB = "nieuwsstroom-worker"


def shipped_config() -> dict[str, Any]:
    return yaml.safe_load(PROMETHEUS_YML.read_text())


def compose_mounts(service: str) -> dict[str, Path]:
    """{path in the container: path in the repository} of a compose service's bind mounts."""
    compose = yaml.safe_load(COMPOSE_YML.read_text())
    mounts = {}
    for mount in compose["services"][service].get("volumes", []):
        source, target = str(mount).split(":")[:2]
        if source.startswith((".", "/")):
            mounts[target] = (ROOT / source).resolve()
    return mounts


def container_path_to_repo(path: str, mounts: dict[str, Path]) -> Path:
    """`/etc/prometheus/rules/*.yml` -> `<repo>/deploy/prometheus/rules/*.yml`."""
    for target, source in sorted(mounts.items(), key=lambda item: -len(item[0])):
        if path == target or path.startswith(target.rstrip("/") + "/"):
            return source / path[len(target) :].lstrip("/")
    raise AssertionError(f"{path} is not inside any volume docker-compose.yml mounts")


def render(
    *,
    worker_targets: list[str],
    alertmanager: str,
    prometheus: str,
    interval: str = "1s",
) -> dict[str, Any]:
    """The shipped configuration with this test's addresses, repository paths, intervals."""
    config = copy.deepcopy(shipped_config())
    config["global"].update(
        scrape_interval=interval, scrape_timeout=interval, evaluation_interval=interval
    )
    mounts = compose_mounts("prometheus")
    config["rule_files"] = [
        str(container_path_to_repo(path, mounts)) for path in config["rule_files"]
    ]
    [manager] = config["alerting"]["alertmanagers"]
    [static] = manager["static_configs"]
    static["targets"] = [alertmanager]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker = jobs[WORKER_JOB]
    [dns] = worker.pop("dns_sd_configs")
    assert dns["names"] == ["worker"], "the worker job is expected to find workers by DNS"
    worker["static_configs"] = [{"targets": worker_targets}]
    jobs["prometheus"]["static_configs"] = [{"targets": [prometheus]}]
    return config


def write(config: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
