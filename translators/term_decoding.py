"""Constrained translation with any Argos model: decode, check, repair, fall back.

CTranslate2 has no constrained decoding (OpenNMT/CTranslate2#739), and the
official Argos models were never trained to follow term tags. What works
without retraining, in the order tried for each sentence whose required names
are not all in the output:

1. the sentence as the model wrote it (its source rewritten per `Rewrite`,
   inline tags when the package declares them); every target is *checked*;
2. `nbest`: another of the beam's hypotheses (`num_hypotheses`) that holds
   more of the required names;
3. `prefix`: the model's own output up to the word aligned (by attention) to
   the missing name, then the name forced as a decoder prefix (`target_prefix`),
   and the model continues from there; the wrong rendering it wrote in that
   place is suppressed (`suppress_sequences`) so it cannot write it again;
4. `attention`: the words aligned to the name replaced by it (no decoding);
5. `splice`: the pieces around the names translated separately and joined
   with the names between them; places every name, never loses the rest.

Which of 2-4 run is configurable (`repairs`), so `bench/entity_translation.py
--compare` can measure each; the default is what measured best. Every step is
batched over all sentences that still need it, so a micro-batch costs one
decoding call plus at most one per repair round.

Longer than the house's ~300 lines on purpose: the repair steps are methods of
one `TermDecoder` because each reads and updates the same per-sentence state
(`_Item`: the current hypothesis, where each required name was placed, the token
offsets) and they run in one batched order; apart, that state would cross module
lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from nieuwsstroom.translators.term_alignment import (
    aligned_target_tokens,
    match_by_attention,
    source_token_span,
    token_char_offsets,
    word_span,
)
from nieuwsstroom.translators.term_model import Hypothesis, TokenModel, without_tags
from nieuwsstroom.translators.term_sources import (
    Rewrite,
    TagFormat,
    assemble_splice,
    plan_splice,
    rewrite_source,
)
from nieuwsstroom.translators.terms import (
    How,
    PlacedTerm,
    TermConstraint,
    TermTranslation,
    occurrences,
    shift_placements,
    usable_constraints,
)

Repair = Literal["nbest", "prefix", "attention"]
DEFAULT_REPAIRS: tuple[Repair, ...] = ("attention",)


@dataclass(frozen=True, slots=True)
class _PrefixJob:
    """A forced decoder prefix, the wrong rendering it replaces, and whether the output ended."""

    prefix: list[str]
    bad: list[str]
    final: bool


@dataclass(slots=True)
class _Item:
    """One sentence with constraints, as it moves through the repairs."""

    constraints: list[TermConstraint]  # usable ones, sorted
    indices: list[int]  # their positions in the caller's list
    source: str  # the original sentence
    tokens: list[str]  # the model input
    token_spans: list[tuple[int, int]]
    hyp: Hypothesis | None = None
    text: str = ""
    placed: list[PlacedTerm | None] = field(default_factory=list)
    offsets: list[int] | None = None  # character offset of each token of `hyp` in `text`

    @property
    def missing(self) -> list[int]:
        return [k for k, p in enumerate(self.placed) if p is None]


class TermDecoder:
    """Translates sentences so that each constraint's target is in the output, and says where.

    `rewrite`: how constraints appear in the model input (`term_sources.py`); with
    `tags` (the package declares them) "target" becomes inline tags. `repairs`: which
    of nbest/prefix/attention run, in that order. `splice=False` and `suppress=False`
    exist only to measure the techniques alone (bench/entity_translation.py
    --compare): without the splice a name may stay missing.
    """

    def __init__(
        self,
        model: TokenModel,
        *,
        rewrite: Rewrite = "target",
        tags: TagFormat | None = None,
        repairs: Sequence[Repair] = DEFAULT_REPAIRS,
        max_prefix_rounds: int = 4,
        nbest: int = 4,
        splice: bool = True,
        suppress: bool = True,
    ) -> None:
        self.model = model
        self.rewrite: Rewrite = "tag" if tags is not None and rewrite != "keep" else rewrite
        self.tags = tags
        self.repairs = tuple(repairs)
        self.max_prefix_rounds = max_prefix_rounds
        self.nbest = nbest
        self.splice = splice
        self.suppress = suppress

    def translate(
        self, texts: list[str], constraints: list[Sequence[TermConstraint]]
    ) -> list[TermTranslation]:
        """One result per text; texts are single sentences in model form (not split here)."""
        items: list[_Item] = []
        for text, cons in zip(texts, constraints, strict=True):
            keep = usable_constraints(cons)
            chosen = [cons[i] for i in keep]
            shown = rewrite_source(text, chosen, self.rewrite, self.tags)
            tokens = self.model.encode(shown.text) if shown.text.strip() else []
            spans = [
                source_token_span(self.model.encode, shown.text, tokens, s, e)
                for s, e in shown.spans
            ]
            items.append(_Item(chosen, keep, text, tokens, spans))
        todo = [it for it in items if it.tokens]
        if todo:
            first = self.model.generate([it.tokens for it in todo])
            how: How = "tag" if self.rewrite == "tag" else "model"
            for it, hyps in zip(todo, first, strict=True):
                self._adopt(it, hyps[0], how)
        needy = [it for it in todo if it.missing]
        for repair in self.repairs:
            if not needy:
                break
            {"nbest": self._nbest, "prefix": self._prefix, "attention": self._attention}[repair](
                needy
            )
            needy = [it for it in needy if it.missing]
        if needy and self.splice:
            self._splice(needy)
        return [self._result(it, len(cons)) for it, cons in zip(items, constraints, strict=True)]

    # -- checking ---------------------------------------------------------

    def _adopt(self, it: _Item, hyp: Hypothesis, how: How) -> None:
        """Take `hyp` as the item's output and find each target in it."""
        if self.tags is not None:
            hyp = without_tags(hyp, self.tags)
        it.hyp, it.offsets = hyp, None
        it.text = self.model.decode(hyp.tokens)
        it.placed = self._locate(it, how)

    def _locate(self, it: _Item, how: How) -> list[PlacedTerm | None]:
        """Each constraint's target in `it.text`; repeated targets go to the best-aligned one."""
        placed: list[PlacedTerm | None] = [None] * len(it.constraints)
        by_target: dict[str, list[int]] = {}
        for k, c in enumerate(it.constraints):
            by_target.setdefault(c.target, []).append(k)
        for target, ks in by_target.items():
            found = occurrences(it.text, target)
            if not found:
                continue
            if len(found) == len(ks) or it.hyp is None or not it.hyp.attention:
                pairs = list(zip(ks, found, strict=False))
            else:
                spans = {k: it.token_spans[k] for k in ks}
                pairs = match_by_attention(spans, found, it.hyp.attention, self._offsets(it))
            for k, (s, e) in pairs:
                placed[k] = PlacedTerm(s, e, how)
        return placed

    def _keep_better(self, it: _Item, hyp: Hypothesis, how: How) -> bool:
        """Adopt `hyp` if it places more constraints; newly placed ones are marked `how`."""
        before = it.placed
        if self.tags is not None:
            hyp = without_tags(hyp, self.tags)
        text = self.model.decode(hyp.tokens)
        trial = _Item(it.constraints, it.indices, it.source, it.tokens, it.token_spans, hyp, text)
        placed = self._locate(trial, "model")
        if sum(p is not None for p in placed) <= sum(p is not None for p in before):
            return False
        it.hyp, it.text, it.offsets = hyp, text, trial.offsets
        it.placed = [
            None
            if p is None
            else PlacedTerm(p.start, p.end, before[k].how if before[k] is not None else how)
            for k, p in enumerate(placed)
        ]
        return True

    # -- repairs ----------------------------------------------------------

    def _nbest(self, items: list[_Item]) -> None:
        results = self.model.generate([it.tokens for it in items], num_hypotheses=self.nbest)
        for it, hyps in zip(items, results, strict=True):
            best = max(hyps, key=lambda h: _count_present(self.model.decode(h.tokens), it))
            self._keep_better(it, best, "nbest")

    def _prefix(self, items: list[_Item]) -> None:
        """Force the first missing name at its aligned place; repeat for the next ones."""
        active = items
        for _ in range(self.max_prefix_rounds):
            jobs = [(it, job) for it in active if (job := self._prefix_job(it)) is not None]
            if not jobs:
                return
            bad = [job.bad for _, job in jobs if len(job.bad) >= 2] if self.suppress else []
            results = self.model.generate(
                [it.tokens for it, _ in jobs], [job.prefix for _, job in jobs], suppress=bad or None
            )
            active = []
            for (it, job), hyps in zip(jobs, results, strict=True):
                hyp = hyps[0]
                if job.final:  # the model had stopped right after this word: stop there again
                    hyp = Hypothesis(
                        hyp.tokens[: len(job.prefix)], hyp.attention[: len(job.prefix)]
                    )
                if self._keep_better(it, hyp, "prefix") and it.missing:
                    active.append(it)

    def _prefix_job(self, it: _Item) -> _PrefixJob | None:
        """The forced prefix for the item's first missing name that attention can place."""
        if it.hyp is None:
            return None
        for k in it.missing:
            region = self._aligned_chars(it, k)
            if region is None:
                continue
            offsets, (start, end) = region
            tokens = it.hyp.tokens
            first = next(t for t in range(len(tokens)) if offsets[t + 1] > start)
            last = next((t for t in range(first, len(tokens)) if offsets[t] >= end), len(tokens))
            # The token after the replaced words starts the next word (or is punctuation):
            # forcing it too keeps the model from gluing letters onto the name.
            anchor = tokens[last : last + 1]
            target = self.model.encode(it.constraints[k].target)
            return _PrefixJob(
                tokens[:first] + target + anchor, tokens[first:last], last + 1 >= len(tokens)
            )
        return None

    def _offsets(self, it: _Item) -> list[int]:
        """Character offsets of the item's output tokens (computed once per hypothesis)."""
        assert it.hyp is not None
        if it.offsets is None:
            it.offsets = token_char_offsets(self.model.decode, it.hyp.tokens)
        return it.offsets

    def _aligned_chars(self, it: _Item, k: int) -> tuple[list[int], tuple[int, int]] | None:
        """Token offsets of the output and the word span aligned to constraint `k`."""
        if it.hyp is None or not it.hyp.attention:
            return None
        span = aligned_target_tokens(it.hyp.attention, *it.token_spans[k])
        if span is None:
            return None
        offsets = self._offsets(it)
        start, end = word_span(it.text, offsets[span[0]], offsets[span[1]])
        if start >= end:
            return None
        return offsets, (start, end)

    def _attention(self, items: list[_Item]) -> None:
        """Replace the words aligned to each missing name by the name (right to left)."""
        for it in items:
            edits: list[tuple[int, int, int]] = []
            for k in it.missing:
                region = self._aligned_chars(it, k)
                if region is None:
                    continue
                _, (start, end) = region
                if any(s < end and start < e for s, e, _ in edits) or any(
                    p is not None and p.start < end and start < p.end for p in it.placed
                ):
                    continue
                edits.append((start, end, k))
            if not edits:
                continue
            text = it.text
            for start, end, k in sorted(edits, reverse=True):
                text = text[:start] + it.constraints[k].target + text[end:]
            targets = [c.target for c in it.constraints]
            it.placed = shift_placements(it.placed, edits, targets, text)
            it.text = text
            it.hyp, it.offsets = None, None  # text and tokens differ now: no more attention

    def _splice(self, items: list[_Item]) -> None:
        """Last resort: translate around the names, put the names in between."""
        plans = [plan_splice(it.source, it.constraints) for it in items]
        jobs: list[tuple[int, int, str]] = []
        for n, plan in enumerate(plans):
            for k, (_, core, _, translate) in enumerate(plan.pieces):
                if translate:
                    jobs.append((n, k, core))
        results = self.model.generate([self.model.encode(c) for _, _, c in jobs]) if jobs else []
        translated: list[dict[int, str]] = [{} for _ in plans]
        for (n, k, _), hyps in zip(jobs, results, strict=True):
            translated[n][k] = self.model.decode(hyps[0].tokens)
        for it, plan, done in zip(items, plans, translated, strict=True):
            text, spans = assemble_splice(plan, done)
            it.text = text
            it.placed = [PlacedTerm(s, e, "splice") for s, e in spans]

    def _result(self, it: _Item, total: int) -> TermTranslation:
        placed: list[PlacedTerm | None] = [None] * total
        for k, p in zip(it.indices, it.placed, strict=False):
            placed[k] = p
        return TermTranslation(it.text, tuple(placed))


def _count_present(text: str, it: _Item) -> int:
    return sum(1 for c in it.constraints if occurrences(text, c.target))
