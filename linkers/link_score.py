"""The calibrated link score: P(this candidate is what the mention means), from features.

Why a learned logistic model: the score must mean the same everywhere, so that
`NIEUWSSTROOM_LINK_THRESHOLD` is a minimum probability and not a magic number.
The weights in `data/link_weights.json` were fitted by `bench/fit_link_weights.py`
on the labelled set's development texts, with L2 regularisation; that script
prints how well the scores are calibrated and cross-validates the threshold.

The features are few and each says one thing a reader would weigh:

- how prominent the entity is (`prior`, on the one scale of `prominence.py`) and
  how far it leads the strongest rival the context leaves open (`dominance`, the
  gap in prior, saturating at `DOMINANT_GAP`), never how many rivals there are: a
  million villages must not dilute a capital, and a rival far behind is as good as
  none, so growing the knowledge base with obscure namesakes changes nothing;
- what kind of thing it is (`organisation`: a company's, body's or party's name is
  rarely anything else; a place name often is another place);
- how specific the alias is (`alias_weight` from the knowledge base; `label`: it
  is the entity's own name, not one of its aliases; `multi_word`; `fragment`: it
  names only part of the entity's name, "Tata" for Tata Motors);
- whether the context agrees on the type and kind (a title, a place preposition,
  "supermarkt", "universiteit", or the kind of the names it is listed with);
- whether the article places the entity: its country is named, it is a home
  country's, or the article is elsewhere and the entity obscure;
- the surface: an obscure name seen only at sentence starts (where Dutch
  capitalises ordinary words), the more so if it is an ordinary word, case that
  differs from the alias, a short acronym of an obscure body.
"""

from __future__ import annotations

import json
import math
import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nieuwsstroom.linkers import prominence
from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.context import Cue
from nieuwsstroom.linkers.normalize import normalize_alias

WEIGHTS_FILE = Path(__file__).parent / "data" / "link_weights.json"

FEATURES = (
    "bias",
    "prior",
    "dominance",
    "alias_weight",
    "label",
    "organisation",
    "multi_word",
    "fragment",
    "case_mismatch",
    "type_agree",
    "kind_agree",
    "country_named",
    "country_home",
    "foreign_obscure",
    "sentence_initial",
    "obscure_acronym",
    "ordinary_word",
)
#: A lead in prior this large (about five times the sitelinks) is full dominance.
DOMINANT_GAP = 0.3
#: Kinds tied to one country: an obscure namesake abroad is suspect. People are not
#: (foreign leaders are the normal case in news), nor companies (news anywhere).
_PLACED_KINDS = (prominence.PLACE_KINDS - {"country"}) | {"party"}
#: A company's, body's or party's registered name is rarely anything else in a text;
#: a place name often is (villages share names): the base rates differ.
_BODY_KINDS = frozenset({"company", "organisation", "party"})
#: Words a name may carry beside its core without being another entity ("Adidas AG").
_LEGAL_TEXT = """ag nv n.v. bv b.v. sa s.a. se plc ltd ltd. limited inc inc. corp corp. corporation
    company co co. group groep gmbh holding holdings llc spa s.p.a. ab asa oyj"""
