"""Pass 1 of mention finding: where the text names a knowledge-base alias.

The folded text (`normalize.fold`) is searched at every word start for the
aliases that are prefixes of it, in an `alias_index` (the memory-mapped index
`kb build` writes, plus a small in-RAM index of aliases added since), so
"Erdogan" finds "Erdoğan" and "VN-Veiligheidsraad" finds "VN Veiligheidsraad"
with offsets that are valid in the original text. Nothing proportional to the
knowledge base is built at start-up. A hit counts only
- at word boundaries; a trailing possessive/genitive "s" or "'s" is allowed
  after a name ("Poetins", "Oekraïnes", "Rutte's"), the span then covers the
  name only; a bare "s" only before the noun it owns ("Poetins leger"), not
  before punctuation or a function word ("Olaf Koens zei" is not "Olaf Koen");
- if the case agrees: every capitalised word of the alias is capitalised in
  the text; short acronyms (<= 3 letters: EU, VS, VN) must be all capitals,
  longer ones all capitals or title case ("NAVO"/"Navo");
- if a single-word alias is not an ordinary Dutch word ("Van", "Den" as places
  are kept out of the alias set when the KB is built, see `seed.py`).
Of overlapping hits the earliest, then the longest, wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from nieuwsstroom.linkers.alias_index import (
    LENIENCY,
    AliasIndex,
    MemoryAliasIndex,
    Payload,
    alias_case_rule,
)
from nieuwsstroom.linkers.cue_words import NOT_AFTER_GENITIVE, SPEECH_VERBS
from nieuwsstroom.linkers.kb_records import AliasRecord
from nieuwsstroom.linkers.spans import SUBTOKEN, Span, sentence_initial

__all__ = ["AliasMatcher", "alias_case_rule"]


_NEXT_WORD = re.compile(r" ([^\W\d_]+)")


def _owns(folded: str, after: int) -> bool:
    """Can a genitive end at `after`? Only before the noun phrase it owns ("Poetins leger"):
    a space and a word that is no function word or speech verb ("Olaf Koens zei" is a name)."""
    word = _NEXT_WORD.match(folded, after)
    return word is not None and not (
        word.group(1) in NOT_AFTER_GENITIVE or word.group(1) in SPEECH_VERBS
    )


@lru_cache(maxsize=64)
def _start_pattern(special_starts: str) -> re.Pattern[str]:
    """Positions not preceded by a letter or digit where a key may start."""
    extra = f"|[{re.escape(special_starts)}]" if special_starts else ""
    return re.compile(rf"(?<![^\W_])(?:[^\W_]{extra})")


def _word_ok(word: str, rule: str) -> bool:
    if rule == "-":
        return True
    if rule == "U":
        return word[:1].isupper()
    if rule == "A":
        return word.isupper()
    return word.isupper() or word.istitle()


def _merge(payloads: list[Payload]) -> Payload:
    rule, types = payloads[0]
    for other_rule, other_types in payloads[1:]:
        if len(other_rule) == len(rule):
            rule = "".join(
                min(a, b, key=LENIENCY.__getitem__) for a, b in zip(rule, other_rule, strict=True)
            )
        types = types | other_types
    return rule, types


class AliasMatcher:
    """Finds knowledge-base aliases in text, over one or more alias indexes.

    `aliases` (alias, entity type) pairs are indexed in RAM (small test KBs, the
    learned overlay); `indexes` are already built, e.g. the memory-mapped index
    of a built knowledge base.
    """

    def __init__(
        self,
        aliases: Iterable[tuple[AliasRecord, str]] = (),
        common_words: frozenset[str] = frozenset(),
        *,
        indexes: Sequence[AliasIndex] = (),
    ) -> None:
        self.common_words = common_words
        memory = MemoryAliasIndex((a.alias_norm, a.alias, etype) for a, etype in aliases)
        self.indexes: tuple[AliasIndex, ...] = tuple(i for i in (*indexes, memory) if len(i) > 0)
        self._cache: dict[str, Payload | None] = {}

    def _payload(self, norm: str) -> Payload | None:
        cached = self._cache.get(norm, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        found = [p for index in self.indexes if (p := index.payload(norm)) is not None]
        payload = None if not found else found[0] if len(found) == 1 else _merge(found)
        if len(self._cache) >= 65_536:
            self._cache.clear()
        self._cache[norm] = payload
        return payload

    def types_of(self, alias_norm: str) -> frozenset[str]:
        """Entity types (PER, ORG, LOC, MISC) the knowledge base has under this alias."""
        payload = self._payload(alias_norm)
        return payload[1] if payload is not None else frozenset()

    def _raw_hits(self, folded: str) -> set[tuple[int, str]]:
        """(start, key) of every key that starts at a word start of `folded`."""
        hits: set[tuple[int, str]] = set()
        for index in self.indexes:
            width = index.max_key_len
            prefixes = index.prefixes
            for match in _start_pattern(index.special_starts).finditer(folded):
                start = match.start()
                for norm in prefixes(folded[start : start + width]):
                    hits.add((start, norm))
        return hits

    def find(self, field: str, text: str, folded: str) -> list[Span]:
        """Alias spans of one field, sorted by start, not overlapping."""
        if not self.indexes:
            return []
        hits: list[tuple[int, int, str]] = []
        size = len(folded)
        for start, norm in self._raw_hits(folded):
            end = start + len(norm)
            if end < size and folded[end].isalnum() and folded[end] != "s":
                continue  # inside a word (the genitive "s" needs the rule, below)
            payload = self._payload(norm)
            if payload is None:
                continue
            rule = payload[0]
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
    def _boundary_after(folded: str, end: int, rule: str) -> bool:
        """Word boundary, or a Dutch genitive 's'/''s' after a name ("Poetins", "Rutte's").

        A following "'s" is already a boundary (the apostrophe is not a letter), so the
        span covers the name only. The bare "s" is not allowed after acronyms ("EUs").
        """
        if end >= len(folded) or not folded[end].isalnum():
            return True
        at_end = end + 1 >= len(folded) or not folded[end + 1].isalnum()
        return folded[end] == "s" and rule[-1:] in ("U", "-") and at_end and _owns(folded, end + 1)
