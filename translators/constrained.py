"""`ConstrainedTranslator`: adds term constraints to a token-level model, by wrapping it.

`ConstrainedTranslator(ArgosTranslator(...))` translates plain texts exactly as the
wrapped translator does (`translate_batch` is passed through), and adds
`translate_terms(texts, constraints)`, which renders each constrained source
span as its target and returns where each target landed. Texts are put in
model form (whitespace collapsed) and over-long ones split as the plain path
does; a constraint that a split would cut in two is left unplaced rather than
mangled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from nieuwsstroom.translators.segment import model_input_spans, split_long
from nieuwsstroom.translators.term_decoding import DEFAULT_REPAIRS, Repair, TermDecoder
from nieuwsstroom.translators.term_model import TokenModel
from nieuwsstroom.translators.term_sources import Rewrite, TagFormat
from nieuwsstroom.translators.terms import (
    PlacedTerm,
    TermConstraint,
    TermTranslation,
    validate_constraints,
)


class TokenTranslator(TokenModel, Protocol):
    """A plain translator that also exposes its tokens (what `ArgosTranslator` is)."""

    max_input_tokens: int

    def translate_batch(self, texts: list[str]) -> list[str]: ...

    @property
    def provenance(self) -> dict[str, Any]: ...

    @property
    def terminology_tags(self) -> TagFormat | None: ...


class ConstrainedTranslator:
    """Plain translation passed through; constrained translation added (see module doc)."""

    def __init__(
        self,
        underlying: TokenTranslator,
        *,
        rewrite: Rewrite = "target",
        repairs: Sequence[Repair] = DEFAULT_REPAIRS,
        splice: bool = True,
        suppress: bool = True,
    ) -> None:
        self.underlying = underlying
        self.suppress = suppress
        self.rewrite: Rewrite = rewrite
        self.repairs = tuple(repairs)
        self.splice = splice
        self._decoder: TermDecoder | None = None

    @property
    def model_id(self) -> str:
        return str(getattr(self.underlying, "model_id", type(self.underlying).__name__))

    @property
    def provenance(self) -> dict[str, Any]:
        """The wrapped translator's provenance plus how names are enforced."""
        tags = self.underlying.terminology_tags
        method = "inline-tags" if tags is not None and self.rewrite != "keep" else self.rewrite
        return {
            **self.underlying.provenance,
            "terms": {
                "source_form": method,
                "repairs": list(self.repairs) + (["splice"] if self.splice else []),
            },
        }

    def translate_batch(self, texts: list[str]) -> list[str]:
        return self.underlying.translate_batch(texts)

    def _terms(self) -> TermDecoder:
        if self._decoder is None:
            self._decoder = TermDecoder(
                self.underlying,
                rewrite=self.rewrite,
                tags=self.underlying.terminology_tags,
                repairs=self.repairs,
                splice=self.splice,
                suppress=self.suppress,
            )
        return self._decoder

    def translate_terms(
        self, texts: list[str], constraints: Sequence[Sequence[TermConstraint]]
    ) -> list[TermTranslation]:
        """One `TermTranslation` per text; `placed[k]` says where `constraints[i][k]` landed."""
        if len(texts) != len(constraints):
            raise ValueError(f"Expected {len(texts)} constraint lists, got {len(constraints)}")
        pieces: list[str] = []
        piece_terms: list[list[TermConstraint]] = []
        layouts: list[list[tuple[int, str, list[int]]]] = []  # (piece, joiner, caller indices)
        for text, cons in zip(texts, constraints, strict=True):
            validate_constraints(text, cons)
            clean, spans = model_input_spans(text, [(c.start, c.end) for c in cons])
            mapped = [TermConstraint(s, e, c.target) for (s, e), c in zip(spans, cons, strict=True)]
            layouts.append(self._plan(clean, mapped, pieces, piece_terms))
        results = self._terms().translate(pieces, piece_terms) if pieces else []
        return [
            _join(layout, results, len(cons))
            for layout, cons in zip(layouts, constraints, strict=True)
        ]

    def _plan(
        self,
        clean: str,
        cons: list[TermConstraint],
        pieces: list[str],
        piece_terms: list[list[TermConstraint]],
    ) -> list[tuple[int, str, list[int]]]:
        """Append `clean`'s pieces (one unless over-long) with their constraints."""
        if not clean:
            return []
        limit = self.underlying.max_input_tokens
        if len(self.underlying.encode(clean)) <= limit:
            pieces.append(clean)
            piece_terms.append(cons)
            return [(len(pieces) - 1, "", list(range(len(cons))))]
        spans = split_long(clean, lambda t: len(self.underlying.encode(t)), limit)
        layout: list[tuple[int, str, list[int]]] = []
        for n, span in enumerate(spans):
            nxt = spans[n + 1].start if n + 1 < len(spans) else span.end
            mine = [k for k, c in enumerate(cons) if span.start <= c.start and c.end <= span.end]
            pieces.append(span.text)
            at = span.start
            piece_terms.append(
                [TermConstraint(cons[k].start - at, cons[k].end - at, cons[k].target) for k in mine]
            )
            layout.append((len(pieces) - 1, " " if nxt > span.end else "", mine))
        return layout


def _join(
    layout: list[tuple[int, str, list[int]]], results: list[TermTranslation], total: int
) -> TermTranslation:
    """The pieces' translations joined, placements shifted into the joined text."""
    text = ""
    placed: list[PlacedTerm | None] = [None] * total
    for piece, joiner, indices in layout:
        result = results[piece]
        for k, p in zip(indices, result.placed, strict=True):
            if p is not None:
                placed[k] = PlacedTerm(p.start + len(text), p.end + len(text), p.how)
        text += result.text + joiner
    return TermTranslation(text, tuple(placed))
