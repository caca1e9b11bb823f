#!/usr/bin/env python3
"""Writes the demo profile's sample feeds: invented titles and figures in the upstream formats
(Netflix Top 10 TSVs, Streaming Availability API show objects, YouTube Data API v3 resources).

Run from this folder: python3 generate_sample.py. Output is deterministic (fixed seed), so rerunning it
changes nothing unless this script changes. No real data is used or copied.
"""
import datetime
import json
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


GENRES = {
    "Night Train": ["action", "thriller"], "The Last Lighthouse": ["drama", "mystery"], "Copper Sky": ["western"],
    "Paper Moons": ["romance", "comedy"], "A Winter in Vail": ["romance"], "Run Silent": ["war", "thriller"],
    "The Glass Orchard": ["drama"], "Deadline at Dawn": ["crime", "thriller"], "Borrowed Time": ["scifi"],
    "Little Giants": ["family", "comedy"], "The Cartographer": ["adventure", "drama"], "Salt & Ash": ["drama", "history"],
    "La última ola": ["drama"], "Le Dernier Train": ["thriller"], "Sommerhaus": ["comedy"], "花火の夜": ["romance", "drama"],
    "O Rio Vermelho": ["crime"], 'Ella, "La Reina"': ["comedy", "drama"], "Il Silenzio": ["horror"],
    "Noche de Lobos": ["horror", "thriller"], "Bhoot Bungalow": ["horror", "comedy"], "Kaze no Michi": ["animation", "fantasy"],
    "Harbour Lights": ["drama", "mystery"], "The Orchard House": ["drama"], "Signal Lost": ["scifi", "thriller"],
    "Fair Game": ["comedy"], "Kitchen Wars": ["reality"], "Northern Line": ["crime", "drama"], "Blue Ridge": ["drama", "family"],
    "The Quiet Room": ["horror", "mystery"], "Crown & Anchor": ["history", "drama"], "Moonbase Nine": ["scifi", "comedy"],
    "Cidade Alta": ["crime", "drama"], "La Casa del Sol": ["drama", "romance"], "Seoul Nights": ["romance", "comedy"],
    "Les Ombres": ["thriller", "mystery"], "Dark Waters": ["thriller"], "Kuroi Ame": ["crime", "mystery"],
    "El Patrón del Mar": ["crime", "drama"], "Bärenland": ["family", "adventure"], "Mumbai Express": ["action"],
    "Yeoreum": ["romance", "drama"], "Anatolia": ["history", "drama"],
}
GENRE_NAMES = {g: g.capitalize() for names in GENRES.values() for g in names}
GENRE_NAMES.update({"scifi": "Science Fiction", "reality": "Reality"})
# Catalog names that differ from the Top 10 spelling, to exercise the identity matching.
ORIGINAL_TITLES = {"Seoul Nights": "서울의 밤", "Kuroi Ame": "黒い雨", "Dark Waters": "Dunkle Wasser", "Cidade Alta": "Cidade Alta"}
# Invented titles the catalog does not list (so the identity reports them as unmatched).
NOT_IN_CATALOG = {"Live at the Palace", "Ölü Deniz", "Dom na skraju", "The Apartment Heist"}
PEOPLE = ["Ana Ruiz", "Sam Hale", "Mira Okafor", "Jo Bell", "Kenji Mori", "Lea Brandt", "Priya Nair", "Tomás Vidal",
          "Yuna Park", "Olu Adeyemi", "Greta Lind", "Marco Neri"]


def catalog_shows():
    shows = []
    seen = set()
    next_id = 48200
    for category, titles in TITLES.items():
        film = category.startswith("Films")
        for show, season, runtime in titles:
            if show in seen or show in NOT_IN_CATALOG:
                continue
            seen.add(show)
            next_id += 7
            year = rng.choice([2024, 2025, 2026]) if film else rng.choice([2021, 2023, 2025])
            item = {
                "itemType": "show",
                "showType": "movie" if film else "series",
                "id": str(next_id),
                "imdbId": f"tt9{next_id:07d}",
                "tmdbId": f"{'movie' if film else 'tv'}/{next_id + 100000}",
                "title": show,
                "overview": f"Invented sample title for the netflix-analytics demo: {show}.",
                "originalTitle": ORIGINAL_TITLES.get(show, show),
                "genres": [{"id": g, "name": GENRE_NAMES[g]} for g in GENRES[show]],
                "cast": rng.sample(PEOPLE, 3),
                "rating": rng.randint(48, 92),
                "imageSet": {"verticalPoster": {"w240": f"https://example.invalid/{next_id}/240.jpg"}},
                "streamingOptions": {"us": [{"service": {"id": "netflix", "name": "Netflix"}, "type": "subscription",
                                             "link": f"https://www.netflix.com/title/{next_id}/"}]},
            }
            if film:
                item["releaseYear"] = year
                item["directors"] = rng.sample(PEOPLE, 1)
                item["runtime"] = int(round((runtime or 1.5) * 60))
            else:
                item["firstAirYear"] = year
                item["lastAirYear"] = 2026
                item["creators"] = rng.sample(PEOPLE, 2)
                item["seasonCount"] = 2 if season and "Season 2" in season else 1
                item["episodeCount"] = item["seasonCount"] * rng.choice([6, 8, 10])
            shows.append(item)
    shows.sort(key=lambda s: s["originalTitle"])
    return shows


