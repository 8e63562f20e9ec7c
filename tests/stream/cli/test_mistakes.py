"""Every everyday mistake, made through the installed `nieuwsstroom` script, is one line.

Each test makes one mistake a newcomer makes (a bad setting, a missing file, no
broker, a missing topic, a wrong knowledge base, a bogus model archive) and
asserts the exact `error: ...` line (the cause and the fix), exit status 2, and
that no traceback is printed. Where a broker is involved it is the real session
broker (`kafka_bootstrap`), or a closed port for "no broker".
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from nieuwsstroom.linkers.seed import ensure_seed_kb
from tests.stream.cli.console_script import clean_env, error_line, nieuwsstroom

NO_BROKER = "kafka://127.0.0.1:1"  # port 1: nothing listens, the connect is refused at once
UNREACHABLE = (
    "error: cannot reach Kafka at 127.0.0.1:1 (connection refused): is the broker running? "
    "set NIEUWSSTROOM_BROKER or --broker"
)
ARTICLE = b'{"id": "m-1", "title": "Kabinet", "body": "Het kabinet vergaderde in Den Haag."}\n'


@pytest.fixture(scope="session")
def seed_kb(nieuwsstroom_cache: Path) -> Path:
    """The seed knowledge base in the session cache the test workers use too."""
    return ensure_seed_kb(nieuwsstroom_cache)


@pytest.fixture
def env(nieuwsstroom_cache: Path, argos_packages_dir: Path) -> dict[str, str]:
    """A newcomer's environment: no NIEUWSSTROOM_* of the developer, session caches."""
    return clean_env(
        NIEUWSSTROOM_CACHE_DIR=str(nieuwsstroom_cache), ARGOS_PACKAGES_DIR=str(argos_packages_dir)
    )


# -- bad settings: refused at start-up by every command, named by their variable -----------


@pytest.mark.parametrize(
    ("variable", "value", "command", "expected"),
    [
        (
            "NIEUWSSTROOM_PARTITIONS",
            "abc",
            ["kb", "stats"],  # a command that does not even use the setting
            "error: NIEUWSSTROOM_PARTITIONS='abc' is not an integer: set it to an integer >= 1, "
            "or unset it for the default (4)",
        ),
        (
            "NIEUWSSTROOM_BATCH_MAX_ARTICLES",
            "0",
            ["config"],
            "error: NIEUWSSTROOM_BATCH_MAX_ARTICLES='0' is below the minimum 1: set it to an "
            "integer >= 1, or unset it for the default (8)",
        ),
        (
            "NIEUWSSTROOM_LINK_THRESHOLD",
            "2",
            ["link"],
            "error: NIEUWSSTROOM_LINK_THRESHOLD='2' is above the maximum 1: set it to a number "
            "from 0 to 1, or unset it for the default (0.6)",
        ),
        (
            "NIEUWSSTROOM_LOG_LEVEL",
            "LOUD",
            ["config"],
            "error: NIEUWSSTROOM_LOG_LEVEL='LOUD' is not one of the accepted values: set it to "
            "one of DEBUG, INFO, WARNING, ERROR, CRITICAL, or unset it for the default (INFO)",
        ),
        (
            "NIEUWSSTROOM_LOG_LEVEL",
            "LOUD",
            ["worker"],  # refused before it starts, not "CANNOT SETUP LOGGING" later
            "error: NIEUWSSTROOM_LOG_LEVEL='LOUD' is not one of the accepted values: set it to "
            "one of DEBUG, INFO, WARNING, ERROR, CRITICAL, or unset it for the default (INFO)",
        ),
        (
            "NIEUWSSTROOM_ALLOW_TEST_MODEL",
            "maybe",
            ["models", "list"],
            "error: NIEUWSSTROOM_ALLOW_TEST_MODEL='maybe' is not true or false: set it to true "
            "or false, or unset it for the default (true)",
        ),
    ],
)
def test_a_bad_setting_is_named_by_its_variable(env, variable, value, command, expected):
    ran = nieuwsstroom(*command, env={**env, variable: value})
    assert error_line(ran) == expected
    assert ran.stdout == ""


