"""The token-level view of a translation model that the constrained decoder works with.

`ArgosTranslator` implements `TokenModel` (encode, decode, one batched
CTranslate2 call with Argos's options); the decoder never touches CTranslate2
itself, so it can be tested and measured on any model that offers these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nieuwsstroom.translators.term_sources import TagFormat


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """Target tokens (package prefix removed) and their attention over the source tokens."""

    tokens: list[str]
    attention: list[list[float]]


class TokenModel(Protocol):
    """What the constrained decoder needs from a model (`ArgosTranslator` provides it)."""

    def encode(self, text: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...

    def generate(
        self,
        sources: list[list[str]],
        prefixes: list[list[str]] | None = None,
        *,
        num_hypotheses: int = 1,
        suppress: list[list[str]] | None = None,
    ) -> list[list[Hypothesis]]: ...


def without_tags(hyp: Hypothesis, tags: TagFormat) -> Hypothesis:
    """`hyp` without tag symbols a half-trained model echoed (and the bare space before each)."""
    symbols = {tags.source, tags.target, tags.done}
    drop: set[int] = set()
    for t, token in enumerate(hyp.tokens):
        if token.lstrip("▁") in symbols:
            drop.add(t)
            if t > 0 and hyp.tokens[t - 1] == "▁":
                drop.add(t - 1)
    if not drop:
        return hyp
    keep = [t for t in range(len(hyp.tokens)) if t not in drop]
    rows = [hyp.attention[t] for t in keep if t < len(hyp.attention)]
    return Hypothesis([hyp.tokens[t] for t in keep], rows)
