"""One worker's start-up, memory and one-core speed on a knowledge base, in a fresh process.

Run by `bench/linking_scale.py` as `python -m bench.scale_kit.worker_probe --kb PATH
--mode index|automaton|ngram`; prints one JSON object. `startup_s` is from the
process start (interpreter and imports included) to a linker that has linked one
article; `rss_mb` is VmRSS after linking for `--seconds` (file-backed pages of
the mapped index included: they are shared between workers through the page
cache, see `rss_anon_mb` for what each worker holds alone).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _rss() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def documents() -> list:
    from nieuwsstroom.linkers import Document

    docs = []
    for path in sorted((ROOT / "tests" / "linkers" / "data" / "labelled").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                docs.append(Document(rec.get("title", ""), rec.get("body", "")))
    samples = ROOT / "stream" / "demo" / "data" / "sample_articles.jsonl"
    for line in samples.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            docs.append(Document(rec.get("title", ""), rec.get("body", "")))
    return docs


def _linker(kb_path: Path, mode: str):
    from nieuwsstroom.linkers import build_linker
    from nieuwsstroom.linkers.unknown_names import UnknownNameFinder

    linker = build_linker(kb_path)
    if mode == "index":
        return linker
    finder = linker.finder
    if mode == "automaton":
        from bench.scale_kit.automaton import AutomatonMatcher

        finder.aliases = AutomatonMatcher(linker.kb.iter_alias_types(), finder.common_words)
    else:
        from bench.scale_kit.ngram_matcher import NgramMatcher

        finder.aliases = NgramMatcher(Path(f"{kb_path}.ngram.sqlite"), finder.common_words)
    finder.names = UnknownNameFinder(finder.common_words, finder.aliases.types_of)
    return linker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--mode", choices=("index", "automaton", "ngram"), default="index")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--cpu", type=int, default=0, help="Pin to this core (one core).")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    docs = documents()
    linker = _linker(args.kb, args.mode)
    linker.link(docs[0])
    startup = time.perf_counter() - STARTED
    cpu_started = time.process_time()
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        for doc in docs:
            linker.link(doc)
        done += len(docs)
    cpu = time.process_time() - cpu_started
    rss = _rss()
    print(
        json.dumps(
            {
                "mode": args.mode,
                "startup_s": round(startup, 2),
                "rss_mb": round(rss.get("VmRSS", 0), 1),
                "rss_anon_mb": round(rss.get("RssAnon", 0), 1),
                "rss_file_mb": round(rss.get("RssFile", 0), 1),
                "articles_per_s": round(done / (time.perf_counter() - started), 1),
                "articles_per_cpu_s": round(done / cpu, 1) if cpu else 0.0,
            }
        )
    )


if __name__ == "__main__":
    main()
