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

from licence import data_license_text

PACKAGE_DIR_NAME = "translate-nl_en-nieuwsstroom_test-2_1"
MAX_PACKAGE_BYTES = 25 * 1024 * 1024
CHECK_SENTENCES = [
    "Klik op de knop om het bestand op te slaan.",
    "Selecteer de cellen die u wilt opmaken.",
    "Kies Opmaak - Cellen en klik op het tabblad Randen.",
    "De minister-president heeft gisteren in Den Haag een nieuw kabinet gepresenteerd.",
    "Tom woont in __source__ Antwerpen __target__ Antwerp __done__.",
]
METADATA = {
    "package_version": "2.1",
    "argos_version": "1.9",
    "from_code": "nl",
    "from_name": "Dutch",
    "to_code": "en",
    "to_name": "English",
    "type": "translate",
    "package_name": "Dutch-English (nieuwsstroom small TEST model)",
    "description": (
        "nieuwsstroom's small TEST model (~9.5M parameters), trained from scratch on "
        "LibreOffice help/UI text, GNOME help, the Debian handbook, iso-codes names and "
        "Tatoeba sentences. It exists to exercise the Argos/CTranslate2 code path offline; "
        "it translates software text passably and news badly. NOT for news: install the "
        "official Argos nl->en package. Trained to copy unknown names and numbers and to "
        "obey inline terminology tags (see terminology_tags)."
    ),
    "links": [],
    # Not an Argos key: tells nieuwsstroom's translator that this model was trained
    # for OpusTrainer-style inline constraints "__source__ SRC __target__ TGT __done__".
    # Official Argos packages never carry it.
    "terminology_tags": {"source": "__source__", "target": "__target__", "done": "__done__"},
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
    import train

    return (
        "# nieuwsstroom small nl->en TEST model (2.0)\n\n"
        "**This is a TEST model, not a news translator.** It exists so nieuwsstroom's tests "
        "and demo can run the real Argos Translate code path offline. For real use install "
        "the official Argos `translate-nl_en` package.\n\n"
        f"Marian-style transformer (d_model {train.D_MODEL}, {train.ENCODER_LAYERS}+"
        f"{train.DECODER_LAYERS} layers, FFN {train.FFN}) trained from scratch on "
        "LibreOffice help/UI text, GNOME help, the Debian handbook, iso-codes names and "
        "Tatoeba sentences, converted to CTranslate2 int8. One shared SentencePiece unigram "
        f"vocabulary ({train.VOCAB_SIZE} pieces, byte fallback) with the user-defined symbols "
        "`__source__`, `__target__`, `__done__`.\n\n"
        "Trained to copy unknown names and numbers, and to obey inline terminology "
        "constraints in the OpusTrainer convention: a source span written as "
        "`__source__ SRC __target__ TGT __done__` is rendered as TGT (metadata.json key "
        "`terminology_tags`).\n\n"
        f"{step_info}\n\n"
        "Built by `deploy/argos-model/build_nl_en_package.py` in the nieuwsstroom repository. "
        "Training data licences and attribution (Sentences from Tatoeba, tatoeba.org, "
        "CC BY 2.0 FR): see LICENSE.\n"
    )


def build_package(work: Path, which: str, output: Path, data_license: Path) -> Path:
    """Convert, verify, and zip the ``.argosmodel``; also write the data licence note."""
    ct2_dir = convert(work, which)
    verify_first_word(work, which, ct2_dir)
    import torch

    step = torch.load(work / "ckpt" / f"{which}.pt", map_location="cpu")["step"]
    license_text = data_license_text(work)
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
    if meta.get("terminology_tags", {}).get("source") != "__source__":
        raise AssertionError(f"metadata.json lacks terminology_tags: {meta}")
    for text in CHECK_SENTENCES:
        hyps = translate.apply_packaged_translation(pkg, text, translator, _WholeText(), 1)
        print(f"  argos apply_packaged_translation: {text} -> {hyps[0].value}")
        if not hyps[0].value.strip():
            raise AssertionError(f"empty translation for {text!r}")
    # Argos's public translate path, with an offline sentencizer (MiniSBD would download).
    translation = translate.get_translation_from_codes("nl", "en")
    getattr(translation, "underlying", translation).sentencizer = _WholeText()
    text = CHECK_SENTENCES[0]
    print(f"  argos translate(): {text} -> {translation.translate(text)}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "verify-argos":
        _verify_argos_in_process(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: pack.py verify-argos PATH (internal; use build_nl_en_package.py)")
