"""Errors raised by the linkers package.

One root, `LinkerError`, so the stream layer can catch everything the linker
raises with one clause and dead-letter the article with the message. The
stream package has its own `NieuwsstroomError`; linkers must not import
stream, so this root derives from `Exception` and the stream side wraps it.
Messages carry the offending values (spaCy style).
"""

from __future__ import annotations


class LinkerError(Exception):
    """Root of every error raised by `linkers`."""


class KnowledgeBaseError(LinkerError):
    """The SQLite knowledge base is missing, unreadable or of the wrong schema."""


class DumpFormatError(LinkerError):
    """A Wikidata JSON dump line could not be parsed as an entity."""


class WikidataOnlineError(LinkerError):
    """An online Wikidata request failed or returned something unexpected."""
