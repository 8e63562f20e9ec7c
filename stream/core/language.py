"""Language check before translation: only Dutch goes through an nl->en model.

py3langid ships its model inside the wheel (no download, ~1 ms per article).
Short texts are unreliable, so an article is rejected only when the detector
is confident *and* there is enough text; otherwise it is translated and the
detection is recorded for consumers to judge.

English can optionally pass through untranslated (`english_passthrough`):
feeds that mix in wire copy in English then still get linked, and the record
says `language.translated: false`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from nieuwsstroom.stream.errors import UnsupportedLanguageError

SOURCE_LANGUAGE = "nl"
TARGET_LANGUAGE = "en"
MIN_CHARS_TO_REJECT = 80
MIN_CONFIDENCE_TO_REJECT = 0.95


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The detected language, its probability, and what the producer declared."""

    detected: str
    confidence: float
    declared: str | None
    translate: bool = True
    """False when the article passes through untranslated (it is already English)."""

    def to_json(self) -> dict[str, object]:
        return {
            "detected": self.detected,
            "confidence": round(self.confidence, 4),
            "declared": self.declared,
            "translated": self.translate,
        }


class LanguageChecker:
    """Detects the article language and refuses confidently non-Dutch articles."""

    def __init__(self, english_passthrough: bool = False) -> None:
        self.english_passthrough = english_passthrough

    @cached_property
    def _identifier(self):  # type: ignore[no-untyped-def]
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def check(self, text: str, declared: str | None = None) -> LanguageGuess:
        """Return the guess, or raise UnsupportedLanguageError for confident non-Dutch."""
        code, probability = self._identifier.classify(text)
        guess = LanguageGuess(str(code), float(probability), declared)
        detected = f"detected {guess.detected!r}, confidence {guess.confidence:.2f}"
        declared_base = declared.lower().split("-")[0] if declared else None
        if declared_base and declared_base != SOURCE_LANGUAGE:
            if declared_base == TARGET_LANGUAGE and self.english_passthrough:
                return LanguageGuess(guess.detected, guess.confidence, declared, translate=False)
            raise UnsupportedLanguageError(
                f"Declared language {declared!r} is not supported ({detected}): this pipeline "
                f"translates Dutch ({SOURCE_LANGUAGE!r}) to English"
                + self._passthrough_hint(declared_base)
            )
        confident = guess.confidence >= MIN_CONFIDENCE_TO_REJECT
        if guess.detected != SOURCE_LANGUAGE and confident and len(text) >= MIN_CHARS_TO_REJECT:
            if guess.detected == TARGET_LANGUAGE and self.english_passthrough:
                return LanguageGuess(guess.detected, guess.confidence, declared, translate=False)
            raise UnsupportedLanguageError(
                f"Article is not Dutch ({detected}); the pipeline translates Dutch "
                f"({SOURCE_LANGUAGE!r}) to English" + self._passthrough_hint(guess.detected)
            )
        return guess

    def _passthrough_hint(self, language: str) -> str:
        if language == TARGET_LANGUAGE and not self.english_passthrough:
            return "; set NIEUWSSTROOM_ENGLISH_PASSTHROUGH=true to pass English through"
        return ""
