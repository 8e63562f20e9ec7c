"""What the Dutch words around a mention say about the kind of thing it names.

A candidate must earn its link: the knowledge base may hold a brand "Adam", an
island "Man" and a city "Liverpool", but "Adam (19) bouwt een app", "Man: Vroeger
voeren we uit" and "achter Liverpool en Benfica" in a match report name a person,
a speaker and a club. `ContextReader.read` turns the text around each span into
one `Cue`: the entity type the context expects (PER, ORG, LOC), optionally the
kind of place or body (`settlement`, `region`, `country`, `team`), how strong
the evidence is, and why (the reason ops see for a rejected candidate).

Evidence, strongest first: a speaker label at a line start ("Dyer:"); a title
or role before the name ("minister", "de heer", "Kamerlid"), an organisation
word ("supermarkt", "techbedrijf", "partij"), a place word ("provincie",
"stad") or a place preposition ("in", "uit", "naar") right before it, also
through a list ("in Gent en Leuven"); an age after it ("Adam (19)"); a team
context (a sports text, a sentence about a match, no place preposition); a
given name on its own; a speech verb after it ("zei").
The word lists are in `cue_words.py`; given names in `data/nl_given_names.txt`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from nieuwsstroom.linkers import cue_words as cw
from nieuwsstroom.linkers.name_words import default_given_names, is_lead_word
from nieuwsstroom.linkers.normalize import fold
from nieuwsstroom.linkers.spans import Span

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|[^\w\s]")
_SCORE = re.compile(r"(?<![\d.,-])\d{1,2}-\d{1,2}(?![\d-])")
_AGE_AFTER = re.compile(r"^\s*\((\d{1,3})\)")
_SENTENCE_BREAK = re.compile(r"[.!?\n]")


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """`fold` of one token, cached: the same words recur in every article."""
    return fold(word)


@dataclass(frozen=True, slots=True)
class Cue:
    """What the context expects; `strength` 2 = explicit, 1 = a hint, 0 = nothing."""

    type: str | None = None
    kind: str | None = None
    strength: int = 0
    why: str = ""


NO_CUE = Cue()


class ContextReader:
    """Reads cues for the spans of one field; built once, holds only word lists."""

    def __init__(
        self,
        given_names: frozenset[str] | None = None,
        common_words: frozenset[str] = frozenset(),
    ) -> None:
        self.given_names = default_given_names() if given_names is None else given_names
        self.common_words = common_words

    def is_mention(self, span: Span, text: str) -> bool:
        """False for an alias hit that is an ordinary word in this place.

        "Nederland" in "Nederlands" (the stem of an adjective), and a title or
        organisation word capitalised at a sentence start ("Topman Boudewijn
        Siemons zei": a brand called Topman is not meant).
        """
        if span.kind != "kb":
            return True
        if not any(ch.isalpha() for ch in span.text):
            return False  # "3 doden": a number, whatever brand is called "3"
        if text[span.end : span.end + 1] == "s" and fold(span.text + "s") in self.common_words:
            return False
        return not (span.sentence_initial and " " not in span.text and is_lead_word(span.text))

    @staticmethod
    def is_sports_text(texts: list[str]) -> bool:
        """A match report: a score ("2-1") or at least two sports words in the article."""
        if any(_SCORE.search(t) for t in texts):
            return True
        return len(cw.SPORT_DOC_WORDS.intersection(fold(" ".join(texts)).split())) >= 2

    def read_field(self, spans: list[Span], text: str, sports: bool) -> list[Cue]:
        """One cue per span (spans sorted by start); list members share a place cue."""
        cues: list[Cue] = []
        breaks = [m.start() for m in _SENTENCE_BREAK.finditer(text)] if sports else None
        for i, span in enumerate(spans):
            cue = self._read(span, text, breaks)
            if cue.strength < 2 and i > 0 and cues[i - 1].type == "LOC":
                gap = text[spans[i - 1].end : span.start]
                if cues[i - 1].strength == 2 and gap.strip() in (",", "en", "of", ", en"):
                    cue = Cue("LOC", cues[i - 1].kind, 2, cues[i - 1].why + " (list)")
            cues.append(cue)
        return cues

    def _read(self, span: Span, text: str, breaks: list[int] | None) -> Cue:
        """The cue of one span; `breaks` are the field's sentence ends in a sports text."""
        before = _WORD.findall(text[max(0, span.start - 64) : span.start])
        after = text[span.end : span.end + 40]
        line_start = text.rfind("\n", 0, span.start) + 1
        if (
            span.field == "body"
            and not text[line_start : span.start].strip()
            and after.startswith(":")
        ):
            return Cue("PER", None, 2, "speaker label")
        explicit = self._before(before)
        if explicit is not None:
            return explicit
        if _AGE_AFTER.match(after):
            return Cue("PER", None, 2, "an age after it")
        if breaks is not None and self._match_sentence(span, text, breaks):
            return Cue("ORG", "team", 2, "team context (a match report)")
        words = _fold_word(span.text).split()
        if len(words) == 1 and words[0] in self.given_names:
            return Cue("PER", None, 1, "a given name")
        nxt = after.split(None, 1)[:1]
        verb = (_fold_word(nxt[0]).split() or [""])[0].strip(",") if nxt else ""
        if verb in cw.SPEECH_VERBS:
            return Cue("PER", None, 1, f"'{verb}' after it")
        return NO_CUE

    @staticmethod
    def _before(tokens: list[str]) -> Cue | None:
        """A title, role, organisation or place word before the name (same clause)."""
        if not tokens:
            return None
        words = [_fold_word(t) for t in tokens[-7:]]
        last = words[-1]
        if last in cw.LOC_PREPOSITIONS:
            return Cue("LOC", None, 2, f"'{last}' before it")
        if last == "het" and len(words) >= 2 and words[-2] in ("in", "uit", "naar"):
            return Cue(None, "language", 1, f"'{words[-2]} het' before it")
        if last == "de" and len(words) >= 2 and words[-2] in cw.LOC_PREPOSITIONS:
            # "in de Randstad" is mostly a place, but "in de Tweede Kamer" is not: a hint only.
            return Cue("LOC", None, 1, f"'{words[-2]} de' before it")
        if last in cw.DETERMINERS or last == "van":
            # The name has its own article or is a complement: "staat de PVV op kop",
            # "lijsttrekker van het CDA", "gouverneur Gavin Newsom van Californië".
            return None
        # Look back over the name's run-up: "minister van Financiën Eelco Heinen",
        # "de Belgische provincie Luxemburg", "de 19-jarige Adam", "supermarktketen Dirk".
        run_up, words = tokens[-6:], words[-6:]
        for i in range(len(run_up) - 1, -1, -1):
            token, word = run_up[i], words[i]
            if word == "van" and i > 0 and run_up[i - 1][:1].isupper():
                return None  # "viroloog Marion Koopmans van het Erasmus MC": not the virologist
            if word in cw.PLACE_KIND_WORDS:
                before = words[i - 1] if i > 0 else ""
                if word not in cw.NOUN_NEEDS_DETERMINER or (
                    before in cw.DETERMINERS or (before.endswith("e") and before.isalpha())
                ):
                    return Cue("LOC", cw.PLACE_KIND_WORDS[word], 2, f"'{word}' before it")
                return None  # "staat" the verb: "Volgens de peiling staat Wilders ..."
            kind = cw.org_kind(word)
            if kind is not None:
                return Cue("ORG", kind or None, 2, f"'{word}' before it")
            if word in cw.PER_TITLES or word.endswith(cw.PER_TITLE_SUFFIXES):
                return Cue("PER", None, 2, f"'{word}' before it")
            if not (word in cw.RUN_UP_WORDS or word.isdigit() or token[:1].isupper()):
                return None
        return None

    @staticmethod
    def _match_sentence(span: Span, text: str, breaks: list[int]) -> bool:
        """The span's sentence is about a match (and no place preposition precedes it)."""
        k = bisect_left(breaks, span.start)
        start = breaks[k - 1] + 1 if k else 0
        k = bisect_left(breaks, span.end)
        sentence = _match_words(text[start : breaks[k] if k < len(breaks) else len(text)])
        return sentence


@lru_cache(maxsize=1024)
def _match_words(sentence: str) -> bool:
    """A score ("2-1") or a match word in the sentence (cached: every span of it asks)."""
    folded = fold(sentence)
    if _SCORE.search(folded):
        return True
    return not cw.SPORT_SENTENCE_WORDS.isdisjoint(_WORD.findall(folded))
