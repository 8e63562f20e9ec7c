"""What an article says about the places it names, read across all its aliases.

`disambiguate.py` decides one alias at a time; what it needs to know about the
whole article comes from here:

- which countries the article is about: names that clearly mean a country or a
  place in one (`article_countries`), and after the first pass the countries of
  what was linked with confidence (`confirmed_countries`);
- which kind of place a name shared by a country, a city and a region means
  (`kind_veto`), and which kind a confident link settles for the names listed
  with it (`clear_kind`, `list_mates`: "Friesland, Groningen en Drenthe");
- the country of a confident place link, for "Odessa in Texas" (`place_country`,
  read by `locatives.located_in`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.context import Cue
from nieuwsstroom.linkers.link_score import DOMINANT_GAP, Evidence, placement
from nieuwsstroom.linkers.prominence import PLACE_KINDS
from nieuwsstroom.linkers.spans import Span

if TYPE_CHECKING:
    from nieuwsstroom.linkers.disambiguate import Decision

_PLACE_ORDER = ("country", "settlement", "region")
"""Without a word that says which, a name shared by places in one country means the
country first, then the city: "Luxemburg" the country, "Utrecht" the city, "Moskou"
the city, not the oblast. "de provincie Utrecht" says otherwise."""
#: The usual kind wins only if it is about as prominent: the state of Virginia is not
#: vetoed by a town called Virginia in Minnesota.
KIND_PRIOR_MARGIN = 0.15
#: Kinds whose country says where an article is (a company's does not).
_COUNTRY_EVIDENCE = frozenset({"country", "settlement", "region", "place", "party", "person"})
#: A link this sure informs the second pass (countries, the kinds of list mates).
CONFIDENT = 0.8
#: What stands between two names of one list ("Gent, Leuven en Brugge").
_LIST_GAPS = frozenset({",", "en", "of", ", en", "en de", ", de", "en het"})


def article_countries(
    groups: dict[str, list[Span]], candidates: dict[str, list[Candidate]]
) -> dict[str, set[str]]:
    """Countries the article names unambiguously, each with the aliases that name it.

    A country name, or a place that clearly outranks its namesakes (Amsterdam
    the city); a lone obscure candidate is no evidence (it would vouch for itself).
    """
    found: dict[str, set[str]] = {}
    for norm in groups:
        cands = candidates.get(norm)
        if not cands:
            continue
        top = max(cands, key=lambda c: c.entity.prior)
        if top.entity.prior < 0.6 or not top.entity.country:
            continue
        place = top.entity.kind in _PLACE_ORDER or (
            not top.entity.kind and top.entity.type == "LOC"  # a KB without kinds
        )
        if not place:
            continue
        rival = max((c.entity.prior for c in cands if c is not top), default=0.0)
        if top.entity.prior - rival >= 0.3:
            found.setdefault(top.entity.country, set()).add(norm)
    return found


def confirmed_countries(decisions: dict[str, Decision]) -> dict[str, set[str]]:
    """Countries of the places, parties and people the first pass linked with confidence."""
    found: dict[str, set[str]] = {}
    for norm, d in decisions.items():
        ent = d.candidate.entity if d.candidate is not None else None
        if ent and d.score >= CONFIDENT and ent.country and ent.kind in _COUNTRY_EVIDENCE:
            found.setdefault(ent.country, set()).add(norm)
    return found


def merge_countries(a: dict[str, set[str]], b: dict[str, set[str]]) -> dict[str, set[str]]:
    """Both maps of {country: aliases that name it}, their aliases joined."""
    return {k: a.get(k, set()) | b.get(k, set()) for k in a.keys() | b.keys()}


def place_country(decision: Decision | None) -> str | None:
    """The country of a place linked with confidence, else None."""
    if decision is None or decision.candidate is None or decision.score < CONFIDENT:
        return None
    ent = decision.candidate.entity
    return ent.country if ent.kind in PLACE_KINDS and ent.country else None


def named_countries(norm: str, countries: dict[str, set[str]]) -> frozenset[str]:
    """The countries the article names other than through `norm` itself."""
    return frozenset(c for c, by in countries.items() if len(by) > 1 or norm not in by)


def placement_changes(
    cands: list[Candidate], before: frozenset[str], after: frozenset[str]
) -> bool:
    """Would any candidate be placed differently (`link_score.placement`) after the change?"""
    if before == after:
        return False
    if bool(before) != bool(after):
        return True  # "the article is elsewhere" needs some country named
    changed = before ^ after
    return any(c.entity.country in changed for c in cands)


def clear_kind(decision: Decision, cands: list[Candidate], ev: Evidence) -> str | None:
    """The kind of a confident link whose alias no comparably prominent other kind shares
    (a namesake the article places elsewhere does not count: a Friesland in the US)."""
    if decision.candidate is None or decision.score < CONFIDENT:
        return None
    ent = decision.candidate.entity
    if not ent.kind:
        return None
    for c in cands:
        if (
            c.entity.kind != ent.kind
            and c.entity.prior >= ent.prior - DOMINANT_GAP
            and placement(c, ev) >= 0
        ):
            return None
    return ent.kind


def list_mates(groups: dict[str, list[Span]], texts: dict[str, str]) -> dict[str, set[str]]:
    """For each alias, the other aliases it is listed with ("in Gent, Leuven en Brugge")."""
    spans = sorted(
        (s for group in groups.values() for s in group), key=lambda s: (s.field, s.start)
    )
    mates: dict[str, set[str]] = {}
    for a, b in zip(spans, spans[1:], strict=False):
        if a.field != b.field or a.alias_norm == b.alias_norm:
            continue
        gap = " ".join(texts[a.field][a.end : b.start].split())
        if gap in _LIST_GAPS:
            mates.setdefault(a.alias_norm, set()).add(b.alias_norm)
            mates.setdefault(b.alias_norm, set()).add(a.alias_norm)
    return mates


def kind_veto(
    cand: Candidate, cands: list[Candidate], cue: Cue, mate_kinds: frozenset[str] = frozenset()
) -> str | None:
    """Rule out a place of another kind than the context names, or than the usual one."""
    kind = cand.entity.kind
    if kind not in _PLACE_ORDER:
        return None
    if cue.kind in _PLACE_ORDER and cue.strength >= 2:
        if kind != cue.kind and any(c.entity.kind == cue.kind for c in cands):
            return f"kind mismatch: context says {cue.kind} ({cue.why}), candidate is {kind}"
        return None
    if cue.kind == kind or kind in mate_kinds:
        return None  # a hint or the names it is listed with say this kind
    country = cand.entity.country
    if not country:
        return None
    floor = cand.entity.prior - KIND_PRIOR_MARGIN
    for better in _PLACE_ORDER[: _PLACE_ORDER.index(kind)]:
        for c in cands:
            e = c.entity
            # A country outranks a region of its name anywhere: "Luxemburg" is the country,
            # not the Belgian province, unless the text says province.
            anywhere = better == "country" and kind == "region"
            if e.kind == better and (anywhere or e.country == country) and e.prior >= floor:
                return (
                    f"a {better} of the same name in the same country ({e.qid}) "
                    f"is meant unless the text says {kind}"
                )
    return None
