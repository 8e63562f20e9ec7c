"""The LRU sentence cache: hits, misses, bounds, keys per model."""

from __future__ import annotations

import pytest

from nieuwsstroom.translators.cache import CachedTranslator
from nieuwsstroom.translators.errors import TranslatorError


def test_repeated_sentences_are_served_from_cache(upper) -> None:
    cached = CachedTranslator(upper, max_entries=10)
    assert cached.translate_batch(["een", "twee", "een"]) == ["EEN", "TWEE", "EEN"]
    assert upper.calls == [["een", "twee"]]  # duplicate in a batch translated once
    assert cached.translate_batch(["twee", "drie"]) == ["TWEE", "DRIE"]
    assert upper.calls[-1] == ["drie"]
    assert cached.stats() == {"hits": 2, "misses": 3, "entries": 3, "max_entries": 10}


def test_all_hits_make_no_model_call(upper) -> None:
    cached = CachedTranslator(upper, max_entries=10)
    cached.translate_batch(["a", "b"])
    cached.translate_batch(["b", "a"])
    assert len(upper.calls) == 1
    assert cached.hits == 2


def test_cache_is_bounded_and_evicts_least_recently_used(upper) -> None:
    cached = CachedTranslator(upper, max_entries=2)
    cached.translate_batch(["a", "b"])
    cached.translate_batch(["a"])  # a is now the most recent
    cached.translate_batch(["c"])  # evicts b
    assert len(cached) == 2
    cached.translate_batch(["a", "b"])
    assert upper.calls[-1] == ["b"]


def test_key_includes_the_model(upper) -> None:
    cached = CachedTranslator(upper, max_entries=10)
    assert cached.model_id == "upper@1"
    assert cached.provenance == upper.provenance


def test_rejects_nonsense_capacity(upper) -> None:
    with pytest.raises(TranslatorError, match="max_entries >= 1, got 0"):
        CachedTranslator(upper, max_entries=0)


def test_wrong_length_from_underlying_is_an_error() -> None:
    class Broken:
        provenance = {"model": "broken"}

        def translate_batch(self, texts: list[str]) -> list[str]:
            return []

    with pytest.raises(TranslatorError, match="Expected 1 translations from Broken, got 0"):
        CachedTranslator(Broken()).translate_batch(["x"])
