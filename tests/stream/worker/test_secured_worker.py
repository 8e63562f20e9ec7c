"""A real worker on secured brokers: SASL_SSL/SCRAM-SHA-512 and mTLS, end to end.

The worker process is configured only through NIEUWSSTROOM_KAFKA_* variables (what
the broker fixture's `client_env()` gives, as a user would set them). Raw articles in,
schema-valid enriched records out; and the passwords (SASL password, client key
password) appear nowhere a person or a scraper can read: the worker's log, `/ready`,
`/health`, `/pipeline/stats`, `/metrics`, the dashboard page and its script.

When the broker stops accepting the running worker's password (rotated by an operator
with `kafka-configs`), `/ready` says so with the cause.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import orjson
import pytest

from nieuwsstroom.schemas import validator
from nieuwsstroom.stream.local_kafka.admin import set_scram_password
from tests.fixtures_secured_kafka import CLIENT_KEY_PASSWORD, SASL_USERS
from tests.stream.worker.delivery import short_article

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

SECRETS = (*SASL_USERS.values(), CLIENT_KEY_PASSWORD)
ROTATED = "rotated-Secret-8e21bb"
TOPICS = ("raw", "enriched", "mentions", "deadletter")
WEB_PAGES = (
    "/health",
    "/ready",
    "/pipeline/stats",
    "/metrics",
    "/dashboard",
    "/dashboard/dashboard.js",
)


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:  # /ready answers 503 when not ready
        return exc.code, exc.read().decode("utf-8", "replace")


def enrich_a_few(pipeline, tag: str) -> list[dict]:
    values = [orjson.dumps(short_article(i, tag)) for i in range(3)] + [b"{kapot"]
    result = pipeline.collect(pipeline.produce(values), timeout_s=300)
    assert result.missing == [], pipeline.worker.log_tail()
    assert [d["stage"] for d in result.deadletters] == ["decode"]
    assert len(result.enriched) == 3
    for record in result.enriched:
        validator("enriched").validate(record)
        assert record["body_en"] and record["entities"]
    return result.enriched


def assert_no_secret_anywhere(pipeline, described: str) -> None:
    port = pipeline.worker.web_port
    for path in WEB_PAGES:
        status, body = get(port, path)
        assert status in (200, 503), (path, status)
        leaked = [s for s in SECRETS if s in body]
        assert not leaked, f"{path} shows a secret"
    log = pipeline.worker.log_path.read_text("utf-8", "replace")
    assert described in log, "the worker logs how it connects (without the secrets)"
    assert not [s for s in SECRETS if s in log], "the worker log shows a secret"


def wait_ready(port: int, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        status, body = get(port, "/ready")
        if status == 200 or time.monotonic() > deadline:
            return {**json.loads(body), "http": status}
        time.sleep(1)


def test_worker_over_sasl_ssl_scram_sha_512(scram_broker, worker_factory):
    pipeline = worker_factory(
        bootstrap=scram_broker.bootstrap, **scram_broker.client_env(user="bob")
    )
    assert pipeline.settings.kafka_security_protocol == "SASL_SSL"
    enrich_a_few(pipeline, "scram")
    ready = wait_ready(pipeline.worker.web_port)
    assert ready["http"] == 200, ready
    assert_no_secret_anywhere(pipeline, "SASL_SSL, SASL SCRAM-SHA-512 as user bob, CA ")

    # An operator rotates bob's password: the worker's open connections stay up, but a new
    # connection (a restart, a new broker) would fail, and /ready must say why.
    set_scram_password(scram_broker, "bob", ROTATED, ("SCRAM-SHA-512",))
    try:
        deadline = time.monotonic() + 30  # the broker check is cached for 5 s
        status, body = get(pipeline.worker.web_port, "/ready")
        while status == 200 and time.monotonic() < deadline:
            time.sleep(1)
            status, body = get(pipeline.worker.web_port, "/ready")
        broker_check = json.loads(body)["checks"]["broker"]
        assert status == 503 and broker_check["ok"] is False, body
        assert broker_check["detail"] == (
            f"authentication failed (SASL SCRAM-SHA-512 as user bob) at Kafka "
            f"{scram_broker.bootstrap}: check NIEUWSSTROOM_KAFKA_SASL_USERNAME/PASSWORD"
        )
        assert ROTATED not in body
    finally:
        set_scram_password(scram_broker, "bob", SASL_USERS["bob"], ("SCRAM-SHA-512",))


def test_worker_over_mtls_with_an_encrypted_client_key(mtls_broker, worker_factory):
    env = mtls_broker.client_env()
    assert env["NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD"] == CLIENT_KEY_PASSWORD
    pipeline = worker_factory(bootstrap=mtls_broker.bootstrap, **env)
    enrich_a_few(pipeline, "mtls")
    assert wait_ready(pipeline.worker.web_port)["http"] == 200
    assert_no_secret_anywhere(pipeline, "SSL, CA ")


@pytest.mark.parametrize("kind", ["scram-env", "mtls-flags"])
def test_demo_enriches_on_a_secured_broker(
    request, kind, tmp_path, argos_packages_dir, nieuwsstroom_cache
):
    """`nieuwsstroom demo --broker kafka://localhost:PORT`, as the issue's acceptance says:
    SCRAM-SHA-512 configured by environment variables, mTLS by command-line flags (the
    demo hands them to its worker process as NIEUWSSTROOM_KAFKA_* variables)."""
    broker = request.getfixturevalue("scram_broker" if kind == "scram-env" else "mtls_broker")
    client = broker.client_env()
    env = {
        **os.environ,
        "NIEUWSSTROOM_APP_ID": f"demo-{kind}",
        **{f"NIEUWSSTROOM_TOPIC_{t.upper()}": f"demo-{kind}-{t}" for t in TOPICS},
        "NIEUWSSTROOM_CACHE_DIR": str(nieuwsstroom_cache),
        "ARGOS_PACKAGES_DIR": str(argos_packages_dir),
    }
    flags: list[str] = []
    if kind == "scram-env":
        env |= client
    else:
        env["NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD"] = client["NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD"]
        flags = [
            "--security-protocol", "SSL",
            "--ssl-ca-location", client["NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION"],
            "--ssl-certificate-location", client["NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION"],
            "--ssl-key-location", client["NIEUWSSTROOM_KAFKA_SSL_KEY_LOCATION"],
        ]  # fmt: skip
    inputs, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inputs.write_bytes(orjson.dumps(short_article(1, kind)) + b"\n{kapot\n")
    done = subprocess.run(
        [sys.executable, "-m", "nieuwsstroom", "demo", "--broker",
         f"kafka://localhost:{broker.port}", "--input", str(inputs), "--output", str(out),
         *flags],
        env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "1 enriched, 1 dead-lettered, 0 missing" in done.stdout
    [record] = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    validator("enriched").validate(record)
    assert not [s for s in SECRETS if s in done.stdout + done.stderr]
