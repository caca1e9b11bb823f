//! A small world for the analytics tests: four weeks of global and country lists in which titles
//! recur, catalog shows with genres for most of them, and YouTube videos for some. The values are
//! plain Rust data, so tests compute expected answers from them without SQL.

use serde_json::Value;

use crate::apis::{CatalogApi, RAPIDAPI_KEY, YOUTUBE_KEY, YouTubeApi, show, video};
use crate::fixtures::{self, CountryEntry, GlobalEntry};
use crate::helpers::{TestApp, Top10Feed, spawn_app_with};

pub const WEEKS: [&str; 4] = ["2026-06-28", "2026-07-05", "2026-07-12", "2026-07-19"];
pub const COUNTRIES: [(&str, &str); 3] = [("Réunion", "RE"), ("South Korea", "KR"), ("United States", "US")];

pub struct Video {
    pub id: String,
    pub title: String,
    pub show: String,
    pub published: String,
    pub views: i64,
    pub likes: Option<i64>,
    pub comments: i64,
    pub seconds: i64,
}

pub struct Scenario {
    pub global: Vec<GlobalEntry>,
    pub countries: Vec<CountryEntry>,
    /// (show title, genres) for the shows the catalog lists.
    pub genres: Vec<(String, Vec<&'static str>)>,
    pub videos: Vec<Video>,
    /// (show title, overview) for shows whose catalog overview is not the default.
    pub overviews: Vec<(String, String)>,
}

fn kind_prefix(category: &str) -> &'static str {
    match category {
        "Films (English)" => "Film",
        "Films (Non-English)" => "Cine",
        "TV (English)" => "Show",
        _ => "Serie",
    }
}

const GENRES: [&str; 4] = ["Drama", "Comedy", "Thriller", "Documentary"];

impl Scenario {
    pub fn new() -> Scenario {
        let mut global = Vec::new();
        for (w, week) in WEEKS.iter().enumerate() {
            for (c, category) in fixtures::GLOBAL_CATEGORIES.iter().enumerate() {
                for rank in 1..=10u8 {
                    // Week w shows titles w..w+9 of a pool of 13, so titles climb, stay and fall off.
                    let n = w + usize::from(rank) - 1;
                    let show = format!("{} {n:02}", kind_prefix(category));
                    let hours = 40_000_000 - i64::from(rank) * 3_000_000 + (n as i64) * 100_000 + c as i64 * 10_000;
                    let tv = category.starts_with("TV");
                    global.push(GlobalEntry {
                        week: (*week).to_owned(),
                        category: (*category).to_owned(),
                        rank,
                        season_title: tv.then(|| format!("{show}: Season {}", 1 + n % 2)),
                        show_title: show,
                        hours: Some(hours),
                        runtime: Some(2.0),
                        views: Some(hours / 2),
                        cumulative_weeks: 1 + w as i32,
                    });
                }
            }
        }
        let mut countries = Vec::new();
        for (k, (name, iso)) in COUNTRIES.iter().enumerate() {
            for (w, week) in WEEKS.iter().enumerate() {
                for category in fixtures::COUNTRY_CATEGORIES {
                    let prefix = if category == "Films" { ["Film", "Cine"] } else { ["Show", "Serie"] };
                    for rank in 1..=10u8 {
                        // Countries share most titles but each has a few of its own.
                        let show = if rank == 10 {
                            format!("Local {iso} {category} {w}")
                        } else {
                            format!("{} {:02}", prefix[(usize::from(rank) + k) % 2], w + usize::from(rank) + k)
                        };
                        countries.push(CountryEntry {
                            country_name: (*name).to_owned(),
                            country_iso2: (*iso).to_owned(),
                            week: (*week).to_owned(),
                            category: category.to_owned(),
                            rank,
                            show_title: show,
                            season_title: None,
                            cumulative_weeks: 1,
                        });
                    }
                }
            }
        }
        // The catalog knows titles 00-09 of each pool; each gets one or two genres.
        let mut genres = Vec::new();
        for prefix in ["Film", "Cine", "Show", "Serie"] {
            for n in 0..10usize {
                let mut these = vec![GENRES[n % 4]];
                if n % 3 == 0 {
                    these.push(GENRES[(n + 1) % 4]);
                }
                genres.push((format!("{prefix} {n:02}"), these));
            }
        }
        // Trailers for some shows, some published before their run, some after it.
        let mut videos = Vec::new();
        for (i, n) in [1usize, 3, 4, 6, 8, 11].into_iter().enumerate() {
            for (j, day) in ["2026-06-20", "2026-07-30"].into_iter().enumerate() {
                let show = format!("Show {n:02}");
                videos.push(Video {
                    id: format!("v{n:02}{j}"),
                    title: format!("{show} | Official Trailer{} | Netflix", if j == 1 { " 2" } else { "" }),
                    show,
                    published: format!("{day}T16:00:00Z"),
                    views: 1_000_000 * (7 - i as i64) + j as i64 * 10_000 + (n as i64 % 3) * 333_333,
                    likes: (n != 4).then_some(10_000 * (n as i64 + 1)),
                    comments: 1_000 + n as i64 * 10,
                    seconds: 45 + 30 * n as i64,
                });
            }
        }
        Scenario { global, countries, genres, videos, overviews: Vec::new() }
    }

