"""Tables of bench/runtime-overhead from the raw data of one run (numpy from bench/.venv-runtime).

    analyze.py DIR [--boot 2000] [--seed 1] [--json FILE]

DIR holds what the bench wrote:
  app-<mode>-r<round>.lat   one latency in µs per line (open-loop, from the intended send time)
  micro.tsv                 lines "<round>\t<mode>\t<kind>\t<wall ns per call>\t<cpu ns per call>"
  meta.json                 rate, saturation, rounds, modes, durations, targets

Latency percentiles are pooled over the rounds of a mode. Their ratios get a 95 % bootstrap interval from a
two-level resample: rounds with replacement, then the requests within each drawn round with replacement, so
both the round-to-round drift (a loaded 2-core machine) and the sampling error of a tail percentile count.
Microbenchmarks (wall and CPU time per call): ratios are per round (mode / plain of the same round, interleaved), summarised by their
geometric mean; the interval resamples rounds.
"""

import argparse
import json
import math
import os
import re
import sys

import numpy as np


def load_latencies(directory):
    by_mode = {}
    for name in sorted(os.listdir(directory)):
        m = re.fullmatch(r"app-([a-z]+)-r(\d+)\.lat", name)
        if not m:
            continue
        values = np.loadtxt(os.path.join(directory, name), dtype=np.float64, ndmin=1)
        by_mode.setdefault(m.group(1), {})[int(m.group(2))] = values
    return by_mode


def pooled_percentiles(rounds, qs):
    allv = np.concatenate(list(rounds.values()))
    return allv.size, [float(np.percentile(allv, q)) for q in qs]


def bootstrap_ratio(num_rounds, den_rounds, q, draws, rng):
    """95 % interval of percentile_q(num) / percentile_q(den), two-level resample (rounds, then requests)."""
    num = list(num_rounds.values())
    den = list(den_rounds.values())
    ratios = np.empty(draws)
    for i in range(draws):
        ratios[i] = _resampled_percentile(num, q, rng) / _resampled_percentile(den, q, rng)
    return float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))


def _resampled_percentile(rounds, q, rng):
    picks = rng.integers(0, len(rounds), len(rounds))
    parts = [rounds[p][rng.integers(0, rounds[p].size, rounds[p].size)] for p in picks]
    return np.percentile(np.concatenate(parts), q)


def load_micro(path):
    """{(kind, metric): {mode: {round: ns}}}, metric "wall" or "cpu"."""
    data = {}
    if not os.path.exists(path):
        return data
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue
            rnd, mode, kind = int(parts[0]), parts[1], parts[2]
            for metric, value in (("wall", parts[3]), ("cpu", parts[4])):
                data.setdefault((kind, metric), {}).setdefault(mode, {})[rnd] = float(value)
    return data


def paired_ratio(mode_rounds, base_rounds, draws, rng):
    """Geometric mean over rounds of mode/base, and a 95 % interval resampling rounds."""
    common = sorted(set(mode_rounds) & set(base_rounds))
    if not common:
        return None
    logs = np.array([math.log(mode_rounds[r] / base_rounds[r]) for r in common])
    point = math.exp(logs.mean())
    boots = [math.exp(logs[rng.integers(0, logs.size, logs.size)].mean()) for _ in range(draws)]
    return point, float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5)), len(common)


