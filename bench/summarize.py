#!/usr/bin/env python3
"""Turns bench/run.sh's raw outputs into the tables of BENCHMARKS.md."""
import glob
import os
import re
import statistics
import sys

out = sys.argv[1]


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(path):
    text = open(path).read()
    latency = {m.group(1): ms(m.group(2)) for m in re.finditer(r"^\s+(50|90|99)%\s+(\S+)", text, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return latency, rps, int(errors.group(1)) if errors else 0


def floor_p50s(path):
    rows = open(path).read().splitlines()[1:]
    return {name: float(median) for name, _runs, median, _p90, _p99 in (row.split("\t") for row in rows)}


scales = sorted({re.search(r"floor-(\d+)-", p).group(1) for p in glob.glob(os.path.join(out, "floor-*.tsv"))}, key=int)
print(open(os.path.join(out, "machine.txt")).read())
for scale in scales:
    rounds = sorted(
        {re.search(rf"floor-{scale}-(\d+)\.tsv", p).group(1) for p in glob.glob(os.path.join(out, f"floor-{scale}-*.tsv"))},
        key=int,
    )
    print(f"### Scale {scale}\n")
    prepare = open(os.path.join(out, f"prepare-{scale}.txt")).read().strip().replace("\n", "; ")
    print(f"Prepared: {prepare}\n")
    floors = [floor_p50s(os.path.join(out, f"floor-{scale}-{r}.tsv")) for r in rounds]
    print(f"Uncached: medians over {len(rounds)} alternating rounds (floor, then HTTP); cached: one 10 s run at c=32.\n")
    print("| endpoint | floor p50 (ms) | uncached HTTP p50 (ms) | ratio | ratio per round | uncached p99 (ms) | cached req/s | cached p50 (ms) | cached p99 (ms) |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for name in floors[0]:
        uncached = [wrk(os.path.join(out, f"uncached-{scale}-{r}-{name}.txt")) for r in rounds]
        cached, rps, cached_errors = wrk(os.path.join(out, f"cached-{scale}-{name}.txt"))
        floor_ms = statistics.median(f[name] for f in floors)
        http_ms = statistics.median(u[0]["50"] for u in uncached)
        per_round = ", ".join(f"{u[0]['50'] / f[name]:.2f}" for u, f in zip(uncached, floors))
        p99 = statistics.median(u[0]["99"] for u in uncached)
        flag = " (errors!)" if cached_errors or any(u[2] for u in uncached) else ""
        print(
            f"| {name}{flag} | {floor_ms:.2f} | {http_ms:.2f} | {http_ms / floor_ms:.2f}x | {per_round} | {p99:.2f} "
            f"| {rps:,.0f} | {cached['50']:.3f} | {cached['99']:.3f} |"
        )
    coalescing = open(os.path.join(out, f"coalescing-{scale}.txt")).read().strip().replace("\n", "; ")
    print(f"\n32 concurrent identical misses: `{coalescing}`\n")
