"""Disambiguation: one decision per alias of an article, precision first.

A candidate must earn its link. For every alias the article names:

1. The context (`context.py`) gives a cue: the type or kind of thing the words
   around the mentions expect (title, place preposition, speaker label, given
   name, team context, ...).
2. Candidates the context rules out are vetoed with a reason (`link_score.veto`):
   a PER context and a LOC candidate, a place in a match report.
3. Every other candidate gets a calibrated score (`link_score.LinkScorer`): the
   probability that it is the entity meant, from its prominence and its lead
   over the strongest rival, the alias, type and kind agreement, and coherence
   with the countries the article names.
4. The best candidate is linked if its score reaches the threshold (a minimum
   probability) and no rival comes within `margin`; otherwise the alias stays
   unlinked, and the decision keeps the best rejected candidate and the reason
   so ops can see what the knowledge base lacks.

Names that are part of a longer person's name in the same article ("Lloyd" after
"Lloyd Jansen", "Adam" after "Adam el Idrissi") are decided by `name_parts.py`
before this step, so a shoe brand never gets a shop owner's first name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.context import NO_CUE, ContextReader, Cue
from nieuwsstroom.linkers.link_score import (
    Evidence,
    LinkScorer,
    features,
    rival_strength,
    veto,
)
from nieuwsstroom.linkers.spans import Span

_PLACE_ORDER = ("country", "settlement", "region")
"""Without a word that says which, a name shared by places in one country means the
country first, then the city: "Luxemburg" the country, "Utrecht" the city, "Moskou"
the city, not the oblast. "de provincie Utrecht" says otherwise."""

#: The default minimum calibrated score: 5-fold cross-validation on the dev part
#: (`bench/fit_link_weights.py --cv 5`) gave the best F1 with precision >= 0.98 here.
DEFAULT_THRESHOLD = 0.6
#: Kinds whose country says where an article is (a company's does not).
_COUNTRY_EVIDENCE = frozenset({"country", "settlement", "region", "place", "party", "person"})
#: Dutch-language news is about these countries unless it says otherwise.
HOME_COUNTRIES = frozenset({"Q55", "Q31"})


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one alias: the linked candidate (or None), its score and why.

    `best` and `best_score` name the strongest candidate also when it was
    rejected, for the `unlinked` record.
    """

    candidate: Candidate | None
    score: float
    reason: str
    best: Candidate | None = None
    best_score: float = 0.0