    pub fn catalog(&self) -> Vec<Value> {
        self.genres
            .iter()
            .enumerate()
            .map(|(i, (name, genres))| {
                let movie = name.starts_with("Film") || name.starts_with("Cine");
                let mut show =
                    show(&format!("{}", 1000 + i), if movie { "movie" } else { "series" }, name, 2026, genres);
                if movie {
                    // The runtime the lists publish for it (2 h): the same film.
                    show["runtime"] = 120.into();
                }
                if let Some((_, overview)) = self.overviews.iter().find(|(n, _)| n == name) {
                    show["overview"] = Value::from(overview.as_str());
                }
                show
            })
            .collect()
    }

    pub fn channel(&self) -> Vec<Value> {
        let mut videos: Vec<&Video> = self.videos.iter().collect();
        videos.sort_by(|a, b| b.published.cmp(&a.published));
        videos
            .iter()
            .map(|v| {
                let mut resource = video(
                    &v.id,
                    &v.title,
                    &v.published,
                    v.views as u64,
                    v.likes.map(|l| l as u64),
                    &format!("PT{}M{}S", v.seconds / 60, v.seconds % 60),
                );
                resource["statistics"]["commentCount"] = Value::from(v.comments.to_string());
                resource
            })
            .collect()
    }

    /// A running service with the scenario loaded through all three feeds.
    pub async fn load(&self) -> (TestApp, Feeds) {
        self.load_with(|_| {}).await
    }

    pub async fn load_with(
        &self,
        adjust: impl FnOnce(&mut netflix_analytics::Config) + Send + 'static,
    ) -> (TestApp, Feeds) {
        let top10 = Top10Feed::start().await;
        top10
            .serve(
                &fixtures::global_tsv(&self.global),
                &fixtures::countries_tsv(&self.countries),
                &fixtures::most_popular_tsv(&fixtures::most_popular()),
            )
            .await;
        let catalog = CatalogApi::start().await;
        catalog.serve(self.catalog(), 20).await;
        let youtube = YouTubeApi::start().await;
        youtube.serve(self.channel(), 50).await;
        let (catalog_base, youtube_base) = (catalog.base_url(), youtube.base_url());
        let app = spawn_app_with(&top10.base_url(), move |c| {
            c.catalog.base_url = format!("{catalog_base}/").parse().unwrap();
            c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
            c.catalog.requests_per_sec = 1000.0;
            c.youtube.base_url = format!("{youtube_base}/").parse().unwrap();
            c.youtube.api_key = Some(secrecy::SecretString::from(YOUTUBE_KEY));
            adjust(c);
        })
        .await;
        app.ingest_ok("all").await;
        (app, Feeds { top10, _catalog: catalog, _youtube: youtube })
    }
}

/// The local feeds behind a loaded app; kept alive as long as the app.
pub struct Feeds {
    pub top10: Top10Feed,
    _catalog: CatalogApi,
    _youtube: YouTubeApi,
}
