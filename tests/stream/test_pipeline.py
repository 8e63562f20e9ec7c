"""The pipeline core without Kafka: one outcome per message, schema-valid records.

Uses small in-test implementations of the Translator/Linker protocols; the real
model and knowledge base are exercised end to end in test_worker_e2e.py.
"""

from __future__ import annotations

import orjson
import pytest

from linkers.base import Document, Entity, Mention
from schemas import validator
from stream.outcomes import DeadLetter, Enriched, RawMessage
from stream.pipeline import ArticlePipeline

DUTCH_BODY = (
    "Minister-president Mark Rutte sprak dinsdag in Den Haag met zijn collega's.\n\n"
    "Daarna reisde hij naar Brussel voor overleg met de andere regeringsleiders."
)


class EchoTranslator:
    """Marks each paragraph so alignment is visible; fails on a poison word."""

    def __call__(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        out = []
        for title, body in pairs:
            if "VERGIF" in body:
                raise RuntimeError("model choked on VERGIF")
            paragraphs = body.split("\n\n")
            out.append((f"EN {title}", "\n\n".join(f"EN {p}" for p in paragraphs)))
        return out


class NameLinker:
    """Links 'Rutte' to Q57792 and leaves 'Brussel' unlinked."""

    provenance = {"source": "in-test", "entities": 1}

    def link(self, doc: Document) -> list[Entity]:
        if "STUK" in doc.body:
            raise ValueError("linker broke")
        entities = []
        start = doc.body.find("Rutte")
        if start >= 0:
            entities.append(
                Entity(
                    "Q57792",
                    "Mark Rutte",
                    "PER",
                    0.9,
                    "Dutch politician",
                    [Mention("body", start, start + 5, "Rutte")],
                )
            )
        start = doc.body.find("Brussel")
        if start >= 0:
            entities.append(
                Entity(
                    None,
                    "Brussel",
                    "LOC",
                    0.2,
                    mentions=[Mention("body", start, start + 7, "Brussel")],
                )
            )
        return entities


def message(value: bytes | None, offset: int) -> RawMessage:
    return RawMessage(value, None, "articles.raw", 0, offset)


def article(id_: str, body: str = DUTCH_BODY, **extra: object) -> bytes:
    return orjson.dumps({"id": id_, "title": "Rutte in Den Haag", "body": body, **extra})


@pytest.fixture
def pipeline() -> ArticlePipeline:
    return ArticlePipeline(EchoTranslator(), NameLinker(), {"engine": "echo", "model": "in-test"})


def test_good_article_becomes_a_schema_valid_enriched_record(pipeline):
    [outcome] = pipeline.process_batch([message(article("a1", section="binnenland"), 5)])
    assert isinstance(outcome, Enriched)
    record = outcome.record
    validator("enriched").validate(record)
    assert record["section"] == "binnenland"
    assert record["body_en"].count("\n\n") == record["body"].count("\n\n")
    assert record["language"]["detected"] == "nl"
    [entity] = record["entities"]
    mention = entity["mentions"][0]
    assert record["body"][mention["start"] : mention["end"]] == mention["text"] == "Rutte"
    assert record["unlinked"][0]["text"] == "Brussel"
    assert record["provenance"]["source"] == {"topic": "articles.raw", "partition": 0, "offset": 5}
    for stage in ("validate", "language", "translate", "link", "total"):
        assert record["provenance"]["timings_ms"][stage] >= 0
    [mention_record] = outcome.mentions
    validator("mention").validate(mention_record)
    assert mention_record["qid"] == "Q57792" and mention_record["article_id"] == "a1"


def test_each_message_gets_exactly_one_outcome_in_order(pipeline):
    english = (
        "The prime minister spoke on Tuesday in The Hague with his colleagues about the budget "
        "and then travelled on to Brussels for talks with the other government leaders."
    )
    batch = [
        message(article("ok-1"), 0),
        message(b"", 1),
        message(b"{broken", 2),
        message(article("poison", body="Dit is VERGIF voor het model, helaas."), 3),
        message(article("ok-2"), 4),
        message(article("english", body=english), 5),
        message(article("stuk", body="Dit artikel maakt de linker STUK, helaas wel."), 6),
    ]
    outcomes = pipeline.process_batch(batch)
    assert [o.message.offset for o in outcomes] == list(range(7))
    kinds = [(type(o).__name__, getattr(o, "stage", None)) for o in outcomes]
    assert kinds == [
        ("Enriched", None),
        ("DeadLetter", "decode"),
        ("DeadLetter", "decode"),
        ("DeadLetter", "translate"),
        ("Enriched", None),
        ("DeadLetter", "language"),
        ("DeadLetter", "link"),
    ]
    poison = outcomes[3]
    assert isinstance(poison, DeadLetter)
    assert poison.error_class == "RuntimeError" and "VERGIF" in poison.error_message
    assert "not Dutch" in outcomes[5].error_message


def test_declared_non_dutch_language_is_refused(pipeline):
    [outcome] = pipeline.process_batch([message(article("fr", language="fr"), 0)])
    assert isinstance(outcome, DeadLetter) and outcome.stage == "language"
    assert "'fr'" in outcome.error_message


def test_record_too_large_for_kafka_is_dead_lettered_not_retried_forever(pipeline):
    body = "\n\n".join(["Het kabinet vergaderde lang over de begroting in Den Haag."] * 9000)
    [outcome] = pipeline.process_batch([message(article("huge", body=body), 0)])
    assert isinstance(outcome, DeadLetter)
    assert (
        outcome.stage == "publish"
        and "over the 1000000-byte message limit" in outcome.error_message
    )
