"""Reading `sourced_entities.tsv` into entities with types, kinds, countries and priors
that mean the same as the other seed sources'.

Why a module of its own: the file mixes six sources whose columns mean different
things (`popularity` is a population for dr5hn, a count of Congress terms for
congress, empty elsewhere; NSI types were guessed from descriptions). This
module turns each row into the project's terms:

- `prior` on the one scale of `prominence.py` (population, national office, a
  registry's own weight plus a bonus when two sources state the QID, or for an
  organisation the sitelinks its Wikidata item number suggests, if higher);
- `kind` and a corrected `type` from the description's head noun ("continent"
  is a place, "supermarket chain" a company);
- `country` from the description ("province of Morocco", "company in Velsen,
  Netherlands", "political party in Belgium", "Dutch supermarket chain");
- aliases with a letter and at least two characters ("3" is a digit in Dutch
  text, not a brand; "D66" stays).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from nieuwsstroom.linkers import prominence
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord

SOURCED = "sourced_entities.tsv"

# English demonyms at the start of descriptions ("Dutch supermarket chain").
_DEMONYMS = {
    "american": "United States of America",
    "argentine": "Argentina",
    "australian": "Australia",
    "austrian": "Austria",
    "belgian": "Belgium",
    "brazilian": "Brazil",
    "british": "United Kingdom",
    "bulgarian": "Bulgaria",
    "canadian": "Canada",
    "chilean": "Chile",
    "chinese": "China",
    "colombian": "Colombia",
    "croatian": "Croatia",
    "czech": "Czechia",
    "danish": "Denmark",
    "dutch": "Netherlands",
    "emirati": "United Arab Emirates",
    "english": "United Kingdom",
    "estonian": "Estonia",
    "finnish": "Finland",
    "french": "France",
    "german": "Germany",
    "greek": "Greece",
    "hungarian": "Hungary",
    "indian": "India",
    "indonesian": "Indonesia",
    "irish": "Ireland",
    "israeli": "Israel",
    "italian": "Italy",
    "japanese": "Japan",
    "latvian": "Latvia",
    "lithuanian": "Lithuania",
    "luxembourgish": "Luxembourg",
    "mexican": "Mexico",
    "norwegian": "Norway",
    "polish": "Poland",
    "portuguese": "Portugal",
    "romanian": "Romania",
    "russian": "Russia",
    "scottish": "United Kingdom",
    "serbian": "Serbia",
    "slovak": "Slovakia",
    "slovenian": "Slovenia",
    "south african": "South Africa",
    "south korean": "South Korea",
    "spanish": "Spain",
    "swedish": "Sweden",
    "swiss": "Switzerland",
    "taiwanese": "Taiwan",
    "thai": "Thailand",
    "turkish": "Turkey",
    "ukrainian": "Ukraine",
    "welsh": "United Kingdom",
}
# Country spellings the sources use beside Natural Earth's names.
COUNTRY_SYNONYMS = {
    "the netherlands": "Netherlands",
    "united states": "United States of America",
    "us": "United States of America",
    "usa": "United States of America",
    "u.s.": "United States of America",
    "uk": "United Kingdom",
    "türkiye": "Turkey",
    "czech republic": "Czechia",
    "palestinian territory occupied": "Palestine",
    "psg": "Palestine",
    "the united kingdom": "United Kingdom",
    "north macedonia": "North Macedonia",
    "ivory coast": "Côte d'Ivoire",
    "the bahamas": "Bahamas",
    "england": "United Kingdom",
    "scotland": "United Kingdom",
    "wales": "United Kingdom",
    "northern ireland": "United Kingdom",
}

# Head nouns of descriptions -> kind, most specific first.
_KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"\bpolitical party\b", "party"),
    (r"\bschool district\b", "organisation"),
    (r"^(island )?(sovereign state|country|microstate|transcontinental country)\b", "country"),
    (r"\b(island|archipelago|peninsula|sea|ocean|river|lake|mountain)\b", "place"),
    (r"\b(municipality|city|town|village|capital|commune|borough)\b", "settlement"),
    (
        r"\b(province|state|region|county|district|department|governorate|prefecture|canton|"
        r"oblast|constituent|autonomous community|land|parish|emirate)\b",
        "region",
    ),
    (r"^(national flag|flag)\b", "other"),
    (r"\blanguage\b", "other"),
    (
        r"\b(company|chain|brand|bank|manufacturer|retailer|corporation|operator|airline|"
        r"insurer|conglomerate|enterprise|business|supermarket|store|shop|network)\b",
        "company",
    ),
)
_HEAD_END = re.compile(
    r",| (?:in|of|on|at|located|based|operated|that|which|for|from|with|serving)\b"
)
#: Kinds whose registry rows get a prior from the item's age (see `read_sourced`).
_REGISTRY_KINDS = frozenset({"company", "organisation", "party", "other"})
_TYPE_OF_KIND = {
    "country": "LOC",
    "region": "LOC",
    "settlement": "LOC",
    "place": "LOC",
    "person": "PER",
    "party": "ORG",
    "company": "ORG",
    "organisation": "ORG",
}


def kind_of(description: str, source: str, declared_type: str) -> str:
    """The coarse kind of a sourced row (see `prominence.KINDS`)."""
    if source == "congress":
        return "person"
    if source == "partyfacts":
        return "party"
    text = description.lower()
    if "part of the united kingdom" in text:
        return "region"
    if source == "dr5hn" and text.startswith("country"):
        return "country"
    # The head of the description: "private university in New York City" is a university.
    head = _HEAD_END.split(text, maxsplit=1)[0].strip()
    if "continent" in head:
        return "place"
    for pattern, kind in _KIND_RULES:
        if re.search(pattern, head):
            # A registry row the source calls an organisation stays one ("sea rescue
            # organisation", "police department"); dr5hn rows are always places.
            if kind in prominence.PLACE_KINDS and declared_type != "LOC" and source != "dr5hn":
                break
            return kind
    if source == "dr5hn":
        return "region"
    if source == "wdlang" or declared_type == "MISC":
        return "other"
    return "person" if declared_type == "PER" else "organisation"


@dataclass(frozen=True, slots=True)
class SourcedRow:
    """One row made consistent: the entity and its aliases."""

    entity: EntityRecord
    aliases: tuple[AliasRecord, ...]


def _alias_ok(name: str) -> bool:
    """A name needs a letter and two characters: "3" is a digit in Dutch text; "D66" is fine."""
    return any(ch.isalpha() for ch in name) and len(name.strip()) >= 2


class CountryResolver:
    """Country QID from a description, using Natural Earth's country names.

    The country is the rightmost country name in the description ("city in
    Georgia, United States" -> the United States; "province of Morocco"), else a
    demonym at its start ("Dutch supermarket chain").
    """

    def __init__(self, country_by_name: dict[str, str]) -> None:
        self.by_name = {k.lower(): v for k, v in country_by_name.items() if k}
        for alias, name in COUNTRY_SYNONYMS.items():
            if name.lower() in self.by_name:
                self.by_name.setdefault(alias, self.by_name[name.lower()])
        names = sorted(self.by_name, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?!\w)")

    def _name(self, text: str) -> str | None:
        return self.by_name.get(text.strip().strip(".").lower())

    def resolve(self, description: str, source: str) -> str | None:
        if source == "congress":
            return self._name("United States of America")
        lowered = re.sub(r"\s*\(.*?\)\s*$", "", description).strip().lower()
        found = list(self._pattern.finditer(lowered))
        if found:
            return self.by_name[found[-1].group(1)]
        for demonym in sorted(_DEMONYMS, key=len, reverse=True):
            if f" {demonym} " in f" {lowered[:40]} ":
                return self._name(_DEMONYMS[demonym])
        return None


def read_sourced(path: Path, countries: CountryResolver) -> Iterator[SourcedRow]:
    """Every usable row of `sourced_entities.tsv` in the project's terms."""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            qid = row["qid"].strip()
            if not qid.startswith("Q"):
                continue
            sources = row["source"].split("|")
            desc = row["description_en"]
            kind = kind_of(desc, sources[0], row["type"])
            etype = _TYPE_OF_KIND.get(kind, row["type"] if kind != "other" else "MISC")
            prior = prominence.prior_from_sources(sources)
            popularity = float(row["popularity"] or 0)
            population = int(popularity) if "dr5hn" in sources else 0
            if "dr5hn" in sources:
                # A region is named less often than a city of its size (Moscow Oblast
                # vs Moscow): its population counts at 85 %.
                prior = max(prior, 0.35, 0.85 * prominence.prior_from_population(population))
            if "congress" in sources:
                prior = max(prior, prominence.prior_from_office(desc))
            elif kind in _REGISTRY_KINDS and "dr5hn" not in sources:
                # Registries give no sitelinks: the item's age estimates them (Pfizer
                # above its subsidiaries, the WHO above a college called WHO).
                prior = max(prior, prominence.prior_from_item_age(qid))
            country = countries.resolve(desc, sources[0])
            if kind == "country":
                country = qid
            entity = EntityRecord(
                qid=qid,
                type=etype,
                label_nl=row["label_nl"],
                label_en=row["label_en"],
                description_en=desc,
                prior=round(prior, 4),
                country=country,
                population=population,
                kind=kind,
            )
            names = [(row["label_en"], "en", 1.0), (row["label_nl"], "nl", 1.0)]
            names += [(a, "en", 0.9) for a in row["aliases_en"].split("|")]
            names += [(a, "nl", 0.9) for a in row["aliases_nl"].split("|")]
            aliases = tuple(
                AliasRecord(name.strip(), qid, lang, "sourced:" + sources[0], weight)
                for name, lang, weight in names
                if name.strip() and _alias_ok(name)
            )
            yield SourcedRow(entity, aliases)


def with_region_share(rows: list[SourcedRow], populations: dict[str, int]) -> list[SourcedRow]:
    """A region without a population gets its country's population shared by its regions.

    dr5hn leaves many populations empty (Texas, Georgia, Noord-Brabant); an even share of
    the country's population (`populations`: country QID -> inhabitants) is the data's
    best estimate of how prominent a region is.
    """
    count: dict[str, int] = {}
    for row in rows:
        if row.entity.kind == "region" and row.entity.country:
            count[row.entity.country] = count.get(row.entity.country, 0) + 1
    out = []
    for row in rows:
        ent = row.entity
        total = populations.get(ent.country or "", 0)
        if ent.kind == "region" and not ent.population and total:
            share = total / count[ent.country or ""]
            prior = max(ent.prior, 0.85 * prominence.prior_from_population(share))
            row = SourcedRow(replace(ent, prior=round(prior, 4)), row.aliases)
        out.append(row)
    return out