def verdict(point, low, high, limit):
    """PASS/MISS by the point estimate; the note says whether the whole 95 % interval agrees."""
    if point is None:
        return "n/a"
    if point <= limit:
        return "PASS" + (" (whole CI within)" if high <= limit else " (point only; CI reaches %.3f)" % high)
    return "MISS" + (" (whole CI above)" if low > limit else " (point only; CI from %.3f)" % low)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    meta = {}
    meta_path = os.path.join(args.dir, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    p99_target = float(meta.get("p99_target", 1.01))
    exec_target = float(meta.get("exec_target", 1.05))
    summary = {"meta": meta, "app": {}, "app_ratios": {}, "micro": {}, "verdicts": {}}

    lat = load_latencies(args.dir)
    if lat:
        qs = [50, 99, 99.9]
        rounds = sorted({r for m in lat.values() for r in m})
        print(
            "\nInference latency: POST /predict at %s req/s open loop (saturation %s req/s), %d round(s) per mode,"
            " pooled" % (meta.get("rate", "?"), meta.get("saturation", "?"), len(rounds))
        )
        print("%-10s %9s %10s %10s %10s" % ("mode", "requests", "p50 ms", "p99 ms", "p99.9 ms"))
        for mode in [m for m in meta.get("modes", sorted(lat)) if m in lat]:
            n, (p50, p99, p999) = pooled_percentiles(lat[mode], qs)
            summary["app"][mode] = {"requests": n, "p50_us": p50, "p99_us": p99, "p999_us": p999,
                                    "rounds": len(lat[mode])}
            print("%-10s %9d %10.2f %10.2f %10.2f" % (mode, n, p50 / 1000, p99 / 1000, p999 / 1000))
        if "baseline" in lat:
            print(
                "\nratio to baseline, 95 %% CI from %d bootstrap draws (rounds resampled, then requests within them)"
                % args.boot
            )
            print("%-18s %-26s %-26s" % ("", "p50", "p99"))
            for mode in [m for m in meta.get("modes", sorted(lat)) if m in lat and m != "baseline"]:
                cells = []
                entry = {}
                for q in (50, 99):
                    point = summary["app"][mode]["p%d_us" % q] / summary["app"]["baseline"]["p%d_us" % q]
                    low, high = bootstrap_ratio(lat[mode], lat["baseline"], q, args.boot, rng)
                    entry["p%d" % q] = {"ratio": point, "ci95": [low, high]}
                    cells.append("%.3f [%.3f, %.3f]" % (point, low, high))
                summary["app_ratios"][mode] = entry
                print("%-18s %-26s %-26s" % (mode + "/baseline", cells[0], cells[1]))
            if "enforce" in summary["app_ratios"]:
                e = summary["app_ratios"]["enforce"]["p99"]
                v = verdict(e["ratio"], e["ci95"][0], e["ci95"][1], p99_target)
                summary["verdicts"]["p99_overhead_below_1pct"] = v
                print("target: p99 enforce/baseline < %.2f (overhead < 1 %%): %s" % (p99_target, v))

    micro = load_micro(os.path.join(args.dir, "micro.tsv"))
    if micro:
        labels = {"tcp": "TCP connect cycle", "udp": "UDP connect", "exec": "fork+exec /bin/true"}
        print("\nMicrobenchmarks: median per call over rounds (ns; exec µs); wall = elapsed, cpu = user+system of the"
              " process and its children (blind to time blocked on a user-space verdict); ratios = geometric mean"
              " of per-round ratios to plain, 95 % CI resampling rounds")
        print("%-26s %10s %10s %-24s %10s %-24s" % ("", "plain", "enforced", "enforced/plain", "outside",
                                                  "outside/plain"))
        for kind in ("tcp", "udp", "exec"):
            for metric in ("wall", "cpu"):
                modes = micro.get((kind, metric))
                if not modes or "plain" not in modes:
                    continue
                scale = 1000.0 if kind == "exec" else 1.0
                med = {m: float(np.median(list(v.values()))) / scale for m, v in modes.items()}
                row = {"plain": med["plain"]}
                cells = []
                for mode in ("enforced", "outside"):
                    r = paired_ratio(modes[mode], modes["plain"], args.boot, rng) if mode in modes else None
                    if r is None:
                        cells += ["-", "-"]
                        continue
                    row[mode] = med[mode]
                    row[mode + "_ratio"] = {"ratio": r[0], "ci95": [r[1], r[2]], "rounds": r[3]}
                    cells += ["%.1f" % med[mode], "%.3f [%.3f, %.3f]" % (r[0], r[1], r[2])]
                summary["micro"]["%s_%s" % (kind, metric)] = row
                print("%-26s %10.1f %10s %-24s %10s %-24s" % ("%s, %s" % (labels[kind], metric), med["plain"], *cells))
        for metric in ("wall", "cpu"):
            ex = summary["micro"].get("exec_%s" % metric, {}).get("enforced_ratio")
            if ex:
                v = verdict(ex["ratio"], ex["ci95"][0], ex["ci95"][1], exec_target)
                summary["verdicts"]["exec_%s_at_most_x%.2f" % (metric, exec_target)] = v
                print("target: exec enforced/plain (%s) <= %.2f: %s" % (metric, exec_target, v))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
