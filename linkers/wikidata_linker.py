"""The Wikidata linker: mentions -> candidates -> decisions -> entities.

Each step is passed in through the constructor (spaCy's `EntityLinker` takes
`get_candidates` the same way), so tests and benchmarks can swap one piece.
Nothing here touches the network: unknown names end up in `unlinked`, and the
online lookup is an explicit, separate step (`wikidata_client.py`).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from linkers.base import Document, Entity, Mention
from linkers.candidates import KBCandidates
from linkers.disambiguate import ContextDisambiguator
from linkers.english_offsets import find_english_mentions
from linkers.kb_sqlite import KnowledgeBase
from linkers.mentions import MentionFinder, Span
from linkers.normalize import normalize_alias

_FIELDS = ("title", "body")


class WikidataLinker:
    """Links Dutch news text to Wikidata QIDs from an offline knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        finder: MentionFinder,
        candidates: KBCandidates,
        disambiguator: ContextDisambiguator,
        names_cache_size: int = 4096,
    ) -> None:
        self.kb = kb
        self.finder = finder
        self.candidates = candidates
        self.disambiguator = disambiguator
        self._names: OrderedDict[str, list[str]] = OrderedDict()
        self._names_cache_size = names_cache_size
        self._provenance = kb.provenance

    @property
    def provenance(self) -> dict[str, Any]:
        """Knowledge base source, build date and size (read once at start-up)."""
        return dict(self._provenance)

    def link(self, doc: Document) -> list[Entity]:
        """Linked entities (one per QID, in order of first mention), then unlinked names."""
        texts = {"title": doc.title or "", "body": doc.body or ""}
        spans = [s for f in _FIELDS for s in self.finder.find(f, texts[f])]
        kb_spans: dict[str, list[Span]] = {}
        for span in spans:
            if span.kind == "kb":
                kb_spans.setdefault(span.alias_norm, []).append(span)
        cands = self.candidates.candidates(kb_spans)
        decisions = self.disambiguator.decide(kb_spans, cands, texts)

        linked: dict[str, Entity] = {}
        unlinked: dict[str, Entity] = {}
        for span in spans:
            mention = Mention(span.field, span.start, span.end, span.text)
            decision = decisions.get(span.alias_norm) if span.kind == "kb" else None
            if decision is not None and decision.candidate is not None:
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
                continue
            key = normalize_alias(span.text)
            item = unlinked.get(key)
            if item is None:
                etype = span.type_hint
                if decision is not None and cands.get(span.alias_norm):
                    etype = cands[span.alias_norm][0].entity.type
                score = decision.score if decision is not None else 0.0
                item = unlinked[key] = Entity(qid=None, label=span.text, type=etype, score=score)
            item.mentions.append(mention)

        if doc.title_en or doc.body_en:
            names = {qid: self._names_of(qid) for qid in linked}
            for qid, mentions in find_english_mentions(names, doc).items():
                linked[qid].mentions_en = mentions
        return [*linked.values(), *unlinked.values()]

    def _names_of(self, qid: str) -> list[str]:
        """English names first, then Dutch; cached (a few KB queries per new entity)."""
        names = self._names.get(qid)
        if names is None:
            aliases = self.kb.aliases_of(qid)
            names = [a.alias for a in aliases if a.lang == "en"] + [
                a.alias for a in aliases if a.lang != "en"
            ]
            entity = self.kb.entity(qid)
            if entity is not None:
                names = [entity.label_en, *names]
            self._names[qid] = names
            if len(self._names) > self._names_cache_size:
                self._names.popitem(last=False)
        return names
