"""Translate whole articles: segment, one batched model call, put the pieces back.

Why here and not in the stream: the shape guarantees (one English paragraph
per Dutch paragraph, blank paragraphs stay blank, whitespace between sentences
kept) are properties of the translation stage, and are tested without Kafka.
Why one call for many articles: the model is fastest on large, length-sorted
batches, and the stream's micro-batch of articles is the largest batch we get.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nieuwsstroom.translators.base import TermTranslator, Translator
from nieuwsstroom.translators.segment import (
    Span,
    join_paragraphs,
    model_input,
    model_input_spans,
    reassemble,
    reassemble_at,
    split_paragraphs,
    split_sentences,
)
from nieuwsstroom.translators.terms import How, TermConstraint, TermTranslation


@dataclass(frozen=True, slots=True)
class _Plan:
    """One paragraph and the positions of its sentences in the flat batch."""

    source: str
    spans: list[Span]
    first: int  # index of the paragraph's first sentence in the flat batch


def _plan(paragraph: str, batch: list[str]) -> _Plan:
    """Segment a paragraph and append its sentences (model form) to `batch`."""
    spans = split_sentences(paragraph)
    first = len(batch)
    batch.extend(model_input(span.text) for span in spans)
    return _Plan(paragraph, spans, first)


def _render(plan: _Plan, translated: list[str]) -> str:
    """The paragraph with every sentence replaced by its translation."""
    mine = translated[plan.first : plan.first + len(plan.spans)]
    return reassemble(plan.source, plan.spans, mine)


def translate_paragraphs(translator: Translator, paragraphs: list[str]) -> list[str]:
    """Translate independent paragraphs (or lines) in one batch; one output per input.

    A blank or whitespace-only paragraph comes back unchanged.
    """
    batch: list[str] = []
    plans = [_plan(p, batch) for p in paragraphs]
    translated = translator.translate_batch(batch) if batch else []
    return [_render(plan, translated) for plan in plans]


def translate_articles(
    translator: Translator, articles: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Translate (title, body) pairs with ONE `translate_batch` call across all of them.

    The body's paragraphs are separated by blank lines; `body_en` has exactly
    as many paragraphs as `body` (by `segment.split_paragraphs`), with the same
    separators, and empty or whitespace-only paragraphs stay as they were.
    """
    batch: list[str] = []
    planned: list[tuple[_Plan, list[_Plan], list[str]]] = []
    for title, body in articles:
        title_plan = _plan(title, batch)
        paragraphs, separators = split_paragraphs(body)
        planned.append((title_plan, [_plan(p, batch) for p in paragraphs], separators))
    translated = translator.translate_batch(batch) if batch else []
    if len(translated) != len(batch):
        raise ValueError(f"Expected {len(batch)} translations, got {len(translated)}")
    return [
        (
            _render(title_plan, translated),
            join_paragraphs([_render(p, translated) for p in body_plans], separators),
        )
        for title_plan, body_plans, separators in planned
    ]


def translate_article(translator: Translator, title: str, body: str) -> tuple[str, str]:
    """Convenience for one article: `translate_articles` with a batch of one."""
    return translate_articles(translator, [(title, body)])[0]


# -- articles with term constraints (linked names) ------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldTerm:
    """Render `article[field][start:end]` as `target` in the field's translation."""

    field: Literal["title", "body"]
    start: int
    end: int
    target: str


@dataclass(frozen=True, slots=True)
class EnglishSpan:
    """Where a term's target is: `translation[field][start:end] == target`."""

    field: Literal["title_en", "body_en"]
    start: int
    end: int
    how: How


@dataclass(frozen=True, slots=True)
class ArticleTranslation:
    """An article's English fields and, per term (same order), where its target landed."""

    title_en: str
    body_en: str
    placed: tuple[EnglishSpan | None, ...]


@dataclass(slots=True)
class _FieldPlan:
    """One field's paragraphs, their separators, and their sentences' places in the batch."""

    paragraphs: list[tuple[str, list[Span], int]]  # (paragraph, sentences, first batch index)
    separators: list[str]


@dataclass(slots=True)
class _TermBatch:
    """The flat batch of sentences, their constraints, and whose term each constraint is."""

    texts: list[str]
    constraints: list[list[TermConstraint]]
    owners: list[list[int]]  # per sentence, per constraint: index of the article's term


