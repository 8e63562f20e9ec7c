"""From one article's spans and candidates to its entities: linked, and unlinked with why.

The order matters: an alias inside a longer name is kept only if one of its
candidates is that name's person (`name_runs.py`); every alias is decided next
(`disambiguate.py`), then short forms of people's names are tied to the full
name in the article (`name_parts.py`), which may link a surname the knowledge
base has no alias for ("Trump") or keep a given name away from a brand ("Lloyd"). Names that stay
unlinked carry the reason and the best rejected candidate, so ops can see what
the knowledge base lacks.
"""

from __future__ import annotations

from nieuwsstroom.linkers.base import Entity, Mention
from nieuwsstroom.linkers.candidates import Candidate
from nieuwsstroom.linkers.context import NO_CUE, ContextReader, Cue
from nieuwsstroom.linkers.disambiguate import ContextDisambiguator, Decision
from nieuwsstroom.linkers.name_parts import full_name_of, persons, short_form_spans
from nieuwsstroom.linkers.name_runs import resolve_runs
from nieuwsstroom.linkers.normalize import normalize_alias
from nieuwsstroom.linkers.spans import Span


def link_article(
    spans: list[Span],
    candidates: dict[str, list[Candidate]],
    texts: dict[str, str],
    disambiguator: ContextDisambiguator,
) -> list[Entity]:
    """Linked entities (one per QID, in order of first mention), then unlinked names."""
    spans, groups, context_spans = alias_groups(spans, candidates, texts, disambiguator.reader)
    cues = disambiguator.cues(context_spans, texts)
    decisions = disambiguator.decide_groups(groups, candidates, cues, texts)
    linked_type: dict[Span, tuple[str, str] | None] = {}
    for span in spans:
        decision = decisions.get(span.alias_norm) if span.kind == "kb" else None
        if decision is not None and decision.candidate is not None:
            linked_type[span] = (decision.candidate.entity.qid, decision.candidate.entity.type)
    people = persons(spans, linked_type, cues, disambiguator.reader.given_names)
    extra = short_form_spans(texts, people, spans)
    if extra:
        spans = sorted([*spans, *extra], key=lambda s: (s.field != "title", s.start))
    person_decision = {
        qid: decisions[s.span.alias_norm] for s in people if (qid := s.qid) is not None
    }

    linked: dict[str, Entity] = {}
    unlinked: dict[str, Entity] = {}
    for span in spans:
        mention = Mention(span.field, span.start, span.end, span.text)
        cue = cues.get(span, NO_CUE)
        decision = decisions.get(span.alias_norm) if span.kind == "kb" else None
        person = full_name_of(span, people, cue)
        if person is not None and person.qid is not None:
            decision = person_decision[person.qid]
        elif person is not None:
            best = decision.best if decision else None
            score = decision.best_score if decision else 0.0
            why = f"part of the name {person.span.text!r}, a person the knowledge base lacks"
            decision = Decision(None, score, why, best, score)
        if decision is not None and decision.candidate is not None:
            _add_linked(linked, decision, mention)
            continue
        key = normalize_alias(span.text)
        item = unlinked.get(key)
        if item is None:
            item = unlinked[key] = _unlinked(span, decision, cue, person is not None)
        item.mentions.append(mention)
    return [*linked.values(), *unlinked.values()]


def alias_groups(
    spans: list[Span],
    candidates: dict[str, list[Candidate]],
    texts: dict[str, str],
    reader: ContextReader,
) -> tuple[list[Span], dict[str, list[Span]], list[Span]]:
    """The article's mentions, its alias groups, and the spans whose context is read.

    An alias that gave way to a longer name ("Utrecht" in "FC Utrecht") is no mention,
    but where the article also names it alone, that group reads its context too.
    """
    spans, inside = resolve_runs(spans, candidates)
    spans = [s for s in spans if reader.is_mention(s, texts[s.field])]
    groups: dict[str, list[Span]] = {}
    for span in spans:
        if span.kind == "kb":
            groups.setdefault(span.alias_norm, []).append(span)
    context = [s for s in inside if s.alias_norm in groups]
    for span in context:
        groups[span.alias_norm].append(span)
    return spans, groups, sorted([*spans, *context], key=lambda s: (s.field, s.start))


def _add_linked(linked: dict[str, Entity], decision: Decision, mention: Mention) -> None:
    assert decision.candidate is not None
    ent = decision.candidate.entity
    entity = linked.get(ent.qid)
    if entity is None:
        entity = linked[ent.qid] = Entity(
            qid=ent.qid,
            label=ent.label,
            type=ent.type,
            score=decision.score,
            description=ent.description,
        )
    entity.score = max(entity.score, decision.score)
    entity.mentions.append(mention)


def _unlinked(span: Span, decision: Decision | None, cue: Cue, person: bool) -> Entity:
    best = decision.best if decision is not None else None
    if person:
        etype = "PER"
    elif cue.type is not None and cue.kind != "team":
        etype = cue.type
    elif cue.kind == "team":
        etype = "ORG"
    elif span.kind != "kb":
        etype = span.type_hint
    else:
        etype = best.entity.type if best is not None else "MISC"
    best_json = None
    if best is not None:
        best_json = {
            "qid": best.entity.qid,
            "label": best.entity.label,
            "type": best.entity.type,
            "score": round(decision.best_score if decision else 0.0, 4),
        }
    reason = decision.reason if decision is not None else "no candidate in the knowledge base"
    return Entity(
        qid=None,
        label=span.text,
        type=etype,
        score=decision.score if decision is not None else 0.0,
        reason=reason,
        best_candidate=best_json,
    )
