"""Parallel nl-en corpus from Debian's LibreOffice help and UI translations.

The official Argos nl->en model cannot be downloaded in our build
environment, but Debian ships the LibreOffice help pages in Dutch and English
(same file names, same HTML element ids) and the Dutch UI catalogs (.mo, with
the English source string as msgid). Both are MPL-2.0, reachable through apt,
and align without any statistical aligner, which keeps the build reproducible.

The held-out evaluation set is made of *whole help pages* that never enter
training, chosen by a hash of the page path, so the split is stable across
rebuilds and there is no paragraph-level leakage.
"""

from __future__ import annotations

import gettext
import hashlib
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html

DEBIAN_PACKAGES = ("libreoffice-help-nl", "libreoffice-help-en-us", "libreoffice-l10n-nl")
PINNED_VERSION = "4:7.4.7-1+deb12u14"  # Debian 12; the version the shipped model was trained on
HELP_NL = "usr/share/libreoffice/help/nl"
HELP_EN = "usr/share/libreoffice/help/en-US"
MO_DIR = "usr/lib/libreoffice/program/resource/nl/LC_MESSAGES"

# Paragraph pairs longer than this are dropped: they are rare, slow down CPU
# training (attention is quadratic) and Argos splits sentences before
# translating anyway.
MAX_CHARS = 350
HELDOUT_TARGET_PAIRS = 500

_WS = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
_UI_MNEMONIC = re.compile(r"[~_](?=\w)")
_ID_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "li", "span", "div"}


@dataclass(frozen=True)
class Pair:
    """One aligned segment pair plus where it came from (for page-level splits)."""

    nl: str
    en: str
    origin: str


def fetch_debs(
    debs_dir: Path, seed_dir: Path | None = None, packages: dict[str, str] | None = None
) -> dict[str, Path]:
    """Return the .deb of each package (name -> pinned version), downloading if missing.

    ``seed_dir`` lets a machine reuse debs that were downloaded earlier; the
    fallback is ``apt-get download name=version`` so a fresh Debian 12 box can
    rebuild. Default: the three LibreOffice packages.
    """
    if packages is None:
        packages = dict.fromkeys(DEBIAN_PACKAGES, PINNED_VERSION)
    debs_dir.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for name, version in packages.items():
        candidates = sorted(debs_dir.glob(f"{name}_*.deb"))
        if not candidates and seed_dir is not None and seed_dir.is_dir():
            for deb in sorted(seed_dir.glob(f"{name}_*.deb")):
                target = debs_dir / deb.name
                target.write_bytes(deb.read_bytes())
                candidates = [target]
        if not candidates:
            # Pin the version the committed model was built from; fall back to
            # whatever the archive has now (a newer update) if it is gone.
            pinned = subprocess.run(
                ["apt-get", "download", f"{name}={version}"], cwd=debs_dir, check=False
            )
            if pinned.returncode != 0:
                print(f"warning: {name}={version} unavailable, downloading the current one")
                subprocess.run(["apt-get", "download", name], cwd=debs_dir, check=True)
            candidates = sorted(debs_dir.glob(f"{name}_*.deb"))
        if not candidates:
            raise FileNotFoundError(f"apt-get download {name} produced no .deb in {debs_dir}")
        found[name] = candidates[-1]
    return found


