"""Linker throughput (articles/s) on the bundled sample articles, linker alone.

Usage: python bench/linking_speed.py [--kb PATH] [--seconds 3]
Baseline, measured in the same run on the same articles and KB: a naive scan
that tries one compiled regex per alias (what a first linker without an
automaton does). Prints both rates and their ratio, and the linker's rate per
second of CPU time of this process (one core: on a shared machine the wall-clock
rate also counts the time other jobs hold the core); last line `articles_per_s=<x>`
(per CPU second).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nieuwsstroom.linkers import Document, build_linker  # noqa: E402
from nieuwsstroom.linkers.seed import ensure_seed_kb  # noqa: E402

SAMPLES = ROOT / "stream" / "demo" / "data" / "sample_articles.jsonl"


def rate(fn, docs: list[Document], seconds: float) -> tuple[float, float]:
    """Articles per wall-clock second and per CPU second of this process."""
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        for doc in docs:
            fn(doc)
        done += len(docs)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed, done / max(time.process_time() - cpu, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    records = [json.loads(x) for x in SAMPLES.read_text(encoding="utf-8").splitlines() if x.strip()]
    docs = [Document(r.get("title", ""), r.get("body", "")) for r in records]
    with tempfile.TemporaryDirectory() as tmp:
        kb_path = args.kb or ensure_seed_kb(Path(tmp))
        linker = build_linker(kb_path, 0.5)
        aliases = sorted({a.alias for a, _t in linker.kb.iter_alias_types()})
        patterns = [re.compile(r"\b" + re.escape(a) + r"\b", re.IGNORECASE) for a in aliases]

        def naive(doc: Document) -> list[str]:
            text = doc.title + "\n" + doc.body
            return [p.pattern for p in patterns if p.search(text)]

        ours, ours_cpu = rate(linker.link, docs, args.seconds)
        base, base_cpu = rate(naive, docs, min(args.seconds, 2.0))
        linker.kb.close()
    print(f"articles: {len(docs)} bundled samples, {sum(len(d.body) for d in docs)} body chars")
    print(
        f"baseline per-alias regex scan ({len(patterns)} patterns): {base:.1f} articles/s "
        f"({base_cpu:.1f} per CPU second)"
    )
    print(
        f"linker: {ours:.1f} articles/s wall clock, {ours_cpu:.1f} per CPU second "
        f"(ratio {ours_cpu / base_cpu:.1f}x baseline)"
    )
    print(f"articles_per_s={ours_cpu:.1f}")


if __name__ == "__main__":
    main()
