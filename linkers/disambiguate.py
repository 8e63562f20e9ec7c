"""Disambiguation: one decision per alias of an article, precision first.

A candidate must earn its link. For every alias the article names:

1. The context (`context.py`) gives a cue: the type or kind of thing the words
   around the mentions expect (title, place preposition, speaker label, given
   name, team context, ...).
2. Candidates the context rules out are vetoed with a reason (`link_score.veto`,
   `kind_veto`): a PER context and a LOC candidate, a place in a match report, a
   province where a city of that name in the same country is about as prominent.
3. Every other candidate gets a calibrated score (`link_score.LinkScorer`): the
   probability that it is the entity meant.
4. The best candidate is linked if its score reaches the threshold (a minimum
   probability) and no rival comes within `margin`; otherwise the alias stays
   unlinked, and the decision keeps the best rejected candidate and the reason
   so ops can see what the knowledge base lacks.

The article is read twice: the first pass's confident links say which countries
the article is about and what kind of thing each name in a list is ("Friesland,
Groningen en Drenthe" are provinces), and the aliases that this changes are
decided again. What the whole article says about places (its countries, the kind
a shared place name means, list mates) is read by `article_places.py`.

Names that are part of a longer person's name in the same article ("Lloyd" after
"Lloyd Jansen", "Adam" after "Adam el Idrissi") are decided by `name_parts.py`
after this step, so a shoe brand never gets a shop owner's first name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nieuwsstroom.linkers.article_places import (
    article_countries,
    clear_kind,
    confirmed_countries,
    kind_veto,
    list_mates,
    merge_countries,
    named_countries,
    place_country,
    placement_changes,
)
from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.context import NO_CUE, ContextReader, Cue
from nieuwsstroom.linkers.link_score import (
    Evidence,
    LinkScorer,
    acronym_letters,
    against_rival,
    features,
    placement,
    veto,
)
from nieuwsstroom.linkers.locatives import located_in
from nieuwsstroom.linkers.ordinary_words import default_ordinary_words
from nieuwsstroom.linkers.prominence import PLACE_KINDS
from nieuwsstroom.linkers.spans import Span

#: The default minimum calibrated score, chosen by cross-validation on the development
#: texts (`bench/fit_link_weights.py --cv 5`): the best F1 with precision >= 0.96 (a
#: margin over the 0.95 goal: news the weights never saw is harder).
DEFAULT_THRESHOLD = 0.6
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
        ordinary_words: frozenset[str] | None = None,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        self.threshold = threshold
        self.margin = margin
        self.scorer = scorer or LinkScorer()
        self.reader = reader or ContextReader()
        self.home = home_countries
        self.ordinary_words = default_ordinary_words() if ordinary_words is None else ordinary_words

    def cues(self, spans: list[Span], texts: dict[str, str]) -> dict[Span, Cue]:
        """The context cue of every span of the article."""
        sports = self.reader.is_sports_text(list(texts.values()))
        out: dict[Span, Cue] = {}
        for name, text in texts.items():
            field = [s for s in spans if s.field == name]
            out.update(zip(field, self.reader.read_field(field, text, sports), strict=True))
        return out

    def evidence(
        self,
        norm: str,
        spans: list[Span],
        cues: dict[Span, Cue],
        countries: dict[str, set[str]],
        mate_kinds: frozenset[str] = frozenset(),
    ) -> Evidence:
        """What the article says about one alias; countries named only by itself do not count."""
        span_cues = [cues.get(s, NO_CUE) for s in spans]
        cue = max(span_cues, key=lambda c: (c.strength, c.kind is not None))
        mixed = any(c.strength < 2 or c.type != cue.type for c in span_cues)
        if cue.strength >= 2 and cue.type != "PER" and mixed:
            # "de haven van Rotterdam ... Havenbedrijf Rotterdam": mixed evidence is a
            # hint, not a veto for every mention of the alias. (A person stays a person:
            # an age or title once makes "Milan" a man in the whole article.)
            cue = Cue(cue.type, cue.kind, 1, cue.why + " (one of several mentions)")
        return Evidence(
            surface=spans[0].text,
            cue=cue,
            sentence_initial_only=all(s.sentence_initial for s in spans) and " " not in norm,
            mention_count=len(spans),
            countries=named_countries(norm, countries),
            home=self.home,
            mate_kinds=mate_kinds,
            acronym_letters=acronym_letters(spans[0].text),
            ordinary=" " not in norm and norm in self.ordinary_words,
        )

    def open_candidates(
        self, cands: list[Candidate], ev: Evidence
    ) -> list[tuple[Candidate, str | None, list[float]]]:
        """Each candidate with its veto (or None) and feature vector (what `decide_one` scores)."""
        vetoes = [veto(c, ev) or kind_veto(c, cands, ev.cue, ev.mate_kinds) for c in cands]
        places = [placement(c, ev) for c in cands]
        # The rival is the strongest candidate the context has not ruled out, its prior
        # halved for each thing the article says against it (`link_score.against_rival`).
        rivals = [
            (i, c.entity.prior, places[i], against_rival(c, ev))
            for i, c in enumerate(cands)
            if vetoes[i] is None
        ]
        if ev.cue.kind == "team":
            # "Wales" in a match report is the Welsh team: a place the context rules out
            # stands for its own team, as prominent as the place (an obscure club that
            # shares the name is not meant).
            rivals += [
                (i, c.entity.prior, places[i], 0)
                for i, c in enumerate(cands)
                if vetoes[i] is not None and c.entity.kind in PLACE_KINDS
            ]
        out = []
        for i, cand in enumerate(cands):
            where = places[i]
            rival = max(
                (
                    prior * 0.5 ** (against + (other < 0 or other < where))
                    for j, prior, other, against in rivals
                    if j != i
                ),
                default=0.0,
            )
            out.append((cand, vetoes[i], features(cand, rival, ev)))
        return out

    def decide_one(self, cands: list[Candidate], ev: Evidence) -> Decision:
        if not cands:
            return Decision(None, 0.0, "no candidate in the knowledge base")
        score = self.scorer.score
        scored = [(score(f), c, why) for c, why, f in self.open_candidates(cands, ev)]
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
        return self.decide_groups(spans_by_alias, candidates, cues, texts)

    def article_evidence(
        self,
        groups: dict[str, list[Span]],
        candidates: dict[str, list[Candidate]],
        cues: dict[Span, Cue],
        texts: dict[str, str] | None = None,
    ) -> tuple[dict[str, Evidence], dict[str, Decision]]:
        """The evidence each alias is finally decided on, and the decisions.

        Two passes: the countries and list kinds of what the first pass links
        confidently inform the second, which re-decides only the aliases whose
        evidence changed.
        """
        countries = article_countries(groups, candidates)
        evidence = {
            norm: self.evidence(norm, group, cues, countries) for norm, group in groups.items()
        }
        decisions = {
            norm: self.decide_one(candidates.get(norm, []), ev) for norm, ev in evidence.items()
        }
        merged = merge_countries(countries, confirmed_countries(decisions))
        mates = list_mates(groups, texts) if texts is not None else {}
        kinds = {
            norm: kind
            for norm, d in decisions.items()
            if (kind := clear_kind(d, candidates.get(norm, []), evidence[norm])) is not None
        }
        more_countries = merged != countries
        inside = (
            located_in(groups, texts, lambda n: place_country(decisions.get(n))) if texts else {}
        )
        for norm in groups:
            mate_kinds = frozenset(kinds[m] for m in mates.get(norm, ()) if m in kinds)
            within = inside.get(norm, frozenset())
            if not (more_countries or mate_kinds or within) or norm not in candidates:
                continue  # nothing new for this alias since the first pass
            old = evidence[norm]
            named = named_countries(norm, merged) if more_countries else old.countries
            if not (mate_kinds or within) and not placement_changes(
                candidates[norm], old.countries, named
            ):
                continue
            ev = Evidence(
                old.surface,
                old.cue,
                old.sentence_initial_only,
                old.mention_count,
                named,
                old.home,
                mate_kinds,
                old.acronym_letters,
                old.ordinary,
                within,
            )
            evidence[norm] = ev
            decisions[norm] = self.decide_one(candidates[norm], ev)
        return evidence, decisions

    def decide_groups(
        self,
        groups: dict[str, list[Span]],
        candidates: dict[str, list[Candidate]],
        cues: dict[Span, Cue],
        texts: dict[str, str] | None = None,
    ) -> dict[str, Decision]:
        """One decision per alias (see `article_evidence`)."""
        return self.article_evidence(groups, candidates, cues, texts)[1]
