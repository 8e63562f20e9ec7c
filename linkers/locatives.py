""" "Odessa in Texas": a place said to lie in another place the article names.

Why: the article's countries are weak evidence when two namesakes are both
prominent (Odesa in Ukraine, Odessa in Texas), but Dutch news often says where
a less known place is, right after it: "Odessa in Texas", "Bergen in
Noorwegen" (not a comma: "Frankrijk, Duitsland en België" is a list). `located_in`
reads those: for each alias, the
countries of the places it is said to lie in, once the first pass has linked
those places with confidence. A place candidate in another country is then not
meant (`link_score.veto`); people and companies are not placed this way ("Biden
in Texas" is a visit).
"""

from __future__ import annotations

from collections.abc import Callable

from nieuwsstroom.linkers.spans import Span

#: What stands between a place and the place it lies in.
_LOCATIVE_GAPS = frozenset({"in"})


def located_in(
    groups: dict[str, list[Span]],
    texts: dict[str, str],
    country_of_place: Callable[[str], str | None],
) -> dict[str, frozenset[str]]:
    """Alias -> countries of the places it is said to lie in.

    `country_of_place(alias)` is the country of the place the alias was linked to
    with confidence, or None (not linked, not sure, not a place).
    """
    spans = sorted((s for g in groups.values() for s in g), key=lambda s: (s.field, s.start))
    found: dict[str, set[str]] = {}
    for a, b in zip(spans, spans[1:], strict=False):
        if a.field != b.field or a.alias_norm == b.alias_norm:
            continue
        if " ".join(texts[a.field][a.end : b.start].split()) not in _LOCATIVE_GAPS:
            continue
        country = country_of_place(b.alias_norm)
        if country is not None:
            found.setdefault(a.alias_norm, set()).add(country)
    return {norm: frozenset(countries) for norm, countries in found.items()}
