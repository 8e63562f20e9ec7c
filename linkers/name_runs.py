"""Aliases inside a longer name: which entity, if any, the longer name is.

A knowledge base the size of Wikidata has an item for almost every word: a
person whose alias is "Ron", an organisation "Kruis", a village "Beer", a
company "Steel". In Dutch news these words are often part of a longer name the
knowledge base lacks: "gouverneur Ron DeSantis", "Zilveren Kruis", "de Zilveren
Beer", "Liberty Steel", "Jan Willem Bos", "Tour de France". The mention finder
marks such alias spans with the run of capitalised words around them
(`Span.run`); once the candidates are known, `resolve_runs` decides:

- the run is a person's name around the alias when a person among the alias's
  candidates has every word of their name in the run ("Vladimir Vladimirovitsj
  Poetin" is Vladimir Poetin; a middle name or patronymic may be added): that
  alias span stays and the run's other aliases go;
- otherwise the run is one unknown name: its aliases go and the run is reported
  as an unlinked name ("Ron DeSantis" is not a Donald Ron).

Why in the linker and not in the finder: only the candidates know the person's
full name, and the finder never touches the knowledge base.
"""

from __future__ import annotations

from functools import lru_cache

from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.cue_words import CONNECTORS
from nieuwsstroom.linkers.normalize import normalize_alias
from nieuwsstroom.linkers.spans import Span


@lru_cache(maxsize=16384)
def _name_words(name: str) -> frozenset[str]:
    """The words of a name that identify it (particles such as "van", "de" do not)."""
    return frozenset(w for w in normalize_alias(name).split() if w not in CONNECTORS)


def person_fits(run: Span, cands: list[Candidate]) -> bool:
    """A person among `cands` whose whole name (English or Dutch label) is in the run."""
    words = _name_words(run.text)
    for cand in cands:
        ent = cand.entity
        if ent.type != "PER":
            continue
        for label in (ent.label_en, ent.label_nl):
            name = _name_words(label) if label else frozenset()
            if len(name) >= 2 and name <= words:
                return True
    return False


def resolve_runs(
    spans: list[Span], candidates: dict[str, list[Candidate]]
) -> tuple[list[Span], list[Span]]:
    """`spans` with every contested run decided (see the module docstring), in text order,
    and the alias spans that gave way to a longer name.

    The latter still say something: "FC Utrecht wint de derby ... Utrecht klimt" —
    the words around the longer name are evidence for what its short form means,
    so the disambiguator reads their context (never links them).
    """
    runs: dict[Span, list[Span]] = {}
    for span in spans:
        if span.run is not None:
            runs.setdefault(span.run, []).append(span)
    if not runs:
        return spans, []
    drop: set[Span] = set()
    names: list[Span] = []
    for run, members in runs.items():
        fitting = [m for m in members if person_fits(run, candidates.get(m.alias_norm, []))]
        drop.update(m for m in members if m not in fitting)
        if not fitting:
            names.append(run)
    kept = [s for s in spans if s not in drop] + names
    kept.sort(key=lambda s: (s.field != "title", s.start, s.kind != "kb"))
    return kept, [s for s in spans if s in drop]
