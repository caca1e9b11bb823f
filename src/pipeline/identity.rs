//! Rebuilding the title identity from stage, inside a refresh's transaction.
//!
//! Catalog shows are the anchors: each is a title. A Top 10 title (its show_title spellings, per
//! kind) joins the catalog show it resolves to, or becomes a title of its own. YouTube videos are
//! then resolved against all titles. Ids come from the registry, so a title keeps its id across
//! rebuilds.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use duckdb::Connection;

use crate::error::Result;
use crate::identity::matcher::{Index, Query, Resolution, Target};
use crate::identity::normalize::{normalize, video_candidates, without_parenthetical, without_season_number};
use crate::identity::{Kind, Method};
use crate::warehouse::identity::{self as store, Identity, MatchRow, TitleRow, UnmatchedRow};

/// What a rebuild found; logged with the run.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdentityStats {
    pub titles: usize,
    pub top10_titles: usize,
    pub top10_matched: usize,
    pub videos: usize,
    pub videos_matched: usize,
}

/// Rebuilds the identity and the analytics facts that join on it.
pub fn rebuild(conn: &Connection, now: DateTime<Utc>) -> Result<IdentityStats> {
    let stats = rebuild_identity(conn, now)?;
    crate::warehouse::load::rebuild_analytics_marts(conn)?;
    Ok(stats)
}

fn rebuild_identity(conn: &Connection, now: DateTime<Utc>) -> Result<IdentityStats> {
    let catalog = store::catalog_entries(conn)?;
    let top10 = store::top10_entities(conn)?;
    let videos = store::youtube_videos(conn)?;
    let mut registry = Registry::new(store::registry(conn)?);
    let (identity, stats) = build(&catalog, &top10, &videos, &mut registry);
    let identity = Identity { new_keys: registry.added, ..identity };
    store::write(conn, &identity, now)?;
    tracing::info!(
        titles = stats.titles,
        top10_titles = stats.top10_titles,
        top10_matched = stats.top10_matched,
        videos = stats.videos,
        videos_matched = stats.videos_matched,
        "rebuilt the title identity"
    );
    Ok(stats)
}

/// Keys to ids, handing out the next id to keys seen for the first time.
struct Registry {
    ids: HashMap<String, i64>,
    next: i64,
    added: Vec<(String, i64)>,
}

impl Registry {
    fn new(ids: HashMap<String, i64>) -> Registry {
        let next = ids.values().copied().max().unwrap_or(0) + 1;
        Registry { ids, next, added: Vec::new() }
    }

    fn id(&mut self, key: &str) -> i64 {
        if let Some(id) = self.ids.get(key) {
            return *id;
        }
        let id = self.next;
        self.next += 1;
        self.ids.insert(key.to_owned(), id);
        self.added.push((key.to_owned(), id));
        id
    }
}

/// A Top 10 title: its spellings under one normalised name and kind.
struct Top10Group {
    normalized: String,
    kind: Kind,
    spellings: Vec<String>,
    first_year: i32,
    runtimes: Vec<f64>,
    limited_series: bool,
}

