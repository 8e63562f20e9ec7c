"""One call that turns configuration values into a ready `Translator`.

The stream passes plain values (from its Settings), never the Settings object,
so this library stays free of the stream's configuration. The model is
*resolved* here - a missing model fails at start-up with a fixable message -
but *loaded* lazily on the first translation.
"""

from __future__ import annotations

from pathlib import Path

from nieuwsstroom.translators.argos import ArgosTranslator
from nieuwsstroom.translators.base import TermTranslator, Translator
from nieuwsstroom.translators.cache import CachedTranslator
from nieuwsstroom.translators.constrained import ConstrainedTranslator
from nieuwsstroom.translators.models import resolve_model


def build_translator(
    *,
    model_path: Path | None,
    allow_test_model: bool,
    threads: int,
    beam_size: int,
    cache_size: int,
    compute_type: str = "int8",
    packages_dir: Path | None = None,
) -> TermTranslator:
    """Resolve the nl->en package and wrap it:
    `CachedTranslator(ConstrainedTranslator(ArgosTranslator(...)))`.

    The result is a `TermTranslator`: plain `translate_batch` gives exactly the
    Argos output, `translate_terms` also renders given spans as given names.

    `cache_size=0` disables the cache. `compute_type` defaults to int8, as the stream's
    setting does: faster and smaller at real model sizes; its output may rarely depend
    on the padding of the batch a sentence lands in (Settings.translate_compute_type).
    `provenance["test_model"]` tells the caller whether the small test model is in use
    (say so loudly).
    Raises `ModelNotFoundError` / `InvalidModelError` (both `TranslatorError`).
    """
    resolved = resolve_model(
        model_path=model_path, allow_test_model=allow_test_model, packages_dir=packages_dir
    )
    translator: TermTranslator = ConstrainedTranslator(
        ArgosTranslator(resolved, threads=threads, beam_size=beam_size, compute_type=compute_type)
    )
    if cache_size > 0:
        translator = CachedTranslator(translator, cache_size)
    return translator


def describe(translator: Translator) -> str:
    """Which model a built translator uses, with the loud test-model warning if it applies.

    Unwraps `CachedTranslator` layers; falls back to provenance for other translators.
    """
    inner: object = translator
    while hasattr(inner, "underlying"):
        inner = inner.underlying
    model = getattr(inner, "model", None)
    if model is not None and hasattr(model, "describe"):
        return str(model.describe())
    prov = translator.provenance
    return f"{prov.get('model')} {prov.get('model_version', '')}".strip()
