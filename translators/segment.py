"""Offline Dutch segmentation: paragraphs, sentences, and over-long sentences.

Why our own splitter: Argos's default one (MiniSBD) downloads a model on first
use and fails offline (argos-translate #512), and Stanza would pull in torch.
The model translates sentence by sentence, so where we cut decides quality:

- a period after an abbreviation (bv., o.a., dhr., d.w.z., ...), an initial
  (J.P. Balkenende) or a month before a number (29 nov. 2026) is not an end;
- closing quotes and brackets after the end mark stay with their sentence;
- numbers like 7,5 and 1.000 never split (no whitespace after the mark);
- a sentence only starts with a capital, a digit, a quote or a bracket, so
  ``"Waarom?" vroeg hij.`` and ``Hij wachtte... en wachtte`` stay whole.

Every function returns `Span`s with offsets into the text it was given, so the
caller can put translations back between the original whitespace and the
paragraph keeps its shape. Sentences longer than the model accepts are cut at
clause marks, then commas, then spaces, then by characters - never truncated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Paragraphs are separated by a blank line (a line holding only spaces/tabs
# counts as blank). Kept as a pattern so reassembly can keep the separators.
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

# Never end a sentence (lower case, without the final period).
_NON_TERMINAL_WORDS = """
    dhr mevr mw mej mr dr drs ir ing prof ds mgr kard gen lt kol maj kpt sgt adm st
    bv bijv vgl zgn ca nr nrs blz pag p art hfst afb fig tel vs resp incl excl evt ong
    plm vnl vnml nl z
    o.a o.m m.n d.w.z m.b.t i.p.v t.a.v t.o.v n.a.v i.v.m d.m.v m.a.w a.d.h.v o.b.v
    v.w.b i.s.m c.q z.g e.e.a b.v
"""
NON_TERMINAL = frozenset(_NON_TERMINAL_WORDS.split())
# Multi-dot abbreviations that often close a sentence: they end one when a
# capitalised word follows (the default rule for ordinary words).
_TERMINAL_MULTIDOT_WORDS = "e.d e.a e.v z.s.m a.s o.i.d n.chr v.chr"
TERMINAL_MULTIDOT = frozenset(_TERMINAL_MULTIDOT_WORDS.split())
_MONTH_WORDS = "jan feb mrt apr jun jul aug sep sept okt nov dec"
MONTHS = frozenset(_MONTH_WORDS.split())

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_LINE_BREAK = re.compile(r"[^\S\n]*\n\s*")
_OPENERS = "„“\"'‘«([{"
_STARTERS = _OPENERS + "-–—•*¿¡"
_MULTIDOT = re.compile(r"^(?:\w{1,4}\.)+\w{1,4}$")
_INITIAL = re.compile(r"^[^\W\d_]$")

# Split points for over-long sentences, strongest clause boundary first.
_LONG_SPLIT_LEVELS = (
    re.compile(r"(?<=[;:])\s+|\s+(?=[–—]\s)|(?<=\s[–—])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
)


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a text: `text == source[start:end]`, no surrounding whitespace."""

    start: int
    end: int
    text: str


def split_paragraphs(body: str) -> tuple[list[str], list[str]]:
    """Split a body into paragraphs and the exact separators between them.

    `len(separators) == len(paragraphs) - 1`; joining them alternately gives
    `body` back, so a translated body keeps the same paragraph count and layout.
    """
    paragraphs = PARAGRAPH_BREAK.split(body)
    separators = PARAGRAPH_BREAK.findall(body)
    return paragraphs, separators


def join_paragraphs(paragraphs: list[str], separators: list[str]) -> str:
    """Inverse of `split_paragraphs`."""
    if len(separators) != max(len(paragraphs) - 1, 0):
        raise ValueError(
            f"Expected {max(len(paragraphs) - 1, 0)} separators for "
            f"{len(paragraphs)} paragraphs, got {len(separators)}"
        )
    out = [paragraphs[0]] if paragraphs else []
    for sep, para in zip(separators, paragraphs[1:], strict=True):
        out.append(sep)
        out.append(para)
    return "".join(out)


def model_input(text: str) -> str:
    """The form a sentence is given to the model in: whitespace runs become one space."""
    return " ".join(text.split())


def _starts_sentence(text: str, pos: int) -> bool:
    """True if the character at `pos` may begin a sentence (capital, digit, quote...)."""
    if pos >= len(text):
        return True
    ch = text[pos]
    return ch.isupper() or ch.isdigit() or ch in _STARTERS


