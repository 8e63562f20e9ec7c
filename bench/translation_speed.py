"""Sentences per second: the pipeline's translator vs. naive Argos, same model, same articles.

    python bench/translation_speed.py [--model FILE.argosmodel] [--rounds 2]

Baseline ("naive Argos"): `argostranslate.translate.translate(title + "\\n" + body,
"nl", "en")` once per article, Argos defaults, our offline splitter plugged in
(see bench/argos_baseline.py for why). Pipeline: `build_translator()` with the
settings' defaults (NIEUWSSTROOM_* env respected) and `translate_articles()`
over micro-batches of `batch_max_articles` articles, cache starting empty.
Both sides load the model before the clock starts; each round times both, and
the best round of each counts (the machine is shared, timings are noisy). The
breakdown lines show where the speed comes from; the last line is the claim.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argos_baseline import (  # noqa: E402
    Article,
    isolate_argos,
    load_articles,
    model_archive,
    naive_argos_translation,
)

PACKAGES = isolate_argos()

from nieuwsstroom.stream.components import translator_from_settings  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402
from nieuwsstroom.translators.articles import translate_articles  # noqa: E402
from nieuwsstroom.translators.factory import describe  # noqa: E402
from nieuwsstroom.translators.segment import split_paragraphs, split_sentences  # noqa: E402

WARM_UP = "Goedemorgen, dit is een opwarmzin."


def count_sentences(articles: list[Article]) -> int:
    """Sentences in titles and bodies, as both sides split them."""
    total = 0
    for art in articles:
        total += len(split_sentences(art.title))
        paragraphs, _ = split_paragraphs(art.body)
        total += sum(len(split_sentences(p)) for p in paragraphs)
    return total


def main() -> None:
    """Run the rounds, print the breakdown and `speedup_vs_naive_argos=<x>` last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="A .argosmodel (default: env or bundled test model).")
    parser.add_argument("--rounds", type=int, default=2, help="Timed rounds; best one counts.")
    args = parser.parse_args()

    settings = Settings()
    articles = load_articles()
    n_sentences = count_sentences(articles)
    batch = settings.batch_max_articles

    def pipeline(beam: int, cache: int) -> Callable[[], float]:
        """A timed run over all articles with a fresh translator (model loaded first)."""

        def run() -> float:
            translator = translator_from_settings(
                settings.model_copy(
                    update={
                        "argos_model": model_archive(args.model),
                        "translate_beam_size": beam,
                        "translation_cache_size": cache,
                    }
                )
            )
            translator.translate_batch([WARM_UP])  # load outside the clock
            start = time.perf_counter()
            for i in range(0, len(articles), batch):
                chunk = articles[i : i + batch]
                translate_articles(translator, [(a.title, a.body) for a in chunk])
            return time.perf_counter() - start

        return run

    first = translator_from_settings(
        settings.model_copy(
            update={"argos_model": model_archive(args.model), "translation_cache_size": 0}
        )
    )
    print(f"model: {describe(first)}")
    print(f"articles={len(articles)} sentences={n_sentences} micro_batch_articles={batch}")

    naive = naive_argos_translation()
    naive.translate(WARM_UP)

    def run_naive() -> float:
        start = time.perf_counter()
        for art in articles:
            naive.translate(art.title + "\n" + art.body)
        return time.perf_counter() - start

    beam, cache = settings.translate_beam_size, settings.translation_cache_size
    configs: dict[str, Callable[[], float]] = {
        "naive": run_naive,
        f"pipeline (settings: beam {beam}, cache {cache})": pipeline(beam, cache),
        "pipeline, cache off": pipeline(beam, 0),
        "pipeline, cache off, beam 4 (= Argos beam)": pipeline(4, 0),
    }
    best: dict[str, float] = {}
    for round_no in range(1, args.rounds + 1):
        times = {name: run() for name, run in configs.items()}
        for name, seconds in times.items():
            best[name] = min(best.get(name, seconds), seconds)
        print(f"round {round_no}: " + ", ".join(f"{n}: {t:.2f}s" for n, t in times.items()))

    naive_rate = n_sentences / best["naive"]
    print(f"naive argos translate() per article: {naive_rate:.1f} sentences/s")
    names = [n for n in configs if n != "naive"]
    for name in names:
        rate = n_sentences / best[name]
        print(f"{name}: {rate:.1f} sentences/s ({rate / naive_rate:.2f}x)")
    print(f"speedup_vs_naive_argos={best['naive'] / best[names[0]]:.2f}")


if __name__ == "__main__":
    main()
