"""End to end: a worker with NIEUWSSTROOM_WIKIDATA_ONLINE=true learns a name it could not link.

The recorded-Wikidata server runs in this test process on 127.0.0.1; the real
`nieuwsstroom worker` subprocess reaches it over loopback. The first article
names Angela Merkel, whom the seed KB lacks; the worker's background learner
stores her; a second article with the same name comes out linked to Q567.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.seed import ensure_seed_kb
from tests.linkers.recorded_wikidata import RecordedWikidata, serve_wikidata

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

NAME, QID = "Angela Merkel", "Q567"


def article(article_id: str) -> bytes:
    return orjson.dumps(
        {
            "id": article_id,
            "title": "Voormalige bondskanselier bezoekt Kyiv",
            "body": f"De voormalige bondskanselier {NAME} bezocht dinsdag Kyiv in Oekraïne. "
            "Zij sprak er met de president over de oorlog en de steun van Europa.",
        }
    )


@pytest.fixture
def recorded_wikidata() -> Iterator[str]:
    """The recorded-Wikidata server on loopback, for a worker subprocess to query."""
    with serve_wikidata() as url:
        yield url


def _wait_for(predicate, timeout_s: float, what: str, log_tail) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{log_tail()}")


def test_worker_learns_an_unlinked_name_and_links_it_next_time(
    worker_factory, recorded_wikidata: str, nieuwsstroom_cache: Path, tmp_path: Path
):
    kb_path = tmp_path / "kb.sqlite"
    shutil.copyfile(ensure_seed_kb(nieuwsstroom_cache), kb_path)
    with KnowledgeBase(kb_path) as kb:
        assert kb.lookup(NAME) == [], "the seed KB must not know the name already"

    pipeline = worker_factory(
        NIEUWSSTROOM_WIKIDATA_ONLINE="true",
        NIEUWSSTROOM_WIKIDATA_API_URL=recorded_wikidata,
        NIEUWSSTROOM_KB_PATH=str(kb_path),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    worker = pipeline.worker

    first = pipeline.collect(pipeline.produce([article("learn-1")]))
    assert first.missing == [] and first.deadletters == []
    [record] = first.enriched
    assert QID not in {e["qid"] for e in record["entities"]}
    assert NAME in {u["text"] for u in record["unlinked"]}

    def learned() -> bool:
        with KnowledgeBase(kb_path) as kb:
            return QID in {a.qid for a in kb.lookup(NAME)}

    _wait_for(learned, 120, f"the KB to learn {NAME}", worker.log_tail)
    # The learner logs this after the linker's matcher was rebuilt (on_learned).
    _wait_for(
        lambda: f"Learned '{NAME}' -> {QID}" in worker.log_path.read_text("utf-8", "replace"),
        60,
        "the worker to reload its matcher",
        worker.log_tail,
    )
    assert any(NAME.replace(" ", "+") in r for r in RecordedWikidata.requests)

    second = pipeline.collect(pipeline.produce([article("learn-2")]))
    assert second.missing == [] and second.deadletters == []
    [record] = second.enriched
    linked = {e["qid"]: e for e in record["entities"]}
    assert QID in linked, f"{QID} not linked; got {sorted(linked)}, log:\n{worker.log_tail()}"
    assert linked[QID]["label"] == NAME
    assert NAME not in {u["text"] for u in record["unlinked"]}
    assert record["provenance"]["knowledge_base"]["kb_source"].endswith("online learning")

    assert worker.stop() == 0, f"graceful stop closes the learner; log:\n{worker.log_tail()}"
