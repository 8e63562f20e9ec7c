"""Does a sentence translate the same whatever batch it lands in? int8 vs float32.

    python bench/batch_invariance.py [--model FILE.argosmodel] [--orders 3] [--batch 40]

Why it matters: a re-processed article (after a crash, or a repeated id) lands in
another micro-batch than the first time. If its translation changed, repeats would
not be identical and `content_hash` would differ. The baseline is each sentence
translated alone (batch of one); the same sentences are then translated in
shuffled batches of `--batch`, `--orders` times, and every output is compared with
its baseline. Sentences: the bench articles' sentences (sample articles and
bench/data/articles_nl/), split as the pipeline splits them. Same model, beam and
threads as the pipeline's settings; only the compute type differs.

The breakdown shows, per compute type, how many outputs changed with the batch and
the batched speed; the last line is the claim for the pipeline's compute type
(`NIEUWSSTROOM_TRANSLATE_COMPUTE_TYPE`): the share of outputs identical to the baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argos_baseline import isolate_argos, load_articles, model_archive  # noqa: E402

PACKAGES = isolate_argos()

from nieuwsstroom.stream.components import translator_from_settings  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402
from nieuwsstroom.translators.factory import describe  # noqa: E402
from nieuwsstroom.translators.segment import split_paragraphs, split_sentences  # noqa: E402

COMPUTE_TYPES = ("int8", "float32")


def bench_sentences() -> list[str]:
    """Every title and body sentence of the bench articles, in order."""
    sentences: list[str] = []
    for article in load_articles():
        paragraphs, _ = split_paragraphs(article.body)
        for text in [article.title, *paragraphs]:
            sentences += [span.text for span in split_sentences(text) if span.text.strip()]
    return sentences


def measure(
    model_path: Path | None,
    sentences: list[str],
    *,
    orders: int,
    batch: int,
    compute_types: tuple[str, ...] = COMPUTE_TYPES,
) -> dict[str, tuple[float, float]]:
    """compute type -> (share of sentences identical in every batch to alone, batched
    sentences/s); prints a line per compute type."""
    settings = Settings()
    figures: dict[str, tuple[float, float]] = {}
    for compute_type in compute_types:
        translator = translator_from_settings(
            settings.model_copy(
                update={
                    "argos_model": model_path,
                    "translation_cache_size": 0,
                    "translate_compute_type": compute_type,
                }
            )
        )
        if compute_type == compute_types[0]:
            print(f"model: {describe(translator)}")
        alone = [translator.translate_batch([s])[0] for s in sentences]
        changed: set[int] = set()
        batched_s = 0.0
        for order in range(orders):
            indices = list(range(len(sentences)))
            random.Random(order).shuffle(indices)
            started = time.perf_counter()
            for i in range(0, len(indices), batch):
                chunk = indices[i : i + batch]
                outputs = translator.translate_batch([sentences[k] for k in chunk])
                changed |= {k for k, out in zip(chunk, outputs, strict=True) if out != alone[k]}
            batched_s += time.perf_counter() - started
        rate = len(sentences) * orders / batched_s
        figures[compute_type] = (1 - len(changed) / len(sentences), rate)
        print(
            f"{compute_type}: {len(changed)} of {len(sentences)} sentences translated "
            f"differently in some batch than alone; batched {rate:.1f} sentences/s"
        )
    return figures


def main() -> None:
    """Print the per-compute-type breakdown and `batched_identical_ratio=<x>` last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="A .argosmodel (default: env or bundled test model).")
    parser.add_argument("--orders", type=int, default=3, help="Shuffled batch orders to try.")
    parser.add_argument("--batch", type=int, default=40, help="Sentences per batch.")
    args = parser.parse_args()

    settings = Settings()
    sentences = bench_sentences()
    print(f"sentences={len(sentences)} batch={args.batch} orders={args.orders}")
    figures = measure(model_archive(args.model), sentences, orders=args.orders, batch=args.batch)
    print(f"float32_vs_int8_batched_speed={figures['float32'][1] / figures['int8'][1]:.2f}")
    ours = settings.translate_compute_type
    if ours not in figures:
        sys.exit(f"the pipeline's compute type {ours!r} is not one this bench measures")
    print(f"pipeline compute type: {ours}")
    print(f"batched_identical_ratio={figures[ours][0]:.4f}")


if __name__ == "__main__":
    main()
