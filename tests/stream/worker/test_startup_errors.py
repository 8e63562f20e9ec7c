"""Start-up problems are one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_worker(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nieuwsstroom", "worker", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_missing_model_says_how_to_fix_it(tmp_path: Path):
    completed = run_worker(
        {"NIEUWSSTROOM_ALLOW_TEST_MODEL": "false", "ARGOS_PACKAGES_DIR": str(tmp_path)}
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "No Dutch->English translation model" in completed.stderr
    assert "argospm install translate-nl_en" in completed.stderr


def test_unreachable_broker_is_named(tmp_path: Path):
    completed = run_worker(
        {"ARGOS_PACKAGES_DIR": str(tmp_path), "NIEUWSSTROOM_CACHE_DIR": str(tmp_path / "c")},
        "--broker",
        "kafka://127.0.0.1:1",
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.splitlines() == [
        "error: cannot reach Kafka at 127.0.0.1:1 (connection refused): is the broker running? "
        "set NIEUWSSTROOM_BROKER or --broker"
    ]
