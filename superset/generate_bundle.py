"""Writes superset/bundle/ (the Superset export the dashboard is imported from): one database, a
dataset per endpoint, eight charts and a dashboard. Edit here and rerun (needs PyYAML), then check
with scripts/superset-dashboard-check.sh. UUIDs derive from names, so reruns keep them."""

import os
import pathlib
import uuid

import yaml

NS = uuid.UUID("6f1c1a52-3b0e-4d7a-9c55-2a7e5b7f0e14")
u = lambda name: str(uuid.uuid5(NS, name))
BASE = "http://netflix-analytics:8080"
out = str(pathlib.Path(__file__).resolve().parent / "bundle")
os.makedirs(out + "/databases", exist_ok=True)
os.makedirs(out + "/datasets/netflix-analytics", exist_ok=True)
os.makedirs(out + "/charts", exist_ok=True)
os.makedirs(out + "/dashboards", exist_ok=True)
def dump(path, obj):
    with open(os.path.join(out, path), "w") as f:
        yaml.safe_dump(obj, f, sort_keys=False, allow_unicode=True, width=1000)
dump("metadata.yaml", {"version": "1.0.0", "type": "Dashboard", "timestamp": "2026-11-30T07:00:00+00:00"})
db_uuid = u("database")
dump("databases/netflix-analytics.yaml", {
    "database_name": "netflix-analytics", "sqlalchemy_uri": "shillelagh://", "cache_timeout": None,
    "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
    "allow_dml": False, "allow_file_upload": False,
    "extra": {"allows_virtual_table_explore": True, "metadata_params": {}, "engine_params": {"adapters": ["genericjsonapi"]}},
    "uuid": db_uuid, "version": "1.0.0"})
T, I, F = "TEXT", "INTEGER", "REAL"
datasets = {
 "weekly_hours": ("/v1/analytics/weekly-hours?top=10", [("week", T, True), ("title_id", I), ("title", T), ("hours_viewed", I), ("views", I), ("best_rank", I)]),
 "genre_performance": ("/v1/analytics/genre-performance?region=global&limit=all", [("genre", T), ("titles", I), ("title_weeks", I), ("hours_viewed", I), ("average_rank", F), ("youtube_videos", I), ("youtube_views", I), ("youtube_likes", I)]),
 "youtube_top_engagement": ("/v1/analytics/youtube/top-engagement?limit=all", [("title_id", I), ("title", T), ("videos", I), ("views", I), ("likes", I), ("comments", I), ("engagement_rate", F)]),
 "youtube_duration_histogram": ("/v1/analytics/youtube/duration-histogram", [("bucket_start_minutes", I), ("bucket_end_minutes", I), ("videos", I), ("views", I), ("average_views", F)]),
 "category_viewership_weekly": ("/v1/analytics/category-viewership?interval=week&limit=all", [("week", T, True), ("category", T), ("title_weeks", I), ("hours_viewed", I), ("average_hours_viewed", F), ("average_views", F)]),
 "top_titles_by_region": ("/v1/analytics/top-titles?region={{ url_param('region', 'global') }}&limit=all", [("title_id", I), ("title", T), ("kind", T), ("categories", T), ("weeks_in_top10", I), ("best_rank", I), ("first_week", T, True), ("last_week", T), ("hours_viewed", I), ("views", I)]),
 "engagement_vs_rank": ("/v1/analytics/engagement-vs-rank?limit=all", [("title_id", I), ("title", T), ("videos", I), ("youtube_views", I), ("youtube_likes", I), ("youtube_comments", I), ("best_rank", I), ("weeks_in_top10", I), ("hours_viewed", I), ("views", I), ("first_week", T, True), ("last_week", T)]),
 "regional_similarity": ("/v1/analytics/regional-similarity?limit=all", [("country_a", T), ("country_b", T), ("shared_titles", I), ("jaccard", F)]),
}
for name, (path, cols) in datasets.items():
    dump(f"datasets/netflix-analytics/{name}.yaml", {
        "table_name": name, "main_dttm_col": next((c[0] for c in cols if len(c) > 2), None),
        "description": f"GET {path} (JSON, every row), read through shillelagh's generic JSON adapter.",
        "default_endpoint": None, "offset": 0, "cache_timeout": None, "catalog": None, "schema": None,
        "sql": f'SELECT * FROM "{BASE}{path}#$.data[*]"',
        "params": None, "template_params": None, "filter_select_enabled": True, "fetch_values_predicate": None,
        "extra": None, "normalize_columns": False, "always_filter_main_dttm": False, "uuid": u("dataset/" + name),
        "metrics": [{"metric_name": "count", "verbose_name": "COUNT(*)", "metric_type": "count", "expression": "COUNT(*)",
                     "description": None, "d3format": None, "currency": None, "extra": None, "warning_text": None}],
        "columns": [{"column_name": c[0], "verbose_name": None, "is_dttm": len(c) > 2, "is_active": True, "type": c[1],
                     "advanced_data_type": None, "groupby": True, "filterable": True, "expression": None,
                     "description": None, "python_date_format": "%Y-%m-%d" if len(c) > 2 else None, "extra": None} for c in cols],
        "version": "1.0.0", "database_uuid": db_uuid})
