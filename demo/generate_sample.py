#!/usr/bin/env python3
"""Writes the demo profile's sample feeds: invented titles and figures in Netflix's exact file formats.

Run from this folder: python3 generate_sample.py. Output is deterministic (fixed seed), so rerunning it
changes nothing unless this script changes. No real data is used or copied.
"""
import datetime
import random

rng = random.Random(20260719)

WEEKS = [datetime.date(2026, 7, 19) - datetime.timedelta(weeks=i) for i in range(5, -1, -1)]

# (show_title, season_title or None, runtime in hours)
TITLES = {
    "Films (English)": [
        ("Night Train", None, 1.8667), ("The Last Lighthouse", None, 2.0167), ("Copper Sky", None, 1.6333),
        ("Paper Moons", None, 1.75), ("A Winter in Vail", None, 1.6), ("Run Silent", None, 2.1),
        ("The Glass Orchard", None, 1.9667), ("Deadline at Dawn", None, 1.7167), ("Borrowed Time", None, 1.85),
        ("Little Giants", None, 1.55), ("The Cartographer", None, 2.2333), ("Salt & Ash", None, 1.9),
    ],
    "Films (Non-English)": [
        ("La última ola", None, 1.7), ("Le Dernier Train", None, 1.8333), ("Sommerhaus", None, 1.6167),
        ("花火の夜", None, 2.0), ("O Rio Vermelho", None, 1.75), ('Ella, "La Reina"', None, 1.9333),
        ("Il Silenzio", None, 1.6833), ("Noche de Lobos", None, 1.8), ("Ölü Deniz", None, 2.05),
        ("Bhoot Bungalow", None, 2.35), ("Dom na skraju", None, 1.7833), ("Kaze no Michi", None, 1.65),
    ],
    "TV (English)": [
        ("Harbour Lights", "Harbour Lights: Season 2", 6.4833), ("Harbour Lights", "Harbour Lights: Season 1", 7.1),
        ("The Orchard House", "The Orchard House: Limited Series", 4.25), ("Signal Lost", "Signal Lost: Season 3", 8.0),
        ("Fair Game", "Fair Game: Part 2", 3.9167), ("Kitchen Wars", None, 0), ("Northern Line", "Northern Line: Season 1", 5.5),
        ("Blue Ridge", "Blue Ridge: Season 4", 9.3333), ("The Quiet Room", "The Quiet Room: Limited Series", 3.5),
        ("Crown & Anchor", "Crown & Anchor: Season 1", 6.0), ("Moonbase Nine", "Moonbase Nine: Season 2", 7.75),
        ("Live at the Palace", None, 0),
    ],
    "TV (Non-English)": [
        ("Cidade Alta", "Cidade Alta: Season 1", 6.75), ("La Casa del Sol", "La Casa del Sol: Season 2", 8.5),
        ("Seoul Nights", "Seoul Nights: Season 1", 11.0), ("Les Ombres", "Les Ombres: Season 1", 5.25),
        ("Dark Waters", "Dark Waters: Part 1", 4.6667), ("Kuroi Ame", "Kuroi Ame: Season 1", 6.1667),
        ("El Patrón del Mar", "El Patrón del Mar: Limited Series", 7.0), ("Bärenland", "Bärenland: Season 1", 5.0),
        ("Mumbai Express", "Mumbai Express: Season 2", 6.3333), ("The Apartment Heist", "The Apartment Heist: Limited Series", 0),
        ("Yeoreum", "Yeoreum: Season 1", 12.25), ("Anatolia", "Anatolia: Season 3", 9.0),
    ],
}

COUNTRIES = [("Brazil", "BR"), ("Japan", "JP"), ("Réunion", "RE"), ("South Korea", "KR"),
             ("United Kingdom", "GB"), ("United States", "US")]


def round_to(value, step):
    return int(round(value / step)) * step


def write_tsv(path, header, rows):
    # Netflix's files: tab-separated, LF, no quoting, no newline after the last row.
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join("\t".join(str(v) for v in row) for row in [header] + rows))


def weekly_lists():
    """{category: {week: [(title, season, runtime, views)]}} with titles rising and fading."""
    lists = {}
    for category, titles in TITLES.items():
        base = {t: rng.uniform(2e6, 2.5e7) for t in titles}
        lists[category] = {}
        for i, week in enumerate(WEEKS):
            scored = []
            for j, title in enumerate(titles):
                peak = j % 6  # each title peaks in a different week
                score = base[title] * (0.45 ** abs(i - peak)) * rng.uniform(0.9, 1.1)
                scored.append((score, title))
            scored.sort(reverse=True)
            lists[category][week] = [(t, s) for s, t in scored[:10]]
    return lists


def global_rows(lists):
    rows, weeks_on = [], {}
    for week in WEEKS:
        for category in TITLES:
            for rank, ((show, season, runtime), views) in enumerate(lists[category][week], start=1):
                key = (category, show, season)
                weeks_on[key] = weeks_on.get(key, 0) + 1
                views = round_to(views, 100_000)
                hours = round_to(views * (runtime or 1.2), 100_000)
                rows.append([week, category, rank, show, season or "N/A", hours, runtime, views, weeks_on[key]])
    # Newest week first, as Netflix orders the file.
    rows.sort(key=lambda r: (-r[0].toordinal(), r[1], r[2]))
    return [[r[0].isoformat()] + r[1:] for r in rows]


def country_rows(lists):
    rows = []
    for name, iso in COUNTRIES:
        weeks_on = {}
        for week in WEEKS:
            for category in ("Films", "TV"):
                pool = []
                for lang in ("English", "Non-English"):
                    pool += lists[f"{category} ({lang})"][week]
                local = random.Random(f"{iso}{week}{category}")
                picked = sorted(pool, key=lambda e: e[1] * local.uniform(0.3, 1.7), reverse=True)[:10]
                for rank, ((show, season, _), _) in enumerate(picked, start=1):
                    weeks_on[(category, show, season)] = weeks_on.get((category, show, season), 0) + 1
                    rows.append([name, iso, week, category, rank, show, season or "N/A",
                                 weeks_on[(category, show, season)]])
    rows.sort(key=lambda r: (r[0], -r[2].toordinal(), r[3], r[4]))
    return [r[:2] + [r[2].isoformat()] + r[3:] for r in rows]


def most_popular_rows():
    rows = []
    for category, titles in TITLES.items():
        ranked = sorted(titles, key=lambda t: rng.random())[:10]
        views = sorted((round_to(rng.uniform(4e7, 2.4e8), 100_000) for _ in ranked), reverse=True)
        for rank, ((show, season, runtime), v) in enumerate(zip(ranked, views), start=1):
            runtime = runtime or 1.5
            rows.append([category, rank, show, season or "N/A", round_to(v * runtime, 100_000), runtime, v])
    return rows


def main():
    lists = weekly_lists()
    write_tsv("top10/all-weeks-global.tsv",
              ["week", "category", "weekly_rank", "show_title", "season_title", "weekly_hours_viewed",
               "runtime", "weekly_views", "cumulative_weeks_in_top_10"], global_rows(lists))
    write_tsv("top10/all-weeks-countries.tsv",
              ["country_name", "country_iso2", "week", "category", "weekly_rank", "show_title", "season_title",
               "cumulative_weeks_in_top_10"], country_rows(lists))
    write_tsv("top10/most-popular.tsv",
              ["category", "rank", "show_title", "season_title", "hours_viewed_first_91_days", "runtime",
               "views_first_91_days"], most_popular_rows())


if __name__ == "__main__":
    main()
