"""Which Wikidata items are news entities: the class tree under a few news-relevant roots.

Wikidata types most items by a specific class ("municipality of the
Netherlands", "association football club", "daily newspaper"), each a subclass
(P279) of a subclass of a general one. Keeping an item only when its direct
P31 is one of a handful of general classes loses most real cities, clubs,
newspapers and companies. So the dump build first collects every P279 edge of
the dump (`collect_subclass_edges`), then walks down from the roots below
(`ClassTable.from_edges`): every class under a root is news-relevant, with the
kind and type of the highest-priority root above it (a city that is also an
administrative unit is a settlement, a party that is also an organisation is a
party).

The roots are Wikidata's own general classes (QIDs as on wikidata.org); their
kinds follow `prominence.KINDS`. The same roots, with no edges, are the
fallback table when a dump carries no class items (`ClassTable.baseline`):
then only direct instances are kept, as the first builder did.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

# (root QID, kind, label on Wikidata) in priority order: the first root above a class wins.
NEWS_ROOTS: tuple[tuple[str, str, str], ...] = (
    ("Q6256", "country", "country"),
    ("Q3624078", "country", "sovereign state"),
    ("Q486972", "settlement", "human settlement"),
    ("Q515", "settlement", "city"),
    ("Q1549591", "settlement", "big city"),
    ("Q5119", "settlement", "capital"),
    ("Q10864048", "region", "first-level administrative country subdivision"),
    ("Q56061", "region", "administrative territorial entity"),
    ("Q7278", "party", "political party"),
    ("Q4830453", "company", "business"),
    ("Q783794", "company", "company"),
    ("Q847017", "organisation", "sports club"),
    ("Q11032", "organisation", "newspaper"),
    ("Q245065", "organisation", "intergovernmental organization"),
    ("Q484652", "organisation", "international organization"),
    ("Q327333", "organisation", "government agency"),
    ("Q43229", "organisation", "organization"),
    ("Q5", "person", "human"),
    ("Q165", "place", "sea"),
    ("Q34763", "place", "peninsula"),
    ("Q618123", "place", "geographical feature"),
)

TYPE_OF_KIND = {
    "country": "LOC",
    "region": "LOC",
    "settlement": "LOC",
    "place": "LOC",
    "person": "PER",
    "party": "ORG",
    "company": "ORG",
    "organisation": "ORG",
}
_PRIORITY = {qid: i for i, (qid, _kind, _label) in enumerate(NEWS_ROOTS)}
_COUNTRY_CLASSES = frozenset({"Q6256", "Q3624078"})


class ClassTable:
    """News-relevant class QID -> (kind, rank); lower rank = higher-priority root."""

    def __init__(self, kinds: Mapping[str, tuple[str, int]]) -> None:
        self._kinds = dict(kinds)

    @classmethod
    def baseline(cls) -> ClassTable:
        """The roots alone: what is kept when the dump has no subclass tree."""
        return cls({qid: (kind, _PRIORITY[qid]) for qid, kind, _label in NEWS_ROOTS})

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str]]) -> ClassTable:
        """The closure of the roots under (subclass, superclass) edges."""
        children: dict[str, list[str]] = {}
        for sub, sup in edges:
            children.setdefault(sup, []).append(sub)
        kinds: dict[str, tuple[str, int]] = {}
        for qid, kind, _label in NEWS_ROOTS:  # priority order: first claim wins
            rank = _PRIORITY[qid]
            queue = deque([qid])
            while queue:
                cls_qid = queue.popleft()
                if cls_qid in kinds and kinds[cls_qid][1] <= rank:
                    continue
                kinds[cls_qid] = (kind, rank)
                queue.extend(children.get(cls_qid, ()))
        return cls(kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __contains__(self, qid: object) -> bool:
        return qid in self._kinds

    def classify(self, instance_of: Iterable[str]) -> tuple[str, str] | None:
        """(type, kind) of an item with these P31 values, or None if none is news-relevant."""
        best: tuple[str, int] | None = None
        for qid in instance_of:
            found = self._kinds.get(qid)
            if found is not None and (best is None or found[1] < best[1]):
                best = found
        if best is None:
            return None
        return TYPE_OF_KIND[best[0]], best[0]

    @staticmethod
    def is_country(instance_of: Iterable[str]) -> bool:
        return not _COUNTRY_CLASSES.isdisjoint(instance_of)

    def to_rows(self) -> list[tuple[str, str, int]]:
        """(class QID, kind, rank) rows, for the KB's `classes` table."""
        return sorted((qid, kind, rank) for qid, (kind, rank) in self._kinds.items())

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int]]) -> ClassTable:
        return cls({qid: (kind, int(rank)) for qid, kind, rank in rows})
