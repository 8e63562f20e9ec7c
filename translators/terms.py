"""Term constraints as plain data: "render source[start:end] as `target`".

Why data and not a callback: the translator must stay a library that knows
nothing about entity linking (an import-linter contract says so). The caller
decides *what* a span must become (an entity's English name); the translator
decides *how* to get it into the output and reports *where* it put it, so the
caller gets exact offsets into the English text instead of searching for names
afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nieuwsstroom.translators.errors import TranslatorError

How = Literal["model", "tag", "nbest", "prefix", "attention", "splice"]
"""How a term got into the output: the model wrote it itself (`model`), from an
inline tag (`tag`), in another n-best hypothesis (`nbest`), by forcing it as a
decoder prefix at the aligned position (`prefix`), by replacing the words
aligned to the source span (`attention`), or by translating the rest of the
sentence around it and splicing it in (`splice`, the last resort)."""


@dataclass(frozen=True, slots=True)
class TermConstraint:
    """`text[start:end]` (a span of the source text) must appear as `target` in the output."""

    start: int
    end: int
    target: str


@dataclass(frozen=True, slots=True)
class PlacedTerm:
    """Where a constraint's target landed: `translation[start:end] == target`."""

    start: int
    end: int
    how: How


@dataclass(frozen=True, slots=True)
class TermTranslation:
    """A translation and, per constraint (same order), where its target is, or None."""

    text: str
    placed: tuple[PlacedTerm | None, ...]


def validate_constraints(text: str, constraints: Sequence[TermConstraint]) -> None:
    """Raise `TranslatorError` unless every span lies in `text` and has a non-blank target."""
    for c in constraints:
        if not 0 <= c.start < c.end <= len(text):
            raise TranslatorError(
                f"Term span [{c.start}, {c.end}) is outside the text of length {len(text)}"
            )
        if not c.target.strip():
            raise TranslatorError(f"Term span [{c.start}, {c.end}) has a blank target")


def usable_constraints(constraints: Sequence[TermConstraint]) -> list[int]:
    """Indices of the constraints to enforce: left to right, overlapping ones dropped.

    Two constraints over overlapping source spans cannot both be rendered; the
    one that starts first (then the longer one) wins, the other stays unplaced.
    """
    order = sorted(
        range(len(constraints)), key=lambda i: (constraints[i].start, -constraints[i].end)
    )
    kept: list[int] = []
    last_end = -1
    for i in order:
        if constraints[i].start >= last_end:
            kept.append(i)
            last_end = constraints[i].end
    return kept


def _word_pattern(target: str) -> re.Pattern[str]:
    """`target` as a whole word (no letter or digit glued to either side)."""
    return re.compile(r"(?<![^\W_])" + re.escape(target) + r"(?![^\W_])")


def occurrences(text: str, target: str) -> list[tuple[int, int]]:
    """Spans where `target` occurs in `text` as a whole word (case-sensitive)."""
    return [m.span() for m in _word_pattern(target).finditer(text)]


def shift_placements(
    placed: Sequence[PlacedTerm | None],
    edits: Sequence[tuple[int, int, int]],
    targets: Sequence[str],
    text: str,
) -> list[PlacedTerm | None]:
    """Placements after each edit (start, end, k) replaced old[start:end] by `targets[k]`.

    `text` is the edited text; every placement is checked against it, so an edit
    that broke one is a bug caught here, not a wrong offset published.
    """
    out = list(placed)
    for k, p in enumerate(placed):
        if p is not None:
            delta = sum(len(targets[j]) - (e - s) for s, e, j in edits if e <= p.start)
            out[k] = PlacedTerm(p.start + delta, p.end + delta, p.how)
    for s, _, j in edits:
        delta = sum(len(targets[i]) - (e2 - s2) for s2, e2, i in edits if e2 <= s)
        out[j] = PlacedTerm(s + delta, s + delta + len(targets[j]), "attention")
    for p, target in zip(out, targets, strict=True):
        if p is not None and text[p.start : p.end] != target:
            raise TranslatorError(f"Placement {p} does not hold {target!r} in {text!r}")
    return out
