"""Off-topic items in the shapes and shares a real Wikidata dump has them.

Why this matters for the build bench: most of a real dump is not news. The
Wikimedia analysis of the June 2021 dump (wikitech, "Wikidata Subgraph
Analysis" / "Scholarly Articles Subgraph Analysis", 97.3M items) counts ~37M
scholarly articles (38 % of all items, carrying ~50 % of all triples), and
Wikimedia categories, taxa, astronomical objects, genes and proteins, chemical
compounds, templates and disambiguation pages each add millions more. The share
assumed here is OFF_TOPIC_SHARE = 60 % of all items, of which scholarly articles
are two thirds (40 % of the dump) and, as in the real dump, the heavier lines
(half of the dump's bytes): authors as items and as name strings, cited works,
identifiers, descriptions in several languages. A builder
that fully parses every line pays for all of it; one that drops an item on its
P31 should not.

Every item is derived from the caller's `random.Random`, so a dump is
reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

OFF_TOPIC_SHARE = 0.6
# (share of the off-topic items, class QID, kind of shape)
OFF_TOPIC_KINDS: tuple[tuple[float, str, str], ...] = (
    (0.66, "Q13442814", "article"),  # scholarly article
    (0.10, "Q4167836", "category"),  # Wikimedia category
    (0.07, "Q16521", "taxon"),
    (0.05, "Q523", "star"),
    (0.03, "Q318", "star"),  # galaxy
    (0.04, "Q7187", "gene"),
    (0.02, "Q8054", "gene"),  # protein
    (0.03, "Q4167410", "category"),  # Wikimedia disambiguation page
)
_DESC_LANGS = ("en", "nl", "de", "fr", "es", "it", "pt", "sv", "pl", "ca", "ar", "he")
_ARTICLE_DESC = {
    "en": "scholarly article published in {y}",
    "nl": "wetenschappelijk artikel (gepubliceerd op {y})",
    "de": "wissenschaftlicher Artikel (veröffentlicht {y})",
}

Statement = Callable[..., dict[str, Any]]


class OffTopicItems:
    """Builds off-topic items; `statement`/`item`/`snak` are the dump generator's helpers."""

    def __init__(
        self,
        rng: random.Random,
        new_qid: Callable[[], str],
        words: Callable[[int], str],
        statement: Statement,
        item: Callable[..., dict[str, Any]],
        snak: Callable[..., dict[str, Any]],
    ) -> None:
        self.rng = rng
        self.new_qid = new_qid
        self.words = words
        self.statement = statement
        self.item = item
        self.snak = snak
        self.weights = [w for w, _c, _k in OFF_TOPIC_KINDS]

    def _string(self, qid: str, prop: str, value: str, refs: bool = False) -> dict[str, Any]:
        extra = {"references": [self._reference()]} if refs else {}
        return self.statement(qid, prop, ("string", "external-id", value), **extra)

    def _reference(self) -> dict[str, Any]:
        stated_in = self.snak(
            "P248",
            {"entity-type": "item", "numeric-id": 5188229, "id": "Q5188229"},
            "wikibase-entityid",
            "wikibase-item",
        )
        retrieved = self.snak(
            "P813",
            {
                "time": "+2023-05-01T00:00:00Z",
                "timezone": 0,
                "precision": 11,
                "calendarmodel": "http://www.wikidata.org/entity/Q1985727",
            },
            "time",
            "time",
        )
        return {
            "hash": f"{self.rng.getrandbits(160):040x}",
            "snaks": {"P248": [stated_in], "P813": [retrieved]},
            "snaks-order": ["P248", "P813"],
        }

    def _ordinal(self, n: int) -> dict[str, Any]:
        return {"P1545": [self.snak("P1545", str(n), "string", "string")]}

    def make(self) -> dict[str, Any]:
        _w, cls, shape = self.rng.choices(OFF_TOPIC_KINDS, self.weights)[0]
        return getattr(self, f"_{shape}")(self.new_qid(), cls)

    def _article(self, qid: str, cls: str) -> dict[str, Any]:
        rng = self.rng
        title = self.words(rng.randint(6, 14)).capitalize()
        year = rng.randint(1950, 2024)
        labels = {lang: title for lang in ("en", "nl", "de", "fr")[: rng.choice((1, 1, 2, 4))]}
        descs = {lang: text.format(y=year) for lang, text in _ARTICLE_DESC.items()}
        st = self.statement
        claims: dict[str, list[dict[str, Any]]] = {
            "P31": [st(qid, "P31", cls)],
            "P1476": [
                st(
                    qid,
                    "P1476",
                    ("monolingualtext", "monolingualtext", {"text": title, "language": "en"}),
                )
            ],
            "P577": [
                st(
                    qid,
                    "P577",
                    (
                        "time",
                        "time",
                        {
                            "time": f"+{year}-01-01T00:00:00Z",
                            "timezone": 0,
                            "precision": 9,
                            "calendarmodel": "http://www.wikidata.org/entity/Q1985727",
                        },
                    ),
                )
            ],
            "P356": [self._string(qid, "P356", f"10.{rng.randint(1000, 9999)}/j.{qid}")],
        }
        authors = rng.randint(0, 1)
        claims["P50"] = [
            st(qid, "P50", f"Q{rng.randint(10**7, 10**8)}", qualifiers=self._ordinal(i + 1))
            for i in range(authors)
        ]
        claims["P2093"] = [
            self.statement(
                qid,
                "P2093",
                ("string", "string", self.words(2).title()),
                qualifiers=self._ordinal(authors + i + 1),
            )
            for i in range(rng.randint(1, 2))
        ]
        claims["P2860"] = [
            st(qid, "P2860", f"Q{rng.randint(10**7, 10**8)}")
            for _ in range(int(rng.expovariate(1)))
        ]
        claims["P921"] = [
            st(qid, "P921", f"Q{rng.randint(10**3, 10**6)}") for _ in range(rng.randint(0, 1))
        ]
        return self.item(qid, labels, descriptions=descs, claims=claims)

    def _category(self, qid: str, cls: str) -> dict[str, Any]:
        rng = self.rng
        name = self.words(rng.randint(2, 5)).title()
        prefix = "Category:" if cls == "Q4167836" else ""
        n = rng.choice((1, 2, 5, 12))
        labels = {lang: f"{prefix}{name}" for lang in _DESC_LANGS[:n]}
        descs = {"en": "Wikimedia category" if prefix else "Wikimedia disambiguation page"}
        claims = {"P31": [self.statement(qid, "P31", cls)]}
        if prefix:
            claims["P301"] = [self.statement(qid, "P301", f"Q{rng.randint(10**3, 10**8)}")]
        return self.item(qid, labels, descriptions=descs, claims=claims, sitelinks=n)

    def _taxon(self, qid: str, cls: str) -> dict[str, Any]:
        rng = self.rng
        name = f"{self.words(1).capitalize()} {self.words(1)}"
        labels = {lang: name for lang in ("en", "nl", "sv", "ceb", "de")[: rng.randint(1, 5)]}
        st = self.statement
        claims = {
            "P31": [st(qid, "P31", cls)],
            "P105": [st(qid, "P105", "Q7432")],
            "P171": [st(qid, "P171", f"Q{rng.randint(10**4, 10**8)}")],
            "P225": [self._string(qid, "P225", name, True)],
        }
        for prop in ("P685", "P846"):
            claims[prop] = [self._string(qid, prop, str(rng.randint(10**4, 10**7)))]
        return self.item(
            qid,
            labels,
            descriptions={"en": "species of insect"},
            claims=claims,
            sitelinks=rng.choice((0, 0, 1, 2)),
        )

    def _star(self, qid: str, cls: str) -> dict[str, Any]:
        rng = self.rng
        code = f"{rng.choice(('HD', 'HIP', '2MASS J', 'Gaia DR3'))} {rng.randint(10**4, 10**9)}"
        st = self.statement
        claims = {
            "P31": [st(qid, "P31", cls)],
            "P59": [st(qid, "P59", f"Q{rng.randint(8000, 10**4)}")],
            "P528": [self._string(qid, "P528", f"{code}-{i}") for i in range(2)],
            "P1215": [
                st(
                    qid,
                    "P1215",
                    ("quantity", "quantity", {"amount": f"+{rng.uniform(1, 20):.2f}", "unit": "1"}),
                )
            ],
        }
        return self.item(
            qid, {"en": code}, descriptions={"en": "star in the constellation"}, claims=claims
        )

    def _gene(self, qid: str, cls: str) -> dict[str, Any]:
        rng = self.rng
        symbol = self.words(1)[:6].upper() + str(rng.randint(1, 99))
        st = self.statement
        claims = {
            "P31": [st(qid, "P31", cls)],
            "P703": [st(qid, "P703", "Q15978631", references=[self._reference()])],
            "P351": [self._string(qid, "P351", str(rng.randint(10**3, 10**6)))],
            "P594": [self._string(qid, "P594", f"ENSG{rng.randint(10**9, 10**10)}")],
        }
        return self.item(
            qid, {"en": symbol}, descriptions={"en": "gene of the species"}, claims=claims
        )
