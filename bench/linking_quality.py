"""Linking quality on the labelled Dutch set, per part, against a naive baseline.

Usage: python bench/linking_quality.py [--kb PATH] [--threshold T] [--errors]
                                       [--part dev|test|heldout|all]

Builds the seed KB into a temporary cache unless --kb is given (`NIEUWSSTROOM_KB_PATH`
is ignored here: pass the file). Scores the parts of `tests/linkers/data/labelled/`
separately (see that folder's README): `dev.jsonl` and `test.jsonl` are the
development texts (the method was built looking at both); `heldout.jsonl` was
written after the method was frozen and estimates unseen news.

Figures (definitions in `linkers/evaluation.py`):
- precision, recall, F1 of document-level links (linked QIDs vs gold QIDs);
- nil_precision: of the gold mentions the linker leaves unlinked, the share whose
  gold is NIL (no QID in the shipped data);
- nil_kept: of the gold-NIL mentions, the share the linker does not link to any
  QID (a wrong link of a name the KB lacks is the error this guards).

Baseline, same run, same KB: a naive dictionary tagger (every KB alias found as
a lower-cased substring at word boundaries, linked to its most popular
candidate). `--errors` prints the development parts' per-text errors (never the
held-out part's, so tuning cannot look at it). Last line: the held-out part's
`f1=<x> precision=<y>` (the test part's if there is no held-out part).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nieuwsstroom.linkers import Document, build_linker  # noqa: E402
from nieuwsstroom.linkers.evaluation import Scores, load_labelled, score_document  # noqa: E402
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase  # noqa: E402
from nieuwsstroom.linkers.normalize import fold  # noqa: E402
from nieuwsstroom.linkers.seed import ensure_seed_kb  # noqa: E402

LABELLED = ROOT / "tests" / "linkers" / "data" / "labelled"
PARTS = ("dev", "test", "heldout")


class NaiveTagger:
    """Baseline: every alias at word boundaries, most popular candidate, no rules."""

    def __init__(self, kb: KnowledgeBase) -> None:
        import ahocorasick

        self.kb = kb
        self.auto = ahocorasick.Automaton()
        for alias, _type in kb.iter_alias_types():
            self.auto.add_word(alias.alias_norm, alias.alias_norm)
        self.auto.make_automaton()

    def links(self, doc: Document) -> set[str]:
        found: set[str] = set()
        for text in (doc.title, doc.body):
            folded = fold(text)
            for end, norm in self.auto.iter(folded):
                start = end - len(norm) + 1
                if (start == 0 or not folded[start - 1].isalnum()) and (
                    end + 1 >= len(folded) or not folded[end + 1].isalnum()
                ):
                    found.add(norm)
        by_norm = self.kb.lookup_norms(found)
        ents = self.kb.entities(a.qid for recs in by_norm.values() for a in recs)
        return {
            max((ents[a.qid] for a in recs if a.qid in ents), key=lambda e: e.prior).qid
            for recs in by_norm.values()
            if any(a.qid in ents for a in recs)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, help="knowledge base (default: a fresh seed KB)")
    parser.add_argument("--threshold", type=float, default=None, help="minimum calibrated score")
    parser.add_argument("--errors", action="store_true", help="print dev/test per-text errors")
    parser.add_argument(
        "--part", choices=(*PARTS, "all"), default="all", help="which part to score"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb_path = args.kb or ensure_seed_kb(Path(tmp))
        linker = (
            build_linker(kb_path)
            if args.threshold is None
            else build_linker(kb_path, args.threshold)
        )
        naive = NaiveTagger(linker.kb)
        results: dict[str, tuple[Scores, Scores]] = {}
        started = time.perf_counter()
        n_docs = 0
        parts = [p for p in PARTS if (LABELLED / f"{p}.jsonl").is_file()]
        for part in parts if args.part == "all" else [args.part]:
            ours, base = Scores(), Scores()
            for item in load_labelled(LABELLED / f"{part}.jsonl"):
                score_document(item, linker.link(item.doc), ours)
                score_document(item, naive.links(item.doc), base)
                n_docs += 1
            results[part] = (ours, base)
        elapsed = time.perf_counter() - started
        if args.errors:
            for part in ("dev", "test"):
                for err in results[part][0].errors if part in results else ():
                    print(f"{part} {err}")
        print(f"kb: {linker.provenance['kb_source']} ({linker.provenance['kb_entities']} entities)")
        for part, (ours, base) in results.items():
            print(f"{part:7} baseline naive-dictionary: {base.line(nil=False)}")
            print(f"{part:7} linker:                    {ours.line()}")
        print(f"{n_docs} texts linked (and baseline-tagged) in {elapsed:.1f}s")
        linker.kb.close()
    last = next(results[p][0] for p in ("heldout", "test", "dev") if p in results)
    print(f"f1={last.f1:.3f} precision={last.precision:.3f}")


if __name__ == "__main__":
    main()
