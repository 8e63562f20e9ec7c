"""Help that reads well at 80 and 100 columns; `config` output safe to paste into a .env.

Help is read through the installed script for the commands a newcomer opens
first, and in-process (Typer's runner) for every command and group, since each
subprocess costs a second.
"""

from __future__ import annotations

import re
import shlex

import pytest
import typer
from typer.testing import CliRunner

from nieuwsstroom.stream.cli import app
from nieuwsstroom.stream.cli.demo_cmd import _print_summary
from nieuwsstroom.stream.cli.help_format import undocumented_parameters
from nieuwsstroom.stream.demo.runner import DemoResult
from nieuwsstroom.stream.kafka.console import Produced
from tests.stream.cli.console_script import clean_env, nieuwsstroom

TYPE_TAG = re.compile(r"<(bool|str|int|float|Path)>")


def _commands(command: typer.core.TyperGroup, path: tuple[str, ...] = ()) -> list[tuple]:
    out = [path]
    for name, sub in getattr(command, "commands", {}).items():
        out += _commands(sub, (*path, name))
    return out


ALL_COMMANDS = _commands(typer.main.get_command(app))


def _check_help(text: str, width: int) -> None:
    assert text.strip(), "no help printed"
    assert not TYPE_TAG.search(text), TYPE_TAG.search(text)
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage  # FILE, not {file}
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize(
    ("command", "width"), [((), 80), (("produce",), 100)], ids=["root-80", "produce-100"]
)
def test_help_of_the_installed_script_reads_well(command, width):
    ran = nieuwsstroom(*command, "--help", env=clean_env(COLUMNS=str(width)))
    assert ran.returncode == 0, ran.stderr
    _check_help(ran.stdout, width)
    if command == ("produce",):
        assert "Usage: nieuwsstroom produce [OPTIONS] FILE" in ran.stdout


@pytest.mark.parametrize("width", [80, 100])
def test_every_command_has_plain_help_that_fits(width):
    runner = CliRunner(env={"COLUMNS": str(width)})
    for command in ALL_COMMANDS:
        result = runner.invoke(app, [*command, "--help"], prog_name="nieuwsstroom")
        assert result.exit_code == 0, (command, result.output)
        _check_help(result.stdout, width)


def test_every_option_and_argument_has_help():
    assert undocumented_parameters(typer.main.get_command(app)) == []


def test_config_prints_a_env_file_that_gives_back_the_same_settings(tmp_path):
    env = clean_env(NIEUWSSTROOM_CACHE_DIR=str(tmp_path / "my cache"), NIEUWSSTROOM_PARTITIONS="6")
    first = nieuwsstroom("config", env=env)
    assert first.returncode == 0, first.stderr
    assert "None" not in first.stdout
    assert "# NIEUWSSTROOM_KB_PATH=    (not set)" in first.stdout.splitlines()
    pasted = {}
    for line in first.stdout.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            [pasted[name]] = shlex.split(value)  # what a shell or a .env loader reads
    assert pasted["NIEUWSSTROOM_PARTITIONS"] == "6"
    assert pasted["NIEUWSSTROOM_CACHE_DIR"] == str(tmp_path / "my cache")
    again = nieuwsstroom("config", env=clean_env(**pasted))
    assert again.stdout == first.stdout


def test_the_demo_summary_counts_in_words(capsys, tmp_path):
    record = {
        "id": "a-1",
        "entities": [{"label": "Den Haag", "qid": "Q36600"}],
        "unlinked": [{"text": "Jansen"}],
        "body_en": "The cabinet met.",
    }
    result = DemoResult([Produced(0, 0, b"a-1")], enriched=[record])
    _print_summary(result, tmp_path / "one.jsonl")
    out = capsys.readouterr().out
    assert "1 message from one.jsonl" in out
    assert "* a-1: 1 entity, 1 unlinked name" in out
    assert "entities," not in out and "names" not in out
