"""The built wheel is what users install: one top-level package, and all its data.

An editable install reads files from the checkout, so a data file missing from
the distribution would go unnoticed by every other test. This builds the wheel
from the working tree and checks it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

REQUIRED = [
    "nieuwsstroom/__init__.py",
    "nieuwsstroom/__main__.py",
    "nieuwsstroom/stream/demo/data/sample_articles.jsonl",
    "nieuwsstroom/stream/ops/static/dashboard.html",
    "nieuwsstroom/stream/ops/static/dashboard.js",
    "nieuwsstroom/stream/local_kafka/pom.xml",
    "nieuwsstroom/stream/local_kafka/server.properties",
    "nieuwsstroom/stream/local_kafka/log4j2.properties",
    "nieuwsstroom/schemas/article_enriched.schema.json",
    "nieuwsstroom/linkers/data/nl_common_words.txt",
    "nieuwsstroom/translators/models/DATA_LICENSE.md",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    [path] = out.glob("nieuwsstroom-*.whl")
    return zipfile.ZipFile(path)


@pytest.mark.slow
def test_the_wheel_installs_one_top_level_package(wheel: zipfile.ZipFile) -> None:
    top = {name.split("/")[0] for name in wheel.namelist() if not name.startswith("nieuwsstroom-")}
    assert top == {"nieuwsstroom"}


@pytest.mark.slow
def test_the_wheel_carries_the_data_the_code_reads(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, missing
    assert any(
        n.startswith("nieuwsstroom/linkers/data/seed/") and n.endswith(".csv") for n in names
    )
    assert any(
        n.startswith("nieuwsstroom/translators/models/") and n.endswith(".argosmodel")
        for n in names
    )
    assert not any("__pycache__" in n or "/tests/" in n for n in names)


@pytest.mark.slow
def test_the_checkout_root_does_not_shadow_the_installed_package(
    wheel: zipfile.ZipFile, tmp_path: Path
) -> None:
    """`python -m nieuwsstroom` from the checkout's root (how the demo starts its worker)
    finds the checkout's `nieuwsstroom/` folder first; its sub-packages must still import."""
    target = tmp_path / "site"
    wheel.extractall(target)
    probe = "import nieuwsstroom.stream.errors as m; print(m.__file__)"
    for cwd in (ROOT, tmp_path):  # shadowed by the checkout, and not
        result = subprocess.run(
            [sys.executable, "-S", "-c", probe],  # -S: no site-packages, no editable hook
            cwd=cwd,
            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
