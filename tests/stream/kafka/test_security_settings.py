"""Security settings: checked together at start-up, mapped once, never printed.

No broker here: what a client is given (aiokafka arguments, Faust credentials) and
what a user is told when the settings do not fit together. That the arguments work
against real TLS, SASL and mTLS listeners is `test_security_failures.py`'s and
`tests/stream/worker/test_secured_worker.py`'s job.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

import faust
import pytest
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from nieuwsstroom.stream.errors import ConfigurationError
from nieuwsstroom.stream.kafka.security import (
    PLAINTEXT,
    TokenFileProvider,
    kafka_security,
)
from nieuwsstroom.stream.local_kafka.certs import other_ca, write_test_pki
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.faust_config import faust_settings

PASSWORD = "Pa55-only-in-the-env-9d1c"
KEY_PASSWORD = "key-Pa55-6b0e"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):
    return write_test_pki(tmp_path_factory.mktemp("pki"), client_key_password=KEY_PASSWORD)


def settings(**fields: object) -> Settings:
    return Settings(broker="kafka://127.0.0.1:9093", **fields)


def scram(**fields: object) -> Settings:
    return settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="alice",
        kafka_sasl_password=PASSWORD,
        **fields,
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"kafka_sasl_mechanism": "PLAIN"},
            "NIEUWSSTROOM_KAFKA_SASL_MECHANISM=PLAIN needs NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL"
            "=SASL_SSL (or SASL_PLAINTEXT); it is PLAINTEXT",
        ),
        (
            {"kafka_security_protocol": "SASL_SSL"},
            "NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs NIEUWSSTROOM_KAFKA_SASL_MECHANISM",
        ),
        (
            {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "SCRAM-SHA-512"},
            "NIEUWSSTROOM_KAFKA_SASL_MECHANISM=SCRAM-SHA-512 needs "
            "NIEUWSSTROOM_KAFKA_SASL_USERNAME and NIEUWSSTROOM_KAFKA_SASL_PASSWORD",
        ),
        (
            {
                "kafka_security_protocol": "SASL_PLAINTEXT",
                "kafka_sasl_mechanism": "PLAIN",
                "kafka_sasl_username": "alice",
            },
            "needs NIEUWSSTROOM_KAFKA_SASL_PASSWORD",
        ),
        (
            {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "OAUTHBEARER"},
            "OAUTHBEARER needs NIEUWSSTROOM_KAFKA_SASL_OAUTHBEARER_TOKEN_FILE",
        ),
        (
            {"kafka_ssl_ca_location": "/etc/hostname"},
            "NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION set, but NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL="
            "PLAINTEXT does not use TLS",
        ),
        (
            {"kafka_security_protocol": "SSL", "kafka_ssl_ca_location": "/no/such/ca.pem"},
            "NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION=/no/such/ca.pem: no such file",
        ),
        (
            {"kafka_security_protocol": "SSL", "kafka_ssl_ca_location": "/etc/hostname"},
            "NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION=/etc/hostname: not a PEM file of CA certificates",
        ),
        (
            {"kafka_security_protocol": "SSL", "kafka_ssl_key_location": "/etc/hostname"},
            "NIEUWSSTROOM_KAFKA_SSL_KEY_LOCATION is set but "
            "NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION is not",
        ),
        (
            {"broker": "kafka+ssl://broker:9093"},
            "scheme 'kafka+ssl' is not supported; write kafka://HOST:PORT and set "
            "NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL",
        ),
    ],
    ids=[
        "mechanism-without-sasl",
        "sasl-without-mechanism",
        "scram-without-user",
        "plain-without-password",
        "oauth-without-token",
        "ca-without-tls",
        "ca-missing",
        "ca-not-pem",
        "key-without-certificate",
        "kafka+ssl-url",
    ],
)
def test_settings_that_do_not_fit_together_are_refused_naming_the_variables(fields, expected):
    fields = {"broker": "kafka://127.0.0.1:9093", **fields}
    with pytest.raises(ConfigurationError) as caught:
        kafka_security(Settings(**fields))
    assert expected in str(caught.value)


def test_an_encrypted_client_key_needs_its_password_and_the_error_never_shows_it(pki):
    base = {
        "kafka_security_protocol": "SSL",
        "kafka_ssl_ca_location": pki.ca_cert,
        "kafka_ssl_certificate_location": pki.client_cert,
        "kafka_ssl_key_location": pki.client_key,
    }
    assert kafka_security(settings(**base, kafka_ssl_key_password=KEY_PASSWORD)).tls
    with pytest.raises(ConfigurationError) as caught:
        kafka_security(settings(**base, kafka_ssl_key_password="not-the-key-password"))
    message = str(caught.value)
    assert f"NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION={pki.client_cert}" in message
    assert "NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD" in message
    assert "not-the-key-password" not in message and KEY_PASSWORD not in message
    with pytest.raises(ConfigurationError, match="cannot load the client certificate"):
        kafka_security(settings(**base))  # no password: refused, and no terminal prompt


def test_every_client_gets_the_same_arguments_as_faust_gives_its_own(pki, tmp_path):
    """Our aiokafka kwargs and Faust's mapping of our credentials agree, protocol by protocol."""
    token = tmp_path / "token"
    token.write_text("a.b.\n")
    cases = {
        "PLAINTEXT": settings(),
        "SSL": settings(
            kafka_security_protocol="SSL",
            kafka_ssl_ca_location=pki.ca_cert,
            kafka_ssl_certificate_location=pki.client_cert,
            kafka_ssl_key_location=pki.client_key,
            kafka_ssl_key_password=KEY_PASSWORD,
        ),
        "SASL_SSL": scram(kafka_ssl_ca_location=pki.ca_cert),
        "SASL_PLAINTEXT": settings(
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="PLAIN",
            kafka_sasl_username="alice",
            kafka_sasl_password=PASSWORD,
        ),
        "OAUTHBEARER": settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="OAUTHBEARER",
            kafka_sasl_oauthbearer_token_file=token,
        ),
    }
    for name, configured in cases.items():
        security = kafka_security(configured)
        ours = security.aiokafka_kwargs()
        credentials = faust_settings(configured)["broker_credentials"]
        theirs = credentials_to_aiokafka_auth(credentials)
        assert ours["security_protocol"] == theirs["security_protocol"], name
        has_tls = (ours.get("ssl_context") is not None, theirs.get("ssl_context") is not None)
        assert has_tls in ((True, True), (False, False)), name
        for key in ("sasl_mechanism", "sasl_plain_username", "sasl_plain_password"):
            assert ours.get(key) == theirs.get(key), (name, key)
        if name == "OAUTHBEARER":
            assert isinstance(theirs["sasl_oauth_token_provider"], TokenFileProvider)
    assert faust_settings(cases["PLAINTEXT"])["broker_credentials"] is None
    assert isinstance(faust_settings(cases["SSL"])["broker_credentials"], faust.SSLCredentials)
    assert kafka_security(cases["SASL_SSL"]).aiokafka_kwargs()["sasl_plain_password"] == PASSWORD


