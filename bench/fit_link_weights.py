"""Fit the calibrated link score's weights on the development texts of the labelled set.

Usage: python bench/fit_link_weights.py [--kb PATH [--kb PATH ...]] [--write] [--l2 1.0]
                                        [--cv 5] [--parts dev test]

Development texts are `dev.jsonl` and `test.jsonl` (both were looked at while the
method was built; see `tests/linkers/data/labelled/README.md`). The held-out part
`heldout.jsonl` is never read here.

For every alias of every text, each candidate the context does not veto
becomes one example: its features (`linkers/link_score.py`, as the linker's
second pass sees them) and whether it is the gold entity of that mention.
With several `--kb` the examples of each are stacked: the shipped seed and the
seed plus a Wikidata-size dump (`bench/linking_scale.py` generates one), so the
weights hold for a small knowledge base and for one full of obscure namesakes. A
logistic regression with L2 regularisation (Newton's method, numpy) gives
weights whose output is a probability. `--write` stores them in
`linkers/data/link_weights.json`.

`--cv K` estimates how the linker does on texts its weights were not fitted on:
K folds of texts, weights fitted on the other folds, the held-out fold linked
end to end, document-level precision/recall/F1 printed per threshold. That is
how the default `NIEUWSSTROOM_LINK_THRESHOLD` is chosen.

Calibration is printed per score bin (mean predicted vs observed share of right
candidates). Baseline in the same run: the weights currently in the file, on
the same examples (log loss).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nieuwsstroom.linkers import build_linker  # noqa: E402
from nieuwsstroom.linkers.article_links import alias_groups  # noqa: E402
from nieuwsstroom.linkers.evaluation import (  # noqa: E402
    LabelledText,
    Scores,
    load_labelled,
    score_document,
)
from nieuwsstroom.linkers.link_score import FEATURES, WEIGHTS_FILE, LinkScorer  # noqa: E402
from nieuwsstroom.linkers.normalize import normalize_alias  # noqa: E402

LABELLED = ROOT / "tests" / "linkers" / "data" / "labelled"


def load_parts(parts: list[str]) -> list[LabelledText]:
    if "heldout" in parts:
        raise SystemExit("the held-out part is never used for fitting")
    return [item for part in parts for item in load_labelled(LABELLED / f"{part}.jsonl")]


def examples(linker, items: list[LabelledText]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and 0/1 labels for every non-vetoed candidate of every alias."""
    dis = linker.disambiguator
    rows, labels = [], []
    for item in items:
        texts = {"title": item.doc.title, "body": item.doc.body}
        spans = [s for f in ("title", "body") for s in linker.finder.find(f, texts[f])]
        cands = linker.candidates.candidates({s.alias_norm for s in spans if s.kind == "kb"})
        _mentions, groups, context_spans = alias_groups(spans, cands, texts, dis.reader)
        cues = dis.cues(context_spans, texts)
        evidence, _ = dis.article_evidence(groups, cands, cues, texts)
        gold_by_text = {normalize_alias(g.text): g.qid for g in item.gold}
        for norm, group in groups.items():
            gold = gold_by_text.get(normalize_alias(group[0].text), "absent")
            for cand, why, feats in dis.open_candidates(cands.get(norm, []), evidence[norm]):
                if why is not None:
                    continue
                rows.append(feats)
                if gold == "absent":  # not a gold mention: right only if the doc has the QID
                    labels.append(1.0 if cand.entity.qid in item.gold_qids else 0.0)
                else:
                    labels.append(1.0 if gold == cand.entity.qid else 0.0)
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    w = np.zeros(x.shape[1])
    reg = l2 * np.eye(x.shape[1])
    reg[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + reg @ w
        hess = x.T @ (x * (p * (1 - p))[:, None]) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


def calibration(p: np.ndarray, y: np.ndarray) -> list[str]:
    lines = []
    for lo in np.arange(0, 1, 0.2):
        sel = (p >= lo) & (p < lo + 0.2 + (lo >= 0.8) * 1e-9)
        if sel.any():
            lines.append(
                f"  score {lo:.1f}-{lo + 0.2:.1f}: n={int(sel.sum()):4d} "
                f"predicted={p[sel].mean():.2f} observed={y[sel].mean():.2f}"
            )
    return lines


def all_examples(linkers: list, items: list[LabelledText]) -> tuple[np.ndarray, np.ndarray]:
    """`examples` with every knowledge base, stacked."""
    pairs = [examples(linker, items) for linker in linkers]
    return np.vstack([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])


def cross_validate(
    linkers: list, items: list[LabelledText], folds: int, l2: float, thresholds: list[float]
) -> None:
    """Document-level figures on texts whose weights were fitted without them (per KB)."""
    scores = [{t: Scores() for t in thresholds} for _ in linkers]
    for k in range(folds):
        held = [it for i, it in enumerate(items) if i % folds == k]
        x, y = all_examples(linkers, [it for i, it in enumerate(items) if i % folds != k])
        scorer = LinkScorer(dict(zip(FEATURES, fit(x, y, l2).tolist(), strict=True)))
        for linker, by_threshold in zip(linkers, scores, strict=True):
            linker.disambiguator.scorer = scorer
            for t in thresholds:
                linker.disambiguator.threshold = t
                for item in held:
                    score_document(item, linker.link(item.doc), by_threshold[t])
    for linker, by_threshold in zip(linkers, scores, strict=True):
        for t in thresholds:
            source = linker.provenance["kb_source"]
            print(f"cv {source} threshold {t:.2f}: {by_threshold[t].line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--kb",
        type=Path,
        action="append",
        help="knowledge base; repeat to fit on several (default: a fresh seed KB)",
    )
    parser.add_argument("--l2", type=float, default=1.0, help="L2 regularisation strength")
    parser.add_argument("--write", action="store_true", help="write linkers/data/link_weights.json")
    parser.add_argument("--cv", type=int, default=0, help="K-fold cross-validation")
    parser.add_argument("--parts", nargs="+", default=["dev", "test"], help="development parts")
    args = parser.parse_args()
    from nieuwsstroom.linkers.seed import ensure_seed_kb

    items = load_parts(args.parts)
    with tempfile.TemporaryDirectory() as tmp:
        linkers = [build_linker(kb) for kb in args.kb or [ensure_seed_kb(Path(tmp))]]
        threshold = linkers[0].disambiguator.threshold
        if args.cv:
            cross_validate(linkers, items, args.cv, args.l2, [0.4, 0.5, 0.6, 0.7, 0.8])
            for linker in linkers:
                linker.disambiguator.scorer = LinkScorer()
                linker.disambiguator.threshold = threshold
        x, y = all_examples(linkers, items)
        kbs = " + ".join(str(linker.provenance["kb_source"]) for linker in linkers)
        for linker in linkers:
            linker.kb.close()
    old = LinkScorer()
    w = fit(x, y, args.l2)
    new = LinkScorer(dict(zip(FEATURES, w.tolist(), strict=True)))
    p_old = np.array([old.score(list(r)) for r in x])
    p_new = np.array([new.score(list(r)) for r in x])
    print(f"examples ({'+'.join(args.parts)}): {len(y)} ({int(y.sum())} right candidates)")
    for name, value in zip(FEATURES, w, strict=True):
        print(f"  {name:20s} {value:+.3f}")
    print(f"log loss: current weights {log_loss(p_old, y):.4f}, fitted {log_loss(p_new, y):.4f}")
    print("calibration (fitted):", *calibration(p_new, y), sep="\n")
    if args.write:
        fitted_on = (
            f"{'+'.join(args.parts)} parts of tests/linkers/data/labelled with KBs {kbs}, "
            f"{len(y)} candidates, L2 {args.l2}, {datetime.now(UTC).date().isoformat()}"
        )
        weights = {k: round(v, 4) for k, v in zip(FEATURES, w.tolist(), strict=True)}
        WEIGHTS_FILE.write_text(
            json.dumps({"fitted_on": fitted_on, "weights": weights}, indent=2) + "\n",
            encoding="utf-8",
        )
        print(f"written {WEIGHTS_FILE}")
    print(
        f"fitted_log_loss_ratio_vs_current={log_loss(p_new, y) / max(log_loss(p_old, y), 1e-9):.3f}"
    )


if __name__ == "__main__":
    main()
