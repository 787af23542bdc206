#!/usr/bin/env python3
"""Runs one peer scanner over every file of a model corpus, in one process, and writes one JSON
line per file: {"path", "verdict": "finding"|"error"|"clean", "detail"}.

    bench/.venv-TOOL/bin/python bench/model-peer.py TOOL CORPUS_DIR OUT.jsonl

Run with the tool's own venv. Each tool is called through the library function its own CLI
calls for one file, so the verdict is the one `TOOL FILE` would give, without paying the
interpreter's start-up once per file:

- picklescan: scanner.scan_file_path(path) (what `picklescan -p FILE` runs); "picklescan-strict"
  passes strict=True (`--strict`: suspicious globals count as dangerous). finding = issues_count > 0,
  error = scan_err.
- modelscan: ModelScan().scan(path) with the default settings (`modelscan -p FILE`). finding =
  issues, error = errors; a file modelscan skips (format it does not read) is clean, as its exit 0 says.
- fickling: loader.scan_zip_archive for zips (members named .pkl/.pickle/.bin), else
  loader.scan_file, both graceful=True (the CLI's --check-safety stops at the first parse error).
  finding = a result above LIKELY_SAFE, error = only parse errors (no analysis result above LIKELY_SAFE).
- modelaudit: core.scan_model_directory_or_file(path) then determine_exit_code, exactly as
  `modelaudit scan FILE` decides 1 (findings: WARNING/CRITICAL) or 2 (operational error or
  incomplete coverage). Telemetry is off (PROMPTFOO_DISABLE_TELEMETRY=1, NO_ANALYTICS=1).

Each file gets at most PEER_TIMEOUT seconds (SIGALRM, default 60); a timeout or an exception
is an error. PEER_PER_CLASS=N scans only the first N files of each class (for modelaudit, which
takes seconds per file); the table then counts only the files scanned.
"""
import json
import os
import signal
import sys
import traceback


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def picklescan(strict):
    from picklescan import scanner

    def scan(path):
        result = scanner.scan_file_path(path, strict=strict)
        dangerous = sorted({f"{g.module}.{g.name}" for g in result.globals if g.safety.name in ("Dangerous",) or (strict and g.safety.name == "Suspicious")})
        if result.issues_count > 0:
            return "finding", ", ".join(dangerous)[:300] or f"{result.issues_count} issues"
        if result.scan_err:
            return "error", "scan error"
        return "clean", ""
    return scan


def modelscan():
    from modelscan.modelscan import ModelScan
    from modelscan.settings import DEFAULT_SETTINGS

    def scan(path):
        result = ModelScan(settings=DEFAULT_SETTINGS).scan(path)
        issues = result.get("issues", [])
        if issues:
            return "finding", ", ".join(sorted({f"{i.get('severity')}:{i.get('operator', '')}" for i in issues}))[:300]
        if result.get("errors"):
            return "error", "; ".join(str(e.get("description", e)) for e in result["errors"])[:300]
        skipped = result.get("summary", {}).get("skipped", {}).get("total_skipped", 0)
        return "clean", "skipped" if skipped else ""
    return scan


def fickling():
    import zipfile
    from fickling.analysis import Severity
    from fickling.loader import scan_file, scan_zip_archive

    def scan(path):
        results = list(scan_zip_archive(path, graceful=True).values()) if zipfile.is_zipfile(path) else [scan_file(path, graceful=True)]
        analysed = [a for r in results for a in r.results]
        worst = max([a.severity for a in analysed], default=Severity.LIKELY_SAFE, key=lambda s: s.value[0])
        if worst.value[0] > Severity.LIKELY_SAFE.value[0]:
            return "finding", worst.name
        errors = [e for r in results for e in r.errors]
        if errors:
            return "error", "; ".join(errors)[:300]
        return "clean", "no pickle member" if not results else ""
    return scan


def modelaudit():
    from modelaudit.core import scan_model_directory_or_file
    from modelaudit.core_results import determine_exit_code

    def scan(path):
        result = scan_model_directory_or_file(path)
        code = determine_exit_code(result)
        issues = [i for i in result.issues if str(getattr(i.severity, "value", i.severity)).lower() in ("warning", "critical")]
        detail = "; ".join(sorted({i.message for i in issues}))[:300]
        return {1: "finding", 2: "error"}.get(code, "clean"), detail
    return scan


def main():
    tool, corpus, out = sys.argv[1:4]
    timeout = int(os.environ.get("PEER_TIMEOUT", "60"))
    scan = {"picklescan": lambda: picklescan(False), "picklescan-strict": lambda: picklescan(True),
            "modelscan": modelscan, "fickling": fickling, "modelaudit": modelaudit}[tool]()
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    per_class = int(os.environ.get("PEER_PER_CLASS", "0"))
    if per_class:  # a slow tool gets the first N files of each class (sorted by path)
        taken = {}
        files = []
        for entry in manifest["files"]:
            key = (entry["expected"], entry["class"])
            if taken.get(key, 0) < per_class:
                taken[key] = taken.get(key, 0) + 1
                files.append(entry)
        manifest["files"] = files
    signal.signal(signal.SIGALRM, on_alarm)
    with open(out, "w") as f:
        for entry in manifest["files"]:
            path = os.path.join(corpus, entry["path"])
            signal.alarm(timeout)
            try:
                verdict, detail = scan(path)
            except Timeout:
                verdict, detail = "error", f"timeout after {timeout} s"
            except Exception as error:  # a crash on one file is that file's error, not the run's
                verdict, detail = "error", f"{type(error).__name__}: {error}"[:300]
            finally:
                signal.alarm(0)
            f.write(json.dumps({"path": entry["path"], "verdict": verdict, "detail": detail}) + "\n")


if __name__ == "__main__":
    main()
