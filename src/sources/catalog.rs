//! The Netflix catalog from the Streaming Availability API (v4): `GET /shows/search/filters`,
//! followed page by page through `nextCursor` until `hasMore` is false.
//!
//! Requests are paced (the free plan allows about one a second). A 429 is retried after
//! `Retry-After`, or with exponential backoff, unless it says the monthly quota is gone; a refused
//! key ends the run at once. Page bodies are kept as received for the raw layer; shows are parsed
//! from them when loading, and a show the service cannot use is rejected, not guessed at.

use std::collections::HashMap;
use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::api::{self, CallStats, Pacer, RetryPolicy, Verdict};
use crate::error::{Error, Result};

const API: &str = "Streaming Availability";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowType {
    Movie,
    Series,
}

impl ShowType {
    pub const ALL: [ShowType; 2] = [ShowType::Movie, ShowType::Series];

    pub fn as_str(self) -> &'static str {
        match self {
            ShowType::Movie => "movie",
            ShowType::Series => "series",
        }
    }
}

/// One search: a show type over a range of release (movies) or air (series) years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogQuery {
    pub country: String,
    pub show_type: ShowType,
    pub year_min: i32,
    pub year_max: i32,
}

impl CatalogQuery {
    fn params(&self, cursor: Option<&str>) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("country", self.country.clone()),
            ("catalogs", "netflix".to_owned()),
            ("show_type", self.show_type.as_str().to_owned()),
            ("year_min", self.year_min.to_string()),
            ("year_max", self.year_max.to_string()),
            ("series_granularity", "show".to_owned()),
            ("order_by", "original_title".to_owned()),
            ("output_language", "en".to_owned()),
        ];
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        params
    }
}

impl fmt::Display for CatalogQuery {
    /// Also the raw layer's request key: the same search always has the same name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "shows/search/filters?country={}&catalogs=netflix&show_type={}&year_min={}&year_max={}",
            self.country,
            self.show_type.as_str(),
            self.year_min,
            self.year_max
        )
    }
}

/// A page as received.
pub struct CatalogPage {
    pub request: String,
    pub page_no: u32,
    pub body: String,
}

/// A show as the API describes it; fields the service does not keep are ignored.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Show {
    pub id: String,
    pub show_type: String,
    pub imdb_id: Option<String>,
    pub tmdb_id: Option<String>,
    pub title: String,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub release_year: Option<i32>,
    pub first_air_year: Option<i32>,
    pub last_air_year: Option<i32>,
    #[serde(default)]
    pub genres: Vec<Genre>,
    #[serde(default)]
    pub directors: Vec<String>,
    #[serde(default)]
    pub creators: Vec<String>,
    #[serde(default)]
    pub cast: Vec<String>,
    pub rating: Option<i32>,
    pub runtime: Option<i32>,
    pub season_count: Option<i32>,
    pub episode_count: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Genre {
    pub id: String,
    pub name: String,
}

impl Show {
    /// Why the service cannot use this show, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.id.trim().is_empty() {
            return Some("the show has no id".to_owned());
        }
        if self.title.trim().is_empty() {
            return Some(format!("show {} has no title", self.id));
        }
        if self.show_type != "movie" && self.show_type != "series" {
            return Some(format!("show {} has showType {:?}; expected movie or series", self.id, self.show_type));
        }
        None
    }

    /// The year the title first came out: release year for films, first air year for series.
    pub fn year(&self) -> Option<i32> {
        self.release_year.or(self.first_air_year)
    }
}

#[derive(Deserialize)]
struct SearchPage {
    shows: Vec<serde_json::Value>,
    #[serde(rename = "hasMore")]
    has_more: bool,
    #[serde(rename = "nextCursor")]
    next_cursor: Option<String>,
}

/// The shows in a page body; each one that does not parse is reported by index.
pub fn shows_in(page: &CatalogPage) -> Result<Vec<std::result::Result<Show, String>>> {
    let parsed: SearchPage = api::parse_json(&page.request, page.body.as_bytes())?;
    Ok(parsed
        .shows
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            serde_json::from_value::<Show>(value)
                .map_err(|e| format!("page {} show {}: {e}", page.page_no, i + 1))
                .and_then(|show| match show.problem() {
                    Some(problem) => Err(format!("page {} show {}: {problem}", page.page_no, i + 1)),
                    None => Ok(show),
                })
        })
        .collect())
}

