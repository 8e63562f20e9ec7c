"""The bench scripts still start: each answers --help (imports resolve, arguments parse).

The benches themselves take minutes and print ratios for people, so CI does not run
them; this keeps them from rotting between runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Modules the bench scripts share, not scripts themselves.
HELPERS = {"argos_baseline.py", "pipeline_bench.py", "base_model.py"}
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if p.name not in HELPERS)


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_bench_script_answers_help(script: Path):
    result = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage:" in result.stdout
