"""Build nieuwsstroom's small nl->en Argos Translate test package, reproducibly.

Why this exists: the official Argos nl->en package cannot be downloaded in
our build/CI environment, yet tests and the demo must exercise the real Argos
+ CTranslate2 code path. So we train a small Marian-style TEST model on openly
licensed text (LibreOffice, GNOME help, the Debian handbook, iso-codes from
Debian; Tatoeba from the shared data folder), teach it to copy unknown names
and to obey inline terminology tags, and pack it as a genuine ``.argosmodel``.

Stages (each idempotent, all under ``deploy/argos-model/work/``)::

    python deploy/argos-model/build_nl_en_package.py prepare   # debs -> corpus -> spm
    python deploy/argos-model/build_nl_en_package.py train --minutes 90
    python deploy/argos-model/build_nl_en_package.py pack      # convert, verify, zip
    python deploy/argos-model/build_nl_en_package.py evaluate  # BLEU/chrF, copy, tags
    python deploy/argos-model/build_nl_en_package.py all --minutes 90

``prepare`` fetches the six Debian packages with ``apt-get download`` into
``work/debs`` unless they are already there (or in ``--seed-debs``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402 - sibling helper modules, importable once HERE is on sys.path
import dataset  # noqa: E402
import evaluate  # noqa: E402
import pack  # noqa: E402
import sources  # noqa: E402

REPO = HERE.parent.parent
WORK = HERE / "work"
OUTPUT = REPO / "translators" / "models" / "translate-nl_en-nieuwsstroom_test-2.1.argosmodel"
# The team's shared data folder sits beside the checkout (CI lays it there too).
TATOEBA_CANDIDATES = (
    REPO.parent / "shared" / "data" / "parallel" / "tatoeba_nl_en.tsv",
    Path("/work/shared/data/parallel/tatoeba_nl_en.tsv"),
)
DATA_LICENSE = REPO / "translators" / "models" / "DATA_LICENSE.md"
HELDOUT = REPO / "bench" / "data" / "libreoffice_help_nl_en_heldout.tsv"
TATOEBA_HELDOUT = REPO / "bench" / "data" / "tatoeba_nl_en_heldout.tsv"
DEFAULT_SEED_DEBS = Path("/work/scratch/debs")
DEV_SIZE = 400


def prepare(seed_debs: Path | None) -> None:
    """Fetch + unpack the debs, build train/held-out TSVs, train SentencePiece."""
    from train import train_spm

    packages = dict.fromkeys(corpus.DEBIAN_PACKAGES, corpus.PINNED_VERSION)
    packages.update(sources.DEBIAN_SOURCES)
    debs = corpus.fetch_debs(WORK / "debs", seed_debs, packages)
    extracted = corpus.extract_debs(debs, WORK / "x")
    train_pairs, base, heldout, tatoeba_heldout, stats = dataset.build(
        {k: v for k, v in extracted.items() if k in corpus.DEBIAN_PACKAGES},
        {k: v for k, v in extracted.items() if k in sources.DEBIAN_SOURCES},
        _tatoeba(),
    )
    corpus.write_tsv(train_pairs, WORK / "train.tsv")
    # Where each training line came from ("tatoeba", "help:...+tag", ...): lets a
    # training stage pick the augmented lines (--mix augmented).
    (WORK / "train_origins.txt").write_text(
        "".join(p.origin + "\n" for p in train_pairs), encoding="utf-8"
    )
    corpus.write_tsv(heldout, HELDOUT)
    corpus.write_tsv(tatoeba_heldout, TATOEBA_HELDOUT)
    debs_info = {
        name: {"version": corpus.deb_version(path), "file": path.name, "sha256": _sha256(path)}
        for name, path in debs.items()
    }
    (WORK / "debs.json").write_text(json.dumps(debs_info, indent=2) + "\n", encoding="utf-8")
    (WORK / "data_stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(stats, indent=2))
    train_spm([(p.nl, p.en) for p in base], WORK / "spm")
    print(f"sentencepiece -> {WORK / 'spm.model'}")


def _tatoeba() -> Path:
    for path in TATOEBA_CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError(f"tatoeba_nl_en.tsv not found in any of {TATOEBA_CANDIDATES}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _split(rows: list) -> tuple[list, list]:
    """Random dev split for loss monitoring only (the real eval set is whole held-out pages)."""
    rng = random.Random(13)
    rows = rows[:]
    rng.shuffle(rows)
    return rows[DEV_SIZE:], rows[:DEV_SIZE]


def _augmented_mix(rows: list[tuple[str, str]], origins: list[str]) -> list[tuple[str, str]]:
    """Every copy/tag variant plus as many other lines (seeded sample): half augmented.

    A second training stage on this mix (OpusTrainer-style stages) gives the copy and
    tag skills more updates when CPU time is short; the dev set stays the same.
    """
    augmented = [r for r, o in zip(rows, origins, strict=True) if o.endswith(("+copy", "+tag"))]
    others = [r for r, o in zip(rows, origins, strict=True) if not o.endswith(("+copy", "+tag"))]
    return augmented + random.Random(29).sample(others, min(len(others), len(augmented)))


def run_training(minutes: float, fresh: bool, max_tokens: int, mix: str = "all") -> None:
    """Train (or resume) the Marian model for a wall-clock budget."""
    import sentencepiece as spm
    from train import encode_pairs, new_model, train, vocabulary

    sp = spm.SentencePieceProcessor(model_file=str(WORK / "spm.model"))
    rows = corpus.read_tsv(WORK / "train.tsv")
    origins = (WORK / "train_origins.txt").read_text(encoding="utf-8").splitlines()
    # Split (line, origin) together: same shuffle as the lines alone, so the dev set is
    # the same in every stage.
    split_train, split_dev = _split(list(zip(rows, origins, strict=True)))
    train_rows = [r for r, _ in split_train]
    dev_rows = [r for r, _ in split_dev]
    if mix == "augmented":
        train_rows = _augmented_mix(train_rows, [o for _, o in split_train])
        print(f"mix=augmented: {len(train_rows)} lines, half of them copy/tag variants")
    ckpt = WORK / "ckpt"
    if fresh and ckpt.exists():
        shutil.rmtree(ckpt)
    model = new_model(len(vocabulary(sp)))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters={n_params / 1e6:.2f}M")
    train(
        model,
        encode_pairs(sp, train_rows),
        encode_pairs(sp, dev_rows),
        ckpt,
        minutes,
        max_tokens=max_tokens,
        log=WORK / "train.log",
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    global WORK  # noqa: PLW0603 - the stages read it; one CLI flag (--work) sets it
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=["prepare", "train", "pack", "evaluate", "all"])
    parser.add_argument("--minutes", type=float, default=38.0, help="training wall-clock budget")
    parser.add_argument(
        "--max-tokens",
        type=int,
        default=2000,
        help="padded tokens per batch (smaller = more updates per CPU minute)",
    )
    parser.add_argument("--fresh", action="store_true", help="discard checkpoints before training")
    parser.add_argument(
        "--mix",
        default="all",
        choices=["all", "augmented"],
        help="training lines: all, or half copy/tag variants (a second stage)",
    )
    parser.add_argument("--checkpoint", default="best", choices=["best", "last"])
    parser.add_argument(
        "--seed-debs",
        type=Path,
        default=DEFAULT_SEED_DEBS,
        help="directory with already downloaded .debs (else apt-get download)",
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="directory for intermediate files (default: work/)"
    )
    args = parser.parse_args(argv)
    WORK = args.work or WORK

    if args.stage in ("prepare", "all"):
        prepare(args.seed_debs)
    if args.stage in ("train", "all"):
        run_training(args.minutes, args.fresh, args.max_tokens, args.mix)
    if args.stage in ("pack", "all"):
        pack.build_package(WORK, args.checkpoint, OUTPUT, DATA_LICENSE)
    if args.stage in ("evaluate", "all"):
        evaluate.evaluate(OUTPUT, HELDOUT, TATOEBA_HELDOUT, WORK)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
