"""The data licence note shipped as the package's LICENSE and as DATA_LICENSE.md.

Why generated: it must name the exact Debian package versions and SHA-256
sums the model was trained from, and keep Tatoeba's attribution, so it is
written from what ``prepare`` recorded (``work/debs.json``,
``work/data_stats.json``) rather than by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

PACKAGE_FILE = "translate-nl_en-nieuwsstroom_test-2.1.argosmodel"
TATOEBA_ATTRIBUTION = "Sentences from Tatoeba, tatoeba.org, CC BY 2.0 FR"

_LICENCES = {
    "libreoffice-help-nl": "MPL-2.0",
    "libreoffice-help-en-us": "MPL-2.0",
    "libreoffice-l10n-nl": "MPL-2.0",
    "gnome-user-docs": "CC BY-SA 3.0",
    "debian-handbook": "CC BY-SA 3.0 or GPL-2+",
    "iso-codes": "LGPL-2.1+",
}
_USED = {
    "libreoffice-help-nl": "Dutch help pages, `usr/share/libreoffice/help/nl/text/**.html`",
    "libreoffice-help-en-us": "English help pages, aligned by HTML element id",
    "libreoffice-l10n-nl": "Dutch UI catalogs (`*.mo`: English msgid, Dutch msgstr)",
    "gnome-user-docs": "GNOME help, `usr/share/help/{nl,C}/**.page`, blocks in document order",
    "debian-handbook": "The Debian Administrator's Handbook, `html/{nl-NL,en-US}/*.html`",
    "iso-codes": "country, language, currency and script names (`nl/LC_MESSAGES/iso_*.mo`)",
}


def data_license_text(work: Path) -> str:
    """Markdown naming every source, its licence, version and checksum."""
    debs = json.loads((work / "debs.json").read_text(encoding="utf-8"))
    stats = json.loads((work / "data_stats.json").read_text(encoding="utf-8"))
    counts = stats["pairs_per_source"]
    rows = "".join(
        f"| `{name}` | `{info['version']}` | {_LICENCES.get(name, '?')} | {_USED.get(name, '')} "
        f"| `{info['sha256']}` |\n"
        for name, info in debs.items()
    )
    return (
        "# Training data licence of the nieuwsstroom nl->en TEST model\n\n"
        f"`{PACKAGE_FILE}` is a small neural translation model (a TEST model, not a news "
        "translator) trained on the openly licensed text below, and so a work derived from "
        "each of these sources: each source's licence and attribution applies to it (for "
        "GNOME help and the Debian handbook that includes CC BY-SA 3.0's share-alike terms; "
        "for LibreOffice, MPL-2.0). Keep this file with any copy of the model. The build "
        "script is `deploy/argos-model/build_nl_en_package.py` in the nieuwsstroom "
        "repository.\n\n"
        "## Debian 12 packages (fetched with `apt-get download NAME=VERSION`)\n\n"
        "| package | version | licence | text used | SHA-256 of the .deb |\n"
        "|---|---|---|---|---|\n"
        f"{rows}\n"
        "Copyright notices: LibreOffice © The Document Foundation and the LibreOffice "
        "contributors (https://mozilla.org/MPL/2.0/); GNOME help © the GNOME Documentation "
        "Project and translators (https://creativecommons.org/licenses/by-sa/3.0/); The Debian "
        "Administrator's Handbook © Raphaël Hertzog, Roland Mas and translators; iso-codes © "
        "the Debian iso-codes team and translators (LGPL-2.1+). Full texts are in "
        "`/usr/share/doc/PACKAGE/copyright` inside each package; sources via "
        "`apt-get source PACKAGE`.\n\n"
        "## Tatoeba\n\n"
        f"**{TATOEBA_ATTRIBUTION}.** {counts['tatoeba']} Dutch-English sentence pairs from "
        "Tatoeba (https://tatoeba.org), written and translated by Tatoeba contributors, taken "
        "from the Tatoeba test sets of the Helsinki-NLP OPUS-MT-testsets repository "
        "(eng-nld, v2020-07-28, v2021-03-30, v2021-08-07), licensed CC BY 2.0 FR "
        "(https://creativecommons.org/licenses/by/2.0/fr/). One in 25 sentences is held out "
        "for evaluation and never trained on.\n\n"
        "## Name lists used for augmentation\n\n"
        "Natural Earth populated places and countries (public domain, "
        "`linkers/data/seed/naturalearth_*.csv`) and the iso-codes country names above, used "
        "to replace names in training sentences (copy-through) and to build inline "
        "terminology tags.\n\n"
        "## Pairs per source after filtering\n\n"
        + "".join(f"- {name}: {n:,}\n" for name, n in counts.items())
    )
