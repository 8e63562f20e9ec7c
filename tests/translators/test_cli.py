"""The CLI contract: `nieuwsstroom translate` line for line, `models list|install`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(
    args: list[str], packages: Path, stdin: str = "", **env_extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIEUWSSTROOM_")}
    env["ARGOS_PACKAGES_DIR"] = str(packages)
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "nieuwsstroom", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )


def test_translate_without_model_fails_with_the_fix(tmp_path: Path) -> None:
    proc = run_cli(
        ["translate"], tmp_path / "empty", "Hallo.\n", NIEUWSSTROOM_ALLOW_TEST_MODEL="false"
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "argospm install translate-nl_en" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_models_install_rejects_a_bad_file(tmp_path: Path) -> None:
    bogus = tmp_path / "x.argosmodel"
    bogus.write_text("nope")
    proc = run_cli(["models", "install", str(bogus)], tmp_path / "pk")
    assert proc.returncode == 2
    assert "not a zip archive" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_models_install_and_list(tmp_path: Path, argosmodel_factory) -> None:
    packages = tmp_path / "pk"
    archive = argosmodel_factory("translate-nl_en-1_9", version="1.9")
    proc = run_cli(["models", "install", str(archive)], packages)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli(["models", "list"], packages)
    assert proc.returncode == 0, proc.stderr
    assert "translate-nl_en-1_9" in proc.stdout
    assert "Pipeline will use: translate-nl_en-1_9 1.9 (installed)" in proc.stdout


@pytest.mark.slow
def test_translate_is_line_for_line(tmp_path: Path, real_model_archive: Path) -> None:
    lines = [
        "Klik op OK om het dialoogvenster te sluiten.",
        "",
        "   ",
        'Dit is de eerste zin. Dit is dhr. Jansen, o.a. bekend van de tv. Hij zegt: "Ja!"',
        "Selecteer de cellen.",
        "",
    ]
    proc = run_cli(
        ["translate"],
        tmp_path / "pk",
        "\n".join(lines) + "\n",
        NIEUWSSTROOM_ARGOS_MODEL=str(real_model_archive),
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.split("\n")
    assert out[-1] == ""  # final newline
    out = out[:-1]
    assert len(out) == len(lines)
    for nl, en in zip(lines, out, strict=True):
        assert (nl.strip() == "") == (en.strip() == "")
    assert out[0] and out[0] != lines[0]
    assert "TEST model" in proc.stderr  # the warning goes to stderr, never stdout


@pytest.mark.slow
def test_translate_reads_a_file(tmp_path: Path, real_model_archive: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Open het menu.\r\nSluit het venster.", encoding="utf-8")  # no final newline
    proc = run_cli(
        ["translate", "--file", str(src)],
        tmp_path / "pk",
        NIEUWSSTROOM_ARGOS_MODEL=str(real_model_archive),
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 2