fn build(
    catalog: &[store::CatalogEntry],
    top10: &[store::Top10Entity],
    videos: &[store::VideoEntry],
    registry: &mut Registry,
) -> (Identity, IdentityStats) {
    let mut stats = IdentityStats::default();
    let targets: Vec<Target> = catalog
        .iter()
        .map(|c| Target {
            name: normalize(&c.title),
            alias: c.original_title.as_deref().map(normalize).filter(|a| !a.is_empty()),
            kind: Kind::of_show_type(&c.show_type),
            year: c.year,
            runtime: c.runtime,
            seasons: c.season_count,
        })
        .collect();
    let index = Index::new(&targets);
    let targets_newest_year = targets.iter().filter_map(|t| t.year).max();

    let mut groups: BTreeMap<(String, Kind), Top10Group> = BTreeMap::new();
    for entity in top10 {
        let kind = if entity.kind == "film" { Kind::Film } else { Kind::Series };
        let normalized = normalize(&entity.show_title);
        let group = groups.entry((normalized.clone(), kind)).or_insert_with(|| Top10Group {
            normalized,
            kind,
            spellings: Vec::new(),
            first_year: entity.first_week.year(),
            runtimes: Vec::new(),
            limited_series: false,
        });
        group.spellings.push(entity.show_title.clone());
        group.first_year = group.first_year.min(entity.first_week.year());
        group.runtimes.extend(&entity.runtimes);
        group.limited_series |= entity.limited_series;
    }
    stats.top10_titles = groups.len();

    // Members of each catalog show's title, and the Top 10 titles that stand alone.
    let mut members: Vec<Vec<&Top10Group>> = vec![Vec::new(); targets.len()];
    let mut resolutions: Vec<(&Top10Group, Resolution)> = Vec::new();
    for group in groups.values() {
        let names = [group.normalized.clone()];
        let resolution = crate::identity::resolve(
            &index,
            &Query {
                names: &names,
                kind: Some(group.kind),
                latest_year: Some(group.first_year),
                runtimes: &group.runtimes,
                limited_series: group.limited_series,
                targets_newest_year,
                ..Query::default()
            },
        );
        if let Resolution::Matched { target, .. } = &resolution {
            members[*target].push(group);
            stats.top10_matched += 1;
        }
        resolutions.push((group, resolution));
    }

    let mut titles = Vec::new();
    let mut catalog_title_ids = Vec::with_capacity(catalog.len());
    for (i, show) in catalog.iter().enumerate() {
        let mut ids = vec![registry.id(&format!("catalog:{}", show.show_id))];
        ids.extend(members[i].iter().map(|g| registry.id(&top10_key(g))));
        let title_id = *ids.iter().min().expect("at least the show itself");
        catalog_title_ids.push(title_id);
        titles.push(TitleRow {
            title_id,
            name: show.title.clone(),
            original_name: show.original_title.clone().filter(|o| *o != show.title),
            kind: targets[i].kind.as_str(),
            year: show.year,
            normalized_name: targets[i].name.clone(),
            catalog_show_id: Some(show.show_id.clone()),
        });
    }

    let mut matches: Vec<MatchRow> = catalog
        .iter()
        .zip(&catalog_title_ids)
        .zip(&targets)
        .map(|((show, id), target)| MatchRow {
            title_id: *id,
            source: "catalog",
            source_key: show.show_id.clone(),
            source_label: show.title.clone(),
            method: Method::Anchor.as_str(),
            score: 1.0,
            matched_on: target.name.clone(),
            evidence: String::new(),
        })
        .collect();
    let mut unmatched = Vec::new();
    let mut top10_map = Vec::new();
    for (group, resolution) in resolutions {
        let title_id = match &resolution {
            Resolution::Matched { target, method, score, matched_on, evidence } => {
                let id = catalog_title_ids[*target];
                matches.push(MatchRow {
                    title_id: id,
                    source: "top10",
                    source_key: top10_key(group),
                    source_label: group.spellings[0].clone(),
                    method: method.as_str(),
                    score: *score,
                    matched_on: matched_on.clone(),
                    evidence: evidence.join("; "),
                });
                id
            }
            Resolution::Unmatched { reason, best, evidence } => {
                let id = registry.id(&top10_key(group));
                unmatched.push(UnmatchedRow {
                    source: "top10",
                    source_key: top10_key(group),
                    source_label: group.spellings[0].clone(),
                    normalized: group.normalized.clone(),
                    reason: reason.as_str(),
                    candidate: best.map(|(t, s)| (catalog_title_ids[t], catalog[t].title.clone(), s)),
                    evidence: evidence.join("; "),
                });
                matches.push(MatchRow {
                    title_id: id,
                    source: "top10",
                    source_key: top10_key(group),
                    source_label: group.spellings[0].clone(),
                    method: Method::Anchor.as_str(),
                    score: 1.0,
                    matched_on: group.normalized.clone(),
                    evidence: String::new(),
                });
                titles.push(TitleRow {
                    title_id: id,
                    name: group.spellings[0].clone(),
                    original_name: None,
                    kind: group.kind.as_str(),
                    year: None,
                    normalized_name: group.normalized.clone(),
                    catalog_show_id: None,
                });
                id
            }
        };
        top10_map.extend(group.spellings.iter().map(|s| (s.clone(), group.kind.as_str(), title_id)));
    }
    stats.titles = titles.len();

    // Videos against every title; a trailer's show came out at most about a year after it. A title
    // is also known without a parenthetical the Top 10 adds ("Maamannan (Tamil)").
    let title_targets: Vec<Target> = titles
        .iter()
        .map(|t| Target {
            name: t.normalized_name.clone(),
            alias: t
                .original_name
                .as_deref()
                .or_else(|| without_parenthetical(&t.name))
                .map(normalize)
                .filter(|a| !a.is_empty()),
            kind: if t.kind == "film" { Kind::Film } else { Kind::Series },
            year: t.year,
            ..Target::default()
        })
        .collect();
    let title_index = Index::new(&title_targets);
    stats.videos = videos.len();
    for video in videos {
        let names = video_candidates(&video.title);
        let series_names = without_season_number(&names);
        let query = Query {
            names: &names,
            series_names: &series_names,
            latest_year: Some(video.published_at.year() + 1),
            ..Query::default()
        };
        match crate::identity::resolve(&title_index, &query) {
            Resolution::Matched { target, method, score, matched_on, evidence } => {
                stats.videos_matched += 1;
                matches.push(MatchRow {
                    title_id: titles[target].title_id,
                    source: "youtube",
                    source_key: video.video_id.clone(),
                    source_label: video.title.clone(),
                    method: method.as_str(),
                    score,
                    matched_on,
                    evidence: evidence.join("; "),
                });
            }
            Resolution::Unmatched { reason, best, evidence } => unmatched.push(UnmatchedRow {
                source: "youtube",
                source_key: video.video_id.clone(),
                source_label: video.title.clone(),
                normalized: names.first().cloned().unwrap_or_default(),
                reason: reason.as_str(),
                candidate: best.map(|(t, s)| (titles[t].title_id, titles[t].name.clone(), s)),
                evidence: evidence.join("; "),
            }),
        }
    }
    // Catalog shows no Top 10 title or video points at are not "unmatched": the catalog is the anchor.

    (Identity { new_keys: Vec::new(), titles, matches, unmatched, top10_map }, stats)
}

