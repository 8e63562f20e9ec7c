"""How the stream (and the CLI) get a ready linker: `build_linker(kb_path, threshold)`."""

from __future__ import annotations

from pathlib import Path

from nieuwsstroom.linkers.alias_index import MappedAliasIndex
from nieuwsstroom.linkers.candidates import KBCandidates
from nieuwsstroom.linkers.context import ContextReader
from nieuwsstroom.linkers.disambiguate import DEFAULT_THRESHOLD, ContextDisambiguator
from nieuwsstroom.linkers.kb_files import open_index
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.mentions import MentionFinder
from nieuwsstroom.linkers.seed import load_common_words
from nieuwsstroom.linkers.wikidata_linker import WikidataLinker


def mention_finder(
    kb: KnowledgeBase, common_words: frozenset[str], index: MappedAliasIndex | None, max_id: int
) -> MentionFinder:
    """The KB's mapped alias index plus, in RAM, the aliases added after it was written."""
    return MentionFinder(
        kb.iter_alias_types(after_id=max_id),
        common_words,
        indexes=[index] if index is not None else [],
    )


def build_linker(kb_path: Path, threshold: float = DEFAULT_THRESHOLD) -> WikidataLinker:
    """Open the KB at `kb_path` and map its alias index: O(1) in the size of the KB.

    Raises `KnowledgeBaseError` if the file is missing or not a nieuwsstroom KB,
    and `ValueError` if `threshold` is outside [0, 1].
    """
    kb = KnowledgeBase(Path(kb_path))
    words = load_common_words()
    index, max_id = open_index(kb)

    def finder_for(current: KnowledgeBase) -> MentionFinder:
        return mention_finder(current, words, index, max_id)

    return WikidataLinker(
        kb,
        finder_for(kb),
        KBCandidates(kb),
        ContextDisambiguator(threshold=threshold, reader=ContextReader(common_words=words)),
        finder_factory=finder_for,
    )
