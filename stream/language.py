"""Language check before translation: only Dutch goes through an nl->en model.

py3langid ships its model inside the wheel (no download, ~1 ms per article).
Short texts are unreliable, so an article is rejected only when the detector
is confident *and* there is enough text; otherwise it is translated and the
detection is recorded for consumers to judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from stream.errors import UnsupportedLanguageError

SOURCE_LANGUAGE = "nl"
MIN_CHARS_TO_REJECT = 80
MIN_CONFIDENCE_TO_REJECT = 0.95


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The detected language, its probability, and what the producer declared."""

    detected: str
    confidence: float
    declared: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "detected": self.detected,
            "confidence": round(self.confidence, 4),
            "declared": self.declared,
        }


class LanguageChecker:
    """Detects the article language and refuses confidently non-Dutch articles."""

    @cached_property
    def _identifier(self):  # type: ignore[no-untyped-def]
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def check(self, text: str, declared: str | None = None) -> LanguageGuess:
        """Return the guess, or raise UnsupportedLanguageError for confident non-Dutch."""
        code, probability = self._identifier.classify(text)
        guess = LanguageGuess(str(code), float(probability), declared)
        if declared and declared.lower().split("-")[0] != SOURCE_LANGUAGE:
            raise UnsupportedLanguageError(
                f"Declared language {declared!r} is not supported: this pipeline translates "
                f"Dutch ({SOURCE_LANGUAGE!r}) to English"
            )
        confident = guess.confidence >= MIN_CONFIDENCE_TO_REJECT
        if guess.detected != SOURCE_LANGUAGE and confident and len(text) >= MIN_CHARS_TO_REJECT:
            raise UnsupportedLanguageError(
                f"Article is in {guess.detected!r} (confidence {guess.confidence:.2f}), not Dutch "
                f"({SOURCE_LANGUAGE!r}): the pipeline translates Dutch to English"
            )
        return guess
