"""The two heavy parts of the pipeline, built from settings: the translator and the linker.

One place turns configuration into a ready `Translator` and `Linker`, so the
worker's runtime, the `translate` and `link` commands and the benchmarks all
get the same model resolution, cache, compute type and knowledge base for the
same settings. The libraries themselves take plain values and never read
`Settings` (they must not import the stream).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nieuwsstroom.stream.settings import Settings

if TYPE_CHECKING:  # the heavy imports happen in the functions, when a command needs them
    from nieuwsstroom.linkers.wikidata_linker import WikidataLinker
    from nieuwsstroom.translators.base import Translator


def translator_from_settings(settings: Settings, *, packages_dir: Path | None = None) -> Translator:
    """The configured nl->en translator (model resolved now, loaded on first use).

    Raises `ModelNotFoundError`/`InvalidModelError` (a `TranslatorError`) with the fix.
    """
    from nieuwsstroom.translators.factory import build_translator

    return build_translator(
        model_path=settings.argos_model,
        allow_test_model=settings.allow_test_model,
        threads=settings.translate_threads,
        beam_size=settings.translate_beam_size,
        cache_size=settings.translation_cache_size,
        compute_type=settings.translate_compute_type,
        packages_dir=packages_dir,
    )


def kb_path_from_settings(settings: Settings) -> Path:
    """NIEUWSSTROOM_KB_PATH, else the seed knowledge base in the cache (built on first use)."""
    if settings.kb_path is not None:
        return settings.kb_path
    from nieuwsstroom.linkers.seed import ensure_seed_kb

    return ensure_seed_kb(settings.cache_dir)


def linker_from_settings(settings: Settings) -> WikidataLinker:
    """The configured offline linker over the configured knowledge base.

    Raises `KnowledgeBaseError` (a `LinkerError`) when the file is missing or not ours.
    """
    from nieuwsstroom.linkers import build_linker

    return build_linker(kb_path_from_settings(settings), settings.link_threshold)
