"""Shared set-up of the translation benches: one model, two ways to run it.

Both benches compare the pipeline's translator with plain Argos Translate on
the *same* installed package, so the ratio measures our code, not the model:

- the model (`--model`, else NIEUWSSTROOM_ARGOS_MODEL, else the bundled test
  model) is installed into a fresh, bench-private Argos package directory
  (ARGOS_PACKAGES_DIR is set before Argos is imported), so
  `argostranslate.translate.translate(text, "nl", "en")` can only pick it;
- Argos's default sentence splitter (MiniSBD) downloads a model on first use
  and fails offline (argos-translate #512). We give Argos's
  `PackageTranslation` our splitter (`translators.segment.split_sentences`)
  as its `sentencizer`, so both sides cut sentences identically and the
  baseline runs offline. Everything else in the baseline is Argos's default
  (beam 4, 32-token batches, all cores, one paragraph per CTranslate2 call).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DATA = REPO / "bench" / "data"
SAMPLE_ARTICLES = REPO / "stream" / "demo" / "data" / "sample_articles.jsonl"


_ISOLATED: list[Path] = []


def isolate_argos() -> Path:
    """Point Argos at a bench-private package directory and our compute type; must run
    before Argos is imported (it reads both from the environment at import). Calling it
    again (a bench importing another bench's module) returns the same directory."""
    import sys

    if _ISOLATED:
        return _ISOLATED[0]
    if "argostranslate" in sys.modules:
        raise RuntimeError("isolate_argos() must run before argostranslate is imported")
    packages = Path(tempfile.mkdtemp(prefix="nieuwsstroom-bench-argos-")) / "packages"
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages)
    # Same CTranslate2 compute type as the pipeline, so the comparison is of code paths,
    # not of int8 vs float32 arithmetic.
    from nieuwsstroom.stream.settings import Settings

    os.environ["ARGOS_COMPUTE_TYPE"] = Settings().translate_compute_type
    _ISOLATED.append(packages)
    return packages


class OurSentencizer:
    """Argos `ISentenceBoundaryDetectionModel` backed by nieuwsstroom's offline splitter."""

    def split_sentences(self, text: str) -> list[str]:
        """Sentences of one Argos paragraph (a line), as the pipeline would cut them."""
        from nieuwsstroom.translators.segment import model_input, split_sentences

        return [model_input(span.text) for span in split_sentences(text)]


def naive_argos_translation() -> Any:
    """Argos's own nl->en translation object (what `translate()` uses), with our splitter."""
    from argostranslate import translate as argos_translate

    translation = argos_translate.get_translation_from_codes("nl", "en")
    if translation is None:
        raise RuntimeError("Argos finds no installed nl->en package")
    inner = getattr(translation, "underlying", translation)  # CachedTranslation wraps it
    inner.sentencizer = OurSentencizer()
    return translation


def model_archive(explicit: str | None) -> Path | None:
    """The model to bench: --model, else NIEUWSSTROOM_ARGOS_MODEL, else None (bundled)."""
    value = explicit or os.environ.get("NIEUWSSTROOM_ARGOS_MODEL")
    return Path(value) if value else None


@dataclass(frozen=True)
class Article:
    """A bench article: id, title, body (paragraphs separated by blank lines)."""

    id: str
    title: str
    body: str


def load_articles() -> list[Article]:
    """The bundled sample articles (incl. the Istanbul one) plus bench/data/articles_nl/."""
    articles: list[Article] = []
    if SAMPLE_ARTICLES.is_file():
        for line in SAMPLE_ARTICLES.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                articles.append(Article(rec["id"], rec["title"], rec["body"]))
    for path in sorted((BENCH_DATA / "articles_nl").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        articles.append(Article(path.stem, title.strip(), body.strip()))
    return articles


def load_heldout_pairs() -> list[tuple[str, str]]:
    """(Dutch, English) pairs of the held-out LibreOffice help set (MPL-2.0)."""
    return load_pairs(BENCH_DATA / "libreoffice_help_nl_en_heldout.tsv")


def load_pairs(path: Path) -> list[tuple[str, str]]:
    """(Dutch, English) pairs of a `nl<TAB>en` file; blank or one-sided lines skipped."""
    pairs: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        nl, sep, en = line.partition("\t")
        if sep and nl.strip() and en.strip():
            pairs.append((nl.strip(), en.strip()))
    return pairs
