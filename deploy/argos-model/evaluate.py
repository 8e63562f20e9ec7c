"""Evaluate the packed model the way Argos runs it: quality, copying, and tag obedience.

Printed (and saved to ``work/eval.txt``):

* BLEU/chrF on the held-out LibreOffice help pages (in-domain);
* chrF on held-out Tatoeba sentences (general text, never trained on) next to
  the copy-the-source baseline (chrF of the Dutch sentence itself against the
  English reference): a model below it is worse than doing nothing;
* copy accuracy: held-out sentences whose name slots were filled with names
  from the held-out name list, untagged: share of outputs that contain every
  inserted name (the "Roteram" failure of 1.0);
* tag accuracy: held-out sentences with ``__source__ X __target__ Y __done__``
  constraints built from held-out names: share of outputs that contain every
  Y (``tagged_term_accuracy``).
"""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

from corpus import Pair, read_tsv

ARGOS_BEAM_SIZE = 4  # argostranslate.settings.beam_size default
SAMPLE_SENTENCES = [
    "Klik op de knop om het bestand op te slaan.",
    "Selecteer de cellen die u wilt opmaken.",
    "Het document wordt automatisch opgeslagen.",
    "De Russische en Oekraïense delegaties hebben dinsdag in Istanbul onderhandeld over "
    "een staakt-het-vuren.",
    "De burgemeesters van Rotterdam en Antwerpen spraken 12 uur met elkaar.",
    "Minister Kaag bezocht gisteren Zwolle.",
    "De burgemeester van __source__ Antwerpen __target__ Antwerp __done__ kwam naar "
    "__source__ Den Haag __target__ The Hague __done__.",
    "__source__ Poetin __target__ Putin __done__ sprak met __source__ Zelensky __target__ "
    "Zelensky __done__.",
]


class ArgosLikeTranslator:
    """CTranslate2 + SentencePiece from the package, called with Argos's own options."""

    def __init__(self, argosmodel: Path, work: Path) -> None:
        import ctranslate2
        import sentencepiece as spm

        root = work / "eval_pkg"
        if root.exists():
            shutil.rmtree(root)
        with zipfile.ZipFile(argosmodel) as zf:
            zf.extractall(root)
        pkg_dir = next(root.iterdir())
        self.sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
        self.translator = ctranslate2.Translator(
            str(pkg_dir / "model"), device="cpu", intra_threads=2
        )

    def __call__(self, lines: list[str]) -> list[str]:
        results = self.translator.translate_batch(
            [self.sp.encode(line, out_type=str) for line in lines],
            target_prefix=None,
            replace_unknowns=True,
            max_batch_size=32,
            batch_type="tokens",
            beam_size=ARGOS_BEAM_SIZE,
            length_penalty=0.2,
            return_scores=True,
        )
        out = []
        for r in results:
            text = self.sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").replace("_", " ")
            out.append(text[1:] if text.startswith(" ") else text)
        return out


def _contains_all(output: str, terms: list[str]) -> bool:
    return all(term in output for term in terms)


def _variants(pairs: list[Pair], work: Path, kind: str) -> list[tuple[Pair, list[str]]]:
    """Copy or tag variants of held-out pairs with held-out names only."""
    import augment
    import names
    import sources

    iso = list(sources.iso_pairs(work / "x" / "iso-codes"))
    lists = names.load_names(iso)
    train_rows = [Pair(nl, en, "") for nl, en in read_tsv(work / "train.tsv")[:20000]]
    finder = augment.AnchorFinder(lists.heldout_term_pairs, names.common_words(train_rows))
    augmenter = augment.Augmenter(
        finder, lists.heldout_term_pairs, lists.heldout_copy_names, seed=29
    )
    out: list[tuple[Pair, list[str]]] = []
    for pair in pairs:
        anchors = finder.find(pair.nl, pair.en)
        if not anchors:
            continue
        if kind == "tag":
            variant = augmenter.tag_variant(pair, anchors)
        else:
            names_only = [a for a in anchors if a.kind == "name"]
            if not names_only:
                continue
            variant = augmenter.copy_variant(pair, names_only)
        terms = augmenter.last_inserted
        if terms:
            out.append((variant, terms))
    return out


def evaluate(argosmodel: Path, heldout: Path, tatoeba_heldout: Path, work: Path) -> dict:
    """Print and save all figures; return them for the caller (README, tests)."""
    import sacrebleu

    translate = ArgosLikeTranslator(argosmodel, work)
    lines: list[str] = []
    figures: dict[str, float] = {}

    help_rows = read_tsv(heldout)
    start = time.monotonic()
    hyps = translate([nl for nl, _ in help_rows])
    elapsed = time.monotonic() - start
    refs = [en for _, en in help_rows]
    bleu, chrf = sacrebleu.corpus_bleu(hyps, [refs]), sacrebleu.corpus_chrf(hyps, [refs])
    figures.update(help_bleu=bleu.score, help_chrf=chrf.score)
    lines += [
        f"help heldout pairs={len(help_rows)} translate_s={elapsed:.1f}",
        f"  BLEU={bleu.score:.1f} ({bleu})",
        f"  chrF={chrf.score:.1f}",
    ]

    tat_rows = read_tsv(tatoeba_heldout)
    tat_hyps = translate([nl for nl, _ in tat_rows])
    tat_refs = [en for _, en in tat_rows]
    tat_chrf = sacrebleu.corpus_chrf(tat_hyps, [tat_refs]).score
    copy_chrf = sacrebleu.corpus_chrf([nl for nl, _ in tat_rows], [tat_refs]).score
    tat_bleu = sacrebleu.corpus_bleu(tat_hyps, [tat_refs]).score
    figures.update(tatoeba_chrf=tat_chrf, tatoeba_copy_chrf=copy_chrf, tatoeba_bleu=tat_bleu)
    lines += [
        f"tatoeba heldout pairs={len(tat_rows)}: BLEU={tat_bleu:.1f} chrF={tat_chrf:.1f} "
        f"copy-the-source chrF={copy_chrf:.1f}",
    ]

    pairs = [Pair(nl, en, "help") for nl, en in help_rows]
    pairs += [Pair(nl, en, "tatoeba") for nl, en in tat_rows]
    for kind in ("copy", "tag"):
        cases = _variants(pairs, work, kind)
        outs = translate([variant.nl for variant, _ in cases])
        hits = sum(_contains_all(o, t) for o, (_, t) in zip(outs, cases, strict=True))
        share = hits / max(len(cases), 1)
        name = "tagged_term_accuracy" if kind == "tag" else "copy_name_accuracy"
        figures[name] = share
        lines.append(f"{name}={share:.3f} ({hits}/{len(cases)} held-out sentences)")
        for (variant, terms), out in list(zip(cases, outs, strict=True))[:4]:
            lines.append(f"  nl : {variant.nl}\n  out: {out}\n  need: {terms}")

    lines.append("samples:")
    for src, hyp in zip(SAMPLE_SENTENCES, translate(SAMPLE_SENTENCES), strict=True):
        lines.append(f"  nl: {src}\n  en: {hyp}")
    lines.append("help heldout examples:")
    for (nl, en), hyp in list(zip(help_rows, hyps, strict=True))[:3]:
        lines.append(f"  nl : {nl}\n  ref: {en}\n  hyp: {hyp}")
    report = "\n".join(lines)
    print(report)
    (work / "eval.txt").write_text(report + "\n", encoding="utf-8")
    return figures
