"""The calibrated link score: P(this candidate is what the mention means), from features.

Why a learned logistic model: the score must mean the same everywhere, so that
`NIEUWSSTROOM_LINK_THRESHOLD` is a minimum probability and not a magic number.
The weights in `data/link_weights.json` were fitted by `bench/fit_link_weights.py`
on the dev part of the labelled set only (the test part stays unseen), with
L2 regularisation; that script prints how well the scores are calibrated.

Every feature is about the candidate and its own context, never about how many
other candidates share the alias: a knowledge base with a million villages
must not dilute a capital's score (`prior_gap` compares with the strongest
rival only).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from nieuwsstroom.linkers import prominence
from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.context import Cue

WEIGHTS_FILE = Path(__file__).parent / "data" / "link_weights.json"

FEATURES = (
    "bias",
    "prior",
    "prior_gap",
    "alias_weight",
    "multi_word",
    "acronym",
    "case_mismatch",
    "type_agree",
    "kind_agree",
    "country_named",
    "country_home",
    "foreign",
    "incoherent_obscure",
    "sentence_initial",
    "mentions",
    "country_kind",
    "obscure_acronym",
)
#: Kinds tied to one country: a namesake abroad is suspect (a company is not).
_COUNTRY_BOUND = prominence.PLACE_KINDS | {"party", "person"}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the article says around one alias (all its mentions)."""

    surface: str
    cue: Cue
    sentence_initial_only: bool
    mention_count: int
    countries: frozenset[str]
    """Countries the article names explicitly (country names, unambiguous places)."""
    home: frozenset[str]
    """Countries Dutch news is about by default (the Netherlands, Belgium)."""

    @property
    def acronym_letters(self) -> int:
        """Number of letters if the surface is all capitals ("EU", "NAVO"), else 0."""
        letters = [c for c in self.surface if c.isalpha()]
        return len(letters) if len(letters) >= 2 and all(c.isupper() for c in letters) else 0


def coherence(cand: Candidate, ev: Evidence) -> float:
    """+1 its country is named in the article, +0.5 a home country, -1 other, 0 unknown.

    Only places, parties and people are held against a foreign country: a
    multinational is news anywhere, so for companies and bodies only agreement counts.
    """
    country = cand.entity.country
    if not country:
        return 0.0
    if country in ev.countries:
        return 1.0
    if country in ev.home and (cand.entity.kind != "party" or not ev.countries):
        # A party runs in its own country: a text that names Belgium and not the
        # Netherlands means the Belgian PVDA, not the Dutch PvdA.
        return 0.5
    if cand.entity.kind not in _COUNTRY_BOUND or cand.entity.kind == "country":
        return 0.0
    return -1.0 if ev.countries else 0.0


def rival_strength(cand: Candidate, ev: Evidence) -> float:
    """How strong a rival `cand` is: its prior, halved if the article places it elsewhere."""
    return cand.entity.prior * (0.5 if coherence(cand, ev) < 0 else 1.0)


def features(cand: Candidate, rival_prior: float, ev: Evidence) -> list[float]:
    """The feature vector of `cand` (order of `FEATURES`)."""
    entity = cand.entity
    words = cand.alias.split()
    caps = ev.acronym_letters
    surface_caps = caps > 0
    # "PVDA" for the alias "PvdA", "Polen" for a lab called "POLEN": same letters, other case.
    case_mismatch = (
        cand.alias != ev.surface
        and cand.alias.casefold() == ev.surface.casefold()
        and not ev.sentence_initial_only
    )
    cue = ev.cue
    scale = 1.0 if cue.strength >= 2 else 0.5
    type_agree = 0.0 if cue.type is None else (scale if cue.type == entity.type else -scale)
    kind_agree = 0.0
    if cue.kind and entity.kind:
        kind_agree = 1.0 if cue.kind == entity.kind else -1.0
    coh = coherence(cand, ev)
    country = entity.country
    named = bool(country) and country in ev.countries
    home = (
        bool(country)
        and not named
        and country in ev.home
        and (entity.kind != "party" or not ev.countries)
    )
    # Only places, parties and people are out of place abroad; Google is news anywhere.
    # A country named in the text needs no other mention to be in place.
    foreign = (
        bool(country)
        and not named
        and not home
        and entity.kind in _COUNTRY_BOUND
        and entity.kind != "country"
    )
    return [
        1.0,
        entity.prior,
        entity.prior - rival_prior,
        cand.alias_weight,
        1.0 if len(words) >= 2 else 0.0,
        1.0 if surface_caps else 0.0,
        1.0 if case_mismatch else 0.0,
        type_agree,
        kind_agree,
        1.0 if named else 0.0,
        1.0 if home else 0.0,
        1.0 if foreign else 0.0,
        (1.0 - entity.prior) if coh < 0 else 0.0,
        1.0 if ev.sentence_initial_only else 0.0,
        math.log1p(ev.mention_count),
        1.0 if entity.kind == "country" else 0.0,
        # "AI", "RSF", "CBS": short acronyms of obscure bodies are usually something else.
        (1.0 - entity.prior) if 0 < caps <= 3 and not (named or home) else 0.0,
    ]


def veto(cand: Candidate, ev: Evidence) -> str | None:
    """A reason the context rules this candidate out, or None."""
    entity, cue = cand.entity, ev.cue
    if entity.kind == "other" and "language" in entity.description and cue.kind != "language":
        return "a language is meant only after 'in het' (else it is an adjective)"
    if cue.kind == "team" and (entity.kind in prominence.PLACE_KINDS or entity.type != "ORG"):
        return f"{cue.why}: a team is meant, candidate is {_what(cand)}"
    if 2 <= ev.acronym_letters <= 4 and coherence(cand, ev) < 0 and entity.prior < 0.6:
        return f"short acronym of a foreign {entity.kind or 'body'} the article does not place"
    if cue.type is None or cue.type == entity.type:
        return None
    if cue.strength >= 2:
        return f"type mismatch: context says {cue.type} ({cue.why}), candidate is {_what(cand)}"
    if cue.why == "a given name" and len(cand.alias.split()) == 1:
        return f"type mismatch: {ev.surface!r} is a given name, candidate is {_what(cand)}"
    return None


def _what(cand: Candidate) -> str:
    kind = f" {cand.entity.kind}" if cand.entity.kind else ""
    return f"{cand.entity.type}{kind}"


class LinkScorer:
    """Logistic model over `features`; weights from `data/link_weights.json`."""

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        if weights is None:
            weights = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["weights"]
        missing = [f for f in FEATURES if f not in weights]
        if missing:
            raise ValueError(f"link weights lack features {missing}")
        self.weights = [float(weights[f]) for f in FEATURES]

    def score(self, feats: list[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights, feats, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
