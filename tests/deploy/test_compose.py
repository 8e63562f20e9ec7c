"""docker-compose.yml and deploy/ are consistent with each other and with the app.

Docker cannot run here, so these checks pin what a reviewer would otherwise
check by eye: every service the issue asks for, named volumes, health checks, a
worker that can be scaled, Kafka in KRaft mode on the same version the tests
verified, and — the mistake that silently breaks a deployment — no
NIEUWSSTROOM_* variable that `stream.settings.Settings` does not read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is in the `test` extra")

from nieuwsstroom.stream.local_kafka.jars import KAFKA_VERSION  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402
from tests.deploy.prometheus_config import compose_mounts, container_path_to_repo  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"
GRAFANA = ROOT / "deploy" / "grafana"
PIPELINE_TOPICS = {"articles.raw", "articles.enriched", "entities.mentions", "articles.deadletter"}
SETTINGS_ENV = {f"NIEUWSSTROOM_{name.upper()}" for name in Settings.model_fields}
_DEFAULT = re.compile(r"^\$\{[A-Z0-9_]+:-(?P<default>[^}]*)\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def env_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a dict (compose allows a mapping or KEY=VALUE list)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def resolved(value: str) -> str:
    """`${VAR:-default}` -> default: what the stack runs with when VAR is unset."""
    match = _DEFAULT.match(value)
    return match.group("default") if match else value


def test_services_present(services: dict[str, Any]) -> None:
    assert {"kafka", "kafka-init", "worker", "prometheus", "alertmanager", "grafana"} <= set(
        services
    )


def test_every_nieuwsstroom_variable_is_a_setting(services: dict[str, Any]) -> None:
    used = {
        (name, key)
        for name, service in services.items()
        for key in env_of(service)
        if key.startswith("NIEUWSSTROOM_")
    }
    assert used, "the worker is configured through NIEUWSSTROOM_* variables"
    unknown = sorted(f"{name}: {key}" for name, key in used if key not in SETTINGS_ENV)
    assert unknown == [], f"not fields of stream.settings.Settings: {unknown}"


def test_every_nieuwsstroom_variable_in_comments_is_a_setting_too() -> None:
    """The commented examples (Kafka security) are copied into override files: a misspelt
    one would be ignored silently, as an unknown environment variable is."""
    named = set(re.findall(r"\bNIEUWSSTROOM_[A-Z0-9_]*[A-Z0-9]\b", COMPOSE.read_text()))
    assert {"NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL", "NIEUWSSTROOM_KAFKA_SASL_PASSWORD"} <= named
    assert sorted(named - SETTINGS_ENV) == []


def test_worker_settings_values_parse(services: dict[str, Any]) -> None:
    """The worker's defaults must build a valid Settings (types, ranges)."""
    env = {k: resolved(v) for k, v in env_of(services["worker"]).items()}
    fields = {k.removeprefix("NIEUWSSTROOM_").lower(): v for k, v in env.items()}
    settings = Settings(**fields)
    assert settings.broker == "kafka://kafka:9092"
    assert settings.web_host == "0.0.0.0"
    assert settings.web_port == 6066
    assert {settings.topic_raw, settings.topic_enriched} <= PIPELINE_TOPICS


def test_dockerfile_env_uses_only_settings() -> None:
    text = DOCKERFILE.read_text()
    names = set(re.findall(r"\b(NIEUWSSTROOM_[A-Z0-9_]+)=", text))
    assert names and names <= SETTINGS_ENV, names - SETTINGS_ENV