def _word_before(text: str, end: int) -> str:
    """The whitespace-delimited token ending at `end`, without opening quotes/brackets."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip(_OPENERS)


def _is_period_boundary(text: str, mark_start: int, next_pos: int) -> bool:
    """Decide whether a single period at `mark_start` ends a sentence."""
    word = _word_before(text, mark_start)
    lower = word.lower()
    if not word:
        return _starts_sentence(text, next_pos)
    if lower in NON_TERMINAL:
        return False
    if lower in MONTHS:
        # "29 nov. 2026" is a date; "... in nov. De ..." may still end a sentence.
        return not text[next_pos : next_pos + 1].isdigit() and _starts_sentence(text, next_pos)
    if _INITIAL.match(word) and word.isupper():
        return False  # an initial: "W. Kok", "J.P. Balkenende" (J.P -> multidot below)
    if _MULTIDOT.match(word):
        if lower in TERMINAL_MULTIDOT:
            return _starts_sentence(text, next_pos) and not text[next_pos].isdigit()
        return False  # d.w.z., o.a., B.V., J.P., unknown dotted abbreviations
    return _starts_sentence(text, next_pos)


def _boundaries(text: str) -> list[int]:
    """Offsets just after each sentence end (before the whitespace that follows)."""
    cuts: set[int] = set()
    for m in _END.finditer(text):
        punct_end = m.start()
        while punct_end < m.end() and text[punct_end] in ".!?…":
            punct_end += 1
        marks = text[m.start() : punct_end]
        next_pos = m.end()
        while next_pos < len(text) and text[next_pos].isspace():
            next_pos += 1
        if next_pos >= len(text):
            continue  # end of text closes the last sentence anyway
        if marks == ".":
            ends = _is_period_boundary(text, m.start(), next_pos)
        else:  # ! ? ... and combinations: end only if a new sentence starts
            ends = _starts_sentence(text, next_pos)
        if ends:
            cuts.add(m.end())
    # A line break inside a paragraph ends a line without a final mark (a
    # heading, a list item) when the next line starts like a sentence; a
    # lower-case continuation is a soft wrap and stays in the sentence.
    for m in _LINE_BREAK.finditer(text):
        if m.start() > 0 and m.end() < len(text) and _starts_sentence(text, m.end()):
            cuts.add(m.start())
    return sorted(cuts)


def _strip_span(text: str, start: int, end: int) -> Span | None:
    """The non-whitespace core of text[start:end], or None if there is none."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if start < end else None


def split_sentences(text: str) -> list[Span]:
    """Split one paragraph of Dutch text into sentences (empty list if it is blank)."""
    spans: list[Span] = []
    start = 0
    for cut in [*_boundaries(text), len(text)]:
        span = _strip_span(text, start, cut)
        if span is not None:
            spans.append(span)
        start = cut
    return spans


def reassemble(source: str, spans: list[Span], replacements: list[str]) -> str:
    """Put `replacements[i]` where `spans[i]` was, keeping all other characters of `source`."""
    return reassemble_at(source, spans, replacements)[0]


def reassemble_at(source: str, spans: list[Span], replacements: list[str]) -> tuple[str, list[int]]:
    """`reassemble`, plus where each replacement starts in the result."""
    if len(spans) != len(replacements):
        raise ValueError(f"Expected {len(spans)} replacements, got {len(replacements)}")
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    pos = 0
    for span, new in zip(spans, replacements, strict=True):
        parts.append(source[pos : span.start])
        length += span.start - pos
        starts.append(length)
        parts.append(new)
        length += len(new)
        pos = span.end
    parts.append(source[pos:])
    return "".join(parts), starts


def split_long(text: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[Span]:
    """Cut `text` into pieces of at most `max_tokens` tokens each; never drop a character.

    Clause marks (; : dashes) are tried first, then commas, then spaces, and a
    single run without spaces (a URL, a long compound) is cut by characters.
    Adjacent pieces are merged back greedily while they fit, so the model sees
    as much context as it can take.
    """
    if max_tokens < 1:
        raise ValueError(f"Expected max_tokens >= 1, got {max_tokens}")
    core = _strip_span(text, 0, len(text))
    if core is None:
        return []
    return _split_range(text, core.start, core.end, count_tokens, max_tokens, 0)


def _split_range(
    text: str,
    start: int,
    end: int,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    level: int,
) -> list[Span]:
    """Recursive worker of `split_long` over text[start:end] (already stripped)."""
    if count_tokens(text[start:end]) <= max_tokens:
        return [Span(start, end, text[start:end])]
    if level >= len(_LONG_SPLIT_LEVELS):
        return _hard_split(text, start, end, count_tokens, max_tokens)
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _LONG_SPLIT_LEVELS[level].finditer(text, start, end):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        pieces.append((pos, end))
    if len(pieces) <= 1:
        return _split_range(text, start, end, count_tokens, max_tokens, level + 1)

    out: list[Span] = []
    cur_start, cur_end = pieces[0]
    for p_start, p_end in pieces[1:]:
        if count_tokens(text[cur_start:p_end]) <= max_tokens:
            cur_end = p_end
            continue
        out.extend(_split_range(text, cur_start, cur_end, count_tokens, max_tokens, level + 1))
        cur_start, cur_end = p_start, p_end
    out.extend(_split_range(text, cur_start, cur_end, count_tokens, max_tokens, level + 1))
    return out


def _hard_split(
    text: str, start: int, end: int, count_tokens: Callable[[str], int], max_tokens: int
) -> list[Span]:
    """Cut by characters: the longest prefix that fits, again and again (at least 1 char)."""
    out: list[Span] = []
    pos = start
    while pos < end:
        lo, hi = pos + 1, end  # find the largest cut in [lo, hi] that fits
        best = lo
        while lo <= hi:
            mid = (lo + hi) // 2
            if count_tokens(text[pos:mid]) <= max_tokens:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        out.append(Span(pos, best, text[pos:best]))
        pos = best
    return out


def model_input_spans(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """`model_input(text)` and each span of `text` mapped into it (whitespace runs collapse)."""
    words = list(re.finditer(r"\S+", text))
    clean_start: list[int] = []
    pos = 0
    for m in words:
        clean_start.append(pos)
        pos += m.end() - m.start() + 1
    clean = " ".join(m.group() for m in words)

    def at(offset: int, *, end: bool) -> int:
        for m, base in zip(words, clean_start, strict=True):
            if end and m.start() < offset <= m.end():
                return base + offset - m.start()
            if not end and m.start() <= offset < m.end():
                return base + offset - m.start()
            if offset < m.start():
                return base if not end else max(base - 1, 0)
        return len(clean)

    return clean, [(at(s, end=False), at(e, end=True)) for s, e in spans]
