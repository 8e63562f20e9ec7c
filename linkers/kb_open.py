"""Opening a file as a knowledge base: create it, or check that it is one of this schema.

Why apart from `KnowledgeBase`: what goes wrong here is the user's file, not a query,
and every refusal must say what the file is and how to get a right one (a directory,
a missing path, a Wikidata dump given where the KB belongs, another program's SQLite
database, a KB of an older schema). Our tables are never written into a file that
is not empty.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from nieuwsstroom.linkers.errors import KnowledgeBaseError
from nieuwsstroom.linkers.kb_schema import SCHEMA_VERSION, create_tables

_MAGIC = (
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip file (a Wikidata dump? `nieuwsstroom kb build --from-dump` reads it)"),
    (b"BZh", "a bzip2 file (a Wikidata dump? `nieuwsstroom kb build --from-dump` reads it)"),
)


def _describe(path: Path) -> str:
    """What a file that is not our knowledge base is, in a few words, for the error."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if not head:
        return "an empty file"
    if head.startswith(b"SQLite format 3\x00"):
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                rows = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                ).fetchall()
        except sqlite3.DatabaseError:
            return "a damaged SQLite database"
        tables = [row[0] for row in rows]
        shown = ", ".join(tables[:8]) + (", ..." if len(tables) > 8 else "")
        return f"the SQLite database of another program (tables: {shown or 'none'})"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "a binary file, not SQLite"
    return "a text file, not SQLite"


def open_kb_file(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """A connection to the knowledge base at `path` (shareable between threads), created
    if `create` and the file is missing or empty; `KnowledgeBaseError` saying what to do
    if it is not a knowledge base of this schema."""
    if not create and not path.is_file():
        if path.is_dir():
            problem, target = "is a directory: give the .sqlite file in it, or", "kb.sqlite"
            target = str(path / target)
        else:
            problem, target = "does not exist:", str(path)
        raise KnowledgeBaseError(
            f"knowledge base {path} {problem} build one with "
            f"`nieuwsstroom kb build --seed --out {target}`"
        )
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fresh = not path.is_file() or path.stat().st_size == 0
        conn = sqlite3.connect(str(path), check_same_thread=False)
        if create and fresh:  # never add our tables to another program's file
            create_tables(conn)
        version = dict(conn.execute("SELECT key, value FROM meta").fetchall()).get("schema_version")
        if version is None:  # another program's table called meta
            raise sqlite3.DatabaseError("no schema_version in meta")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise KnowledgeBaseError(
            f"{path} is not a nieuwsstroom knowledge base: it is {_describe(path)}. "
            f"Build one with `nieuwsstroom kb build --seed --out FILE` and point --kb or "
            f"NIEUWSSTROOM_KB_PATH at it"
        ) from exc
    if version != SCHEMA_VERSION:
        conn.close()
        raise KnowledgeBaseError(
            f"knowledge base {path} has schema {version!r}, this nieuwsstroom reads "
            f"{SCHEMA_VERSION!r}: rebuild it (`nieuwsstroom kb build --seed --out "
            f"{path}`, plus --from-dump for a dump-built one)"
        )
    return conn
