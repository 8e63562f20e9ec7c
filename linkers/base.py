"""The linking extension point and the values it returns.

`Linker.link(doc) -> list[Entity]`: one Entity per distinct Wikidata QID, plus
one Entity with `qid=None` per distinct unlinked name (names that look like
entities but have no confident QID). Offsets are character offsets into the
Dutch source fields (`title`, `body`); where the English translation is given,
`mentions_en` point into `title_en` / `body_en`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Field = Literal["title", "body"]
FieldEn = Literal["title_en", "body_en"]
EntityType = Literal["PER", "ORG", "LOC", "MISC"]


@dataclass(frozen=True, slots=True)
class Document:
    """What the linker reads: the Dutch source and, optionally, its translation."""

    title: str
    body: str
    title_en: str | None = None
    body_en: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text: `doc.<field>[start:end] == text`."""

    field: str
    start: int
    end: int
    text: str
    renders: int | None = None
    """For an English mention: index of the Dutch mention (in `Entity.mentions`) it renders."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        if self.renders is not None:
            data["mention"] = self.renders
        return data


@dataclass(slots=True)
class Entity:
    """A linked entity (qid set) or an unlinked name (qid None).

    An unlinked name carries `reason` (why no candidate earned the link, e.g.
    "type mismatch: context says PER (...), candidate is LOC settlement") and
    `best_candidate` (`{qid, label, type, score}` of the strongest rejected
    candidate, or None when the knowledge base has none): what ops need to see
    what the knowledge base lacks.
    """

    qid: str | None
    label: str
    type: str
    score: float
    description: str = ""
    mentions: list[Mention] = field(default_factory=list)
    mentions_en: list[Mention] = field(default_factory=list)
    reason: str = ""
    best_candidate: dict[str, Any] | None = None
    label_en: str = ""
    """The knowledge base's English label ("" if it has none; `label` may then be Dutch)."""
    aliases_en: tuple[str, ...] = ()
    """English aliases ("US", "Putin"), so a translator can pick the form that fits a mention.
    Neither field is in `to_json`: they are for rendering, not part of the contract."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "type": self.type,
            "score": round(self.score, 4),
            "mentions": [m.to_json() for m in self.mentions],
        }
        if self.qid is not None:
            data = {"qid": self.qid, **data, "description": self.description}
            data["mentions_en"] = [m.to_json() for m in self.mentions_en]
        else:
            data = {"text": self.label, **data}
            del data["label"]
            data["reason"] = self.reason or "no candidate in the knowledge base"
            data["best_candidate"] = self.best_candidate
        return data


@runtime_checkable
class Linker(Protocol):
    """Finds entity mentions in a Dutch document and links them to Wikidata."""

    def link(self, doc: Document) -> list[Entity]:
        """Linked entities (one per QID) and unlinked names (qid None)."""
        ...

    @property
    def provenance(self) -> dict[str, Any]:
        """Knowledge base source, build date and size: recorded in every enriched record."""
        ...
