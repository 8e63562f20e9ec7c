"""Fixtures for the linkers tests: a tiny KB built inside the test, the seed KB, the sample."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from tests.linkers.recorded_wikidata import serve_wikidata

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parents[2]
BUNDLED_SAMPLES = REPO / "stream" / "demo" / "data" / "sample_articles.jsonl"
SHARED_SAMPLES = [
    REPO.parent / "shared" / "data" / "articles" / "nl-2022-03-istanbul-talks.txt",
    Path("/work/shared/data/articles/nl-2022-03-istanbul-talks.txt"),
]


def bundled_articles() -> list[dict]:
    """The stream package's bundled sample articles (what the demo produces)."""
    import orjson

    lines = BUNDLED_SAMPLES.read_text(encoding="utf-8").splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


def shared_sample_text() -> str | None:
    """The sample article file from shared/, if this checkout has it beside it."""
    for path in SHARED_SAMPLES:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


@pytest.fixture
def kb_factory(tmp_path: Path) -> Callable[..., KnowledgeBase]:
    """Build a KB from (qid, type, label_nl, label_en, aliases, prior, country) tuples."""
    opened: list[KnowledgeBase] = []

    def make(
        entities: Iterable[tuple[str, str, str, str, list[str], float, str | None]],
        name: str = "kb.sqlite",
    ) -> KnowledgeBase:
        kb = KnowledgeBase(tmp_path / name, create=True)
        records, aliases = [], []
        for qid, etype, nl, en, extra, prior, country in entities:
            records.append(
                EntityRecord(qid, etype, nl, en, "", f"{en} (test)", prior, 0, (), country)
            )
            aliases += [
                AliasRecord(nl, qid, "nl", "test", 1.0),
                AliasRecord(en, qid, "en", "test", 1.0),
            ]
            aliases += [AliasRecord(a, qid, "nl", "test", 0.9) for a in extra]
        kb.upsert_entities(records)
        kb.add_aliases(aliases)
        kb.finish_build("test")
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


@pytest.fixture(scope="session")
def seed_kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real seed KB, built once per test session into a temporary cache."""
    from nieuwsstroom.linkers.seed import ensure_seed_kb

    return ensure_seed_kb(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def seed_linker(seed_kb_path: Path):
    from nieuwsstroom.linkers import build_linker

    linker = build_linker(seed_kb_path)
    yield linker
    linker.kb.close()


@pytest.fixture(scope="session")
def sample_doc():
    """The Istanbul-talks sample exactly as the pipeline hands it to the linker."""
    from nieuwsstroom.linkers import Document

    record = next(a for a in bundled_articles() if a["id"] == "nl-2022-03-istanbul-talks")
    return Document(record["title"], record["body"])


@pytest.fixture
def api_url() -> Iterator[str]:
    with serve_wikidata() as url:
        yield url
