"""`CachedTranslator`: a bounded LRU of sentence translations, added by wrapping.

Why: news repeats itself - agency boilerplate, bylines, "Lees ook", the same
headline in several updates - and a cache hit costs microseconds where the
model costs milliseconds. Keys are (model id, sentence, term constraints): a
sentence translated with other names to render is another entry, and
switching models can never serve a stale translation. A plain sentence is the
same entry on both paths (no constraints). Duplicates inside one batch are
translated once. Hit/miss counters are plain ints for the stream's metrics.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from nieuwsstroom.translators.base import Translator
from nieuwsstroom.translators.errors import TranslatorError
from nieuwsstroom.translators.terms import TermConstraint, TermTranslation

_Key = tuple[str, str, tuple[TermConstraint, ...]]


def _model_id(underlying: Translator) -> str:
    """Best identity of the wrapped model: its `model_id`, else provenance fields."""
    model_id = getattr(underlying, "model_id", None)
    if model_id:
        return str(model_id)
    prov = underlying.provenance
    return f"{prov.get('model', type(underlying).__name__)}@{prov.get('model_version', '')}"


class CachedTranslator:
    """Wraps any `Translator` (or `TermTranslator`); same contract, repeats served from memory."""

    def __init__(self, underlying: Translator, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise TranslatorError(f"Expected max_entries >= 1, got {max_entries}")
        self.underlying = underlying
        self.max_entries = max_entries
        self.model_id = _model_id(underlying)
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[_Key, TermTranslation] = OrderedDict()
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

        def plain(missing: list[tuple[str, tuple[TermConstraint, ...]]]) -> list[TermTranslation]:
            english = self.underlying.translate_batch([text for text, _ in missing])
            return [TermTranslation(e, ()) for e in english]

        return [r.text for r in self._serve([(t, ()) for t in texts], plain)]

    def translate_terms(
        self, texts: list[str], constraints: Sequence[Sequence[TermConstraint]]
    ) -> list[TermTranslation]:
        """`TermTranslator.translate_terms`, cached per (sentence, constraints)."""
        translate_terms = getattr(self.underlying, "translate_terms", None)
        if translate_terms is None:
            raise TranslatorError(
                f"{type(self.underlying).__name__} cannot translate with term constraints"
            )

        def constrained(
            missing: list[tuple[str, tuple[TermConstraint, ...]]],
        ) -> list[TermTranslation]:
            return list(translate_terms([t for t, _ in missing], [c for _, c in missing]))

        if len(texts) != len(constraints):
            raise ValueError(f"Expected {len(texts)} constraint lists, got {len(constraints)}")
        requests = [(t, tuple(c)) for t, c in zip(texts, constraints, strict=True)]
        return self._serve(requests, constrained)

    def _serve(
        self,
        requests: list[tuple[str, tuple[TermConstraint, ...]]],
        translate: Callable[[list[tuple[str, tuple[TermConstraint, ...]]]], list[TermTranslation]],
    ) -> list[TermTranslation]:
        results: list[TermTranslation | None] = [None] * len(requests)
        todo: dict[tuple[str, tuple[TermConstraint, ...]], list[int]] = {}
        with self._lock:
            for i, request in enumerate(requests):
                key = (self.model_id, *request)
                cached = self._entries.get(key)
                if cached is not None:
                    self._entries.move_to_end(key)
                    results[i] = cached
                    self.hits += 1
                elif request in todo:  # repeated within this batch: translated once
                    todo[request].append(i)
                    self.hits += 1
                else:
                    todo[request] = [i]
                    self.misses += 1
        if todo:
            missing = list(todo)
            translated = translate(missing)
            if len(translated) != len(missing):
                raise TranslatorError(
                    f"Expected {len(missing)} translations from {type(self.underlying).__name__},"
                    f" got {len(translated)}"
                )
            with self._lock:
                for request, result in zip(missing, translated, strict=True):
                    for i in todo[request]:
                        results[i] = result
                    key = (self.model_id, *request)
                    self._entries[key] = result
                    self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return [r if r is not None else TermTranslation("", ()) for r in results]