def test_worker_is_scalable_and_healthy(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert "container_name" not in worker, "a fixed name breaks --scale worker=N"
    for port in worker.get("ports", []):
        assert ":" not in str(port), f"a fixed host port breaks --scale: {port}"
    assert worker["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (ROOT / worker["build"]["context"] / worker["build"]["dockerfile"]).is_file()
    assert "/health" in " ".join(worker["healthcheck"]["test"])
    deps = worker["depends_on"]
    assert deps["kafka-init"]["condition"] == "service_completed_successfully"
    assert deps["kafka"]["condition"] == "service_healthy"


def test_kafka_is_kraft_single_node_on_a_named_volume(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    kafka = services["kafka"]
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}", "same version the tests verify"
    env = env_of(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "CONTROLLER" in env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env  # Kafka 4 has no ZooKeeper
    cluster_id = resolved(env["CLUSTER_ID"])
    assert len(cluster_id) == 22, "a Kafka cluster id is a base64 UUID (22 chars)"
    mounts = {m.split(":")[0]: m.split(":")[1] for m in kafka["volumes"]}
    assert mounts.get("kafka-data") == env["KAFKA_LOG_DIRS"]
    assert "kafka-data" in compose["volumes"]
    assert kafka["healthcheck"]["test"]


def test_topic_initialiser_creates_the_pipeline_topics(services: dict[str, Any]) -> None:
    init = services["kafka-init"]
    assert init["image"] == services["kafka"]["image"]
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert init.get("restart", "no") == "no"
    env = {k: resolved(v) for k, v in env_of(init).items()}
    kinds = ("RAW", "ENRICHED", "MENTIONS", "DEADLETTER")
    assert {env[f"NIEUWSSTROOM_TOPIC_{kind}"] for kind in kinds} == PIPELINE_TOPICS
    assert int(env["NIEUWSSTROOM_PARTITIONS"]) >= 2
    assert "${NIEUWSSTROOM_PARTITIONS" in COMPOSE.read_text(), "partition count from the env"
    script = " ".join(init["command"])
    assert "kafka-topics.sh" in script and "--if-not-exists" in script
    # `$$` survives compose's own interpolation, so the container's shell expands the
    # variable; a single `$` would be replaced from the host environment (often empty).
    assert '"$$NIEUWSSTROOM_PARTITIONS"' in script
    assert not re.search(r"(?<!\$)\$(?!\$)\{?NIEUWSSTROOM_", script)
    # Workers and the initialiser agree on topic names and partitions.
    worker_env = env_of(services["worker"])
    for key, value in env_of(init).items():
        assert worker_env.get(key) == value


def test_prometheus_scrapes_workers_through_docker_dns(services: dict[str, Any]) -> None:
    prom = services["prometheus"]
    assert prom["image"].startswith("prom/prometheus:")
    mounted = {m.split(":")[1]: m.split(":")[0] for m in prom["volumes"]}
    assert (ROOT / mounted["/etc/prometheus/prometheus.yml"]).resolve() == PROMETHEUS
    config = yaml.safe_load(PROMETHEUS.read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker_job = jobs["nieuwsstroom-worker"]
    assert worker_job["metrics_path"] == "/metrics"
    sd = worker_job["dns_sd_configs"][0]
    assert sd["names"] == ["worker"] and sd["type"] == "A"
    assert sd["port"] == int(resolved(env_of(services["worker"])["NIEUWSSTROOM_WEB_PORT"]))


def test_prometheus_loads_the_alert_rules_and_sends_to_the_alertmanager_service(
    services: dict[str, Any],
) -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    mounts = compose_mounts("prometheus")
    rule_files = [container_path_to_repo(path, mounts) for path in config["rule_files"]]
    found = [match for pattern in rule_files for match in pattern.parent.glob(pattern.name)]
    assert found, f"rule_files {config['rule_files']} match no file of the repository"
    assert all(path.parent == ROOT / "deploy" / "prometheus" / "rules" for path in found)
    [manager] = config["alerting"]["alertmanagers"]
    [target] = manager["static_configs"][0]["targets"]
    host, port = target.split(":")
    assert host in services, f"alerts go to {host}, which is no compose service"
    assert f"127.0.0.1:{port}" in " ".join(services[host]["healthcheck"]["test"])


def test_alertmanager_runs_the_repository_config(services: dict[str, Any]) -> None:
    manager = services["alertmanager"]
    assert manager["image"].startswith("prom/alertmanager:")
    flags = dict(arg.split("=", 1) for arg in manager["command"])
    mounts = compose_mounts("alertmanager")
    assert mounts[flags["--config.file"]] == ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
    assert any(str(m).startswith("alertmanager-data:") for m in manager["volumes"])


def test_the_worker_stops_within_compose_grace_period(services: dict[str, Any]) -> None:
    """Docker sends SIGTERM, then SIGKILL after stop_grace_period: the worker's own bound on
    a stop must be shorter, so that it ends itself (committing nothing unpublished)."""
    worker = services["worker"]
    bound = float(resolved(env_of(worker)["NIEUWSSTROOM_STOP_TIMEOUT_S"]))
    grace = worker["stop_grace_period"]
    assert grace.endswith("s") and bound < float(grace[:-1]), (bound, grace)
    assert Settings(stop_timeout_s=bound).stop_timeout_s == bound


def test_grafana_provisions_datasource_and_dashboard(services: dict[str, Any]) -> None:
    grafana = services["grafana"]
    assert grafana["image"].startswith("grafana/grafana:")
    mounts = {m.split(":")[1]: m.split(":")[0] for m in grafana["volumes"]}
    provisioning = ROOT / mounts["/etc/grafana/provisioning"]
    dashboards_dir = ROOT / mounts["/etc/grafana/dashboards"]
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    source = datasources["datasources"][0]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((provisioning / "dashboards" / "nieuwsstroom.yml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/etc/grafana/dashboards"
    dashboard = json.loads((dashboards_dir / "nieuwsstroom.json").read_text())
    assert dashboard["panels"]
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    for metric in ("nieuwsstroom_messages_in_total", "nieuwsstroom_stage_latency_seconds_bucket"):
        assert metric in exprs
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"]
    assert dashboards_dir.resolve() == (GRAFANA / "dashboards").resolve()


def test_dashboard_queries_only_metrics_the_app_exports() -> None:
    """Each nieuwsstroom_* series in the dashboard is a name stream/metrics.py declares."""
    source = (ROOT / "stream" / "ops" / "metrics.py").read_text()
    declared = set(re.findall(r'"(nieuwsstroom_[a-z_]+)"', source))
    dashboard = json.loads((GRAFANA / "dashboards" / "nieuwsstroom.json").read_text())
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    for series in set(re.findall(r"nieuwsstroom_[a-z_]+", exprs)):
        base = re.sub(r"_(total|bucket|sum|count)$", "", series)
        assert base in declared, f"{series} is not exported by stream/metrics.py"


def test_named_volumes_and_healthchecks(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name, service in services.items():
        for mount in service.get("volumes", []):
            src = str(mount).split(":")[0]
            if not src.startswith((".", "/")):
                assert src in declared, f"{name} mounts undeclared volume {src}"
        if name != "kafka-init":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    dockerfile = DOCKERFILE.read_text()
    assert "HEALTHCHECK" in dockerfile and "/health" in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M), "the image runs as non-root"
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2, "multi-stage"


def test_every_dashboard_query_is_one_the_prometheus_test_runs() -> None:
    """tests/stream/ops/test_prometheus_real.py runs every panel target's `expr` against a
    real Prometheus; a hidden target, or one on another datasource, would escape it."""
    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            assert panel["targets"], f"{path.name}: {panel['title']} has no query"
            for target in panel["targets"]:
                assert target.get("expr"), (path.name, panel["title"], target)
                assert not target.get("hide"), (path.name, panel["title"], "hidden target")
                assert target["datasource"]["uid"] == "prometheus"
