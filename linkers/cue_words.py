"""Word lists that tell a name from an ordinary word in Dutch news, and hint at its type.

Kept apart from the code that uses them so that a linguist can extend a list
without reading the span logic: `unknown_names.py` reads them to decide what a
run of capitalised words is, `disambiguate.py` keeps its own context cues.
"""

from __future__ import annotations

ADJECTIVE_SUFFIXES = ("isch", "ische", "aans", "aanse", "ense", "ese", "ees", "se", "sche")
CONNECTORS = frozenset({"van", "de", "der", "den", "von", "voor", "het", "ter", "ten", "la", "le"})
ROMAN_NUMERALS = frozenset({"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"})
OPENERS = "\"'“”‘’«»„([{*•–—-"
SENTENCE_END = ".!?:;\n"
ORG_CUES = frozenset(
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
PER_CUES = frozenset(
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
