"""The worker's runtime: the translator, the linker and the pipeline built over them.

Resolution happens at start-up, so a missing model or knowledge base is a clear
start-up error, never a traceback deep in a worker; loading the weights happens
in `warm_up`, off the event loop, before the worker reports ready.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nieuwsstroom.linkers import build_linker
from nieuwsstroom.linkers.base import Document, Linker
from nieuwsstroom.stream.components import kb_path_from_settings, translator_from_settings
from nieuwsstroom.stream.core.language import LanguageChecker
from nieuwsstroom.stream.core.pipeline import ArticlePipeline
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.translators.base import Translator

if TYPE_CHECKING:
    from nieuwsstroom.linkers.learning import NameLearner

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The translator, the linker and the pipeline built over them."""

    translator: Translator
    linker: Linker
    pipeline: ArticlePipeline
    model_loaded: threading.Event = field(default_factory=threading.Event)
    kb_loaded: threading.Event = field(default_factory=threading.Event)
    learner: NameLearner | None = None

    @property
    def translator_provenance(self) -> dict[str, Any]:
        return self.translator.provenance

    @property
    def kb_provenance(self) -> dict[str, Any]:
        return self.linker.provenance

    def warm_up(self) -> None:
        """Load model weights and the knowledge base now rather than on the first article."""
        started = time.perf_counter()
        self.translator.translate_batch(["Goedemorgen."])
        self.model_loaded.set()
        self.linker.link(Document("Nederland", "Amsterdam ligt in Nederland."))
        self.kb_loaded.set()
        self.pipeline.warm_up()
        log.info("Model and knowledge base loaded in %.1fs", time.perf_counter() - started)

    def close(self) -> None:
        """Stop background work (the name learner); called on worker shutdown."""
        if self.learner is not None:
            self.learner.close()


def build_runtime(settings: Settings, *, on_retry: Callable[[str], None] | None = None) -> Runtime:
    """Resolve the model and the knowledge base (fast); raise a clear error if missing.

    `on_retry` is told the stage name before each retried attempt (ops count them)."""
    from nieuwsstroom.translators.articles import ArticleTranslation, FieldTerm
    from nieuwsstroom.translators.articles import translate_articles_with_terms as translate

    translator = translator_from_settings(settings)
    kb_path = kb_path_from_settings(settings)
    wikidata_linker = build_linker(kb_path, settings.link_threshold)
    linker: Linker = wikidata_linker
    learner: NameLearner | None = None
    if settings.wikidata_online:
        # Unlinked names are looked up in a background thread; what it stores reaches
        # the matcher through reload_if_changed. The hot path never waits on the network.
        from nieuwsstroom.linkers.learning import LearningLinker, NameLearner
        from nieuwsstroom.linkers.wikidata_client import WikidataOnline

        learner = NameLearner(
            kb_path,
            WikidataOnline(settings.wikidata_api_url),
            on_learned=lambda _qids: wikidata_linker.reload_if_changed(force=True),
        )
        linker = LearningLinker(wikidata_linker, learner)

    def translate_pairs(
        pairs: list[tuple[str, str]], terms: list[list[FieldTerm]]
    ) -> list[ArticleTranslation]:
        return translate(translator, pairs, terms)

    pipeline = ArticlePipeline(
        translate_pairs,
        linker,
        translator.provenance,
        LanguageChecker(english_passthrough=settings.english_passthrough),
        max_body_chars=settings.max_body_chars,
        stage_attempts=settings.stage_attempts,
        stage_retry_backoff_s=settings.stage_retry_backoff_s,
        on_retry=on_retry,
        policy={
            "link_threshold": settings.link_threshold,
            "english_passthrough": settings.english_passthrough,
        },
    )
    return Runtime(translator, linker, pipeline, learner=learner)


def describe_runtime(settings: Settings) -> dict[str, dict[str, Any]]:
    """Resolve (and on first run install) model and knowledge base; say which are used."""
    runtime = build_runtime(settings)
    return {
        "translator": runtime.translator_provenance,
        "knowledge_base": runtime.kb_provenance,
    }