_LEGAL_FORMS = frozenset(_LEGAL_TEXT.split())
_QUALIFIER = re.compile(r"\s*\([^)]*\)")
#: Kinds a context word names -> entity kinds it agrees with (+1); other known kinds -1.
_KIND_AGREES = {
    "company": frozenset({"company"}),
    "organisation": frozenset({"organisation"}),
    "party": frozenset({"party"}),
    "team": frozenset(),  # a club is an organisation, but so is a transport concession
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the article says around one alias (all its mentions)."""

    surface: str
    cue: Cue
    sentence_initial_only: bool
    mention_count: int
    countries: frozenset[str]
    """Countries the article names (country names, clear places, confident links)."""
    home: frozenset[str]
    """Countries Dutch news is about by default (the Netherlands, Belgium)."""
    mate_kinds: frozenset[str] = frozenset()
    """Kinds of the names this one is listed with ("Friesland, Groningen en ...")."""
    acronym_letters: int = 0
    """Number of letters if the surface is all capitals ("EU", "NAVO"), else 0."""
    ordinary: bool = False
    """The alias is one ordinary Dutch word ("Huis", "Storm"; `ordinary_words.py`)."""
    inside: frozenset[str] = frozenset()
    """Countries of the places the text says it lies in ("Odessa in Texas")."""


@lru_cache(maxsize=16384)
def acronym_letters(surface: str) -> int:
    """Number of letters if `surface` is all capitals ("EU", "NAVO"), else 0."""
    letters = [c for c in surface if c.isalpha()]
    return len(letters) if len(letters) >= 2 and all(c.isupper() for c in letters) else 0


def placement(cand: Candidate, ev: Evidence) -> float:
    """+1 its country is named, +0.5 a home country, -1 the article is elsewhere, 0 unknown.

    -1 only for places and parties (`_PLACED_KINDS`) when the article names countries
    and not this one: a multinational, a foreign leader or a country is news anywhere.
    """
    country = cand.entity.country
    if not country:
        return 0.0
    if country in ev.countries:
        return 1.0
    if country in ev.home:
        return 0.5
    if cand.entity.kind in _PLACED_KINDS and ev.countries:
        return -1.0
    return 0.0


def against_rival(cand: Candidate, ev: Evidence) -> int:
    """How many things the article says against `cand` as a rival, besides where it is.

    A rival's strength is its prior, halved for each: a kind the context does not
    name, an alias that is only part of its name ("Lidl" for Lidl Bulgaria), and
    being placed elsewhere or less well than the candidate it rivals (a Dutch
    town's foreign namesake; see `disambiguate.open_candidates`).
    """
    entity = cand.entity
    return (kind_agreement(ev.cue, entity.kind, ev.mate_kinds) < 0) + is_fragment(
        cand.alias, entity.label_en, entity.label_nl
    )


@lru_cache(maxsize=65536)
def is_fragment(alias: str, label_en: str, label_nl: str) -> bool:
    """The alias is a strict part of the entity's name ("Tata" of "Tata Motors Limited").

    Legal forms do not count as the rest of a name: "Adidas" is all of "Adidas AG";
    nor do qualifiers: "Springfield" is all of "Springfield (Ohio)".
    """
    short = normalize_alias(alias).split()
    labels = [_core(label) for label in (label_en, label_nl) if label]
    for words in labels:
        core = [w for w in words if w not in _LEGAL_FORMS]
        if not core or core == short:
            return False
    return any(len(short) < len(words) and all(w in words for w in short) for words in labels)


def _core(label: str) -> list[str]:
    """A label's words without its qualifier: "Springfield (Ohio)", "Springfield, Ohio"."""
    return normalize_alias(_QUALIFIER.sub("", label).split(",")[0]).split()


@lru_cache(maxsize=65536)
def is_label(alias: str, label_en: str, label_nl: str) -> bool:
    """The alias is the entity's name itself (its English or Dutch label), not an alias."""
    norm = normalize_alias(alias)
    return norm in (normalize_alias(label_en), normalize_alias(label_nl))


def kind_agreement(cue: Cue, kind: str, mate_kinds: frozenset[str]) -> float:
    """+1 the context names this kind, -1 another, 0 it says nothing (or the kind is unknown)."""
    if not kind:
        return 0.0
    if cue.kind:
        if cue.kind == "place" and kind in prominence.PLACE_KINDS:
            return 1.0 if kind == "place" else 0.0  # "het eiland Man": an island country
        agrees = _KIND_AGREES.get(cue.kind)
        if cue.kind == "team" and kind == "organisation":
            return 0.0
        if agrees is not None:
            return 1.0 if kind in agrees else -1.0
        return 1.0 if cue.kind == kind else -1.0
    if mate_kinds:
        return 1.0 if kind in mate_kinds else -1.0
    return 0.0


def features(cand: Candidate, rival_prior: float, ev: Evidence) -> list[float]:
    """The feature vector of `cand` (order of `FEATURES`)."""
    entity = cand.entity
    caps = ev.acronym_letters
    # "PVDA" for the alias "PvdA", "Polen" for a lab called "POLEN": same letters, other case.
    case_mismatch = (
        cand.alias != ev.surface
        and cand.alias.casefold() == ev.surface.casefold()
        and not ev.sentence_initial_only
    )
    cue = ev.cue
    type_agree = 0.0
    if cue.type is not None:
        scale = 1.0 if cue.strength >= 2 else 0.5
        type_agree = scale if cue.type == entity.type else -scale
    where = placement(cand, ev)
    obscurity = 1.0 - entity.prior
    return [
        1.0,
        entity.prior,
        max(-1.0, min(1.0, (entity.prior - rival_prior) / DOMINANT_GAP)),
        cand.alias_weight,
        1.0 if is_label(cand.alias, entity.label_en, entity.label_nl) else 0.0,
        1.0 if entity.kind in _BODY_KINDS else 0.0,
        1.0 if " " in cand.alias.strip() else 0.0,
        1.0 if is_fragment(cand.alias, entity.label_en, entity.label_nl) else 0.0,
        1.0 if case_mismatch else 0.0,
        type_agree,
        kind_agreement(cue, entity.kind, ev.mate_kinds),
        1.0 if where == 1.0 else 0.0,
        1.0 if where == 0.5 else 0.0,
        obscurity if where < 0 else 0.0,
        # "Storm treft de kust": only at sentence starts, an obscure name is a Dutch word.
        obscurity if ev.sentence_initial_only and not caps else 0.0,
        # "AI", "RSF", "CBS": short acronyms of obscure bodies are usually something else.
        obscurity if 0 < caps <= 4 and where <= 0 else 0.0,
        # "Ruim twee miljoen ...", "Haar moeder ...": at sentence starts only, an obscure
        # item named like an ordinary word is that word (more so than any other name).
        obscurity if ev.ordinary and ev.sentence_initial_only else 0.0,
    ]


def veto(cand: Candidate, ev: Evidence) -> str | None:
    """A reason the context rules this candidate out, or None."""
    entity, cue = cand.entity, ev.cue
    if entity.kind == "other" and "language" in entity.description and cue.kind != "language":
        return "a language is meant only after 'in het' (else it is an adjective)"
    if cue.kind == "team" and cue.strength >= 2 and entity.kind not in ("organisation", ""):
        return f"{cue.why}: a team is meant, candidate is {_what(cand)}"
    if cue.kind == "team" and entity.type != "ORG":
        return f"{cue.why}: a team is meant, candidate is {_what(cand)}"
    if ev.inside and entity.kind in _PLACED_KINDS - {"party"} and entity.country not in ev.inside:
        return f"the text places {ev.surface!r} in another country"
    if 2 <= ev.acronym_letters <= 4 and placement(cand, ev) < 0 and entity.prior < 0.6:
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
        if len(feats) != len(self.weights):
            raise ValueError(f"{len(feats)} features for {len(self.weights)} weights")
        z = sum(map(operator.mul, self.weights, feats))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
