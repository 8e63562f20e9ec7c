"""A knowledge base on disk: its files, a new version swapped in atomically, its alias index.

`PATH` (what NIEUWSSTROOM_KB_PATH and `--kb`/`--out` name) is a symbolic link to
the current version's SQLite file `PATH.<build_id>.db`; beside it lie that
version's alias index files `PATH.<build_id>.aliases.{keys,payload}.marisa`
(`alias_index.py`). A build writes a complete new version under new names, then
replaces the link with one rename(2):

- a process that opened the old version keeps reading it (open files and
  memory maps outlive the unlink), one that opens PATH afterwards sees only the
  new version, and nobody sees a mix of the two;
- why a link rather than renaming the SQLite file over PATH: SQLite names its
  `-wal`/`-shm` files after the database path, so a WAL-mode file (the name
  learner writes in WAL mode) replaced under a running writer would meet the old
  version's write-ahead log. Each version has a name, and so a log, of its own.

The current and the previous version are kept; older ones are deleted.

A plain file at PATH (a copy, a test KB, an older layout) also works: its
index is found through `meta.alias_index` beside the file; when it is missing,
the matcher indexes the aliases in RAM and logs how to restore the fast path.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from nieuwsstroom.linkers.alias_index import MappedAliasIndex, index_paths, write_alias_index
from nieuwsstroom.linkers.dump_index import IndexTarget
from nieuwsstroom.linkers.errors import KnowledgeBaseError
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

log = logging.getLogger(__name__)

_DB_SUFFIX = ".db"
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
KEEP_VERSIONS = 2


def new_build_id() -> str:
    """Sortable and unique: UTC time of the build (to the microsecond) plus random bits."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}-{now.microsecond:06d}{secrets.token_hex(2)}"


def version_db(target: Path, build_id: str) -> Path:
    return target.parent / f"{target.name}.{build_id}{_DB_SUFFIX}"


def _index_base(db_path: Path, build_id: str) -> Path:
    """Beside the SQLite file, named after the KB's file name and the index's build id."""
    stem = db_path.name.removesuffix(_DB_SUFFIX)
    if stem.endswith(f".{build_id}"):
        stem = stem.removesuffix(f".{build_id}")
    return db_path.parent / f"{stem}.{build_id}.aliases"


def write_index(kb: KnowledgeBase, build_id: str, common_words: frozenset[str]) -> Path:
    """Write the alias index of every alias in `kb`, record it in `meta`, and delete the
    index it replaces (a worker that mapped the old files keeps reading them)."""
    real = Path(os.path.realpath(kb.path))
    previous = kb.meta().get("alias_index")
    base = _index_base(real, build_id)
    max_id = kb.max_alias_id()
    keys = write_alias_index(kb.alias_index_rows(max_id), base, build_id, skip=common_words)
    record_index(kb, base, build_id, keys)
    if previous and previous != base.name:
        for path in index_paths(real.parent / previous):
            path.unlink(missing_ok=True)
    return base


def record_index(kb: KnowledgeBase, base: Path, build_id: str, keys: int) -> None:
    """Name the index files at `base` in `meta` as the index of every alias `kb` holds."""
    kb.set_meta(
        {
            "alias_index": base.name,
            "alias_index_build_id": build_id,
            "alias_index_max_id": str(kb.max_alias_id()),
            "alias_index_keys": str(keys),
        }
    )


def index_is_current(kb: KnowledgeBase, build_id: str) -> bool:
    """Whether `kb`'s recorded alias index is this build's and covers every alias."""
    meta = kb.meta()
    return meta.get("alias_index_build_id") == build_id and meta.get("alias_index_max_id") == str(
        kb.max_alias_id()
    )


