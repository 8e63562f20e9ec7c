"""Copy-through and terminology-tag augmentation of the training pairs.

Why: the 1.0 model "translated" names it had never seen (Rotterdam ->
"Roteram"), and nieuwsstroom wants to tell the model how to render a linked
entity (Antwerpen -> Antwerp). Both are taught here, offline and seeded, by
adding variants of real training pairs:

* **copy**: a name or number that occurs unchanged on both sides (Tatoeba's
  "Tom", "LibreOffice", "2024") is replaced on both sides by another name
  (Natural Earth place names, synthetic person-like names) or number, so the
  model learns to copy what it does not know instead of guessing a word.
* **tag**: the OpusTrainer terminology convention (its ``Tags`` modifier,
  template ``__source__ {src} __target__ {trg} __done__``): a source span is
  replaced by ``__source__ SRC __target__ TGT __done__`` and the target holds
  TGT at the aligned place. TGT is the real translation of a known name pair
  (Antwerpen/Antwerp, Duitsland/Germany: OpusTrainer's ``tag`` mode), or a
  random name on both sides (its ``replace`` mode, so the model obeys the tag
  rather than its own guess).

OpusTrainer finds its spans from word alignments; we have no aligner, so the
anchors are spans we can pair without one: identical capitalised words or
digit runs that occur once on each side, and name pairs from a bilingual name
list (Natural Earth, iso-codes) whose Dutch form occurs once in the source
and English form once in the target.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus import Pair

SOURCE_TAG, TARGET_TAG, DONE_TAG = "__source__", "__target__", "__done__"
TAGS = (SOURCE_TAG, TARGET_TAG, DONE_TAG)

_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# Syllables for synthetic names.
_SYLLABLES = (  # noqa: SIM905 - a word list reads better as one string
    "ka ri mo lu sa ne ti va do be go za fe hi jo ku le mi no pa ro si to vu we ya "
    "an el in or us ber dan gor hal mar nik ol ras stan vik wal zel tr br kl"
).split()


@dataclass(frozen=True)
class Anchor:
    """A source span and a target span that translate each other."""

    src_start: int
    src_end: int
    tgt_start: int
    tgt_end: int
    kind: str  # "name" (copied as is), "number", or "term" (from the name list)


def tag(src_term: str, tgt_term: str) -> str:
    """The inline constraint, exactly as the translator must write it."""
    return f"{SOURCE_TAG} {src_term} {TARGET_TAG} {tgt_term} {DONE_TAG}"


def pseudo_name(rng: random.Random) -> str:
    """A person- or place-like name the model has almost surely never seen."""

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return word() if rng.random() < 0.5 else f"{word()} {word()}"


def random_number(rng: random.Random) -> str:
    """Digits as news writes them: small counts, years, larger amounts."""
    roll = rng.random()
    if roll < 0.4:
        return str(rng.randint(2, 99))
    if roll < 0.7:
        return str(rng.randint(1900, 2035))
    return str(rng.randint(100, 99999))


def _spans(text: str) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for m in _WORD.finditer(text):
        found.setdefault(m.group(), []).append(m.span())
    return found


class AnchorFinder:
    """Finds anchors in a pair; ``common_words`` keeps ordinary words out of "names"."""

    def __init__(self, terms: Iterable[tuple[str, str]], common_words: set[str]) -> None:
        self.terms: dict[str, str] = {}
        for nl, en in terms:
            self.terms.setdefault(nl, en)
        self.max_words = max((len(nl.split()) for nl in self.terms), default=1)
        self.common = common_words

    def find(self, nl: str, en: str) -> list[Anchor]:
        """Non-overlapping anchors, each span occurring exactly once on its side."""
        anchors: list[Anchor] = []
        used_src: list[tuple[int, int]] = []
        words = list(_WORD.finditer(nl))
        for n in range(self.max_words, 0, -1):
            for i in range(len(words) - n + 1):
                start, end = words[i].start(), words[i + n - 1].end()
                phrase = nl[start:end]
                target = self.terms.get(phrase)
                if target is None or nl.count(phrase) != 1 or en.count(target) != 1:
                    continue
                if any(s < end and start < e for s, e in used_src):
                    continue
                t = en.index(target)
                if _bounded(nl, start, end) and _bounded(en, t, t + len(target)):
                    anchors.append(Anchor(start, end, t, t + len(target), "term"))
                    used_src.append((start, end))
        src_words, tgt_words = _spans(nl), _spans(en)
        for token, places in src_words.items():
            if len(places) != 1 or len(tgt_words.get(token, ())) != 1:
                continue
            start, end = places[0]
            if any(s < end and start < e for s, e in used_src):
                continue
            if not (_bounded(nl, start, end) and _bounded(en, *tgt_words[token][0])):
                continue
            if _DIGITS.fullmatch(token):
                kind = "number"
            elif token[0].isupper() and token.casefold() not in self.common and len(token) > 1:
                kind = "name"
            else:
                continue
            t_start, t_end = tgt_words[token][0]
            anchors.append(Anchor(start, end, t_start, t_end, kind))
            used_src.append((start, end))
        return sorted(anchors, key=lambda a: a.src_start)


def _bounded(text: str, start: int, end: int) -> bool:
    """The span stands as words in running text (not inside a word, formula or code)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (before.isspace() or before in "\"'(“‘") and (after.isspace() or after in ".,;:!?)\"'”’")