pub struct CatalogClient {
    http: reqwest::Client,
    base: Url,
    key: SecretString,
    pacer: Pacer,
    policy: RetryPolicy,
}

impl CatalogClient {
    pub fn new(
        http: reqwest::Client,
        base: Url,
        key: SecretString,
        requests_per_sec: f64,
        policy: RetryPolicy,
    ) -> Self {
        CatalogClient { http, base, key, pacer: Pacer::per_second(requests_per_sec), policy }
    }

    /// Follows the search's cursor to the end, handing each page to `on_page` as it arrives.
    pub async fn crawl(
        &self,
        query: &CatalogQuery,
        cancel: &CancellationToken,
        stats: &mut CallStats,
        mut on_page: impl FnMut(CatalogPage) -> Result<()>,
    ) -> Result<()> {
        let url = self.base.join("shows/search/filters").map_err(|e| Error::Internal(format!("catalog URL: {e}")))?;
        let mut cursor: Option<String> = None;
        // Every cursor followed, with its page: a server that hands one out again would have the
        // crawl loop for ever.
        let mut followed: HashMap<String, u32> = HashMap::new();
        let mut page_no = 1u32;
        loop {
            self.pacer.wait().await;
            let label = format!("{API} {query} (page {page_no})");
            let params = query.params(cursor.as_deref());
            let answer =
                api::call(&label, || self.request(&url, &params), classify, self.policy, cancel, stats).await?;
            self.respect_rate_headers(&answer.headers).await;
            let page: SearchPage = api::parse_json(&label, &answer.body)?;
            let next = match (page.has_more, page.next_cursor) {
                (false, _) => None,
                (true, Some(next)) => match followed.get(&next) {
                    None => Some(next),
                    Some(earlier) => {
                        return Err(Error::InvalidResponse {
                            call: label,
                            reason: format!(
                                "nextCursor {next:?} was already followed to page {earlier}: the cursor cycles"
                            ),
                        });
                    }
                },
                (true, None) => {
                    return Err(Error::InvalidResponse {
                        call: label,
                        reason: "hasMore is true but nextCursor is missing".into(),
                    });
                }
            };
            let body = String::from_utf8(answer.body)
                .map_err(|_| Error::InvalidResponse { call: label.clone(), reason: "the body is not UTF-8".into() })?;
            on_page(CatalogPage { request: query.to_string(), page_no, body })?;
            page_no += 1;
            match next {
                None => return Ok(()),
                Some(next) => {
                    followed.insert(next.clone(), page_no);
                    cursor = Some(next);
                }
            }
        }
    }

    /// Keys from Movie of the Night's own platform start `motn-key-` and use its header; anything
    /// else is a RapidAPI key.
    fn request(&self, url: &Url, params: &[(&'static str, String)]) -> reqwest::RequestBuilder {
        let key = self.key.expose_secret();
        let request = self.http.get(url.clone()).query(params);
        if key.starts_with("motn-key-") {
            request.header("X-API-Key", key)
        } else {
            request.header("X-RapidAPI-Key", key).header("X-RapidAPI-Host", self.base.host_str().unwrap_or_default())
        }
    }

    /// RapidAPI reports the window it counts requests in; when it is used up, wait for the reset
    /// instead of collecting 429s.
    async fn respect_rate_headers(&self, headers: &HeaderMap) {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        if let (Some(0), Some(reset)) = (number("x-ratelimit-requests-remaining"), number("x-ratelimit-requests-reset"))
        {
            self.pacer.hold_for(std::time::Duration::from_secs(reset.min(300))).await;
        }
    }
}

/// RapidAPI and the provider both answer `{"message": "..."}`.
fn message_of(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Message {
        message: String,
    }
    match serde_json::from_slice::<Message>(body) {
        Ok(m) => m.message,
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(200)]).trim().to_owned(),
    }
}

fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Verdict {
    let message = message_of(body);
    match status {
        StatusCode::TOO_MANY_REQUESTS if message.to_ascii_lowercase().contains("quota") => {
            Verdict::Fail(Error::QuotaExhausted { api: API, message })
        }
        StatusCode::TOO_MANY_REQUESTS => Verdict::Retry {
            after: api::retry_after(headers, chrono::Utc::now()),
            reason: format!("HTTP 429: {message}"),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Verdict::Fail(Error::ApiRefused {
            api: API,
            status: status.as_u16(),
            message,
            hint: "check NA_RAPIDAPI_KEY and that the key is subscribed to the API",
        }),
        s if s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT => Verdict::Retry {
            after: api::retry_after(headers, chrono::Utc::now()),
            reason: format!("HTTP {}: {message}", s.as_u16()),
        },
        s => Verdict::Fail(Error::ApiRefused {
            api: API,
            status: s.as_u16(),
            message,
            hint: "the request was not accepted; see NA_CATALOG_COUNTRY and the run's query",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> CatalogPage {
        CatalogPage { request: "test".into(), page_no: 1, body: body.into() }
    }

    #[test]
    fn shows_parse_with_optional_fields_absent_and_bad_ones_are_reported() {
        let body = r#"{"shows": [
            {"itemType": "show", "showType": "movie", "id": "48213", "imdbId": "tt0000001", "tmdbId": "movie/100001",
             "title": "Night Train", "originalTitle": "Night Train", "overview": "A conductor...", "releaseYear": 2021,
             "genres": [{"id": "action", "name": "Action"}], "directors": ["Ana Ruiz"], "cast": ["Sam Hale"],
             "rating": 64, "runtime": 112, "imageSet": {}, "streamingOptions": {}},
            {"itemType": "show", "showType": "series", "id": "9", "title": "Harbour Lights", "firstAirYear": 2024,
             "lastAirYear": 2026, "seasonCount": 2, "episodeCount": 16, "creators": ["Jo Bell"], "rating": 80},
            {"itemType": "show", "showType": "podcast", "id": "10", "title": "Nope"},
            {"itemType": "show", "id": "11"}
        ], "hasMore": false}"#;
        let shows = shows_in(&page(body)).unwrap();
        let night_train = shows[0].as_ref().unwrap();
        assert_eq!(
            (night_train.title.as_str(), night_train.year(), night_train.runtime),
            ("Night Train", Some(2021), Some(112))
        );
        assert_eq!(night_train.genres, vec![Genre { id: "action".into(), name: "Action".into() }]);
        let harbour = shows[1].as_ref().unwrap();
        assert_eq!((harbour.year(), harbour.season_count, harbour.cast.len()), (Some(2024), Some(2), 0));
        assert!(shows[2].as_ref().unwrap_err().contains("expected movie or series"));
        assert!(shows[3].as_ref().unwrap_err().contains("missing field"));
    }

    #[test]
    fn a_body_that_is_not_a_search_page_is_an_invalid_response() {
        let err = shows_in(&page("<html>oops</html>")).unwrap_err();
        assert_eq!(err.code(), "invalid_response");
    }

    #[test]
    fn the_monthly_quota_is_final_but_the_rate_limit_is_retried() {
        let monthly = br#"{"message":"You have exceeded the MONTHLY quota for Requests on your current plan, BASIC."}"#;
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), monthly),
            Verdict::Fail(Error::QuotaExhausted { .. })
        ));
        let rate =
            br#"{"message":"You have exceeded the rate limit per second for your plan, BASIC, by the API provider"}"#;
        assert!(matches!(classify(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), rate), Verdict::Retry { .. }));
        let refused = br#"{"message":"Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info."}"#;
        let Verdict::Fail(err) = classify(StatusCode::FORBIDDEN, &HeaderMap::new(), refused) else {
            panic!("403 is final")
        };
        assert!(err.to_string().contains("NA_RAPIDAPI_KEY"));
        assert!(matches!(classify(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"bad gateway"), Verdict::Retry { .. }));
    }
}
