"""Which English name a linked mention is rendered by in `title_en`/`body_en`.

The knowledge base gives an entity an English label and English aliases; the
mention gives the form the Dutch author chose. The rule picks the English
name that says the same *amount* as the Dutch form, decided from those data
alone (no per-entity lists):

1. no English name at all: the source form ("Chernihiv" stays "Chernihiv");
2. an acronym stays an acronym: the shortest English acronym ("VS" -> "US",
   "NAVO" -> "NATO"), if the entity has one;
3. the label, when it has as many words as the mention ("Antwerpen" ->
   "Antwerp", "Kiev" -> "Kyiv", "Den Haag" -> "The Hague");
4. the source form itself when it already is an English name or the leading
   or trailing words of one ("China" for the People's Republic of China,
   "Rutte" for Mark Rutte, "Frankfurt" for Frankfurt am Main);
5. otherwise the English name closest in word count, then in spelling
   ("Poetin" -> "Putin", not "Vladimir Putin"; "Verenigde Staten" ->
   "United States", not "United States of America").

A label with a qualifier ("Paris, Texas", "Georgia (country)") is never used
as it stands: its head ("Paris") is a candidate of last resort.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from nieuwsstroom.linkers.normalize import fold

_QUALIFIED = re.compile(r"^(?P<head>[^,(]+?)\s*(?:,.*|\(.*\))$")
_WORD_SPLIT = re.compile(r"[\s\-‐–]+")


def is_acronym(name: str) -> bool:
    """ "VS", "NAVO", "EU", "U.S.": two to six capitals, dots allowed, nothing else."""
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(fold(name)) if w]


def _unqualified(label: str) -> tuple[str, str]:
    """(usable label, its head if it had a qualifier)."""
    m = _QUALIFIED.match(label.strip())
    if m is None:
        return label.strip(), ""
    return "", m.group("head").strip()


def english_name(source_form: str, label_en: str, aliases_en: Sequence[str]) -> str:
    """The English name to render `source_form` (a Dutch mention) by; see the module rules."""
    label, head = _unqualified(label_en) if label_en else ("", "")
    names = list(dict.fromkeys(n.strip() for n in (label, *aliases_en) if n and n.strip()))
    if not names:
        return head or source_form
    source_words = _words(source_form)
    if is_acronym(source_form):
        acronyms = [n for n in names if is_acronym(n)]
        if acronyms:
            return min(acronyms, key=len)
    if label and len(_words(label)) == len(source_words) and not is_acronym(label):
        return label
    for name in names:
        words = _words(name)
        n = len(source_words)
        if words[:n] == source_words or words[-n:] == source_words:
            return source_form
    candidates = [n for n in names if not is_acronym(n)] or names
    folded = fold(source_form)
    return min(
        candidates,
        key=lambda n: (
            abs(len(_words(n)) - len(source_words)),
            -SequenceMatcher(None, folded, fold(n)).ratio(),
        ),
    )
