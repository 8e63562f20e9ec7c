"""Assemble the 2.0 training set: every source, filtered, deduplicated, weighted, augmented.

Why weights: LibreOffice text is ~70% of the pairs and all software help;
the general sentences (Tatoeba) and the prose of GNOME help and the Debian
handbook are repeated ``GENERAL_WEIGHT`` times so the model sees more of the
language news is written in. Held-out text (LibreOffice pages, 1 in 25
Tatoeba sentences) never enters training, in any source.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import augment
import corpus
import names
import sources
from corpus import Pair

GENERAL_WEIGHT = 2
COPY_RATE = 0.8  # share of anchored pairs that get a copy variant
TAG_RATE = 1.5  # tagged variants per anchored pair (0.5 = a second one for half of them)


def _filtered(pairs: list[Pair], banned_nl: set[str]) -> list[Pair]:
    seen: set[tuple[str, str]] = set()
    out: list[Pair] = []
    for pair in pairs:
        key = (pair.nl, pair.en)
        if key in seen or pair.nl in banned_nl or not corpus.keep(pair):
            continue
        if any(t in pair.nl or t in pair.en for t in augment.TAGS):
            continue
        seen.add(key)
        out.append(pair)
    return out


def build(
    lo_extracted: dict[str, Path], other: dict[str, Path], tatoeba_tsv: Path
) -> tuple[list[Pair], list[Pair], list[Pair], list[Pair], dict[str, object]]:
    """Return (train incl. variants, base pairs for SentencePiece, LO held-out, Tatoeba
    held-out, statistics)."""
    lo_train, lo_heldout = corpus.build_corpus(lo_extracted)
    banned = {p.nl for p in lo_heldout}
    tatoeba = list(sources.tatoeba_pairs(tatoeba_tsv))
    tatoeba_heldout = _filtered([p for p in tatoeba if sources.is_heldout_tatoeba(p)], set())
    banned |= {p.nl for p in tatoeba_heldout}
    gnome = list(sources.gnome_help_pairs(other["gnome-user-docs"]))
    handbook = list(sources.handbook_pairs(other["debian-handbook"]))
    by_source = {
        "libreoffice": _filtered(lo_train, banned),
        "tatoeba": _filtered([p for p in tatoeba if not sources.is_heldout_tatoeba(p)], banned),
        "gnome-user-docs": _filtered(gnome, banned),
        "debian-handbook": _filtered(handbook, banned),
        "iso-codes": _filtered(list(sources.iso_pairs(other["iso-codes"])), banned),
    }
    base: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    for pairs in by_source.values():
        for pair in pairs:
            if (pair.nl, pair.en) not in seen:
                seen.add((pair.nl, pair.en))
                base.append(pair)

    lists = names.load_names(by_source["iso-codes"])
    finder = augment.AnchorFinder(lists.term_pairs, names.common_words(base))
    augmenter = augment.Augmenter(finder, lists.term_pairs, lists.copy_names)
    variants, counts = augmenter.augment(base, COPY_RATE, TAG_RATE)

    weighted = list(base)
    for source in ("tatoeba", "gnome-user-docs", "debian-handbook"):
        weighted += by_source[source] * (GENERAL_WEIGHT - 1)
    train = weighted + variants
    random.Random(13).shuffle(train)
    stats: dict[str, object] = {
        "pairs_per_source": {k: len(v) for k, v in by_source.items()},
        "base_pairs": len(base),
        "augmentation": counts,
        "train_lines": len(train),
        "general_weight": GENERAL_WEIGHT,
        "heldout": {"libreoffice_help": len(lo_heldout), "tatoeba": len(tatoeba_heldout)},
        "names": {
            "term_pairs": len(lists.term_pairs),
            "copy_names": len(lists.copy_names),
            "heldout_term_pairs": len(lists.heldout_term_pairs),
            "heldout_copy_names": len(lists.heldout_copy_names),
        },
        "variant_origins": dict(Counter(p.origin.split(":")[0] for p in variants)),
    }
    return train, base, lo_heldout, tatoeba_heldout, stats
