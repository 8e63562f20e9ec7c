"""The dump parser on a small fixture in Wikidata's real entity JSON dump format."""

import bz2
import gzip
import shutil

import pytest

from nieuwsstroom.linkers.dump import iter_dump
from nieuwsstroom.linkers.dump_import import import_dump
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
        summary = import_dump(kb, dump_file, chunk_bytes=2000, progress=False)
        assert (summary.lines, summary.entities, summary.skipped, summary.errors) == (7, 4, 3, 0)
        kyiv = kb.entity("Q1899")
        assert kyiv.type == "LOC" and kyiv.country == "Q212" and kyiv.label_nl == "Kiev"
        assert kyiv.sitelinks == 4 and 0 < kyiv.prior < 1 and "Q515" in kyiv.instance_of
        putin = kb.entity("Q7747")  # citizenship (P27) is not the country: see wikidata_json
        assert putin.type == "PER" and putin.kind == "person" and putin.country is None
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


def _class_tree_dump(path, *, malformed: bool = False) -> None:
    """Wikidata's layout: classes with P279, instances of a sub-subclass, off-topic items."""
    import orjson

    from bench.scale_kit.wikidata_items import item, population_claims, statement

    def sub(qid, parent):
        return item(qid, {"en": qid}, claims={"P279": [statement(qid, "P279", parent)]})

    def inst(qid, label, cls, **claims):
        extra = {p: [statement(qid, p, v) for v in vs] for p, vs in claims.items()}
        return item(
            qid, {"nl": label}, claims={"P31": [statement(qid, "P31", cls)], **extra}, sitelinks=3
        )

    village = inst("Q900", "Rotterdam", "Q21", P17=["Q30"])
    village["claims"]["P1082"] = population_claims("Q900", 1200)
    village["claims"]["P1082"][0]["rank"] = "preferred"  # the older census, marked preferred
    party = inst("Q901", "Volt", "Q23")
    party["claims"]["P31"].append(statement("Q901", "P31", "Q22"))  # also a plain organisation
    entities = [
        sub("Q20", "Q486972"),  # municipality < human settlement
        sub("Q21", "Q20"),  # village in Texas < municipality
        sub("Q22", "Q43229"),  # association < organization
        sub("Q23", "Q7278"),  # European party < political party
        sub("Q24", "Q13442814"),  # preprint < scholarly article
        village,
        party,
        inst("Q902", "Een studie", "Q24"),
        inst("Q903", "Zonder klasse", "Q999"),
    ]
    lines = [orjson.dumps(e).decode() for e in entities]
    if malformed:
        lines.insert(3, '{"type": "item", "id": "Q77", "labels": {')
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_subclass_tree_keeps_instances_of_sub_subclasses(tmp_path, workers):
    dump = tmp_path / "classes.json"
    _class_tree_dump(dump, malformed=True)
    with KnowledgeBase(tmp_path / "kb.sqlite", create=True) as kb:
        summary = import_dump(kb, dump, workers=workers, progress=False)
        assert (summary.entities, summary.errors) == (2, 1)
        assert "line 5" in summary.first_error
        village = kb.entity("Q900")
        assert (village.type, village.kind, village.country) == ("LOC", "settlement", "Q30")
        assert village.population == 1080  # the preferred statement, not the latest
        assert village.prior > 0
        party = kb.entity("Q901")
        assert (party.type, party.kind) == ("ORG", "party")  # the more specific root wins
        assert kb.entity("Q902") is None and kb.entity("Q903") is None
        assert {a.qid for a in kb.lookup("rotterdam")} == {"Q900"}


def test_parallel_and_single_process_builds_are_identical(tmp_path):
    dumps = {}
    for workers in (1, 2):
        with KnowledgeBase(tmp_path / f"kb{workers}.sqlite", create=True) as kb:
            import_dump(kb, FIXTURE, workers=workers, progress=False, chunk_bytes=1500)
            with kb.locked_connection() as conn:
                dumps[workers] = (
                    conn.execute("SELECT * FROM entities ORDER BY qid").fetchall(),
                    conn.execute("SELECT * FROM aliases ORDER BY id").fetchall(),
                )
    assert dumps[1] == dumps[2] and len(dumps[1][1]) > 10


def test_limit_stops_after_n_entities(tmp_path):
    with KnowledgeBase(tmp_path / "kb.sqlite", create=True) as kb:
        summary = import_dump(kb, FIXTURE, progress=False, limit=3, workers=1)
    assert summary.lines == 3 and summary.entities == 3


@pytest.mark.parametrize("suffix", ["gz", "bz2"])
def test_a_truncated_compressed_dump_is_a_clear_error(tmp_path, suffix):
    """(.bz2: through lbzip2/pbzip2 when installed, else Python's bz2 module.)"""
    target = tmp_path / f"dump.json.{suffix}"
    opener = gzip.open if suffix == "gz" else bz2.open
    with FIXTURE.open("rb") as src, opener(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    target.write_bytes(target.read_bytes()[:-200])
    with pytest.raises(DumpFormatError, match="cannot read past line"):
        list(iter_dump(target))
