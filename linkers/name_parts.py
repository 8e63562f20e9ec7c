"""Short forms of a person's name within one article ("Trump" after "Donald Trump").

Dutch news names a person in full once and then by surname ("Wilders zei"),
or by given name in an interview ("zegt Lloyd"). Such a short form means the
person the article named, whatever else the knowledge base holds under it:

- if the full name was linked to a person, the short form links to the same
  entity (recall: "Trump", "Pelosi", "Johnson");
- if the full name is a person the knowledge base lacks, the short form stays
  unlinked too (precision: "Lloyd" is not the shoe brand Lloyd when the article
  is about Lloyd Jansen; "Kok" is not a Finnish party when it is about Femke Kok).

A full name counts as a person's when it was linked to a PER entity, or when it
is an unknown name whose first word is a given name or whose context says PER
("burgemeester Femke Halsema"). A surname may refer to a full name anywhere in
the article (a title often uses the surname before the body names the person);
a given name only to a full name before it. When two people share the surname
(Mike and Ron Johnson), the nearest full name before the short form wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nieuwsstroom.linkers.context import NO_CUE, Cue
from nieuwsstroom.linkers.normalize import normalize_alias
from nieuwsstroom.linkers.spans import Span

_FIELD_ORDER = {"title": 0, "body": 1}


@dataclass(frozen=True, slots=True)
class Person:
    """A full name in the article and the entity it was linked to (None: unknown)."""

    span: Span
    qid: str | None


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    """The normalised words of a name (cached: every span is compared with every person)."""
    return tuple(normalize_alias(text).split())


def _pos(span: Span) -> tuple[int, int]:
    return (_FIELD_ORDER.get(span.field, 2), span.start)


def persons(
    spans: list[Span],
    linked_type: dict[Span, tuple[str, str] | None],
    cues: dict[Span, Cue],
    given_names: frozenset[str],
) -> list[Person]:
    """Full names of people in the article (two words or more)."""
    out = []
    for span in spans:
        words = _words(span.text)
        if len(words) < 2:
            continue
        linked = linked_type.get(span)
        if linked is not None:
            if linked[1] == "PER":
                out.append(Person(span, linked[0]))
            continue
        cue = cues.get(span, NO_CUE)
        if span.kind == "name" and (
            words[0] in given_names or (cue.type == "PER" and cue.strength >= 2)
        ):
            out.append(Person(span, None))
    return out


def full_name_of(span: Span, people: list[Person], cue: Cue) -> Person | None:
    """The person a one- or two-word span is a short form of, if any."""
    if cue.strength >= 2 and cue.type not in (None, "PER"):
        return None  # "supermarkt Dirk": the context names a company, not a person
    short = _words(span.text)
    matches: list[tuple[bool, Person]] = []
    for person in people:
        if person.span == span:
            continue
        full = _words(person.span.text)
        if len(short) >= len(full):
            continue
        before = _pos(person.span) < _pos(span)
        if full[-len(short) :] == short or len(short) == 1 and full[0] == short[0] and before:
            matches.append((before, person))
    if not matches:
        return None
    preceding = [p for b, p in matches if b]
    if preceding:
        return max(preceding, key=lambda p: _pos(p.span))
    return min((p for _b, p in matches), key=lambda p: _pos(p.span))


def short_form_spans(texts: dict[str, str], people: list[Person], spans: list[Span]) -> list[Span]:
    """Surnames of the article's people where no span is yet (a sentence start hides them:
    "Trump zei ..." is skipped by the unknown-name pass as a possible ordinary word)."""
    taken = {(s.field, i) for s in spans for i in range(s.start, s.end)}
    out: list[Span] = []
    for person in people:
        words = person.span.text.split()
        surname = words[-1]
        if not surname[:1].isupper() or len(surname) < 3:
            continue
        for field, text in texts.items():
            start = text.find(surname)
            while start >= 0:
                end = start + len(surname)
                bounded = (start == 0 or not text[start - 1].isalnum()) and (
                    end >= len(text)
                    or not text[end].isalnum()
                    or text[end : end + 2] == "'s"
                    or (text[end] == "s" and (end + 1 >= len(text) or not text[end + 1].isalnum()))
                )
                if bounded and not any((field, i) in taken for i in range(start, end)):
                    out.append(Span(field, start, end, surname, "name", type_hint="PER"))
                    taken.update((field, i) for i in range(start, end))
                start = text.find(surname, end)
    return out
