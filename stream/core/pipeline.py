"""The pipeline core: raw messages in, enriched records or dead letters out.

validate -> detect language -> translate (one batched call for the whole
micro-batch) -> link -> build records. Pure and synchronous: the agent runs it
in a worker thread (`asyncio.to_thread`) because translation is CPU-bound, and
tests call it directly without Kafka. Every message yields exactly one outcome;
nothing raises out of `process_batch`.

Refusals (bad input) are final. An unexpected failure in translation or
linking is retried a bounded number of times with back-off, then the article
is dead-lettered with the last error, so one poison article costs at most
`stage_attempts` tries and never blocks its partition.

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
from nieuwsstroom.linkers.base import Document, Linker
from nieuwsstroom.stream.core.dead_letters import dead_letter
from nieuwsstroom.stream.core.enriched_record import (
    encode_publishable,
    enriched_record,
    mention_records,
)
from nieuwsstroom.stream.core.language import LanguageChecker, LanguageGuess
from nieuwsstroom.stream.core.outcomes import Enriched, Outcome, RawMessage, utc_now
from nieuwsstroom.stream.core.raw_article import DEFAULT_MAX_BODY_CHARS, Article, decode_article
from nieuwsstroom.stream.errors import RetriesExhaustedError, StageError

log = logging.getLogger(__name__)

ArticleTranslator = Callable[[list[tuple[str, str]]], list[tuple[str, str]]]
"""Translates (title, body) pairs in one batch, keeping body paragraphs aligned."""


@dataclass(slots=True)
class _Accepted:
    """A message that passed validation and the language check."""

    message: RawMessage
    decoded: Article
    language: LanguageGuess
    timings_ms: dict[str, float]

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

    def warm_up(self) -> None:
        """Load the language model now (about a second) instead of on the first article."""
        self._language.check("Dit is een korte Nederlandse zin om het model te laden.")

    def process_batch(self, messages: Sequence[RawMessage]) -> list[Outcome]:
        """One outcome per message, in input order."""
        outcomes: dict[int, Outcome] = {}
        accepted: list[tuple[int, _Accepted]] = []
        for index, message in enumerate(messages):
            try:
                accepted.append((index, self._accept(message)))
            except Exception as exc:  # every failure is a dead letter, never a crash
                outcomes[index] = dead_letter(message, exc)
        translations = self._translate(accepted, outcomes)
        for (index, item), translation in zip(accepted, translations, strict=True):
            if translation is None:
                continue
            try:
                outcomes[index] = self._finish(item, *translation)
            except Exception as exc:
                outcomes[index] = dead_letter(item.message, exc, default_stage="link")
        return [outcomes[i] for i in range(len(messages))]

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
    ) -> list[tuple[str, str] | None]:
        """Translate the batch in one call; if that fails, retry article by article.

        Articles that pass through untranslated (English, when allowed) skip the model."""
        sources = [(item.article["title"], item.article["body"]) for _, item in accepted]
        results: list[tuple[str, str] | None] = list(sources)  # passed through as they are
        for _, item in accepted:
            if not item.language.translate:
                item.timings_ms["translate"] = 0.0
        to_translate = [(k, it) for k, (_, it) in enumerate(accepted) if it.language.translate]
        if not to_translate:
            return results
        pairs = [sources[k] for k, _ in to_translate]
        started = time.perf_counter()
        try:
            translated = list(self._translate_articles(pairs))
            elapsed_ms = _ms(time.perf_counter() - started)
            _share_time([item for _, item in to_translate], pairs, elapsed_ms)
            for (k, _), pair in zip(to_translate, translated, strict=True):
                results[k] = pair
            return results
        except Exception as exc:
            log.warning(
                "Batch translation of %d articles failed (%r); retrying one by one", len(pairs), exc
            )
        for (k, item), pair in zip(to_translate, pairs, strict=True):
            started = time.perf_counter()
            try:
                results[k] = self._with_retries(
                    "translate", item.message, partial(self._translate_one, pair)
                )
                item.timings_ms["translate"] = _ms(time.perf_counter() - started)
            except Exception as exc:
                outcomes[accepted[k][0]] = dead_letter(item.message, exc, default_stage="translate")
                results[k] = None
        return results

    def _translate_one(self, pair: tuple[str, str]) -> tuple[str, str]:
        return self._translate_articles([pair])[0]

    def _finish(self, item: _Accepted, title_en: str, body_en: str) -> Enriched:
        """Link (with retries), then build and size-check the records (no retry: final)."""
        article = item.article
        started = time.perf_counter()
        doc = Document(article["title"], article["body"], title_en, body_en)
        entities = self._with_retries("link", item.message, partial(self._linker.link, doc))
        item.timings_ms["link"] = _ms(time.perf_counter() - started)
        item.timings_ms["total"] = round(sum(item.timings_ms.values()), 3)
        processed_at = utc_now()
        record = enriched_record(
            article,
            title_en=title_en,
            body_en=body_en,
            language=item.language.to_json(),
            entities=entities,
            provenance={
                "pipeline_version": __version__,
                "translator": self._translator_provenance,
                "knowledge_base": self._linker.provenance,
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


def _share_time(items: list[_Accepted], pairs: list[tuple[str, str]], total_ms: float) -> None:
    """Attribute the batch's translation time to articles by their share of the text."""
    sizes = [len(t) + len(b) for t, b in pairs]
    whole = sum(sizes) or 1
    for item, size in zip(items, sizes, strict=True):
        item.timings_ms["translate"] = round(total_ms * size / whole, 3)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
