"""One prominence scale for every knowledge-base source, and the coarse entity kinds.

Why: the disambiguator compares priors of candidates that come from different
sources (Natural Earth populations, the dr5hn regions, US Congress membership,
brand and research-organisation registries, Wikidata sitelinks in a dump). If
each source invents its own scale, a brand registry's "3" or a village in a
dump outvotes a capital city. Every builder therefore maps its evidence through
these functions, and an entity's prior is the largest value its data supports.

Reference points of the scale (prior in [0, 1]):
1.0 countries, world capitals (>= 250 Wikipedia sitelinks); ~0.8 cities of a
million; ~0.5 towns of 50,000 (~30 sitelinks); ~0.2 villages (~5 sitelinks);
0 no evidence at all.
"""

from __future__ import annotations

import math

#: Coarse classes (`EntityRecord.kind`); '' means unknown.
KINDS = (
    "country",
    "region",
    "settlement",
    "place",
    "person",
    "party",
    "company",
    "organisation",
    "other",
)
#: Kinds that are places (a club or team context contradicts them).
PLACE_KINDS = frozenset({"country", "region", "settlement", "place"})

_SITELINKS_TOP = 250


def prior_from_sitelinks(sitelinks: int) -> float:
    """ln(1 + n) / ln(1 + 250), capped at 1: 5 -> 0.32, 30 -> 0.62, 100 -> 0.84."""
    if sitelinks <= 0:
        return 0.0
    return min(1.0, math.log1p(sitelinks) / math.log1p(_SITELINKS_TOP))


def prior_from_population(population: float) -> float:
    """(log10 p - 2) / 5.5 in [0, 1]: 1,000 -> 0.18, 50,000 -> 0.49, 1M -> 0.73, 10M -> 0.91."""
    if population <= 100:
        return 0.0
    return max(0.0, min(1.0, (math.log10(population) - 2) / 5.5))


def prior_from_office(description: str) -> float:
    """Membership of a national executive or parliament, from an office description.

    Head of state or government 0.95, vice president 0.85, a senate seat 0.65,
    a lower-house seat 0.5 (about the sitelinks such people have on Wikidata).
    """
    text = description.lower()
    if text.startswith("president of") or "prime minister" in text:
        return 0.95
    if text.startswith("vice president"):
        return 0.85
    if "senator" in text:
        return 0.65
    if "member of" in text or "representative" in text:
        return 0.5
    return 0.4


#: A registry's own weight: how prominent its typical entry is. One registry
#: entry says little (name-suggestion-index lists small brands, ROR lists every
#: lab); a second source stating the same QID adds `SECOND_SOURCE_BONUS`.
SOURCE_PRIOR = {
    "partyfacts": 0.45,
    "nsi": 0.3,
    "wdlang": 0.3,
    "ror": 0.2,
}
SECOND_SOURCE_BONUS = 0.12


#: Counting an estimate at less than a measured value: an item's age is a weaker
#: signal than its own sitelinks or population.
ITEM_AGE_DISCOUNT = 0.8


def prior_from_item_age(qid: str) -> float:
    """A prominence estimate from Wikidata's item number, for sources that give none.

    Items are numbered in creation order. The first million were created in
    2012-13 from existing Wikipedia articles, most in many languages; items
    numbered in the tens of millions came later from registries and databases
    and mostly have no article at all. So the number estimates sitelinks:
    log10(1 + s) ~ 2 - 0.55 (log10 n - 4) (Q10000 ~ 100 sitelinks, Q1M ~ 7,
    Q10M ~ 1, Q100M+ ~ 0), counted at `ITEM_AGE_DISCOUNT`. A brand index or a
    research registry then ranks Pfizer (Q206921) above its Austrian subsidiary
    (Q43896299) and the WHO above a college that shares its acronym. Used only
    for organisations from registries: a person's or a region's item number says
    little (new members of parliament get new items; regions have populations).
    """
    try:
        number = int(qid.lstrip("Qq"))
    except ValueError:
        return 0.0
    if number <= 0:
        return 0.0
    estimate = 10 ** (2 - 0.55 * (math.log10(number) - 4)) - 1
    return round(ITEM_AGE_DISCOUNT * prior_from_sitelinks(max(0, round(estimate))), 4)


def prior_from_sources(sources: list[str]) -> float:
    """The base weight of the best source, plus a bonus per further source."""
    known = [SOURCE_PRIOR[s] for s in sources if s in SOURCE_PRIOR]
    if not known:
        return 0.0
    return min(1.0, max(known) + SECOND_SOURCE_BONUS * (len(sources) - 1))
