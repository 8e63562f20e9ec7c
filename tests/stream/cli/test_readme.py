"""The README's promises that code can check: config table and commands."""

from __future__ import annotations

from pathlib import Path

from nieuwsstroom.stream.cli.config_cmd import settings_table

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_configuration_table_is_the_generated_one():
    assert settings_table(markdown=True) in README.read_text("utf-8"), (
        "README's configuration table is stale: paste `nieuwsstroom config --markdown`"
    )


def test_readme_names_the_two_commands():
    text = README.read_text("utf-8")
    assert "pip install . && nieuwsstroom demo" in text
    assert "bash .ci/run" in text
