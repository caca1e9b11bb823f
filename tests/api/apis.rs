//! Local stand-ins for the Streaming Availability and YouTube Data APIs: the real request and response
//! shapes, cursor and page-token paging, and hooks to inject 429s, 5xx, quota errors and bad JSON.
//! Tests assert the requests the connectors sent through `received`.

use std::sync::Arc;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const RAPIDAPI_KEY: &str = "rapid-test-key-123";
pub const YOUTUBE_KEY: &str = "AIzaTestKey456";
pub const CHANNEL: &str = "UCWOA1ZGywLbqmigxE4Qlvuw";
pub const UPLOADS: &str = "UUWOA1ZGywLbqmigxE4Qlvuw";

fn param(request: &Request, name: &str) -> Option<String> {
    request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A show object in the Streaming Availability v4 format.
pub fn show(id: &str, show_type: &str, title: &str, year: i32, genres: &[&str]) -> Value {
    let mut show = json!({
        "itemType": "show",
        "showType": show_type,
        "id": id,
        "imdbId": format!("tt{id:0>7}"),
        "tmdbId": format!("{}/{id}", if show_type == "movie" { "movie" } else { "tv" }),
        "title": title,
        "originalTitle": title,
        "overview": format!("About {title}."),
        "genres": genres.iter().map(|g| json!({"id": g.to_lowercase(), "name": g})).collect::<Vec<_>>(),
        "cast": ["Sam Hale", "Mira Okafor"],
        "rating": 71,
        "imageSet": {"verticalPoster": {"w240": "https://example.invalid/240.jpg?Expires=1&Signature=x"}},
        "streamingOptions": {"us": [{"service": {"id": "netflix", "name": "Netflix"}, "type": "subscription", "link": "https://www.netflix.com/title/1/"}]},
    });
    if show_type == "movie" {
        show["releaseYear"] = json!(year);
        show["directors"] = json!(["Ana Ruiz"]);
        // The runtime the standard Top 10 fixture publishes at rank 1 (1.6 h): the same film.
        show["runtime"] = json!(96);
    } else {
        show["firstAirYear"] = json!(year);
        show["lastAirYear"] = json!(year + 1);
        show["creators"] = json!(["Jo Bell"]);
        show["seasonCount"] = json!(2);
        show["episodeCount"] = json!(16);
    }
    show
}

pub struct CatalogApi {
    pub server: MockServer,
}

impl CatalogApi {
    pub async fn start() -> CatalogApi {
        CatalogApi { server: MockServer::start().await }
    }

    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// Serves `shows` like `/shows/search/filters` does: filtered by show_type and years, ordered,
    /// `page_size` a page, `nextCursor` "<id>:<title>" of the next show.
    pub async fn serve(&self, shows: Vec<Value>, page_size: usize) {
        self.server.reset().await;
        let shows = Arc::new(shows);
        Mock::given(method("GET"))
            .and(path("/shows/search/filters"))
            .respond_with(move |request: &Request| {
                let show_type = param(request, "show_type");
                let year = |name| param(request, name).and_then(|v| v.parse::<i64>().ok());
                let (min, max) = (year("year_min").unwrap_or(i64::MIN), year("year_max").unwrap_or(i64::MAX));
                let matching: Vec<&Value> = shows
                    .iter()
                    .filter(|s| show_type.as_deref().is_none_or(|t| s["showType"] == t))
                    .filter(|s| {
                        (min..=max).contains(&s["releaseYear"].as_i64().or(s["firstAirYear"].as_i64()).unwrap_or(0))
                    })
                    .collect();
                let start = param(request, "cursor")
                    .map(|cursor| {
                        matching
                            .iter()
                            .position(|s| {
                                cursor == format!("{}:{}", s["id"].as_str().unwrap(), s["title"].as_str().unwrap())
                            })
                            .expect("a cursor we issued")
                    })
                    .unwrap_or(0);
                let page: Vec<&Value> = matching.iter().skip(start).take(page_size).copied().collect();
                let mut body = json!({"shows": page, "hasMore": start + page_size < matching.len()});
                if let Some(next) = matching.get(start + page_size) {
                    body["nextCursor"] =
                        json!(format!("{}:{}", next["id"].as_str().unwrap(), next["title"].as_str().unwrap()));
                }
                ResponseTemplate::new(200)
                    .set_body_json(body)
                    .insert_header("x-ratelimit-requests-limit", "10000")
                    .insert_header("x-ratelimit-requests-remaining", "9000")
            })
            .mount(&self.server)
            .await;
    }

    /// Answers the next `times` requests with `response` before the normal pages.
    pub async fn fail_next(&self, times: u64, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path("/shows/search/filters"))
            .respond_with(response)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    pub async fn received(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

/// A video resource in the YouTube Data API v3 format.
pub fn video(id: &str, title: &str, published: &str, views: u64, likes: Option<u64>, duration: &str) -> Value {
    let mut statistics =
        json!({"viewCount": views.to_string(), "favoriteCount": "0", "commentCount": (views / 500).to_string()});
    if let Some(likes) = likes {
        statistics["likeCount"] = json!(likes.to_string());
    }
    json!({
        "kind": "youtube#video",
        "etag": format!("e-{id}"),
        "id": id,
        "snippet": {
            "publishedAt": published, "channelId": CHANNEL, "title": title, "description": "…",
            "tags": ["Netflix"], "categoryId": "24", "liveBroadcastContent": "none",
        },
        "contentDetails": {"duration": duration, "dimension": "2d", "definition": "hd", "caption": "true", "licensedContent": true},
        "statistics": statistics,
    })
}

pub fn google_error(code: u16, reason: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({
        "error": {"code": code, "message": message, "errors": [{"message": message, "domain": "youtube.quota", "reason": reason}]}
    }))
}

pub struct YouTubeApi {
    pub server: MockServer,
}

impl YouTubeApi {
    pub async fn start() -> YouTubeApi {
        YouTubeApi { server: MockServer::start().await }
    }

    pub fn base_url(&self) -> String {
        format!("{}/youtube/v3", self.server.uri())
    }

    /// Serves a channel whose uploads are `videos` (newest first), `per_page` a playlist page.
    pub async fn serve(&self, videos: Vec<Value>, per_page: usize) {
        self.server.reset().await;
        let videos = Arc::new(videos);
        Mock::given(method("GET"))
            .and(path("/youtube/v3/channels"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "kind": "youtube#channelListResponse", "etag": "k3",
                "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                "items": [{"kind": "youtube#channel", "etag": "p0", "id": CHANNEL,
                    "snippet": {"title": "Netflix", "publishedAt": "2005-10-04T21:04:29Z"},
                    "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}},
                    "statistics": {"viewCount": "9123456789", "subscriberCount": "29100000", "hiddenSubscriberCount": false, "videoCount": videos.len().to_string()}}]
            })))
            .mount(&self.server)
            .await;
        Mock::given(method("GET"))
            .and(path("/youtube/v3/videoCategories"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "kind": "youtube#videoCategoryListResponse", "etag": "e5",
                "items": [{"kind": "youtube#videoCategory", "etag": "f6", "id": "24",
                           "snippet": {"title": "Entertainment", "assignable": true, "channelId": "UCBR8-60-B28hp2BmDPdntcQ"}}]
            })))
            .mount(&self.server)
            .await;
        let playlist = videos.clone();
        Mock::given(method("GET"))
            .and(path("/youtube/v3/playlistItems"))
            .respond_with(move |request: &Request| {
                let page: usize = param(request, "pageToken").and_then(|t| t.strip_prefix("TOKEN").and_then(|n| n.parse().ok())).unwrap_or(0);
                let items: Vec<Value> = playlist
                    .iter()
                    .skip(page * per_page)
                    .take(per_page)
                    .map(|v| json!({
                        "kind": "youtube#playlistItem", "etag": "b2", "id": format!("PL{}", v["id"].as_str().unwrap()),
                        "snippet": {"publishedAt": v["snippet"]["publishedAt"], "channelId": CHANNEL, "title": v["snippet"]["title"],
                                    "playlistId": UPLOADS, "resourceId": {"kind": "youtube#video", "videoId": v["id"]}},
                        "contentDetails": {"videoId": v["id"], "videoPublishedAt": v["snippet"]["publishedAt"]},
                    }))
                    .collect();
                let mut body = json!({"kind": "youtube#playlistItemListResponse", "etag": "a1",
                    "pageInfo": {"totalResults": playlist.len(), "resultsPerPage": per_page}, "items": items});
                if (page + 1) * per_page < playlist.len() {
                    body["nextPageToken"] = json!(format!("TOKEN{}", page + 1));
                }
                ResponseTemplate::new(200).set_body_json(body)
            })
            .mount(&self.server)
            .await;
        let all = videos.clone();
        Mock::given(method("GET"))
            .and(path("/youtube/v3/videos"))
            .respond_with(move |request: &Request| {
                let ids = param(request, "id").unwrap_or_default();
                let items: Vec<&Value> = all.iter().filter(|v| ids.split(',').any(|id| v["id"] == id)).collect();
                ResponseTemplate::new(200).set_body_json(json!({"kind": "youtube#videoListResponse", "etag": "c3",
                    "pageInfo": {"totalResults": items.len(), "resultsPerPage": items.len()}, "items": items}))
            })
            .mount(&self.server)
            .await;
        Mock::given(method("GET"))
            .and(path("/youtube/v3/commentThreads"))
            .respond_with(|request: &Request| {
                let video = param(request, "videoId").unwrap_or_default();
                ResponseTemplate::new(200).set_body_json(json!({"kind": "youtube#commentThreadListResponse", "etag": "g7",
                    "items": [{"kind": "youtube#commentThread", "id": format!("c-{video}"),
                        "snippet": {"channelId": CHANNEL, "videoId": video, "canReply": true, "totalReplyCount": 3, "isPublic": true,
                            "topLevelComment": {"kind": "youtube#comment", "id": format!("c-{video}"),
                                "snippet": {"videoId": video, "textDisplay": "Finally!", "textOriginal": "Finally!",
                                    "authorDisplayName": "@viewer123", "likeCount": 57, "publishedAt": "2026-03-04T17:05:40Z",
                                    "updatedAt": "2026-03-04T17:05:40Z"}}}}]}))
            })
            .mount(&self.server)
            .await;
    }

    /// Answers the next `times` requests for `call` with `response` before the normal answers.
    pub async fn fail_next(&self, call: &str, times: u64, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path(format!("/youtube/v3/{call}")))
            .respond_with(response)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    pub async fn received(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

/// The query parameter `name` of a request the service sent.
pub fn sent(request: &Request, name: &str) -> Option<String> {
    param(request, name)
}
