"""Mention finding on the Dutch source: knowledge-base aliases plus unknown names.

Two passes over each field, each in a module of its own:

1. `alias_matcher.AliasMatcher`: where the text names an alias of the knowledge
   base (word boundaries, case rules, Dutch possessives, ordinary words kept out).
2. `unknown_names.UnknownNameFinder`: runs of capitalised words no alias covers,
   reported as unlinked names; it may swallow an alias span that is part of a
   longer unknown name ("Vladimir Medinsky" is not the city Vladimir), or mark it
   as part of a longer name that its candidates must fit (`Span.run`, decided by
   `name_runs.resolve_runs` once the candidates are known).

The result is one sorted list of `Span`s per field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from nieuwsstroom.linkers.alias_index import AliasIndex
from nieuwsstroom.linkers.alias_matcher import AliasMatcher
from nieuwsstroom.linkers.kb_records import AliasRecord
from nieuwsstroom.linkers.normalize import fold
from nieuwsstroom.linkers.spans import Span
from nieuwsstroom.linkers.unknown_names import UnknownNameFinder

__all__ = ["MentionFinder", "Span"]


class MentionFinder:
    """Finds alias spans and unknown-name spans; built once per knowledge base."""

    def __init__(
        self,
        aliases: Iterable[tuple[AliasRecord, str]],
        common_words: frozenset[str],
        *,
        indexes: Sequence[AliasIndex] = (),
    ):
        """`aliases` are indexed in RAM; `indexes` are prebuilt (see `AliasMatcher`)."""
        self.common_words = common_words
        self.aliases = AliasMatcher(aliases, common_words, indexes=indexes)
        self.names = UnknownNameFinder(common_words, self.aliases.types_of)

    def find(self, field: str, text: str) -> list[Span]:
        """All spans in one field, sorted by start; alias spans first on ties."""
        alias_spans = self.aliases.find(field, text, fold(text))
        names, swallowed, contested = self.names.find(field, text, alias_spans)
        kept = [
            s if i not in contested else replace(s, run=contested[i])
            for i, s in enumerate(alias_spans)
            if i not in swallowed
        ]
        return sorted(kept + names, key=lambda s: (s.start, s.kind != "kb"))