class ContextDisambiguator:
    """Ranks candidates by calibrated score after the context's vetoes."""

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = 0.1,
        scorer: LinkScorer | None = None,
        reader: ContextReader | None = None,
        home_countries: frozenset[str] = HOME_COUNTRIES,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        self.threshold = threshold
        self.margin = margin
        self.scorer = scorer or LinkScorer()
        self.reader = reader or ContextReader()
        self.home = home_countries

    def cues(self, spans: list[Span], texts: dict[str, str]) -> dict[Span, Cue]:
        """The context cue of every span of the article."""
        sports = self.reader.is_sports_text(list(texts.values()))
        out: dict[Span, Cue] = {}
        for name, text in texts.items():
            field = [s for s in spans if s.field == name]
            out.update(zip(field, self.reader.read_field(field, text, sports), strict=True))
        return out

    def article_countries(
        self, groups: dict[str, list[Span]], candidates: dict[str, list[Candidate]]
    ) -> dict[str, set[str]]:
        """Countries the article names unambiguously, each with the aliases that name it.

        A country name, or a place that clearly outranks its namesakes (Amsterdam
        the city); a lone obscure candidate is no evidence (it would vouch for itself).
        """
        found: dict[str, set[str]] = {}
        for norm in groups:
            cands = candidates.get(norm, [])
            if not cands:
                continue
            top = max(cands, key=lambda c: c.entity.prior)
            rival = max((c.entity.prior for c in cands if c is not top), default=0.0)
            place = top.entity.kind in _PLACE_ORDER or (
                not top.entity.kind and top.entity.type == "LOC"  # a KB without kinds
            )
            clear = place and top.entity.prior - rival >= 0.3
            if clear and top.entity.prior >= 0.6 and top.entity.country:
                found.setdefault(top.entity.country, set()).add(norm)
        return found

    def confirmed_countries(self, decisions: dict[str, Decision]) -> dict[str, set[str]]:
        """Countries of the places, parties and people the first pass linked with confidence."""
        found: dict[str, set[str]] = {}
        for norm, d in decisions.items():
            ent = d.candidate.entity if d.candidate is not None else None
            if ent and d.score >= 0.8 and ent.country and ent.kind in _COUNTRY_EVIDENCE:
                found.setdefault(ent.country, set()).add(norm)
        return found

    @staticmethod
    def _merge(a: dict[str, set[str]], b: dict[str, set[str]]) -> dict[str, set[str]]:
        return {k: a.get(k, set()) | b.get(k, set()) for k in a.keys() | b.keys()}

    def evidence(
        self, norm: str, spans: list[Span], cues: dict[Span, Cue], countries: dict[str, set[str]]
    ) -> Evidence:
        """What the article says about one alias; countries named only by itself do not count."""
        span_cues = [cues.get(s, NO_CUE) for s in spans]
        cue = max(span_cues, key=lambda c: (c.strength, c.kind is not None))
        mixed = any(c.strength < 2 or c.type != cue.type for c in span_cues)
        if cue.strength >= 2 and cue.type != "PER" and mixed:
            # "de haven van Rotterdam ... Havenbedrijf Rotterdam": mixed evidence is a hint,
            # not a veto for every mention of the alias. (A person stays a person: an age
            # or title once makes "Milan" a man in the whole article.)
            cue = Cue(cue.type, cue.kind, 1, cue.why + " (one of several mentions)")
        return Evidence(
            surface=spans[0].text,
            cue=cue,
            sentence_initial_only=all(s.sentence_initial for s in spans) and " " not in norm,
            mention_count=len(spans),
            countries=frozenset(c for c, by in countries.items() if by - {norm}),
            home=self.home,
        )

    def decide_one(self, cands: list[Candidate], ev: Evidence) -> Decision:
        if not cands:
            return Decision(None, 0.0, "no candidate in the knowledge base")
        vetoes = {c.entity.qid: veto(c, ev) or kind_veto(c, cands, ev.cue) for c in cands}
        scored: list[tuple[float, Candidate, str | None]] = []
        for cand in cands:
            # The rival is the strongest candidate the context has not ruled out.
            rivals = [
                rival_strength(c, ev)
                for c in cands
                if c is not cand and vetoes[c.entity.qid] is None
            ]
            score = self.scorer.score(features(cand, max(rivals, default=0.0), ev))
            scored.append((score, cand, vetoes[cand.entity.qid]))
        scored.sort(key=lambda t: (-t[0], t[1].entity.qid))
        allowed = [(s, c) for s, c, why in scored if why is None]
        top_score, top, top_veto = scored[0]
        if not allowed:
            return Decision(None, top_score, top_veto or "vetoed", top, top_score)
        best_score, best = allowed[0]
        runner_up = allowed[1][0] if len(allowed) > 1 else 0.0
        if best_score < self.threshold:
            why = top_veto if top is not best else None
            reason = why or f"score {best_score:.2f} below the threshold {self.threshold:.2f}"
            return Decision(None, best_score, reason, best, best_score)
        if best_score - runner_up < self.margin:
            rival = allowed[1][1].entity.qid
            reason = f"ambiguous: {best.entity.qid} {best_score:.2f} vs {rival} {runner_up:.2f}"
            return Decision(None, best_score, reason, best, best_score)
        return Decision(best, best_score, "linked", best, best_score)

    def decide(
        self,
        spans_by_alias: dict[str, list[Span]],
        candidates: dict[str, list[Candidate]],
        texts: dict[str, str],
        all_spans: Iterable[Span] | None = None,
    ) -> dict[str, Decision]:
        """One decision per alias key in `spans_by_alias`."""
        spans = sorted(
            all_spans if all_spans is not None else [s for v in spans_by_alias.values() for s in v],
            key=lambda s: (s.field, s.start),
        )
        cues = self.cues(spans, texts)
        return self.decide_groups(spans_by_alias, candidates, cues)

    def decide_groups(
        self,
        groups: dict[str, list[Span]],
        candidates: dict[str, list[Candidate]],
        cues: dict[Span, Cue],
    ) -> dict[str, Decision]:
        """Two passes: the countries of what the first pass links surely inform the second."""
        countries = self.article_countries(groups, candidates)
        decisions: dict[str, Decision] = {}
        seen: dict[str, frozenset[str]] = {}
        for _ in range(2):
            for norm, group in groups.items():
                ev = self.evidence(norm, group, cues, countries)
                if seen.get(norm) == ev.countries:
                    continue  # nothing new for this alias since the first pass
                seen[norm] = ev.countries
                decisions[norm] = self.decide_one(candidates.get(norm, []), ev)
            merged = self._merge(countries, self.confirmed_countries(decisions))
            if merged == countries:
                break
            countries = merged
        return decisions


def kind_veto(cand: Candidate, cands: list[Candidate], cue: Cue) -> str | None:
    """Rule out a place of another kind than the context names, or than the usual one."""
    kind = cand.entity.kind
    if kind not in _PLACE_ORDER:
        return None
    kinds = {c.entity.kind for c in cands}
    if cue.kind in _PLACE_ORDER and cue.strength >= 2:
        if kind != cue.kind and cue.kind in kinds:
            return f"kind mismatch: context says {cue.kind} ({cue.why}), candidate is {kind}"
        return None
    country = cand.entity.country
    for better in _PLACE_ORDER[: _PLACE_ORDER.index(kind)]:
        same = [c for c in cands if c.entity.kind == better and c.entity.country == country]
        if country and same:
            return (
                f"a {better} of the same name in the same country ({same[0].entity.qid}) "
                f"is meant unless the text says {kind}"
            )
    return None
