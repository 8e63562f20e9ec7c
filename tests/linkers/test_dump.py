"""The dump parser on a small fixture in Wikidata's real entity JSON dump format."""

import bz2
import gzip
import shutil

import pytest

from nieuwsstroom.linkers.dump import import_dump, iter_dump
from nieuwsstroom.linkers.errors import DumpFormatError
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from tests.linkers.conftest import DATA

FIXTURE = DATA / "dump_sample.json"


@pytest.fixture(params=["json", "gz", "bz2"])
def dump_file(request, tmp_path):
    if request.param == "json":
        return FIXTURE
    target = tmp_path / f"dump.json.{request.param}"
    opener = gzip.open if request.param == "gz" else bz2.open
    with FIXTURE.open("rb") as src, opener(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return target


def test_iter_dump_yields_every_entity(dump_file):
    ids = [e["id"] for e in iter_dump(dump_file)]
    assert ids == ["Q1899", "Q7747", "Q7184", "Q212", "P31", "Q100000001", "Q100000002"]


def test_import_filters_to_news_classes(dump_file, tmp_path):
    with KnowledgeBase(tmp_path / "kb.sqlite", create=True) as kb:
        summary = import_dump(kb, dump_file, batch_size=2, progress=False)
        assert (summary.lines, summary.entities, summary.skipped, summary.errors) == (7, 4, 3, 0)
        kyiv = kb.entity("Q1899")
        assert kyiv.type == "LOC" and kyiv.country == "Q212" and kyiv.label_nl == "Kiev"
        assert kyiv.sitelinks == 4 and 0 < kyiv.prior < 1 and "Q515" in kyiv.instance_of
        assert kb.entity("Q7747").type == "PER" and kb.entity("Q7747").country == "Q159"
        assert kb.entity("Q7184").type == "ORG"
        assert kb.entity("Q212").country == "Q212"
        assert kb.entity("Q100000001") is None and kb.entity("Q100000002") is None
        assert {a.qid for a in kb.lookup("Kyjiv")} == {"Q1899"}


def test_progress_counts_bytes(tmp_path):
    seen = []
    list(iter_dump(FIXTURE, on_bytes=seen.append))
    assert sum(seen) == FIXTURE.stat().st_size


def test_malformed_lines(tmp_path):
    bad = tmp_path / "bad.json"
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([lines[0], lines[1], "{not json,", "42,", *lines[2:]]), encoding="utf-8"
    )
    with pytest.raises(DumpFormatError, match="line 3"):
        list(iter_dump(bad))
    with KnowledgeBase(tmp_path / "kb.sqlite", create=True) as kb:
        summary = import_dump(kb, bad, progress=False)
    assert summary.errors == 2 and summary.entities == 4


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "dump.xml"
    path.write_text("<x/>")
    with pytest.raises(DumpFormatError, match="Unsupported"):
        list(iter_dump(path))
