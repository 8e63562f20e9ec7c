"""Bad and awkward input through the real broker and a real worker, one case per test.

Refused input must land in the dead-letter topic with a precise reason while
the worker keeps going: every test sends its message and then a good article to
the SAME partition, so a poison message that blocked its partition would fail
the test. Awkward but usable input (HTML, control characters, a 20,000-character
sentence, repeated ids, unknown fields) must come out enriched instead.

One worker serves the whole module (starting one costs seconds); it runs with
NIEUWSSTROOM_MAX_BODY_CHARS=30000: above the 20,000-character sentence, cheap to cross.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from nieuwsstroom.schemas import validator
from nieuwsstroom.stream.demo.runner import collect_outputs
from nieuwsstroom.stream.kafka.console import Produced
from nieuwsstroom.stream.settings import Settings
from nieuwsstroom.stream.worker.child_process import WorkerProcess
from tests.worker_env import start_worker, worker_config

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

MAX_BODY_CHARS = 30_000
_ids = itertools.count()


@dataclass
class InputWorker:
    """The module's worker and how to talk to it."""

    settings: Settings
    bootstrap: str
    worker: WorkerProcess

    def send(self, values: list[tuple[bytes | None, bytes | None]]) -> list[Produced]:
        """(key, value) pairs, all to partition 0, in order."""
        return asyncio.run(_send_to_partition(self.bootstrap, self.settings.topic_raw, values))

    def outputs(self, produced: list[Produced]) -> tuple[list[dict], list[dict]]:
        """(enriched records, dead-letter views) for the produced messages, in input order."""
        result = asyncio.run(collect_outputs(self.settings, produced, 240))
        assert result.missing == [], f"not accounted for: {result.missing}"
        order = {(p.partition, p.offset): i for i, p in enumerate(produced)}
        enriched = sorted(result.enriched, key=lambda r: order[_source(r)])
        dead = sorted(
            result.deadletters, key=lambda d: order[(d["source_partition"], d["source_offset"])]
        )
        return enriched, dead


def _source(record: dict[str, Any]) -> tuple[int, int]:
    source = record["provenance"]["source"]
    return source["partition"], source["offset"]


async def _send_to_partition(
    bootstrap: str, topic: str, values: list[tuple[bytes | None, bytes | None]]
) -> list[Produced]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        produced = []
        for key, value in values:
            metadata = await producer.send_and_wait(topic, value=value, key=key, partition=0)
            produced.append(Produced(metadata.partition, metadata.offset, key))
        return produced
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
def input_worker(
    kafka_bootstrap: str,
    argos_packages_dir: Path,
    nieuwsstroom_cache: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[InputWorker]:
    folder = tmp_path_factory.mktemp("input-handling")
    config = worker_config(
        kafka_bootstrap,
        f"input-{folder.name[-8:]}",
        data_dir=folder / "faust",
        cache_dir=nieuwsstroom_cache,
        argos_packages_dir=argos_packages_dir,
        partitions=2,
        NIEUWSSTROOM_MAX_BODY_CHARS=str(MAX_BODY_CHARS),
        NIEUWSSTROOM_BATCH_WINDOW_S="0.05",
    )
    worker = start_worker(config, folder / "worker.log")
    try:
        yield InputWorker(config.settings, kafka_bootstrap, worker)
    finally:
        worker.stop()


def good_article(**fields: Any) -> dict[str, Any]:
    article = {
        "id": f"goed-{next(_ids)}",
        "title": "Nieuws uit Den Haag",
        "body": "Het kabinet vergaderde dinsdag in Den Haag over de begroting.",
    }
    return {**article, **fields}


def dead_letter_then_good(input_worker: InputWorker, value: bytes | None) -> dict[str, Any]:
    """Send `value` and a good article behind it on the same partition; return the dead
    letter, after checking the good one came out and the original bytes travelled along."""
    good = good_article()
    produced = input_worker.send([(b"bad", value), (good["id"].encode(), orjson.dumps(good))])
    enriched, dead = input_worker.outputs(produced)
    assert [r["id"] for r in enriched] == [good["id"]], "the partition moved on past the bad one"
    [letter] = dead
    validator("deadletter").validate(letter)
    assert letter["source_topic"] == input_worker.settings.topic_raw
    assert letter["key"] == "bad"
    if value is not None and letter["value_encoding"] == "utf-8":
        assert letter["value"] == value.decode("utf-8"), "the original bytes, untouched"
    assert input_worker.worker.poll() is None, "the worker is still running"
    return letter


# --- refused: each lands in the dead-letter topic with its reason -------------------------


@pytest.mark.parametrize(
    "value",
    [b'{"id": "x", "title": "Titel", "body": "Tekst."', b"{not json}", b"<html>nee</html>"],
    ids=["truncated", "bare-word", "html-not-json"],
)
def test_invalid_json(input_worker, value):
    letter = dead_letter_then_good(input_worker, value)
    assert letter["stage"] == "decode"
    assert "not valid JSON" in letter["error_message"]


def test_invalid_utf8(input_worker):
    value = b'{"id": "latin1", "title": "Caf\xe9", "body": "Een caf\xe9 in Utrecht."}'
    letter = dead_letter_then_good(input_worker, value)
    assert letter["stage"] == "decode" and letter["value_encoding"] == "base64"
    offset = value.index(b"\xe9")
    assert f"not valid UTF-8: invalid continuation byte at byte {offset}" in letter["error_message"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (b"null", "null"),
        (b"[1, 2]", "array"),
        (b'"tekst"', "string"),
        (b"3.5", "number"),
        (b"true", "boolean"),
    ],
)
def test_json_that_is_not_an_object(input_worker, value, kind):
    letter = dead_letter_then_good(input_worker, value)
    assert letter["stage"] == "validate"
    assert f"got a JSON {kind}" in letter["error_message"]


