"""The pipeline bench at production model size: a Transformer-base-shaped .argosmodel.

    python bench/base_model_throughput.py [--articles 12] [--rounds 1] [--sentences 48]
                                          [--orders 2] [--broker kafka://HOST:PORT]

Why: every other speed and memory figure comes from the ~10M-parameter test model,
while official Argos packages are Transformer-base sized (about ten times the compute
per token). This bench builds, in a temporary folder (never shipped), a genuine
.argosmodel of that shape: 6+6 layers, d_model 512, FFN 2048, 8 heads, a 32,000-entry
vocabulary over a SentencePiece model trained on the bench texts in seconds
(bench/base_model.py explains its weights: random, plus a planted copy path so that
it stops decoding where a real translation would). It then reports, with the
worker's and translator's settings (threads, beam, batch) from the environment:

1. int8 vs float32: our batched translator alone (`translate_articles` over the
   worker's micro-batches) on the bench articles, articles/s for each;
2. batch invariance at this size (bench/batch_invariance.py's method on `--sentences`
   bench sentences): share of outputs identical in shuffled batches to the sentence
   translated alone, per compute type, and how far the hypothesis scores move with
   the batch (a numeric measure that does not depend on what the weights say);
3. the end-to-end pipeline bench (bench/pipeline_bench.py) with this model and the
   pipeline's compute type (NIEUWSSTROOM_TRANSLATE_COMPUTE_TYPE, default int8):
   translator alone vs one worker, articles/s per busy core, latency p50/p95 at half
   load, worker peak RSS. No scaling phase: two base-size workers on 2 cores only
   share them.

About 15-20 minutes on the 2-core build machine with the defaults. Last line:
`base_model_pipeline_vs_translator_ratio=<x>` (goal >= 0.9).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import base_model  # noqa: E402
from bench.argos_baseline import BENCH_DATA, load_articles, load_pairs  # noqa: E402
from bench.batch_invariance import bench_sentences, measure  # noqa: E402
from bench.pipeline_bench import add_arguments, run_bench  # noqa: E402
from bench.pipeline_kit.phase import bench_messages  # noqa: E402
from bench.pipeline_kit.phases import translator_seconds  # noqa: E402
from nieuwsstroom.stream.components import linker_from_settings, translator_from_settings  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402

RATIO_GOAL = 0.9
COMPUTE_TYPES = ("int8", "float32")


def corpus_texts() -> list[str]:
    """Text for the bench model's SentencePiece: bench articles and the bench TSVs."""
    texts = []
    for article in load_articles():
        texts += [article.title, *article.body.split("\n")]
    for tsv in sorted(BENCH_DATA.glob("*.tsv")):
        for nl, en in load_pairs(tsv):
            texts += [nl, en]
    return [t for t in texts if t.strip()]


def translator_speeds(model: Path, articles: int) -> dict[str, float]:
    """Articles/s of our batched translator alone, per compute type (best of two)."""
    settings = Settings()
    messages = bench_messages(load_articles(), articles, "speed")
    linker = linker_from_settings(settings)  # the same name constraints as the pipeline's
    rates: dict[str, float] = {}
    for compute_type in COMPUTE_TYPES:
        translator = translator_from_settings(
            settings.model_copy(
                update={
                    "argos_model": model,
                    "translation_cache_size": 0,
                    "translate_compute_type": compute_type,
                }
            )
        )
        translator_seconds(translator, linker, messages[:2], 2)  # model loaded outside the clock
        best = min(
            translator_seconds(translator, linker, messages, settings.batch_max_articles)[0]
            for _ in range(2)
        )
        rates[compute_type] = articles / best
        print(f"translator alone, {compute_type}: {rates[compute_type]:.3f} articles/s")
    return rates


