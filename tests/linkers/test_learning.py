"""Background name learning against a local server replaying recorded Wikidata responses."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from nieuwsstroom.linkers import Document, build_linker
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.learning import LearningLinker, NameLearner, is_lookup_worthy
from nieuwsstroom.linkers.wikidata_client import WikidataOnline
from tests.linkers.recorded_wikidata import RecordedWikidata, serve_wikidata

ARTICLE = Document(
    "Merkel in Kyiv",
    "De voormalige bondskanselier Angela Merkel bezocht dinsdag Kyiv in Oekraïne.",
)
KB_ENTITIES = [
    ("Q212", "LOC", "Oekraïne", "Ukraine", [], 0.9, "Q212"),
    ("Q1899", "LOC", "Kyiv", "Kyiv", ["Kiev"], 0.8, "Q212"),
]


def _online(api_url: str, timeout: float = 5.0) -> WikidataOnline:
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return WikidataOnline(api_url, timeout=timeout, opener=no_proxy)


@pytest.fixture
def learners() -> Iterator[list[NameLearner]]:
    """Learners a test made; closed at teardown, and their threads must be gone (no leaks)."""
    made: list[NameLearner] = []
    yield made
    for learner in made:
        learner.close()
    leaked = [t for t in threading.enumerate() if t.name == "nieuwsstroom-name-learner"]
    assert not leaked, f"learner threads still running: {leaked}"


def _searches() -> list[str]:
    return [r for r in RecordedWikidata.requests if "wbsearchentities" in r]


def test_unknown_name_is_learned_and_then_linked(api_url, kb_factory, learners):
    kb = kb_factory(KB_ENTITIES)
    linker = build_linker(kb.path, 0.5)
    learner = NameLearner(
        kb.path,
        _online(api_url),
        min_interval_s=0,
        on_learned=lambda _qids: linker.reload_if_changed(force=True),
    )
    learners.append(learner)
    learning = LearningLinker(linker, learner)

    first = learning.link(ARTICLE)
    assert "Q567" not in {e.qid for e in first}
    assert "Angela Merkel" in {e.label for e in first if e.qid is None}
    assert learner.join_idle(30)

    assert learner.counts["learned"] == 1
    assert {a.qid for a in kb.lookup("Angela Merkel")} == {"Q567"}
    assert kb.entity("Q567").type == "PER"
    assert "online learning" in kb.meta()["source"]
    with KnowledgeBase(kb.path) as reader:
        assert reader.enable_wal() == "wal", "the learner switched the KB file to WAL"

    again = {e.qid: e for e in learning.link(ARTICLE)}
    assert again["Q567"].label == "Angela Merkel", "reloaded linker links the learned name"
    assert linker.provenance["kb_aliases"] == kb.counts()["aliases"]
    fresh = build_linker(kb.path, 0.5)
    assert "Q567" in {e.qid for e in fresh.link(ARTICLE)}, "a new linker sees it too"
    fresh.kb.close()
    linker.kb.close()


def test_misses_are_remembered_and_never_retried(api_url, kb_factory, learners):
    kb = kb_factory(KB_ENTITIES)
    before = kb.counts()
    learner = NameLearner(kb.path, _online(api_url), min_interval_s=0)
    learners.append(learner)
    # unknown to the server; a prefix hit with a longer name; an exact hit that is no news entity
    names = [("Xyzzyplaats", "LOC"), ("Angela", "PER"), ("Kat", "MISC")]
    assert learner.offer(names) == 3
    assert learner.join_idle(30)
    assert learner.counts["missed"] == 3 and learner.counts["learned"] == 0
    assert kb.counts() == before, "nothing imprecise was stored"
    assert "/wiki/Special:EntityData/Q567.json" in RecordedWikidata.requests
    seen = len(RecordedWikidata.requests)

    assert learner.offer(names) == 0
    assert learner.offer([("xyzzyplaats", "MISC"), ("Kiev", "LOC")]) == 1  # Kiev: KB alias
    assert learner.join_idle(30)
    assert len(_searches()) == 3, "no name was searched twice; known aliases not at all"
    assert len(RecordedWikidata.requests) == seen


def test_names_not_worth_a_lookup_are_skipped():
    assert is_lookup_worthy("Angela Merkel") and is_lookup_worthy("AIVD")
    for name in ("EU", "VS", "de", "F-16", "A12 B34", "Een Twee Drie Vier Vijf Zes", "X" * 70):
        assert not is_lookup_worthy(name), name


def test_network_errors_are_logged_and_retried_later(kb_factory, learners, caplog):
    kb = kb_factory(KB_ENTITIES)
    learner = NameLearner(
        kb.path, _online("http://127.0.0.1:9/w/api.php", 2), min_interval_s=0, retry_after_s=0
    )
    learners.append(learner)
    assert learner.offer([("Angela Merkel", "PER")]) == 1
    assert learner.join_idle(30)
    assert learner.counts["errors"] == 1
    assert "Looking up 'Angela Merkel' failed" in caplog.text
    assert learner.offer([("Angela Merkel", "PER")]) == 1, "an error is not a verdict"


class SlowWikidata(RecordedWikidata):
    """The recorded server, answering every request after a long pause."""

    delay_s = 3.0

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        time.sleep(self.delay_s)
        super().do_GET()


@pytest.fixture
def slow_api_url() -> Iterator[str]:
    with serve_wikidata(SlowWikidata) as url:
        yield url


def test_offering_never_blocks_on_a_slow_server(slow_api_url, kb_factory, learners):
    kb = kb_factory(KB_ENTITIES)
    linker = build_linker(kb.path, 0.5)
    learner = NameLearner(kb.path, _online(slow_api_url, timeout=1), max_queue=2, min_interval_s=0)
    learners.append(learner)
    learning = LearningLinker(linker, learner)

    started = time.perf_counter()
    learning.link(ARTICLE)
    queued = learner.offer((f"Naam{chr(65 + i)} Onbekend", "PER") for i in range(20))
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"offering waited {elapsed:.2f}s"
    assert queued <= 2 and learner.counts["dropped"] > 0, "a full queue drops, never waits"

    started = time.perf_counter()
    learner.close(timeout_s=10)
    assert time.perf_counter() - started < 5, "close() is bounded by the request timeout"
    assert learner.offer([("Angela Merkel", "PER")]) == 0, "a closed learner takes nothing"
    linker.kb.close()


def test_reload_is_throttled_and_safe_under_concurrent_links(kb_factory):
    kb = kb_factory(KB_ENTITIES)
    linker = build_linker(kb.path, 0.5)
    from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord

    kb.upsert_entities([EntityRecord("Q567", "PER", "Angela Merkel", "Angela Merkel", prior=0.5)])
    kb.add_aliases([AliasRecord("Angela Merkel", "Q567", "nl", "test", 1.0)])
    kb.finish_build("test + online learning")
    assert linker.reload_if_changed() is False, "checked at most every reload_interval_s"

    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_linking() -> None:
        try:
            while not stop.is_set():
                linker.link(ARTICLE)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=keep_linking) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        assert linker.reload_if_changed(force=True) is True
        assert linker.reload_if_changed(force=True) is False, "unchanged KB: no rebuild"
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert not errors
    assert "Q567" in {e.qid for e in linker.link(ARTICLE)}
    linker.kb.close()