@pytest.mark.parametrize("field", ["id", "title", "body"])
def test_missing_field(input_worker, field):
    article = good_article()
    del article[field]
    letter = dead_letter_then_good(input_worker, orjson.dumps(article))
    assert letter["stage"] == "validate"
    assert f"missing required field: '{field}'" in letter["error_message"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("id", 17, "'id' must be string, got number"),
        ("title", ["een", "lijst"], "'title' must be string, got array"),
        ("body", {"tekst": "x"}, "'body' must be string, got object"),
        ("url", 5, "field 'url'"),
    ],
)
def test_wrongly_typed_field(input_worker, field, value, expected):
    letter = dead_letter_then_good(input_worker, orjson.dumps(good_article(**{field: value})))
    assert letter["stage"] == "validate"
    assert expected in letter["error_message"]


@pytest.mark.parametrize("field", ["id", "title", "body"])
@pytest.mark.parametrize("blank", ["", " \n\t  "], ids=["empty", "whitespace"])
def test_empty_or_whitespace_title_and_body(input_worker, field, blank):
    letter = dead_letter_then_good(input_worker, orjson.dumps(good_article(**{field: blank})))
    assert letter["stage"] == "validate"
    expected = f"field '{field}' is empty" if blank == "" else f"field '{field}' is blank"
    assert expected in letter["error_message"]


def test_a_body_that_is_only_markup(input_worker):
    body = "<div><p>&nbsp;</p><script>volg('lezer');</script><br/></div>"
    letter = dead_letter_then_good(input_worker, orjson.dumps(good_article(body=body)))
    assert letter["stage"] == "validate"
    assert "field 'body' has no text left once HTML markup" in letter["error_message"]


def test_a_declared_language_other_than_dutch(input_worker):
    article = good_article(language="fr")  # Dutch text, but the producer says French
    letter = dead_letter_then_good(input_worker, orjson.dumps(article))
    assert letter["stage"] == "language"
    assert (
        "Declared language 'fr' is not supported (detected 'nl', confidence "
        in (letter["error_message"])
    )


def test_body_over_the_configured_size_limit(input_worker):
    body = ("Het kabinet vergaderde lang. " * 1100)[: MAX_BODY_CHARS + 1]
    letter = dead_letter_then_good(input_worker, orjson.dumps(good_article(body=body)))
    assert letter["stage"] == "validate"
    assert (
        f"'body' is {MAX_BODY_CHARS + 1:,} characters, over the limit of {MAX_BODY_CHARS:,} "
        "(NIEUWSSTROOM_MAX_BODY_CHARS)" in letter["error_message"]
    )


@pytest.mark.parametrize(
    ("language", "body"),
    [
        (
            "en",
            "Stock markets rallied on Tuesday after the central bank said it would keep "
            "interest rates unchanged for the rest of the year.",
        ),
        (
            "de",
            "Die Bundesregierung hat am Dienstag in Berlin beschlossen, die Steuern für "
            "Familien mit Kindern im kommenden Jahr deutlich zu senken.",
        ),
    ],
)
def test_text_that_is_not_dutch(input_worker, language, body):
    article = good_article(title="Nieuws", body=body)
    letter = dead_letter_then_good(input_worker, orjson.dumps(article))
    assert letter["stage"] == "language"
    assert f"not Dutch (detected '{language}', confidence " in letter["error_message"]


