"""A synthetic Wikidata dump in the official JSON layout, with the hard cases of real data.

Why synthetic: the real dump is 100+ GB and cannot be fetched here; the bench
needs millions of entities whose *shape* is Wikidata's (labels, descriptions
and aliases in many languages, statements with ranks, qualifiers and
references, sitelinks, a P279 class tree) and whose *names* collide the way
real names do:

- the knowledge base's own prominent entities, under their real QIDs, with the
  sitelinks a real dump gives them: at least what their seed prior stands for,
  and what their item number suggests (Wales has ~200, though the seed's sources
  give it a prior of 0.55; see `sitelinks_of_real_item`), and their own
  country or none (a continent has no P17);
- namesakes of them: villages called Rotterdam, Paris or Washington (an
  instance of a subclass of a subclass of human settlement, in another
  country, a few sitelinks), people sharing a famous surname or whole name,
  companies and clubs named after cities;
- items named like ordinary Dutch words (a ship "Vandaag", a band "Aanval");
- random people, places and organisations, and off-topic items (scholarly
  articles, categories, taxa, stars, genes) the class filter must drop, in a
  real dump's share (60 % of all items: `offtopic_gen.py` says why).

Obscure items' sitelinks have a heavy (Pareto) tail, as on Wikidata: most have
a few, some namesakes have dozens. Items spread over countries roughly as on
Wikidata (the United States most, the Netherlands and Belgium a few per cent),
and a person rarely has a bare surname as an alias (2 % of random people).

Everything is derived from a seeded `random.Random`, so a size always gives the
same dump. QIDs of synthetic items start at Q900000000, far from real ones.
An item's JSON layout is `wikidata_items.py`, the name material `synthetic_names.py`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import orjson

from bench.scale_kit.offtopic_gen import OFF_TOPIC_SHARE, OffTopicItems
from bench.scale_kit.synthetic_names import FIRST_NAMES, SYLLABLES
from bench.scale_kit.wikidata_items import (
    LANGS,
    WIKIS,
    item,
    population_claims,
    snak,
    statement,
)
from nieuwsstroom.linkers import prominence

SYNTH_BASE = 900_000_000
OFF_TOPIC = ("Q13442814", "Q16521", "Q4167836", "Q482994", "Q7187")  # article, taxon, ...
COUNTRIES = ("Q55", "Q31", "Q183", "Q142", "Q30", "Q145", "Q29", "Q38", "Q159", "Q212", "Q36")
#: How Wikidata's people, places and organisations spread over countries, roughly: the
#: United States hold the most, the Netherlands and Belgium a few per cent.
COUNTRY_WEIGHTS = (3, 2, 10, 10, 30, 8, 6, 6, 8, 4, 4)


# The seed's kind -> the generator's class family; 'other' (languages, ...) is not a news
# class, so the dump build leaves those seed entities as they are.
_GEN_KIND = {
    "country": "region",
    "region": "region",
    "settlement": "settlement",
    "place": "place",
    "person": "person",
    "party": "party",
    "company": "company",
    "organisation": "organisation",
    "other": "offtopic",
}
_TYPE_KIND = {"PER": "person", "ORG": "organisation", "LOC": "place"}


def sitelinks_for_prior(prior: float) -> int:
    """Inverse of prominence.prior_from_sitelinks: the sitelinks a seed prior stands for."""
    return max(0, min(len(WIKIS), round(math.exp(prior * math.log1p(250)) - 1)))


def sitelinks_of_real_item(qid: str, prior: float) -> int:
    """Sitelinks a real item of the seed has in a real dump (as far as the seed tells).

    The seed's prior understates many: a brand registry gives Wales 0.3 and Europe
    0.3, though both have articles in ~250 Wikipedias, and a real dump brings those
    sitelinks along. Wikidata's item numbers follow creation order, and the first
    items were made from the articles of many Wikipedias, so the item number
    estimates the sitelinks; `prominence.prior_from_item_age` counts that estimate
    at 80 % (it overshoots for some old items: provinces, minor concepts). The
    larger of the two priors stands for the item's sitelinks.
    """
    return sitelinks_for_prior(max(prior, prominence.prior_from_item_age(qid)))


#: Obscure items stay below this many sitelinks (prior 0.74, a town of ~200,000): the
#: world's prominent items are the seed's own, under their real QIDs.
OBSCURE_MAX_SITELINKS = 60


def heavy_tail(rng: random.Random, scale: float, alpha: float) -> int:
    """Sitelinks of an obscure item: mostly a few, some dozens (a Pareto tail, as on
    Wikidata, where a few villages called Paris have more sitelinks than most towns)."""
    return min(OBSCURE_MAX_SITELINKS, int(scale * rng.paretovariate(alpha)) - 1)


class DumpGenerator:
    """Yields dump lines for `size` entities (see module docstring)."""

    def __init__(self, size: int, seed_entities: list[dict[str, Any]], common_words: list[str]):
        self.size = size
        self.rng = random.Random(size)
        self.seed_entities = seed_entities
        self.common_words = common_words
        self.next_id = SYNTH_BASE
        self.classes: dict[str, list[str]] = {}  # kind -> leaf class QIDs under its root
        self.off_topic = 0
        self.off_topic_items = OffTopicItems(
            self.rng, self._qid, self._words, statement, item, snak
        )

    def _qid(self) -> str:
        self.next_id += 1
        return f"Q{self.next_id}"

    def _class_tree(self) -> Iterator[dict[str, Any]]:
        """Subclass chains under the roots (depth 1-3), and under off-topic classes."""
        roots = {
            "settlement": "Q486972",
            "region": "Q56061",
            "person": "Q5",
            "company": "Q4830453",
            "organisation": "Q43229",
            "club": "Q847017",
            "newspaper": "Q11032",
            "party": "Q7278",
            "place": "Q618123",
            "offtopic": OFF_TOPIC[0],
        }
        per_root = max(4, self.size // 3000)
        for kind, root in roots.items():
            leaves = []
            for i in range(per_root):
                parent = root
                for depth in range(1 + i % 3):
                    qid = self._qid()
                    name = f"{kind} class {i}.{depth}"
                    yield item(
                        qid,
                        {"en": name, "nl": name},
                        claims={"P279": [statement(qid, "P279", parent)]},
                        descriptions={"en": f"subclass of {parent}"},
                    )
                    parent = qid
                leaves.append(parent)
            self.classes[kind] = leaves if kind != "person" else [root]

    def _name(self) -> str:
        parts = self.rng.choice((1, 2, 2, 2, 3))
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def _entity(
        self, qid: str, kind: str, name: str, sitelinks: int, **more: Any
    ) -> dict[str, Any]:
        rng = self.rng
        cls = more.pop("cls", None) or rng.choice(self.classes[kind])
        # A real item keeps its own country, or none (a continent has no P17).
        if "country" in more:
            country = more.pop("country")
        else:
            country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        claims: dict[str, list[dict[str, Any]]] = {"P31": [statement(qid, "P31", cls)]}
        if kind != "offtopic" and country:
            claims["P17"] = [statement(qid, "P17", country)]
        if kind in ("settlement", "region"):
            claims["P1082"] = population_claims(qid, more.pop("population", rng.randint(50, 9000)))
            coords = {"latitude": rng.uniform(-60, 70), "longitude": rng.uniform(-180, 180)}
            claims["P625"] = [
                statement(qid, "P625", ("globecoordinate", "globe-coordinate", coords))
            ]
        labels = {lang: name for lang in LANGS[: 2 + min(10, sitelinks // 3)]}
        aliases = more.pop("aliases", None)
        what = "country" if cls == "Q6256" else kind
        return item(
            qid,
            labels,
            descriptions={"en": f"{what} in {country or 'the world'}", "nl": what},
            aliases=aliases,
            claims=claims,
            sitelinks=sitelinks,
        )

    def _prominent(self) -> Iterator[dict[str, Any]]:
        """The KB's own entities under their real QIDs, and their namesakes."""
        rng = self.rng
        for ent in self.seed_entities:
            is_country = ent["country"] == ent["qid"] or ent.get("kind") == "country"
            kind = _GEN_KIND.get(ent.get("kind") or "", "") or _TYPE_KIND.get(ent["type"], "place")
            extra: dict[str, Any] = {"cls": "Q6256"} if is_country else {}
            if kind in ("settlement", "region"):  # inverse of prominence.prior_from_population
                extra["population"] = ent.get("population") or int(10 ** (2 + 5.5 * ent["prior"]))
            sitelinks = sitelinks_of_real_item(ent["qid"], ent["prior"])
            if is_country:
                sitelinks = max(sitelinks, 250)  # a country has an article in every Wikipedia
            label = ent["label_en"] or ent["label_nl"]
            record = self._entity(
                ent["qid"], kind, label, sitelinks, country=ent["country"], **extra
            )
            record["labels"] = {
                "nl": {"language": "nl", "value": ent["label_nl"] or ent["label_en"]},
                "en": {"language": "en", "value": ent["label_en"] or ent["label_nl"]},
            }
            descriptions = {
                lang: {"language": lang, "value": ent.get(f"description_{lang}") or ""}
                for lang in ("nl", "en")
            }
            record["descriptions"] = {k: v for k, v in descriptions.items() if v["value"]}
            yield record
            if ent["prior"] < 0.5 or (is_country and rng.random() < 0.7):
                continue
            name = ent["label_nl"] or ent["label_en"]
            for _ in range(1 if is_country else rng.randint(1, 6)):  # namesakes
                if kind == "offtopic":
                    break
                if kind == "person":
                    surname = name.split()[-1]
                    same = rng.random() < 0.2
                    label = name if same else f"{rng.choice(FIRST_NAMES)} {surname}"
                    yield self._entity(self._qid(), "person", label, heavy_tail(rng, 2, 2.0))
                else:
                    nkind = rng.choice(("settlement", "settlement", "company", "club"))
                    label = name if nkind == "settlement" else f"{name} {rng.choice(('BV', 'FC'))}"
                    if rng.random() < 0.3:
                        label = name  # a company or club under the bare city name
                    yield self._entity(self._qid(), nkind, label, heavy_tail(rng, 2, 2.0))

    def _ordinary_words(self) -> Iterator[dict[str, Any]]:
        for word in self.common_words:
            for kind in ("company", "settlement", "organisation"):
                yield self._entity(self._qid(), kind, word.capitalize(), self.rng.randint(0, 4))

    def _words(self, n: int) -> str:
        return " ".join(self._name().lower() for _ in range(n))

    def _random(self, count: int) -> dict[str, Any]:
        """Off-topic while their share of the dump so far is below OFF_TOPIC_SHARE, else
        a person (7 in 16) or a place or organisation."""
        rng = self.rng
        if self.off_topic < OFF_TOPIC_SHARE * (count + 1):
            self.off_topic += 1
            return self.off_topic_items.make()
        if rng.random() < 0.4375:
            name = f"{rng.choice(FIRST_NAMES)} {self._name()}"
            # A bare surname as an alias is rare on Wikidata (a few famous people have one).
            extra = {"aliases": {"en": [name.split()[-1]]}} if rng.random() < 0.02 else {}
            return self._entity(self._qid(), "person", name, heavy_tail(rng, 1, 1.3), **extra)
        kind = rng.choice(("settlement", "settlement", "region", "company", "organisation", "club"))
        return self._entity(self._qid(), kind, self._name(), heavy_tail(rng, 1, 1.3))

    def entities(self) -> Iterator[dict[str, Any]]:
        count = 0
        for source in (self._class_tree(), self._prominent(), self._ordinary_words()):
            for ent in source:
                yield ent
                count += 1
        while count < self.size:
            yield self._random(count)
            count += 1

    def write(self, out: Any) -> int:
        """The dump's bytes to a binary file object; returns the number of entities."""
        out.write(b"[\n")
        n = 0
        for n, ent in enumerate(self.entities(), 1):
            out.write(orjson.dumps(ent))
            out.write(b",\n" if n < self.size else b"\n")
            if n >= self.size:
                break
        out.write(b"]\n")
        return n
