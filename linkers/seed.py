"""Build the seed knowledge base from the public-domain data bundled in `data/seed/`.

The seed gives the pipeline real Wikidata QIDs with no network and no dump:
Natural Earth countries and populated places (public domain), a short list of
verified people, organisations and places, and 60k sourced entities (regions,
parties, companies, public and research bodies, US politicians; ODbL, see
`data/seed/SOURCED_ENTITIES.md`) made consistent by `seed_sourced.py`. Priors
of every source are on the one scale of `prominence.py`. `ensure_seed_kb` caches the built
SQLite file and rebuilds it only when the bundled data or this builder change
(a fingerprint in `meta`), so start-up is a file open when cached.

Longer than the house's ~300 lines on purpose: the cache check's fingerprint
includes `SEED_BUILD_VERSION`, which must be bumped whenever the build rules in
`SeedBuilder` change, and keeping the rules, the version and the check in one
file is what makes that hard to forget.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from nieuwsstroom.linkers import prominence
from nieuwsstroom.linkers.errors import KnowledgeBaseError
from nieuwsstroom.linkers.kb_bulk import copy_into_empty
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.normalize import normalize_alias
from nieuwsstroom.linkers.seed_sourced import (
    SOURCED,
    CountryResolver,
    read_sourced,
    with_region_share,
)

SEED_DIR = Path(__file__).parent / "data" / "seed"
COMMON_WORDS_FILE = Path(__file__).parent / "data" / "nl_common_words.txt"
#: Bump when the build logic changes, so cached seed KBs are rebuilt.
SEED_BUILD_VERSION = "6"

COUNTRIES = "naturalearth_10m_countries_qid_nl_en.csv"
PLACES_50M = "naturalearth_50m_populated_places_qid_nl_en.csv"
PLACES_10M = "naturalearth_10m_populated_places_v4_qid_en.csv"
VERIFIED = "verified_entities.tsv"
EXTRA_ALIASES = "extra_aliases.tsv"

_VERIFIED_KIND = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other"}
# Natural Earth's ADM0NAME spellings that differ from the country file's names.
_ADM0_FIXES = {"Necw Zealand": "New Zealand", "Curacao": "Curaçao", "Macedonia": "North Macedonia"}


def load_common_words(path: Path = COMMON_WORDS_FILE) -> frozenset[str]:
    """Normalised Dutch words that are not names (see the file's header)."""
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(normalize_alias(line))
    return frozenset(words)


def _population(pop: str) -> int:
    try:
        return max(0, int(float(pop)))
    except ValueError:
        return 0


@dataclass
class _Draft:
    """An entity being assembled from several files before it is written once."""

    record: EntityRecord
    aliases: list[AliasRecord] = field(default_factory=list)


def _alt_names(value: str) -> Iterator[str]:
    """NAMEALT holds 'A|B' lists whose items may be 'Name, Region' ("Jacksonville, Florida":
    the region is not a name of the city); 'Formerly X' is history, not an alias."""
    for item in value.split("|"):
        part = item.split(",")[0].strip()
        if part and not part.lower().startswith("formerly"):
            yield part


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class SeedBuilder:
    """Reads the seed folder and writes entities and aliases into a KnowledgeBase."""

    def __init__(self, seed_dir: Path = SEED_DIR, common_words: frozenset[str] | None = None):
        self.seed_dir = seed_dir
        self.common_words = load_common_words() if common_words is None else common_words
        self.drafts: dict[str, _Draft] = {}
        self.country_by_name: dict[str, str] = {}

    def _alias(self, qid: str, name: str, lang: str, source: str, weight: float) -> None:
        if name.strip():
            self.drafts[qid].aliases.append(AliasRecord(name.strip(), qid, lang, source, weight))

    def _place_alias_ok(self, name: str) -> bool:
        """Short or ordinary-word place names ('Van', 'Hof', 'Bo') would fire on plain Dutch."""
        norm = normalize_alias(name)
        return len(norm) >= 4 and norm not in self.common_words

    def add_countries(self) -> None:
        for row in _read_csv(self.seed_dir / COUNTRIES):
            qid = row["WIKIDATAID"].strip()
            if not qid:
                continue
            kind = row["TYPE"].lower()
            population = _population(row["POP_EST"])
            # A country is as prominent as a capital whatever its size (Luxembourg, Malta).
            sovereign = row["TYPE"] in ("Sovereign country", "Country")
            self.drafts[qid] = _Draft(
                EntityRecord(
                    qid=qid,
                    type="LOC",
                    label_nl=row["NAME_NL"],
                    label_en=row["NAME_EN"],
                    description_en=f"{kind} in {row['CONTINENT']}",
                    prior=max(
                        0.9 if sovereign else 0.6, prominence.prior_from_population(population)
                    ),
                    country=qid,
                    population=population,
                    kind="country",
                )
            )
            self._alias(qid, row["NAME_NL"], "nl", "naturalearth", 1.0)
            self._alias(qid, row["NAME_EN"], "en", "naturalearth", 1.0)
            for col in ("ADMIN", "NAME_LONG", "FORMAL_EN"):
                self._alias(qid, row[col], "en", "naturalearth", 0.9)
            for col in ("NAME_EN", "ADMIN", "NAME_LONG", "FORMAL_EN"):
                self.country_by_name.setdefault(row[col], qid)
        # A sovereign's name is only a fallback: Sint Maarten's SOVEREIGNT is
        # "Netherlands", and it must not become the country of Amsterdam.
        for row in _read_csv(self.seed_dir / COUNTRIES):
            if row["WIKIDATAID"].strip():
                self.country_by_name.setdefault(row["SOVEREIGNT"], row["WIKIDATAID"].strip())

    def _country_of(self, adm0: str) -> str | None:
        return self.country_by_name.get(_ADM0_FIXES.get(adm0, adm0))

    def add_places(self) -> None:
        """50m places (Dutch names) first; the 10m file adds smaller places, English only."""
        for row in _read_csv(self.seed_dir / PLACES_50M):
            qid = row["WIKIDATAID"].strip()
            if not qid or qid in self.drafts:
                continue
            capital = row["ADM0CAP"] == "1"
            population = _population(row["POP_MAX"])
            self.drafts[qid] = _Draft(
                EntityRecord(
                    qid=qid,
                    type="LOC",
                    label_nl=row["NAME_NL"] or row["NAME_EN"],
                    label_en=row["NAME_EN"],
                    description_en=(
                        f"capital of {row['ADM0NAME']}" if capital else f"city in {row['ADM0NAME']}"
                    ),
                    prior=max(
                        0.85 if capital else 0.0, prominence.prior_from_population(population)
                    ),
                    country=self._country_of(row["ADM0NAME"]),
                    population=population,
                    kind="settlement",
                )
            )
            self._alias(qid, row["NAME_NL"], "nl", "naturalearth", 1.0)
            self._alias(qid, row["NAME_EN"], "en", "naturalearth", 1.0)
            for name in [row["NAME"], *_alt_names(row["NAMEALT"])]:
                if self._place_alias_ok(name):
                    self._alias(qid, name, "en", "naturalearth", 0.9)

        rows = _read_csv(self.seed_dir / PLACES_10M)
        seen: dict[str, int] = {}
        for row in rows:
            if row["wikidataid"].strip():
                seen[row["wikidataid"].strip()] = seen.get(row["wikidataid"].strip(), 0) + 1
        for row in rows:
            qid = row["wikidataid"].strip()
            # The README: a few QIDs name two places in this release; trust neither.
            if not qid or seen[qid] > 1:
                continue
            names = [row["NAME_EN"], row["NAME"], *_alt_names(row["NAMEALT"])]
            if qid not in self.drafts:
                population = _population(row["POP_MAX"])
                self.drafts[qid] = _Draft(
                    EntityRecord(
                        qid=qid,
                        type="LOC",
                        label_en=row["NAME_EN"],
                        label_nl=row["NAME_EN"],
                        description_en=f"populated place in {row['ADM0NAME']}",
                        prior=prominence.prior_from_population(population),
                        country=self._country_of(row["ADM0NAME"]),
                        population=population,
                        kind="settlement",
                    )
                )
            for name in names:
                if self._place_alias_ok(name):
                    self._alias(qid, name, "en", "naturalearth", 0.6)

    def add_verified(self) -> None:
        for row in _read_csv_tsv(self.seed_dir / VERIFIED):
            qid = row["qid"].strip()
            old = self.drafts.get(qid)
            self.drafts[qid] = _Draft(
                EntityRecord(
                    qid=qid,
                    type=row["type"],
                    label_nl=row["label_nl"],
                    label_en=row["label_en"],
                    description_en=row["description_en"],
                    prior=0.9,
                    country=old.record.country if old else None,
                    population=old.record.population if old else 0,
                    kind=old.record.kind if old else _VERIFIED_KIND[row["type"]],
                ),
                old.aliases if old else [],
            )
            self._alias(qid, row["label_nl"], "nl", "verified", 1.0)
            self._alias(qid, row["label_en"], "en", "verified", 1.0)
            for lang in ("nl", "en"):
                for name in row[f"aliases_{lang}"].split("|"):
                    self._alias(qid, name, lang, "verified", 1.0)

    def add_extra_aliases(self) -> None:
        lines = (self.seed_dir / EXTRA_ALIASES).read_text(encoding="utf-8").splitlines()
        body = [line for line in lines if line.strip() and not line.startswith("#")]
        for line in body[1:]:
            qid, alias, lang, _why = line.split("\t")
            if qid not in self.drafts:
                raise KnowledgeBaseError(
                    f"{EXTRA_ALIASES}: {qid} ({alias!r}) is in no seed data file; "
                    "add QIDs only with a source"
                )
            self._alias(qid, alias, lang, "curated", 1.0)

    def add_sourced(self) -> None:
        """Sourced rows; for a QID already known, only aliases and missing facts are added."""
        countries = CountryResolver(self.country_by_name)
        rows = list(read_sourced(self.seed_dir / SOURCED, countries))
        populations = {
            q: d.record.population for q, d in self.drafts.items() if d.record.population
        }
        for row in with_region_share(rows, populations):
            old = self.drafts.get(row.entity.qid)
            if old is None:
                aliases = [a for a in row.aliases if self._sourced_alias_ok(row.entity, a)]
                self.drafts[row.entity.qid] = _Draft(row.entity, aliases)
                continue
            rec = old.record
            old.record = replace(
                rec,
                label_nl=rec.label_nl or row.entity.label_nl,
                description_en=rec.description_en or row.entity.description_en,
                prior=max(rec.prior, row.entity.prior),
                country=rec.country or row.entity.country,
                population=rec.population or row.entity.population,
                kind=rec.kind or row.entity.kind,
            )
            old.aliases.extend(a for a in row.aliases if self._sourced_alias_ok(rec, a))

    def _sourced_alias_ok(self, rec: EntityRecord, alias: AliasRecord) -> bool:
        """A place keeps its Natural Earth rule against ordinary-word names."""
        return rec.kind not in prominence.PLACE_KINDS or self._place_alias_ok(alias.alias)

    def build(self, kb: KnowledgeBase) -> None:
        self.add_countries()
        self.add_places()
        self.add_verified()
        self.add_sourced()
        self.add_extra_aliases()
        kb.upsert_entities(d.record for d in self.drafts.values())
        kb.add_aliases(a for d in self.drafts.values() for a in d.aliases)


def _read_csv_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def seed_fingerprint(seed_dir: Path = SEED_DIR) -> str:
    """Hash of the bundled data, the common-word list and the builder version."""
    digest = hashlib.sha256(SEED_BUILD_VERSION.encode())
    for path in sorted([*seed_dir.iterdir(), COMMON_WORDS_FILE]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


SEED_SOURCE = "seed: Natural Earth + verified_entities.tsv + sourced_entities.tsv"


def write_seed(kb: KnowledgeBase, seed_dir: Path = SEED_DIR, *, cache: Path | None = None) -> None:
    """Every seed entity and alias into `kb`, and the fingerprint `ensure_seed_kb` checks.

    `cache`: a cache directory; when it holds the seed KB of this very data
    (`current_seed_kb`) and `kb` is empty, its rows are copied (a fraction of a
    second) instead of built again (seconds).
    """
    fingerprint = seed_fingerprint(seed_dir)
    cached = current_seed_kb(cache, fingerprint) if cache is not None else None
    if cached is None or not copy_into_empty(kb, cached):
        SeedBuilder(seed_dir).build(kb)
    kb.set_meta({"seed_fingerprint": fingerprint})


def build_seed_kb(out: Path, seed_dir: Path = SEED_DIR) -> Path:
    """Write a fresh seed KB at `out`: a new version, swapped in atomically (`kb_files`)."""
    from nieuwsstroom.linkers.kb_files import new_version

    with new_version(Path(out)) as version:
        version.bulk_mode()
        write_seed(version.kb, seed_dir)
        return version.commit(SEED_SOURCE, load_common_words())


def current_seed_kb(cache_dir: Path, fingerprint: str | None = None) -> Path | None:
    """`cache_dir/kb/seed.sqlite` if it is the seed KB of the bundled data, else None."""
    path = Path(cache_dir) / "kb" / "seed.sqlite"
    if not path.is_file():
        return None
    try:
        with KnowledgeBase(path) as kb:
            stored = kb.meta().get("seed_fingerprint")
    except KnowledgeBaseError:
        return None  # corrupt or old schema
    return path if stored == (fingerprint or seed_fingerprint()) else None


def ensure_seed_kb(cache_dir: Path) -> Path:
    """The seed KB in `cache_dir/kb/seed.sqlite`, built if missing or outdated."""
    return current_seed_kb(cache_dir) or build_seed_kb(Path(cache_dir) / "kb" / "seed.sqlite")
