"""Against real secured brokers: what works, and each failure as one line naming its cause.

The brokers (tests/fixtures_secured_kafka.py) are Kafka 4.1 with a SASL_SSL listener
(SCRAM-SHA-256/512, PLAIN, OAUTHBEARER) and an SSL listener that requires a client
certificate. The preflight is what every client runs before it starts; the commands
(`produce`, `consume`, `demo --broker`, `worker`) must end within a minute with exit
status 2, one line on stderr and no traceback, never aiokafka's endless retry loop.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nieuwsstroom.stream.errors import KafkaConnectError
from nieuwsstroom.stream.kafka.console import consume, produce_values
from nieuwsstroom.stream.kafka.preflight import check_connection
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.kafka.topics import ensure_topics
from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
from nieuwsstroom.stream.local_kafka.certs import other_ca
from nieuwsstroom.stream.local_kafka.listeners import unsecured_oauth_token
from nieuwsstroom.stream.settings import Settings
from tests.fixtures_secured_kafka import CLIENT_KEY_PASSWORD, SASL_USERS

pytestmark = pytest.mark.kafka

WRONG_PASSWORD = "wrong-Password-c0ffee"
ALL_SECRETS = (*SASL_USERS.values(), CLIENT_KEY_PASSWORD, WRONG_PASSWORD)


def settings_for(broker: LocalKafkaBroker, **env: str | None) -> Settings:
    """Settings a user would get from the broker's client variables plus `env` changes."""
    merged = {"NIEUWSSTROOM_BROKER": f"kafka://{broker.bootstrap}", **broker.client_env()}
    merged.update(env)
    return Settings.for_child({k: v for k, v in merged.items() if v is not None})


def preflight(settings: Settings) -> KafkaConnectError | None:
    try:
        asyncio.run(check_connection(settings.broker.removeprefix("kafka://"),
                                     kafka_security(settings), timeout_s=10))  # fmt: skip
    except KafkaConnectError as exc:
        return exc
    return None


# -- what works ------------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"])
def test_sasl_ssl_round_trip(scram_broker: LocalKafkaBroker, mechanism: str) -> None:
    """SCRAM as self-managed clusters use it, PLAIN over TLS as Confluent Cloud does."""
    settings = settings_for(
        scram_broker,
        NIEUWSSTROOM_KAFKA_SASL_MECHANISM=mechanism,
        NIEUWSSTROOM_TOPIC_RAW=f"t.sasl.{mechanism.lower()}",
        NIEUWSSTROOM_PARTITIONS="1",
    )
    assert round_trip(settings) == [b'{"id": "x1"}', b'{"id": "x2"}']


def test_mtls_round_trip(mtls_broker: LocalKafkaBroker) -> None:
    settings = settings_for(
        mtls_broker, NIEUWSSTROOM_TOPIC_RAW="t.mtls.roundtrip", NIEUWSSTROOM_PARTITIONS="1"
    )
    assert round_trip(settings) == [b'{"id": "x1"}', b'{"id": "x2"}']


