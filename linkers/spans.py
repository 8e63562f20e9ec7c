"""What the mention finder hands to the linker: a `Span` of source text, and the
sentence-position rule both passes of the finder share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nieuwsstroom.linkers.cue_words import OPENERS, SENTENCE_END

SpanKind = Literal["kb", "name", "acronym"]

TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
"""A word, with inner apostrophes and hyphens ("Rutte's", "NAVO-top")."""
SUBTOKEN = re.compile(r"[^\W_]+")
"""A word without apostrophes and hyphens: the unit of the case rules."""


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
    run: Span | None = None
    """For an alias inside a longer run of capitalised words ("Ron" in "Ron DeSantis"):
    that run as an unknown name, used if no candidate of the alias fits it
    (`name_runs.resolve_runs`)."""


def sentence_initial(text: str, start: int) -> bool:
    """True at the start of the text, a line, or a sentence (quotes, bullets, '50 ' skipped)."""
    i = start - 1
    while i >= 0 and (text[i] in " \t" or text[i] in OPENERS):
        i -= 1
    if i >= 0 and text[i].isdigit():  # teaser lines: "50 Erdogan roept op ..."
        j = i
        while j >= 0 and text[j].isdigit():
            j -= 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        if j < 0 or text[j] == "\n":
            return True
    return i < 0 or text[i] in SENTENCE_END
