"""Fetches every chart of the imported bundle through Superset's REST API and compares its row
count with what the service answers. Run by scripts/superset-dashboard-check.sh, which sets
SUPERSET_URL, ADMIN_PASSWORD and BASE (the service)."""

import json
import os
import re
import sys

import requests

SUPERSET = os.environ["SUPERSET_URL"]
BASE = os.environ["BASE"]
EXPECTED_CHARTS = 8
# Values the charts are asked with besides their defaults: a Jinja url_param of a dataset.
URL_PARAMS = [{}, {"region": "KR"}]

session = requests.Session()
token = session.post(
    f"{SUPERSET}/api/v1/security/login",
    json={"username": "admin", "password": os.environ["ADMIN_PASSWORD"], "provider": "db", "refresh": False},
    timeout=30,
).json()["access_token"]
session.headers["Authorization"] = f"Bearer {token}"


def get(path):
    response = session.get(f"{SUPERSET}{path}", timeout=60)
    response.raise_for_status()
    return response.json()


def service_rows(sql, url_params):
    """The rows the dataset's URL answers, read from the service directly."""
    url = re.search(r'FROM "([^"#]+)#', sql).group(1)
    url = re.sub(
        r"\{\{\s*url_param\('(\w+)',\s*'(\w+)'\)\s*\}\}",
        lambda m: url_params.get(m.group(1), m.group(2)),
        url,
    )
    response = requests.get(url, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "next" not in body["meta"], f"{url} is not the whole answer: {body['meta']}"
    return body["data"]


def main():
    dashboard = get("/api/v1/dashboard/netflix-analytics")["result"]
    charts = get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
    names = sorted(c["slice_name"] for c in charts)
    print(f"dashboard {dashboard['dashboard_title']!r}: {len(charts)} charts")
    if len(charts) != EXPECTED_CHARTS:
        sys.exit(f"expected {EXPECTED_CHARTS} charts on the dashboard, found {names}")
    failures = []
    for listed in charts:
        chart = get(f"/api/v1/chart/{listed['id']}")["result"]
        params = json.loads(chart["params"])
        groupby = params.get("groupby") or []
        columns = [params["x_axis"]] + (groupby if isinstance(groupby, list) else [groupby])
        metrics = params.get("metrics") or [params["metric"]]
        datasource_id = get(f"/api/v1/chart/?q=(filters:!((col:id,opr:eq,value:{listed['id']})))")["result"][0][
            "datasource_id"
        ]
        dataset = get(f"/api/v1/dataset/{datasource_id}")["result"]
        for url_params in URL_PARAMS if "url_param" in dataset["sql"] else [{}]:
            query = {
                "datasource": {"id": datasource_id, "type": "table"},
                "force": True,
                "form_data": {"url_params": url_params},
                "queries": [
                    {
                        "columns": columns,
                        "metrics": metrics,
                        "row_limit": params.get("row_limit", 10000),
                        "filters": [],
                        "extras": {"having": "", "where": ""},
                        "orderby": [],
                        "url_params": url_params,
                    }
                ],
                "result_format": "json",
                "result_type": "full",
            }
            response = session.post(f"{SUPERSET}/api/v1/chart/data", json=query, timeout=120)
            label = f"{chart['slice_name']} {url_params or ''}".strip()
            if response.status_code != 200:
                failures.append(f"{label}: HTTP {response.status_code} {response.text[:500]}")
                continue
            got = response.json()["result"][0]["rowcount"]
            rows = service_rows(dataset["sql"], url_params)
            expected = len({tuple(row[c] for c in columns) for row in rows})
            status = "ok" if got == expected and got > 0 else "MISMATCH"
            print(f"{status}: {label}: {got} rows through Superset, {expected} from the service ({len(rows)} rows)")
            if status != "ok":
                failures.append(f"{label}: {got} rows through Superset, {expected} expected")
    if failures:
        sys.exit("\n".join(failures))
    print(f"{len(charts)} charts checked")


main()
