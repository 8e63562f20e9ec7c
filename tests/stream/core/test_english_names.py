"""Which English name a Dutch mention is rendered by: rules from the KB's names alone."""

from __future__ import annotations

import pytest

from nieuwsstroom.stream.core.english_names import english_name, is_acronym

USA = ("United States of America", ("United States", "US", "USA"))
PUTIN = ("Vladimir Putin", ("Putin", "Vladimir Vladimirovich Putin"))


@pytest.mark.parametrize(
    ("mention", "label", "aliases", "expected"),
    [
        # the label when it says as much as the mention
        ("Antwerpen", "Antwerp", (), "Antwerp"),
        ("Istanboel", "Istanbul", (), "Istanbul"),
        ("Den Haag", "The Hague", (), "The Hague"),
        ("Kiev", "Kyiv", ("Kiev",), "Kyiv"),
        ("Zuid-Afrika", "South Africa", (), "South Africa"),
        ("Verenigde Staten van Amerika", *USA, "United States of America"),
        # an acronym stays an acronym: the shortest English one
        ("VS", *USA, "US"),
        ("NAVO", "NATO", (), "NATO"),
        ("VN", "United Nations", ("UN",), "UN"),
        # a surname or a short form: the English name of the same length
        ("Poetin", *PUTIN, "Putin"),
        ("Verenigde Staten", *USA, "United States"),
        # the mention already is (part of) an English name
        ("China", "People's Republic of China", ("China",), "China"),
        ("Rutte", "Mark Rutte", ("Rutte",), "Rutte"),
        ("Frankfurt", "Frankfurt am Main", (), "Frankfurt"),
        ("Kremlin", "Moscow Kremlin", (), "Kremlin"),
        # a qualified label is not a name; no English name at all: the source form
        ("Parijs", "Paris, Texas", (), "Paris"),
        ("Georgië", "Georgia (country)", ("Georgia",), "Georgia"),
        ("Chernihiv", "", (), "Chernihiv"),
    ],
)
def test_english_name_for_a_mention(mention, label, aliases, expected) -> None:
    assert english_name(mention, label, aliases) == expected


def test_acronyms() -> None:
    assert is_acronym("VS") and is_acronym("NAVO") and is_acronym("U.S.")
    assert not is_acronym("Kiev") and not is_acronym("A") and not is_acronym("BRUSSELSE")
