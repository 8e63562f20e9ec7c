"""The memory-mapped alias index: same spans as the old automaton, O(1) start-up, overlay."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from bench.scale_kit.automaton import AutomatonMatcher
from nieuwsstroom.linkers import Document, build_linker
from nieuwsstroom.linkers.alias_index import MappedAliasIndex
from nieuwsstroom.linkers.factory import mention_finder
from nieuwsstroom.linkers.kb_files import new_version, open_index
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.normalize import fold
from nieuwsstroom.linkers.seed import load_common_words
from tests.linkers.conftest import DATA, bundled_articles, shared_sample_text

WORDS = load_common_words()

# Hyphen/space variants, possessives, accents, acronyms, sentence starts, an alias in a word.
EXTRA_TEXTS = [
    "Poetins leger, Oekraïnes grens en Rutte's kabinet; de NAVO-top in Den Haag.",
    "Erdogan sprak met de VN-Veiligheidsraad. EUs en Navo. Van de regering kwam niets.",
    "In 's-Hertogenbosch en Sint-Petersburg, niet in Sint Petersburgstraat of Kievs.",
    "KYIV, Kiev, kiev en Kyjiv. Parijs' musea. Washington D.C. en Washington.",
]


def _texts() -> list[str]:
    texts = list(EXTRA_TEXTS)
    for path in sorted((DATA / "labelled").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts += [record.get("title", ""), record.get("body", "")]
    for article in bundled_articles():
        texts += [article["title"], article["body"]]
    sample = shared_sample_text()
    if sample:
        texts.append(sample)
    return texts


def test_index_finds_the_automatons_spans(seed_kb_path):
    with KnowledgeBase(seed_kb_path) as kb:
        index, max_id = open_index(kb)
        assert isinstance(index, MappedAliasIndex) and max_id == kb.max_alias_id()
        finder = mention_finder(kb, WORDS, index, max_id)
        automaton = AutomatonMatcher(kb.iter_alias_types(), WORDS)
    texts = _texts()
    assert len(texts) > 20
    found = 0
    for text in texts:
        folded = fold(text)
        ours = finder.aliases.find("body", text, folded)
        assert ours == automaton.find("body", text, folded), text[:80]
        for span in ours:
            assert finder.aliases.types_of(span.alias_norm) == automaton.types_of(span.alias_norm)
        found += len(ours)
    assert found > 100


def _synthetic_kb(target: Path, n_entities: int) -> Path:
    """`n_entities` places with two aliases each, built as `kb build` builds (index included)."""
    with new_version(target) as version:
        version.bulk_mode()
        version.kb.upsert_entities(
            EntityRecord(f"Q{i}", "LOC", f"Plaats{i}", f"Place{i}", prior=0.9, kind="settlement")
            for i in range(1, n_entities + 1)
        )
        version.kb.add_aliases(
            AliasRecord(name, f"Q{i}", lang, "test", 1.0)
            for i in range(1, n_entities + 1)
            for name, lang in ((f"Plaats{i}", "nl"), (f"Place{i}", "en"))
        )
        return version.commit("synthetic", WORDS)


def _vm_steps_to_open_finder(path: Path) -> tuple[int, int]:
    """SQLite VM steps (counted, in thousands) to build the finder, and its in-RAM alias count."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with KnowledgeBase(path) as kb:
        kb._conn.set_progress_handler(count, 1000)
        finder = mention_finder(kb, WORDS, *open_index(kb))
        kb._conn.set_progress_handler(None, 1000)
    in_ram = sum(len(i) for i in finder.aliases.indexes if not isinstance(i, MappedAliasIndex))
    return steps, in_ram


def test_startup_touches_no_alias_of_a_large_kb(tmp_path):
    small = _synthetic_kb(tmp_path / "small.sqlite", 1_000)
    large = _synthetic_kb(tmp_path / "large.sqlite", 100_000)  # 200k aliases
    with KnowledgeBase(large) as kb:
        assert kb.counts()["aliases"] == 200_000
    small_steps, small_ram = _vm_steps_to_open_finder(small)
    large_steps, large_ram = _vm_steps_to_open_finder(large)
    assert small_ram == large_ram == 0
    assert large_steps == small_steps  # O(1): reading 200k rows takes > 1M VM steps
    linker = build_linker(large)
    [ent] = [e for e in linker.link(Document("", "Het gebeurde in Plaats99999.")) if e.qid]
    assert ent.qid == "Q99999"
    linker.kb.close()


