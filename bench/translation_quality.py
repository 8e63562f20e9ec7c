"""BLEU and chrF: the pipeline's translator vs. direct Argos, same model, same sentences.

    python bench/translation_quality.py [--model FILE.argosmodel] [--limit N]

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
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argos_baseline import (  # noqa: E402
    isolate_argos,
    load_heldout_pairs,
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
    bleu_ratio = scores["pipeline"][0] / max(scores["direct_argos"][0], 1e-9)
    chrf_ratio = scores["pipeline"][1] / max(scores["direct_argos"][1], 1e-9)
    print(f"bleu_ratio_vs_direct_argos={bleu_ratio:.4f}")
    print(f"chrf_ratio_vs_direct_argos={chrf_ratio:.4f}")


if __name__ == "__main__":
    main()