def open_index(kb: KnowledgeBase) -> tuple[MappedAliasIndex | None, int]:
    """The KB's memory-mapped alias index and the last alias id it holds (None, 0 if absent)."""
    meta = kb.meta()
    name = meta.get("alias_index")
    if not name:
        return None, 0
    base = Path(os.path.realpath(kb.path)).parent / name
    if not index_paths(base)[0].is_file():
        log.warning(
            "Alias index %s of %s is missing; indexing all aliases in RAM (start-up and memory "
            "grow with the KB). Restore the fast path with `nieuwsstroom kb index --kb %s`",
            base,
            kb.path,
            kb.path,
        )
        return None, 0
    index = MappedAliasIndex(base)
    if index.build_id != meta.get("alias_index_build_id"):
        raise KnowledgeBaseError(
            f"Alias index {base} (build {index.build_id}) does not belong to {kb.path} (build "
            f"{meta.get('alias_index_build_id')}); rebuild it with "
            f"`nieuwsstroom kb index --kb {kb.path}`"
        )
    return index, int(meta.get("alias_index_max_id", "0"))


def _swap_link(target: Path, db_path: Path) -> None:
    """Point `target` at `db_path` with one rename (atomic on POSIX)."""
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.link"
    os.symlink(db_path.name, tmp)
    try:
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _version_files(db_path: Path) -> list[Path]:
    files = [db_path, *(Path(f"{db_path}{s}") for s in _SIDE_SUFFIXES)]
    build_id = db_path.name.removesuffix(_DB_SUFFIX).rsplit(".", 1)[-1]
    files += index_paths(_index_base(db_path, build_id))
    return files


def prune_versions(target: Path, keep: int = KEEP_VERSIONS) -> list[Path]:
    """Delete versions of `target` but the `keep` newest (the current one always stays)."""
    current = Path(os.path.realpath(target))
    versions = sorted(
        target.parent.glob(f"{target.name}.*{_DB_SUFFIX}"),
        key=lambda p: p.name,
        reverse=True,
    )
    removed = []
    for db_path in [v for v in versions if v != current][max(0, keep - 1) :]:
        for path in _version_files(db_path):
            with suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


@contextmanager
def new_version(target: Path, *, build_id: str | None = None) -> Iterator[KbVersion]:
    """A new, empty version of the KB at `target`; swapped in when `commit` is called.

    Left without `commit` (an exception, a Ctrl-C), its files are deleted and
    `target` is untouched.
    """
    version = KbVersion(Path(target), build_id or new_build_id())
    try:
        yield version
    finally:
        version.discard()


class KbVersion:
    """One version being built (see `new_version`)."""

    def __init__(self, target: Path, build_id: str) -> None:
        self.target = target
        self.build_id = build_id
        self.db_path = version_db(target, build_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and not target.is_symlink() and not target.is_file():
            raise KnowledgeBaseError(f"Cannot write a knowledge base at {target}: not a file")
        self.kb = KnowledgeBase(self.db_path, create=True)
        self._committed = False

    def bulk_mode(self) -> None:
        """Fast writes for a file nobody reads yet: a crash discards it anyway."""
        self.kb.set_pragmas({"journal_mode": "OFF", "synchronous": "OFF"})

    def index_target(self, common_words: frozenset[str]) -> IndexTarget:
        """Where this version's alias index goes, for a writer other than `commit`
        (`dump_import` writes it while it merges; then `record_index`)."""
        return IndexTarget(_index_base(self.db_path, self.build_id), self.build_id, common_words)

    def record_index(self, target: IndexTarget, keys: int) -> None:
        record_index(self.kb, target.base, target.build_id, keys)

    def commit(self, source: str, common_words: frozenset[str]) -> Path:
        """Finish the version (meta, alias index unless one covering every alias was
        written for it already), make it durable, and swap it in."""
        self.kb.set_pragmas({"journal_mode": "DELETE", "synchronous": "FULL"})
        self.kb.finish_build(source, self.build_id)
        if not index_is_current(self.kb, self.build_id):
            write_index(self.kb, self.build_id, common_words)
        self.kb.optimize()
        self.kb.close()
        for path in _version_files(self.db_path):
            if path.is_file():
                with path.open("rb") as fh:
                    os.fsync(fh.fileno())
        _swap_link(self.target, self.db_path)
        self._committed = True
        prune_versions(self.target)
        return self.target

    def discard(self) -> None:
        if self._committed:
            return
        with suppress(Exception):
            self.kb.close()
        for path in _version_files(self.db_path):
            path.unlink(missing_ok=True)