def test_aliases_added_after_the_build_reach_the_matcher(tmp_path):
    path = _synthetic_kb(tmp_path / "kb.sqlite", 50)
    linker = build_linker(path)
    doc = Document("", "Een storm trof Nieuwdorp en Plaats7.")
    assert [e.qid for e in linker.link(doc) if e.qid] == ["Q7"]
    with KnowledgeBase(path) as writer:  # what the name learner and `kb refresh` do
        writer.upsert_entities(
            [EntityRecord("Q900", "LOC", "Nieuwdorp", "Nieuwdorp", prior=0.9, kind="settlement")]
        )
        writer.add_aliases([AliasRecord("Nieuwdorp", "Q900", "nl", "online learning", 1.0)])
        writer.finish_build("synthetic + online learning")
    assert linker.reload_if_changed(force=True)
    [overlay] = [i for i in linker.finder.aliases.indexes if not isinstance(i, MappedAliasIndex)]
    assert len(overlay) == 1  # only the learned alias is held in RAM
    assert [e.qid for e in linker.link(doc) if e.qid] == ["Q900", "Q7"]
    linker.kb.close()


def test_a_reader_keeps_its_version_through_swaps_and_pruning(tmp_path):
    target = tmp_path / "kb.sqlite"
    _synthetic_kb(target, 10)
    first = build_linker(target)
    old_file = target.resolve()
    with new_version(target) as version:
        version.kb.upsert_entities([EntityRecord("Q77", "LOC", "Anderstad", "Otherton", prior=0.9)])
        version.kb.add_aliases([AliasRecord("Anderstad", "Q77", "nl", "test", 1.0)])
        version.commit("second", WORDS)
    _synthetic_kb(target, 3)  # a third version: the first is pruned from disk
    assert not old_file.exists()
    assert len(list(tmp_path.glob("kb.sqlite.*.db"))) == 2
    doc = Document("", "Van Plaats5 naar Anderstad.")
    assert [e.qid for e in first.link(doc) if e.qid] == ["Q5"]  # still the first version
    assert first.kb.entity("Q5") is not None
    latest = build_linker(target)
    assert [e.qid for e in latest.link(doc) if e.qid] == []  # third: Plaats1-3 only
    assert latest.provenance["kb_build_id"] != first.provenance["kb_build_id"]
    first.kb.close()
    latest.kb.close()


def test_a_failed_build_leaves_the_current_version(tmp_path):
    target = _synthetic_kb(tmp_path / "kb.sqlite", 5)
    current = target.resolve()
    with pytest.raises(RuntimeError), new_version(target) as version:
        version.kb.upsert_entities([EntityRecord("Q1", "LOC", "X", "X")])
        raise RuntimeError("interrupted")
    assert target.resolve() == current
    assert sorted(p.name for p in tmp_path.iterdir() if ".db" in p.name) == [current.name]


def test_a_copy_without_its_index_still_links(tmp_path, caplog):
    target = _synthetic_kb(tmp_path / "kb.sqlite", 20)
    copy = tmp_path / "elsewhere" / "copy.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(target, copy)
    with caplog.at_level("WARNING"):
        linker = build_linker(copy)
    assert "kb index --kb" in caplog.text
    assert [e.qid for e in linker.link(Document("", "In Plaats3.")) if e.qid] == ["Q3"]
    linker.kb.close()


def test_foreign_and_old_files_are_one_clear_line(tmp_path):
    from nieuwsstroom.linkers.errors import KnowledgeBaseError

    foreign = tmp_path / "places.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE places (name TEXT)")
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeBase(foreign)
    message = str(err.value)
    assert "another program (tables: places)" in message and "kb build" in message
    assert "\n" not in message
    with pytest.raises(KnowledgeBaseError, match="another program"):
        KnowledgeBase(foreign, create=True)  # never writes our tables into it

    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE entities (qid TEXT); CREATE TABLE aliases (alias TEXT);"
            "INSERT INTO meta VALUES ('schema_version', '1');"
        )
    with pytest.raises(KnowledgeBaseError, match="has schema '1', this nieuwsstroom reads '3'"):
        build_linker(old)

    text = tmp_path / "notes.sqlite"
    text.write_text("hello " * 200)
    with pytest.raises(KnowledgeBaseError, match="it is a text file, not SQLite"):
        KnowledgeBase(text)
