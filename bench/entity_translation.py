"""Names in the English: entity-aware translation vs plain translation, same model, same text.

    python bench/entity_translation.py [--model FILE.argosmodel] [--compare] [--limit N]

Data: bench/data/entity_translation/paragraphs.tsv, Dutch news-style
paragraphs rich in names with English reference translations, written for
this bench (see the README beside it). Each paragraph is linked with the real
linker (seed knowledge base) and translated twice with the pipeline's own
translator: plain (`translate_articles`) and entity-aware
(`translate_articles_with_terms`, every linked mention a constraint whose
target the pipeline chooses, `stream/core/english_names.py`).

Name accuracy: the share of linked entity mentions whose English name (the
entity's English label or an English alias, or the chosen target) appears in
the translated paragraph (each occurrence counts for one mention). chrF:
sacrebleu corpus chrF of each side against the references. `--compare`
also runs every technique of `translators/term_decoding.py` alone and in
combination and prints name accuracy, chrF and time for each. Last line:
`name_accuracy=<x> plain_name_accuracy=<y> chrf_ratio=<z>` (goals: name
accuracy >= 0.95, chrF ratio >= 1.0).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argos_baseline import isolate_argos, model_archive  # noqa: E402

PACKAGES = isolate_argos()

from nieuwsstroom.linkers.base import Document, Entity  # noqa: E402
from nieuwsstroom.stream.components import linker_from_settings  # noqa: E402
from nieuwsstroom.stream.core.entity_terms import EntityTerms, entity_terms  # noqa: E402
from nieuwsstroom.stream.settings import Settings  # noqa: E402
from nieuwsstroom.translators.argos import ArgosTranslator  # noqa: E402
from nieuwsstroom.translators.articles import (  # noqa: E402
    translate_articles,
    translate_articles_with_terms,
)
from nieuwsstroom.translators.constrained import ConstrainedTranslator  # noqa: E402
from nieuwsstroom.translators.models import resolve_model  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "entity_translation" / "paragraphs.tsv"

# (name, source form, repairs, splice fallback): what --compare measures.
TECHNIQUES: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("check only (source kept)", "keep", (), False),
    ("n-best filter", "keep", ("nbest",), False),
    ("prefix forcing at attention, no suppress", "keep", ("prefix",), False),
    ("prefix forcing at attention", "keep", ("prefix",), False),
    ("attention substitution", "keep", ("attention",), False),
    ("splice (Argos tags idea)", "keep", (), True),
    ("target name in source", "target", (), False),
    ("target in source + n-best", "target", ("nbest",), False),
    ("target in source + prefix", "target", ("prefix",), False),
    ("target in source + attention", "target", ("attention",), False),
    ("keep + prefix + attention + splice", "keep", ("prefix", "attention"), True),
    ("keep + nbest + prefix + attention + splice", "keep", ("nbest", "prefix", "attention"), True),
    ("target + prefix + attention + splice", "target", ("prefix", "attention"), True),
    ("target + attention + splice", "target", ("attention",), True),
    ("target + splice", "target", (), True),
]


@dataclass(frozen=True)
class Paragraph:
    id: str
    nl: str
    en: str
    entities: list[Entity]
    terms: EntityTerms


def load(limit: int) -> list[tuple[str, str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = [(r["id"], r["nl"], r["en"]) for r in csv.DictReader(f, delimiter="\t")]
    return rows[:limit] if limit else rows


def english_names(entity: Entity, terms: EntityTerms, e: int) -> list[str]:
    """What counts as the entity's English name: label, English aliases, chosen targets."""
    chosen = [
        t.target for t, (owner, _) in zip(terms.terms, terms.owners, strict=True) if owner == e
    ]
    names = {entity.label_en, *entity.aliases_en, *chosen} - {""}
    return sorted(names, key=len, reverse=True)


def names_found(paragraphs: list[Paragraph], outputs: list[str]) -> tuple[int, int]:
    """(mentions whose English name is in the output, linked mentions)."""
    hit = total = 0
    for para, out in zip(paragraphs, outputs, strict=True):
        for e, entity in enumerate(para.entities):
            if entity.qid is None:
                continue
            names = english_names(entity, para.terms, e)
            pattern = r"(?<![^\W_])(?:" + "|".join(map(re.escape, names)) + r")(?![^\W_])"
            total += len(entity.mentions)
            hit += min(len(entity.mentions), len(re.findall(pattern, out)))
    return hit, total


