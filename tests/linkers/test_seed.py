import csv
import os
import time

from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.seed import PLACES_10M, SEED_DIR, ensure_seed_kb


def test_seed_has_expected_entities_and_aliases(seed_kb_path):
    with KnowledgeBase(seed_kb_path) as kb:
        assert kb.lookup("Kyiv")[0].qid == "Q1899" and kb.lookup("Kiev")[0].qid == "Q1899"
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
