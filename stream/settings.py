"""The one place that defines nieuwsstroom's configuration.

Built once at start-up (`Settings()`), frozen, and passed down: translators and
linkers never read the environment themselves. Every field is documented once,
here, with its environment variable (prefix `NIEUWSSTROOM_`) and default; the
README's configuration table is generated from this class
(`nieuwsstroom config --markdown`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_cache_dir() -> Path:
    """Where Kafka jars, the seed knowledge base and installed models are cached."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nieuwsstroom"


class Settings(BaseSettings):
    """Runtime configuration; environment variable = NIEUWSSTROOM_<FIELD NAME>."""

    model_config = SettingsConfigDict(env_prefix="NIEUWSSTROOM_", frozen=True, extra="ignore")

    @classmethod
    def for_child(cls, env: Mapping[str, str]) -> Settings:
        """The settings a worker started with `env` on top of this process's environment
        will build: what the demo, tests and benches need to know about the worker they
        start (its topics, its broker). Keys without the NIEUWSSTROOM_ prefix are ignored."""
        prefix = cls.model_config.get("env_prefix", "")
        return cls(
            **{k.removeprefix(prefix).lower(): v for k, v in env.items() if k.startswith(prefix)}
        )

    # Kafka and Faust
    broker: str = Field(
        "kafka://127.0.0.1:9092", description="Kafka bootstrap URL(s), comma-separated."
    )
    app_id: str = Field("nieuwsstroom", description="Faust app id (consumer group, table prefix).")
    topic_raw: str = Field("articles.raw", description="Input topic: raw Dutch articles.")
    topic_enriched: str = Field("articles.enriched", description="Output topic: enriched articles.")
    topic_mentions: str = Field(
        "entities.mentions", description="Output topic: one record per linked entity per article."
    )
    topic_deadletter: str = Field(
        "articles.deadletter", description="Dead-letter topic: rejected input with its reason."
    )
    partitions: int = Field(4, ge=1, description="Partition count used when topics are created.")
    replication_factor: int = Field(
        1, ge=1, description="Replication factor used when topics are created."
    )
    min_insync_replicas: int | None = Field(
        None,
        ge=1,
        description="min.insync.replicas of the topics nieuwsstroom creates (empty: the "
        "broker's default). With replication factor 3, 2 keeps acks=all writes safe when "
        "one broker is lost.",
    )
    session_timeout_s: float = Field(
        15.0,
        ge=6,
        le=1800,
        description="Kafka consumer-group session timeout: how long a crashed worker's "
        "partitions wait before another worker takes them over.",
    )
    data_dir: Path = Field(
        Path("./.nieuwsstroom-data"), description="Faust data directory (table state)."
    )

    # Kafka client security (librdkafka's names, prefixed; README "Connecting to your Kafka")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT",
        description="How clients talk to Kafka: PLAINTEXT, SSL, SASL_PLAINTEXT or "
        "SASL_SSL (librdkafka's security.protocol).",
    )
    kafka_sasl_mechanism: (
        Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] | None
    ) = Field(
        None,
        description="SASL mechanism for SASL_* protocols: PLAIN, SCRAM-SHA-256, "
        "SCRAM-SHA-512 or OAUTHBEARER.",
    )
    kafka_sasl_username: str | None = Field(None, description="SASL user (PLAIN, SCRAM).")
    kafka_sasl_password: SecretStr | None = Field(
        None, description="SASL password (PLAIN, SCRAM). A secret: never printed or logged."
    )
    kafka_sasl_oauthbearer_token_file: Path | None = Field(
        None,
        description="OAUTHBEARER: file holding the access token, read again for every new "
        "connection (so a sidecar may refresh it).",
    )
    kafka_ssl_ca_location: Path | None = Field(
        None,
        description="PEM file of the CA(s) that signed the brokers' certificates "
        "(empty: the system's trusted CAs).",
    )
    kafka_ssl_certificate_location: Path | None = Field(
        None, description="PEM client certificate, for brokers that require one (mTLS)."
    )
    kafka_ssl_key_location: Path | None = Field(
        None, description="PEM private key of the client certificate."
    )
    kafka_ssl_key_password: SecretStr | None = Field(
        None, description="Password of an encrypted client key. A secret: never printed or logged."
    )
    kafka_ssl_endpoint_identification_algorithm: Literal["https", "none", ""] = Field(
        "https",
        description="https: check that the broker's certificate names the host connected to; "
        "none: do not check host names (the certificate is still verified).",
    )

    # Process lifecycle
    stop_timeout_s: float = Field(
        20.0,
        gt=0,
        le=3600,
        description="Longest graceful stop after SIGTERM or Ctrl-C: the in-flight batch is "
        "published and committed if that can happen within this time; otherwise the worker "
        "exits with status 75, committing nothing it has not published (the next worker "
        "repeats that batch). Keep it below the orchestrator's grace period (Kubernetes: 30 s).",
    )
    broker_gone_after_s: float = Field(
        30.0,
        gt=0,
        description="Seconds without an answer from the broker after which the worker reports "
        "it gone: /ready names it, the log warns once (then reminds once a minute) and "
        "aiokafka's per-retry connection errors are counted instead of logged.",
    )
    parent_pid: int | None = Field(
        None,
        ge=1,
        description="Stop as on SIGTERM once the process with this id is no longer the "
        "worker's parent (it exited). `nieuwsstroom demo` and the tests set it to their own "
        "id so that a worker never outlives them; unset, the worker runs until signalled.",
    )

    # Web view
    web_host: str = Field("127.0.0.1", description="Address the web view binds to.")
    web_port: int = Field(
        6066, ge=0, le=65535, description="Port of the web view (0 = pick a free one)."
    )

    # Translation
    argos_model: Path | None = Field(
        None, description="Path to a .argosmodel to install and use (overrides installed packages)."
    )
    allow_test_model: bool = Field(
        True,
        description="Use the bundled small test model when no official nl->en package is found.",
    )
    translate_threads: int = Field(2, ge=1, description="CTranslate2 intra-op threads.")
    translate_beam_size: int = Field(
        4, ge=1, description="Beam size for translation (4 = Argos's own default)."
    )
    translate_compute_type: Literal["float32", "int8", "int8_float32", "int16", "auto"] = Field(
        "int8",
        description="CTranslate2 compute type. int8 is 1.5-2.9x faster than float32 and uses "
        "~20 % less memory at the size of the official models (bench/base_model_throughput.py); "
        "its output may rarely shift with batch padding, which content_hash tolerates.",
    )
    batch_max_articles: int = Field(
        8, ge=1, description="Most articles translated together in one micro-batch."
    )
    batch_window_s: float = Field(
        0.2, gt=0, description="Longest wait (seconds) to fill a micro-batch."
    )
    translation_cache_size: int = Field(
        10_000, ge=0, description="Sentences kept in the translation cache (0 disables it)."
    )

    # Input limits and policies
    max_body_chars: int = Field(
        200_000,
        ge=1,
        description="Longest accepted body in characters; longer ones are dead-lettered.",
    )
    english_passthrough: bool = Field(
        False,
        description="Pass articles detected as English through untranslated "
        "(title_en/body_en = the original) instead of dead-lettering them.",
    )
    stage_attempts: int = Field(
        3,
        ge=1,
        description="Attempts per article when translation or linking fails unexpectedly, "
        "or the broker refuses its enriched record, before it is dead-lettered.",
    )
    stage_retry_backoff_s: float = Field(
        0.2,
        ge=0,
        description="Back-off before the second attempt (doubles for each further one).",
    )

    # Linking
    kb_path: Path | None = Field(
        None, description="SQLite knowledge base; default: the seed KB in the cache directory."
    )
    link_threshold: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Minimum calibrated link score (the probability that the candidate is "
        "the entity meant); below it a mention stays in `unlinked` with the reason.",
    )
    wikidata_online: bool = Field(
        False, description="Look unknown names up on Wikidata (never on the hot path when off)."
    )
    wikidata_api_url: str = Field(
        "https://www.wikidata.org/w/api.php",
        description="Wikidata API endpoint used for refresh and lookup.",
    )

    # Misc
    cache_dir: Path = Field(
        default_factory=default_cache_dir, description="Cache for Kafka jars, seed KB and models."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO",
        description="Log level of the worker and the command line: DEBUG, INFO, WARNING, ERROR "
        "or CRITICAL (DEBUG also shows the traceback behind a command's error).",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_any_case(cls, value: object) -> object:
        """`debug` and `Debug` mean DEBUG, as for Python's logging."""
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("*", mode="before")
    @classmethod
    def _empty_means_not_set(cls, value: Any, info: ValidationInfo) -> Any:
        """An empty value of an optional setting means "not set": a `.env` line
        `NIEUWSSTROOM_KB_PATH=` must not become the path "." (a Path of "")."""
        field = cls.model_fields.get(info.field_name or "")
        if value == "" and field is not None and field.default is None:
            return None
        return value
