"""The pipeline core without Kafka: one outcome per message, schema-valid records.

Uses small in-test implementations of the Translator/Linker protocols; the real
model and knowledge base are exercised end to end in test_worker_e2e.py.
"""

from __future__ import annotations

import re

import orjson
import pytest
from jsonschema import ValidationError

from nieuwsstroom.linkers.base import Document, Entity, Mention
from nieuwsstroom.schemas import validator
from nieuwsstroom.stream.core.language import LanguageChecker
from nieuwsstroom.stream.core.outcomes import DeadLetter, Enriched, RawMessage
from nieuwsstroom.stream.core.pipeline import ArticlePipeline
from nieuwsstroom.translators.articles import ArticleTranslation, translate_articles_with_terms
from nieuwsstroom.translators.terms import PlacedTerm, TermTranslation

DUTCH_BODY = (
    "Minister-president Mark Rutte sprak dinsdag in Den Haag met zijn collega's.\n\n"
    "Daarna reisde hij naar Brussel voor overleg met de andere regeringsleiders."
)


class EchoTerms:
    """A sentence-level `TermTranslator` stand-in: "EN " + the sentence, each term's span
    replaced by its target, and where it put each one. Fails on a poison word."""

    provenance = {"engine": "echo", "model": "in-test"}

    def translate_batch(self, texts: list[str]) -> list[str]:
        return [r.text for r in self.translate_terms(texts, [[] for _ in texts])]

    def translate_terms(self, texts, constraints) -> list[TermTranslation]:
        out = []
        for text, cons in zip(texts, constraints, strict=True):
            if "VERGIF" in text:
                raise RuntimeError("model choked on VERGIF")
            english, placed, pos = "EN ", [], 0
            for c in cons:
                english += text[pos : c.start]
                placed.append(PlacedTerm(len(english), len(english) + len(c.target), "model"))
                english += c.target
                pos = c.end
            out.append(TermTranslation(english + text[pos:], tuple(placed)))
        return out


class EchoTranslator:
    """The pipeline's article translator over `EchoTerms`: real segmentation and offsets."""

    def __call__(self, pairs, terms) -> list[ArticleTranslation]:
        return translate_articles_with_terms(EchoTerms(), pairs, terms)


