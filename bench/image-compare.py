#!/usr/bin/env python3
"""Compare package lists of one image from several sources, for bench/image-scan.

    image-compare.py [--title T] SOURCE=KIND:FILE[,FILE...] ... [--json OUT]

KIND is one of
  cyclonedx   a CycloneDX JSON SBOM (Bulwark's `sbom --format cyclonedx`, Trivy's `--format cyclonedx`);
              components are classified by purl type (pkg:deb, pkg:pypi, pkg:apk, pkg:rpm, pkg:conda),
              or by Trivy's `aquasecurity:trivy:PkgType` property when there is no purl
  dpkg        `dpkg-query -W -f '${Package}\\t${Version}\\n'` output
  pip         `pip list --format json` output (several files: one per Python environment)
  expected    bench/gen-image.py's expected.json

The first SOURCE is the reference. For every other source it prints how many packages both list,
every package both list with different versions, and the packages only one side lists (grouped by
ecosystem). Then the first two non-reference sources against each other. Names are compared as
the ecosystem does (Python names PEP 503-normalised; dpkg names as they are; the `:amd64`
architecture suffix dropped). A package may have several versions (two Python environments), so a
package is a name with a set of versions; the sets must be equal.

Standard library only. Exit status 0 (differences are results), 2 when a file cannot be read.
"""

import json
import re
import sys
from collections import defaultdict
from urllib.parse import unquote

ECOS = ("deb", "python", "apk", "rpm", "conda", "other")


def norm(eco, name):
    if eco == "python":
        return re.sub(r"[-_.]+", "-", name).lower()
    if eco == "deb":
        return name.split(":", 1)[0]
    return name


def purl_eco(purl):
    m = re.match(r"pkg:([a-z0-9.+-]+)/", purl or "")
    if not m:
        return None
    t = m.group(1)
    return {"deb": "deb", "pypi": "python", "apk": "apk", "rpm": "rpm", "conda": "conda"}.get(t, "other")


TRIVY_TYPES = {"debian": "deb", "ubuntu": "deb", "alpine": "apk", "python-pkg": "python", "pip": "python",
               "pipenv": "python", "poetry": "python", "conda-pkg": "conda", "redhat": "rpm", "centos": "rpm",
               "rocky": "rpm", "alma": "rpm", "amazon": "rpm", "fedora": "rpm"}


def walk(components):
    for c in components or []:
        yield c
        yield from walk(c.get("components"))


def load_cyclonedx(path, pkgs, notes):
    doc = json.load(open(path, encoding="utf-8"))
    skipped = defaultdict(int)
    for c in walk(doc.get("components")):
        ctype = c.get("type", "library")
        if ctype not in ("library", "application", "framework"):
            skipped[ctype] += 1
            continue
        name, version = c.get("name"), c.get("version")
        if not name:
            skipped["no name"] += 1
            continue
        eco = purl_eco(c.get("purl"))
        if eco is None:
            props = {p.get("name"): p.get("value") for p in c.get("properties") or []}
            eco = TRIVY_TYPES.get(props.get("aquasecurity:trivy:PkgType", ""), "other")
        if c.get("purl"):  # the purl's name is the package manager's; CycloneDX `name` may carry a group
            m = re.match(r"pkg:[^/]+/(?:[^/@?#]+/)*([^/@?#]+)@", c["purl"])
            if m:
                name = unquote(m.group(1))
        pkgs[eco][norm(eco, name)].add(version or "")
    for k, v in sorted(skipped.items()):
        notes.append(f"{v} {k} component(s) not counted")


def load_dpkg(path, pkgs, notes):
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        name, _, version = line.partition("\t")
        if not version:  # dpkg-query lists packages with no version (not installed, config-files) with an empty one
            notes.append(f"no version: {name}")
            continue
        pkgs["deb"][norm("deb", name)].add(version)


def load_pip(path, pkgs, notes):
    text = open(path, encoding="utf-8").read().strip()
    if not text:
        notes.append(f"empty pip list: {path}")
        return
    for item in json.loads(text):
        pkgs["python"][norm("python", item["name"])].add(item["version"])


def load_expected(path, pkgs, notes):
    doc = json.load(open(path, encoding="utf-8"))
    for name, v in doc.get("deb", {}).items():
        pkgs["deb"][norm("deb", name)].add(v)
    for name, v in doc.get("python", {}).items():
        pkgs["python"][norm("python", name)].add(v)


