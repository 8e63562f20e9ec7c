"""Cluster ids as Kafka makes them, and a format that works whatever the id starts with.

The flake this pins: `kafka-storage format --cluster-id ID` read an ID starting with
'-' as an option ("argument --cluster-id/-t: expected one argument"), once in 64
starts of the local broker. Kafka's `Uuid.randomUuid()` never hands out such an id;
ours neither, and the broker passes `--cluster-id=ID`, which argparse4j reads as a value.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
from nieuwsstroom.stream.local_kafka.cluster_id import encode, random_cluster_id
from nieuwsstroom.stream.local_kafka.jars import ensure_jars, find_java
from tests.fixtures_kafka import _cache_dir

DASH_ID = encode(b"\xfb" + uuid.uuid4().bytes[1:])  # 0xfb: base64 '+'/'-' slot first


def test_random_ids_look_like_kafkas_and_never_start_with_a_dash():
    assert DASH_ID.startswith("-"), "the id this test formats with must start with '-'"
    ids = [random_cluster_id() for _ in range(20_000)]  # ~310 would start with '-' unfiltered
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
    assert len(set(ids)) == len(ids)
    assert sum(i.startswith("_") for i in ids) > 100, "only '-' is filtered, not '_' too"


def _format(tmp_path: Path, cluster_id: str, *, equals: bool) -> subprocess.CompletedProcess[str]:
    broker = LocalKafkaBroker(data_dir=tmp_path, cache_dir=_cache_dir(), cluster_id=cluster_id)
    broker._choose_ports()
    (tmp_path / "logs").mkdir(parents=True, exist_ok=True)
    config = broker._write_config()
    cmd = broker.format_command(find_java(), ensure_jars(_cache_dir()), config)
    if not equals:  # the old spelling, for contrast: the id as a separate argument
        at = cmd.index(f"--cluster-id={cluster_id}")
        cmd[at : at + 1] = ["--cluster-id", cluster_id]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.kafka
def test_storage_formats_with_an_id_that_starts_with_a_dash(tmp_path: Path):
    done = _format(tmp_path / "equals", DASH_ID, equals=True)
    assert done.returncode == 0, done.stdout + done.stderr
    meta = (tmp_path / "equals" / "kraft" / "meta.properties").read_text()
    assert f"cluster.id={DASH_ID}" in meta

    old = _format(tmp_path / "separate", DASH_ID, equals=False)
    assert old.returncode != 0, "the separate-argument form is the bug this guards against"
    assert "expected one argument" in old.stdout + old.stderr
