"""Candidate generation: which KB entities could a matched alias mean?

The value mirrors spaCy's `Candidate(entity, alias, prior_prob)`: an entity, the
alias it was found by, how much that alias is trusted, and the entity's share
of the alias's total popularity (how often, a priori, the alias means it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nieuwsstroom.linkers.kb_records import EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible meaning of an alias."""

    entity: EntityRecord
    alias: str
    alias_weight: float
    prior_share: float


class KBCandidates:
    """Looks aliases up in the knowledge base, batched per article (two queries).

    Results are cached per alias (the same names recur in every article); the
    linker calls `clear` when the knowledge base changes. The cache is bounded by
    emptying it when full: cheap, thread-safe, and refilled by the names in use.
    """

    def __init__(self, kb: KnowledgeBase, max_candidates: int = 10, cache_size: int = 50_000):
        self.kb = kb
        self.max_candidates = max_candidates
        self.cache_size = cache_size
        self._cache: dict[str, list[Candidate]] = {}

    def clear(self) -> None:
        """Forget cached candidates (after the knowledge base changed)."""
        self._cache = {}

    def candidates(self, alias_norms: Iterable[str]) -> dict[str, list[Candidate]]:
        """Candidates per normalised alias, most plausible (weight x prior) first."""
        cache = self._cache
        out: dict[str, list[Candidate]] = {}
        missing = []
        for norm in alias_norms:
            hit = cache.get(norm)
            if hit is None:
                missing.append(norm)
            else:
                out[norm] = hit
        if missing:
            found = self._lookup(missing)
            if len(cache) + len(found) > self.cache_size:
                cache = self._cache = {}
            cache.update(found)
            out.update((norm, cands) for norm, cands in found.items() if cands)
        return {norm: cands for norm, cands in out.items() if cands}

    def _lookup(self, alias_norms: list[str]) -> dict[str, list[Candidate]]:
        """Candidates from the knowledge base; an alias it lacks maps to []."""
        # At most one row per (alias, QID, language): 3 rows per wanted candidate are enough
        # to hold the top `max_candidates` QIDs, however many namesakes a dump adds.
        by_norm = self.kb.lookup_norms(alias_norms, limit_per_norm=3 * self.max_candidates)
        entities = self.kb.entities(a.qid for recs in by_norm.values() for a in recs)
        out: dict[str, list[Candidate]] = {norm: [] for norm in alias_norms}
        for norm, records in by_norm.items():
            best: dict[str, tuple[float, str]] = {}
            for rec in records:
                if rec.qid in entities and rec.weight > best.get(rec.qid, (-1.0, ""))[0]:
                    best[rec.qid] = (rec.weight, rec.alias)
            total = sum(entities[q].prior for q in best) or 1.0
            cands = [
                Candidate(entities[q], alias, weight, entities[q].prior / total)
                for q, (weight, alias) in best.items()
            ]
            cands.sort(key=lambda c: (-(c.alias_weight * (0.5 + c.entity.prior)), c.entity.qid))
            out[norm] = cands[: self.max_candidates]
        return out
