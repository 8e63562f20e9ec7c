"""`CachedTranslator`: a bounded LRU of sentence translations, added by wrapping.

Why: news repeats itself - agency boilerplate, bylines, "Lees ook", the same
headline in several updates - and a cache hit costs microseconds where the
model costs milliseconds. Keys are (model id, sentence) so switching models can
never serve a stale translation. Duplicates inside one batch are translated
once. Hit/miss counters are plain ints for the stream's metrics.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from nieuwsstroom.translators.base import Translator
from nieuwsstroom.translators.errors import TranslatorError


def _model_id(underlying: Translator) -> str:
    """Best identity of the wrapped model: its `model_id`, else provenance fields."""
    model_id = getattr(underlying, "model_id", None)
    if model_id:
        return str(model_id)
    prov = underlying.provenance
    return f"{prov.get('model', type(underlying).__name__)}@{prov.get('model_version', '')}"


class CachedTranslator:
    """Wraps any `Translator`; same contract, repeated sentences served from memory."""

    def __init__(self, underlying: Translator, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise TranslatorError(f"Expected max_entries >= 1, got {max_entries}")
        self.underlying = underlying
        self.max_entries = max_entries
        self.model_id = _model_id(underlying)
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def provenance(self) -> dict[str, Any]:
        """The wrapped translator's provenance: the cache never changes a translation."""
        return self.underlying.provenance

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict[str, int]:
        """Counters for metrics: hits, misses, entries, capacity."""
        return {
            "hits": self.hits,
            "misses": self.misses,
            "entries": len(self._entries),
            "max_entries": self.max_entries,
        }

    def translate_batch(self, texts: list[str]) -> list[str]:
        """Serve known sentences from the cache; translate the rest in one call."""
        results: list[str | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}  # distinct missing text -> positions
        with self._lock:
            for i, text in enumerate(texts):
                key = (self.model_id, text)
                cached = self._entries.get(key)
                if cached is not None:
                    self._entries.move_to_end(key)
                    results[i] = cached
                    self.hits += 1
                elif text in todo:  # repeated within this batch: translated once
                    todo[text].append(i)
                    self.hits += 1
                else:
                    todo[text] = [i]
                    self.misses += 1
        if todo:
            missing = list(todo)
            translated = self.underlying.translate_batch(missing)
            if len(translated) != len(missing):
                raise TranslatorError(
                    f"Expected {len(missing)} translations from {type(self.underlying).__name__},"
                    f" got {len(translated)}"
                )
            with self._lock:
                for text, english in zip(missing, translated, strict=True):
                    for i in todo[text]:
                        results[i] = english
                    key = (self.model_id, text)
                    self._entries[key] = english
                    self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return [r if r is not None else "" for r in results]