def test_tls_context_verifies_the_broker_and_checks_host_names_unless_told_not_to(pki):
    context = kafka_security(settings(kafka_security_protocol="SSL")).ssl_context
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname  # system CAs, host names checked
    for off in ("none", ""):  # librdkafka's spelling, and the Java clients' empty value
        relaxed = kafka_security(
            settings(
                kafka_security_protocol="SSL",
                kafka_ssl_ca_location=pki.ca_cert,
                kafka_ssl_endpoint_identification_algorithm=off,
            )
        ).ssl_context
        assert relaxed is not None and not relaxed.check_hostname
        assert relaxed.verify_mode == ssl.CERT_REQUIRED, "the certificate itself is still verified"


def test_a_child_process_gets_the_same_security_through_its_environment(pki):
    configured = scram(kafka_ssl_ca_location=pki.ca_cert)
    security = kafka_security(configured)
    child = kafka_security(
        Settings.for_child({"NIEUWSSTROOM_BROKER": configured.broker, **security.child_env()})
    )
    assert child == security


def test_secrets_stay_out_of_repr_describe_and_settings_text(pki, tmp_path):
    configured = scram(
        kafka_ssl_ca_location=pki.ca_cert,
        kafka_ssl_key_password=KEY_PASSWORD,
    )
    security = kafka_security(configured)
    faust_credentials = security.faust_credentials()
    for text in (
        repr(security),
        security.describe(),
        str(configured),
        repr(configured),
        repr(faust_credentials),
        str(configured.model_dump()),
        repr(PLAINTEXT),
    ):
        assert PASSWORD not in text and KEY_PASSWORD not in text, text
    assert "SASL SCRAM-SHA-512 as user alice" in security.describe()