class NameLinker:
    """Links 'Rutte' to Q57792 and 'Den Haag' to Q36600 (The Hague); 'Brussel' stays unlinked."""

    provenance = {"source": "in-test", "entities": 2}

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
                    label_en="Mark Rutte",
                    aliases_en=("Rutte",),
                )
            )
        haag = [
            Mention(field, m.start(), m.end(), "Den Haag")
            for field, text in (("title", doc.title), ("body", doc.body))
            for m in re.finditer("Den Haag", text)
        ]
        if haag:
            entities.append(
                Entity("Q36600", "The Hague", "LOC", 0.9, "city", haag, label_en="The Hague")
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


def make_pipeline(translator=None, **options: object) -> ArticlePipeline:
    options.setdefault("stage_retry_backoff_s", 0.01)
    return ArticlePipeline(
        translator or EchoTranslator(),
        NameLinker(),
        {"engine": "echo", "model": "in-test"},
        options.pop("language_checker", None),
        **options,
    )


@pytest.fixture
def pipeline() -> ArticlePipeline:
    return make_pipeline()


def test_good_article_becomes_a_schema_valid_enriched_record(pipeline):
    [outcome] = pipeline.process_batch([message(article("a1", section="binnenland"), 5)])
    assert isinstance(outcome, Enriched)
    record = outcome.record
    validator("enriched").validate(record)
    assert record["section"] == "binnenland"
    assert record["body_en"].count("\n\n") == record["body"].count("\n\n")
    assert record["language"]["detected"] == "nl"
    assert record["schema"] == "nieuwsstroom.articles.enriched/v1.1"
    rutte, haag = record["entities"]
    mention = rutte["mentions"][0]
    assert record["body"][mention["start"] : mention["end"]] == mention["text"] == "Rutte"
    # Linked names are rendered by their English names, and mentions_en point at them exactly.
    assert [(m["field"], m["text"], m["mention"]) for m in haag["mentions_en"]] == [
        ("title_en", "The Hague", 0),
        ("body_en", "The Hague", 1),
    ]
    for m in rutte["mentions_en"] + haag["mentions_en"]:
        assert record[m["field"]][m["start"] : m["end"]] == m["text"]
    assert "Den Haag" not in record["title_en"] + record["body_en"]
    assert record["unlinked"][0]["text"] == "Brussel"
    assert record["provenance"]["source"] == {"topic": "articles.raw", "partition": 0, "offset": 5}
    for stage in ("validate", "language", "translate", "link", "total"):
        assert record["provenance"]["timings_ms"][stage] >= 0
    mention_record = outcome.mentions[0]
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
    assert "translate failed after 3 attempts" in poison.error_message
    assert "not Dutch" in outcomes[5].error_message
    assert "link failed after 3 attempts" in outcomes[6].error_message


def test_declared_non_dutch_language_is_refused(pipeline):
    [outcome] = pipeline.process_batch([message(article("fr", language="fr"), 0)])
    assert isinstance(outcome, DeadLetter) and outcome.stage == "language"
    assert "'fr'" in outcome.error_message


def test_record_too_large_for_kafka_is_dead_lettered_not_retried_forever():
    body = "\n\n".join(["Het kabinet vergaderde lang over de begroting in Den Haag."] * 9000)
    pipeline = make_pipeline(max_body_chars=2_000_000)
    [outcome] = pipeline.process_batch([message(article("huge", body=body), 0)])
    assert isinstance(outcome, DeadLetter)
    assert (
        outcome.stage == "publish"
        and "over the 1000000-byte message limit" in outcome.error_message
    )


class FlakyTranslator(EchoTranslator):
    """Fails the first `failures` calls, then translates: a transient fault."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, pairs, terms) -> list[ArticleTranslation]:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"transient failure {self.calls}")
        return super().__call__(pairs, terms)


def test_a_transient_stage_failure_is_retried_and_the_article_gets_through():
    translator = FlakyTranslator(failures=2)  # the batch call, then one single retry
    [outcome] = make_pipeline(translator).process_batch([message(article("flaky"), 0)])
    assert isinstance(outcome, Enriched)
    assert translator.calls == 3


def test_a_stage_that_keeps_failing_is_tried_a_bounded_number_of_times_then_dead_lettered():
    translator = FlakyTranslator(failures=10**6)
    retried: list[str] = []
    pipeline = make_pipeline(translator, stage_attempts=4, on_retry=retried.append)
    outcomes = pipeline.process_batch([message(article("a"), 0), message(article("b"), 1)])
    assert [o.stage for o in outcomes] == ["translate", "translate"]
    assert translator.calls == 1 + 2 * 4  # one batch call, then 4 attempts per article
    assert retried == ["translate"] * 6  # 3 retries after the first attempt, per article
    assert "translate failed after 4 attempts: RuntimeError" in outcomes[0].error_message


def _content(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("provenance", "content_hash")}


def test_a_repeated_article_gets_the_same_content_hash_and_record(pipeline):
    first = pipeline.process_batch([message(article("twee-keer"), 0)])[0]
    again = pipeline.process_batch(
        [message(article("ander"), 1), message(article("twee-keer"), 2)]
    )[1]
    assert isinstance(first, Enriched) and isinstance(again, Enriched)
    assert first.record["content_hash"] == again.record["content_hash"]
    assert _content(first.record) == _content(again.record)
    assert first.record["provenance"]["source"] != again.record["provenance"]["source"]
    changed = pipeline.process_batch([message(article("twee-keer", body="Ander nieuws."), 3)])[0]
    assert changed.record["content_hash"] != first.record["content_hash"]


def test_content_hash_names_the_input_and_the_enrichment_versions_not_the_output():
    from nieuwsstroom.stream.core.enriched_record import content_hash, enrichment_versions

    article = {"id": "a", "title": "Titel", "body": "Tekst."}
    translator = {"engine": "argos-translate", "model": "m", "compute_type": "int8"}
    kb = {"kb_build_id": "b1", "kb_path": "/var/lib/kb.sqlite"}
    versions = enrichment_versions(
        pipeline_version="1", translator=translator, knowledge_base=kb, policy={"t": 0.6}
    )
    same_elsewhere = enrichment_versions(
        pipeline_version="1",
        translator=translator,
        knowledge_base={**kb, "kb_path": "/other/worker/kb.sqlite"},  # where, not what
        policy={"t": 0.6},
    )
    assert content_hash(article, versions) == content_hash(article, same_elsewhere)
    for other in (
        enrichment_versions(
            pipeline_version="1", translator=translator, knowledge_base=kb, policy={"t": 0.7}
        ),
        enrichment_versions(
            pipeline_version="1",
            translator={**translator, "compute_type": "float32"},
            knowledge_base=kb,
            policy={"t": 0.6},
        ),
        enrichment_versions(
            pipeline_version="1",
            translator=translator,
            knowledge_base={**kb, "kb_build_id": "b2"},
            policy={"t": 0.6},
        ),
    ):
        assert content_hash(article, other) != content_hash(article, versions)
    assert content_hash({**article, "body": "Anders."}, versions) != content_hash(article, versions)


def test_html_and_control_characters_are_cleaned_and_offsets_point_into_the_clean_text(
    pipeline,
):
    html = (
        "<p>Minister-president <b>Mark Rutte</b> sprak&nbsp;dinsdag in Den Haag.</p>"
        "<p>Daarna\x07 reisde hij naar <a href='x'>Brussel</a>.</p><script>var x;</script>"
    )
    [outcome] = pipeline.process_batch([message(article("html", body=html), 0)])
    assert isinstance(outcome, Enriched)
    record = outcome.record
    assert record["body"] == (
        "Minister-president Mark Rutte sprak dinsdag in Den Haag.\n\n"
        "Daarna reisde hij naar Brussel."
    )
    assert record["provenance"]["input_cleaning"] == {
        "html_stripped": ["body"],
        "control_characters_removed": 1,
    }
    [mention] = record["entities"][0]["mentions"]
    assert record["body"][mention["start"] : mention["end"]] == "Rutte"
    validator("enriched").validate(record)


ENGLISH = (
    "The prime minister spoke on Tuesday in The Hague with his colleagues about the budget "
    "and then travelled on to Brussels for talks with the other government leaders."
)


def test_english_is_refused_with_detected_language_and_confidence(pipeline):
    [outcome] = pipeline.process_batch([message(article("en", body=ENGLISH), 0)])
    assert isinstance(outcome, DeadLetter) and outcome.stage == "language"
    assert "detected 'en', confidence 1.00" in outcome.error_message
    assert "NIEUWSSTROOM_ENGLISH_PASSTHROUGH" in outcome.error_message


def test_english_passes_through_untranslated_when_configured():
    translator = FlakyTranslator(failures=0)
    pipeline = make_pipeline(translator, language_checker=LanguageChecker(english_passthrough=True))
    outcomes = pipeline.process_batch(
        [message(article("en", body=ENGLISH), 0), message(article("nl"), 1)]
    )
    english, dutch = (o.record for o in outcomes)
    assert english["body_en"] == ENGLISH and english["title_en"] == english["title"]
    assert english["language"]["translated"] is False
    assert english["language"]["detected"] == "en"
    assert dutch["language"]["translated"] is True and dutch["body_en"].startswith("EN ")
    assert translator.calls == 1  # only the Dutch article went to the model
    validator("enriched").validate(english)
    [haag] = english["entities"]  # "Den Haag" in the title; the English is the original
    assert haag["mentions_en"] == [
        {"field": "title_en", "start": 9, "end": 17, "text": "Den Haag", "mention": 0}
    ]


def test_a_v1_record_still_validates_against_the_v1_1_schema(pipeline):
    """v1.1 only adds fields: records written by v1 workers stay valid."""
    [outcome] = pipeline.process_batch([message(article("v1"), 0)])
    record = orjson.loads(orjson.dumps(outcome.record))
    record["schema"] = "nieuwsstroom.articles.enriched/v1"
    for entity in record["entities"]:
        for m in entity["mentions_en"]:
            del m["mention"]
    validator("enriched").validate(record)
    record["schema"] = "nieuwsstroom.articles.enriched/v2"
    with pytest.raises(ValidationError):
        validator("enriched").validate(record)
