"""Scoring a linker against labelled Dutch texts (`tests/linkers/data/labelled/`).

Why it lives in the package: `bench/linking_quality.py`, `bench/linking_scale.py`
and anyone checking their own knowledge base score the same way.

Two views of quality:

- Links, per document: the set of QIDs the linker links against the set of
  gold QIDs. A linked QID not in the gold is a false positive, a gold QID not
  linked a false negative (precision, recall, F1 summed over documents).
- NIL, per mention (gold mentions whose `qid` is null: the knowledge base lacks
  the entity). A gold mention is found in the text by its surface form (every
  whole-word occurrence in title and body); a linker mention overlapping an
  occurrence belongs to that gold mention.
  - `nil_precision`: of the gold mentions the linker reports as unlinked
    names, the share whose gold is NIL (an unlinked name that does have a QID
    is a missed link).
  - `nil_kept`: of the gold-NIL mentions, the share that no linked entity
    covers (a NIL name linked to some QID is the error issue 11 is about).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nieuwsstroom.linkers.base import Document, Entity


@dataclass(frozen=True, slots=True)
class GoldMention:
    text: str
    type: str
    qid: str | None


@dataclass(frozen=True, slots=True)
class LabelledText:
    id: str
    doc: Document
    gold: tuple[GoldMention, ...]

    @property
    def gold_qids(self) -> set[str]:
        return {g.qid for g in self.gold if g.qid}


def load_labelled(path: Path) -> list[LabelledText]:
    """One `LabelledText` per JSON line `{id, title, body, gold: [{text, type, qid}]}`."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        gold = tuple(GoldMention(g["text"], g.get("type", "MISC"), g["qid"]) for g in rec["gold"])
        out.append(LabelledText(rec["id"], Document(rec["title"], rec["body"]), gold))
    return out


@dataclass(slots=True)
class Scores:
    """Counts summed over documents; the figures are properties."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    unlinked_gold: int = 0  # gold mentions the linker reported as unlinked names
    unlinked_gold_nil: int = 0  # ... of which the gold is NIL
    gold_nil: int = 0
    gold_nil_linked: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def nil_precision(self) -> float:
        return self.unlinked_gold_nil / self.unlinked_gold if self.unlinked_gold else 1.0

    @property
    def nil_kept(self) -> float:
        return 1 - self.gold_nil_linked / self.gold_nil if self.gold_nil else 1.0

    def line(self, *, nil: bool = True) -> str:
        nil_part = (
            f"nil_precision={self.nil_precision:.3f} nil_kept={self.nil_kept:.3f} " if nil else ""
        )
        return (
            f"precision={self.precision:.3f} recall={self.recall:.3f} f1={self.f1:.3f} "
            f"{nil_part}(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


def _occurrences(doc: Document, text: str) -> list[tuple[str, int, int]]:
    pattern = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
    return [
        (name, m.start(), m.end())
        for name, value in (("title", doc.title), ("body", doc.body))
        for m in pattern.finditer(value)
    ]


def _covers(spans: Iterable[tuple[str, int, int]], occ: list[tuple[str, int, int]]) -> bool:
    return any(f == g and s < ge and gs < e for f, s, e in spans for g, gs, ge in occ)


def score_document(
    item: LabelledText, predicted: Iterable[Entity] | set[str], scores: Scores
) -> None:
    """Add one document's counts to `scores` (a bare QID set scores links only)."""
    entities = [] if isinstance(predicted, set) else list(predicted)
    qids = predicted if isinstance(predicted, set) else {e.qid for e in entities if e.qid}
    gold = item.gold_qids
    scores.tp += len(qids & gold)
    scores.fp += len(qids - gold)
    scores.fn += len(gold - qids)
    if qids != gold:
        scores.errors.append(f"{item.id}: wrong={sorted(qids - gold)} missed={sorted(gold - qids)}")
    if isinstance(predicted, set):
        return
    linked = [(m.field, m.start, m.end) for e in entities if e.qid for m in e.mentions]
    unlinked = [(m.field, m.start, m.end) for e in entities if not e.qid for m in e.mentions]
    for g in item.gold:
        occ = _occurrences(item.doc, g.text)
        if g.qid is None:
            scores.gold_nil += 1
            if _covers(linked, occ):
                scores.gold_nil_linked += 1
                scores.errors.append(f"{item.id}: NIL {g.text!r} linked")
        if _covers(unlinked, occ) and not _covers(linked, occ):
            scores.unlinked_gold += 1
            scores.unlinked_gold_nil += g.qid is None


def as_json(scores: Scores) -> dict[str, Any]:
    """The figures, for scripts that print or compare them."""
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "nil_precision": round(scores.nil_precision, 4),
        "nil_kept": round(scores.nil_kept, 4),
    }