def run_aware(translator: ConstrainedTranslator, paragraphs: list[Paragraph]):
    start = time.process_time()
    results = translate_articles_with_terms(
        translator, [("", p.nl) for p in paragraphs], [p.terms.terms for p in paragraphs]
    )
    seconds = time.process_time() - start
    how = Counter(s.how if s is not None else "unplaced" for r in results for s in r.placed)
    return [r.body_en for r in results], seconds, how


def main() -> None:
    try:
        import sacrebleu
    except ImportError:
        sys.exit("sacrebleu is missing: pip install '.[bench]'")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="A .argosmodel (default: env or bundled test model).")
    parser.add_argument("--compare", action="store_true", help="Measure each technique too.")
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N paragraphs.")
    parser.add_argument("--show", type=int, default=3, help="Print N example paragraphs.")
    args = parser.parse_args()

    settings = Settings().model_copy(update={"argos_model": model_archive(args.model)})
    model = resolve_model(
        model_path=settings.argos_model, allow_test_model=settings.allow_test_model
    )
    argos = ArgosTranslator(
        model,
        threads=settings.translate_threads,
        beam_size=settings.translate_beam_size,
        compute_type=settings.translate_compute_type,
    )
    translator = ConstrainedTranslator(argos)  # the pipeline's defaults, no cache (fair timing)
    linker = linker_from_settings(settings)
    print(f"model: {model.describe()}")
    print(f"tags declared by the package: {argos.terminology_tags}")

    paragraphs = []
    for pid, nl, en in load(args.limit):
        entities = linker.link(Document("", nl))
        paragraphs.append(Paragraph(pid, nl, en, entities, entity_terms(entities)))
    refs = [p.en for p in paragraphs]
    mentions = sum(len(p.terms.terms) for p in paragraphs)
    print(f"data: {DATA.name}, {len(paragraphs)} paragraphs, {mentions} linked mentions")

    translate_articles(argos, [("", p.nl) for p in paragraphs])  # warm up before timing
    start = time.process_time()  # CPU time of all threads: fairer than wall time on a busy host
    plain = [en for _, en in translate_articles(argos, [("", p.nl) for p in paragraphs])]
    plain_s = time.process_time() - start
    plain_hit, total = names_found(paragraphs, plain)
    plain_chrf = sacrebleu.corpus_chrf(plain, [refs]).score

    if args.compare:
        print(f"{'technique':44s} {'names':>6s} {'chrF':>6s} {'CPU':>6s}  placed by")
        print(
            f"{'plain (no constraints)':44s} {plain_hit / total:6.3f} {plain_chrf:6.2f} "
            f"{plain_s / plain_s:5.2f}x"
        )
        for name, rewrite, repairs, splice in TECHNIQUES:
            variant = ConstrainedTranslator(
                argos,
                rewrite=rewrite,
                repairs=repairs,
                splice=splice,
                suppress="no supp" not in name,
            )
            outs, seconds, how = run_aware(variant, paragraphs)
            hit, _ = names_found(paragraphs, outs)
            chrf = sacrebleu.corpus_chrf(outs, [refs]).score
            placed = ", ".join(f"{k} {v}" for k, v in sorted(how.items()))
            print(f"{name:44s} {hit / total:6.3f} {chrf:6.2f} {seconds / plain_s:5.2f}x  {placed}")

    aware, aware_s, how = run_aware(translator, paragraphs)
    aware_hit, _ = names_found(paragraphs, aware)
    aware_chrf = sacrebleu.corpus_chrf(aware, [refs]).score
    for p, a, b in list(zip(paragraphs, plain, aware, strict=True))[: args.show]:
        print(f"  nl:    {p.nl}\n  plain: {a}\n  aware: {b}\n  ref:   {p.en}")
    print(f"placed by: {dict(sorted(how.items()))}")
    print(f"plain: names {plain_hit}/{total}, chrF {plain_chrf:.2f}, {plain_s:.1f}s CPU")
    print(
        f"entity-aware: names {aware_hit}/{total}, chrF {aware_chrf:.2f}, {aware_s:.1f}s CPU "
        f"({aware_s / plain_s:.2f}x the plain CPU time)"
    )
    print(
        f"name_accuracy={aware_hit / total:.3f} plain_name_accuracy={plain_hit / total:.3f} "
        f"chrf_ratio={aware_chrf / max(plain_chrf, 1e-9):.3f}"
    )


if __name__ == "__main__":
    main()