def test_a_bad_flag_value_is_named_by_its_flag(env):
    ran = nieuwsstroom("worker", "--loglevel", "loud", env=env)
    assert error_line(ran) == (
        "error: --loglevel 'loud' is not one of the accepted values: give one of DEBUG, INFO, "
        "WARNING, ERROR, CRITICAL"
    )


def test_debug_shows_the_traceback_behind_the_line(env):
    ran = nieuwsstroom("--debug", "config", env={**env, "NIEUWSSTROOM_PARTITIONS": "abc"})
    assert ran.returncode == 2
    assert "Traceback" in ran.stderr
    assert ran.stderr.rstrip().splitlines()[-1].startswith("error: NIEUWSSTROOM_PARTITIONS=")


# -- input files: checked before a model loads or a broker is contacted ----------------------


def test_translate_names_a_missing_file_before_looking_for_a_model(env, tmp_path):
    # No model anywhere: were the model resolved first, the error would be about the model.
    no_model = {
        **env,
        "NIEUWSSTROOM_ALLOW_TEST_MODEL": "false",
        "ARGOS_PACKAGES_DIR": str(tmp_path),
    }
    ran = nieuwsstroom("translate", "--file", str(tmp_path / "artikel.txt"), env=no_model)
    assert error_line(ran) == (
        f"error: cannot read {tmp_path / 'artikel.txt'}: no such file; check the path, "
        "or give - to read standard input"
    )


def test_produce_names_a_missing_file_before_contacting_kafka(env, tmp_path):
    missing = tmp_path / "articles.jsonl"
    ran = nieuwsstroom("produce", str(missing), "--broker", NO_BROKER, env=env)
    assert error_line(ran) == (
        f"error: cannot read {missing}: no such file; check the path, "
        "or give - to read standard input"
    )
    ran = nieuwsstroom("produce", str(tmp_path), "--broker", NO_BROKER, env=env)
    assert error_line(ran) == f"error: cannot read {tmp_path}: it is a directory; give a file"


def test_link_names_a_missing_file_and_a_file_that_is_not_utf8(env, tmp_path, seed_kb):
    kb_env = {**env, "NIEUWSSTROOM_KB_PATH": str(seed_kb)}
    ran = nieuwsstroom("link", "-f", str(tmp_path / "a.txt"), env=kb_env)
    assert error_line(ran).startswith(f"error: cannot read {tmp_path / 'a.txt'}: no such file")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Premier Rutte in Curaçao\n".encode("latin-1"))
    ran = nieuwsstroom("link", "-f", str(latin1), env=kb_env)
    assert error_line(ran) == (
        f"error: {latin1} is not UTF-8 text: byte 0xe7 at offset 21; save it as UTF-8 "
        "(e.g. `iconv -f latin1 -t utf-8`)"
    )


# -- no broker: one line within seconds, from every command that talks to Kafka -------------


@pytest.mark.parametrize(
    "command",
    [
        ["produce", "-", "--broker", NO_BROKER],
        ["consume", "articles.enriched", "--broker", NO_BROKER],
        ["demo", "--broker", NO_BROKER],
    ],
    ids=["produce", "consume", "demo"],
)
def test_no_broker_is_one_line_within_seconds(env, command):
    # The worker's answer, the same line, is tests/stream/worker/test_startup_errors.py's.
    ran = nieuwsstroom(*command, env=env, stdin=ARTICLE)
    assert error_line(ran) == UNREACHABLE
    assert ran.seconds < 15, f"took {ran.seconds:.1f}s"


def test_the_broker_setting_is_what_the_message_points_at(env):
    ran = nieuwsstroom("consume", "x", env={**env, "NIEUWSSTROOM_BROKER": "kafka://nohost.invalid"})
    assert error_line(ran) == (
        "error: cannot reach Kafka at nohost.invalid:9092 (unknown host): is the broker "
        "running? set NIEUWSSTROOM_BROKER or --broker"
    )


# -- topics: produce creates the raw one, consume of a missing one says so at once ----------


