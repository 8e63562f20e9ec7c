import csv
import os
import time

from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.seed import PLACES_10M, SEED_DIR, ensure_seed_kb


def test_seed_has_expected_entities_and_aliases(seed_kb_path):
    with KnowledgeBase(seed_kb_path) as kb:
        assert kb.lookup("Kyiv")[0].qid == "Q1899"
        assert "Q1899" in {a.qid for a in kb.lookup("Kiev")}  # beside the Kyiv region
        assert {a.qid for a in kb.lookup("Odesa")} == {"Q1874"}
        assert kb.lookup("Den Haag")[0].qid == "Q36600"
        assert kb.lookup("Verenigde Staten")[0].qid == "Q30"
        assert kb.entity("Q157053").country == "Q212"  # Chernihiv, from the 10m file
        assert kb.meta()["seed_fingerprint"]


def test_qids_shared_by_two_places_are_dropped(seed_kb_path):
    with (SEED_DIR / PLACES_10M).open(encoding="utf-8") as fh:
        counts: dict[str, int] = {}
        for row in csv.DictReader(fh):
            counts[row["wikidataid"]] = counts.get(row["wikidataid"], 0) + 1
    shared = [q for q, n in counts.items() if q and n > 1]
    assert shared
    with KnowledgeBase(seed_kb_path) as kb:
        for qid in shared:
            # Gone, unless a trusted file (countries, 50m places) also names it.
            assert kb.entity(qid) is None or any(a.weight >= 0.9 for a in kb.aliases_of(qid))


def test_ordinary_words_are_not_place_aliases(seed_kb_path):
    with KnowledgeBase(seed_kb_path) as kb:
        assert kb.lookup("Van") == [] and kb.lookup("Hof") == []


def test_ensure_seed_kb_is_cached(seed_kb_path):
    mtime = os.stat(seed_kb_path).st_mtime_ns
    started = time.monotonic()
    assert ensure_seed_kb(seed_kb_path.parent.parent) == seed_kb_path
    assert time.monotonic() - started < 2.0
    assert os.stat(seed_kb_path).st_mtime_ns == mtime


def test_ensure_seed_kb_rebuilds_a_corrupt_file(tmp_path):
    path = tmp_path / "kb" / "seed.sqlite"
    path.parent.mkdir()
    path.write_bytes(b"garbage")
    assert ensure_seed_kb(tmp_path) == path
    with KnowledgeBase(path) as kb:
        assert kb.counts()["entities"] > 7000


def test_dutch_cities_belong_to_the_netherlands_not_sint_maarten(seed_kb_path):
    # Sint Maarten's row names "Netherlands" as its sovereign; that must not leak.
    with KnowledgeBase(seed_kb_path) as kb:
        for name in ("Den Haag", "Amsterdam", "Rotterdam", "Maastricht", "Zwolle"):
            cities = [e for e in kb.entities(a.qid for a in kb.lookup(name)).values()]
            assert any(e.kind == "settlement" and e.country == "Q55" for e in cities), name
            assert all(e.country != "Q26273" for e in cities), name


def test_sourced_entities_are_in_the_seed_with_consistent_types(seed_kb_path):
    with KnowledgeBase(seed_kb_path) as kb:
        google = kb.entity("Q95")
        assert (google.type, google.kind) == ("ORG", "company")
        wales = kb.entity("Q25")
        assert (wales.type, wales.kind, wales.country) == ("LOC", "region", "Q145")
        europe = kb.entity("Q46")  # the source typed the continent as an organisation
        assert (europe.type, europe.kind) == ("LOC", "place")
        assert kb.entity("Q239333").kind == "party" and kb.entity("Q239333").country == "Q55"
        assert kb.entity("Q22686").type == "PER" and kb.entity("Q22686").prior >= 0.9
        assert {a.qid for a in kb.lookup("VK")} == {"Q145"}
        assert "Q145" in {a.qid for a in kb.lookup("Groot-Brittannië")}
        assert kb.lookup("3") == []  # a telecom brand's name, and a digit in Dutch text


def test_priors_share_one_scale_across_sources(seed_kb_path):
    with KnowledgeBase(seed_kb_path) as kb:
        e = kb.entities(["Q34370", "Q2680952", "Q727", "Q9899", "Q407009", "Q55", "Q1370"])
        # The city (population) beats the municipality item a brand registry lists.
        assert e["Q34370"].prior > e["Q2680952"].prior + 0.2
        assert e["Q727"].prior > e["Q9899"].prior + 0.2
        assert e["Q55"].prior >= 0.9 > e["Q407009"].prior
        assert 0.7 < e["Q1370"].prior < 0.85  # Virginia: 8.8M inhabitants, a region at 85 %
