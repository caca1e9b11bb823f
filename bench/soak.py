#!/usr/bin/env python3
"""The ingesting and checking half of bench/soak.sh; standard library only.

prepare: loads the real Top 10 files into the running service, picks the probe (the latest week's
number one English film) and writes the request paths the load generator chooses among.

drive: for --secs seconds, re-ingests the global file with the probe's hours edited (a new value
each round, so every run really writes and the data version moves) while reader threads fetch the
probe's hours from two endpoints, /v1/top10/global and /v1/analytics/weekly-hours. The soak fails
if any request is not answered 200, if a data version answered two different values (the two
endpoints disagreeing, or one URL changing its answer), if a version answered a value other than
the one the run that produced it wrote, if readers saw a version no run ended at, if a run
failed, or if the version never moved (then nothing was checked). With --source all each round
triggers an `all` run instead, whose Top 10 step writes the same edit.
"""

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

CATEGORY = "Films (English)"
GLOBAL_FILE = "all-weeks-global.tsv"
HOURS_COLUMN = "weekly_hours_viewed"


class Client:
    """One keep-alive connection to the service."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.conn = None

    def request(self, method, path, headers=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.headers, response.read()
            except (ConnectionError, http.client.HTTPException):
                # A keep-alive connection the server closed between requests; reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def json(self, path):
        status, headers, body = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
        return headers, json.loads(body)


def ingest(client, token, source):
    """Triggers a run and waits for it; returns its record."""
    status, _, body = client.request("POST", f"/v1/ingest/{source}", {"Authorization": f"Bearer {token}"})
    if status != 202:
        raise SystemExit(f"POST /v1/ingest/{source}: {status} {body[:300]!r}")
    path = json.loads(body)["links"]["self"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        _, run = client.json(path)
        if run["status"] in ("succeeded", "failed"):
            return run
        time.sleep(0.1)
    raise SystemExit(f"run {path} did not finish in 300 s")


def wrote_top10(run, source):
    """A top10 run that succeeded, or an `all` run whose Top 10 step did: without API keys its
    catalog and YouTube steps fail at once, and the parent with them."""
    if run["status"] == "succeeded":
        return True
    return source == "all" and any(s["source"] == "top10" and s["status"] == "succeeded" for s in run["steps"])


def global_hours(body, title):
    rows = [r for r in body["data"] if r["show_title"] == title]
    return sum(r["weekly_hours_viewed"] for r in rows) if rows else None


def weekly_hours(body, title_id, week):
    rows = [r for r in body["data"] if r["title_id"] == title_id and r["week"] == week]
    return rows[0]["hours_viewed"] if rows else None


def probe_paths(probe):
    week, category = probe["week"], urllib.parse.quote(probe["category"])
    return (
        f"/v1/top10/global?week={week}&category={category}",
        f"/v1/analytics/weekly-hours?title={probe['title_id']}&format=json",
    )


def prepare(args):
    client = Client(args.base)
    run = ingest(client, os.environ["NA_ADMIN_TOKEN"], "top10")
    if run["status"] != "succeeded":
        raise SystemExit(f"the initial load failed: {json.dumps(run)[:1000]}")
    print(f"initial load: run {run['id']} in {run['duration_ms']} ms, data version {run['data_version']}")

    _, top = client.json(f"/v1/top10/global?category={urllib.parse.quote(CATEGORY)}")
    first = top["data"][0]
    week, title, hours = first["week"], first["show_title"], first["weekly_hours_viewed"]
    _, by_name = client.json(f"/v1/analytics/weekly-hours?title={urllib.parse.quote(title)}&format=json")
    ids = {
        r["title_id"]
        for r in by_name["data"]
        if r["title"] == title and r["week"] == week and r["hours_viewed"] == hours
    }
    if len(ids) != 1:
        raise SystemExit(f"{title!r} in {week}: expected one title with {hours} hours, found {ids}")
    probe = {"week": week, "category": CATEGORY, "title": title, "title_id": ids.pop(), "hours": hours}

    lines = open(os.path.join(args.feeds, GLOBAL_FILE), encoding="utf-8").read().split("\n")
    header = lines[0].split("\t")
    matching = [
        i
        for i, line in enumerate(lines[1:], start=1)
        if line.split("\t")[:4] == [week, CATEGORY, "1", title]
        and line.split("\t")[header.index(HOURS_COLUMN)] == str(hours)
    ]
    if len(matching) != 1:
        raise SystemExit(f"expected one line for the probe in {GLOBAL_FILE}, found {len(matching)}")
    probe["line"] = matching[0]
    with open(os.path.join(args.out, "probe.json"), "w") as f:
        json.dump(probe, f)
    print(f"probe: {json.dumps(probe)}")

    # The hot paths are a fixed set, so after one miss per data version they are served from the
    # cache; the cold ones vary their parameters over thousands of combinations, so most miss.
    _, weeks = client.json("/v1/weeks")
    _, countries = client.json("/v1/countries")
    _, titles = client.json("/v1/analytics/top-titles?limit=1")
    global_weeks = [w["week"] for w in weeks["data"] if w["global_lists"] > 0]
    country_weeks = [w["week"] for w in weeks["data"] if w["country_lists"] > 0]
    hot = [
        "/v1/analytics/top-titles?limit=20",
        "/v1/analytics/top-titles?region=US&limit=20",
        f"/v1/titles/{probe['title_id']}/trajectory",
        "/v1/analytics/engagement-vs-rank?limit=20",
        "/v1/analytics/regional-preferences",
        "/v1/analytics/regional-similarity?limit=100",
        "/v1/analytics/category-viewership",
        "/v1/analytics/weekly-hours",
        "/v1/top10/global",
        "/v1/weeks",
    ]
    slugs = ["films-english", "films-non-english", "tv-english", "tv-non-english"]
    rng = random.Random(20261130)
    cold = set()
    while len(cold) < 5000:
        kind = rng.randrange(4)
        if kind == 0:
            cold.add(f"/v1/top10/global?week={rng.choice(global_weeks)}&category={rng.choice(slugs)}")
        elif kind == 1:
            # Countries joined and left the lists (RU ends 2022-02-27): only weeks each one has.
            country = rng.choice(countries["data"])
            weeks_held = [w for w in country_weeks if country["first_week"] <= w <= country["last_week"]]
            cold.add(f"/v1/top10/countries/{country['country_iso2']}?week={rng.choice(weeks_held)}")
        elif kind == 2:
            cold.add(f"/v1/analytics/top-titles?limit=10&offset={rng.randrange(titles['meta']['total'])}")
        else:
            a, b = sorted(rng.sample(global_weeks, 2))
            cold.add(f"/v1/analytics/weekly-hours?from={a}&to={b}&top=5")
    with open(os.path.join(args.out, "paths.txt"), "w") as f:
        f.writelines(f"hot {p}\n" for p in hot)
        f.writelines(f"cold {p}\n" for p in sorted(cold))
    print(f"paths: {len(hot)} hot, {len(cold)} cold")


class Observations:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}  # data version -> {path: set of hours}
        self.requests = 0
        self.errors = []

    def add(self, version, path, value):
        with self.lock:
            self.requests += 1
            self.values.setdefault(version, {}).setdefault(path, set()).add(value)

    def error(self, message):
        with self.lock:
            self.requests += 1
            self.errors.append(message)


def read_probe(client, path, probe, observations):
    status, headers, body = client.request("GET", path)
    if status != 200:
        observations.error(f"GET {path}: {status} {body[:200]!r}")
        return
    doc = json.loads(body)
    version = doc["meta"]["data_version"]
    if headers.get("X-Data-Version") != str(version):
        observations.error(
            f"GET {path}: X-Data-Version {headers.get('X-Data-Version')} but meta.data_version {version}"
        )
        return
    if path.startswith("/v1/top10/global"):
        value = global_hours(doc, probe["title"])
    else:
        value = weekly_hours(doc, probe["title_id"], probe["week"])
    observations.add(version, path, value)


def reader(base, probe, stop, observations, interval):
    client = Client(base)
    paths = probe_paths(probe)
    while not stop.is_set():
        for path in paths:
            read_probe(client, path, probe, observations)
        # Paced, so the checker does not take a core from the service on a small machine.
        stop.wait(interval)


def write_global(feeds, lines):
    # Whole-file replace, so a run never reads a half-written file.
    path = os.path.join(feeds, GLOBAL_FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(path + ".tmp", path)


def drive(args):
    probe = json.load(open(os.path.join(args.out, "probe.json")))
    token = os.environ["NA_ADMIN_TOKEN"]
    client = Client(args.base)
    _, start = client.json("/readyz")
    expected = {start["data_version"]: probe["hours"]}  # data version -> the hours its run wrote
    lines = open(os.path.join(args.feeds, GLOBAL_FILE), encoding="utf-8").read().split("\n")
    column = lines[0].split("\t").index(HOURS_COLUMN)

    observations = Observations()
    stop = threading.Event()
    readers = [
        threading.Thread(target=reader, args=(args.base, probe, stop, observations, args.interval))
        for _ in range(args.readers)
    ]
    for t in readers:
        t.start()

    runs, failures = [], []
    deadline = time.monotonic() + args.secs
    time.sleep(min(args.pause, args.secs / 4))
    # No trigger when too little time is left for its run to finish inside the soak; a shortened
    # soak still gets at least one.
    last_trigger = deadline - min(args.run_secs, args.secs / 3)
    while time.monotonic() < last_trigger and len(runs) < args.max_runs:
        hours = probe["hours"] + 1000 * (len(runs) + 1)
        cells = lines[probe["line"]].split("\t")
        cells[column] = str(hours)
        lines[probe["line"]] = "\t".join(cells)
        write_global(args.feeds, lines)
        run = ingest(client, token, args.source)
        runs.append(run)
        if not wrote_top10(run, args.source):
            failures.append(f"run {run['id']} {run['status']}: {json.dumps(run.get('error'))}")
        elif run["data_version"] in expected:
            failures.append(f"run {run['id']} wrote {hours} but left the data version at {run['data_version']}")
        else:
            expected[run["data_version"]] = hours
        print(f"run {run['id']}: {run['status']} in {run['duration_ms']} ms, ", end="")
        print(f"data version {run['data_version']}, hours {hours}")
        time.sleep(args.pause)
    time.sleep(max(0.0, deadline - time.monotonic()))
    stop.set()
    for t in readers:
        t.join()

    failures += observations.errors[:20]
    if len(observations.errors) > 20:
        failures.append(f"... and {len(observations.errors) - 20} more failed reads")
    for version, by_path in sorted(observations.values.items()):
        seen = set().union(*by_path.values())
        counts = {path: sorted(values) for path, values in by_path.items()}
        if len(seen) > 1:
            failures.append(f"data version {version}: mixed answers {counts}")
        elif version not in expected:
            failures.append(f"data version {version}: no run ended at it (a half-loaded refresh?); answers {counts}")
        elif seen != {expected[version]}:
            failures.append(f"data version {version}: answered {seen}, its run wrote {expected[version]}")
    if len(observations.values) < 2:
        failures.append(f"readers saw only the data versions {sorted(observations.values)}: nothing was checked")

    durations = [r["duration_ms"] for r in runs if r["duration_ms"] is not None]
    summary = {
        "source": args.source,
        "checker_requests": observations.requests,
        "checker_errors": len(observations.errors),
        "versions_seen": len(observations.values),
        "runs": len(runs),
        "run_ms_max": max(durations, default=None),
        "run_ms_median": sorted(durations)[len(durations) // 2] if durations else None,
        "failures": failures,
    }
    with open(os.path.join(args.out, "consistency.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["prepare", "drive"])
    parser.add_argument("--base", required=True, help="the service, http://127.0.0.1:PORT")
    parser.add_argument(
        "--feeds", required=True, help="the folder NA_TOP10_BASE_URL points at; its global file is edited"
    )
    parser.add_argument("--out", required=True, help="where probe.json, paths.txt and consistency.json go")
    parser.add_argument("--secs", type=float, default=60)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--source", choices=["top10", "all"], default="top10", help="what each round triggers")
    parser.add_argument("--interval", type=float, default=0.005, help="each reader's pause between probe pairs")
    parser.add_argument(
        "--pause", type=float, default=2.0, help="seconds between the end of a run and the next trigger"
    )
    parser.add_argument(
        "--run-secs", type=float, default=8.0, help="no trigger later than this (or a third of --secs) before the end"
    )
    parser.add_argument("--max-runs", type=int, default=30)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args)
        return 0
    return drive(args)


if __name__ == "__main__":
    sys.exit(main())