def score_drift(model: Path, sentences: list[str], batch: int) -> dict[str, tuple[int, float]]:
    """compute type -> (sentences whose best-hypothesis score moved with the batch, max
    absolute move): CTranslate2 directly, pieces in, same options as the pipeline."""
    import ctranslate2
    import sentencepiece as spm

    settings = Settings()
    root = Path(tempfile.mkdtemp(prefix="nieuwsstroom-base-drift-"))
    with zipfile.ZipFile(model) as zf:
        zf.extractall(root)
    pkg = next(root.iterdir())
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    pieces = [sp.encode(s, out_type=str) for s in sentences]
    out: dict[str, tuple[int, float]] = {}
    for compute_type in COMPUTE_TYPES:
        ct2 = ctranslate2.Translator(
            str(pkg / "model"),
            compute_type=compute_type,
            intra_threads=settings.translate_threads,
        )
        options = {"beam_size": settings.translate_beam_size, "return_scores": True}
        alone = [ct2.translate_batch([p], **options)[0].scores[0] for p in pieces]
        order = list(range(len(pieces)))
        random.Random(1).shuffle(order)
        moved, worst = 0, 0.0
        for i in range(0, len(order), batch):
            chunk = order[i : i + batch]
            results = ct2.translate_batch([pieces[k] for k in chunk], **options)
            for k, result in zip(chunk, results, strict=True):
                delta = abs(result.scores[0] - alone[k])
                moved += delta > 1e-6
                worst = max(worst, delta)
        out[compute_type] = (moved, worst)
        print(
            f"{compute_type}: hypothesis score moved with the batch for {moved} of "
            f"{len(pieces)} sentences, max |change| {worst:.2e}"
        )
    return out


def main() -> None:
    """Build the model, run the three parts, print `base_model_pipeline_vs_translator_ratio`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, articles=12, rounds=1)
    parser.add_argument("--sentences", type=int, default=48, help="Batch-invariance sentences.")
    parser.add_argument("--orders", type=int, default=2, help="Shuffled batch orders to try.")
    parser.add_argument("--batch", type=int, default=16, help="Sentences per shuffled batch.")
    args = parser.parse_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nieuwsstroom-base-bench-") as tmp:
        model = Path(tmp) / "translate-nl_en-base_bench-1.0.argosmodel"
        base_model.build_argosmodel(corpus_texts(), model)
        print(
            f"model: Transformer-base shape, {base_model.LAYERS}+{base_model.LAYERS} layers, "
            f"d_model {base_model.D_MODEL}, FFN {base_model.FFN}, {base_model.HEADS} heads, "
            f"vocabulary {base_model.VOCAB_SIZE}, ~{base_model.parameter_count() / 1e6:.0f}M "
            f"parameters (synthetic weights, copies its input); built in "
            f"{time.monotonic() - started:.0f}s, {model.stat().st_size / 1e6:.0f} MB float32"
        )

        print("-- 1. int8 vs float32, our translator alone --")
        rates = translator_speeds(model, args.articles)
        print(f"base_model_int8_vs_float32_speed={rates['int8'] / rates['float32']:.2f}")

        print("-- 2. batch invariance at this size --")
        sentences = bench_sentences()
        sentences = sentences[:: max(1, len(sentences) // args.sentences)][: args.sentences]
        identical = measure(model, sentences, orders=args.orders, batch=args.batch)
        score_drift(model, sentences, args.batch)
        for compute_type, (share, _) in identical.items():
            print(f"base_model_{compute_type}_batched_identical_ratio={share:.4f}")

        print("-- 3. end-to-end pipeline with this model --")
        figures = run_bench(args, model_path=model, scaling=False, ratio_goal=RATIO_GOAL)
    print(
        f"base model summary: pipeline {figures.pipeline_rate:.3f} articles/s "
        f"({figures.rate_per_core:.3f} per busy core, {figures.worker_cores_busy:.2f} cores), "
        f"translator alone {figures.translator_rate:.3f} articles/s; latency at half load "
        f"p50 {figures.latency_p50_ms:.0f} ms, p95 {figures.latency_p95_ms:.0f} ms; worker "
        f"peak RSS {figures.peak_rss_mb:.0f} MB; int8/float32 translator speed "
        f"{rates['int8'] / rates['float32']:.2f}; bench wall time "
        f"{time.monotonic() - started:.0f}s"
    )
    print(f"base_model_pipeline_vs_translator_ratio={figures.ratio:.2f}")


if __name__ == "__main__":
    main()
