"""The labelling tool: turn a draft's name references into QIDs read from the seed files.

Why it exists: a gold QID must come from a file that states it, never from
memory. A draft (`drafts/*.txt`) holds texts as

    ### <id>
    <title>
    <body: paragraphs separated by blank lines>
    @ <surface text> | <PER|ORG|LOC|MISC> | <ref>

where `ref` is
- `-`: the labeller says no shipped source has the entity (NIL);
- `"Name"` or `"Name@hint"`: a row whose label or alias equals Name (folded)
  and, with a hint, whose description/country/source text contains the hint.
Exactly one row must match, or the tool stops and lists the rows it found, so
the labeller reads each row before a QID goes into the gold. For NIL entries
it prints the rows that carry the same name, so the labeller checks that the
true referent is really absent (e.g. "Ajax" matches only Ajax, Ontario).

Every surface text must occur in the title or body. Usage:
python resolve_gold.py drafts/*.txt > texts.jsonl
(reads /work/shared/data/kb or ../shared/data/kb beside the checkout, and
`linkers/data/seed/extra_aliases.tsv`). Not imported by any test.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
SEED = REPO / "linkers" / "data" / "seed"
SHARED = next(
    p for p in (REPO.parent / "shared" / "data" / "kb", Path("/work/shared/data/kb")) if p.is_dir()
)


def fold(name: str) -> str:
    text = unicodedata.normalize("NFD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("-", " ").split())


def _rows() -> list[tuple[str, list[str], str]]:
    """(qid, names, descriptive text) per row of every seed source."""
    out: list[tuple[str, list[str], str]] = []
    with (SHARED / "naturalearth_10m_countries_qid_nl_en.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names = [r["NAME_EN"], r["NAME_NL"], r["ADMIN"], r["NAME_LONG"], r["FORMAL_EN"]]
            out.append((r["WIKIDATAID"], names, f"ne-country {r['TYPE']} {r['CONTINENT']}"))
    with (SHARED / "naturalearth_50m_populated_places_qid_nl_en.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names = [r["NAME_EN"], r["NAME_NL"], r["NAME"], *r["NAMEALT"].split("|")]
            out.append((r["WIKIDATAID"], names, f"ne-place50 {r['ADM0NAME']} {r['ADM1NAME']}"))
    with (SHARED / "naturalearth_10m_populated_places_v4_qid_en.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names = [r["NAME_EN"], r["NAME"], *r["NAMEALT"].split("|")]
            out.append((r["wikidataid"], names, f"ne-place10 {r['ADM0NAME']} {r['ADM1NAME']}"))
    for name in ("verified_entities.tsv", "sourced_entities.tsv"):
        with (SHARED / name).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh, delimiter="\t"):
                names = [r["label_en"], r["label_nl"]]
                names += r["aliases_en"].split("|") + r["aliases_nl"].split("|")
                desc = f"{name} {r['type']} {r['description_en']} {r.get('source', '')}"
                out.append((r["qid"], names, desc))
    extra = (SEED / "extra_aliases.tsv").read_text(encoding="utf-8").splitlines()
    for line in extra:
        if line.startswith("Q"):
            qid, alias, _lang, why = line.split("\t")
            out.append((qid, [alias], f"extra_aliases {why}"))
    return [(q.strip(), [n for n in names if n.strip()], d) for q, names, d in out if q.strip()]


def read_drafts(path: str) -> list[dict]:
    """Parse one draft file (format in the module docstring)."""
    records: list[dict] = []
    for chunk in Path(path).read_text(encoding="utf-8").split("### ")[1:]:
        lines = chunk.rstrip("\n").split("\n")
        gold = [ln[2:].split(" | ") for ln in lines if ln.startswith("@ ")]
        text = [ln for ln in lines[2:] if not ln.startswith("@ ")]
        body = "\n".join(text).strip("\n")
        for g in gold:
            if len(g) != 3 or g[1] not in ("PER", "ORG", "LOC", "MISC"):
                sys.exit(f"{lines[0]}: bad gold line {g}")
            if g[0] not in lines[1] and g[0] not in body:
                sys.exit(f"{lines[0]}: {g[0]!r} is not in the text")
            g[2] = None if g[2] == "-" else g[2]
        records.append(
            {"id": lines[0].strip(), "title": lines[1].strip(), "body": body, "gold": gold}
        )
    return records


def main(paths: list[str]) -> None:
    index: dict[str, list[tuple[str, str]]] = {}
    for qid, names, desc in _rows():
        for name in {fold(n) for n in names}:
            index.setdefault(name, []).append((qid, desc))
    problems = 0
    for path in paths:
        for rec in read_drafts(path):
            gold = []
            for text, etype, ref in rec["gold"]:
                if ref is None:
                    rows = index.get(fold(text), [])
                    for qid, desc in rows:
                        print(f"NIL-CHECK {rec['id']} {text!r}: {qid} {desc}", file=sys.stderr)
                    gold.append({"text": text, "type": etype, "qid": None})
                    continue
                name, _, hint = ref.partition("@")
                rows = index.get(fold(name), [])
                hits = sorted({q for q, d in rows if hint.lower() in d.lower()})
                if len(hits) != 1:
                    problems += 1
                    print(f"UNRESOLVED {rec['id']} {text!r} ref={ref!r}:", file=sys.stderr)
                    for qid, desc in rows:
                        print(f"    {qid} {desc}", file=sys.stderr)
                    continue
                descs = sorted({d for q, d in rows if q == hits[0]})
                print(f"OK {rec['id']} {text!r} -> {hits[0]} {descs[0][:90]}", file=sys.stderr)
                gold.append({"text": text, "type": etype, "qid": hits[0]})
            rec["gold"] = gold
            print(json.dumps(rec, ensure_ascii=False))
    if problems:
        sys.exit(f"{problems} unresolved references")


if __name__ == "__main__":
    main(sys.argv[1:])