def youtube_videos():
    """Video resources as videos.list returns them: trailers and teasers of most titles, plus clips
    that belong to no title."""
    videos = []
    kinds = ["Official Trailer", "Official Teaser", "Final Trailer", "Date Announcement"]
    n = 0
    for category, titles in TITLES.items():
        for show, season, _ in titles:
            if rng.random() < 0.2:
                continue
            for kind in rng.sample(kinds, rng.choice([1, 2])):
                n += 1
                label = season if season and rng.random() < 0.5 else show
                published = datetime.datetime(2026, 5, 1, 16, 0) + datetime.timedelta(hours=37 * n)
                views = int(rng.lognormvariate(13.5, 1.0))
                videos.append({
                    "kind": "youtube#video",
                    "etag": f"demo{n}",
                    "id": f"demo{n:07d}",
                    "snippet": {
                        "publishedAt": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "channelId": "UCWOA1ZGywLbqmigxE4Qlvuw",
                        "title": f"{label} | {kind} | Netflix",
                        "description": "Invented sample video for the netflix-analytics demo.",
                        "tags": [show, "Netflix"],
                        "categoryId": "24",
                        "liveBroadcastContent": "none",
                    },
                    "contentDetails": {"duration": f"PT{rng.randint(0, 3)}M{rng.randint(5, 59)}S", "dimension": "2d",
                                       "definition": "hd", "caption": "true", "licensedContent": True},
                    "statistics": {"viewCount": str(views), "likeCount": str(views // rng.randint(25, 60)),
                                   "favoriteCount": "0", "commentCount": str(views // rng.randint(300, 900))},
                })
    for i, title in enumerate(["Our Favourite Bloopers of the Year | Netflix", "New on Netflix | July 2026",
                               "Behind the Scenes with the Stunt Team | Netflix"]):
        n += 1
        videos.append({
            "kind": "youtube#video", "etag": f"demo{n}", "id": f"demo{n:07d}",
            "snippet": {"publishedAt": f"2026-07-{10 + i}T16:00:00Z", "channelId": "UCWOA1ZGywLbqmigxE4Qlvuw",
                        "title": title, "description": "Invented sample video.", "categoryId": "24",
                        "liveBroadcastContent": "none"},
            "contentDetails": {"duration": "PT8M12S", "definition": "hd", "caption": "false", "licensedContent": True},
            # Likes hidden by the owner: the API leaves likeCount out.
            "statistics": {"viewCount": str(200000 + i), "favoriteCount": "0", "commentCount": "310"},
        })
    videos.sort(key=lambda v: v["snippet"]["publishedAt"], reverse=True)
    return videos


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


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
    write_json("catalog/shows.json", catalog_shows())
    write_json("youtube/videos.json", youtube_videos())
    write_json("youtube/channels.json", {
        "kind": "youtube#channelListResponse", "etag": "demo", "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
        "items": [{"kind": "youtube#channel", "etag": "demo", "id": "UCWOA1ZGywLbqmigxE4Qlvuw",
                   "snippet": {"title": "Netflix (demo sample)", "publishedAt": "2005-10-04T21:04:29Z"},
                   "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UUWOA1ZGywLbqmigxE4Qlvuw"}},
                   "statistics": {"viewCount": "9123456789", "subscriberCount": "29100000",
                                  "hiddenSubscriberCount": False, "videoCount": "9870"}}]})
    write_json("youtube/video-categories.json", {
        "kind": "youtube#videoCategoryListResponse", "etag": "demo",
        "items": [{"kind": "youtube#videoCategory", "etag": "demo", "id": cid,
                   "snippet": {"title": title, "assignable": True, "channelId": "UCBR8-60-B28hp2BmDPdntcQ"}}
                  for cid, title in [("1", "Film & Animation"), ("22", "People & Blogs"), ("24", "Entertainment")]]})


if __name__ == "__main__":
    main()
