"""Offsets of linked entities in the English translation.

The translation is produced sentence by sentence by a model, so Dutch offsets
do not carry over. Instead, where `title_en`/`body_en` contain one of the
entity's names (English label and aliases first, then Dutch ones, which
translations often keep: "Kyiv"), that span is reported. Matching is on the
folded text with word boundaries and a capital first letter, leftmost-longest
across all entities of the article, so "Vladimir Putin" is one mention, not two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from nieuwsstroom.linkers.base import Document, Mention
from nieuwsstroom.linkers.normalize import fold, normalize_alias


def find_english_mentions(
    names_by_qid: Mapping[str, Sequence[str]], doc: Document
) -> dict[str, list[Mention]]:
    """English mentions per QID; entities not found in the translation are absent."""
    out: dict[str, list[Mention]] = {}
    fields = (("title_en", doc.title_en), ("body_en", doc.body_en))
    patterns = {
        qid: re.compile(
            r"(?<![\w])(?:"
            + "|".join(
                re.escape(n)
                for n in sorted({normalize_alias(x) for x in names if x}, key=len, reverse=True)
            )
            + r")(?![\w])"
        )
        for qid, names in names_by_qid.items()
        if any(names)
    }
    for field, text in fields:
        if not text:
            continue
        folded = fold(text)
        hits: list[tuple[int, int, str]] = []
        for qid, pattern in patterns.items():
            for m in pattern.finditer(folded):
                if text[m.start()].isupper():
                    hits.append((m.start(), m.end(), qid))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
        last_end = -1
        for start, end, qid in hits:
            if start >= last_end:
                out.setdefault(qid, []).append(Mention(field, start, end, text[start:end]))
                last_end = end
    return out
