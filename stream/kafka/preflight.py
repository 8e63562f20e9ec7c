"""Connect to Kafka once, as a client would, and say in one line why it failed.

aiokafka 0.14 hides the cause of a failed start: a wrong password, an unknown CA
and a missing client certificate all end as `KafkaConnectionError("Unable to
bootstrap from [...]")` (the cause only goes to its log), and a client that once
connected retries forever. So every command connects first through
`check_connection()`: aiokafka's own `create_conn` (the same TLS and SASL code
the clients run) and a Metadata request to each bootstrap address, and a
failure is turned by `classify()` into a `KafkaConnectError` whose message
names the cause and the setting to fix. How aiokafka 0.14 surfaces each one
against Kafka 4.1 (tests/stream/kafka/test_security_failures.py):

    wrong password/user       SaslAuthenticationFailed from the SaslAuthenticate response
    CA does not trust broker  ssl.SSLCertVerificationError (verify_code 19/20/21) from the handshake
    host name not in the cert ssl.SSLCertVerificationError, verify_code 62
    no client certificate     KafkaConnectionError("Connection ... closed") caused by
                              ssl.SSLError(SSLV3_ALERT_BAD_CERTIFICATE): TLS 1.3 sends the alert
                              after the handshake, so it arrives on the first read
    TLS client, plain port    ConnectionResetError in the handshake (Kafka drops a ClientHello
                              read as a request size), or ssl.SSLError(WRONG_VERSION_NUMBER)
    plain client, TLS port    KafkaConnectionError(closed) caused by IncompleteReadError whose
                              "length" is the TLS alert record header 0x15 0x03 0x0?
    OAUTHBEARER token refused nothing: aiokafka ignores the broker's error challenge; the
                              next answer lists no broker (so an empty Metadata answer
                              with OAUTHBEARER means "token refused")
    nothing listening         ConnectionRefusedError; no such host: socket.gaierror
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Iterator

from aiokafka.cluster import ClusterMetadata
from aiokafka.conn import create_conn
from aiokafka.errors import (
    IllegalSaslStateError,
    KafkaConnectionError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.protocol.metadata import MetadataRequest

from nieuwsstroom.stream.errors import KafkaConnectError
from nieuwsstroom.stream.kafka.security import (
    CA_VAR,
    CERT_VAR,
    HOSTNAME_VAR,
    MECHANISM_VAR,
    PROTOCOL_VAR,
    TOKEN_FILE_VAR,
    USERNAME_VAR,
    KafkaSecurity,
)

_HOSTNAME_MISMATCH = 62  # X509_V_ERR_HOSTNAME_MISMATCH
_IP_MISMATCH = 64  # X509_V_ERR_IP_ADDRESS_MISMATCH
_EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED
_CLIENT_CERT_ALERTS = (
    "SSLV3_ALERT_BAD_CERTIFICATE",
    "TLSV13_ALERT_CERTIFICATE_REQUIRED",
    "TLSV1_ALERT_UNKNOWN_CA",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
    "TLSV1_ALERT_ACCESS_DENIED",
)
_NOT_TLS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNEXPECTED_EOF", "PACKET_LENGTH")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, then its causes and contexts (aiokafka wraps the TLS error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify(exc: BaseException, address: str, security: KafkaSecurity) -> KafkaConnectError:
    """One line naming why connecting to `address` failed, and what to set."""
    chain = list(_chain(exc))
    for error in chain:
        found = _classify_one(error, address, security)
        if found is not None:
            return found
    if any(isinstance(e, KafkaConnectionError) and "closed" in str(e) for e in chain):
        # Closed with no TLS alert or SASL error behind it: typically a TLS client on a
        # SASL_SSL listener, which drops a client that skips the SASL handshake.
        return KafkaConnectError(
            f"Kafka at {address} closed the connection ({security.describe()}): does "
            f"the listener expect another {PROTOCOL_VAR}, e.g. SASL_SSL?",
            cause="protocol-mismatch",
        )
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return KafkaConnectError(
        f"cannot connect to Kafka at {address} ({security.describe()}): {reason}",
        cause="unreachable",
    )


def _classify_one(
    error: BaseException, address: str, security: KafkaSecurity
) -> KafkaConnectError | None:
    if isinstance(error, SaslAuthenticationFailed):
        return _authentication_failed(address, security)
    if isinstance(error, UnsupportedSaslMechanismError):
        return KafkaConnectError(
            f"Kafka at {address} does not accept SASL {security.sasl_mechanism}: {error}; "
            f"set {MECHANISM_VAR} to one it offers",
            cause="mechanism",
        )
    if isinstance(error, _EmptyMetadata) and security.sasl_mechanism == "OAUTHBEARER":
        return _authentication_failed(address, security)
    if isinstance(error, IllegalSaslStateError):
        return KafkaConnectError(
            f"Kafka at {address} does not expect SASL on this listener ({error}): "
            f"is {PROTOCOL_VAR}={security.protocol} right? (SSL or PLAINTEXT?)",
            cause="protocol-mismatch",
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return _untrusted(error, address, security)
    if isinstance(error, ssl.SSLError):
        reason = str(error.reason or error)
        if any(alert in reason for alert in _CLIENT_CERT_ALERTS):
            return _client_certificate(reason, address, security)
        if any(sign in reason.upper() for sign in _NOT_TLS):
            return KafkaConnectError(
                f"TLS: Kafka at {address} does not answer in TLS ({reason}): is it a "
                f"PLAINTEXT or SASL_PLAINTEXT listener? {PROTOCOL_VAR}={security.protocol}",
                cause="protocol-mismatch",
            )
    if (
        isinstance(error, asyncio.IncompleteReadError)
        and not security.tls
        and _looks_like_tls_alert(error)
    ):
        return KafkaConnectError(
            f"Kafka at {address} speaks TLS, but {PROTOCOL_VAR}={security.protocol}: "
            "set SSL or SASL_SSL",
            cause="protocol-mismatch",
        )
    if isinstance(error, ConnectionResetError) and security.tls:
        # A plaintext listener reads the TLS ClientHello as an absurd request size and
        # drops the connection mid-handshake.
        return KafkaConnectError(
            f"TLS: Kafka at {address} dropped the connection during the TLS handshake: is it "
            f"a PLAINTEXT or SASL_PLAINTEXT listener? {PROTOCOL_VAR}={security.protocol}",
            cause="protocol-mismatch",
        )
    if isinstance(error, ConnectionRefusedError):
        return _unreachable(address, "connection refused")
    if isinstance(error, socket.gaierror):
        return _unreachable(address, "unknown host")
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return _unreachable(address, "no answer in time")
    return None


def _looks_like_tls_alert(error: asyncio.IncompleteReadError) -> bool:
    """A Kafka client reads a 4-byte length first; a TLS server's alert record starts with
    0x15 0x03 (content type alert, TLS major version), which reads as 0x1503____."""
    expected = error.expected or 0
    return (expected >> 16) in (0x1503,)


def _unreachable(address: str, reason: str) -> KafkaConnectError:
    """One line: the address, the cause, and the setting or flag that points at the broker."""
    return KafkaConnectError(
        f"cannot reach Kafka at {address} ({reason}): is the broker running? "
        "set NIEUWSSTROOM_BROKER or --broker",
        cause="unreachable",
    )


def _authentication_failed(address: str, security: KafkaSecurity) -> KafkaConnectError:
    if security.sasl_mechanism == "OAUTHBEARER":
        who, fix = "", f"check the token in {TOKEN_FILE_VAR}"
    else:
        who = f" as user {security.username}"
        fix = f"check {USERNAME_VAR}/PASSWORD"
    return KafkaConnectError(
        f"authentication failed (SASL {security.sasl_mechanism}{who}) at Kafka {address}: {fix}",
        cause="authentication",
    )


def _untrusted(
    error: ssl.SSLCertVerificationError, address: str, security: KafkaSecurity
) -> KafkaConnectError:
    detail = error.verify_message or str(error.reason or error)
    if error.verify_code in (_HOSTNAME_MISMATCH, _IP_MISMATCH):
        return KafkaConnectError(
            f"TLS: the certificate of Kafka at {address} does not name that host ({detail}): "
            f"connect by a name it holds, or set {HOSTNAME_VAR}=none to skip host checks",
            cause="tls-hostname",
        )
    if error.verify_code == _EXPIRED:
        return KafkaConnectError(
            f"TLS: the certificate of Kafka at {address} has expired ({detail})",
            cause="tls-untrusted",
        )
    trust = (
        f"{CA_VAR}={security.ca_location}"
        if security.ca_location
        else f"the system's CAs (set {CA_VAR} to the CA that signed it)"
    )
    return KafkaConnectError(
        f"TLS: the broker's certificate is not trusted by {trust} (Kafka at {address}: {detail})",
        cause="tls-untrusted",
    )


def _client_certificate(reason: str, address: str, security: KafkaSecurity) -> KafkaConnectError:
    if security.certificate_location is None:
        return KafkaConnectError(
            f"TLS: the broker requires a client certificate: set "
            f"{CERT_VAR}/KEY_LOCATION (Kafka at {address}: {reason})",
            cause="tls-client-certificate",
        )
    return KafkaConnectError(
        f"TLS: Kafka at {address} refused the client certificate "
        f"{CERT_VAR}={security.certificate_location} ({reason}): is it signed by a CA the "
        "broker trusts?",
        cause="tls-client-certificate",
    )


def _addresses(bootstrap: str) -> list[tuple[str, int]]:
    out = []
    for part in bootstrap.split(","):
        part = part.strip()
        if not part:
            continue
        host, _, port = part.rpartition(":")
        out.append((host.strip("[]") or part, int(port) if port.isdigit() else 9092))
    return out


async def check_connection(
    bootstrap: str, security: KafkaSecurity, *, timeout_s: float = 15.0
) -> ClusterMetadata:
    """Connect as a client would and fetch metadata (all topics) from the first bootstrap
    address that answers; raise the classified `KafkaConnectError` otherwise (a security
    failure before an unreachable address, since it is the one to fix)."""
    failures: list[KafkaConnectError] = []
    for host, port in _addresses(bootstrap):
        address = f"{host}:{port}"
        try:
            async with asyncio.timeout(timeout_s):
                return await _metadata(host, port, security, timeout_s)
        except KafkaConnectError as exc:  # e.g. the token file went away
            failures.append(exc)
        except Exception as exc:
            failures.append(classify(exc, address, security))
    if not failures:
        raise KafkaConnectError(f"no Kafka bootstrap address in {bootstrap!r}", cause="unreachable")
    security_failures = [f for f in failures if f.is_security]
    raise (security_failures or failures)[0]


async def _metadata(
    host: str, port: int, security: KafkaSecurity, timeout_s: float
) -> ClusterMetadata:
    conn = await create_conn(
        host,
        port,
        client_id="nieuwsstroom-preflight",
        request_timeout_ms=int(timeout_s * 1000),
        **security.aiokafka_kwargs(),
    )
    try:
        response = await conn.send(MetadataRequest(None))
    finally:
        with contextlib.suppress(Exception):
            conn.close()
    if not response.brokers:
        raise _EmptyMetadata("the Metadata answer lists no broker")
    cluster = ClusterMetadata()
    cluster.update_metadata(response)
    return cluster


class _EmptyMetadata(Exception):
    """A Metadata answer without brokers. aiokafka 0.14 does not notice that the broker
    rejected an OAUTHBEARER token (Kafka answers with an error challenge and waits for the
    client's reply; aiokafka moves on): the next read is not a real Metadata answer."""
