"""Baseline: the mention matcher before the alias index (git history: linkers/alias_matcher.py).

One Aho-Corasick automaton over every alias of the knowledge base, built in RAM
when the worker starts. Kept here, unchanged in behaviour (but for the word-boundary
rule, which it shares with the linker's matcher), for two reasons: the
scale bench measures its start-up time and memory against the memory-mapped
index, and the tests check that the index finds exactly the spans it finds.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from nieuwsstroom.linkers.alias_index import LENIENCY, alias_case_rule
from nieuwsstroom.linkers.alias_matcher import AliasMatcher
from nieuwsstroom.linkers.kb_records import AliasRecord
from nieuwsstroom.linkers.spans import SUBTOKEN, Span, sentence_initial


def _word_ok(word: str, rule: str) -> bool:
    if rule == "-":
        return True
    if rule == "U":
        return word[:1].isupper()
    if rule == "A":
        return word.isupper()
    return word.isupper() or word.istitle()


class AutomatonMatcher:
    """The old `AliasMatcher`: same interface, all aliases in one in-RAM automaton."""

    def __init__(self, aliases: Iterable[tuple[AliasRecord, str]], common_words: frozenset[str]):
        self.common_words = common_words
        rules: dict[str, str] = {}
        types: dict[str, set[str]] = {}
        for alias, etype in aliases:
            norm = alias.alias_norm
            if not norm:
                continue
            rule = alias_case_rule(alias.alias)
            old = rules.get(norm)
            if old is None or len(old) != len(rule):
                rules[norm] = rule
            else:
                rules[norm] = "".join(
                    min(a, b, key=LENIENCY.__getitem__) for a, b in zip(old, rule, strict=True)
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
        return self._types.get(alias_norm, frozenset())

    def find(self, field: str, text: str, folded: str) -> list[Span]:
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

    # The word-boundary and genitive rule is the linker's own (the comparison is about
    # finding aliases, not about where a name ends).
    _boundary_after = staticmethod(AliasMatcher._boundary_after)
