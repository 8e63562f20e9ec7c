"""`nieuwsstroom broker` as a newcomer uses it, and what a worker logs when it goes away.

One real broker, started by the installed script: it listens where
NIEUWSSTROOM_BROKER points (the default bootstrap address, when free), prints
the exact `export` line, and stops on SIGTERM. A real worker runs against it;
when the broker stops under the worker, the worker's log must read as a few
lines with counts (`stream/kafka/quiet_logs.py`), not the ~1,000 ERROR lines
in 10 s aiokafka writes by itself. Port choice without a JVM is tested
in-process below.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from nieuwsstroom.stream.cli.broker_cmd import choose_port
from nieuwsstroom.stream.kafka.quiet_logs import count_logged
from nieuwsstroom.stream.local_kafka.broker import free_port
from tests.fixtures_kafka import _cache_dir
from tests.stream.cli.console_script import SCRIPT, clean_env, error_line, nieuwsstroom

OUTAGE_S = 11.0  # one 10 s interval, so the counted repeats show
MAX_OUTAGE_LINES = 30  # a handful of kinds, each once per 10 s; unlimited: ~1,000


def _wait_for_line(log: Path, text: str, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in log.read_text("utf-8", "replace"):
        assert time.monotonic() < deadline, f"no {text!r} in the worker log"
        time.sleep(0.5)


def _read_export_line(broker: subprocess.Popen[str], timeout_s: float = 180) -> str:
    deadline = time.monotonic() + timeout_s
    assert broker.stdout is not None
    while time.monotonic() < deadline:
        line = broker.stdout.readline()
        if line:
            return line.rstrip("\n")
        assert broker.poll() is None, broker.stderr.read() if broker.stderr else ""
    raise AssertionError("the broker printed no export line")


@pytest.mark.kafka
@pytest.mark.slow
def test_broker_prints_its_export_line_and_an_outage_under_a_worker_is_a_few_lines(
    worker_factory, tmp_path: Path
):
    port = free_port()
    broker = subprocess.Popen(
        [str(SCRIPT), "broker", "--cache-dir", str(_cache_dir())],
        env=clean_env(NIEUWSSTROOM_BROKER=f"kafka://127.0.0.1:{port}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert _read_export_line(broker) == f"export NIEUWSSTROOM_BROKER=kafka://127.0.0.1:{port}"
        pipeline = worker_factory(bootstrap=f"127.0.0.1:{port}")
        log = pipeline.worker.log_path
        _wait_for_line(log, "[^Worker]: Ready")  # both apps joined their groups: quiet now
        time.sleep(1)
        before = len(log.read_text("utf-8", "replace").splitlines())

        broker.send_signal(signal.SIGTERM)  # as Ctrl-C or a process manager would
        assert broker.wait(60) == 0
        stopped = time.monotonic()
        time.sleep(OUTAGE_S)
        outage = log.read_text("utf-8", "replace").splitlines()[before:]
        outage_s = time.monotonic() - stopped
        pipeline.worker.kill()  # its broker is gone for good: no graceful stop to wait for
    finally:
        if broker.poll() is None:
            broker.kill()
            broker.wait(30)
    assert "Stopping Kafka..." in (broker.stderr.read() if broker.stderr else "")

    text = "\n".join(outage)
    attempts = count_logged(text, "Unable connect to node")
    print(f"\n{len(outage)} log lines in a {outage_s:.0f}s outage; {attempts} connect attempts")
    assert len(outage) <= MAX_OUTAGE_LINES, text
    assert "more like it in the last 10 s]" in text, text  # held back, and counted
    assert attempts > len(outage), text  # the client kept trying: many records, few lines


def test_the_default_port_is_the_bootstrap_port_when_free_else_a_free_one(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        monkeypatch.setenv("NIEUWSSTROOM_BROKER", f"kafka://127.0.0.1:{busy}")
        chosen, note = choose_port(None)
        assert chosen == 0
        assert note is not None and note.startswith(
            f"port {busy} (the default NIEUWSSTROOM_BROKER)"
        )
        assert "export the line below" in note

        ran = nieuwsstroom("broker", "--port", str(busy))  # before any JVM starts
        assert error_line(ran) == (
            f"error: port {busy} on 127.0.0.1 is in use (another Kafka?): choose another with "
            "--port N, or --port 0 for a free one"
        )
    free = free_port()
    monkeypatch.setenv("NIEUWSSTROOM_BROKER", f"kafka://127.0.0.1:{free}")
    assert choose_port(None) == (free, None)
    monkeypatch.setenv("NIEUWSSTROOM_BROKER", "kafka://kafka.example:9093")  # not this machine
    assert choose_port(None)[0] in (9092, 0)