fn top10_key(group: &Top10Group) -> String {
    format!("top10:{}:{}", group.kind.as_str(), group.normalized)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn show(id: &str, show_type: &str, title: &str, original: Option<&str>, year: i32) -> store::CatalogEntry {
        store::CatalogEntry {
            show_id: id.into(),
            show_type: show_type.into(),
            title: title.into(),
            original_title: original.map(str::to_owned),
            year: Some(year),
            runtime: None,
            season_count: None,
        }
    }

    fn entity(title: &str, kind: &str, first_week: &str) -> store::Top10Entity {
        store::Top10Entity {
            show_title: title.into(),
            kind: kind.into(),
            first_week: NaiveDate::parse_from_str(first_week, "%Y-%m-%d").unwrap(),
            runtimes: Vec::new(),
            limited_series: false,
        }
    }

    fn video(id: &str, title: &str, published: &str) -> store::VideoEntry {
        store::VideoEntry {
            video_id: id.into(),
            title: title.into(),
            published_at: DateTime::parse_from_rfc3339(published).unwrap().with_timezone(&Utc),
        }
    }

    #[test]
    fn one_title_links_the_three_feeds_and_keeps_its_id_across_rebuilds() {
        let catalog = [show("101", "series", "Wednesday", None, 2022), show("102", "movie", "Night Train", None, 2021)];
        let top10 = [
            entity("Wednesday", "series", "2022-11-27"),
            entity("WEDNESDAY", "series", "2023-01-01"),
            entity("Brand New", "film", "2026-07-19"),
        ];
        let videos = [
            video("v1", "Wednesday | Official Trailer | Netflix", "2022-10-05T16:00:00Z"),
            video("v2", "Our favourite bloopers | Netflix", "2024-12-01T16:00:00Z"),
        ];
        let mut registry = Registry::new(HashMap::new());
        let (identity, stats) = build(&catalog, &top10, &videos, &mut registry);
        assert_eq!((stats.titles, stats.top10_titles, stats.top10_matched, stats.videos_matched), (3, 2, 1, 1));

        let wednesday = identity.titles.iter().find(|t| t.name == "Wednesday").unwrap();
        let linked: Vec<(&str, &str)> = identity
            .matches
            .iter()
            .filter(|m| m.title_id == wednesday.title_id)
            .map(|m| (m.source, m.source_key.as_str()))
            .collect();
        assert_eq!(linked, [("catalog", "101"), ("top10", "top10:series:wednesday"), ("youtube", "v1")]);
        let spellings: Vec<&str> = identity
            .top10_map
            .iter()
            .filter(|(_, _, id)| *id == wednesday.title_id)
            .map(|(s, _, _)| s.as_str())
            .collect();
        assert_eq!(spellings, ["Wednesday", "WEDNESDAY"]);
        assert!(identity.unmatched.iter().any(|u| u.source == "top10" && u.source_label == "Brand New"));
        assert!(identity.unmatched.iter().any(|u| u.source == "youtube" && u.source_key == "v2"));

        // A rebuild with the same inputs hands out the same ids and registers nothing new.
        let mut again = Registry::new(registry.ids.clone());
        let (second, _) = build(&catalog, &top10, &videos, &mut again);
        let ids = |i: &Identity| i.titles.iter().map(|t| (t.name.clone(), t.title_id)).collect::<BTreeMap<_, _>>();
        assert_eq!(ids(&second), ids(&identity));
        assert!(again.added.is_empty());
    }

    #[test]
    fn a_top10_only_title_keeps_its_id_when_the_catalog_later_lists_it() {
        let top10 = [entity("Harbour Lights", "series", "2024-03-10")];
        let mut registry = Registry::new(HashMap::new());
        let (before, _) = build(&[], &top10, &[], &mut registry);
        let id = before.titles[0].title_id;

        let catalog = [show("900", "series", "Harbour Lights", None, 2024)];
        let (after, _) = build(&catalog, &top10, &[], &mut registry);
        assert_eq!(after.titles.len(), 1);
        assert_eq!(after.titles[0].title_id, id, "the older Top 10 id wins over the catalog show's new one");
        assert_eq!(after.titles[0].catalog_show_id.as_deref(), Some("900"));
    }
}
