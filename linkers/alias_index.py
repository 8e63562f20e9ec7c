"""The alias index: every normalised alias of the knowledge base, ready for prefix search.

Why a file and not an automaton built at start-up: a Wikidata-scale knowledge
base has millions of aliases, and building an Aho-Corasick automaton over all of
them costs every worker seconds of start-up and hundreds of megabytes, per
process. `kb build` writes the index once as two MARISA tries (marisa-trie, a
compact static trie library) beside the SQLite file, and every worker
memory-maps them: opening is O(1), pages are read on demand and shared by all
processes through the page cache.

- `<base>.keys.marisa`: the normalised aliases (`normalize.normalize_alias`);
  the matcher asks it for every key that is a prefix of the text at a word start.
  One extra key, starting with NUL so no text ever reaches it, holds the
  index's metadata (build id, key count, longest key, characters other than
  letters and digits that keys start with).
- `<base>.payload.marisa`: per key, the case rule of each word
  (`alias_case_rule`) and the entity types under that key.

`MemoryAliasIndex` is the same interface over a few aliases held in RAM: what
the online name learner added after the build, or a small test knowledge base.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Protocol

import marisa_trie

from nieuwsstroom.linkers.errors import KnowledgeBaseError
from nieuwsstroom.linkers.normalize import is_acronym
from nieuwsstroom.linkers.spans import SUBTOKEN

# Per-word case constraint of an alias: '-' none, 'U' capital first letter,
# 'a' acronym (all capitals or title case), 'A' short acronym (all capitals).
LENIENCY = {"-": 0, "U": 1, "a": 2, "A": 3}
_META_KEY = "\x00index-meta"
_TYPE_SEP = b"|"
_ALNUM_START = re.compile(r"[^\W_]")

Payload = tuple[str, frozenset[str]]
"""(case rule, one letter per word; entity types under the key)."""


def _word_rule(word: str) -> str:
    """`normalize.is_acronym`/`is_capitalised` on one word (letters and digits only), fast:
    a word that is not `isupper()` has a lower-case or no cased letter, so no acronym."""
    if word.isupper() and (
        is_acronym(word)
        if not word.isascii()
        else word[0].isalpha() and sum(c.isalpha() for c in word) >= 2
    ):
        return "A" if len(word) <= 3 else "a"
    return "U" if word[:1].isupper() else "-"


def alias_case_rule(alias: str) -> str:
    """The case constraint per word of `alias` (one letter per word, see LENIENCY)."""
    return "".join(_word_rule(w) for w in SUBTOKEN.findall(alias))


def merge_rule(old: str | None, rule: str) -> str:
    """Several spellings of one key: the more lenient rule per word (a later one of
    another word count replaces the earlier, as the automaton did)."""
    if old is None or old == rule or len(old) != len(rule):
        return rule
    return "".join(min(a, b, key=LENIENCY.__getitem__) for a, b in zip(old, rule, strict=True))


def encode_payload(rule: str, types: Iterable[str]) -> bytes:
    return rule.encode("ascii") + _TYPE_SEP + ",".join(sorted(types)).encode("utf-8")


def decode_payload(raw: bytes) -> Payload:
    rule, _sep, types = raw.partition(_TYPE_SEP)
    return rule.decode("ascii"), frozenset(types.decode("utf-8").split(",")) - {""}


class AliasIndex(Protocol):
    """What the matcher needs from an index (mapped file or in memory)."""

    max_key_len: int
    special_starts: str
    """Characters other than letters/digits that some key starts with ("'s-Hertogenbosch")."""

    def prefixes(self, text: str) -> list[str]:
        """Keys that are prefixes of `text`."""

    def payload(self, key: str) -> Payload | None: ...

    def __len__(self) -> int: ...


def aggregate(rows: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, bytes]]:
    """(alias_norm, case rule, entity type) rows GROUPED by alias_norm -> (key, payload)."""
    key: str | None = None
    rule: str | None = None
    types: set[str] = set()
    for norm, alias_rule, etype in rows:
        if not norm:
            continue
        if norm != key:
            if key is not None and rule is not None:
                yield key, encode_payload(rule, types)
            key, rule, types = norm, None, set()
        rule = merge_rule(rule, alias_rule)
        types.add(etype)
    if key is not None and rule is not None:
        yield key, encode_payload(rule, types)


class _KeyStats:
    """Longest key and the non-alphanumeric first characters, gathered while streaming."""

    def __init__(self) -> None:
        self.max_key_len = 0
        self.starts: set[str] = set()
        self._seen_first: set[str] = set()  # first characters looked at already

    def see(self, key: str) -> None:
        if len(key) > self.max_key_len:
            self.max_key_len = len(key)
        first = key[:1]
        if first not in self._seen_first:  # a few hundred distinct first characters
            self._seen_first.add(first)
            if not _ALNUM_START.match(first):
                self.starts.add(first)

    @property
    def special_starts(self) -> str:
        return "".join(sorted(self.starts))


def index_paths(base: Path) -> tuple[Path, Path]:
    """The two files of the index whose base name is `base`."""
    return Path(f"{base}.keys.marisa"), Path(f"{base}.payload.marisa")


def write_alias_index(
    rows: Iterable[tuple[str, str, str]], base: Path, build_id: str, *, skip: frozenset[str]
) -> int:
    """Write the index files for `rows` (grouped by key) and return the number of keys.

    Keys in `skip` are left out (single ordinary Dutch words, which the matcher
    rejects anyway; keeping them out saves a lookup at almost every word).
    Memory: the tries' own key sets, not Python objects per alias.
    """
    return write_alias_payloads(aggregate(rows), base, build_id, skip=skip)


def write_alias_payloads(
    payloads_by_key: Iterable[tuple[str, bytes]],
    base: Path,
    build_id: str,
    *,
    skip: frozenset[str],
) -> int:
    """`write_alias_index` for (key, payload) pairs already aggregated (`aggregate`)."""
    keys_path, payload_path = index_paths(base)
    stats = _KeyStats()

    def kept() -> Iterator[tuple[str, bytes]]:
        for key, raw in payloads_by_key:
            if key in skip and " " not in key:
                continue
            stats.see(key)
            yield key, raw

    payloads = marisa_trie.BytesTrie(kept())
    meta = {
        "build_id": build_id,
        "keys": len(payloads),
        "max_key_len": stats.max_key_len,
        "special_starts": stats.special_starts,
    }
    # The meta key starts with NUL: no text position the matcher searches starts so.
    keys = marisa_trie.Trie(chain(payloads.iterkeys(), [_META_KEY + json.dumps(meta)]))
    keys.save(str(keys_path))
    payloads.save(str(payload_path))
    return len(payloads)


class MappedAliasIndex:
    """The index files, memory-mapped (O(1) to open, shared through the page cache)."""

    def __init__(self, base: Path) -> None:
        keys_path, payload_path = index_paths(base)
        self.keys_path = keys_path
        try:
            self._keys = marisa_trie.Trie()
            self._keys.mmap(str(keys_path))
            self._payloads = marisa_trie.BytesTrie()
            self._payloads.mmap(str(payload_path))
            [meta_key] = self._keys.keys(_META_KEY)
            meta = json.loads(meta_key[len(_META_KEY) :])
        except (OSError, KeyError, ValueError) as exc:
            raise KnowledgeBaseError(
                f"Alias index {keys_path} is unreadable ({exc}); rebuild it with "
                f"`nieuwsstroom kb index --kb KB_PATH`"
            ) from exc
        self.build_id = str(meta["build_id"])
        self.max_key_len = int(meta["max_key_len"])
        self.special_starts = str(meta["special_starts"])
        self._size = int(meta["keys"])
        self._prefixes = self._keys.prefixes
        self._get = self._payloads.get

    def prefixes(self, text: str) -> list[str]:
        return self._prefixes(text)

    def payload(self, key: str) -> Payload | None:
        raw = self._get(key)
        return decode_payload(raw[0]) if raw else None

    def __len__(self) -> int:
        return self._size


class MemoryAliasIndex:
    """The same interface over aliases held in RAM (learned aliases, tiny test KBs)."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """`rows`: (alias_norm, alias, entity type) in any order (grouped here)."""
        grouped: dict[str, list[tuple[str, str, str]]] = {}
        for norm, alias, etype in rows:
            grouped.setdefault(norm, []).append((norm, alias_case_rule(alias), etype))
        self._payloads = {
            key: decode_payload(raw)
            for key, raw in aggregate(r for rs in grouped.values() for r in rs)
        }
        self._keys = marisa_trie.Trie(self._payloads)
        stats = _KeyStats()
        for key in self._payloads:
            stats.see(key)
        self.max_key_len = stats.max_key_len
        self.special_starts = stats.special_starts

    def prefixes(self, text: str) -> list[str]:
        return self._keys.prefixes(text)

    def payload(self, key: str) -> Payload | None:
        return self._payloads.get(key)

    def __len__(self) -> int:
        return len(self._payloads)
