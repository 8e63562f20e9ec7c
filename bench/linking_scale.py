"""Linking at Wikidata scale: build, start-up, memory, speed and quality at 1M and 5M entities.

Usage: nice -n 10 python bench/linking_scale.py [--sizes 1000000 5000000] [--work-dir DIR]
       [--skip-old-builder] [--alternatives] [--seconds 5]

For each size it generates a dump in the official Wikidata JSON layout
(`scale_kit/wikidata_gen.py`: the seed's own entities, their namesakes,
items named like ordinary Dutch words, random people/places/organisations,
off-topic items, a subclass tree), cached in the work dir (default
~/.cache/nieuwsstroom/bench/linking_scale; never in git), then:

- builds it with `nieuwsstroom kb build --from-dump DUMP --seed --out KB` and,
  on the same dump, with the old single-process builder (`scale_kit/old_builder.py`,
  the git history's algorithm, which keeps only direct instances of 15 classes):
  `build_entities_per_s` (dump entities read per second) of both and their ratio,
  and the entities each kept per second; also `kb build --workers 1` (the same
  work in one process; `--skip-single-process` leaves it out), and the phases
  of the new build (class tree, parse, merge + alias index);
- `kb_mb` (SQLite file + alias index);
- in a fresh process per design, pinned to one core: `startup_s`, `rss_mb`,
  `articles_per_s` for the memory-mapped index (ours), and with
  `--alternatives` the in-RAM Aho-Corasick automaton (the old matcher) and an
  SQLite n-gram lookup;
- precision/recall per part of the labelled texts (tests/linkers/data/labelled/:
  dev, test, heldout; scored by `linkers.evaluation`), seed-only KB and seed + dump
  KB; the 1M goal is each part within 0.01 of its seed-only figures.

`--dump FILE` builds a given dump (a real one, or an older generated one) instead.

The machine is shared: wall-clock rates move with other load (and Linux shares
the CPU between sessions first, so a build competing with another session's
job gets about one core, however many processes it runs), so the probe also
prints `articles_per_cpu_s` (articles per CPU second of the worker), and the
builders' CPU seconds (`build_entities_per_cpu_s`: entities per CPU second summed
over the build's processes; parallelism shows in the wall rate only). The last
line is `scale_ok=<bool>` for the 1M goals.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scale_kit.old_builder import old_build  # noqa: E402
from bench.scale_kit.wikidata_gen import DumpGenerator  # noqa: E402

GEN_VERSION = "7"
LABELLED = ROOT / "tests" / "linkers" / "data" / "labelled"


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def seed_kb(work: Path) -> Path:
    from nieuwsstroom.linkers.seed import ensure_seed_kb

    return ensure_seed_kb(work / "cache")


def make_dump(work: Path, size: int, seed: Path) -> Path:
    import sqlite3

    from nieuwsstroom.linkers.seed import COMMON_WORDS_FILE

    path = work / f"dump-{size}-v{GEN_VERSION}.json"
    if path.is_file():
        return path
    conn = sqlite3.connect(seed)
    conn.row_factory = sqlite3.Row
    entities = [
        dict(r)
        for r in conn.execute(
            "SELECT qid, type, label_nl, label_en, description_nl, description_en, prior, "
            "country, population, kind FROM entities ORDER BY qid"
        )
    ]
    conn.close()
    words = [
        line.strip()
        for line in COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        DumpGenerator(size, entities, words).write(out)
    tmp.replace(path)
    print(
        f"  generated {path.name}: {path.stat().st_size / 1e9:.2f} GB "
        f"in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    return path


def new_build(dump: Path, out: Path, work: Path, workers: int | None) -> dict[str, float]:
    env = {**os.environ, "NIEUWSSTROOM_CACHE_DIR": str(work / "cache")}
    cmd = [str(Path(sys.executable).with_name("nieuwsstroom")), "kb", "build"]
    cmd += ["--from-dump", str(dump), "--seed", "--out", str(out)]
    if workers:
        cmd += ["--workers", str(workers)]
    cpu0, started = _cpu_children(), time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"kb build failed:\n{result.stderr[-3000:]}")
    found = re.search(r"dump: (\d+) entities read, (\d+) kept", result.stderr)
    lines, kept = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    phases = re.search(r"dump phases: (.*)", result.stderr)
    return {
        "lines": lines,
        "kept": kept,
        "seconds": seconds,
        "cpu": _cpu_children() - cpu0,
        "phases": phases.group(1) if phases else "",
    }


def kb_mb(path: Path) -> float:
    real = path.resolve()
    stem = real.name.removesuffix(".db")
    files = [real, *real.parent.glob(f"{stem}.aliases.*")]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def probe(kb: Path, mode: str, seconds: float) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.scale_kit.worker_probe", "--kb", str(kb)]
    cmd += ["--mode", mode, "--seconds", str(seconds)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"probe {mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def quality(kb: Path) -> dict[str, tuple[float, float]]:
    """Document-level precision and recall of linked QIDs per part of the labelled set
    (`linkers.evaluation`: dev, test and held-out), each printed."""
    from nieuwsstroom.linkers import build_linker
    from nieuwsstroom.linkers.evaluation import Scores, load_labelled, score_document

    linker = build_linker(kb)
    out: dict[str, tuple[float, float]] = {}
    for path in sorted(LABELLED.glob("*.jsonl")):
        part = Scores()
        for item in load_labelled(path):
            score_document(item, linker.link(item.doc), part)
        print(f"  {kb.name} {path.stem}: {part.line()}", flush=True)
        out[path.stem] = (part.precision, part.recall)
    linker.kb.close()
    return out


def run_size(size: int, args: argparse.Namespace, seed: Path) -> dict[str, object]:
    work: Path = args.work_dir
    print(f"== {size:,} entities", flush=True)
    dump = args.dump or make_dump(work, size, seed)
    kb = work / f"kb-{size}.sqlite"
    row: dict[str, object] = {"size": size, "dump_gb": round(dump.stat().st_size / 1e9, 2)}
    new = new_build(dump, kb, work, args.workers)
    row["build_entities_per_s"] = round(new["lines"] / new["seconds"])
    row["build_entities_per_cpu_s"] = round(new["lines"] / new["cpu"])
    row["build_cpu_s"] = round(new["cpu"], 1)
    row["kept"] = new["kept"]
    row["build_kept_per_s"] = round(new["kept"] / new["seconds"])
    print(f"  kb build: {new}", flush=True)
    if not args.skip_single_process:
        single = new_build(dump, work / f"kb-{size}-single.sqlite", work, 1)
        row["single_process_build_entities_per_s"] = round(single["lines"] / single["seconds"])
        row["parallel_vs_single_process"] = round(single["seconds"] / new["seconds"], 2)
        print(f"  kb build --workers 1: {single}", flush=True)
        for path in work.glob(f"kb-{size}-single.sqlite*"):
            path.unlink()
    if not args.skip_old_builder:
        old_kb = work / f"old-{size}.sqlite"
        old_kb.unlink(missing_ok=True)
        cpu0 = _cpu_self()
        old = old_build(dump, old_kb)
        old["cpu"] = _cpu_self() - cpu0
        old_kb.unlink(missing_ok=True)
        row["old_build_entities_per_s"] = round(old["lines"] / old["seconds"])
        row["old_build_entities_per_cpu_s"] = round(old["lines"] / old["cpu"])
        row["old_build_cpu_s"] = round(old["cpu"], 1)
        row["old_kept"] = old["kept"]
        row["old_build_kept_per_s"] = round(old["kept"] / old["seconds"])
        row["build_ratio"] = round(
            row["build_entities_per_s"] / row["old_build_entities_per_s"],
            2,  # type: ignore[operator]
        )
        print(f"  old builder: {old}", flush=True)
    row["kb_mb"] = round(kb_mb(kb))
    modes = ["index"] + (["automaton", "ngram"] if args.alternatives else [])
    if "ngram" in modes:
        from bench.scale_kit.ngram_matcher import build_ngram_table
        from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

        table = Path(f"{kb}.ngram.sqlite")
        table.unlink(missing_ok=True)
        with KnowledgeBase(kb) as opened:
            build_ngram_table(opened, table)
    for mode in modes:
        result = probe(kb, mode, args.seconds)
        print(f"  probe {mode}: {result}", flush=True)
        prefix = "" if mode == "index" else f"{mode}_"
        for key in ("startup_s", "rss_mb", "rss_anon_mb", "articles_per_s", "articles_per_cpu_s"):
            row[prefix + key] = result[key]
    for part, (precision, recall) in quality(kb).items():
        row[f"{part}_precision"], row[f"{part}_recall"] = round(precision, 3), round(recall, 3)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path.home() / ".cache" / "nieuwsstroom" / "bench" / "linking_scale",
    )
    parser.add_argument("--workers", type=int, help="kb build --workers (default: all cores)")
    parser.add_argument("--skip-old-builder", action="store_true")
    parser.add_argument(
        "--skip-single-process",
        action="store_true",
        help="Do not also build with --workers 1 (same work, one process).",
    )
    parser.add_argument(
        "--dump",
        type=Path,
        help="Build this dump (e.g. a real one, or an older generated one) instead of "
        "generating one; give its entity count as --sizes.",
    )
    parser.add_argument(
        "--alternatives", action="store_true", help="Also probe the automaton and n-gram designs."
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    seed = seed_kb(args.work_dir)
    seed_only = quality(seed)
    for part, (precision, recall) in seed_only.items():
        print(f"seed only {part}: precision={precision:.3f} recall={recall:.3f}", flush=True)
    rows = [run_size(size, args, seed) for size in args.sizes]
    print()
    for row in rows:
        for part, (precision, recall) in seed_only.items():
            row[f"seed_{part}_precision"] = round(precision, 3)
            row[f"seed_{part}_recall"] = round(recall, 3)
        print(" ".join(f"{k}={v}" for k, v in row.items()))
    first = next((r for r in rows if r["size"] == 1_000_000), None)
    if first is not None:
        ok = (
            first["startup_s"] <= 5  # type: ignore[operator]
            and first["rss_mb"] <= 400  # type: ignore[operator]
            and first["articles_per_cpu_s"] >= 500  # type: ignore[operator]
            and first.get("build_ratio", 2) >= 2  # type: ignore[operator]
            and all(
                abs(first[f"{part}_precision"] - precision) <= 0.01  # type: ignore[operator]
                and abs(first[f"{part}_recall"] - recall) <= 0.01  # type: ignore[operator]
                for part, (precision, recall) in seed_only.items()
            )
        )
        print(f"scale_ok={ok}")


if __name__ == "__main__":
    main()
