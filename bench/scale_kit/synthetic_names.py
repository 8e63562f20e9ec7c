"""Names for the synthetic dump's random items: common first names and Dutch-looking
syllables.

Onsets x vowels x codas give ~5,000 syllables, so that names are as varied as real
ones (millions of distinct aliases at a few million entities) while some still
collide, as real names do.
"""

from __future__ import annotations

FIRST_NAMES = [
    "Jan",
    "Piet",
    "Kees",
    "Mark",
    "Anna",
    "Sanne",
    "Eva",
    "Lotte",
    "Daan",
    "Sem",
    "Lucas",
    "Emma",
    "Julia",
    "Noah",
    "Liam",
    "Sophie",
    "Tim",
    "Thomas",
    "Maria",
    "Johan",
    "Willem",
    "Hendrik",
    "Geert",
    "Frans",
    "Joost",
    "Ruud",
    "Ingrid",
    "Femke",
    "Bram",
    "Lars",
    "Olaf",
    "John",
    "Mary",
    "James",
    "Robert",
    "Linda",
    "David",
    "Susan",
    "Michael",
    "Sarah",
    "Joe",
    "Kamala",
    "Donald",
    "Angela",
    "Olga",
]
# Onsets x vowels x codas: ~5,000 syllables, so names are as varied as real ones (millions
# of distinct aliases at a few million entities) while some still collide.
_ONSETS = [
    "b",
    "br",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "kl",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sch",
    "sl",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
]
_VOWELS = ["a", "e", "i", "o", "u", "aa", "ee", "oo", "ie", "oe", "ui", "ei", "au", "ou"]
_CODAS = ["", "n", "r", "l", "s", "k", "m", "rd", "nd", "ng", "st", "lt"]
SYLLABLES = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
