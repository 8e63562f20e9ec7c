"""Openly licensed nl-en text beyond LibreOffice: GNOME help, the Debian handbook,
iso-codes name lists and Tatoeba.

Why these: the 1.0 test model learnt only LibreOffice help/UI text and could
not say an ordinary sentence. Tatoeba adds short everyday sentences, GNOME
help and the Debian handbook add prose of another style, and iso-codes adds
country, language and currency names. All are reachable offline: the Debian
ones through ``apt-get download`` (pinned versions, see ``DEBIAN_SOURCES``),
Tatoeba from the team's shared data folder (CC BY 2.0 FR, attribution kept in
the package's LICENSE).

Alignment needs no statistical aligner: GNOME help pages and the Debian
handbook are generated from PO files, so a translated page has the same block
structure as the English one and blocks pair up in document order (a page
whose block counts differ is skipped whole rather than risk misalignment).
iso-codes ``.mo`` catalogs map the English name (msgid) to the Dutch one.
"""

from __future__ import annotations

import gettext
import hashlib
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html
from corpus import Pair, normalise

# package -> pinned Debian 12 version (the one the shipped model was trained on)
DEBIAN_SOURCES = {
    "gnome-user-docs": "43.0-2",
    "debian-handbook": "11.20220922",
    "iso-codes": "4.15.0-1",
}
LICENCES = {
    "gnome-user-docs": "CC BY-SA 3.0 (GNOME Documentation Project; see "
    "/usr/share/doc/gnome-user-docs/copyright)",
    "debian-handbook": "CC BY-SA 3.0 or GPL-2+ (Raphaël Hertzog, Roland Mas and translators; "
    "see /usr/share/doc/debian-handbook/copyright)",
    "iso-codes": "LGPL-2.1+ (Debian iso-codes team and translators; see "
    "/usr/share/doc/iso-codes/copyright)",
}

GNOME_HELP = "usr/share/help"
HANDBOOK_HTML = "usr/share/doc/debian-handbook/html"
ISO_MO = "usr/share/locale/nl/LC_MESSAGES"
# iso_3166-2 (subdivisions) is left out: most Dutch entries only strip
# diacritics ("Lào Cai" -> "Lao Cai"), which would teach the model to do so.
ISO_CATALOGS = ("iso_3166-1", "iso_3166-3", "iso_4217", "iso_639-2", "iso_639-3", "iso_639-5")
ISO_CATALOGS += ("iso_15924",)

_MALLARD = "{http://projectmallard.org/1.0/}"
_MALLARD_BLOCKS = {f"{_MALLARD}{t}" for t in ("title", "subtitle", "desc", "p", "td")}
_HTML_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "td", "th", "dt")


def _mallard_blocks(page: Path) -> list[str]:
    """Leaf text blocks of a Mallard page in document order, translator credits skipped."""
    root = lxml.etree.parse(str(page)).getroot()
    out: list[str] = []
    for el in root.iter():
        if el.tag not in _MALLARD_BLOCKS:
            continue
        if any(a.tag == f"{_MALLARD}credit" for a in el.iterancestors()):
            continue
        if any(d.tag in _MALLARD_BLOCKS for d in el.iterdescendants()):
            continue
        out.append(normalise("".join(el.itertext())))
    return out


def gnome_help_pairs(root: Path) -> Iterator[Pair]:
    """(nl, en) blocks of GNOME help: ``help/nl/<doc>/*.page`` against ``help/C/<doc>``."""
    for nl_page in sorted((root / GNOME_HELP / "nl").rglob("*.page")):
        rel = nl_page.relative_to(root / GNOME_HELP / "nl")
        en_page = root / GNOME_HELP / "C" / rel
        if not en_page.is_file():
            continue
        nl_blocks, en_blocks = _mallard_blocks(nl_page), _mallard_blocks(en_page)
        if len(nl_blocks) != len(en_blocks):
            continue
        for nl, en in zip(nl_blocks, en_blocks, strict=True):
            yield Pair(nl, en, f"gnome:{rel.as_posix()}")


def _html_blocks(page: Path) -> list[str]:
    root = lxml.html.parse(str(page)).getroot()
    return [normalise(el.text_content()) for el in root.iter(*_HTML_BLOCKS)]


def handbook_pairs(root: Path) -> Iterator[Pair]:
    """(nl, en) blocks of the Debian Administrator's Handbook, ``nl-NL`` against ``en-US``."""
    html = root / HANDBOOK_HTML
    for nl_page in sorted((html / "nl-NL").glob("*.html")):
        en_page = html / "en-US" / nl_page.name
        if not en_page.is_file():
            continue
        nl_blocks, en_blocks = _html_blocks(nl_page), _html_blocks(en_page)
        if len(nl_blocks) != len(en_blocks):
            continue
        for nl, en in zip(nl_blocks, en_blocks, strict=True):
            yield Pair(nl, en, f"handbook:{nl_page.name}")


def iso_pairs(root: Path) -> Iterator[Pair]:
    """(nl, en) names from iso-codes: countries, languages, currencies, scripts."""
    for name in ISO_CATALOGS:
        mo = root / ISO_MO / f"{name}.mo"
        with mo.open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog  # noqa: SLF001 - only public reader
        for key, value in sorted(catalog.items(), key=lambda kv: str(kv[0])):
            if isinstance(key, str) and key and isinstance(value, str):
                yield Pair(normalise(value), normalise(key), f"iso:{name}")


def tatoeba_pairs(tsv: Path) -> Iterator[Pair]:
    """(nl, en) sentence pairs from the shared Tatoeba file (Dutch first)."""
    with tsv.open(encoding="utf-8") as fh:
        for line in fh:
            nl, sep, en = line.rstrip("\n").partition("\t")
            if sep:
                yield Pair(normalise(nl), normalise(en), "tatoeba")


def is_heldout_tatoeba(pair: Pair, share: int = 25) -> bool:
    """Stable 1-in-``share`` split of Tatoeba by the Dutch sentence (for the tag evaluation)."""
    digest = hashlib.sha1(pair.nl.encode("utf-8")).digest()
    return digest[0] % share == 0


def ascii_fold(text: str) -> str:
    """Lower-case ASCII skeleton of a name, to spot pairs that differ only by accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
