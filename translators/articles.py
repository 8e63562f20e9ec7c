"""Translate whole articles: segment, one batched model call, put the pieces back.

Why here and not in the stream: the shape guarantees (one English paragraph
per Dutch paragraph, blank paragraphs stay blank, whitespace between sentences
kept) are properties of the translation stage, and are tested without Kafka.
Why one call for many articles: the model is fastest on large, length-sorted
batches, and the stream's micro-batch of articles is the largest batch we get.
"""

from __future__ import annotations

from dataclasses import dataclass

from nieuwsstroom.translators.base import Translator
from nieuwsstroom.translators.segment import (
    Span,
    join_paragraphs,
    model_input,
    reassemble,
    split_paragraphs,
    split_sentences,
)


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
