"""Text normalisation shared by the knowledge base and the mention finder.

`fold` maps every character to exactly one character (lower case, diacritics
stripped, every dash and space variant to one space, curly quotes to ASCII), so
a match found in the folded text has the *same* offsets in the original text.
That is what lets the mention finder report `text == source[start:end]`
without a separate offset map. `normalize_alias` is `fold` plus whitespace
collapsing, used for the `aliases.alias_norm` column and the matcher keys.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SPACE_LIKE = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00a0\u2009\u202f\t\n\r\f\v")
_ASCII_TABLE = str.maketrans(
    {"-": " ", "\t": " ", "\n": " ", "\r": " ", "\f": " ", "\v": " ", "`": "'"}
)
_QUOTE_MAP = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character in, one character out (the invariant `fold` relies on)."""
    if ch in _SPACE_LIKE:
        return " "
    if ch in _QUOTE_MAP:
        return _QUOTE_MAP[ch]
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0]
    low = base.lower()
    # 'İ'.lower() is two characters; keep the first so the length never changes.
    return low[0] if low else ch


class _FoldTable(dict[int, str]):
    """`str.translate` table that folds each new character once and keeps the result."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, strip diacritics, unify dashes/spaces; same length as `text`."""
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE)
    return text.translate(_FOLD_TABLE)


def normalize_alias(name: str) -> str:
    """The key under which an alias is stored and matched: folded, single-spaced."""
    return " ".join(fold(name).split())


def is_acronym(surface: str) -> bool:
    """All-capital token of 2+ letters, such as EU, NAVO, AIVD (digits allowed after a letter)."""
    letters = [c for c in surface if c.isalpha()]
    return (
        len(letters) >= 2
        and all(c.isupper() for c in letters)
        and all(c.isalnum() for c in surface)
        and surface[0].isalpha()
    )


def is_capitalised(token: str) -> bool:
    """Starts with an upper-case letter (Dutch 'IJ' counts)."""
    return bool(token) and token[0].isupper()
