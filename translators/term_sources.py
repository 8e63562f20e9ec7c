"""How a constrained sentence is shown to the model, and the splice of last resort.

Three ways to write a constraint into the model's input:

- `keep`: the source as it is (the model is left to render the name, and the
  repairs in `term_decoding.py` fix what it gets wrong);
- `target`: the source span replaced by the target name ("Poetin sprak" ->
  "Putin sprak"): models copy names they do not know, so the English name is
  usually carried through, and the rest of the sentence is unchanged;
- `tag`: OpusTrainer's inline terminology format
  (`__source__ Poetin __target__ Putin __done__`), only for a package whose
  metadata declares `terminology_tags` (a model trained for it).

`splice` is Argos's tag idea (argostranslate/tags.py translates the pieces
around untranslatable spans and joins them): the text between the names is
translated piece by piece and the names are put back between the pieces. It
loses some fluency, never a word, and always places every name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from nieuwsstroom.translators.terms import TermConstraint

Rewrite = Literal["keep", "target", "tag"]


@dataclass(frozen=True, slots=True)
class TagFormat:
    """The three inline tag symbols a package declares (`terminology_tags` in metadata.json)."""

    source: str
    target: str
    done: str


def read_tag_format(metadata_path: Path) -> TagFormat | None:
    """The package's declared tags, or None (no key, unreadable, or incomplete)."""
    try:
        declared = json.loads(metadata_path.read_text(encoding="utf-8")).get("terminology_tags")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(declared, dict):
        return None
    values = [declared.get(k) for k in ("source", "target", "done")]
    if not all(isinstance(v, str) and v.strip() for v in values):
        return None
    return TagFormat(*(str(v) for v in values))


@dataclass(frozen=True, slots=True)
class ModelSource:
    """The text given to the model and, per constraint, its character span in that text."""

    text: str
    spans: tuple[tuple[int, int], ...]


def rewrite_source(
    text: str, constraints: Sequence[TermConstraint], how: Rewrite, tags: TagFormat | None = None
) -> ModelSource:
    """`text` with each (non-overlapping, sorted) constraint written as `how` says."""
    if how == "keep":
        return ModelSource(text, tuple((c.start, c.end) for c in constraints))
    if how == "tag" and tags is None:
        raise ValueError("Rewrite 'tag' needs the package's TagFormat")
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for c in constraints:
        before = text[pos : c.start]
        parts.append(before)
        length += len(before)
        if how == "target":
            shown = c.target
        else:
            assert tags is not None
            shown = f"{tags.source} {text[c.start : c.end]} {tags.target} {c.target} {tags.done}"
        spans.append((length, length + len(shown)))
        parts.append(shown)
        length += len(shown)
        pos = c.end
    parts.append(text[pos:])
    return ModelSource("".join(parts), tuple(spans))


_HAS_WORD = re.compile(r"[^\W_]")
_FINAL_MARK = re.compile(r"[.!?…;:,]+$")


@dataclass(frozen=True, slots=True)
class SplicePlan:
    """The pieces of a sentence around its constraints: text to translate, or kept as is."""

    pieces: tuple[tuple[str, str, str, bool], ...]
    """Per piece: leading whitespace, core text, trailing whitespace, translate it?"""
    constraint_at: tuple[int, ...]
    """Index of each constraint's piece (its core is the target, not translated)."""


def plan_splice(text: str, constraints: Sequence[TermConstraint]) -> SplicePlan:
    """Cut `text` at the (sorted, non-overlapping) constraints; targets replace their spans."""
    pieces: list[tuple[str, str, str, bool]] = []
    at: list[int] = []
    pos = 0
    for c in constraints:
        _add_between(pieces, text[pos : c.start])
        at.append(len(pieces))
        pieces.append(("", c.target, "", False))
        pos = c.end
    _add_between(pieces, text[pos:])
    return SplicePlan(tuple(pieces), tuple(at))


def _add_between(pieces: list[tuple[str, str, str, bool]], between: str) -> None:
    if not between:
        return
    core = between.strip()
    lead = between[: len(between) - len(between.lstrip())]
    trail = between[len(between.rstrip()) :] if core else ""
    pieces.append((lead, core, trail, bool(_HAS_WORD.search(core))))


def fit_fragment(source_core: str, english: str) -> str:
    """A fragment's translation adjusted to sit mid-sentence as its source did.

    Models treat a fragment as a sentence: they capitalise it and end it with a
    period. Undo both where the source fragment had neither.
    """
    english = english.strip()
    if not english:
        return source_core
    if source_core[:1].islower() and english[:1].isupper() and english[1:2].islower():
        english = english[0].lower() + english[1:]
    if not _FINAL_MARK.search(source_core):
        english = _FINAL_MARK.sub("", english).rstrip()
    return english or source_core


def assemble_splice(
    plan: SplicePlan, translated: dict[int, str]
) -> tuple[str, list[tuple[int, int]]]:
    """Join the pieces (translated ones from `translated[piece index]`); return text and spans.

    Spans are the character spans of the constraints' targets in the joined
    text, in the order of `plan.constraint_at`. A space is put between a target
    and a neighbouring word if the translation lost the one the source had.
    """
    out: list[str] = []
    length = 0
    starts: dict[int, tuple[int, int]] = {}
    for k, (lead, core, trail, translate) in enumerate(plan.pieces):
        body = fit_fragment(core, translated.get(k, core)) if translate else core
        for chunk, is_body in ((lead, False), (body, True), (trail, False)):
            if is_body and out and _needs_space(out[-1], chunk):
                out.append(" ")
                length += 1
            if is_body:
                starts[k] = (length, length + len(chunk))
            if chunk:
                out.append(chunk)
                length += len(chunk)
    text = "".join(out)
    return text, [starts[k] for k in plan.constraint_at]


def _needs_space(left: str, right: str) -> bool:
    """Two word characters would touch: the splice must keep them apart."""
    return bool(left) and bool(right) and left[-1].isalnum() and right[0].isalnum()
