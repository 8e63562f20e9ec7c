"""Mention finding on the Dutch source: knowledge-base aliases plus unknown names.

Two passes over each field:

1. Aliases: one Aho-Corasick automaton over the folded (`normalize.fold`) text,
   so "Erdogan" finds "Erdoğan" and "VN-Veiligheidsraad" finds "VN Veiligheidsraad"
   with offsets that are valid in the original text. A hit counts only
   - at word boundaries; a trailing possessive/genitive "s" or "'s" is allowed
     after a name ("Poetins", "Oekraïnes", "Rutte's"), the span then covers the
     name only;
   - if the case agrees: every capitalised word of the alias is capitalised in
     the text; short acronyms (<= 3 letters: EU, VS, VN) must be all capitals,
     longer ones all capitals or title case ("NAVO"/"Navo").
   Ordinary words are kept out of the alias set when the KB is built (see
   `seed.py`: "Van", "Den", "Hof" as place names), and single-word matches
   that are ordinary Dutch words are ignored here too.
2. Unknown names: runs of capitalised words and acronyms that no alias covers
   go to the linker as unlinked spans. Skipped: a single capitalised word at
   the start of a sentence or line (Dutch capitalises ordinary words there),
   ordinary words from `data/nl_common_words.txt`, and adjectives/demonyms
   ("Russische", "Oekraïense", "Turkse", "Russen"): they describe a people or
   origin, not the country, so they are neither linked nor reported.
   A place alias embedded in a longer unknown name ("Vladimir Medinsky") gives
   way to the name: the city Vladimir is not meant there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from nieuwsstroom.linkers.kb_sqlite import AliasRecord
from nieuwsstroom.linkers.normalize import fold, is_acronym, is_capitalised, normalize_alias

SpanKind = Literal["kb", "name", "acronym"]

_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SUBTOKEN = re.compile(r"[^\W_]+")
_ADJECTIVE_SUFFIXES = ("isch", "ische", "aans", "aanse", "ense", "ese", "ees", "se", "sche")
_CONNECTORS = frozenset({"van", "de", "der", "den", "von", "voor", "het", "ter", "ten", "la", "le"})
_ROMAN = frozenset({"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"})
_OPENERS = "\"'“”‘’«»„([{*•–—-"
_SENTENCE_END = ".!?:;\n"
_ORG_CUES = frozenset(
    {
        "zaken",
        "bank",
        "partij",
        "raad",
        "ministerie",
        "universiteit",
        "news",
        "times",
        "unie",
        "organisatie",
        "dienst",
        "fonds",
        "commissie",
        "agentschap",
        "federatie",
        "bond",
        "groep",
    }
)
_PER_CUES = frozenset(
    {
        "burgemeester",
        "president",
        "minister",
        "premier",
        "onderhandelaar",
        "woordvoerder",
        "topman",
        "directeur",
        "ambtgenoot",
        "kanselier",
        "generaal",
        "commandant",
        "leider",
        "secretaris-generaal",
        "minister-president",
        "koning",
        "koningin",
        "journalist",
        "zei",
    }
)

# Per-word case constraint of an alias: '-' none, 'U' capital first letter,
# 'a' acronym (all capitals or title case), 'A' short acronym (all capitals).
_LENIENCY = {"-": 0, "U": 1, "a": 2, "A": 3}


def _word_rule(word: str) -> str:
    if is_acronym(word):
        return "A" if len(word) <= 3 else "a"
    return "U" if is_capitalised(word) else "-"


def alias_case_rule(alias: str) -> tuple[str, ...]:
    """The case constraint per word of `alias` (see module docstring)."""
    return tuple(_word_rule(w) for w in _SUBTOKEN.findall(alias))


def _word_ok(word: str, rule: str) -> bool:
    if rule == "-":
        return True
    if rule == "U":
        return word[:1].isupper()
    if rule == "A":
        return word.isupper()
    return word.isupper() or word.istitle()


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate mention: `text == source[field][start:end]`."""

    field: str
    start: int
    end: int
    text: str
    kind: SpanKind
    alias_norm: str = ""
    sentence_initial: bool = False
    type_hint: str = "MISC"


