"""NIEUWSSTROOM_ENGLISH_PASSTHROUGH through a real worker: English passes untranslated,
other languages are still refused with the detected language and its confidence."""

from __future__ import annotations

import orjson
import pytest

from nieuwsstroom.schemas import validator

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ENGLISH = (
    "Stock markets rallied on Tuesday after the central bank said it would keep interest "
    "rates unchanged for the rest of the year, and investors welcomed the news."
)
GERMAN = (
    "Die Bundesregierung hat am Dienstag in Berlin beschlossen, die Steuern für Familien "
    "mit Kindern im kommenden Jahr deutlich zu senken."
)
DUTCH = "Het kabinet vergaderde dinsdag in Den Haag over de begroting van volgend jaar."


def test_english_passes_through_untranslated_when_configured(worker_factory):
    pipeline = worker_factory(NIEUWSSTROOM_ENGLISH_PASSTHROUGH="true")
    values = [
        orjson.dumps({"id": "en", "title": "Markets rally in London", "body": ENGLISH}),
        orjson.dumps({"id": "de", "title": "Steuern", "body": GERMAN}),
        orjson.dumps({"id": "nl", "title": "Begroting", "body": DUTCH}),
    ]
    result = pipeline.collect(pipeline.produce(values))

    by_id = {record["id"]: record for record in result.enriched}
    assert sorted(by_id) == ["en", "nl"]
    english = by_id["en"]
    validator("enriched").validate(english)
    assert english["body_en"] == ENGLISH and english["title_en"] == "Markets rally in London"
    assert english["language"]["detected"] == "en" and english["language"]["translated"] is False
    assert "Q84" in {e["qid"] for e in english["entities"]}, "English text is still linked"
    assert by_id["nl"]["language"]["translated"] is True
    assert by_id["nl"]["body_en"] != DUTCH
    [german] = result.deadletters
    assert german["stage"] == "language"
    assert "not Dutch (detected 'de', confidence " in german["error_message"]
