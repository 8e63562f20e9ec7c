"""The values the knowledge base holds and returns: one entity, one alias.

Plain frozen records, as spaCy's `Candidate` is a value apart from its `KnowledgeBase`:
the seed and dump builders make them, the linker reads them, and neither needs to know
how they are stored (`kb_schema.py` turns them into rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from nieuwsstroom.linkers.normalize import normalize_alias


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One knowledge-base entity.

    `prior` is prominence in [0, 1] on one scale for every source (see
    `prominence.py`); `population` is inhabitants (0 = unknown); `kind` is a
    coarse class (`prominence.KINDS`, '' = unknown) the disambiguator uses to
    tell a city from a same-named province or a place from a club.
    """

    qid: str
    type: str
    label_nl: str = ""
    label_en: str = ""
    description_nl: str = ""
    description_en: str = ""
    prior: float = 0.0
    sitelinks: int = 0
    instance_of: tuple[str, ...] = ()
    country: str | None = None
    population: int = 0
    kind: str = ""

    @property
    def label(self) -> str:
        """English label first: the enriched output is English."""
        return self.label_en or self.label_nl or self.qid

    @property
    def description(self) -> str:
        return self.description_en or self.description_nl


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """A surface form of an entity; `weight` in [0, 1] says how much to trust it."""

    alias: str
    qid: str
    lang: str
    source: str
    weight: float

    @property
    def alias_norm(self) -> str:
        return normalize_alias(self.alias)