def test_config_command_masks_the_secrets(tmp_path):
    env = {
        **os.environ,
        "NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "NIEUWSSTROOM_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "NIEUWSSTROOM_KAFKA_SASL_USERNAME": "alice",
        "NIEUWSSTROOM_KAFKA_SASL_PASSWORD": PASSWORD,
        "NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD": KEY_PASSWORD,
    }
    outputs = {}
    for args in (["config"], ["config", "--markdown"]):
        done = subprocess.run(
            [sys.executable, "-m", "nieuwsstroom", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        outputs[args[-1]] = done.stdout + done.stderr
        assert PASSWORD not in outputs[args[-1]] and KEY_PASSWORD not in outputs[args[-1]]
    assert "NIEUWSSTROOM_KAFKA_SASL_USERNAME=alice" in outputs["config"]
    # Set, but not shown, and commented out: pasted into a .env, a mask is not a password.
    assert "# NIEUWSSTROOM_KAFKA_SASL_PASSWORD=    (set; a secret, not shown)" in outputs["config"]


def test_security_flags_override_the_environment_and_the_password_comes_from_a_file(tmp_path):
    """Through the real command line: the flags reach the settings (the SCRAM mechanism flag
    with no password anywhere is refused naming the variable), and a password file works
    where a password flag would leak into shell history."""

    def produce(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        source = tmp_path / "in.jsonl"
        source.write_text('{"id": "a", "title": "t", "body": "b"}\n')
        return subprocess.run(
            [sys.executable, "-m", "nieuwsstroom", "produce", str(source),
             "--broker", "kafka://127.0.0.1:1", *args],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )  # fmt: skip

    flags = ("--security-protocol", "sasl_ssl", "--sasl-mechanism", "scram-sha-512",
             "--sasl-username", "alice")  # fmt: skip
    refused = produce(*flags)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "needs NIEUWSSTROOM_KAFKA_SASL_PASSWORD" in refused.stderr

    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    reached = produce(*flags, "--sasl-password-file", str(secret))
    assert reached.returncode == 2
    assert reached.stderr.strip().splitlines() == [
        "error: cannot reach Kafka at 127.0.0.1:1 (connection refused): is the broker running? "
        "set NIEUWSSTROOM_BROKER or --broker"
    ], "the settings were complete: only the (absent) broker stopped it"
    assert PASSWORD not in reached.stderr + reached.stdout

    empty = tmp_path / "empty"
    empty.write_text("")
    assert "the file is empty" in produce(*flags, "--sasl-password-file", str(empty)).stderr
    assert "--sasl-password " not in produce("--help").stdout, "no password flag, on purpose"


def test_token_file_is_read_at_every_connection(tmp_path):
    import asyncio

    token = tmp_path / "token"
    token.write_text("first\n")
    provider = TokenFileProvider(token)
    assert asyncio.run(provider.token()) == "first"
    token.write_text("refreshed")
    assert asyncio.run(provider.token()) == "refreshed"
    token.unlink()
    with pytest.raises(ConfigurationError, match="SASL_OAUTHBEARER_TOKEN_FILE"):
        asyncio.run(provider.token())


def test_other_ca_is_not_the_test_ca(pki, tmp_path):
    """The 'untrusted CA' tests need a CA that really did not sign the broker."""
    other = other_ca(tmp_path / "other.pem")
    assert Path(other).read_bytes() != pki.ca_cert.read_bytes()
