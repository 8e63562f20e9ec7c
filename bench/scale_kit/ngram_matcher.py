"""The alternative design the scale bench measures: alias lookup by token n-grams in SQLite.

Instead of a trie, every word start's 1..k-token n-grams (and the same minus a
genitive "s") are looked up in one batched `IN (...)` query per text against a
`keys(norm PRIMARY KEY, payload)` table written beside the KB. Start-up is
O(1) too; what decides is the cost per article. Semantics are close to the
matcher's but not identical (a key ending in punctuation, "Washington D.C.",
is never a candidate), which is one more reason it was not chosen; it is
measured for speed only.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from nieuwsstroom.linkers.alias_index import Payload, aggregate, decode_payload
from nieuwsstroom.linkers.alias_matcher import AliasMatcher
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 6


def build_ngram_table(kb: KnowledgeBase, path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("CREATE TABLE keys (norm TEXT PRIMARY KEY, payload BLOB) WITHOUT ROWID")
    conn.executemany(
        "INSERT INTO keys VALUES (?, ?)", aggregate(kb.alias_index_rows(kb.max_alias_id()))
    )
    conn.commit()
    conn.close()


class NgramMatcher(AliasMatcher):
    """`AliasMatcher` whose hits come from n-gram lookups in SQLite."""

    def __init__(self, path: Path, common_words: frozenset[str]) -> None:
        super().__init__((), common_words)
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._found: dict[str, Payload] = {}
        self.indexes = (self,)  # type: ignore[assignment]  # non-empty: find() runs

    def _raw_hits(self, folded: str) -> set[tuple[int, str]]:
        words = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
        candidates: dict[str, list[int]] = {}
        for i, (start, _end) in enumerate(words):
            if start > 0 and folded[start - 1].isalnum():
                continue
            for _s, end in words[i : i + MAX_WORDS]:
                for stop in (end, end - 1):
                    if stop > start:
                        candidates.setdefault(folded[start:stop], []).append(start)
        keys = list(candidates)
        self._found = {}
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            marks = ",".join("?" * len(chunk))
            for norm, raw in self._conn.execute(
                f"SELECT norm, payload FROM keys WHERE norm IN ({marks})", chunk
            ):
                self._found[norm] = decode_payload(raw)
        return {(start, norm) for norm in self._found for start in candidates[norm]}

    def _payload(self, norm: str) -> Payload | None:
        found = self._found.get(norm)
        if found is not None:
            return found
        row = self._conn.execute("SELECT payload FROM keys WHERE norm = ?", (norm,)).fetchone()
        return decode_payload(row[0]) if row else None

    def __len__(self) -> int:
        return 1
