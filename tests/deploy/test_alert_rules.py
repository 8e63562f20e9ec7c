"""Alert rules, the Prometheus configuration and Alertmanager's, checked by their own tools.

`promtool check rules` / `check config` and `amtool check-config` validate the files;
`promtool test rules` runs the unit tests in tests/deploy/prometheus/ (synthetic series
in, firing alerts with their exact labels and annotations out); `amtool config routes
test` says which receiver an alert reaches. Debian's `prometheus` and
`prometheus-alertmanager` packages provide the tools (`.ci/run` installs them).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.prometheus_config import ALERTMANAGER_YML, PROMETHEUS_YML, ROOT, render, write

RULES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
RULE_TESTS = sorted((Path(__file__).parent / "prometheus").glob("*_test.yml"))


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (apt-get install prometheus prometheus-alertmanager)")
    return found


def run(*cmd: str, cwd: Path | None = None, stdout_only: bool = False) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{output}"
    return done.stdout if stdout_only else output


def alert_names() -> set[str]:
    return {
        rule["alert"]
        for path in RULES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }


def test_promtool_accepts_the_rules():
    assert RULES, "deploy/prometheus/rules/ holds the alert rules"
    output = run(tool("promtool"), "check", "rules", *map(str, RULES))
    assert "SUCCESS" in output


def test_the_alerts_the_issue_asks_for_exist():
    asked = {
        "NieuwsstroomWorkerDown",
        "NieuwsstroomConsumerLagGrowing",
        "NieuwsstroomDeadLetterRateHigh",
        "NieuwsstroomNoOutputWhileInputArrives",
    }
    assert asked <= alert_names()


def test_promtool_unit_tests_of_the_rules_pass():
    assert RULE_TESTS
    for path in RULE_TESTS:
        output = run(tool("promtool"), "test", "rules", path.name, cwd=path.parent)
        assert "SUCCESS" in output


def test_every_alert_is_unit_tested_firing_and_not_firing():
    fires: set[str] = set()
    silent: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (fires if check.get("exp_alerts") else silent).add(check["alertname"])
    assert alert_names() <= fires, f"never tested firing: {alert_names() - fires}"
    always_on = {"NieuwsstroomWatchdog"}
    assert alert_names() - always_on <= silent, f"never tested quiet: {alert_names() - silent}"


def test_promtool_accepts_the_shipped_config_and_its_test_rendering(tmp_path: Path):
    promtool = tool("promtool")
    run(promtool, "check", "config", str(PROMETHEUS_YML))
    rendered = render(
        worker_targets=["127.0.0.1:6066"],
        alertmanager="127.0.0.1:9093",
        prometheus="127.0.0.1:9090",
    )
    assert rendered["rule_files"] == [str(ROOT / "deploy" / "prometheus" / "rules" / "*.yml")]
    output = run(promtool, "check", "config", str(write(rendered, tmp_path / "prometheus.yml")))
    assert f"SUCCESS: {len(RULES)} rule files found" in output


def test_amtool_accepts_the_alertmanager_config_and_routes_the_watchdog_apart():
    amtool = tool("amtool")
    run(amtool, "check-config", str(ALERTMANAGER_YML))

    def receiver(*labels: str) -> str:
        config = f"--config.file={ALERTMANAGER_YML}"
        out = run(amtool, "config", "routes", "test", config, *labels, stdout_only=True)
        return out.strip()

    assert receiver("alertname=NieuwsstroomWatchdog") == "watchdog"
    for name in alert_names() - {"NieuwsstroomWatchdog"}:
        assert receiver(f"alertname={name}", "severity=critical") == "default", name
