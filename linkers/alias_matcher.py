"""Pass 1 of mention finding: where the text names a knowledge-base alias.

One Aho-Corasick automaton over the folded (`normalize.fold`) text, so "Erdogan"
finds "Erdoğan" and "VN-Veiligheidsraad" finds "VN Veiligheidsraad" with
offsets that are valid in the original text. A hit counts only
- at word boundaries; a trailing possessive/genitive "s" or "'s" is allowed
  after a name ("Poetins", "Oekraïnes", "Rutte's"), the span then covers the
  name only;
- if the case agrees: every capitalised word of the alias is capitalised in
  the text; short acronyms (<= 3 letters: EU, VS, VN) must be all capitals,
  longer ones all capitals or title case ("NAVO"/"Navo");
- if a single-word alias is not an ordinary Dutch word ("Van", "Den" as places
  are kept out of the alias set when the KB is built, see `seed.py`).
Of overlapping hits the earliest, then the longest, wins.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from nieuwsstroom.linkers.kb_sqlite import AliasRecord
from nieuwsstroom.linkers.normalize import is_acronym, is_capitalised
from nieuwsstroom.linkers.spans import SUBTOKEN, Span, sentence_initial

# Per-word case constraint of an alias: '-' none, 'U' capital first letter,
# 'a' acronym (all capitals or title case), 'A' short acronym (all capitals).
_LENIENCY = {"-": 0, "U": 1, "a": 2, "A": 3}


def _word_rule(word: str) -> str:
    if is_acronym(word):
        return "A" if len(word) <= 3 else "a"
    return "U" if is_capitalised(word) else "-"


def alias_case_rule(alias: str) -> tuple[str, ...]:
    """The case constraint per word of `alias` (see module docstring)."""
    return tuple(_word_rule(w) for w in SUBTOKEN.findall(alias))


def _word_ok(word: str, rule: str) -> bool:
    if rule == "-":
        return True
    if rule == "U":
        return word[:1].isupper()
    if rule == "A":
        return word.isupper()
    return word.isupper() or word.istitle()


class AliasMatcher:
    """Finds knowledge-base aliases in text; built once per knowledge base."""

    def __init__(self, aliases: Iterable[tuple[AliasRecord, str]], common_words: frozenset[str]):
        self.common_words = common_words
        rules: dict[str, tuple[str, ...]] = {}
        types: dict[str, set[str]] = {}
        for alias, etype in aliases:
            norm = alias.alias_norm
            if not norm:
                continue
            rule = alias_case_rule(alias.alias)
            old = rules.get(norm)
            if old is None or len(old) != len(rule):
                rules[norm] = rule
            else:  # several spellings: keep the more lenient rule per word
                rules[norm] = tuple(
                    min(a, b, key=_LENIENCY.__getitem__) for a, b in zip(old, rule, strict=True)
                )
            types.setdefault(norm, set()).add(etype)
        self._types = {k: frozenset(v) for k, v in types.items()}
        self._automaton = ahocorasick.Automaton()
        for norm, rule in rules.items():
            self._automaton.add_word(norm, (norm, rule))
        if rules:
            self._automaton.make_automaton()
        self._empty = not rules

    def types_of(self, alias_norm: str) -> frozenset[str]:
        """Entity types (PER, ORG, LOC, MISC) the knowledge base has under this alias."""
        return self._types.get(alias_norm, frozenset())

    def find(self, field: str, text: str, folded: str) -> list[Span]:
        """Alias spans of one field, sorted by start, not overlapping."""
        if self._empty:
            return []
        hits: list[tuple[int, int, str]] = []
        for end_idx, (norm, rule) in self._automaton.iter(folded):
            start, end = end_idx - len(norm) + 1, end_idx + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if not self._boundary_after(folded, end, rule):
                continue
            words = SUBTOKEN.findall(text[start:end])
            if len(words) != len(rule) or not all(map(_word_ok, words, rule)):
                continue
            if len(words) == 1 and norm in self.common_words:
                continue
            hits.append((start, end, norm))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        spans: list[Span] = []
        last_end = -1
        for start, end, norm in hits:
            if start >= last_end:
                initial = sentence_initial(text, start)
                spans.append(Span(field, start, end, text[start:end], "kb", norm, initial))
                last_end = end
        return spans

    @staticmethod
    def _boundary_after(folded: str, end: int, rule: tuple[str, ...]) -> bool:
        """Word boundary, or a Dutch genitive 's'/''s' after a name ("Poetins", "Rutte's").

        A following "'s" is already a boundary (the apostrophe is not a letter), so the
        span covers the name only. The bare "s" is not allowed after acronyms ("EUs").
        """
        if end >= len(folded) or not folded[end].isalnum():
            return True
        at_end = end + 1 >= len(folded) or not folded[end + 1].isalnum()
        return folded[end] == "s" and rule[-1] in "U-" and at_end
