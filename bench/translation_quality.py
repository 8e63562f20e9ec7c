"""BLEU and chrF: the pipeline's translator vs. direct Argos, and the model vs. copying.

    python bench/translation_quality.py [--model FILE.argosmodel] [--limit N]
                                        [--general FILE.tsv]

Test set: bench/data/libreoffice_help_nl_en_heldout.tsv - LibreOffice help
paragraphs (Dutch and English help pages aligned by paragraph id, MPL-2.0)
held out from the test model's training data by the model build script. Each
line is translated (1) by the pipeline: `build_translator()` with the
settings' defaults and `translate_paragraphs()` - our segmentation, one
batched call, the cache - and (2) directly by Argos:
`argostranslate.translate.translate(line, "nl", "en")` per line, with our
offline splitter plugged in (bench/argos_baseline.py explains why). Scores are
sacrebleu corpus BLEU and chrF against the English reference. The claim is
that segmentation and batching cost no quality: last line
`chrf_ratio_vs_direct_argos=<x>` should be >= 1.0.

Second part, model quality on text outside its training domain: chrF of the
pipeline's translation of `--general` (a `nl<TAB>en` file) next to the
copy-the-source baseline, the chrF of the untranslated Dutch against the same
English references. Names, numbers and cognates make copying score well, so
a model below it is worse than doing nothing (the 1.0 test model was). No
openly licensed Dutch-English NEWS parallel text is reachable from the
project's package registries (see bench/data/README.md), so the default file
is a labelled substitute: bench/data/tatoeba_nl_en_heldout.tsv, general
everyday sentences from Tatoeba (CC BY 2.0 FR) held out from training. Pass a
real news set with `--general` when you have one. Goal:
`chrf_vs_copy_baseline=<x>` > 1.0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argos_baseline import (  # noqa: E402
    BENCH_DATA,
    isolate_argos,
    load_heldout_pairs,
    load_pairs,
    model_archive,
    naive_argos_translation,
)

PACKAGES = isolate_argos()

from nieuwsstroom.stream.components import translator_from_settings  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402
from nieuwsstroom.translators.articles import translate_paragraphs  # noqa: E402
from nieuwsstroom.translators.factory import describe  # noqa: E402


def main() -> None:
    """Translate the held-out set both ways, print scores and the chrF ratio last."""
    try:
        import sacrebleu
    except ImportError:
        sys.exit("sacrebleu is missing: pip install '.[bench]'")

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="A .argosmodel (default: env or bundled test model).")
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N pairs.")
    parser.add_argument(
        "--general",
        type=Path,
        default=BENCH_DATA / "tatoeba_nl_en_heldout.tsv",
        help="nl<TAB>en pairs outside the training domain, for the copy-baseline comparison "
        "(default: held-out Tatoeba sentences, a labelled substitute for news).",
    )
    args = parser.parse_args()

    pairs = load_heldout_pairs()
    if args.limit:
        pairs = pairs[: args.limit]
    sources = [nl for nl, _ in pairs]
    references = [en for _, en in pairs]

    settings = Settings()
    translator = translator_from_settings(
        settings.model_copy(update={"argos_model": model_archive(args.model)})
    )
    print(f"model: {describe(translator)}")
    print(f"test set: libreoffice_help_nl_en_heldout.tsv, {len(pairs)} pairs")

    start = time.perf_counter()
    pipeline_out = translate_paragraphs(translator, sources)
    pipeline_s = time.perf_counter() - start

    direct = naive_argos_translation()
    start = time.perf_counter()
    direct_out = [direct.translate(src) for src in sources]
    direct_s = time.perf_counter() - start

    scores = {}
    for name, hyps in (("pipeline", pipeline_out), ("direct_argos", direct_out)):
        bleu = sacrebleu.corpus_bleu(hyps, [references])
        chrf = sacrebleu.corpus_chrf(hyps, [references])
        scores[name] = (bleu.score, chrf.score)
    identical = sum(a == b for a, b in zip(pipeline_out, direct_out, strict=True))
    print(
        f"pipeline (beam {settings.translate_beam_size}): BLEU {scores['pipeline'][0]:.2f} "
        f"chrF {scores['pipeline'][1]:.2f} in {pipeline_s:.1f}s"
    )
    print(
        f"direct argos translate() (beam 4): BLEU {scores['direct_argos'][0]:.2f} "
        f"chrF {scores['direct_argos'][1]:.2f} in {direct_s:.1f}s"
    )
    print(f"identical outputs: {identical}/{len(sources)}")
    for src, ours, theirs, ref in list(
        zip(sources, pipeline_out, direct_out, references, strict=True)
    )[:3]:
        print(f"  nl:   {src}\n  ours: {ours}\n  argos:{theirs}\n  ref:  {ref}")
    general_vs_copy(translator, args.general, sacrebleu)
    bleu_ratio = scores["pipeline"][0] / max(scores["direct_argos"][0], 1e-9)
    chrf_ratio = scores["pipeline"][1] / max(scores["direct_argos"][1], 1e-9)
    print(f"bleu_ratio_vs_direct_argos={bleu_ratio:.4f}")
    print(f"chrf_ratio_vs_direct_argos={chrf_ratio:.4f}")


def general_vs_copy(translator: object, path: Path, sacrebleu: object) -> None:
    """chrF of the model on out-of-domain pairs next to copying the Dutch source."""
    pairs = load_pairs(path)
    sources = [nl for nl, _ in pairs]
    references = [en for _, en in pairs]
    hyps = translate_paragraphs(translator, sources)
    model = sacrebleu.corpus_chrf(hyps, [references]).score
    copy = sacrebleu.corpus_chrf(sources, [references]).score
    bleu = sacrebleu.corpus_bleu(hyps, [references]).score
    print(f"out-of-domain set: {path.name}, {len(pairs)} pairs")
    print(f"  model: chrF {model:.2f} BLEU {bleu:.2f}; copy-the-source baseline: chrF {copy:.2f}")
    for src, hyp, ref in list(zip(sources, hyps, references, strict=True))[:3]:
        print(f"  nl:  {src}\n  out: {hyp}\n  ref: {ref}")
    print(f"chrf_vs_copy_baseline={model / max(copy, 1e-9):.4f}")


if __name__ == "__main__":
    main()
