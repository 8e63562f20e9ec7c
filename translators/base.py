"""The translation extension point.

A stage is a plain object with one public method, so it can be used, tested and
benchmarked without Kafka: `translate_batch(texts) -> list[str]`, one output per
input, same order. Capabilities (caching, batching) are added by wrapping.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


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
