"""Learning unknown names from Wikidata in the background, off the hot path.

With NIEUWSSTROOM_WIKIDATA_ONLINE=true the worker hands each name it could not link to a
background thread that searches Wikidata for it (at most one name a second, 10 s timeouts).
A hit is stored in the knowledge base only if a Dutch or English label or alias equals the name
and it is a person, organisation or place; the linker picks it up without a restart. Articles
never wait for this; each name is tried once (after a network error, again an hour later).
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from nieuwsstroom.linkers.base import Document, Entity
from nieuwsstroom.linkers.errors import WikidataOnlineError
from nieuwsstroom.linkers.kb_records import AliasRecord, EntityRecord
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.normalize import normalize_alias
from nieuwsstroom.linkers.wikidata_client import WikidataOnline
from nieuwsstroom.linkers.wikidata_json import entity_from_json
from nieuwsstroom.linkers.wikidata_linker import WikidataLinker

log = logging.getLogger(__name__)

LEARNED_SOURCE = "online learning"
MIN_NAME_CHARS = 3  # two-letter acronyms ("VS", "EU") are far too ambiguous to search
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 5


def is_lookup_worthy(name: str) -> bool:
    """False for what no search should be spent on: too short or long, no capital, digits."""
    norm = normalize_alias(name)
    return (
        MIN_NAME_CHARS <= len(norm) <= MAX_NAME_CHARS
        and len(norm.split()) <= MAX_NAME_WORDS
        and name.strip()[:1].isupper()
        and sum(ch.isdigit() for ch in norm) <= 1
        and sum(ch.isalpha() for ch in norm) >= MIN_NAME_CHARS
    )


class NameLearner:
    """Looks unlinked names up on Wikidata in a background thread and stores close hits."""

    def __init__(
        self,
        kb_path: Path,
        online: WikidataOnline,
        *,
        max_queue: int = 256,
        min_interval_s: float = 1.0,
        max_remembered: int = 10_000,
        retry_after_s: float = 3600.0,
        search_limit: int = 3,
        on_learned: Callable[[list[str]], Any] | None = None,
    ) -> None:
        if max_queue < 1 or max_remembered < 1:
            raise ValueError(
                f"Expected max_queue >= 1 and max_remembered >= 1, got {max_queue}, "
                f"{max_remembered}"
            )
        self.kb_path = Path(kb_path)
        self.online = online
        self.min_interval_s = min_interval_s
        self.retry_after_s = retry_after_s
        self.search_limit = search_limit
        self.on_learned = on_learned
        self._queue: queue.Queue[str] = queue.Queue(maxsize=max_queue)
        # normalised name -> monotonic time until which it is not offered again (inf: never)
        self._tried: OrderedDict[str, float] = OrderedDict()
        self._max_remembered = max_remembered
        self._lock = threading.Lock()  # guards _tried and counts; never held during I/O
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.counts = {"queued": 0, "dropped": 0, "learned": 0, "missed": 0, "errors": 0}

    # -- the hot path ----------------------------------------------------------------------
    def offer(self, names: Iterable[tuple[str, str]]) -> int:
        """Queue (name, type hint) pairs not tried yet; never blocks. Returns how many queued."""
        if self._stop.is_set():
            return 0
        queued = 0
        now = time.monotonic()
        for name, _type_hint in names:
            norm = normalize_alias(name)
            if not is_lookup_worthy(name):
                continue
            with self._lock:
                if self._tried.get(norm, -math.inf) > now:
                    continue
                self._remember(norm, math.inf)  # pending: offered twice, queued once
            try:
                self._queue.put_nowait(name)
            except queue.Full:
                with self._lock:
                    self._tried.pop(norm, None)  # may be offered again once there is room
                    self.counts["dropped"] += 1
                continue
            queued += 1
        if queued:
            with self._lock:
                self.counts["queued"] += queued
            self.start()
        return queued

    def _remember(self, norm: str, until: float) -> None:
        """Caller holds the lock. Oldest names are forgotten first (bounded memory)."""
        self._tried[norm] = until
        self._tried.move_to_end(norm)
        while len(self._tried) > self._max_remembered:
            self._tried.popitem(last=False)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread (done by the first `offer`, so idle learners cost nothing)."""
        with self._lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(
                target=self._run, name="nieuwsstroom-name-learner", daemon=True
            )
            self._thread.start()

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the thread; an in-flight request may outlive this (the thread is a daemon)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("Name learner still busy after %.1fs; leaving it to exit", timeout_s)
        log.info("Name learner stopped: %s", self.counts)

    def join_idle(self, timeout_s: float) -> bool:
        """Wait until every queued name has been handled (for tests and demos)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.05)
        return False

    # -- the background thread -------------------------------------------------------------
    def _run(self) -> None:
        try:
            kb = KnowledgeBase(self.kb_path)
        except Exception:
            log.exception("Name learner cannot open %s; not learning", self.kb_path)
            return
        try:
            mode = kb.enable_wal()
            if mode != "wal":
                log.warning("Knowledge base %s is in %s mode, not WAL", self.kb_path, mode)
            last = -math.inf
            while not self._stop.is_set():
                try:
                    name = self._queue.get(timeout=0.5)
                except queue.Empty:
                    continue
                try:
                    if self._stop.wait(max(0.0, last + self.min_interval_s - time.monotonic())):
                        break
                    last = time.monotonic()
                    self._handle(kb, name)
                finally:
                    self._queue.task_done()
        finally:
            kb.close()

    def _handle(self, kb: KnowledgeBase, name: str) -> None:
        """Learn one name; record the outcome. Errors are logged, never raised."""
        norm = normalize_alias(name)
        try:
            qids = self._learn(kb, name)
        except WikidataOnlineError as exc:
            log.warning(
                "Looking up %r failed, retrying in %.0fs: %s", name, self.retry_after_s, exc
            )
            self._record(norm, time.monotonic() + self.retry_after_s, "errors")
            return
        except Exception:
            log.exception("Looking up %r failed unexpectedly", name)
            self._record(norm, time.monotonic() + self.retry_after_s, "errors")
            return
        self._record(norm, math.inf, "learned" if qids else "missed")
        if not qids:
            log.debug("No close news entity for %r on Wikidata", name)
            return
        if self.on_learned is not None:
            try:
                self.on_learned(qids)
            except Exception:
                log.exception("on_learned callback failed for %s", qids)
        log.info("Learned %r -> %s", name, ", ".join(qids))

    def _record(self, norm: str, until: float, outcome: str) -> None:
        with self._lock:
            self._remember(norm, until)
            self.counts[outcome] += 1

    def _learn(self, kb: KnowledgeBase, name: str) -> list[str]:
        """Store the search hits that carry exactly this name and are news entities."""
        if kb.lookup(name):
            return []  # known alias the linker chose not to link: more data will not help
        norm = normalize_alias(name)
        records: list[EntityRecord] = []
        aliases: list[AliasRecord] = []
        for hit in self.online.search(name, limit=self.search_limit):
            try:
                data = self.online.fetch_entity(hit.qid)
            except WikidataOnlineError as exc:
                log.debug("Skipping search hit %s for %r: %s", hit.qid, name, exc)
                continue
            parsed = entity_from_json(data)  # None unless person, organisation, place...
            if parsed is None:
                continue
            record, names = parsed
            if norm in {a.alias_norm for a in names}:
                records.append(record)
                aliases.extend(names)
        if not records:
            return []
        kb.upsert_entities(records)
        kb.add_aliases(aliases)
        source = kb.meta().get("source", "unknown")
        kb.finish_build(source if LEARNED_SOURCE in source else f"{source} + {LEARNED_SOURCE}")
        return [r.qid for r in records]


class LearningLinker:
    """A linker that offers its unlinked names to a `NameLearner` (wrapping, not a flag)."""

    def __init__(self, linker: WikidataLinker, learner: NameLearner) -> None:
        self.linker = linker
        self.learner = learner

    @property
    def provenance(self) -> dict[str, Any]:
        return self.linker.provenance

    def link(self, doc: Document) -> list[Entity]:
        """The wrapped linker's result; unlinked names are queued for learning (non-blocking)."""
        entities = self.linker.link(doc)
        try:
            self.learner.offer((e.label, e.type) for e in entities if e.qid is None)
        except Exception:  # learning is best effort; linking must not fail because of it
            log.exception("Offering unlinked names to the learner failed")
        return entities
