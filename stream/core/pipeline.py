"""The pipeline core: raw messages in, enriched records or dead letters out.

validate -> detect language -> link (on the Dutch source) -> translate (one
batched call for the whole micro-batch; each linked mention is a term
constraint, rendered by its entity's English name) -> build records, with
`mentions_en` where the translator put each name. Pure and synchronous: the
agent runs it in a worker thread (`asyncio.to_thread`) because translation is
CPU-bound, and tests call it directly without Kafka. Every message yields
exactly one outcome; nothing raises out of `process_batch`.

Linking comes first because it reads only the Dutch source: its quality does
not depend on the translation model, and the translator can be told the
English names (`entity_terms.py`). Refusals (bad input) are final. An
unexpected failure in linking or translation is retried a bounded number of
times with back-off, then the article is dead-lettered with the last error,
so one poison article costs at most `stage_attempts` tries and never blocks
its partition.

What a record holds, its `content_hash` and the size limit live in
`enriched_record.py`; how a failure becomes a dead letter in `dead_letters.py`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from nieuwsstroom import __version__
from nieuwsstroom.linkers.base import Document, Entity, Linker
from nieuwsstroom.stream.core.dead_letters import dead_letter
from nieuwsstroom.stream.core.enriched_record import (
    encode_publishable,
    enriched_record,
    enrichment_versions,
    mention_records,
)
from nieuwsstroom.stream.core.entity_terms import (
    EntityTerms,
    entity_terms,
    passthrough_mentions,
    with_english_mentions,
)
from nieuwsstroom.stream.core.language import LanguageChecker, LanguageGuess
from nieuwsstroom.stream.core.outcomes import Enriched, Outcome, RawMessage, utc_now
from nieuwsstroom.stream.core.raw_article import DEFAULT_MAX_BODY_CHARS, Article, decode_article
from nieuwsstroom.stream.errors import RetriesExhaustedError, StageError
from nieuwsstroom.translators.articles import ArticleTranslation, FieldTerm

log = logging.getLogger(__name__)

ArticleTranslator = Callable[
    [list[tuple[str, str]], list[list[FieldTerm]]], list[ArticleTranslation]
]
"""Translates (title, body) pairs in one batch, keeping body paragraphs aligned, and renders
each article's terms (its linked mentions) by their targets, saying where each landed
(`translators.articles.translate_articles_with_terms`)."""


@dataclass(slots=True)
class _Accepted:
    """A message that passed validation and the language check."""

    message: RawMessage
    decoded: Article
    language: LanguageGuess
    timings_ms: dict[str, float]
    entities: list[Entity] | None = None  # set by the link stage

    @property
    def article(self) -> dict[str, Any]:
        return self.decoded.fields


class ArticlePipeline:
    """Runs every stage over a micro-batch of raw messages."""

    def __init__(
        self,
        translate_articles: ArticleTranslator,
        linker: Linker,
        translator_provenance: dict[str, Any],
        language_checker: LanguageChecker | None = None,
        *,
        max_body_chars: int = DEFAULT_MAX_BODY_CHARS,
        stage_attempts: int = 3,
        stage_retry_backoff_s: float = 0.2,
        on_retry: Callable[[str], None] | None = None,
        policy: dict[str, Any] | None = None,
    ) -> None:
        self._translate_articles = translate_articles
        self._linker = linker
        self._translator_provenance = translator_provenance
        self._language = language_checker or LanguageChecker()
        self._max_body_chars = max_body_chars
        self._attempts = stage_attempts
        self._backoff_s = stage_retry_backoff_s
        self._on_retry = on_retry
        """Told the stage name before each retry (the worker counts them for ops)."""
        self._policy = dict(policy or {})
        """Settings that change what a record says (link threshold, English passthrough)."""

    def warm_up(self) -> None:
        """Load the language model now (about a second) instead of on the first article."""
        self._language.check("Dit is een korte Nederlandse zin om het model te laden.")

    def process_batch(self, messages: Sequence[RawMessage]) -> list[Outcome]:
        """One outcome per message, in input order."""
        outcomes: dict[int, Outcome] = {}
        accepted: list[tuple[int, _Accepted]] = []
        for index, message in enumerate(messages):
            try:
                item = self._accept(message)
            except Exception as exc:  # every failure is a dead letter, never a crash
                outcomes[index] = dead_letter(message, exc)
                continue
            try:
                self._link(item)
            except Exception as exc:
                outcomes[index] = dead_letter(message, exc, default_stage="link")
                continue
            accepted.append((index, item))
        translations = self._translate(accepted, outcomes)
        for (index, item), translation in zip(accepted, translations, strict=True):
            if translation is None:
                continue
            try:
                outcomes[index] = self._finish(item, *translation)
            except Exception as exc:
                outcomes[index] = dead_letter(item.message, exc)
        return [outcomes[i] for i in range(len(messages))]

    def _link(self, item: _Accepted) -> None:
        """Link the Dutch source (with retries); the entities travel with the item."""
        started = time.perf_counter()
        doc = Document(item.article["title"], item.article["body"])
        item.entities = self._with_retries("link", item.message, partial(self._linker.link, doc))
        item.timings_ms["link"] = _ms(time.perf_counter() - started)

    def _accept(self, message: RawMessage) -> _Accepted:
        started = time.perf_counter()
        decoded = decode_article(message.value, self._max_body_chars)
        validated = time.perf_counter()
        article = decoded.fields
        declared = article.get("language")
        text = f"{article['title']}\n{article['body']}"
        guess = self._language.check(text, declared if isinstance(declared, str) else None)
        checked = time.perf_counter()
        timings = {"validate": _ms(validated - started), "language": _ms(checked - validated)}
        return _Accepted(message, decoded, guess, timings)

    def _with_retries(self, stage: str, message: RawMessage, work: Callable[[], Any]) -> Any:
        """Run `work`; retry unexpected errors with doubling back-off, at most `attempts` times.

        A `StageError` is a deliberate refusal and is final. After the last attempt the
        error becomes `RetriesExhaustedError` (stage and attempts in its message)."""
        delay = self._backoff_s
        for attempt in range(1, self._attempts + 1):
            try:
                return work()
            except StageError:
                raise
            except Exception as exc:
                where = f"{message.topic}[{message.partition}]@{message.offset}"
                if attempt == self._attempts:
                    log.error("Stage %s failed %d times on %s: %r", stage, attempt, where, exc)
                    raise RetriesExhaustedError(
                        f"{stage} failed after {attempt} attempts: {type(exc).__name__}: {exc}",
                        stage=stage,
                        cause_class=type(exc).__name__,
                    ) from exc
                log.warning(
                    "Stage %s failed on %s (attempt %d of %d, retrying in %.2fs): %r",
                    stage,
                    where,
                    attempt,
                    self._attempts,
                    delay,
                    exc,
                )
                if self._on_retry is not None:
                    self._on_retry(stage)
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable: stage_attempts >= 1")

    def _translate(
        self, accepted: list[tuple[int, _Accepted]], outcomes: dict[int, Outcome]
    ) -> list[tuple[str, str, list[Entity]] | None]:
        """Translate the batch in one call; if that fails, retry article by article.

        Each result is (title_en, body_en, entities with `mentions_en`). Articles that
        pass through untranslated (English, when allowed) skip the model."""
        results: list[tuple[str, str, list[Entity]] | None] = []
        jobs: list[tuple[int, _Accepted, EntityTerms]] = []
        for k, (_, item) in enumerate(accepted):
            entities = item.entities or []
            if item.language.translate:
                results.append(None)
                jobs.append((k, item, entity_terms(entities)))
            else:
                item.timings_ms["translate"] = 0.0
                article = item.article
                results.append((article["title"], article["body"], passthrough_mentions(entities)))
        if not jobs:
            return results
        pairs = [(item.article["title"], item.article["body"]) for _, item, _ in jobs]
        started = time.perf_counter()
        try:
            translated = list(self._translate_articles(pairs, [t.terms for _, _, t in jobs]))
            elapsed_ms = _ms(time.perf_counter() - started)
            _share_time([item for _, item, _ in jobs], pairs, elapsed_ms)
            for (k, item, terms), result in zip(jobs, translated, strict=True):
                results[k] = _english(item, terms, result)
            return results
        except Exception as exc:
            log.warning(
                "Batch translation of %d articles failed (%r); retrying one by one", len(pairs), exc
            )
        for (k, item, terms), pair in zip(jobs, pairs, strict=True):
            started = time.perf_counter()
            try:
                results[k] = self._with_retries(
                    "translate", item.message, partial(self._translate_one, item, pair, terms)
                )
                item.timings_ms["translate"] = _ms(time.perf_counter() - started)
            except Exception as exc:
                outcomes[accepted[k][0]] = dead_letter(item.message, exc, default_stage="translate")
                results[k] = None
        return results

    def _translate_one(
        self, item: _Accepted, pair: tuple[str, str], terms: EntityTerms
    ) -> tuple[str, str, list[Entity]]:
        [result] = self._translate_articles([pair], [terms.terms])
        return _english(item, terms, result)

    def _finish(
        self, item: _Accepted, title_en: str, body_en: str, entities: list[Entity]
    ) -> Enriched:
        """Build and size-check the records (no retry: final)."""
        article = item.article
        item.timings_ms["total"] = round(sum(item.timings_ms.values()), 3)
        processed_at = utc_now()
        knowledge_base = self._linker.provenance
        versions = enrichment_versions(
            pipeline_version=__version__,
            translator=self._translator_provenance,
            knowledge_base=knowledge_base,
            policy=self._policy,
        )
        record = enriched_record(
            article,
            title_en=title_en,
            body_en=body_en,
            language=item.language.to_json(),
            entities=entities,
            versions=versions,
            provenance={
                "pipeline_version": __version__,
                "translator": self._translator_provenance,
                "knowledge_base": knowledge_base,
                "policy": self._policy,
                "timings_ms": dict(item.timings_ms),
                "input_cleaning": item.decoded.cleaning_summary(),
                "processed_at": processed_at,
                "source": {
                    "topic": item.message.topic,
                    "partition": item.message.partition,
                    "offset": item.message.offset,
                },
            },
        )
        value = encode_publishable(record)
        mentions = mention_records(article, entities, processed_at)
        return Enriched(item.message, article["id"], record, mentions, dict(item.timings_ms), value)


def _english(
    item: _Accepted, terms: EntityTerms, result: ArticleTranslation
) -> tuple[str, str, list[Entity]]:
    """The article's English fields and its entities with `mentions_en` where names landed."""
    fields_en = {"title_en": result.title_en, "body_en": result.body_en}
    entities = with_english_mentions(item.entities or [], terms, result.placed, fields_en)
    return result.title_en, result.body_en, entities


def _share_time(items: list[_Accepted], pairs: list[tuple[str, str]], total_ms: float) -> None:
    """Attribute the batch's translation time to articles by their share of the text."""
    sizes = [len(t) + len(b) for t, b in pairs]
    whole = sum(sizes) or 1
    for item, size in zip(items, sizes, strict=True):
        item.timings_ms["translate"] = round(total_ms * size / whole, 3)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
