"""Ordinary Dutch words: those that running Dutch text writes in lower case.

Why: a knowledge base the size of Wikidata has items named like almost every
word ("Huis", "Haar", "Ruim", "Storm", "Beer", "Loon"). Dutch capitalises an
ordinary word at a sentence start and inside longer names ("de Zilveren Beer"),
so such an alias needs more evidence before it names an obscure item than a
word that is only ever a name ("Zwolle"). `nl_common_words.txt` keeps the
commonest words out of the alias index altogether; this larger list only says
"this is also a word", and the link score weighs it by how obscure the
candidate is (`link_score.features`, `ordinary_word`).

The list is derived, not written: every word seen in lower case in the Dutch
side of the Tatoeba sentences (`python -m nieuwsstroom.linkers.ordinary_words
--tatoeba PATH`, see `data/nl_lowercase_words.txt` for the source and licence).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from nieuwsstroom.linkers.normalize import fold

WORDS_FILE = Path(__file__).parent / "data" / "nl_lowercase_words.txt"
_WORD = re.compile(r"[^\W\d_]+")
_HEADER = """# Dutch words seen in lower case in running text (one per line, folded): every word of
# two or more letters written in lower case in the Dutch sentences of Tatoeba.
# Sentences from Tatoeba, tatoeba.org, CC BY 2.0 FR (via the Helsinki-NLP/OPUS-MT-testsets
# tatoeba eng-nld test sets). Written by `python -m nieuwsstroom.linkers.ordinary_words`.
"""


def lowercase_words(sentences: Iterable[str]) -> Counter[str]:
    """How often each word (two letters or more) is written in lower case."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(w for w in _WORD.findall(sentence) if len(w) >= 2 and w.islower())
    return counts


def load_ordinary_words(path: Path = WORDS_FILE) -> frozenset[str]:
    """The folded words of `path` (comment lines start with '#')."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(ln.strip()) for ln in lines if ln.strip() and not ln.startswith("#"))


@lru_cache(maxsize=1)
def default_ordinary_words() -> frozenset[str]:
    return load_ordinary_words()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tatoeba", type=Path, required=True, help="Dutch<TAB>English TSV")
    parser.add_argument("--out", type=Path, default=WORDS_FILE)
    args = parser.parse_args()
    dutch = (line.split("\t", 1)[0] for line in args.tatoeba.read_text("utf-8").splitlines())
    words = sorted({fold(w) for w in lowercase_words(dutch)})
    args.out.write_text(_HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {args.out}")


if __name__ == "__main__":
    main()
