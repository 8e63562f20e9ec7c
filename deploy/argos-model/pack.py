"""Convert the trained model to CTranslate2, verify it, pack it as .argosmodel, evaluate.

Verification exists because conversion can silently break a from-scratch
model: CTranslate2's Marian loader decodes from a zero start embedding and
names ``</s>`` as the start token. We train with ``<pad>`` (kept at zero) as
the decoder start, so both agree; ``verify_first_word`` proves it by comparing
greedy CTranslate2 output with greedy output of the PyTorch model it came
from, token for token, and ``verify_argos`` installs the zip with
``argostranslate.package.install_from_path`` into a throw-away directory and
translates through Argos's own ``apply_packaged_translation``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PACKAGE_DIR_NAME = "translate-nl_en-nieuwsstroom_test-1_0"
MAX_PACKAGE_BYTES = 10 * 1024 * 1024
ARGOS_BEAM_SIZE = 4  # argostranslate.settings.beam_size default
CHECK_SENTENCES = [
    "Klik op de knop om het bestand op te slaan.",
    "Selecteer de cellen die u wilt opmaken.",
    "Kies Opmaak - Cellen en klik op het tabblad Randen.",
    "De minister-president heeft gisteren in Den Haag een nieuw kabinet gepresenteerd.",
]
SAMPLE_SENTENCES = [
    "Klik op de knop om het bestand op te slaan.",
    "Selecteer de cellen die u wilt opmaken.",
    "Kies Extra - Opties - LibreOffice Writer - Algemeen.",
    "Het document wordt automatisch opgeslagen.",
    "Voer de naam van de nieuwe tabel in.",
    "De Russische en Oekraïense delegaties hebben dinsdag in Istanbul onderhandeld over "
    "een staakt-het-vuren.",
]

METADATA = {
    "package_version": "1.0",
    "argos_version": "1.9",
    "from_code": "nl",
    "from_name": "Dutch",
    "to_code": "en",
    "to_name": "English",
    "type": "translate",
    "package_name": "Dutch-English (nieuwsstroom small TEST model)",
    "description": (
        "nieuwsstroom's small TEST model (~7.7M parameters), trained from scratch on "
        "LibreOffice help and UI text (MPL-2.0, Debian packages). It exists to exercise "
        "the Argos/CTranslate2 code path offline; it translates software text passably "
        "and news badly. Not for news quality: install the official Argos nl->en package."
    ),
    "links": [],
}


def _load_model(work: Path, which: str):  # noqa: ANN202 - returns (model, sp, vocab)
    import sentencepiece as spm
    import torch
    from train import new_model, vocabulary

    sp = spm.SentencePieceProcessor(model_file=str(work / "spm.model"))
    vocab = vocabulary(sp)
    model = new_model(len(vocab))
    state = torch.load(work / "ckpt" / f"{which}.pt", map_location="cpu")
    model.load_state_dict(state["model"])
    model.eval()
    print(f"checkpoint {which}.pt step={state['step']} best_dev_loss={state['best']:.3f}")
    return model, sp, vocab


def convert(work: Path, which: str) -> Path:
    """PyTorch checkpoint -> HF Marian dir -> CTranslate2 int8 dir (``work/ct2``)."""
    import ctranslate2
    from train import save_hf

    model, _, vocab = _load_model(work, which)
    pad = model.config.pad_token_id
    if model.model.shared.weight[pad].detach().abs().max().item() != 0.0:
        raise ValueError("decoder start (<pad>) embedding is not zero; CTranslate2 would differ")
    hf_dir, ct2_dir = work / "hf", work / "ct2"
    if hf_dir.exists():
        shutil.rmtree(hf_dir)
    save_hf(model, work / "spm.model", vocab, hf_dir)
    ctranslate2.converters.TransformersConverter(str(hf_dir)).convert(
        str(ct2_dir), quantization="int8", force=True
    )
    config = json.loads((ct2_dir / "config.json").read_text(encoding="utf-8"))
    print(f"ct2 config: {config}")
    return ct2_dir


def verify_first_word(work: Path, which: str, ct2_dir: Path) -> None:
    """Greedy CTranslate2 (float32) must reproduce greedy PyTorch output token for token.

    Compared in float32 so int8 rounding cannot hide or fake a difference; a
    wrong decoder start shows up as a missing/different first token.
    """
    import ctranslate2
    import torch

    model, sp, vocab = _load_model(work, which)
    translator = ctranslate2.Translator(str(ct2_dir), compute_type="float32", intra_threads=2)
    for text in CHECK_SENTENCES:
        pieces = sp.encode(text, out_type=str)
        ids = torch.tensor([sp.piece_to_id(pieces)])
        with torch.no_grad():
            out = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                num_beams=1,
                do_sample=False,
                max_new_tokens=128,
            )
        hf_tokens = [vocab[i] for i in out[0].tolist() if i not in (0, model.config.pad_token_id)]
        ct2_tokens = translator.translate_batch([pieces], beam_size=1)[0].hypotheses[0]
        print(f"  HF : {sp.decode_pieces(hf_tokens)}\n  CT2: {sp.decode_pieces(ct2_tokens)}")
        if not hf_tokens or not ct2_tokens or hf_tokens[0] != ct2_tokens[0]:
            raise AssertionError(
                f"first word differs for {text!r}: {hf_tokens[:3]} vs {ct2_tokens[:3]}"
            )
        if hf_tokens != ct2_tokens:
            print("  (warning: later tokens differ)")
    print("first-word check passed: CTranslate2 decoding matches the PyTorch model")


def _readme(step_info: str) -> str:
    return (
        "# nieuwsstroom small nl->en TEST model\n\n"
        "Marian-style transformer (d_model 256, 3+3 layers, ~7.7M parameters) trained from "
        "scratch on LibreOffice help and UI text, converted to CTranslate2 int8, SentencePiece "
        "unigram vocabulary (8k, shared).\n\n"
        "It exists so nieuwsstroom's tests and demo can run the real Argos Translate code path "
        "offline. It is NOT a news translation model: install the official Argos "
        "`translate-nl_en` package for real use.\n\n"
        f"{step_info}\n\n"
        "Built by `deploy/argos-model/build_nl_en_package.py` in the nieuwsstroom repository. "
        "Training data licence: see LICENSE (MPL-2.0).\n"
    )


def data_license_text(versions: str) -> str:
    """MPL-2.0 note naming the exact Debian packages the model was trained on."""
    lines = "".join(f"- `{line}`\n" for line in versions.strip().splitlines())
    return (
        "# Training data licence of the nieuwsstroom nl->en test model\n\n"
        "`translate-nl_en-nieuwsstroom_test-1.0.argosmodel` is a derived work: a neural "
        "translation model trained on text from LibreOffice, taken from these Debian 12 "
        "packages (package name and version):\n\n"
        f"{lines}\n"
        "Used text: the Dutch and English (en-US) help pages "
        "(`/usr/share/libreoffice/help/{nl,en-US}/text/**.html`, paragraphs aligned by "
        "HTML element id) and the Dutch UI message catalogs "
        "(`/usr/lib/libreoffice/program/resource/nl/LC_MESSAGES/*.mo`, English msgid / "
        "Dutch msgstr).\n\n"
        "LibreOffice and its help and translations are licensed under the Mozilla Public "
        "License, v. 2.0 (https://mozilla.org/MPL/2.0/); see "
        "`/usr/share/doc/libreoffice-help-nl/copyright` in the packages for the full notice. "
        "Copyright: The Document Foundation and the LibreOffice contributors.\n\n"
        "The source text is available from Debian (`apt-get source libreoffice`, or "
        "`apt-get download` of the packages above) and from https://www.libreoffice.org/. "
        "The model weights, SentencePiece model and build script are distributed under the "
        "same MPL-2.0 terms.\n"
    )


def build_package(work: Path, which: str, output: Path, data_license: Path) -> Path:
    """Convert, verify, and zip the ``.argosmodel``; also write the data licence note."""
    ct2_dir = convert(work, which)
    verify_first_word(work, which, ct2_dir)
    import torch

    step = torch.load(work / "ckpt" / f"{which}.pt", map_location="cpu")["step"]
    versions = (work / "deb_versions.txt").read_text(encoding="utf-8")
    license_text = data_license_text(versions)
    stage = work / "pkg"
    if stage.exists():
        shutil.rmtree(stage)
    root = stage / PACKAGE_DIR_NAME
    shutil.copytree(ct2_dir, root / "model")
    shutil.copy(work / "spm.model", root / "sentencepiece.model")
    (root / "metadata.json").write_text(json.dumps(METADATA, indent=2) + "\n", encoding="utf-8")
    built = time.strftime("%Y-%m-%d")
    info = f"Checkpoint: {which}.pt at training step {step}, packed {built}."
    (root / "README.md").write_text(_readme(info), encoding="utf-8")
    (root / "LICENSE").write_text(license_text, encoding="utf-8")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(stage).as_posix())
    tmp.replace(output)
    data_license.write_text(license_text, encoding="utf-8")
    size = output.stat().st_size
    print(f"wrote {output} ({size / 1e6:.2f} MB)")
    if size >= MAX_PACKAGE_BYTES:
        raise ValueError(f"package is {size} bytes, over the {MAX_PACKAGE_BYTES} limit")
    verify_argos(output)
    return output


def verify_argos(argosmodel: Path) -> None:
    """Install into a temporary Argos home (a subprocess, since Argos reads env at import)."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(
            os.environ,
            XDG_DATA_HOME=f"{home}/data",
            XDG_CONFIG_HOME=f"{home}/config",
            XDG_CACHE_HOME=f"{home}/cache",
            ARGOS_TRANSLATE_PACKAGE_DIR=f"{home}/data/argos-translate/packages",
        )
        subprocess.run(
            [sys.executable, __file__, "verify-argos", str(argosmodel)], env=env, check=True
        )


