#!/usr/bin/env python3
"""Loads the Top 10 facts bench_prepare exported (CSV, one file per table) into SQLite for
Datasette, with the indexes its four benchmark queries use. Column types are inferred from the
values: INTEGER, REAL or TEXT (dates stay ISO text, which sorts and compares like dates).

Usage: datasette_load.py EXPORT_DIR top10.db
"""
import csv
import os
import sqlite3
import sys

INDEXES = [
    "CREATE INDEX top10_global_week ON top10_global (week, category, weekly_rank)",
    "CREATE INDEX global_title_weeks_week ON global_title_weeks (week, category)",
    "CREATE INDEX country_title_weeks_country ON country_title_weeks (country_iso2, title_id)",
    "CREATE INDEX country_title_weeks_title ON country_title_weeks (title_id, country_iso2)",
    "CREATE UNIQUE INDEX titles_id ON titles (title_id)",
]


def column_type(values):
    present = [v for v in values if v != ""]
    for kind, parse in (("INTEGER", int), ("REAL", float)):
        try:
            for v in present:
                parse(v)
            return kind
        except ValueError:
            continue
    return "TEXT"


def typed(kind, value):
    if value == "":
        return None
    return {"INTEGER": int, "REAL": float, "TEXT": str}[kind](value)


def main(export_dir, db_path):
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    for name in sorted(os.listdir(export_dir)):
        table, ext = os.path.splitext(name)
        if ext != ".csv":
            continue
        with open(os.path.join(export_dir, name), newline="") as f:
            rows = list(csv.reader(f))
        header, data = rows[0], rows[1:]
        kinds = [column_type([r[i] for r in data]) for i in range(len(header))]
        columns = ", ".join(f'"{c}" {k}' for c, k in zip(header, kinds))
        db.execute(f'CREATE TABLE "{table}" ({columns})')
        marks = ", ".join("?" for _ in header)
        db.executemany(
            f'INSERT INTO "{table}" VALUES ({marks})',
            ([typed(k, v) for k, v in zip(kinds, row)] for row in data),
        )
        print(f"{table}: {len(data)} rows")
    for statement in INDEXES:
        db.execute(statement)
    db.execute("ANALYZE")
    db.commit()
    db.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