def deb_version(deb: Path) -> str:
    """Version string of a .deb, for the data licence note."""
    out = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Version"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def extract_debs(debs: dict[str, Path], root: Path) -> dict[str, Path]:
    """Unpack each .deb into ``root/<package>`` (idempotent)."""
    out: dict[str, Path] = {}
    for name, deb in debs.items():
        target = root / name
        if not (target / "usr").is_dir():
            target.mkdir(parents=True, exist_ok=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
        out[name] = target
    return out


def normalise(text: str) -> str:
    """NFC, one space for any whitespace run, no zero-width characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u200b", "").replace("\u00ad", "").replace("\ufeff", "")
    return _WS.sub(" ", text).strip()


def _id_texts(path: Path) -> dict[str, str]:
    """Map element id -> plain text for the leaf id-carrying elements of a help page.

    Only leaves count: a container whose descendants also carry ids would
    duplicate their text and could misalign when the translations nest
    differently.
    """
    tree = lxml.html.parse(str(path))
    area = tree.getroot().find(".//div[@id='DisplayArea']")
    if area is None:
        return {}
    texts: dict[str, str] = {}
    for el in area.iter():
        if not isinstance(el.tag, str) or el.tag not in _ID_TAGS:
            continue
        el_id = el.get("id")
        if not el_id or not el_id.startswith(("par_", "hd_")):
            continue
        if any(child.get("id") for child in el.iterdescendants() if isinstance(child.tag, str)):
            continue
        texts[el_id] = normalise(el.text_content())
    return texts


def help_pairs(help_nl_root: Path, help_en_root: Path) -> Iterator[Pair]:
    """Yield (nl, en) paragraph pairs aligned by HTML id, page by page."""
    for nl_page in sorted(help_nl_root.rglob("*.html")):
        rel = nl_page.relative_to(help_nl_root)
        en_page = help_en_root / rel
        if not en_page.is_file():
            continue
        nl_texts = _id_texts(nl_page)
        en_texts = _id_texts(en_page)
        for el_id, nl in nl_texts.items():
            en = en_texts.get(el_id)
            if en:
                yield Pair(nl, en, f"help:{rel.as_posix()}")


def ui_pairs(mo_dir: Path) -> Iterator[Pair]:
    """Yield (nl, en) UI string pairs from the Dutch .mo catalogs.

    msgid is the English source, msgstr the Dutch translation; message
    contexts (``ctx\\x04msgid``) and plural entries are dropped, and the
    ``~``/``_`` keyboard mnemonics are removed so they do not leak into the
    model's vocabulary.
    """
    for mo in sorted(mo_dir.glob("*.mo")):
        with mo.open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog  # noqa: SLF001 - only public reader of .mo
        for key, value in catalog.items():
            if not isinstance(key, str) or not key or not isinstance(value, str):
                continue
            en = key.split("\x04", 1)[-1]
            yield Pair(
                normalise(_UI_MNEMONIC.sub("", value)),
                normalise(_UI_MNEMONIC.sub("", en)),
                f"ui:{mo.stem}",
            )


def keep(pair: Pair) -> bool:
    """Filter: real, translated, not too long, plausible length ratio."""
    nl, en = pair.nl, pair.en
    if not nl or not en or nl == en:
        return False
    if len(nl) > MAX_CHARS or len(en) > MAX_CHARS:
        return False
    if not _LETTER.search(nl) or not _LETTER.search(en):
        return False
    if "\t" in nl or "\t" in en:
        return False
    ratio = len(nl) / len(en)
    return 0.4 <= ratio <= 2.5 or max(len(nl), len(en)) < 12


def _page_rank(origin: str) -> str:
    return hashlib.sha1(origin.encode("utf-8")).hexdigest()


def build_corpus(extracted: dict[str, Path]) -> tuple[list[Pair], list[Pair]]:
    """Return (train, heldout), deduplicated and filtered.

    Held-out pages are taken in hash order until ~500 pairs are reached; any
    Dutch segment that occurs in a held-out page is then removed from
    training too, because LibreOffice help repeats boilerplate paragraphs
    across pages and those repeats would otherwise leak.
    """
    nl_root = extracted["libreoffice-help-nl"] / HELP_NL
    en_root = extracted["libreoffice-help-en-us"] / HELP_EN
    mo_dir = extracted["libreoffice-l10n-nl"] / MO_DIR

    by_page: dict[str, list[Pair]] = {}
    for pair in help_pairs(nl_root, en_root):
        if keep(pair):
            by_page.setdefault(pair.origin, []).append(pair)

    heldout: list[Pair] = []
    heldout_pages: set[str] = set()
    seen_held: set[str] = set()
    # Skip shared boilerplate pages (tiny) by only taking pages with >= 5 pairs.
    for origin in sorted(by_page, key=_page_rank):
        if len(heldout) >= HELDOUT_TARGET_PAIRS:
            break
        pairs = by_page[origin]
        if len(pairs) < 5:
            continue
        heldout_pages.add(origin)
        for pair in pairs:
            if pair.nl not in seen_held:
                seen_held.add(pair.nl)
                heldout.append(pair)

    train: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    candidates = [p for o, ps in by_page.items() if o not in heldout_pages for p in ps]
    candidates += [p for p in ui_pairs(mo_dir) if keep(p)]
    for pair in candidates:
        key = (pair.nl, pair.en)
        if key in seen or pair.nl in seen_held:
            continue
        seen.add(key)
        train.append(pair)
    return train, heldout


def write_tsv(pairs: list[Pair], path: Path) -> None:
    """Write nl<TAB>en lines (text was normalised, so no tabs or newlines inside)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(f"{pair.nl}\t{pair.en}\n")


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """Read nl<TAB>en lines back."""
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            nl, _, en = line.rstrip("\n").partition("\t")
            rows.append((nl, en))
    return rows
