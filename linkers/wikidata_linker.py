"""The Wikidata linker: mentions -> candidates -> decisions -> entities.

Each step is passed in through the constructor (spaCy's `EntityLinker` takes
`get_candidates` the same way), so tests and benchmarks can swap one piece.
Nothing here touches the network: unknown names end up in `unlinked`, and the
online lookup is an explicit, separate step (`wikidata_client.py`, `learning.py`).
What that step stores reaches the matcher through `reload_if_changed`, without
a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from nieuwsstroom.linkers.article_links import link_article
from nieuwsstroom.linkers.base import Document, Entity
from nieuwsstroom.linkers.candidates import KBCandidates
from nieuwsstroom.linkers.disambiguate import ContextDisambiguator
from nieuwsstroom.linkers.english_offsets import find_english_mentions
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.mentions import MentionFinder

log = logging.getLogger(__name__)

_FIELDS = ("title", "body")
_SIGNATURE_KEYS = ("alias_count", "entity_count", "build_date", "source")


class WikidataLinker:
    """Links Dutch news text to Wikidata QIDs from an offline knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        finder: MentionFinder,
        candidates: KBCandidates,
        disambiguator: ContextDisambiguator,
        names_cache_size: int = 4096,
        reload_interval_s: float = 5.0,
        finder_factory: Callable[[KnowledgeBase], MentionFinder] | None = None,
    ) -> None:
        """`finder_factory` rebuilds the finder after the KB changed (default: every
        alias in RAM; `factory.build_linker` keeps the mapped index and adds the rest)."""
        self.kb = kb
        self.finder = finder
        self._finder_factory = finder_factory or (
            lambda current: MentionFinder(current.iter_alias_types(), finder.common_words)
        )
        self.candidates = candidates
        self.disambiguator = disambiguator
        self._names: OrderedDict[str, list[str]] = OrderedDict()
        self._english: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._names_cache_size = names_cache_size
        self._provenance = kb.provenance
        self._reload_lock = threading.Lock()
        self._reload_interval_s = reload_interval_s
        self._checked_at = time.monotonic()
        self._signature = self._kb_signature()

    @property
    def provenance(self) -> dict[str, Any]:
        """Knowledge base source, build date and size (read at start-up and on each reload)."""
        return dict(self._provenance)

    def _kb_signature(self) -> tuple[str, ...]:
        """What `finish_build` records after every change: counts, date, source (one query)."""
        meta = self.kb.meta()
        return tuple(meta.get(key, "") for key in _SIGNATURE_KEYS)

    def reload_if_changed(self, *, force: bool = False) -> bool:
        """Rebuild the matcher if the KB changed since it was built; True if it was rebuilt.

        What changes a KB in place is an addition (learned names, `kb refresh`): the
        mapped alias index stays, and only the aliases added after it are indexed
        again, in RAM. (A rebuilt KB is a new version beside this one, see
        `kb_files.py`; a worker keeps the version it opened until it restarts.)
        Checks the KB's meta at most every `reload_interval_s` seconds (unless
        `force`). The new matcher is built beside the old one and swapped in with
        one assignment, so concurrent `link()` calls never wait for the rebuild
        and each uses one consistent matcher. Only one rebuild runs at a time.
        """
        now = time.monotonic()
        if not force and now - self._checked_at < self._reload_interval_s:
            return False
        if not self._reload_lock.acquire(blocking=force):
            return False  # another thread is already checking or rebuilding
        try:
            self._checked_at = now
            signature = self._kb_signature()
            if signature == self._signature:
                return False
            started = time.perf_counter()
            self.finder = self._finder_factory(self.kb)
            self.candidates.clear()
            self._names = OrderedDict()
            self._english = OrderedDict()
            self._provenance = self.kb.provenance
            self._signature = signature
        finally:
            self._reload_lock.release()
        log.info(
            "Knowledge base changed (%s aliases); matcher rebuilt in %.2fs",
            signature[0] or "?",
            time.perf_counter() - started,
        )
        return True

    def link(self, doc: Document) -> list[Entity]:
        """Linked entities (one per QID, in order of first mention), then unlinked names."""
        texts = {"title": doc.title or "", "body": doc.body or ""}
        finder = self.finder  # one matcher per call, even if a reload swaps it meanwhile
        spans = [s for f in _FIELDS for s in finder.find(f, texts[f])]
        cands = self.candidates.candidates({s.alias_norm for s in spans if s.kind == "kb"})
        entities = link_article(spans, cands, texts, self.disambiguator)
        linked = {e.qid: e for e in entities if e.qid is not None}
        # English names for the translator to render each mention by (not in the JSON).
        records = {c.entity.qid: c.entity for found in cands.values() for c in found}
        for qid, entity in linked.items():
            entity.label_en = records[qid].label_en if qid in records else ""
            entity.aliases_en = self._english_aliases_of(qid)
        if doc.title_en or doc.body_en:
            names = {qid: self._names_of(qid) for qid in linked}
            for qid, mentions in find_english_mentions(names, doc).items():
                linked[qid].mentions_en = mentions
        return entities

    def _english_aliases_of(self, qid: str) -> tuple[str, ...]:
        """The entity's English aliases, most trusted first (cached with its other names)."""
        cached = self._english.get(qid)
        if cached is None:
            cached = tuple(a.alias for a in self.kb.aliases_of(qid) if a.lang == "en")
            self._english[qid] = cached
            if len(self._english) > self._names_cache_size:
                self._english.popitem(last=False)
        else:
            self._english.move_to_end(qid)
        return cached

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