def test_oauthbearer_token_from_a_file(scram_broker: LocalKafkaBroker, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text(unsecured_oauth_token("alice"))
    settings = settings_for(
        scram_broker,
        NIEUWSSTROOM_KAFKA_SASL_MECHANISM="OAUTHBEARER",
        NIEUWSSTROOM_KAFKA_SASL_USERNAME=None,
        NIEUWSSTROOM_KAFKA_SASL_PASSWORD=None,
        NIEUWSSTROOM_KAFKA_SASL_OAUTHBEARER_TOKEN_FILE=str(token),
        NIEUWSSTROOM_TOPIC_RAW="t.oauth.roundtrip",
        NIEUWSSTROOM_PARTITIONS="1",
    )
    assert round_trip(settings) == [b'{"id": "x1"}', b'{"id": "x2"}']
    token.write_text(unsecured_oauth_token("alice", lifetime_s=-60))  # expired a minute ago
    failure = preflight(settings)
    assert failure is not None and failure.cause == "authentication"
    assert str(failure).startswith("authentication failed (SASL OAUTHBEARER) at Kafka ")
    assert str(failure).endswith(
        "check the token in NIEUWSSTROOM_KAFKA_SASL_OAUTHBEARER_TOKEN_FILE"
    )


def round_trip(settings: Settings) -> list[bytes]:
    """ensure_topics, produce and consume with the settings' security, as the CLI does."""
    security = kafka_security(settings)
    bootstrap = settings.broker.removeprefix("kafka://")

    async def scenario() -> list[bytes]:
        await ensure_topics(settings, security)
        values = [b'{"id": "x1"}', b'{"id": "x2"}']
        produced = await produce_values(bootstrap, settings.topic_raw, values, security=security)
        assert [p.error for p in produced] == [None, None]
        return [
            m.value or b""
            async for m in consume(
                bootstrap, [settings.topic_raw], max_messages=2, idle_timeout_s=30,
                security=security,
            )
        ]  # fmt: skip

    return asyncio.run(asyncio.wait_for(scenario(), 120))


# -- each failure, classified ----------------------------------------------------------------


def test_wrong_password_and_unknown_user(scram_broker: LocalKafkaBroker) -> None:
    for user, password in (("alice", WRONG_PASSWORD), ("mallory", WRONG_PASSWORD)):
        failure = preflight(
            settings_for(
                scram_broker,
                NIEUWSSTROOM_KAFKA_SASL_USERNAME=user,
                NIEUWSSTROOM_KAFKA_SASL_PASSWORD=password,
            )
        )
        assert failure is not None and failure.cause == "authentication"
        assert str(failure) == (
            f"authentication failed (SASL SCRAM-SHA-512 as user {user}) at Kafka "
            f"{scram_broker.bootstrap}: check NIEUWSSTROOM_KAFKA_SASL_USERNAME/PASSWORD"
        )
        assert not any(secret in str(failure) for secret in ALL_SECRETS)


def test_a_ca_that_did_not_sign_the_broker(scram_broker: LocalKafkaBroker, tmp_path: Path) -> None:
    ca = other_ca(tmp_path / "other-ca.pem")
    failure = preflight(settings_for(scram_broker, NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION=str(ca)))
    assert failure is not None and failure.cause == "tls-untrusted"
    assert str(failure).startswith(
        f"TLS: the broker's certificate is not trusted by NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION={ca}"
    )
    system = preflight(settings_for(scram_broker, NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION=None))
    assert system is not None and "not trusted by the system's CAs" in str(system)


def test_a_host_name_the_certificate_does_not_hold(scram_broker: LocalKafkaBroker) -> None:
    """The broker's certificate names localhost and 127.0.0.1; `127.1` reaches the same
    address under a name it does not hold. Host checks off (`none`): it connects."""
    other_name = {"NIEUWSSTROOM_BROKER": f"kafka://127.1:{scram_broker.port}"}
    failure = preflight(settings_for(scram_broker, **other_name))
    assert failure is not None and failure.cause == "tls-hostname"
    assert str(failure).startswith(
        f"TLS: the certificate of Kafka at 127.1:{scram_broker.port} does not name that host"
    )
    assert "NIEUWSSTROOM_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM=none" in str(failure)
    relaxed = settings_for(
        scram_broker, **other_name, NIEUWSSTROOM_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM="none"
    )
    assert preflight(relaxed) is None


def test_no_client_certificate(mtls_broker: LocalKafkaBroker) -> None:
    failure = preflight(
        settings_for(
            mtls_broker,
            NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION=None,
            NIEUWSSTROOM_KAFKA_SSL_KEY_LOCATION=None,
        )
    )
    assert failure is not None and failure.cause == "tls-client-certificate"
    assert str(failure).startswith(
        "TLS: the broker requires a client certificate: set "
        "NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION/KEY_LOCATION"
    )


def test_a_client_certificate_from_another_ca(
    mtls_broker: LocalKafkaBroker, tmp_path: Path
) -> None:
    from nieuwsstroom.stream.local_kafka.certs import write_test_pki

    stranger = write_test_pki(tmp_path / "stranger")
    failure = preflight(
        settings_for(
            mtls_broker,
            NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION=str(stranger.client_cert),
            NIEUWSSTROOM_KAFKA_SSL_KEY_LOCATION=str(stranger.client_key),
        )
    )
    assert failure is not None and failure.cause == "tls-client-certificate"
    assert "refused the client certificate NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION=" in str(
        failure
    )


@pytest.mark.parametrize(
    ("broker_name", "env", "expected"),
    [
        (
            "scram_broker",
            {"NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL": "PLAINTEXT",
             "NIEUWSSTROOM_KAFKA_SASL_MECHANISM": None,
             "NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION": None},
            "speaks TLS, but NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL=PLAINTEXT: set SSL or SASL_SSL",
        ),
        (
            "scram_broker",
            {"NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL": "SSL",
             "NIEUWSSTROOM_KAFKA_SASL_MECHANISM": None},
            "closed the connection (SSL, CA ",
        ),
        (
            "mtls_broker",
            {"NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
             "NIEUWSSTROOM_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
             "NIEUWSSTROOM_KAFKA_SASL_USERNAME": "alice",
             "NIEUWSSTROOM_KAFKA_SASL_PASSWORD": WRONG_PASSWORD},
            "does not expect SASL on this listener",
        ),
        (
            "kafka_broker",
            {"NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL": "SSL"},
            "is it a PLAINTEXT or SASL_PLAINTEXT listener?",
        ),
    ],
    ids=[
        "plaintext-client-on-tls",
        "tls-client-on-sasl-ssl",
        "sasl-client-on-mtls",
        "tls-client-on-plaintext",
    ],
)  # fmt: skip
def test_a_protocol_that_does_not_match_the_listener(request, broker_name, env, expected) -> None:
    broker = request.getfixturevalue(broker_name)
    failure = preflight(settings_for(broker, **env))
    assert failure is not None and failure.cause == "protocol-mismatch"
    assert expected in str(failure)


# -- through the commands: exit 2, one line, no traceback, within a minute -----------------


@pytest.fixture
def command_env(nieuwsstroom_cache: Path, argos_packages_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NIEUWSSTROOM_CACHE_DIR": str(nieuwsstroom_cache),
        "ARGOS_PACKAGES_DIR": str(argos_packages_dir),
        "NIEUWSSTROOM_WEB_PORT": "0",
    }


def run_command(args: list[str], env: dict[str, str], tmp_path: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "nieuwsstroom", *args],
        env={**env, "NIEUWSSTROOM_DATA_DIR": str(tmp_path / "faust")},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


COMMANDS = {
    "produce": lambda path, url: ["produce", str(path), "--broker", url],
    "consume": lambda path, url: ["consume", "articles.raw", "--max", "1", "--broker", url],
    "demo": lambda path, url: ["demo", "--input", str(path), "--broker", url, "--timeout", "30"],
    "worker": lambda path, url: ["worker", "--broker", url],
}


@pytest.mark.parametrize(
    ("command", "failure"),
    [
        ("produce", "wrong-password"),
        ("consume", "wrong-password"),
        ("demo", "wrong-password"),
        ("worker", "wrong-password"),
        ("produce", "untrusted-ca"),
        ("worker", "untrusted-ca"),
        ("produce", "no-client-certificate"),
        ("consume", "no-client-certificate"),
        ("worker", "no-client-certificate"),
    ],
)
def test_commands_end_within_a_minute_with_one_line_naming_the_cause(
    request, command: str, failure: str, command_env: dict[str, str], tmp_path: Path
) -> None:
    if failure == "no-client-certificate":
        broker: LocalKafkaBroker = request.getfixturevalue("mtls_broker")
        env = {**command_env, **broker.client_env()}
        del env["NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION"]
        del env["NIEUWSSTROOM_KAFKA_SSL_KEY_LOCATION"]
        expected = (
            "error: TLS: the broker requires a client certificate: set "
            "NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION/KEY_LOCATION"
        )
    else:
        broker = request.getfixturevalue("scram_broker")
        env = {**command_env, **broker.client_env(user="alice")}
        if failure == "wrong-password":
            env["NIEUWSSTROOM_KAFKA_SASL_PASSWORD"] = WRONG_PASSWORD
            expected = (
                "error: authentication failed (SASL SCRAM-SHA-512 as user alice) at Kafka "
                f"{broker.bootstrap}: check NIEUWSSTROOM_KAFKA_SASL_USERNAME/PASSWORD"
            )
        else:
            ca = other_ca(tmp_path / "other-ca.pem")
            env["NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION"] = str(ca)
            expected = (
                "error: TLS: the broker's certificate is not trusted by "
                f"NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION={ca}"
            )
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "s1", "title": "Titel", "body": "Een zin."}\n')
    code, output, seconds = run_command(
        COMMANDS[command](source, f"kafka://{broker.bootstrap}"), env, tmp_path
    )
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert code == 2, output[-2000:]
    assert len(errors) == 1 and errors[0].startswith(expected), output[-2000:]
    assert "Traceback" not in output
    assert seconds < 60
    assert not any(secret in output for secret in ALL_SECRETS), "a password reached the output"
    print(f"\n{command}/{failure}: exit {code} in {seconds:.1f}s: {errors[0]}")
