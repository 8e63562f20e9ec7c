"""Throw-away TLS material for a local broker: a CA, a server certificate, client certificates.

Tests and `nieuwsstroom broker --security ...` need a broker that speaks TLS the
way a company's Kafka does, with certificates nobody had to make by hand. One
call writes PEM files (what both Kafka, `ssl.keystore.type=PEM`, and Python's
`ssl` module read) into a folder:

    tls = write_test_pki(folder)          # ca.pem, server.pem (key + chain), client.{crt,key}
    tls.ca_cert, tls.server_keystore, tls.client_cert, tls.client_key

The server certificate names `localhost` and `127.0.0.1`, so clients verify the
hostname as they would in production. `other_ca` writes a second, unrelated CA:
the one a client trusts in the "untrusted broker certificate" test.

Uses the `cryptography` package (in the `test` extra); importing this module
without it raises a `BrokerError` with the install command.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nieuwsstroom.stream.local_kafka.errors import BrokerError

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise BrokerError(
        "a TLS broker needs the `cryptography` package to make its test certificates: "
        "pip install cryptography (or pip install 'nieuwsstroom[test]')"
    ) from exc

_VALID_FOR = dt.timedelta(days=30)


@dataclass(frozen=True)
class TestPki:
    """Paths of the PEM files `write_test_pki` wrote."""

    __test__ = False  # not a pytest test class, despite the name

    folder: Path
    ca_cert: Path
    """The CA certificate: the broker's truststore and the client's CA location."""
    server_keystore: Path
    """Server private key (unencrypted PKCS#8) followed by its certificate and the CA's."""
    client_cert: Path
    client_key: Path
    client_key_password: str | None
    """Password of `client_key` (encrypted PEM), or None if it is not encrypted."""
    client_name: str
    """The client certificate's common name: its principal on the broker (`User:CN=...`)."""


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "nieuwsstroom test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: str, issuer: x509.Name, public_key: Any) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALID_FOR)
    )


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _key()
    cert = (
        _builder(common_name, _name(common_name), key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    common_name: str,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    *,
    server: bool,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _key()
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        _builder(common_name, ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if server:
        names: list[x509.GeneralName] = [
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey, password: str | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def write_test_pki(
    folder: Path,
    *,
    client_name: str = "nieuwsstroom-client",
    client_key_password: str | None = None,
) -> TestPki:
    """A fresh CA, a server certificate for localhost/127.0.0.1 and a client certificate."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _ca("nieuwsstroom test CA")
    server_key, server_cert = _leaf("localhost", ca_key, ca_cert, server=True)
    client_key, client_cert = _leaf(client_name, ca_key, ca_cert, server=False)
    return TestPki(
        folder=folder,
        ca_cert=_write(folder / "ca.pem", _pem(ca_cert)),
        server_keystore=_write(
            folder / "server.pem", _key_pem(server_key) + _pem(server_cert) + _pem(ca_cert)
        ),
        client_cert=_write(folder / "client.crt", _pem(client_cert)),
        client_key=_write(folder / "client.key", _key_pem(client_key, client_key_password)),
        client_key_password=client_key_password,
        client_name=client_name,
    )


def other_ca(path: Path) -> Path:
    """A CA certificate that signed nothing the broker holds: a client trusting only this
    one must refuse the broker."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _key_unused, cert = _ca("some other CA")
    return _write(path, _pem(cert))
