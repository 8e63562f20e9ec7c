"""Where is a source span in the tokens, and where did it land in the output?

Subword tokens and characters: a constraint is a character span of the source,
the model sees tokens, and CTranslate2's attention (`return_attention=True`)
is a (target token x source token) matrix. These pure functions translate
between the three, for any tokenizer (SentencePiece or BPE): a text's token
boundaries are found by encoding its prefixes, an output's by decoding its
token prefixes, so nothing here depends on how a tokenizer marks spaces.

The attention CTranslate2 returns is one head of one decoder layer (the one
the converter marked for alignment; Argos uses the same one for
`replace_unknowns`). It is a rough alignment, which is why the callers check
every result against the constraint and keep a fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def source_token_span(
    encode: Callable[[str], list[str]], text: str, tokens: Sequence[str], start: int, end: int
) -> tuple[int, int]:
    """Token indices [i, j) of `text[start:end]`, where `tokens == encode(text)`.

    A boundary at character b maps to the number of tokens of `text[:b]` when
    those are a prefix of `tokens` (always so at word boundaries); otherwise to
    the longest common prefix, which is where the tokenizations part.
    """

    def boundary(b: int) -> int:
        prefix = encode(text[:b]) if text[:b].strip() else []
        n = 0
        for a, t in zip(prefix, tokens, strict=False):
            if a != t:
                break
            n += 1
        return n

    i = min(boundary(start), len(tokens))
    j = max(min(boundary(end), len(tokens)), i + 1 if i < len(tokens) else i)
    return i, j


def token_char_offsets(decode: Callable[[list[str]], str], tokens: Sequence[str]) -> list[int]:
    """`offsets[k]` = length of the decoded text before token k (`len(tokens) + 1` entries).

    Found by decoding prefixes; where a prefix does not decode to a prefix of
    the whole text (a detokenizer that looks ahead), the previous offset is
    kept, so offsets never decrease and never pass the text's end.
    """
    full = decode(list(tokens))
    offsets = [0]
    for k in range(1, len(tokens) + 1):
        part = decode(list(tokens[:k])) if k < len(tokens) else full
        if full.startswith(part):
            offsets.append(max(offsets[-1], len(part)))
        else:
            offsets.append(offsets[-1])
    return offsets


def aligned_target_tokens(
    attention: Sequence[Sequence[float]], src_start: int, src_end: int, min_mass: float = 0.3
) -> tuple[int, int] | None:
    """Target token indices [i, j) aligned to source tokens [src_start, src_end), or None.

    A target token is aligned when its strongest attention falls inside the
    span. The answer is the longest contiguous run of aligned tokens (ties:
    the run with more attention mass on the span). When no token's strongest
    attention is in the span, the single token with the most mass on the span
    is taken if that mass is at least `min_mass`.
    """
    if src_start >= src_end or not attention:
        return None
    aligned: list[bool] = []
    mass: list[float] = []
    for row in attention:
        if not row:
            aligned.append(False)
            mass.append(0.0)
            continue
        best = max(range(len(row)), key=row.__getitem__)
        aligned.append(src_start <= best < src_end)
        mass.append(sum(row[src_start:src_end]))
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(aligned):
        if aligned[k]:
            s = k
            while k < len(aligned) and aligned[k]:
                k += 1
            runs.append((s, k))
        else:
            k += 1
    if runs:
        return max(runs, key=lambda r: (r[1] - r[0], sum(mass[r[0] : r[1]])))
    best_t = max(range(len(mass)), key=mass.__getitem__)
    return (best_t, best_t + 1) if mass[best_t] >= min_mass else None


def word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words of `text`; spaces and punctuation at its ends stay out.

    A name replaces words, never the period or comma the model put after them.
    """
    while start < end and not _in_word(text[start]):
        start += 1
    while end > start and not _in_word(text[end - 1]):
        end -= 1
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start, end


def _in_word(ch: str) -> bool:
    return ch.isalnum()


def match_by_attention(
    token_spans: dict[int, tuple[int, int]],
    found: list[tuple[int, int]],
    attention: Sequence[Sequence[float]],
    offsets: list[int],
) -> list[tuple[int, tuple[int, int]]]:
    """Pair constraints (key -> source token span) with occurrences (character spans of
    the output) by mean attention mass, best pairs first, one to one."""
    scores: list[tuple[float, int, int]] = []
    for k, (s0, s1) in token_spans.items():
        for n, (start, end) in enumerate(found):
            rows = [
                attention[t]
                for t in range(min(len(offsets) - 1, len(attention)))
                if offsets[t] < end and offsets[t + 1] > start
            ]
            mass = sum(sum(r[s0:s1]) for r in rows) / max(len(rows), 1)
            scores.append((mass, k, n))
    pairs: list[tuple[int, tuple[int, int]]] = []
    used_k: set[int] = set()
    used_n: set[int] = set()
    for _, k, n in sorted(scores, key=lambda x: (-x[0], x[1], x[2])):
        if k not in used_k and n not in used_n:
            pairs.append((k, found[n]))
            used_k.add(k)
            used_n.add(n)
    return pairs