class _WholeText:
    """Stand-in sentencizer: Argos's default (MiniSBD) downloads a model and fails offline."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def _verify_argos_in_process(argosmodel: Path) -> None:
    import ctranslate2
    from argostranslate import package, translate

    package.install_from_path(argosmodel)
    pkgs = [p for p in package.get_installed_packages() if (p.from_code, p.to_code) == ("nl", "en")]
    if len(pkgs) != 1:
        raise AssertionError(f"expected one nl->en package after install, got {pkgs}")
    pkg = pkgs[0]
    meta = json.loads((pkg.package_path / "metadata.json").read_text(encoding="utf-8"))
    print(f"installed {meta['package_name']!r} v{pkg.package_version} at {pkg.package_path}")
    translator = ctranslate2.Translator(str(pkg.package_path / "model"), intra_threads=2)
    for text in CHECK_SENTENCES[:2]:
        hyps = translate.apply_packaged_translation(pkg, text, translator, _WholeText(), 1)
        print(f"  argos: {text} -> {hyps[0].value}")
        if not hyps[0].value.strip():
            raise AssertionError(f"empty translation for {text!r}")


def translate_lines(argosmodel: Path, lines: list[str], work: Path) -> list[str]:
    """Translate exactly as Argos does (pieces in, ``translate_batch`` options, decode)."""
    import ctranslate2
    import sentencepiece as spm

    root = work / "eval_pkg"
    if root.exists():
        shutil.rmtree(root)
    with zipfile.ZipFile(argosmodel) as zf:
        zf.extractall(root)
    pkg_dir = next(root.iterdir())
    sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu", intra_threads=2)
    results = translator.translate_batch(
        [sp.encode(line, out_type=str) for line in lines],
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
        text = sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").replace("_", " ")
        out.append(text[1:] if text.startswith(" ") else text)
    return out


def evaluate(argosmodel: Path, heldout: Path, work: Path) -> None:
    """BLEU/chrF on the held-out help pages + sample translations, printed and saved."""
    import sacrebleu
    from corpus import read_tsv

    rows = read_tsv(heldout)
    start = time.monotonic()
    hyps = translate_lines(argosmodel, [nl for nl, _ in rows], work)
    elapsed = time.monotonic() - start
    refs = [en for _, en in rows]
    bleu = sacrebleu.corpus_bleu(hyps, [refs])
    chrf = sacrebleu.corpus_chrf(hyps, [refs])
    lines = [
        f"heldout pairs={len(rows)} translate_s={elapsed:.1f}",
        f"BLEU={bleu.score:.1f} ({bleu})",
        f"chrF={chrf.score:.1f} ({chrf})",
        "samples:",
    ]
    for src, hyp in zip(
        SAMPLE_SENTENCES, translate_lines(argosmodel, SAMPLE_SENTENCES, work), strict=True
    ):
        lines.append(f"  nl: {src}\n  en: {hyp}")
    lines.append("heldout examples:")
    for (nl, en), hyp in list(zip(rows, hyps, strict=True))[:5]:
        lines.append(f"  nl : {nl}\n  ref: {en}\n  hyp: {hyp}")
    report = "\n".join(lines)
    print(report)
    (work / "eval.txt").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "verify-argos":
        _verify_argos_in_process(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: pack.py verify-argos PATH (internal; use build_nl_en_package.py)")
