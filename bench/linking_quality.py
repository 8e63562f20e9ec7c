"""Linking quality on the labelled Dutch set: precision, recall, F1 (document level).

Usage: python bench/linking_quality.py [--kb PATH] [--threshold 0.5]
Builds the seed KB into a temporary cache unless --kb is given. Prints one line
per text with its errors, then a baseline (every alias match linked to its most
popular candidate, no case/context rules), then our linker; the last line is
`f1=<x> precision=<y>`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nieuwsstroom.linkers import Document, build_linker  # noqa: E402
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase  # noqa: E402
from nieuwsstroom.linkers.normalize import fold  # noqa: E402
from nieuwsstroom.linkers.seed import ensure_seed_kb  # noqa: E402

LABELLED = ROOT / "tests" / "linkers" / "data" / "labelled" / "linking_nl.jsonl"


def naive_links(kb: KnowledgeBase, doc: Document) -> set[str]:
    """Baseline: every KB alias found as a lower-cased substring at word boundaries,
    linked to its most popular candidate (what a plain dictionary tagger does)."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    for alias, _type in kb.iter_alias_types():
        auto.add_word(alias.alias_norm, alias.alias_norm)
    auto.make_automaton()
    found: set[str] = set()
    for text in (doc.title, doc.body):
        folded = fold(text)
        for end, norm in auto.iter(folded):
            start = end - len(norm) + 1
            if (start == 0 or not folded[start - 1].isalnum()) and (
                end + 1 >= len(folded) or not folded[end + 1].isalnum()
            ):
                found.add(norm)
    qids = set()
    for norm in found:
        cands = kb.lookup(norm)
        if cands:
            ents = kb.entities(a.qid for a in cands)
            qids.add(max(ents.values(), key=lambda e: e.prior).qid)
    return qids


def score(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, float]:
    tp = sum(len(p & g) for p, g in pairs)
    fp = sum(len(p - g) for p, g in pairs)
    fn = sum(len(g - p) for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb_path = args.kb or ensure_seed_kb(Path(tmp))
        linker = build_linker(kb_path, args.threshold)
        records = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
        ours, base = [], []
        for rec in records:
            doc = Document(rec["title"], rec["body"])
            gold = {g["qid"] for g in rec["gold"] if g["qid"]}
            pred = {e.qid for e in linker.link(doc) if e.qid}
            ours.append((pred, gold))
            base.append((naive_links(linker.kb, doc), gold))
            print(f"{rec['id']}: wrong={sorted(pred - gold)} missed={sorted(gold - pred)}")
        bp, br, bf = score(base)
        p, r, f = score(ours)
        print(f"baseline naive-dictionary: precision={bp:.3f} recall={br:.3f} f1={bf:.3f}")
        print(f"linker (threshold {args.threshold}): precision={p:.3f} recall={r:.3f} f1={f:.3f}")
        print(f"ratio precision linker/baseline = {p / bp if bp else float('inf'):.2f}")
        linker.kb.close()
    print(f"f1={f:.3f} precision={p:.3f}")


if __name__ == "__main__":
    main()
