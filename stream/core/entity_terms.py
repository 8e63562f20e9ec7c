"""Linked entities -> term constraints for the translator -> `mentions_en` from where they landed.

Linking runs on the Dutch source before translation. Each mention of a linked
entity becomes a `FieldTerm` (span + the English name chosen by
`english_names.english_name`); the translator reports where each target was
put, and those spans become the entity's `mentions_en` - exact offsets, not a
search of the English text afterwards. A mention the translator could not
place gets no English mention.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from nieuwsstroom.linkers.base import Entity, Mention
from nieuwsstroom.stream.core.english_names import english_name
from nieuwsstroom.translators.articles import EnglishSpan, FieldTerm


@dataclasses.dataclass(frozen=True, slots=True)
class EntityTerms:
    """An article's terms and, per term, the (entity index, mention index) it renders."""

    terms: list[FieldTerm]
    owners: list[tuple[int, int]]


def entity_terms(entities: Sequence[Entity]) -> EntityTerms:
    """One term per mention of a linked entity (unlinked names are left to the model)."""
    terms: list[FieldTerm] = []
    owners: list[tuple[int, int]] = []
    for e, entity in enumerate(entities):
        if entity.qid is None:
            continue
        for m, mention in enumerate(entity.mentions):
            if mention.field not in ("title", "body"):
                continue
            target = english_name(mention.text, entity.label_en, entity.aliases_en)
            terms.append(FieldTerm(mention.field, mention.start, mention.end, target))  # type: ignore[arg-type]
            owners.append((e, m))
    return EntityTerms(terms, owners)


def with_english_mentions(
    entities: Sequence[Entity],
    terms: EntityTerms,
    placed: Sequence[EnglishSpan | None],
    fields_en: dict[str, str],
) -> list[Entity]:
    """Copies of `entities` whose `mentions_en` are the placed targets, in text order.

    `fields_en` holds `title_en` and `body_en`; each span is checked against
    them, so a mention whose text is not at its offsets can never be published.
    """
    found: dict[int, list[tuple[int, Mention]]] = {}
    for term, (e, m), span in zip(terms.terms, terms.owners, placed, strict=True):
        if span is None:
            continue
        text = fields_en[span.field][span.start : span.end]
        if text != term.target:
            raise ValueError(
                f"Translator placed {term.target!r} at {span.field}[{span.start}:{span.end}],"
                f" which holds {text!r}"
            )
        found.setdefault(e, []).append((m, Mention(span.field, span.start, span.end, text, m)))
    out: list[Entity] = []
    for e, entity in enumerate(entities):
        mentions = [mention for _, mention in sorted(found.get(e, []), key=_order)]
        out.append(dataclasses.replace(entity, mentions_en=mentions) if e in found else entity)
    return out


def passthrough_mentions(entities: Sequence[Entity]) -> list[Entity]:
    """For an article passed through untranslated: English offsets are the Dutch ones."""
    return [
        dataclasses.replace(
            entity,
            mentions_en=[
                Mention(f"{m.field}_en", m.start, m.end, m.text, k)
                for k, m in enumerate(entity.mentions)
            ],
        )
        if entity.qid is not None
        else entity
        for entity in entities
    ]


def _order(item: tuple[int, Mention]) -> tuple[int, int]:
    _, mention = item
    return (0 if mention.field == "title_en" else 1, mention.start)