def metric(column, aggregate, label):
    return {"expressionType": "SIMPLE", "column": {"column_name": column}, "aggregate": aggregate, "label": label}
charts = [
 ("Most popular shows weekly", "weekly_hours", "echarts_timeseries_line", {"x_axis": "week", "groupby": ["title"], "metrics": [metric("hours_viewed", "SUM", "hours viewed")]}),
 ("Most liked genres on YouTube", "genre_performance", "echarts_timeseries_bar", {"x_axis": "genre", "groupby": [], "metrics": [metric("youtube_likes", "SUM", "YouTube likes")], "x_axis_sort": "YouTube likes", "x_axis_sort_asc": False}),
 ("Top shows by YouTube engagement", "youtube_top_engagement", "echarts_timeseries_bar", {"x_axis": "title", "groupby": [], "metrics": [metric("views", "SUM", "YouTube views")], "x_axis_sort": "YouTube views", "x_axis_sort_asc": False, "orientation": "horizontal"}),
 ("Duration of Netflix videos on YouTube", "youtube_duration_histogram", "echarts_timeseries_bar", {"x_axis": "bucket_start_minutes", "groupby": [], "metrics": [metric("videos", "SUM", "videos")]}),
 ("Viewership by category", "category_viewership_weekly", "echarts_timeseries_line", {"x_axis": "week", "groupby": ["category"], "metrics": [metric("hours_viewed", "SUM", "hours viewed")]}),
 ("Top titles by region", "top_titles_by_region", "echarts_timeseries_bar", {"x_axis": "title", "groupby": [], "metrics": [metric("weeks_in_top10", "MAX", "weeks in the Top 10")], "x_axis_sort": "weeks in the Top 10", "x_axis_sort_asc": False, "orientation": "horizontal"}),
 ("Engagement versus rank", "engagement_vs_rank", "echarts_timeseries_scatter", {"x_axis": "youtube_views", "groupby": [], "metrics": [metric("hours_viewed", "MAX", "hours viewed")]}),
 ("Regional similarity", "regional_similarity", "heatmap_v2", {"x_axis": "country_a", "groupby": "country_b", "metric": metric("jaccard", "MAX", "Jaccard"), "linear_color_scheme": "blue_white_yellow", "normalize_across": "heatmap", "show_values": False}),
]
position = {"DASHBOARD_VERSION_KEY": "v2",
            "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
            "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
            "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": "Netflix analytics"}, "type": "HEADER"}}
for i, (title, dataset, viz, params) in enumerate(charts):
    slug = title.lower().replace(" ", "-")
    chart_uuid = u("chart/" + title)
    full = {"datasource": "", "viz_type": viz, **params, "adhoc_filters": [], "row_limit": 10000}
    dump(f"charts/{slug}.yaml", {"slice_name": title, "description": None, "certified_by": None, "certification_details": None,
        "viz_type": viz, "params": full, "query_context": None, "cache_timeout": None, "uuid": chart_uuid,
        "version": "1.0.0", "dataset_uuid": u("dataset/" + dataset)})
    row = f"ROW-{i // 2}"
    if row not in position:
        position[row] = {"children": [], "id": row, "meta": {"background": "BACKGROUND_TRANSPARENT"}, "parents": ["ROOT_ID", "GRID_ID"], "type": "ROW"}
        position["GRID_ID"]["children"].append(row)
    cid = f"CHART-{i}"
    position[row]["children"].append(cid)
    position[cid] = {"children": [], "id": cid, "meta": {"chartId": i + 1, "height": 50, "sliceName": title, "uuid": chart_uuid, "width": 6}, "parents": ["ROOT_ID", "GRID_ID", row], "type": "CHART"}
dump("dashboards/netflix-analytics.yaml", {"dashboard_title": "Netflix analytics", "description": None, "css": "",
    "slug": "netflix-analytics", "certified_by": None, "certification_details": None, "published": True,
    "uuid": u("dashboard"), "position": position,
    "metadata": {"color_scheme": "", "refresh_frequency": 0, "expanded_slices": {}, "label_colors": {},
                 "timed_refresh_immune_slices": [], "cross_filters_enabled": False, "default_filters": "{}",
                 "chart_configuration": {}, "native_filter_configuration": []},
    "version": "1.0.0"})