def _rewrite(pair: Pair, chosen: list[tuple[Anchor, str, str]], origin: str) -> Pair:
    """Replace each chosen anchor's spans (right to left so offsets stay valid)."""
    nl, en = pair.nl, pair.en
    for anchor, new_src, _ in sorted(chosen, key=lambda c: -c[0].src_start):
        nl = nl[: anchor.src_start] + new_src + nl[anchor.src_end :]
    for anchor, _, new_tgt in sorted(chosen, key=lambda c: -c[0].tgt_start):
        en = en[: anchor.tgt_start] + new_tgt + en[anchor.tgt_end :]
    return Pair(nl, en, origin)


class Augmenter:
    """Makes copy and tag variants from name resources held in memory."""

    def __init__(
        self,
        finder: AnchorFinder,
        term_pairs: list[tuple[str, str]],
        copy_names: list[str],
        seed: int = 13,
    ) -> None:
        self.finder = finder
        self.term_pairs = [(nl, en) for nl, en in term_pairs if nl != en]
        self.copy_names = copy_names
        self.rng = random.Random(seed)
        self.last_inserted: list[str] = []  # target strings of the last variant (evaluation)

    def _copy_value(self, anchor: Anchor) -> str:
        if anchor.kind == "number":
            return random_number(self.rng)
        if self.rng.random() < 0.6:
            return self.rng.choice(self.copy_names)
        return pseudo_name(self.rng)

    def copy_variant(self, pair: Pair, anchors: list[Anchor]) -> Pair:
        """Names/numbers swapped for unseen ones (copied), or for another known name pair."""
        chosen = []
        for anchor in self.rng.sample(anchors, k=min(len(anchors), self.rng.randint(1, 2))):
            if anchor.kind == "term" and self.rng.random() < 0.5:
                chosen.append((anchor, *self.rng.choice(self.term_pairs)))  # Kopenhagen/Copenhagen
            else:
                value = self._copy_value(anchor)
                chosen.append((anchor, value, value))
        self.last_inserted = [tgt for _, _, tgt in chosen]
        return _rewrite(pair, chosen, pair.origin + "+copy")

    def tag_variant(self, pair: Pair, anchors: list[Anchor]) -> Pair:
        """One or two anchors turned into inline constraints."""
        chosen = []
        anchors = [a for a in anchors if a.kind != "number"] or anchors
        for anchor in self.rng.sample(anchors, k=min(len(anchors), self.rng.randint(1, 2))):
            roll = self.rng.random()
            if anchor.kind == "number":  # numbers are copied, never tagged (as in OpusTrainer)
                value = random_number(self.rng)
                chosen.append((anchor, value, value))
                continue
            if anchor.kind == "term" and roll < 0.3:
                src = pair.nl[anchor.src_start : anchor.src_end]
                tgt = pair.en[anchor.tgt_start : anchor.tgt_end]
            elif roll < 0.7:
                src, tgt = self.rng.choice(self.term_pairs)
            elif roll < 0.85:
                src = tgt = self._copy_value(anchor)
            else:  # OpusTrainer's "replace": the tag asks for something unrelated
                src, tgt = self.rng.choice(self.term_pairs)[0], pseudo_name(self.rng)
            chosen.append((anchor, tag(src, tgt), tgt))
        self.last_inserted = [tgt for _, _, tgt in chosen]
        return _rewrite(pair, chosen, pair.origin + "+tag")

    def augment(
        self, pairs: list[Pair], copy_rate: float, tag_rate: float
    ) -> tuple[list[Pair], dict[str, int]]:
        """Variants for a share of the anchored pairs, plus counts for the log."""
        out: list[Pair] = []
        counts = {"anchored": 0, "copy": 0, "tag": 0}
        for pair in pairs:
            anchors = self.finder.find(pair.nl, pair.en)
            if not anchors:
                continue
            counts["anchored"] += 1
            if self.rng.random() < copy_rate:
                out.append(self.copy_variant(pair, anchors))
                counts["copy"] += 1
            for _ in range(int(tag_rate) + (self.rng.random() < tag_rate % 1)):
                out.append(self.tag_variant(pair, anchors))
                counts["tag"] += 1
        return out, counts
