"""Kafka client security, from settings to every client: the one place that does it.

Settings use librdkafka's names (`NIEUWSSTROOM_KAFKA_SECURITY_PROTOCOL`,
`..._SASL_MECHANISM`, `..._SSL_CA_LOCATION`, ...). `kafka_security(settings)`
checks them together (a SASL mechanism without a user, a CA file that is not
there: each refused with the variables to set) and builds one `KafkaSecurity`,
which hands out what each kind of client takes:

    security.aiokafka_kwargs()   producers, consumers, the admin client, probes
    security.faust_credentials() Faust's `broker_credentials` (both worker apps)
    security.child_env()         the NIEUWSSTROOM_KAFKA_* variables for a child process

Secrets (SASL password, key password, token) live in pydantic `SecretStr` until
the moment a client needs them; `describe()` and `repr()` never include them.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka.abc import AbstractTokenProvider
from pydantic import SecretStr

from nieuwsstroom.stream.errors import ConfigurationError
from nieuwsstroom.stream.settings import Settings

ENV = "NIEUWSSTROOM_KAFKA_"
PROTOCOL_VAR = f"{ENV}SECURITY_PROTOCOL"
MECHANISM_VAR = f"{ENV}SASL_MECHANISM"
USERNAME_VAR = f"{ENV}SASL_USERNAME"
PASSWORD_VAR = f"{ENV}SASL_PASSWORD"
TOKEN_FILE_VAR = f"{ENV}SASL_OAUTHBEARER_TOKEN_FILE"
CA_VAR = f"{ENV}SSL_CA_LOCATION"
CERT_VAR = f"{ENV}SSL_CERTIFICATE_LOCATION"
KEY_VAR = f"{ENV}SSL_KEY_LOCATION"
KEY_PASSWORD_VAR = f"{ENV}SSL_KEY_PASSWORD"
HOSTNAME_VAR = f"{ENV}SSL_ENDPOINT_IDENTIFICATION_ALGORITHM"
TLS_PROTOCOLS = ("SSL", "SASL_SSL")
SASL_PROTOCOLS = ("SASL_PLAINTEXT", "SASL_SSL")
SUPPORTED_SCHEMES = ("kafka", "aiokafka")
"""Faust's broker URL schemes that use aiokafka; the scheme names the driver, not the
security, so TLS and SASL are set by the settings above, never by the URL."""


class TokenFileProvider(AbstractTokenProvider):
    """OAUTHBEARER: the token in a file, read again for every new connection, so a token
    refreshed by a sidecar (or a Kubernetes projected token) is picked up."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def token(self) -> str:
        try:
            text = self.path.read_text("utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read the OAUTHBEARER token: {TOKEN_FILE_VAR}={self.path}: "
                f"{exc.strerror or exc}"
            ) from None
        if not text:
            raise ConfigurationError(f"the OAUTHBEARER token file {self.path} is empty")
        return text

    def __repr__(self) -> str:
        return f"<TokenFileProvider {self.path}>"


