"""Secured local brokers for the security tests: SASL_SSL (SCRAM, PLAIN, OAUTHBEARER) and mTLS.

One of each per test session (a JVM start costs ~10 s on this machine), with
certificates made for the session (`local_kafka/certs.py`). The broker's
configuration is Kafka's own (listener-prefixed ssl.* and sasl.* properties, users
from `kafka-storage format --add-scram`); the client side is only the
NIEUWSSTROOM_KAFKA_* variables that `client_env()` returns, as a user would set them.
Tests using these fixtures are marked `kafka` automatically.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
from nieuwsstroom.stream.local_kafka.certs import TestPki, write_test_pki
from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity
from tests.fixtures_kafka import _cache_dir

SECURED_FIXTURES = frozenset({"scram_broker", "mtls_broker"})
SASL_USERS = {"alice": "alice-Secret-7f3a9c", "bob": "bob-Secret-22e1d0"}
"""Passwords distinctive enough that a test can grep every output for them."""
CLIENT_KEY_PASSWORD = "client-Key-Secret-51aa0e"


def pytest_itemcollected(item: pytest.Item) -> None:
    if SECURED_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.kafka)


def _broker(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    security: ListenerSecurity,
    pki: TestPki | None = None,
) -> Iterator[LocalKafkaBroker]:
    broker = LocalKafkaBroker(
        data_dir=tmp_path_factory.mktemp(name),
        cache_dir=_cache_dir(),
        start_timeout=180,
        heap="384m",
        security=security,
        pki=pki,
    )
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def scram_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafkaBroker]:
    """A SASL_SSL listener (SCRAM-SHA-256/512, PLAIN, OAUTHBEARER) with users SASL_USERS."""
    yield from _broker(
        tmp_path_factory, "kafka-sasl-ssl", ListenerSecurity("SASL_SSL", users=SASL_USERS)
    )


@pytest.fixture(scope="session")
def mtls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafkaBroker]:
    """An SSL listener that requires a client certificate signed by the session's test CA;
    the client's key is encrypted (NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD=CLIENT_KEY_PASSWORD)."""
    pki = write_test_pki(
        tmp_path_factory.mktemp("mtls-pki"), client_key_password=CLIENT_KEY_PASSWORD
    )
    yield from _broker(
        tmp_path_factory, "kafka-mtls", ListenerSecurity("SSL", client_auth=True), pki
    )
