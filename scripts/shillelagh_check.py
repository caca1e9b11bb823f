"""Reads every query endpoint of a running service through shillelagh's stock adapters, as Superset
does, and checks the rows against the service's own JSON answer.

Both adapters, for every endpoint: generic JSON (`URL#$.data[*]`) and CSV (`URL&format=csv`). Then
SQL over them: a filter, an aggregate, a join of two endpoints and a whole-answer (`limit=all`)
count. What "intact" means per adapter:
- generic JSON: every value as the service sent it, type included (integers stay int, nulls None,
  dates ISO text);
- CSV: the adapter reads files written with Python's QUOTE_NONNUMERIC, so text is text (dates ISO
  text) and every number is a float of the same value; a null is an empty string, since that
  dialect has no null. The JSON adapter is the one to use where that matters.

Usage: python shillelagh_check.py BASE_URL
"""

import json
import math
import sys
import urllib.request

from shillelagh.backends.apsw.db import connect

BASE = sys.argv[1].rstrip("/")


def service(path):
    with urllib.request.urlopen(BASE + path, timeout=60) as response:
        return json.load(response)


def first(path, field):
    return service(path)["data"][0][field]


def endpoints():
    """Every query endpoint, whole (`limit=all` where it pages), on questions with rows."""
    title_id = first("/v1/analytics/top-titles?limit=1", "title_id")
    country = first("/v1/countries", "country_iso2")
    return [
        "/v1/weeks",
        "/v1/countries",
        "/v1/top10/global?week=latest",
        f"/v1/top10/countries/{country}?week=latest",
        "/v1/top10/most-popular",
        "/v1/titles?limit=all",
        f"/v1/titles/{title_id}/trajectory?limit=all",
        "/v1/quality/unmatched?limit=all",
        "/v1/analytics/top-titles?limit=all",
        f"/v1/analytics/top-titles?region={country}&limit=all",
        "/v1/analytics/engagement-vs-rank?limit=all",
        "/v1/analytics/genre-performance?limit=all",
        "/v1/analytics/regional-preferences?limit=all",
        "/v1/analytics/regional-similarity?limit=all",
        "/v1/analytics/category-viewership?limit=all",
        "/v1/analytics/category-viewership?interval=week&limit=all",
        "/v1/analytics/weekly-hours",
        "/v1/analytics/youtube/top-engagement?limit=all",
        "/v1/analytics/youtube/duration-histogram",
    ]


def with_param(path, param):
    return f"{path}{'&' if '?' in path else '?'}{param}"


def json_table(path):
    return f'"{BASE}{path}#$.data[*]"'


def csv_table(path):
    return f'"{BASE}{with_param(path, "format=csv")}"'


failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def same_json(expected, got):
    return type(expected) is type(got) and expected == got


def same_csv(expected, got):
    if expected is None:
        return got == ""
    if isinstance(expected, str):
        return got == expected
    return isinstance(got, float) and got == float(expected)


def read(cursor, sql):
    cursor.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def check_endpoint(cursor, path):
    failed_before = len(failures)
    expected = service(path)["data"]
    check(expected, f"{path}: the service answered no rows; the check needs some")
    if not expected:
        return
    for adapter, table, same in (("json", json_table(path), same_json), ("csv", csv_table(path), same_csv)):
        try:
            rows = read(cursor, f"SELECT * FROM {table}")
        except Exception as err:  # noqa: BLE001 - any failure of the adapter is the finding
            check(False, f"{path} via {adapter}: {type(err).__name__}: {err}")
            continue
        check(len(rows) == len(expected), f"{path} via {adapter}: {len(rows)} rows, the service has {len(expected)}")
        for i, (want, got) in enumerate(zip(expected, rows)):
            check(set(got) == set(want), f"{path} via {adapter}: columns {sorted(got)} != {sorted(want)}")
            for column, value in want.items():
                if not same(value, got.get(column)):
                    check(False, f"{path} via {adapter}, row {i}, {column}: {got.get(column)!r} for {value!r}")
                    break
    if len(failures) == failed_before:
        print(f"ok {path}: {len(expected)} rows through both adapters")


def check_sql(cursor):
    failed_before = len(failures)
    titles_path = "/v1/analytics/top-titles?limit=all"
    engagement_path = "/v1/analytics/engagement-vs-rank?limit=all"
    global_path = "/v1/top10/global?week=latest"
    titles = service(titles_path)["data"]
    engagement = service(engagement_path)["data"]
    week = service(global_path)["data"]
    for adapter, table in (("json", json_table), ("csv", csv_table)):
        # A filter.
        threshold = sorted(t["hours_viewed"] for t in titles)[len(titles) // 2]
        got = read(cursor, f"SELECT title FROM {table(titles_path)} WHERE hours_viewed > {threshold}")
        want = sorted(t["title"] for t in titles if t["hours_viewed"] > threshold)
        check(sorted(r["title"] for r in got) == want, f"filter via {adapter}: {len(got)} titles, expected {len(want)}")

        # An aggregate.
        got = read(
            cursor,
            f"SELECT category, COUNT(*) AS n, SUM(weekly_hours_viewed) AS hours FROM {table(global_path)} "
            "GROUP BY category ORDER BY category",
        )
        want = {}
        for row in week:
            n, hours = want.get(row["category"], (0, 0))
            want[row["category"]] = (n + 1, hours + row["weekly_hours_viewed"])
        check(
            {r["category"]: (r["n"], r["hours"]) for r in got} == want,
            f"aggregate via {adapter}: {got} != {want}",
        )

        # A join of two endpoints.
        got = read(
            cursor,
            f"SELECT t.title, t.hours_viewed, e.youtube_views FROM {table(titles_path)} AS t "
            f"JOIN {table(engagement_path)} AS e ON t.title_id = e.title_id",
        )
        views = {e["title_id"]: e["youtube_views"] for e in engagement}
        want = sorted(
            ((t["title"], t["hours_viewed"], views[t["title_id"]]) for t in titles if t["title_id"] in views),
        )
        check(
            sorted((r["title"], r["hours_viewed"], r["youtube_views"]) for r in got) == want,
            f"join via {adapter}: {len(got)} rows, expected {len(want)}",
        )
        check(want, "join: the two endpoints share no title; the check needs some")

        # A whole answer: every row, more than one default page.
        total = service("/v1/analytics/top-titles?limit=1")["meta"]["total"]
        (count,) = cursor.execute(f"SELECT COUNT(*) FROM {table(titles_path)}").fetchone()
        check(count == total, f"whole answer via {adapter}: {count} rows, the service has {total}")
        check(total > 20, f"whole answer: only {total} titles; the check needs more than a default page")
    if len(failures) == failed_before:
        print("ok filter, aggregate, join and whole-answer count through both adapters")


def main():
    cursor = connect(":memory:").cursor()
    for path in endpoints():
        check_endpoint(cursor, path)
    check_sql(cursor)
    if failures:
        for failure in failures[:50]:
            print(f"FAIL {failure}", file=sys.stderr)
        sys.exit(f"{len(failures)} failures")


main()