@dataclass(frozen=True)
class KafkaSecurity:
    """How every Kafka client of this process authenticates and encrypts."""

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    token_file: Path | None = None
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    ca_location: Path | None = None
    certificate_location: Path | None = None
    key_location: Path | None = None
    key_password: SecretStr | None = field(default=None, repr=False)
    check_hostname: bool = True

    @property
    def tls(self) -> bool:
        return self.protocol in TLS_PROTOCOLS

    @property
    def sasl(self) -> bool:
        return self.protocol in SASL_PROTOCOLS

    def aiokafka_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for any aiokafka client (producer, consumer, admin, client)."""
        kwargs: dict[str, Any] = {"security_protocol": self.protocol}
        if self.tls:
            kwargs["ssl_context"] = self.ssl_context
        if self.sasl:
            kwargs["sasl_mechanism"] = self.sasl_mechanism
            if self.sasl_mechanism == "OAUTHBEARER":
                kwargs["sasl_oauth_token_provider"] = TokenFileProvider(self.token_file or Path())
            else:
                kwargs["sasl_plain_username"] = self.username
                kwargs["sasl_plain_password"] = _reveal(self.password)
        return kwargs

    def faust_credentials(self) -> Any:
        """Faust's `broker_credentials` (None for PLAINTEXT); Faust maps them to the same
        aiokafka arguments as `aiokafka_kwargs()` (faust.transport.drivers.aiokafka)."""
        import faust

        context = self.ssl_context if self.tls else None
        if self.protocol == "SSL":
            return faust.SSLCredentials(self.ssl_context)
        if self.sasl_mechanism == "OAUTHBEARER":
            provider = TokenFileProvider(self.token_file or Path())
            return faust.OAuthCredentials(oauth_cb=provider, ssl_context=context)
        if self.sasl:
            return faust.SASLCredentials(
                username=self.username,
                password=_reveal(self.password),
                ssl_context=context,
                mechanism=self.sasl_mechanism,
            )
        return None

    def describe(self) -> str:
        """For logs and error messages: protocol, mechanism, user, files; never a secret."""
        parts = [self.protocol]
        if self.sasl:
            who = f" as user {self.username}" if self.username else ""
            parts.append(f"SASL {self.sasl_mechanism}{who}")
        if self.tls:
            parts.append(f"CA {self.ca_location}" if self.ca_location else "system CAs")
            if self.certificate_location:
                parts.append(f"client certificate {self.certificate_location}")
            if not self.check_hostname:
                parts.append("no host name check")
        return ", ".join(parts)

    def child_env(self) -> dict[str, str]:
        """NIEUWSSTROOM_KAFKA_* variables that give a child process this same security.
        Secrets included: a child's environment is as private as this process's."""
        values = {
            PROTOCOL_VAR: self.protocol,
            MECHANISM_VAR: self.sasl_mechanism,
            USERNAME_VAR: self.username,
            PASSWORD_VAR: _reveal(self.password),
            TOKEN_FILE_VAR: self.token_file,
            CA_VAR: self.ca_location,
            CERT_VAR: self.certificate_location,
            KEY_VAR: self.key_location,
            KEY_PASSWORD_VAR: _reveal(self.key_password),
            HOSTNAME_VAR: "https" if self.check_hostname else "none",
        }
        return {k: str(v) for k, v in values.items() if v is not None}


PLAINTEXT = KafkaSecurity()


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def check_broker_url(url: str) -> None:
    """Refuse URL schemes that suggest the URL carries security (`kafka+ssl://`,
    `SASL_SSL://`): Faust's scheme picks a driver, and a silent plaintext connection to
    a TLS port would fail with an obscure error much later."""
    for part in url.replace(";", ",").split(","):
        part = part.strip()
        if "://" not in part:
            continue
        scheme = part.split("://", 1)[0].lower()
        if scheme not in SUPPORTED_SCHEMES:
            raise ConfigurationError(
                f"broker URL {part!r}: the scheme {scheme!r} is not supported; write "
                f"kafka://HOST:PORT and set {PROTOCOL_VAR} (SSL, SASL_SSL, ...) instead"
            )


def kafka_security(settings: Settings) -> KafkaSecurity:
    """Check the security settings together and build the clients' configuration.

    Raises `ConfigurationError` naming the variables to set (and the file, for a
    certificate or key that is missing or unreadable).
    """
    check_broker_url(settings.broker)
    protocol = settings.kafka_security_protocol
    mechanism = settings.kafka_sasl_mechanism
    tls, sasl = protocol in TLS_PROTOCOLS, protocol in SASL_PROTOCOLS
    if mechanism and not sasl:
        raise ConfigurationError(
            f"{MECHANISM_VAR}={mechanism} needs {PROTOCOL_VAR}=SASL_SSL (or SASL_PLAINTEXT); "
            f"it is {protocol}"
        )
    if sasl and not mechanism:
        raise ConfigurationError(
            f"{PROTOCOL_VAR}={protocol} needs {MECHANISM_VAR}: PLAIN, SCRAM-SHA-256, "
            "SCRAM-SHA-512 or OAUTHBEARER"
        )
    _check_sasl_credentials(settings, mechanism)
    files = {
        CA_VAR: settings.kafka_ssl_ca_location,
        CERT_VAR: settings.kafka_ssl_certificate_location,
        KEY_VAR: settings.kafka_ssl_key_location,
    }
    if not tls:
        given = [name for name, path in files.items() if path is not None]
        if given:
            raise ConfigurationError(
                f"{', '.join(given)} set, but {PROTOCOL_VAR}={protocol} does not use TLS: "
                "set SSL or SASL_SSL (or unset them)"
            )
    return KafkaSecurity(
        protocol=protocol,
        sasl_mechanism=mechanism if sasl else None,
        username=settings.kafka_sasl_username if sasl else None,
        password=settings.kafka_sasl_password if sasl else None,
        token_file=settings.kafka_sasl_oauthbearer_token_file if sasl else None,
        ssl_context=ssl_context(settings) if tls else None,
        ca_location=settings.kafka_ssl_ca_location,
        certificate_location=settings.kafka_ssl_certificate_location,
        key_location=settings.kafka_ssl_key_location,
        key_password=settings.kafka_ssl_key_password,
        check_hostname=settings.kafka_ssl_endpoint_identification_algorithm == "https",
    )


def _check_sasl_credentials(settings: Settings, mechanism: str | None) -> None:
    if mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        missing = [
            name
            for name, value in (
                (USERNAME_VAR, settings.kafka_sasl_username),
                (PASSWORD_VAR, settings.kafka_sasl_password),
            )
            if value is None or not str(_reveal(value) if name == PASSWORD_VAR else value)
        ]
        if missing:
            raise ConfigurationError(
                f"{MECHANISM_VAR}={mechanism} needs {' and '.join(missing)} "
                "(the password from the environment or --sasl-password-file)"
            )
    elif mechanism == "OAUTHBEARER":
        path = settings.kafka_sasl_oauthbearer_token_file
        if path is None:
            raise ConfigurationError(
                f"{MECHANISM_VAR}=OAUTHBEARER needs {TOKEN_FILE_VAR}: a file holding the "
                "access token (fetching tokens from an OIDC endpoint is not supported yet)"
            )
        _require_file(TOKEN_FILE_VAR, path)


def _require_file(variable: str, path: Path) -> None:
    if not path.exists():
        raise ConfigurationError(f"{variable}={path}: no such file")
    if not path.is_file():
        raise ConfigurationError(f"{variable}={path}: not a file")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise ConfigurationError(f"{variable}={path}: cannot read it ({exc.strerror})") from None


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """A client TLS context: the configured CA (else the system's), the client certificate
    when one is set, host name checks unless the endpoint algorithm is empty."""
    ca = settings.kafka_ssl_ca_location
    cert = settings.kafka_ssl_certificate_location
    key = settings.kafka_ssl_key_location
    if key is not None and cert is None:
        raise ConfigurationError(f"{KEY_VAR} is set but {CERT_VAR} is not: set both")
    for variable, path in ((CA_VAR, ca), (CERT_VAR, cert), (KEY_VAR, key)):
        if path is not None:
            _require_file(variable, path)
    try:
        context = ssl.create_default_context(cafile=str(ca) if ca else None)
    except ssl.SSLError as exc:
        raise ConfigurationError(
            f"{CA_VAR}={ca}: not a PEM file of CA certificates ({exc.reason or exc})"
        ) from None
    if cert is not None:
        password = _reveal(settings.kafka_ssl_key_password)
        try:
            context.load_cert_chain(str(cert), str(key) if key else None, password=password or "")
        except ssl.SSLError as exc:
            hint = (
                f" (is {KEY_PASSWORD_VAR} right?)"
                if "bad decrypt" in str(exc).lower() or password
                else ""
            )
            raise ConfigurationError(
                f"cannot load the client certificate {CERT_VAR}={cert} with its key "
                f"{KEY_VAR}={key or cert}: {exc.reason or type(exc).__name__}{hint}"
            ) from None
    if settings.kafka_ssl_endpoint_identification_algorithm != "https":
        context.check_hostname = False
    return context
