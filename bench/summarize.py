#!/usr/bin/env python3
"""Turns bench/compare.sh's raw outputs into the tables of BENCHMARKS.md. Every figure is the
median over the rounds; the per-round ratios show how much the VM drifted."""
import glob
import os
import re
import statistics
import sys

out = sys.argv[1]
median = statistics.median


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(path):
    """(p50 ms, p99 ms, req/s, failed requests) of one wrk --latency output."""
    text = open(path).read()
    latency = {m.group(1): ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", text, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    failed += sum(int(n) for n in errors.groups()) if errors else 0
    return latency["50"], latency["99"], rps, failed


def rounds(pattern):
    """The wrk results of files matching pattern with {round}, in round order."""
    paths = glob.glob(os.path.join(out, pattern.format(round="*")))
    number = re.compile(re.escape(pattern).replace(r"\{round\}", r"(\d+)"))
    return [wrk(p) for p in sorted(paths, key=lambda p: int(number.search(p).group(1)))]


def flag(results):
    failed = sum(r[3] for r in results)
    return f" ({failed} failed!)" if failed else ""


print("```")
print(open(os.path.join(out, "machine.txt")).read().strip())
print("```\n")
print("Prepared: " + open(os.path.join(out, "prepare.txt")).read().strip().replace("\n", "; ") + "\n")

print("### Cached: the service against the ceiling\n")
headers = [
    line.split(":")[0].lower()
    for line in open(os.path.join(out, "ceiling-headers.txt")).read().splitlines()[1:]
    if ":" in line
]
size = open(os.path.join(out, "ceiling-body-bytes.txt")).read().strip()
print(f"`GET /v1/top10/global?week=latest&category=films-english`, {size} bytes of JSON with "
      f"{', '.join(f'`{h}`' for h in headers)}; `wrk -t2 -c32 -d10s`, alternating.\n")
service, ceiling = rounds("cached-service-{round}.txt"), rounds("cached-ceiling-{round}.txt")
print("| | req/s | p50 (ms) | p99 (ms) | req/s per round |")
print("|---|---:|---:|---:|---|")
for name, results in (("ceiling (bare axum, same bytes)", ceiling), ("service, cached", service)):
    per_round = ", ".join(f"{r[2]:,.0f}" for r in results)
    print(f"| {name}{flag(results)} | {median(r[2] for r in results):,.0f} | {median(r[0] for r in results):.3f} "
          f"| {median(r[1] for r in results):.3f} | {per_round} |")
rps_ratio = median(r[2] for r in service) / median(r[2] for r in ceiling)
p99_ratio = median(r[1] for r in service) / median(r[1] for r in ceiling)
per_round = ", ".join(f"{s[2] / c[2]:.2f}" for s, c in zip(service, ceiling))
print(f"| **service / ceiling** | **{rps_ratio:.2f}×** (target ≥ 0.7×) | "
      f"{median(r[0] for r in service) / median(r[0] for r in ceiling):.2f}× | "
      f"**{p99_ratio:.2f}×** (target ≤ 1.5×) | {per_round} |\n")

print("### Uncached, one client: the service against the minimal SQL\n")
floors = []
for path in sorted(glob.glob(os.path.join(out, "floor-*.tsv")), key=lambda p: int(re.search(r"(\d+)\.tsv", p).group(1))):
    lines = open(path).read().splitlines()
    names = lines[0].split("\t")
    floors.append({row[0]: dict(zip(names, row)) for row in (line.split("\t") for line in lines[1:])})
print("| endpoint | rows | floor p50 (ms) | service p50 (ms) | ratio | ratio per round | service p99 (ms) |")
print("|---|---:|---:|---:|---:|---|---:|")
for name in floors[0]:
    http = rounds(f"uncached-{{round}}-{name}.txt")
    floor_ms = [float(f[name]["median_ms"]) for f in floors]
    per_round = ", ".join(f"{h[0] / f:.2f}" for h, f in zip(http, floor_ms))
    ratio = median(h[0] for h in http) / median(floor_ms)
    mark = "**" if ratio > 1.3 else ""
    print(f"| {name}{flag(http)} | {floors[0][name]['rows']} | {median(floor_ms):.2f} | {median(h[0] for h in http):.2f} "
          f"| {mark}{ratio:.2f}×{mark} | {per_round} | {median(h[1] for h in http):.2f} |")
print()

print("### Uncached at concurrency 32: the service against Datasette\n")
rows = dict(line.split("\t") for line in open(os.path.join(out, "datasette-rows.tsv")).read().splitlines())
print("| question | rows | service req/s | p50 (ms) | p99 (ms) | Datasette req/s | p50 (ms) | p99 (ms) | service / Datasette req/s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, count in rows.items():
    ours, theirs = rounds(f"versus-service-{{round}}-{name}.txt"), rounds(f"versus-datasette-{{round}}-{name}.txt")
    cells = []
    for results in (ours, theirs):
        cells += [f"{median(r[2] for r in results):,.1f}{flag(results)}", f"{median(r[0] for r in results):.2f}",
                  f"{median(r[1] for r in results):.2f}"]
    theirs_rate = median(r[2] for r in theirs)
    # A side can finish no request in the run's time (Datasette's Jaccard on a loaded machine).
    ratio = f"{median(r[2] for r in ours) / theirs_rate:.2f}×" if theirs_rate else "∞ (Datasette completed none)"
    print(f"| {name} | {count} | {' | '.join(cells)} | {ratio} |")
print()

coalescing = open(os.path.join(out, "coalescing.txt")).read().strip().replace("\n", "; ")
print(f"32 concurrent identical misses: `{coalescing}`\n")
