#!/usr/bin/env bash
# Checks that Superset's way in works: installs shillelagh (the SQLAlchemy dialect Superset uses
# for HTTP JSON sources) from PyPI into a private virtualenv, then reads three endpoints of a
# running service as SQL tables, exactly as the README tells Superset users to.
#
# Usage: scripts/superset-check.sh [base URL, default http://127.0.0.1:8080]
set -euo pipefail
BASE="${1:-http://127.0.0.1:8080}"
VENV="${SUPERSET_CHECK_VENV:-$HOME/.cache/netflix-analytics/shillelagh-venv}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet 'shillelagh[genericjsonapi]>=1.4,<2'
fi

# shillelagh's adapters keep an HTTP cache (SQLite files) in the working directory.
cd "$(mktemp -d)"
BASE="$BASE" "$VENV/bin/python" - <<'PY'
import os

from shillelagh.backends.apsw.db import connect

base = os.environ["BASE"]
queries = {
    "latest global list": f'SELECT week, category, weekly_rank, show_title, weekly_hours_viewed '
    f'FROM "{base}/v1/top10/global?week=latest#$.data[*]"',
    "top titles": f'SELECT title, weeks_in_top10, best_rank, hours_viewed '
    f'FROM "{base}/v1/analytics/top-titles?region=global&limit=1000#$.data[*]"',
    "regional similarity": f'SELECT country_a, country_b, jaccard '
    f'FROM "{base}/v1/analytics/regional-similarity?limit=1000#$.data[*]"',
}
cursor = connect(":memory:").cursor()
for name, sql in queries.items():
    rows = cursor.execute(sql).fetchall()
    if not rows:
        raise SystemExit(f"{name}: no rows from {sql}")
    print(f"{name}: {len(rows)} rows, first {rows[0]}")
PY