def test_consume_of_a_topic_that_does_not_exist_says_so_at_once(env, kafka_bootstrap):
    typo = f"articles.typo-{uuid.uuid4().hex[:6]}"
    ran = nieuwsstroom("consume", typo, "--broker", kafka_bootstrap, env=env)
    line = error_line(ran)
    assert line.startswith(f"error: topic '{typo}' does not exist on {kafka_bootstrap}; ")
    assert line.endswith("; check the name")
    assert "__consumer_offsets" not in line
    assert ran.seconds < 15, f"took {ran.seconds:.1f}s"

    enriched = f"enriched-{uuid.uuid4().hex[:6]}"
    ran = nieuwsstroom(
        "consume",
        enriched,
        env={
            **env,
            "NIEUWSSTROOM_BROKER": kafka_bootstrap,
            "NIEUWSSTROOM_TOPIC_ENRICHED": enriched,
        },
    )
    assert error_line(ran).endswith(
        "; a worker creates the pipeline's topics when it starts (`nieuwsstroom worker`)"
    )


def test_produce_refuses_a_topic_typo_and_names_the_flag_that_creates_it(env, kafka_bootstrap):
    typo = f"articels.raw-{uuid.uuid4().hex[:6]}"
    ran = nieuwsstroom("produce", "-", "--topic", typo, "--broker", kafka_bootstrap, env=env)
    line = error_line(ran)
    assert line.startswith(f"error: topic '{typo}' does not exist on {kafka_bootstrap}; ")
    assert line.endswith("; check the name, or add --create-topic to create it")
    ran = nieuwsstroom("consume", typo, "--broker", kafka_bootstrap, env=env)
    assert "does not exist" in error_line(ran)  # nothing was created


def test_a_replication_factor_the_cluster_cannot_meet_names_its_variable(env, kafka_bootstrap):
    raw = f"raw-rf-{uuid.uuid4().hex[:6]}"
    ran = nieuwsstroom(
        "produce",
        "-",
        stdin=ARTICLE,
        env={
            **env,
            "NIEUWSSTROOM_BROKER": kafka_bootstrap,
            "NIEUWSSTROOM_TOPIC_RAW": raw,
            "NIEUWSSTROOM_REPLICATION_FACTOR": "3",
        },
    )
    line = error_line(ran)
    assert line.startswith(
        f"error: cannot create topic '{raw}' on {kafka_bootstrap} (4 partitions, replication "
        "factor 3): "
    )
    assert line.endswith(": set NIEUWSSTROOM_REPLICATION_FACTOR to at most the number of brokers")


# -- files that are not what they claim to be ----------------------------------------------


def test_a_sqlite_file_of_another_program_is_not_taken_for_a_knowledge_base(env, tmp_path):
    other = tmp_path / "app.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (id INTEGER)")
        conn.execute("CREATE TABLE orders (id INTEGER)")
    ran = nieuwsstroom("link", "--kb", str(other), env=env, stdin=b"Rutte in Berlijn\n")
    assert error_line(ran) == (
        f"error: {other} is not a nieuwsstroom knowledge base: it is the SQLite database of "
        "another program (tables: orders, users). Build one with `nieuwsstroom kb build --seed "
        "--out FILE` and point --kb or NIEUWSSTROOM_KB_PATH at it"
    )
    text = tmp_path / "notes.txt"
    text.write_text("hallo\n")
    ran = nieuwsstroom("kb", "stats", env={**env, "NIEUWSSTROOM_KB_PATH": str(text)})
    assert "it is a text file, not SQLite" in error_line(ran)


def test_a_bogus_model_archive_is_named_without_advising_the_same_command(env, tmp_path):
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("dit is geen model")
    ran = nieuwsstroom("models", "install", str(bogus), "--packages-dir", str(tmp_path), env=env)
    assert error_line(ran) == (
        f"error: {bogus} is not an Argos nl->en package (not a zip archive, which every "
        ".argosmodel is): get the official one with `argospm install translate-nl_en` or "
        "`nieuwsstroom models install --online`"
    )
