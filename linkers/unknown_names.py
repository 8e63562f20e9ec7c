"""Pass 2 of mention finding: names the knowledge base does not know.

Runs of capitalised words and acronyms that no alias covers go to the linker
as unlinked spans, so ops can see what the knowledge base lacks. Skipped: a
single capitalised word at the start of a sentence or line (Dutch capitalises
ordinary words there), ordinary words from `data/nl_common_words.txt`, and
adjectives/demonyms ("Russische", "Oekraïense", "Turkse", "Russen"): they
describe a people or origin, not the country, so they are neither linked nor
reported. A place alias embedded in a longer unknown name ("Vladimir
Medinsky") gives way to the name: the city Vladimir is not meant there; a
person's alias inside a longer run ("Vladimir Vladimirovitsj Poetin") keeps it.
The word lists live in `cue_words.py`, what a single word says (a lead word, an
acronym, a type hint, a given name) in `name_words.py`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter

from nieuwsstroom.linkers.cue_words import ADJECTIVE_SUFFIXES, CONNECTORS, ROMAN_NUMERALS
from nieuwsstroom.linkers.name_words import (
    default_given_names,
    is_acronym,
    is_lead_word,
    norm_word,
    type_hint,
)
from nieuwsstroom.linkers.normalize import fold, is_capitalised
from nieuwsstroom.linkers.spans import TOKEN, Span, sentence_initial

#: Particles of Romance names that join two capitalised words into one name
#: ("Tour de France", "Côte d'Azur"): a place alias after them is part of that name.
_ROMANCE_PARTICLES = frozenset({"de", "du", "des", "la", "le", "del", "della", "di", "da"})
#: Particles of English names ("Bank of America", "Institute for the Study of War"); all
#: but "of" (Dutch "or") show that the name is English.
ENGLISH_PARTICLES = frozenset({"of", "for", "the", "and", "on"})
_ENGLISH_ONLY = ENGLISH_PARTICLES - {"of"}


_token_end = itemgetter(1)


class UnknownNameFinder:
    """Finds names outside the knowledge base, around the alias spans pass 1 found."""

    def __init__(
        self,
        common_words: frozenset[str],
        types_of: Callable[[str], frozenset[str]],
        given_names: frozenset[str] | None = None,
    ) -> None:
        self.common_words = common_words
        self.given_names = default_given_names() if given_names is None else given_names
        self._types_of = types_of
        """Entity types the knowledge base has under a normalised alias."""

    def _is_ordinary(self, word: str) -> bool:
        low = norm_word(word)
        if low in self.common_words:
            return True
        last = low.split()[-1]
        return last.endswith(ADJECTIVE_SUFFIXES) and not is_acronym(word)

    def find(
        self, field: str, text: str, covered: list[Span]
    ) -> tuple[list[Span], set[int], dict[int, Span]]:
        """Unknown-name spans, the indexes of alias spans they swallow, and the alias spans
        inside a longer name whose candidates decide (index -> that name's span)."""
        tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        # Each token under an alias span maps to the first span over it.
        cover_at: dict[int, int] = {}
        for c, span in enumerate(covered):
            t_i = bisect_right(tokens, span.start, key=_token_end)
            while t_i < len(tokens) and tokens[t_i][0] < span.end:
                cover_at.setdefault(t_i, c)
                t_i += 1
        cover_at = dict(sorted(cover_at.items()))
        out: list[Span] = []
        swallowed: set[int] = set()
        contested: dict[int, Span] = {}
        for t_i in list(cover_at):
            # "Parijs-Roubaix", "Oost-Groningen", "NL-Alert": an alias inside a capitalised
            # compound is part of another name (unlike "NAVO-top"), every alias in it.
            s, e, word = tokens[t_i]
            sp = covered[cover_at[t_i]]
            parts = word.split("-")
            if (
                (sp.start > s or sp.end < e)
                and len(parts) > 1
                and all(map(is_capitalised, parts))
                and not is_lead_word(word)  # "SP-Kamerlid": the party's member
            ):
                cover_at.pop(t_i)
                swallowed.update(c for c, span in enumerate(covered) if s <= span.start < e)
        free = 0  # the first token no run has taken yet
        # A name starts with a capital: only those tokens can start a run.
        for i in [t for t, tok in enumerate(tokens) if tok[2][:1].isupper()]:
            if i < free:
                continue
            if (
                is_lead_word(tokens[i][2])
                and i + 1 < len(tokens)
                and is_capitalised(tokens[i + 1][2])
                and text[tokens[i][1] : tokens[i + 1][0]] == " "
            ):
                i += 1  # "Staatssecretaris Vincent Karremans", "VVD-Kamerlid Peter de Groot"
            run = self._run_from(i, tokens, text, cover_at)
            if not run:
                free = i + 1
                continue
            free = run[-1] + 1
            cov = [t for t in run if t in cover_at]
            unknown = [
                t
                for t in run
                if t not in cover_at
                and tokens[t][2] not in CONNECTORS
                and tokens[t][2] not in ENGLISH_PARTICLES
            ]
            members = sorted({cover_at[t] for t in cov})
            if not unknown:
                # "het Chinese DeepSeek": an adjective before a name describes it.
                while len(run) > 1 and self._is_ordinary(tokens[run[0]][2]):
                    run = run[1:]
                members = sorted({cover_at[t] for t in run if t in cover_at})
                if len(members) >= 2:
                    # "Jan Willem Bos", "Tour de France", "Liberty Steel": several aliases
                    # in one name. Whether it is one of them is decided with the candidates
                    # (`name_runs.resolve_runs`), else the run is one unknown name.
                    whole = self._run_span(field, text, tokens, run, [covered[m] for m in members])
                    contested.update(dict.fromkeys(members, whole))
                continue
            if cov:
                if any("PER" in self._types_of(covered[m].alias_norm) for m in members):
                    # "Vladimir Vladimirovitsj Poetin" is Poetin, but "Ron DeSantis" is not
                    # a person whose alias is "Ron": decided with the candidates too.
                    whole = self._run_span(field, text, tokens, run, [covered[m] for m in members])
                    contested.update(dict.fromkeys(members, whole))
                    continue
                # "Vladimir Medinsky", "Den Haag Centraal": an unknown longer name.
                swallowed.update(members)
            if len(run) == 1:
                sp = self._single(field, text, tokens[run[0]])
                if sp:
                    out.append(sp)
                continue
            out.append(self._run_span(field, text, tokens, run, [covered[m] for m in members]))
        return out, swallowed, contested

    @staticmethod
    def _run_span(
        field: str,
        text: str,
        tokens: list[tuple[int, int, str]],
        run: list[int],
        members: Sequence[Span] = (),
    ) -> Span:
        """The unknown-name span of a run of two or more tokens, widened to whole alias
        spans at its edges ("Isle of Man TT", where the run itself starts at "Man")."""
        start = min([tokens[run[0]][0], *(m.start for m in members)])
        end = max([tokens[run[-1]][1], *(m.end for m in members)])
        return Span(
            field,
            start,
            end,
            text[start:end],
            "name",
            sentence_initial=sentence_initial(text, start),
            type_hint=type_hint(text[start:end].split(), text, start),
        )

    def _single(self, field: str, text: str, token: tuple[int, int, str]) -> Span | None:
        """A lone capitalised word or acronym, if it is a name at all."""
        start, _end, word = token
        head = word.split("-")[0]
        if is_acronym(head):
            if head in ROMAN_NUMERALS:
                return None
            return Span(field, start, start + len(head), head, "acronym", type_hint="ORG")
        if "-" in word and not is_capitalised(word.split("-")[-1]):
            word = head  # "Oekraïne-update": the name is the first part
        if (
            sentence_initial(text, start)
            or self._is_ordinary(word)
            or not is_capitalised(word)
            or any(ch.isdigit() for ch in word)
        ):
            return None
        return Span(
            field, start, start + len(word), word, "name", type_hint=type_hint([word], text, start)
        )

    def _run_from(
        self, i: int, tokens: list[tuple[int, int, str]], text: str, cover_at: dict[int, int]
    ) -> list[int]:
        """Indexes of a run of capitalised tokens starting at i (single spaces between).

        An adjective may start a run ("Buitenlandse Zaken") but not continue one
        ("Nederland Russische diplomaten"); connectors ("Partij van de Arbeid") join
        two unknown words only after a one-word start.
        """
        first = tokens[i][2]
        if not is_capitalised(first):
            return []
        run = [i]
        j = i + 1
        if i not in cover_at and self._is_common(first):
            # Surname particles: "Van Rompuy", "De Jonge", "Van der Laan" (not "Van Oekraïne").
            if first.lower() not in CONNECTORS:
                return []
            while j < len(tokens) and tokens[j][2] in CONNECTORS:
                j += 1
            nxt = tokens[j][2] if j < len(tokens) else ""
            # "Den Bosch" is a city, not the company Bosch; "Van Oekraïne" is no name.
            den_place = first.lower() == "den" and j == i + 1
            if (
                j >= len(tokens)
                or (j in cover_at and not den_place)
                or not is_capitalised(nxt)
                or is_acronym(nxt)  # "De PVV", "Het CDA": an article, not "De Jonge"
                or self._is_common(nxt)
                or self._is_ordinary(nxt)
                or text[tokens[i][1] : tokens[j][0]].strip(" ")
                != " ".join(t[2] for t in tokens[i + 1 : j])
            ):
                return []
            run.extend(range(i + 1, j + 1))
            j += 1
        while j < len(tokens) and text[tokens[j - 1][1] : tokens[j][0]] == " ":
            word = tokens[j][2]
            if word in ROMAN_NUMERALS:
                break
            if is_capitalised(word) and (j in cover_at or not self._is_common(word)):
                if j not in cover_at and not is_acronym(word) and self._is_ordinary(word):
                    break
                run.append(j)
                j += 1
                continue
            k = j
            while (
                k < len(tokens)
                and (tokens[k][2].lower() in CONNECTORS or tokens[k][2] in ENGLISH_PARTICLES)
                and text[tokens[k - 1][1] : tokens[k][0]] == " "
            ):
                k += 1
            particles = [t[2] for t in tokens[j:k]]
            if (
                k > j
                and k < len(tokens)
                and is_capitalised(tokens[k][2])
                and not self._is_ordinary(tokens[k][2])
                and text[tokens[k - 1][1] : tokens[k][0]] == " "
                and self._joins(run, particles, k, tokens, cover_at)
            ):
                run.extend(range(j, k + 1))
                j = k + 1
                continue
            break
        return run

    def _joins(
        self,
        run: list[int],
        particles: list[str],
        k: int,
        tokens: list[tuple[int, int, str]],
        cover_at: dict[int, int],
    ) -> bool:
        """Do connectors join the run to the capitalised token k into one longer name?

        - "Partij van de Arbeid", "Dirk van der Wal", "Huis van Afgevaardigden": a one-word
          start and an unknown word (if the start is an alias, `name_runs` decides);
        - "Tour de France": a Romance particle makes the place part of the name (but
          "van" does not: "Florence Reuter van Waterloo" is a mayor and a town);
        - "Institute for the Study of War": English particles, once the name is English.
        """
        if any(p in ENGLISH_PARTICLES for p in particles):
            # "Institute for the Study of War": English particles join an English name
            # ("for", "the"; then also "of", which alone is Dutch: "Rusland of Oekraïne").
            english = {*particles, *(tokens[t][2] for t in run)} & _ENGLISH_ONLY
            return all(p in ENGLISH_PARTICLES for p in particles) and bool(english)
        covered = any(t in cover_at for t in run)
        if len(run) == 1 and fold(tokens[run[0]][2]) in self.given_names:
            return True  # "Dirk van der Wal", even where a village is called Wal
        if k not in cover_at:
            # "Huis van Afgevaardigden" also when a dump has an item called "Huis": a
            # person whose name is the run keeps it (`name_runs.resolve_runs`).
            return len(run) == 1
        if covered and len(run) > 1:
            return False
        # "Tour de France" also when a dump has an item called "Tour" (`resolve_runs` decides).
        return len(particles) == 1 and particles[0] in _ROMANCE_PARTICLES

    def _is_common(self, word: str) -> bool:
        """An ordinary Dutch word (capitalised at a sentence start or in a heading)."""
        return norm_word(word) in self.common_words and not is_acronym(word)
