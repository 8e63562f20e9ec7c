"""The translation extension point.

A stage is a plain object with one public method, so it can be used, tested and
benchmarked without Kafka: `translate_batch(texts) -> list[str]`, one output per
input, same order. Capabilities (caching, batching) are added by wrapping.

`TermTranslator` adds one method for translators that can be told how to
render spans of the source (linked names): the constraints are plain data
(`terms.TermConstraint`), so this library never needs to know about linking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from nieuwsstroom.translators.terms import TermConstraint, TermTranslation


@runtime_checkable
class Translator(Protocol):
    """Translates Dutch texts (sentences or paragraphs) to English."""

    def translate_batch(self, texts: list[str]) -> list[str]:
        """Return one English text per input text, in the same order."""
        ...

    @property
    def provenance(self) -> dict[str, Any]:
        """Engine, model name and version: recorded in every enriched record."""
        ...


@runtime_checkable
class TermTranslator(Translator, Protocol):
    """A translator that renders given source spans as given target strings."""

    def translate_terms(
        self, texts: list[str], constraints: Sequence[Sequence[TermConstraint]]
    ) -> list[TermTranslation]:
        """One result per text; `placed[k]` is where `constraints[i][k].target` is, or None."""
        ...
