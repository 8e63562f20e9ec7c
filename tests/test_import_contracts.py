"""The package boundaries in pyproject.toml ([tool.importlinter]) hold, and the check bites.

`.ci/check_import_contracts.py` runs import-linter over the sources laid out as
they install (`nieuwsstroom.*`). The second test adds a forbidden import to the
laid-out copy (never to the repository) and requires the check to fail on it,
so a contract that silently stopped checking anything would be caught.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "check_import_contracts.py"


def run_check(*inject: str) -> subprocess.CompletedProcess[str]:
    args = [arg for line in inject for arg in ("--inject", line)]
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def test_the_import_contracts_are_kept() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("file", "line", "contract"),
    [
        (
            "nieuwsstroom/linkers/base.py",
            "from nieuwsstroom.stream import settings",
            "Libraries never import the streaming side",
        ),
        (
            "nieuwsstroom/translators/base.py",
            "import nieuwsstroom.linkers.normalize",
            "Translation and linking are independent",
        ),
        (
            "nieuwsstroom/stream/core/outcomes.py",
            "import aiokafka",
            "The pure core imports no Kafka client and no other room",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(file: str, line: str, contract: str) -> None:
    result = run_check(f"{file}={line}")
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
