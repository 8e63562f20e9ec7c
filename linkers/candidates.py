"""Candidate generation: which KB entities could a matched alias mean?

The value mirrors spaCy's `Candidate(entity, alias, prior_prob)`: an entity, the
alias it was found by, how much that alias is trusted, and the entity's share
of the alias's total popularity (how often, a priori, the alias means it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nieuwsstroom.linkers.kb_sqlite import EntityRecord, KnowledgeBase


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible meaning of an alias."""

    entity: EntityRecord
    alias: str
    alias_weight: float
    prior_share: float


class KBCandidates:
    """Looks aliases up in the knowledge base, batched per article (two queries)."""

    def __init__(self, kb: KnowledgeBase, max_candidates: int = 10) -> None:
        self.kb = kb
        self.max_candidates = max_candidates

    def candidates(self, alias_norms: Iterable[str]) -> dict[str, list[Candidate]]:
        """Candidates per normalised alias, most plausible (weight x prior) first."""
        # At most one row per (alias, QID, language): 3 rows per wanted candidate are enough
        # to hold the top `max_candidates` QIDs, however many namesakes a dump adds.
        by_norm = self.kb.lookup_norms(alias_norms, limit_per_norm=3 * self.max_candidates)
        entities = self.kb.entities(a.qid for recs in by_norm.values() for a in recs)
        out: dict[str, list[Candidate]] = {}
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
