"""Disambiguation: pick one candidate per alias, or none (precision first).

Score of a candidate, all parts in [0, 1]:

    0.35 * alias weight      (label/verified 1.0, other names 0.9, small-place name 0.6)
  + 0.15 * prior share       (its popularity among the alias's candidates)
  + 0.20 * prior             (its popularity at all: sitelinks or population)
  + 0.20 * context           (1 if the article names it by another unambiguous
                              alias or names its country, 0 if the article's
                              countries are known and its own is not among them,
                              0.5 when there is no evidence either way)
  + 0.10 * type agreement    (word before the mention: "stad", "in" -> LOC;
                              "president" -> PER; 1 agree, 0 disagree, 0.5 none)

A mention is linked when the best score reaches the threshold and beats the
runner-up by `margin`; otherwise it stays unlinked: a wrong link costs an
editor more than a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.normalize import fold
from nieuwsstroom.linkers.spans import Span

_TYPE_CUES = {
    "LOC": frozenset(
        {
            "stad",
            "hoofdstad",
            "havenstad",
            "dorp",
            "provincie",
            "regio",
            "in",
            "naar",
            "uit",
            "bij",
            "rond",
            "rondom",
            "land",
            "schiereiland",
        }
    ),
    "PER": frozenset(
        {
            "president",
            "premier",
            "minister",
            "burgemeester",
            "kanselier",
            "ambtgenoot",
            "leider",
            "heer",
            "mevrouw",
            "onderhandelaar",
        }
    ),
    "ORG": frozenset({"partij", "organisatie", "bondgenootschap", "alliantie"}),
}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one alias: the chosen candidate (or None) and its score."""

    candidate: Candidate | None
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Weights:
    alias: float = 0.35
    share: float = 0.15
    prior: float = 0.20
    context: float = 0.20
    type: float = 0.10


class ContextDisambiguator:
    """Ranks candidates by prior, type agreement and article context."""

    def __init__(self, threshold: float = 0.5, margin: float = 0.1, weights: Weights | None = None):
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        self.threshold = threshold
        self.margin = margin
        self.weights = weights or Weights()

    def decide(
        self,
        spans_by_alias: dict[str, list[Span]],
        candidates: dict[str, list[Candidate]],
        texts: dict[str, str],
    ) -> dict[str, Decision]:
        """One decision per alias key in `spans_by_alias`."""
        anchors = {
            cands[0].entity.qid: cands[0].entity
            for norm, cands in candidates.items()
            if norm in spans_by_alias and len(cands) == 1 and cands[0].alias_weight >= 0.9
        }
        context_qids = set(anchors)
        countries = {e.country for e in anchors.values() if e.country}
        decisions: dict[str, Decision] = {}
        for norm, spans in spans_by_alias.items():
            cands = candidates.get(norm, [])
            if not cands:
                decisions[norm] = Decision(None, 0.0, "no candidate")
                continue
            cue = self._type_cue(spans, texts)
            scored = sorted(
                ((self._score(c, cue, context_qids, countries, len(cands)), c) for c in cands),
                key=lambda sc: (-sc[0], sc[1].entity.qid),
            )
            best_score, best = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if best_score < self.threshold:
                decisions[norm] = Decision(None, best_score, "below threshold")
            elif best_score - runner_up < self.margin:
                decisions[norm] = Decision(None, best_score, "ambiguous")
            else:
                decisions[norm] = Decision(best, best_score, "linked")
        return decisions

    def _score(
        self,
        cand: Candidate,
        cue: str | None,
        context_qids: set[str],
        countries: set[str | None],
        n_cands: int,
    ) -> float:
        w = self.weights
        entity = cand.entity
        in_context = n_cands > 1 and entity.qid in context_qids
        if in_context or (entity.country and entity.country in countries):
            context = 1.0
        elif entity.country and countries:
            context = 0.0
        else:
            context = 0.5
        type_agree = 0.5 if cue is None else (1.0 if cue == entity.type else 0.0)
        return (
            w.alias * cand.alias_weight
            + w.share * cand.prior_share
            + w.prior * entity.prior
            + w.context * context
            + w.type * type_agree
        )

    @staticmethod
    def _type_cue(spans: Iterable[Span], texts: dict[str, str]) -> str | None:
        """The type most words right before the mentions point to, if any."""
        votes: dict[str, int] = {}
        for span in spans:
            before = fold(texts[span.field][max(0, span.start - 30) : span.start]).split()
            if not before:
                continue
            for etype, cues in _TYPE_CUES.items():
                if before[-1] in cues:
                    votes[etype] = votes.get(etype, 0) + 1
        return max(votes, key=votes.__getitem__) if votes else None