def test_a_null_value_tombstone(input_worker):
    letter = dead_letter_then_good(input_worker, None)
    assert letter["stage"] == "decode"
    assert "null (a tombstone)" in letter["error_message"]
    assert letter["value"] == "" and letter["key"] == "bad"


# --- handled: repaired or carried through, never dead-lettered ---------------------------


def enriched_only(input_worker: InputWorker, *articles: dict[str, Any]) -> list[dict[str, Any]]:
    produced = input_worker.send([(a["id"].encode(), orjson.dumps(a)) for a in articles])
    enriched, dead = input_worker.outputs(produced)
    assert dead == [], f"dead-lettered: {[d['error_message'] for d in dead]}"
    for record in enriched:
        validator("enriched").validate(record)
    return enriched


def test_html_markup_is_stripped_to_text(input_worker):
    html = (
        "<div class='artikel'><p>Het <strong>kabinet</strong> vergaderde in "
        "<a href='/den-haag'>Den Haag</a> &amp; Brussel.</p>"
        "<script>volg('lezer');</script><p>Daarna<br/>volgde een persconferentie.</p></div>"
    )
    [record] = enriched_only(input_worker, good_article(title="<h1>Kabinet</h1>", body=html))
    assert record["title"] == "Kabinet"
    assert record["body"] == (
        "Het kabinet vergaderde in Den Haag & Brussel.\n\nDaarna\nvolgde een persconferentie."
    )
    assert record["provenance"]["input_cleaning"]["html_stripped"] == ["body", "title"]
    assert len(record["body_en"].split("\n\n")) == 2
    assert "<" not in record["body_en"] and "volg(" not in record["body_en"]
    for entity in record["entities"]:
        for mention in entity["mentions"]:
            assert record[mention["field"]][mention["start"] : mention["end"]] == mention["text"]


def test_control_characters_are_removed(input_worker):
    body = "Het kabinet\x00 vergaderde\x07 in\tDen Haag.\r\n\r\nDe Kamer\x1b was er\u200b ook."
    [record] = enriched_only(input_worker, good_article(body=body))
    assert record["body"] == "Het kabinet vergaderde in Den Haag.\n\nDe Kamer was er ook."
    assert record["provenance"]["input_cleaning"]["control_characters_removed"] == 7
    assert len(record["body_en"].split("\n\n")) == 2


def test_a_single_20000_character_sentence_is_split_and_translated_not_truncated(
    input_worker,
):
    clauses = [f"klik op knop {i} om het bestand op te slaan" for i in range(450)]
    body = ", ".join(clauses)
    assert len(body) >= 20_000 and "." not in body
    [record] = enriched_only(input_worker, good_article(body=body, id="lange-zin"), good_article())[
        :1
    ]
    english = record["body_en"]
    assert record["body"] == body
    assert len(english) > 0.4 * len(body), f"{len(english)} characters of English"
    # Every part of the sentence was translated: the model's English for the clause is
    # there at the start and at the very end, and no Dutch is left over.
    assert english.lower().count("save") > len(clauses) / 2
    assert "save" in english[:200].lower() and "save" in english[-200:].lower()
    assert "klik op" not in english and "bestand" not in english


def test_duplicate_ids_are_processed_again_with_an_identical_result(input_worker):
    article = good_article(id="dubbel", body="Het kabinet vergaderde in Den Haag en Brussel.")
    first, second = enriched_only(input_worker, article, good_article(), article)[::2]
    assert first["id"] == second["id"] == "dubbel"
    assert _source(first) != _source(second), "processed twice, from two offsets"
    assert first["content_hash"] == second["content_hash"]

    def content(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if k != "provenance"}

    assert content(first) == content(second)


def test_unknown_extra_fields_are_carried_through(input_worker):
    extra = {
        "sectie": "binnenland",
        "tags": ["politiek", "kabinet"],
        "meta": {"woorden": 11, "bron": {"naam": "ANP", "betaald": False}},
        "leeg": None,
    }
    [record] = enriched_only(input_worker, good_article(**extra))
    for name, value in extra.items():
        assert record[name] == value
