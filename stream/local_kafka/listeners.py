"""The listeners of a local broker node: what clients connect to, and how it is secured.

A plain node has one client listener, `PLAINTEXT`, that brokers also use among
themselves. A secured node (`ListenerSecurity(protocol="SASL_SSL", ...)`) has
three, as company clusters often do:

    CLIENT     the secured listener clients use (SSL, SASL_PLAINTEXT or SASL_SSL;
               `client_auth=True` makes TLS clients present a certificate: mTLS)
    INTERNAL   PLAINTEXT on loopback, for replication between nodes and the start-up probe
    CONTROLLER PLAINTEXT, the KRaft quorum

SASL users are created at format time (`kafka-storage format --add-scram`) for
SCRAM-SHA-256 and SCRAM-SHA-512, and listed in the listener's JAAS config for
PLAIN (the mechanism Confluent Cloud uses). OAUTHBEARER uses Kafka's default,
unsecured token validator (unsigned JWTs; tests only). There is no authorizer:
an authenticated client may do anything, which is what the tests need.

`client_env()` gives the NIEUWSSTROOM_KAFKA_* variables a client of this node
needs; `nieuwsstroom broker --security ...` prints them.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from nieuwsstroom.stream.local_kafka.errors import BrokerError

if TYPE_CHECKING:  # certs needs `cryptography`, which only TLS listeners use
    from nieuwsstroom.stream.local_kafka.certs import TestPki

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
SASL_MECHANISMS = (*SCRAM_MECHANISMS, "PLAIN", "OAUTHBEARER")
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
_PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required"
# Kafka's default OAUTHBEARER validator on the broker accepts *unsecured* (unsigned) JWTs:
# enough to test a client's token handling, never for production.
_OAUTH_LOGIN = (
    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
    'unsecuredLoginStringClaim_sub="broker";'
)


@dataclass(frozen=True)
class ListenerSecurity:
    """How the client listener is secured. The default is an open PLAINTEXT listener."""

    protocol: Protocol = "PLAINTEXT"
    client_auth: bool = False
    """TLS listeners only: require a client certificate signed by the test CA (mTLS)."""
    users: Mapping[str, str] = field(default_factory=dict)
    """SASL listeners only: user name -> password (SCRAM-SHA-256/512 and PLAIN)."""

    def __post_init__(self) -> None:
        if self.protocol not in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"):
            raise BrokerError(f"unknown listener protocol {self.protocol!r}")
        if self.client_auth and not self.tls:
            raise BrokerError(f"client_auth needs a TLS listener, not {self.protocol}")
        if self.sasl and not self.users:
            raise BrokerError(f"a {self.protocol} listener needs at least one user")
        for name, password in self.users.items():
            for text in (name, password):
                if not text or any(c in text for c in '"\\,=[]'):
                    raise BrokerError(
                        f"SASL user {name!r}: names and passwords must be non-empty and free "
                        'of " \\ , = [ ] (they go into JAAS and --add-scram syntax)'
                    )

    @property
    def tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    @property
    def sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def secured(self) -> bool:
        return self.protocol != "PLAINTEXT"

    def listener_properties(
        self, *, client_port: int, internal_port: int | None, controller_port: int
    ) -> dict[str, str]:
        """listeners, advertised.listeners, the protocol map and the inter-broker listener."""
        host = "127.0.0.1"
        if not self.secured:
            return {
                "listeners": f"PLAINTEXT://{host}:{client_port},CONTROLLER://{host}:{controller_port}",
                "advertised.listeners": f"PLAINTEXT://{host}:{client_port},"
                f"CONTROLLER://{host}:{controller_port}",
                "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name": "PLAINTEXT",
            }
        if internal_port is None:
            raise BrokerError("a secured node needs an internal port")
        listeners = (
            f"CLIENT://{host}:{client_port},INTERNAL://{host}:{internal_port},"
            f"CONTROLLER://{host}:{controller_port}"
        )
        return {
            "listeners": listeners,
            "advertised.listeners": listeners,
            "listener.security.protocol.map": (
                f"CLIENT:{self.protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"
            ),
            "inter.broker.listener.name": "INTERNAL",
        }

    def security_properties(self, pki: TestPki | None) -> dict[str, str]:
        """TLS keystore/truststore and SASL JAAS settings of the CLIENT listener."""
        props: dict[str, str] = {}
        if self.tls:
            if pki is None:
                raise BrokerError("a TLS listener needs certificates (write_test_pki)")
            props |= {
                "listener.name.client.ssl.keystore.type": "PEM",
                "listener.name.client.ssl.keystore.location": str(pki.server_keystore),
                "listener.name.client.ssl.truststore.type": "PEM",
                "listener.name.client.ssl.truststore.location": str(pki.ca_cert),
                "listener.name.client.ssl.client.auth": "required" if self.client_auth else "none",
            }
        if self.sasl:
            plain_users = " ".join(f'user_{n}="{p}"' for n, p in self.users.items())
            props |= {
                "listener.name.client.sasl.enabled.mechanisms": ",".join(SASL_MECHANISMS),
                "listener.name.client.plain.sasl.jaas.config": f"{_PLAIN_LOGIN} {plain_users};",
                "listener.name.client.oauthbearer.sasl.jaas.config": _OAUTH_LOGIN,
                **{
                    f"listener.name.client.{m.lower()}.sasl.jaas.config": _SCRAM_LOGIN
                    for m in SCRAM_MECHANISMS
                },
            }
        return props

    def format_arguments(self) -> list[str]:
        """`--add-scram` arguments for `kafka-storage format`: SCRAM users exist from the
        first start, before any controller could take an AlterUserScramCredentials."""
        if not self.sasl:
            return []
        return [
            f'--add-scram={mechanism}=[name={name},password="{password}"]'
            for name, password in self.users.items()
            for mechanism in SCRAM_MECHANISMS
        ]

    def client_env(
        self,
        pki: TestPki | None,
        *,
        user: str | None = None,
        mechanism: str = "SCRAM-SHA-512",
    ) -> dict[str, str]:
        """NIEUWSSTROOM_KAFKA_* variables for a client of this listener (as `user`)."""
        env = {"NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL": self.protocol}
        if self.tls and pki is not None:
            env["NIEUWSSTROOM_KAFKA_SSL_CA_LOCATION"] = str(pki.ca_cert)
            if self.client_auth:
                env["NIEUWSSTROOM_KAFKA_SSL_CERTIFICATE_LOCATION"] = str(pki.client_cert)
                env["NIEUWSSTROOM_KAFKA_SSL_KEY_LOCATION"] = str(pki.client_key)
                if pki.client_key_password:
                    env["NIEUWSSTROOM_KAFKA_SSL_KEY_PASSWORD"] = pki.client_key_password
        if self.sasl:
            name = user or next(iter(self.users))
            if name not in self.users:
                raise BrokerError(f"no SASL user {name!r} on this broker: {sorted(self.users)}")
            if mechanism not in SASL_MECHANISMS:
                raise BrokerError(f"mechanism {mechanism!r} not one of {SASL_MECHANISMS}")
            env["NIEUWSSTROOM_KAFKA_SASL_MECHANISM"] = mechanism
            if mechanism != "OAUTHBEARER":  # a token file instead: unsecured_oauth_token()
                env["NIEUWSSTROOM_KAFKA_SASL_USERNAME"] = name
                env["NIEUWSSTROOM_KAFKA_SASL_PASSWORD"] = self.users[name]
        return env


def unsecured_oauth_token(subject: str, lifetime_s: int = 3600) -> str:
    """An unsigned JWT (`alg: none`) that Kafka's default OAUTHBEARER validator accepts:
    what a local broker's OAUTHBEARER clients put in their token file."""
    now = int(time.time())

    def part(data: dict[str, object]) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    claims = {"sub": subject, "iat": now, "exp": now + lifetime_s}
    return f"{part({'alg': 'none'})}.{part(claims)}."
