"""What one word says about the name it stands in or before.

Shared by pass 2 of mention finding (`unknown_names.py`) and the context reader
(`context.py`), which both ask it of single tokens: a title or organisation word
that leads a name rather than being part of it ("Staatssecretaris Vincent
Karremans"), an acronym, a rough type for a name the knowledge base lacks, a
given name (`data/nl_given_names.txt`). The word lists are in `cue_words.py`.
The same words recur in every article, so the per-token answers are cached.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from nieuwsstroom.linkers.cue_words import (
    ORG_CUES,
    ORG_WORD_SUFFIXES,
    ORG_WORDS,
    PER_CUES,
    PER_TITLE_SUFFIXES,
    PER_TITLES,
    PLACE_KIND_WORDS,
)
from nieuwsstroom.linkers.normalize import fold, normalize_alias
from nieuwsstroom.linkers.normalize import is_acronym as _is_acronym

GIVEN_NAMES_FILE = Path(__file__).parent / "data" / "nl_given_names.txt"


def load_given_names(path: Path = GIVEN_NAMES_FILE) -> frozenset[str]:
    """Folded given names (`data/nl_given_names.txt`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(ln.strip()) for ln in lines if ln.strip() and not ln.startswith("#"))


@lru_cache(maxsize=1)
def default_given_names() -> frozenset[str]:
    return load_given_names()


@lru_cache(maxsize=65536)
def is_acronym(word: str) -> bool:
    """`normalize.is_acronym`, cached per token."""
    return _is_acronym(word)


@lru_cache(maxsize=65536)
def norm_word(word: str) -> str:
    """`normalize_alias` of one token, cached: the same words recur in every article."""
    return normalize_alias(word)


@lru_cache(maxsize=16384)
def is_lead_word(word: str) -> bool:
    """A title or organisation word that starts a sentence before a name, not part of it
    ("Staatssecretaris", "Oppositiepartijen", and compounds like "SP-leider", "IMF-topvrouw")."""
    if "-" in word:
        word = word.rsplit("-", 1)[1]
    low = normalize_alias(word)
    for form in (low, low[:-2] if low.endswith("en") else low, low.rstrip("s")):
        if form in PER_TITLES or form in ORG_WORDS or form in PLACE_KIND_WORDS:
            return True
        if form.endswith(ORG_WORD_SUFFIXES) or form.endswith(PER_TITLE_SUFFIXES):
            return True
    return False


def type_hint(words: list[str], text: str, start: int) -> str:
    """A rough type for an unlinked name, from its words and the word before it."""
    if any(normalize_alias(w) in ORG_CUES for w in words) or any(is_acronym(w) for w in words):
        return "ORG"
    before = text[max(0, start - 40) : start].split()
    if before and normalize_alias(before[-1].strip(",")) in PER_CUES:
        return "PER"
    after = text[start : start + 200].split()
    if len(words) in (2, 3) and all(w.istitle() for w in words):
        return "PER"
    if len(after) > len(words) and after[len(words)].strip(",") == "zei":
        return "PER"
    return "MISC"
