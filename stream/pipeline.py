"""The pipeline core: raw messages in, enriched records or dead letters out.

validate -> detect language -> translate (one batched call for the whole
micro-batch) -> link -> build records. Pure and synchronous: the agent runs it
in a worker thread (`asyncio.to_thread`) because translation is CPU-bound, and
tests call it directly without Kafka. Every message yields exactly one outcome;
nothing raises out of `process_batch`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from linkers.base import Document, Linker
from stream import __version__
from stream.errors import StageError
from stream.language import LanguageChecker, LanguageGuess
from stream.outcomes import DeadLetter, Enriched, Outcome, RawMessage
from stream.records import decode_article

log = logging.getLogger(__name__)

ENRICHED_SCHEMA = "nieuwsstroom.articles.enriched/v1"
MAX_RECORD_BYTES = 1_000_000
"""Largest enriched record we publish: Kafka's default message.max.bytes is ~1 MB, and a
record the broker refuses would otherwise be retried forever."""
MENTION_SCHEMA = "nieuwsstroom.entities.mention/v1"

ArticleTranslator = Callable[[list[tuple[str, str]]], list[tuple[str, str]]]
"""Translates (title, body) pairs in one batch, keeping body paragraphs aligned."""


@dataclass(slots=True)
class _Accepted:
    """A message that passed validation and the language check."""

    message: RawMessage
    article: dict[str, Any]
    language: LanguageGuess
    timings_ms: dict[str, float]


def utc_now() -> str:
    """An ISO 8601 UTC timestamp with millisecond precision."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ArticlePipeline:
    """Runs every stage over a micro-batch of raw messages."""

    def __init__(
        self,
        translate_articles: ArticleTranslator,
        linker: Linker,
        translator_provenance: dict[str, Any],
        language_checker: LanguageChecker | None = None,
    ) -> None:
        self._translate_articles = translate_articles
        self._linker = linker
        self._translator_provenance = translator_provenance
        self._language = language_checker or LanguageChecker()

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
        article = decode_article(message.value)
        validated = time.perf_counter()
        declared = article.get("language")
        text = f"{article['title']}\n{article['body']}"
        guess = self._language.check(text, declared if isinstance(declared, str) else None)
        checked = time.perf_counter()
        timings = {"validate": _ms(validated - started), "language": _ms(checked - validated)}
        return _Accepted(message, article, guess, timings)

    def _translate(
        self, accepted: list[tuple[int, _Accepted]], outcomes: dict[int, Outcome]
    ) -> list[tuple[str, str] | None]:
        """Translate the batch in one call; if that fails, isolate the failing article."""
        if not accepted:
            return []
        pairs = [(item.article["title"], item.article["body"]) for _, item in accepted]
        started = time.perf_counter()
        try:
            results: list[tuple[str, str] | None] = list(self._translate_articles(pairs))
            _share_time(accepted, pairs, _ms(time.perf_counter() - started))
            return results
        except Exception:
            log.warning("Batch translation of %d articles failed; retrying one by one", len(pairs))
        results = []
        for (index, item), pair in zip(accepted, pairs, strict=True):
            started = time.perf_counter()
            try:
                results.append(self._translate_articles([pair])[0])
                item.timings_ms["translate"] = _ms(time.perf_counter() - started)
            except Exception as exc:
                outcomes[index] = dead_letter(item.message, exc, default_stage="translate")
                results.append(None)
        return results

    def _finish(self, item: _Accepted, title_en: str, body_en: str) -> Enriched:
        article = item.article
        started = time.perf_counter()
        doc = Document(article["title"], article["body"], title_en, body_en)
        entities = self._linker.link(doc)
        item.timings_ms["link"] = _ms(time.perf_counter() - started)
        item.timings_ms["total"] = round(sum(item.timings_ms.values()), 3)
        processed_at = utc_now()
        linked = [e for e in entities if e.qid is not None]
        record = {
            **article,
            "schema": ENRICHED_SCHEMA,
            "title_en": title_en,
            "body_en": body_en,
            "language": item.language.to_json(),
            "entities": [e.to_json() for e in linked],
            "unlinked": [e.to_json() for e in entities if e.qid is None],
            "provenance": {
                "pipeline_version": __version__,
                "translator": self._translator_provenance,
                "knowledge_base": self._linker.provenance,
                "timings_ms": dict(item.timings_ms),
                "processed_at": processed_at,
                "source": {
                    "topic": item.message.topic,
                    "partition": item.message.partition,
                    "offset": item.message.offset,
                },
            },
        }
        value = orjson.dumps(record)
        size = len(value)
        if size > MAX_RECORD_BYTES:
            raise StageError(
                f"Enriched record is {size} bytes, over the {MAX_RECORD_BYTES}-byte message "
                f"limit; split the article (body is {len(article['body'])} characters)",
                stage="publish",
            )
        mentions = [
            {
                "schema": MENTION_SCHEMA,
                "qid": entity.qid,
                "label": entity.label,
                "description": entity.description,
                "type": entity.type,
                "article_id": article["id"],
                "count": len(entity.mentions),
                "score": round(entity.score, 4),
                "published_at": article.get("published_at"),
                "processed_at": processed_at,
            }
            for entity in linked
        ]
        return Enriched(item.message, article["id"], record, mentions, dict(item.timings_ms), value)


def dead_letter(
    message: RawMessage, exc: BaseException, default_stage: str = "internal"
) -> DeadLetter:
    """The dead letter for a failure: the stage comes from the error when it knows it."""
    stage = exc.stage if isinstance(exc, StageError) else default_stage
    text = str(exc) or repr(exc)
    if not isinstance(exc, StageError):
        log.exception(
            "Stage %s failed on %s[%d]@%d",
            stage,
            message.topic,
            message.partition,
            message.offset,
            exc_info=exc,
        )
    return DeadLetter(message, stage, type(exc).__name__, text, utc_now())


def _share_time(
    accepted: list[tuple[int, _Accepted]], pairs: list[tuple[str, str]], total_ms: float
) -> None:
    """Attribute the batch's translation time to articles by their share of the text."""
    sizes = [len(t) + len(b) for t, b in pairs]
    whole = sum(sizes) or 1
    for (_, item), size in zip(accepted, sizes, strict=True):
        item.timings_ms["translate"] = round(total_ms * size / whole, 3)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
