//! Answers the catalog and YouTube requests the connectors make, from the bundled samples, the way
//! the real APIs do: cursor pages of 20 shows for `shows/search/filters`, the uploads playlist in
//! pages of 50 with page tokens, `videos.list` by id. Demo use only; tests use wiremock and assert
//! the requests themselves.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::{Value, json};
use url::Url;

use crate::error::{Error, Result};

const SHOWS: &str = include_str!("../../demo/catalog/shows.json");
const VIDEOS: &str = include_str!("../../demo/youtube/videos.json");
const CHANNELS: &str = include_str!("../../demo/youtube/channels.json");
const CATEGORIES: &str = include_str!("../../demo/youtube/video-categories.json");
const SHOWS_PER_PAGE: usize = 20;
const VIDEOS_PER_PAGE: usize = 50;

struct Samples {
    shows: Vec<Value>,
    videos: Vec<Value>,
    channels: Value,
    categories: Value,
}

/// Starts the server on a free loopback port; it lives as long as the process.
pub async fn start() -> Result<Url> {
    let parse = |name: &str, text: &str| {
        serde_json::from_str::<Value>(text)
            .map_err(|e| Error::Internal(format!("the bundled demo {name} do not parse: {e}")))
    };
    let samples = Arc::new(Samples {
        shows: parse("shows", SHOWS)?.as_array().cloned().unwrap_or_default(),
        videos: parse("videos", VIDEOS)?.as_array().cloned().unwrap_or_default(),
        channels: parse("channels", CHANNELS)?,
        categories: parse("categories", CATEGORIES)?,
    });
    let router = Router::new()
        .route("/catalog/shows/search/filters", get(search_shows))
        .route("/youtube/v3/channels", get(|State(s): State<Arc<Samples>>| async move { Json(s.channels.clone()) }))
        .route(
            "/youtube/v3/videoCategories",
            get(|State(s): State<Arc<Samples>>| async move { Json(s.categories.clone()) }),
        )
        .route("/youtube/v3/playlistItems", get(playlist_items))
        .route("/youtube/v3/videos", get(videos))
        .route(
            "/youtube/v3/commentThreads",
            get(|| async { Json(json!({"kind": "youtube#commentThreadListResponse", "items": []})) }),
        )
        .with_state(samples);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Error::Internal(format!("starting the demo feed server: {e}")))?;
    let addr = listener.local_addr().map_err(|e| Error::Internal(format!("demo feed server address: {e}")))?;
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(error = %err, "the demo feed server stopped");
        }
    });
    Url::parse(&format!("http://{addr}/")).map_err(|e| Error::Internal(format!("demo feed server URL: {e}")))
}

async fn search_shows(State(samples): State<Arc<Samples>>, Query(params): Query<HashMap<String, String>>) -> Response {
    let year = |name: &str| params.get(name).and_then(|v| v.parse::<i64>().ok());
    let (year_min, year_max) = (year("year_min").unwrap_or(i64::MIN), year("year_max").unwrap_or(i64::MAX));
    let show_type = params.get("show_type").cloned();
    let matching: Vec<&Value> = samples
        .shows
        .iter()
        .filter(|s| show_type.as_deref().is_none_or(|t| s["showType"] == t))
        .filter(|s| {
            let year = s["releaseYear"].as_i64().or(s["firstAirYear"].as_i64()).unwrap_or(0);
            (year_min..=year_max).contains(&year)
        })
        .collect();
    // The real cursor is "<id>:<title>" of the next show; any stable position works here.
    let start = params
        .get("cursor")
        .and_then(|c| c.split_once(':'))
        .and_then(|(id, _)| matching.iter().position(|s| s["id"] == id))
        .unwrap_or(0);
    let page: Vec<Value> = matching.iter().skip(start).take(SHOWS_PER_PAGE).map(|s| (*s).clone()).collect();
    let next = matching.get(start + SHOWS_PER_PAGE);
    let mut body = json!({"shows": page, "hasMore": next.is_some()});
    if let Some(next) = next {
        body["nextCursor"] = json!(format!(
            "{}:{}",
            next["id"].as_str().unwrap_or_default(),
            next["title"].as_str().unwrap_or_default()
        ));
    }
    Json(body).into_response()
}

async fn playlist_items(
    State(samples): State<Arc<Samples>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let page: usize =
        params.get("pageToken").and_then(|t| t.strip_prefix("page-")).and_then(|n| n.parse().ok()).unwrap_or(0);
    let items: Vec<Value> = samples
        .videos
        .iter()
        .skip(page * VIDEOS_PER_PAGE)
        .take(VIDEOS_PER_PAGE)
        .enumerate()
        .map(|(i, v)| {
            json!({
                "kind": "youtube#playlistItem",
                "id": format!("item-{}", v["id"].as_str().unwrap_or_default()),
                "snippet": {"publishedAt": v["snippet"]["publishedAt"], "title": v["snippet"]["title"],
                            "position": page * VIDEOS_PER_PAGE + i, "resourceId": {"kind": "youtube#video", "videoId": v["id"]}},
                "contentDetails": {"videoId": v["id"], "videoPublishedAt": v["snippet"]["publishedAt"]},
            })
        })
        .collect();
    let mut body = json!({
        "kind": "youtube#playlistItemListResponse",
        "pageInfo": {"totalResults": samples.videos.len(), "resultsPerPage": VIDEOS_PER_PAGE},
        "items": items,
    });
    if (page + 1) * VIDEOS_PER_PAGE < samples.videos.len() {
        body["nextPageToken"] = json!(format!("page-{}", page + 1));
    }
    Json(body).into_response()
}

async fn videos(State(samples): State<Arc<Samples>>, Query(params): Query<HashMap<String, String>>) -> Response {
    let ids: Vec<&str> = params.get("id").map(|ids| ids.split(',').collect()).unwrap_or_default();
    let items: Vec<&Value> = samples.videos.iter().filter(|v| ids.iter().any(|id| v["id"] == *id)).collect();
    Json(json!({"kind": "youtube#videoListResponse", "pageInfo": {"totalResults": items.len()}, "items": items}))
        .into_response()
}
