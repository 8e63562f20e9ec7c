"""Fixtures for the translation tests.

Argos reads ARGOS_PACKAGES_DIR once, when it is first imported, so it is
imported here with the variable pointing at a throw-away directory: the tests
must not depend on (or change) the packages installed on this machine.
Resolution tests pass their own `packages_dir` as well.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_ARGOS_HOME = Path(tempfile.mkdtemp(prefix="nieuwsstroom-argos-test-"))
_previous = os.environ.get("ARGOS_PACKAGES_DIR")
os.environ["ARGOS_PACKAGES_DIR"] = str(_ARGOS_HOME / "packages")
import argostranslate.settings  # noqa: E402,F401  (reads ARGOS_PACKAGES_DIR now, once)

# Restore the variable so subprocesses started by other suites are unaffected;
# our CLI tests pass ARGOS_PACKAGES_DIR to their subprocesses explicitly.
if _previous is None:
    del os.environ["ARGOS_PACKAGES_DIR"]
else:
    os.environ["ARGOS_PACKAGES_DIR"] = _previous

from nieuwsstroom.translators.models import bundled_test_model  # noqa: E402


class UpperTranslator:
    """A stand-in model: upper-cases each text and records every batch it gets."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    @property
    def provenance(self) -> dict[str, Any]:
        return {"engine": "fake", "model": "upper", "model_version": "1"}

    def translate_batch(self, texts: list[str]) -> list[str]:
        self.calls.append(list(texts))
        return [t.upper() for t in texts]


@pytest.fixture
def upper() -> UpperTranslator:
    return UpperTranslator()


@pytest.fixture
def argosmodel_factory(tmp_path: Path) -> Callable[..., Path]:
    """Write a minimal, structurally valid .argosmodel (no real weights)."""

    def make(
        name: str,
        *,
        from_code: str = "nl",
        to_code: str = "en",
        version: str = "1.0",
        code: str | None = None,
    ) -> Path:
        meta: dict[str, Any] = {
            "package_version": version,
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": "Dutch",
            "to_code": to_code,
            "to_name": "English",
        }
        if code:
            meta["code"] = code
        path = tmp_path / f"{name}.argosmodel"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(f"{name}/metadata.json", json.dumps(meta))
            zf.writestr(f"{name}/model/model.bin", b"not a real model")
            zf.writestr(f"{name}/sentencepiece.model", b"not a real tokenizer")
        return path

    return make


@pytest.fixture(scope="session")
def real_model_archive() -> Path:
    """The bundled test model; tests that need real inference skip without it."""
    path = bundled_test_model()
    if path is None:
        pytest.skip("bundled test model translators/models/*.argosmodel not present")
    return path


@pytest.fixture(scope="session")
def real_packages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("argos-packages")