class MentionFinder:
    """Finds alias spans and unknown-name spans; built once per knowledge base."""

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
        self.alias_types = {k: frozenset(v) for k, v in types.items()}
        self._automaton = ahocorasick.Automaton()
        for norm, rule in rules.items():
            self._automaton.add_word(norm, (norm, rule))
        if rules:
            self._automaton.make_automaton()
        self._empty = not rules

    # -- pass 1: aliases -------------------------------------------------------------------
    def _alias_spans(self, field: str, text: str, folded: str) -> list[Span]:
        if self._empty:
            return []
        hits: list[tuple[int, int, str]] = []
        for end_idx, (norm, rule) in self._automaton.iter(folded):
            start, end = end_idx - len(norm) + 1, end_idx + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if not self._boundary_after(folded, end, rule):
                continue
            words = _SUBTOKEN.findall(text[start:end])
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
                spans.append(
                    Span(
                        field,
                        start,
                        end,
                        text[start:end],
                        "kb",
                        norm,
                        _sentence_initial(text, start),
                    )
                )
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

    # -- pass 2: unknown names -------------------------------------------------------------
    def _is_ordinary(self, word: str) -> bool:
        low = normalize_alias(word)
        if low in self.common_words:
            return True
        last = low.split()[-1]
        return not is_acronym(word) and last.endswith(_ADJECTIVE_SUFFIXES)

    def _name_spans(
        self, field: str, text: str, covered: list[Span]
    ) -> tuple[list[Span], set[int]]:
        """Unknown-name spans, and the indexes of alias spans they swallow."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        cover_at: dict[int, int] = {}
        c = 0
        for t_i, (s, e, _w) in enumerate(tokens):
            while c < len(covered) and covered[c].end <= s:
                c += 1
            if c < len(covered) and covered[c].start < e:
                cover_at[t_i] = c
        out: list[Span] = []
        swallowed: set[int] = set()
        i = 0
        while i < len(tokens):
            run = self._run_from(i, tokens, text, cover_at)
            if not run:
                i += 1
                continue
            i = run[-1] + 1
            cov = [t for t in run if t in cover_at]
            unknown = [t for t in run if t not in cover_at and tokens[t][2] not in _CONNECTORS]
            if not unknown:
                continue
            if cov:
                per = [
                    t
                    for t in cov
                    if "PER" in self.alias_types.get(covered[cover_at[t]].alias_norm, frozenset())
                ]
                if per:
                    # "Vladimir Vladimirovitsj Poetin": the person's alias wins, the rest of
                    # the run is the rest of that person's name (not the city Vladimir).
                    swallowed.update(cover_at[t] for t in cov if t not in per)
                    continue
                # "Vladimir Medinsky", "Den Haag Centraal": an unknown longer name.
                swallowed.update(cover_at[t] for t in cov)
            words = [tokens[t][2] for t in run]
            if len(words) == 1:
                sp = self._single(field, text, tokens[run[0]])
                if sp:
                    out.append(sp)
                continue
            start, end = tokens[run[0]][0], tokens[run[-1]][1]
            out.append(
                Span(
                    field,
                    start,
                    end,
                    text[start:end],
                    "name",
                    sentence_initial=_sentence_initial(text, start),
                    type_hint=_type_hint(words, text, start),
                )
            )
        return out, swallowed

    def _single(self, field: str, text: str, token: tuple[int, int, str]) -> Span | None:
        """A lone capitalised word or acronym, if it is a name at all."""
        start, _end, word = token
        head = word.split("-")[0]
        if is_acronym(head):
            if head in _ROMAN:
                return None
            return Span(field, start, start + len(head), head, "acronym", type_hint="ORG")
        if "-" in word and not is_capitalised(word.split("-")[-1]):
            word = head  # "Oekraïne-update": the name is the first part
        if (
            _sentence_initial(text, start)
            or self._is_ordinary(word)
            or not is_capitalised(word)
            or any(ch.isdigit() for ch in word)
        ):
            return None
        return Span(
            field, start, start + len(word), word, "name", type_hint=_type_hint([word], text, start)
        )

    def _run_from(
        self, i: int, tokens: list[tuple[int, int, str]], text: str, cover_at: dict[int, int]
    ) -> list[int]:
        """Indexes of a run of capitalised tokens starting at i (single spaces between).

        An adjective may start a run ("Buitenlandse Zaken") but not continue one
        ("Nederland Russische diplomaten"); connectors ("Partij van de Arbeid") join
        two unknown words only after a one-word start.
        """
        first = tokens[i][2]
        if not is_capitalised(first):
            return []
        run = [i]
        j = i + 1
        if i not in cover_at and self._is_common(first):
            # Surname particles: "Van Rompuy", "De Jonge", "Van der Laan" (not "Van Oekraïne").
            if first.lower() not in _CONNECTORS:
                return []
            while j < len(tokens) and tokens[j][2] in _CONNECTORS:
                j += 1
            nxt = tokens[j][2] if j < len(tokens) else ""
            if (
                j >= len(tokens)
                or j in cover_at
                or not is_capitalised(nxt)
                or is_acronym(nxt)  # "De PVV", "Het CDA": an article, not "De Jonge"
                or self._is_common(nxt)
                or self._is_ordinary(nxt)
                or text[tokens[i][1] : tokens[j][0]].strip(" ")
                != " ".join(t[2] for t in tokens[i + 1 : j])
            ):
                return []
            run.extend(range(i + 1, j + 1))
            j += 1
        while j < len(tokens) and text[tokens[j - 1][1] : tokens[j][0]] == " ":
            word = tokens[j][2]
            if word in _ROMAN:
                break
            if is_capitalised(word) and (j in cover_at or not self._is_common(word)):
                if j not in cover_at and not is_acronym(word) and self._is_ordinary(word):
                    break
                run.append(j)
                j += 1
                continue
            k = j
            while (
                k < len(tokens)
                and tokens[k][2].lower() in _CONNECTORS
                and text[tokens[k - 1][1] : tokens[k][0]] == " "
            ):
                k += 1
            if (
                k > j
                and len(run) == 1
                and i not in cover_at
                and k < len(tokens)
                and k not in cover_at
                and is_capitalised(tokens[k][2])
                and not self._is_ordinary(tokens[k][2])
                and text[tokens[k - 1][1] : tokens[k][0]] == " "
            ):
                run.extend(range(j, k + 1))
                j = k + 1
                continue
            break
        return run

    def _is_common(self, word: str) -> bool:
        """An ordinary Dutch word (capitalised at a sentence start or in a heading)."""
        return not is_acronym(word) and normalize_alias(word) in self.common_words

    # -- public ----------------------------------------------------------------------------
    def find(self, field: str, text: str) -> list[Span]:
        """All spans in one field, sorted by start; alias spans first on ties."""
        folded = fold(text)
        alias_spans = self._alias_spans(field, text, folded)
        names, swallowed = self._name_spans(field, text, alias_spans)
        kept = [s for i, s in enumerate(alias_spans) if i not in swallowed]
        return sorted(kept + names, key=lambda s: (s.start, s.kind != "kb"))


def _sentence_initial(text: str, start: int) -> bool:
    """True at the start of the text, a line, or a sentence (quotes, bullets, '50 ' skipped)."""
    i = start - 1
    while i >= 0 and (text[i] in " \t" or text[i] in _OPENERS):
        i -= 1
    if i >= 0 and text[i].isdigit():  # teaser lines: "50 Erdogan roept op ..."
        j = i
        while j >= 0 and text[j].isdigit():
            j -= 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        if j < 0 or text[j] == "\n":
            return True
    return i < 0 or text[i] in _SENTENCE_END


def _type_hint(words: list[str], text: str, start: int) -> str:
    """A rough type for an unlinked name, from its words and the word before it."""
    if any(normalize_alias(w) in _ORG_CUES for w in words) or any(is_acronym(w) for w in words):
        return "ORG"
    before = text[max(0, start - 40) : start].split()
    if before and normalize_alias(before[-1].strip(",")) in _PER_CUES:
        return "PER"
    after = text[start : start + 200].split()
    if len(words) in (2, 3) and all(w.istitle() for w in words):
        return "PER"
    if len(after) > len(words) and after[len(words)].strip(",") == "zei":
        return "PER"
    return "MISC"
