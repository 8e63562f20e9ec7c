"""`nieuwsstroom produce` and `consume` as a newsroom tool and an analyst would use them."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from nieuwsstroom.schemas import validator

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def run_cli(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "nieuwsstroom", *args],
        input=stdin,
        env={**os.environ, **env},
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    return completed.stdout.decode()


def consume_one(topic: str, env: dict[str, str]) -> dict:
    """`nieuwsstroom consume TOPIC --from-beginning --max 1` parsed."""
    out = run_cli(["consume", topic, "--from-beginning", "--max", "1", "--timeout", "240"], env)
    [value] = [orjson.loads(line) for line in out.splitlines()]
    return value


def test_produce_from_stdin_then_consume_both_outputs(worker_factory):
    pipeline = worker_factory()
    env = {k: v for k, v in pipeline.env.items() if k.startswith("NIEUWSSTROOM_")}
    article = {"id": "cli-1", "title": "Kabinet", "body": "Het kabinet vergaderde in Den Haag."}
    lines = orjson.dumps(article) + b"\r\n" + b"geen json\n"

    said = run_cli(["produce", "-"], env, stdin=lines)
    assert "Produced 2 messages" in said

    record = consume_one(pipeline.settings.topic_enriched, env)
    validator("enriched").validate(record)
    assert record["id"] == "cli-1"
    assert "Q36600" in {e["qid"] for e in record["entities"]}  # Den Haag -> The Hague

    letter = consume_one(pipeline.settings.topic_deadletter, env)
    validator("deadletter").validate(letter)
    assert letter["value"] == "geen json" and letter["stage"] == "decode"


def test_produce_reports_a_line_kafka_refuses_and_sends_the_rest(worker_factory, tmp_path):
    pipeline = worker_factory()
    env = {k: v for k, v in pipeline.env.items() if k.startswith("NIEUWSSTROOM_")}
    huge = orjson.dumps({"id": "te-groot", "title": "x", "body": "woord " * 400_000})
    small = orjson.dumps({"id": "klein", "title": "Kort", "body": "Het kabinet vergaderde."})
    source = tmp_path / "in.jsonl"
    source.write_bytes(huge + b"\n" + small + b"\n")
    completed = subprocess.run(
        [sys.executable, "-m", "nieuwsstroom", "produce", str(source)],
        env={**os.environ, **env},
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 1
    assert "line 1 refused by Kafka" in completed.stderr.decode()
    assert "Produced 1 message to" in completed.stdout.decode()