LOADERS = {"cyclonedx": load_cyclonedx, "dpkg": load_dpkg, "pip": load_pip, "expected": load_expected}


def fmt_versions(vs):
    return ", ".join(sorted(vs)) or "(none)"


def compare(a_name, a, b_name, b, out, limit=60):
    both = same = 0
    differ, only_a, only_b = [], defaultdict(list), defaultdict(list)
    for eco in ECOS:
        for name in sorted(set(a[eco]) | set(b[eco])):
            if name in a[eco] and name in b[eco]:
                both += 1
                if a[eco][name] == b[eco][name]:
                    same += 1
                else:
                    differ.append((eco, name, a[eco][name], b[eco][name]))
            elif name in a[eco]:
                only_a[eco].append(name)
            else:
                only_b[eco].append(name)
    out.append(f"{b_name} against {a_name}: {both} packages both list, {same} with equal versions, "
               f"{len(differ)} differ; {sum(map(len, only_a.values()))} only in {a_name}, "
               f"{sum(map(len, only_b.values()))} only in {b_name}")
    if differ:
        out.append(f"  versions differ ({len(differ)}):")
        for eco, name, va, vb in differ[:limit]:
            out.append(f"    {eco:6s} {name:32s} {a_name}: {fmt_versions(va):24s} {b_name}: {fmt_versions(vb)}")
        if len(differ) > limit:
            out.append(f"    … {len(differ) - limit} more")
    for label, group in ((f"only {a_name}", only_a), (f"only {b_name}", only_b)):
        for eco in ECOS:
            names = group.get(eco)
            if names:
                shown = " ".join(names[:limit]) + (f" … ({len(names) - limit} more)" if len(names) > limit else "")
                out.append(f"  {label} lists ({eco}, {len(names)}): {shown}")
    return {"both": both, "equal": same, "differ": len(differ),
            "only_" + a_name: sum(map(len, only_a.values())), "only_" + b_name: sum(map(len, only_b.values()))}


def main(argv):
    title, json_out, sources = None, None, []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--title":
            title = argv[i + 1]
            i += 2
            continue
        if arg == "--json":
            json_out = argv[i + 1]
            i += 2
            continue
        name, _, spec = arg.partition("=")
        kind, _, files = spec.partition(":")
        if kind not in LOADERS or not files:
            print(f"image-compare: bad source '{arg}' (want NAME=KIND:FILE[,FILE])", file=sys.stderr)
            return 2
        sources.append((name, kind, files.split(",")))
        i += 1
    if len(sources) < 2:
        print("image-compare: need at least two sources", file=sys.stderr)
        return 2
    loaded, notes = [], {}
    for name, kind, files in sources:
        pkgs = {eco: defaultdict(set) for eco in ECOS}
        notes[name] = []
        for f in files:
            try:
                LOADERS[kind](f, pkgs, notes[name])
            except (OSError, ValueError, KeyError, TypeError) as e:
                print(f"image-compare: {name}: cannot read {f}: {e}", file=sys.stderr)
                return 2
        loaded.append((name, pkgs))
    out = []
    if title:
        out.append(title)
    width = max(len(n) for n, _ in loaded)
    used = [e for e in ECOS if any(p[e] for _, p in loaded)]
    out.append("  " + "source".ljust(width) + "".join(f"{e:>9s}" for e in used) + f"{'total':>9s}")
    for name, pkgs in loaded:
        out.append("  " + name.ljust(width) + "".join(f"{len(pkgs[e]):9d}" for e in used) + f"{sum(len(pkgs[e]) for e in ECOS):9d}")
        for n in notes[name][:5]:
            out.append("  " + " " * width + f"   ({n})")
    result = {"counts": {n: {e: len(p[e]) for e in ECOS} for n, p in loaded}, "pairs": {}}
    ref_name, ref = loaded[0]
    for name, pkgs in loaded[1:]:
        result["pairs"][f"{name}~{ref_name}"] = compare(ref_name, ref, name, pkgs, out)
    if len(loaded) >= 3:
        (n1, p1), (n2, p2) = loaded[1], loaded[2]
        result["pairs"][f"{n2}~{n1}"] = compare(n1, p1, n2, p2, out)
    print("\n".join(out))
    if json_out:
        with open(json_out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
