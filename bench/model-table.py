#!/usr/bin/env python3
"""The true/false-positive table of bench/model-scan-vs-peers.

    python3 bench/model-table.py bulwark-jsonl REPORT.json CORPUS_DIR OUT.jsonl
        turns a `bulwark model scan CORPUS_DIR --format json` report into per-file verdicts
    python3 bench/model-table.py table CORPUS_DIR TOOL=VERDICTS.jsonl ... [--misses TOOL]
        prints per tool and class: malicious TP / ERR / FN, benign FP / ERR / TN, then totals

A file's verdict: "finding" (the tool reports a problem in it), "error" (it says it could not
scan it) or "clean". Bulwark: any finding whose location.file is the file (any severity), else
an entry of `errors` for it, else clean (warnings, such as "compressed member is not analysed",
do not count).
"""
import collections
import json
import os
import sys


def bulwark_jsonl(report_path, corpus, out):
    report = json.load(open(report_path))
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    root = os.path.abspath(corpus)

    def rel(name):
        name = os.path.abspath(name) if not os.path.isabs(name) else name
        return os.path.relpath(name, root)
    findings, errors = collections.defaultdict(set), collections.defaultdict(list)
    for finding in report.get("findings", []):
        if not finding.get("suppressed"):
            findings[rel(finding["location"]["file"])].add(finding["ruleId"])
    for error in report.get("errors", []):
        errors[rel(error["file"])].append(error.get("message", ""))
    with open(out, "w") as f:
        for entry in manifest["files"]:
            path = entry["path"]
            if findings[path]:
                verdict, detail = "finding", ", ".join(sorted(findings[path]))
            elif errors[path]:
                verdict, detail = "error", "; ".join(errors[path])[:300]
            else:
                verdict, detail = "clean", ""
            f.write(json.dumps({"path": path, "verdict": verdict, "detail": detail}) + "\n")


def table(corpus, tools, misses):
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    entries = manifest["files"]
    verdicts = {}
    for tool, path in tools:
        verdicts[tool] = {row["path"]: row for row in map(json.loads, open(path))}
    names = [t for t, _ in tools]
    width = max(len(n) for n in names)

    def cell(counts, expected):
        if expected == "malicious":
            return f"{counts['finding']:>3} {counts['error']:>3} {counts['clean']:>3}"
        return f"{counts['finding']:>3} {counts['error']:>3} {counts['clean']:>3}"

    for expected, head in (("malicious", "TP ERR  FN"), ("benign", "FP ERR  TN"), ("inert", "flagged ERR  clean; payload the loader never runs")):
        if not any(e["expected"] == expected for e in entries):
            continue
        classes = sorted({(e["family"], e["class"]) for e in entries if e["expected"] == expected})
        print(f"\n{expected} files (per tool: {head}; ERR = the tool said it could not scan the file)")
        print(f"{'class':<40} {'family':<18} {'n':>3}  " + "  ".join(f"{n:^{max(11, len(n))}}" for n in names))
        totals = {n: collections.Counter() for n in names}
        family_totals = {n: collections.defaultdict(collections.Counter) for n in names}
        for family, cls in classes:
            files = [e["path"] for e in entries if e["class"] == cls and e["expected"] == expected]
            row = f"{cls:<40} {family:<18} {len(files):>3}  "
            cells = []
            for n in names:
                counts = collections.Counter(verdicts[n].get(p, {"verdict": "missing"})["verdict"] for p in files)
                totals[n].update(counts)
                family_totals[n]["pickle" if family == "pickle" else "other formats"].update(counts)
                cells.append(f"{cell(counts, expected):^{max(11, len(n))}}")
            print(row + "  ".join(cells))
        for label in ("pickle", "other formats"):
            n_files = sum(1 for e in entries if e["expected"] == expected and (e["family"] == "pickle") == (label == "pickle"))
            print(f"{'total, ' + label:<59} {n_files:>3}  " + "  ".join(
                f"{cell(family_totals[n][label], expected):^{max(11, len(n))}}" for n in names))
        n_all = sum(1 for e in entries if e["expected"] == expected)
        print(f"{'total':<59} {n_all:>3}  " + "  ".join(f"{cell(totals[n], expected):^{max(11, len(n))}}" for n in names))
    for tool in misses:
        print(f"\n{tool}: malicious files not flagged, benign files flagged")
        for e in entries:
            row = verdicts[tool].get(e["path"], {"verdict": "missing", "detail": ""})
            bad = (e["expected"] == "malicious" and row["verdict"] != "finding") or (e["expected"] == "benign" and row["verdict"] != "clean")
            if bad:
                print(f"  {e['expected'][:3]} {row['verdict']:<7} {e['path']}  {row.get('detail', '')[:160]}")


def main():
    if sys.argv[1] == "bulwark-jsonl":
        bulwark_jsonl(*sys.argv[2:5])
    elif sys.argv[1] == "table":
        corpus, rest = sys.argv[2], sys.argv[3:]
        misses = []
        tools = []
        i = 0
        while i < len(rest):
            if rest[i] == "--misses":
                misses.append(rest[i + 1]); i += 2
            else:
                tool, path = rest[i].split("=", 1); tools.append((tool, path)); i += 1
        table(corpus, tools, misses)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
