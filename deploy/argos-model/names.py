"""Name lists for augmentation: Natural Earth (public domain) and iso-codes.

Why a split: the tag and copy evaluation must use names the model never saw
in training, or "the output contains the requested name" would only measure
memory. Names are split by a hash of the English form, so the split is
stable across rebuilds; about one in five is held out.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from corpus import Pair, normalise
from sources import ascii_fold

SEED = Path(__file__).resolve().parents[2] / "linkers" / "data" / "seed"
COUNTRIES = SEED / "naturalearth_10m_countries_qid_nl_en.csv"
PLACES_NL_EN = SEED / "naturalearth_50m_populated_places_qid_nl_en.csv"
PLACES_EN = SEED / "naturalearth_10m_populated_places_v4_qid_en.csv"


@dataclass
class NameLists:
    """Training and held-out name resources."""

    term_pairs: list[tuple[str, str]]  # (nl, en), for tags and the anchor dictionary
    copy_names: list[str]  # names written the same in both languages
    heldout_term_pairs: list[tuple[str, str]]
    heldout_copy_names: list[str]


def is_heldout_name(en: str) -> bool:
    """Stable ~20% split by the English form."""
    return hashlib.sha1(en.encode("utf-8")).digest()[0] % 5 == 0


def _usable(name: str) -> bool:
    return 1 < len(name) <= 40 and "(" not in name and "," not in name and name[0].isupper()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_names(iso: list[Pair]) -> NameLists:
    """Pairs from Natural Earth countries/places and iso-codes countries; copy names."""
    pairs: set[tuple[str, str]] = set()
    copies: set[str] = set()
    for path in (COUNTRIES, PLACES_NL_EN):
        for row in _csv_rows(path):
            en, nl = normalise(row["NAME_EN"]), normalise(row["NAME_NL"])
            if not (_usable(en) and _usable(nl)):
                continue
            if nl == en:
                copies.add(en)
            elif ascii_fold(nl) != ascii_fold(en):
                pairs.add((nl, en))
    for row in _csv_rows(PLACES_EN):
        name = normalise(row["NAME_EN"])
        if _usable(name):
            copies.add(name)
    for pair in iso:
        wanted = pair.origin == "iso:iso_3166-1" and _usable(pair.nl) and _usable(pair.en)
        if wanted and ascii_fold(pair.nl) != ascii_fold(pair.en):
            pairs.add((pair.nl, pair.en))
    ordered_pairs = sorted(pairs)
    ordered_copies = sorted(copies)
    return NameLists(
        term_pairs=[p for p in ordered_pairs if not is_heldout_name(p[1])],
        copy_names=[n for n in ordered_copies if not is_heldout_name(n)],
        heldout_term_pairs=[p for p in ordered_pairs if is_heldout_name(p[1])],
        heldout_copy_names=[n for n in ordered_copies if is_heldout_name(n)],
    )


def common_words(pairs: list[Pair]) -> set[str]:
    """Words seen in lower case in running text: capitalised, they start a sentence."""
    words: set[str] = set()
    for pair in pairs:
        for text in (pair.nl, pair.en):
            words.update(w for w in text.split() if w.islower())
    return {w.strip(".,;:!?()\"'") for w in words}