def _plan_field(
    text: str, terms: list[tuple[int, FieldTerm]], batch: _TermBatch, *, paragraphed: bool
) -> _FieldPlan:
    """Segment a field, append its sentences to the batch, attach each term to its sentence.

    A term that does not lie inside one sentence (the splitter cut through a
    name) gets no constraint and stays unplaced.
    """
    paragraphs, separators = split_paragraphs(text) if paragraphed else ([text], [])
    plan = _FieldPlan([], separators)
    offset = 0
    for n, paragraph in enumerate(paragraphs):
        spans = split_sentences(paragraph)
        plan.paragraphs.append((paragraph, spans, len(batch.texts)))
        for span in spans:
            base = offset + span.start
            mine = [(k, t) for k, t in terms if base <= t.start and t.end <= base + len(span.text)]
            clean, mapped = model_input_spans(
                span.text, [(t.start - base, t.end - base) for _, t in mine]
            )
            batch.texts.append(clean)
            batch.constraints.append(
                [
                    TermConstraint(s, e, t.target)
                    for (s, e), (_, t) in zip(mapped, mine, strict=True)
                ]
            )
            batch.owners.append([k for k, _ in mine])
        offset += len(paragraph) + (len(separators[n]) if n < len(separators) else 0)
    return plan


def _render_field(
    plan: _FieldPlan,
    results: list[TermTranslation],
    batch: _TermBatch,
    field: Literal["title_en", "body_en"],
    placed: list[EnglishSpan | None],
) -> str:
    """The field's translation; sets `placed[term]` for each target placed in it."""
    rendered: list[str] = []
    offset = 0
    for n, (paragraph, spans, first) in enumerate(plan.paragraphs):
        mine = results[first : first + len(spans)]
        text, starts = reassemble_at(paragraph, spans, [r.text for r in mine])
        for i, (result, start) in enumerate(zip(mine, starts, strict=True)):
            for owner, p in zip(batch.owners[first + i], result.placed, strict=True):
                if p is not None:
                    base = offset + start
                    placed[owner] = EnglishSpan(field, base + p.start, base + p.end, p.how)
        rendered.append(text)
        offset += len(text) + (len(plan.separators[n]) if n < len(plan.separators) else 0)
    return join_paragraphs(rendered, plan.separators)


def translate_articles_with_terms(
    translator: TermTranslator,
    articles: list[tuple[str, str]],
    terms: Sequence[Sequence[FieldTerm]],
) -> list[ArticleTranslation]:
    """`translate_articles` with term constraints: ONE `translate_terms` call for all of them.

    `terms[i]` are article i's constraints; the result's `placed[k]` says where
    `terms[i][k].target` is in `title_en`/`body_en` (None if it could not be
    placed). Paragraph alignment is the same as `translate_articles`.
    """
    if len(terms) != len(articles):
        raise ValueError(f"Expected {len(articles)} term lists, got {len(terms)}")
    batch = _TermBatch([], [], [])
    plans: list[tuple[_FieldPlan, _FieldPlan]] = []
    for (title, body), mine in zip(articles, terms, strict=True):
        indexed = list(enumerate(mine))
        title_terms = [(k, t) for k, t in indexed if t.field == "title"]
        body_terms = [(k, t) for k, t in indexed if t.field == "body"]
        plans.append(
            (
                _plan_field(title, title_terms, batch, paragraphed=False),
                _plan_field(body, body_terms, batch, paragraphed=True),
            )
        )
    results = translator.translate_terms(batch.texts, batch.constraints) if batch.texts else []
    if len(results) != len(batch.texts):
        raise ValueError(f"Expected {len(batch.texts)} translations, got {len(results)}")
    out: list[ArticleTranslation] = []
    for (title_plan, body_plan), mine in zip(plans, terms, strict=True):
        placed: list[EnglishSpan | None] = [None] * len(mine)
        title_en = _render_field(title_plan, results, batch, "title_en", placed)
        body_en = _render_field(body_plan, results, batch, "body_en", placed)
        out.append(ArticleTranslation(title_en, body_en, tuple(placed)))
    return out
