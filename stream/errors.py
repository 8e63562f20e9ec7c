"""Errors of the streaming side, rooted in one `NieuwsstroomError`.

Every error that sends a message to the dead-letter topic names its `stage`,
and its message carries the offending values, so the reason a consumer reads
in the dead-letter headers is enough to fix the input.
"""

from __future__ import annotations


class NieuwsstroomError(Exception):
    """Base of every error nieuwsstroom raises on purpose."""


class StageError(NieuwsstroomError):
    """A message could not pass one pipeline stage; it goes to the dead-letter topic."""

    stage = "internal"

    def __init__(self, message: str, *, stage: str | None = None) -> None:
        super().__init__(message)
        if stage is not None:
            self.stage = stage


class DecodeError(StageError):
    """The message value is empty, not UTF-8, or not JSON."""

    stage = "decode"


class InvalidArticleError(StageError):
    """The value is JSON but breaks the `articles.raw` contract."""

    stage = "validate"


class UnsupportedLanguageError(StageError):
    """The article is confidently not Dutch, so an nl->en model cannot translate it."""

    stage = "language"


class RetriesExhaustedError(StageError):
    """A stage kept failing on one article; `cause_class` names the last error's type."""

    def __init__(self, message: str, *, stage: str, cause_class: str) -> None:
        super().__init__(message, stage=stage)
        self.cause_class = cause_class


class RecordTooLargeError(StageError):
    """The enriched record is larger than a Kafka message may be; it is never sent."""

    stage = "publish"


class ConfigurationError(NieuwsstroomError):
    """Start-up cannot continue: the message says what to set or install."""


class SettingsError(ConfigurationError):
    """An environment variable holds a value the settings refuse; the message names it."""


class TopicNotFoundError(NieuwsstroomError):
    """A topic a command reads or writes does not exist on the broker."""


class KafkaConnectError(NieuwsstroomError):
    """A Kafka client could not connect; the message names the cause and what to set.

    `cause` is one word for programs (readiness, metrics, tests): `authentication`,
    `tls-untrusted`, `tls-hostname`, `tls-client-certificate`, `protocol-mismatch`,
    `mechanism`, `unreachable`.
    """

    def __init__(self, message: str, *, cause: str) -> None:
        super().__init__(message)
        self.cause = cause

    @property
    def is_security(self) -> bool:
        """True when retrying cannot help: credentials, certificates or protocol are wrong."""
        return self.cause != "unreachable"


def user_errors() -> tuple[type[Exception], ...]:
    """Errors whose message is the whole story for a CLI user: print it, no traceback.

    translators/ and linkers/ are libraries that must not import stream, so their roots
    (`TranslatorError`, `LinkerError`) cannot subclass `NieuwsstroomError`; the CLI
    catches all three.
    """
    from nieuwsstroom.linkers.errors import LinkerError
    from nieuwsstroom.translators.errors import TranslatorError

    return (NieuwsstroomError, TranslatorError, LinkerError)
