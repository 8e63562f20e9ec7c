"""`nieuwsstroom kb ...` and `nieuwsstroom link` through the real Typer app."""

import json

import pytest
from typer.testing import CliRunner

from nieuwsstroom.stream.cli import app
from tests.linkers.conftest import DATA, bundled_articles

runner = CliRunner()


@pytest.fixture
def env(monkeypatch, tmp_path, seed_kb_path):
    monkeypatch.setenv("NIEUWSSTROOM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NIEUWSSTROOM_KB_PATH", str(seed_kb_path))
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_kb_stats_and_lookup(env):
    result = runner.invoke(app, ["kb", "stats"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["entities"] > 7000
    result = runner.invoke(app, ["kb", "lookup", "poetin"])
    assert result.exit_code == 0 and json.loads(result.output)[0]["qid"] == "Q7747"
    assert runner.invoke(app, ["kb", "lookup", "Atroshenko"]).exit_code == 1


def test_link_text_file(env, tmp_path):
    article = next(a for a in bundled_articles() if a["id"] == "nl-2022-03-istanbul-talks")
    path = tmp_path / "a.txt"
    path.write_text("date 2022-03 " + article["title"] + "\n\n" + article["body"], encoding="utf-8")
    result = runner.invoke(app, ["link", "--file", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)  # stderr says which line became the title
    assert {"Q212", "Q7747", "Q1899"} <= {e["qid"] for e in out["entities"]}
    assert "AIVD" in {u["text"] for u in out["unlinked"]}
    assert out["provenance"]["kb_entities"] > 7000
    title = article["title"]
    for ent in out["entities"]:
        for m in ent["mentions"]:
            if m["field"] == "title":
                assert title[m["start"] : m["end"]] == m["text"]


def test_link_json_stdin_with_translation(env):
    doc = {"title": "Poetin in Kyiv", "body": "", "title_en": "Putin in Kyiv"}
    result = runner.invoke(app, ["link", "-f", "-"], input=json.dumps(doc))
    assert result.exit_code == 0, result.output
    ents = {e["qid"]: e for e in json.loads(result.output)["entities"]}
    assert ents["Q1899"]["mentions_en"] == [
        {"field": "title_en", "start": 9, "end": 13, "text": "Kyiv"}
    ]


def test_link_bad_json(env):
    result = runner.invoke(app, ["link"], input="{not json")
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "error: input looks like JSON but is not" in result.output


def test_kb_build_from_dump_and_seed(env, tmp_path):
    out = tmp_path / "dump.sqlite"
    result = runner.invoke(
        app, ["kb", "build", "--from-dump", str(DATA / "dump_sample.json"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "4 entities" in result.output
    result = runner.invoke(app, ["kb", "build", "--seed", "--out", str(tmp_path / "seed.sqlite")])
    assert result.exit_code == 0 and "entities" in result.output
    result = runner.invoke(app, ["kb", "stats", "--kb", str(out)])
    assert json.loads(result.output)["kb_source"] == "dump dump_sample.json"


def test_kb_refresh_against_local_server(env, api_url, tmp_path):
    out = tmp_path / "r.sqlite"
    assert runner.invoke(app, ["kb", "build", "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["kb", "refresh", "Q7747", "--api-url", api_url, "--kb", str(out)])
    assert result.exit_code == 0, result.output
    assert "Q7747" in result.output
    bad = runner.invoke(app, ["kb", "refresh", "Kyiv", "--api-url", api_url])
    assert bad.exit_code == 2 and "error: Expected QIDs like Q1899, got ['Kyiv']" in bad.output


def test_link_jsonl_links_each_article_in_one_process_and_names_bad_lines(env, tmp_path):
    path = tmp_path / "in.jsonl"
    good = [
        {"id": "a1", "title": "Poetin in Moskou", "body": "President Vladimir Poetin sprak."},
        {"id": 7, "title": "Storm", "body": "In Den Haag en Rotterdam waaide het hard."},
    ]
    path.write_text(
        json.dumps(good[0]) + "\n{not json\n\n" + '["a list"]\n' + json.dumps(good[1]) + "\n"
        '{"id": "", "title": "x", "body": "y"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["link", "--jsonl", str(path)])
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", 7]  # input order, bad lines skipped
    assert set(out[0]) == {"id", "entities", "unlinked"}
    assert "Q7747" in {e["qid"] for e in out[0]["entities"]}
    assert {"Q36600", "Q34370"} <= {e["qid"] for e in out[1]["entities"]}
    errors = result.stderr.splitlines()
    assert errors[0].startswith("error: line 2: not JSON")
    assert errors[1] == "error: line 4: expected a JSON object, got list"
    assert errors[2] == "error: line 6: 'id' must be a non-empty string or number"
    assert "3 of 5 lines were not articles (lines 2, 4, 6)" in errors[-1]


def test_link_jsonl_from_stdin_exits_0_when_every_line_is_an_article(env):
    lines = "".join(
        json.dumps({"id": f"n{i}", "title": "Nieuws", "body": f"Vandaag in Utrecht, dag {i}."})
        + "\n"
        for i in range(3)
    )
    result = CliRunner().invoke(app, ["link", "--jsonl", "-"], input=lines)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["n0", "n1", "n2"]
    assert all(o["entities"][0]["qid"] == "Q803" for o in out)


def test_a_foreign_kb_file_is_one_clear_line(env, tmp_path, monkeypatch):
    import sqlite3

    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    monkeypatch.setenv("NIEUWSSTROOM_KB_PATH", str(foreign))
    for args in (["kb", "stats"], ["link"]):
        result = runner.invoke(app, args, input='{"title": "x", "body": "Kyiv"}')
        assert result.exit_code == 2
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert lines == [
            f"error: {foreign} is not a nieuwsstroom knowledge base: it is the SQLite database "
            "of another program (tables: songs). Build one with `nieuwsstroom kb build --seed "
            "--out FILE` and point --kb or NIEUWSSTROOM_KB_PATH at it"
        ]


def test_kb_build_twice_swaps_versions_and_kb_index_restores_a_copy(env, tmp_path):
    import shutil

    out = tmp_path / "kb.sqlite"
    dump = str(DATA / "dump_sample.json")
    for _ in range(2):
        result = runner.invoke(app, ["kb", "build", "--from-dump", dump, "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert out.is_symlink() and len(list(tmp_path.glob("kb.sqlite.*.db"))) == 2
    again = tmp_path / "again.sqlite"
    args = ["kb", "build", "--from-dump", dump, "--out", str(again), "--classes-from", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "4 entities" in result.output, result.output
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(out, copy)
    for _ in range(2):  # the second run replaces the first one's files
        result = runner.invoke(app, ["kb", "index", "--kb", str(copy)])
        assert result.exit_code == 0 and "indexed" in result.output
    assert len(list(tmp_path.glob("copy.sqlite.*.aliases.keys.marisa"))) == 1
    stats = json.loads(runner.invoke(app, ["kb", "stats", "--kb", str(copy)]).output)
    assert stats["kb_build_id"] != "unknown" and stats["counts"]["entities"] == 4
