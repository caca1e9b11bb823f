//! Resolving a name to one of a set of targets (catalog shows, or titles), exact first, then by an
//! alias (the original-language title), then fuzzy. A fuzzy match needs a similarity of at least
//! `FUZZY_THRESHOLD` and a clear lead over the runner-up. A name alone does not make a link: the
//! kind, year, runtime and seasons both sides carry must agree (`weigh`), same-name works are told
//! apart by them, and when they conflict or do not settle it the name stays unmatched, with the
//! evidence, instead of being guessed.

use std::collections::HashMap;

/// Normalised Levenshtein similarity a fuzzy match needs, measured on names with spaces removed
/// ("Love Song" and "Lovesong" are equal there). Chosen on the real Top 10 and catalog files: at
/// 0.88 on spaced names, 41 fuzzy matches came out and nearly all were wrong, because one letter
/// makes another work ("The Mother" / "The Other", "The Watcher" / "The Witcher"). At 0.95 a match
/// needs a difference of about one character in twenty.
pub const FUZZY_THRESHOLD: f64 = 0.95;
/// How far ahead of the second-best candidate the best one must be.
const FUZZY_MARGIN: f64 = 0.02;
/// Short names are too easy to confuse by edit distance ("you" / "yo").
const FUZZY_MIN_CHARS: usize = 8;
/// A fuzzy match is weak evidence, so it also needs a plausible date: the target came out at most
/// this many years before the query's latest year. On the real files the only spacing-only matches
/// older than that ("Re/Member" 2022 → "Remember" 2015) were different works.
const FUZZY_MAX_AGE_YEARS: i32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Kind {
    #[default]
    Film,
    Series,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Film => "film",
            Kind::Series => "series",
        }
    }

    /// Top 10 categories start with `Films` or `TV`.
    pub fn of_category(category: &str) -> Kind {
        if category.starts_with("Films") { Kind::Film } else { Kind::Series }
    }

    /// Streaming Availability `showType`.
    pub fn of_show_type(show_type: &str) -> Kind {
        if show_type == "movie" { Kind::Film } else { Kind::Series }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Not a match: the entity a title is built on (a catalog show, or a Top 10 title the catalog
    /// does not have).
    Anchor,
    Exact,
    Alias,
    Fuzzy,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Anchor => "anchor",
            Method::Exact => "exact",
            Method::Alias => "alias",
            Method::Fuzzy => "fuzzy",
        }
    }
}

/// Something names are resolved to. Names are already normalised.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub name: String,
    pub alias: Option<String>,
    pub kind: Kind,
    pub year: Option<i32>,
    /// Minutes, for films.
    pub runtime: Option<i32>,
    /// Seasons listed, for series.
    pub seasons: Option<i32>,
}

/// A name to resolve: normalised candidates (best first), and what constrains the answer.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub names: &'a [String],
    /// Names that can only be a series: a video title's name with a bare season number dropped
    /// ("Stranger Things 4" → "stranger things"); tried after `names`.
    pub series_names: &'a [String],
    pub kind: Option<Kind>,
    /// The target cannot have come out after this year (a title cannot chart before its release;
    /// a trailer comes at most a year before it).
    pub latest_year: Option<i32>,
    /// Runtimes the Top 10 published for the title, in minutes (since 2023-06; several when
    /// same-name works share a list).
    pub runtimes: &'a [f64],
    /// The Top 10 listed it as a limited series: one season.
    pub limited_series: bool,
    /// The newest year among all targets. A title first charting two or more years after it
    /// postdates the catalog, which then cannot hold the new work, only older ones of its name.
    pub targets_newest_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Matched { target: usize, method: Method, score: f64, matched_on: String, evidence: Vec<String> },
    Unmatched { reason: Unmatched, best: Option<(usize, f64)>, evidence: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched {
    /// Nothing close enough.
    NoCandidate,
    /// Something similar, but under the fuzzy threshold.
    BelowThreshold,
    /// Several equally good candidates; kind and year did not tell them apart.
    Ambiguous,
    /// The name matches, but other evidence (runtime, seasons) says it is another work.
    Conflict,
    /// The name matches an older work in a catalog that predates the title, and nothing else
    /// confirms it is the same work.
    Unverified,
}

impl Unmatched {
    pub fn as_str(self) -> &'static str {
        match self {
            Unmatched::NoCandidate => "no_candidate",
            Unmatched::BelowThreshold => "below_threshold",
            Unmatched::Ambiguous => "ambiguous",
            Unmatched::Conflict => "evidence_conflict",
            Unmatched::Unverified => "unverified",
        }
    }
}

/// Minutes two published runtimes may differ by and still be one film. On the real files, the
/// same film differs by 0–2 minutes between the Top 10 and the Kaggle catalog; different
/// same-name films by 3 or more ("A Family Affair" 2015/2024, "Rumble" 2016/2022).
const RUNTIME_TOLERANCE_MINUTES: f64 = 2.0;
/// How much older than the title's first chart year a work may be before, in a catalog that
/// predates the title, it needs confirmation.
const STALE_GAP_YEARS: i32 = 2;

/// Targets indexed for lookups by exact name, alias, and (for fuzzy matching) first character.
pub struct Index<'t> {
    targets: &'t [Target],
    names: HashMap<&'t str, Vec<usize>>,
    aliases: HashMap<&'t str, Vec<usize>>,
    by_initial: HashMap<char, Vec<usize>>,
}

impl<'t> Index<'t> {
    pub fn new(targets: &'t [Target]) -> Index<'t> {
        let mut names: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut aliases: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_initial: HashMap<char, Vec<usize>> = HashMap::new();
        for (i, target) in targets.iter().enumerate() {
            names.entry(target.name.as_str()).or_default().push(i);
            if let Some(alias) = target.alias.as_deref().filter(|a| *a != target.name) {
                aliases.entry(alias).or_default().push(i);
            }
            let initials = [target.name.chars().next(), target.alias.as_deref().and_then(|a| a.chars().next())];
            for initial in initials.into_iter().flatten() {
                let bucket = by_initial.entry(initial).or_default();
                if bucket.last() != Some(&i) {
                    bucket.push(i);
                }
            }
        }
        Index { targets, names, aliases, by_initial }
    }

    pub fn targets(&self) -> &'t [Target] {
        self.targets
    }
}

/// What the evidence beyond the name says about one candidate.
enum Verdict {
    Agrees(Vec<String>),
    Conflicts(Unmatched, Vec<String>),
}

pub fn resolve(index: &Index<'_>, query: &Query<'_>) -> Resolution {
    let mut rejected: Option<(usize, Unmatched, Vec<String>)> = None;
    let series_only = Query { kind: Some(Kind::Series), ..query.clone() };
    let passes = [
        (Method::Exact, &index.names, query.names, query),
        (Method::Alias, &index.aliases, query.names, query),
        (Method::Exact, &index.names, query.series_names, &series_only),
        (Method::Alias, &index.aliases, query.series_names, &series_only),
    ];
    for (method, table, names, query) in passes {
        // Every name of the query is tried: when two of them name different works (a clip titled
        // with an episode and its show), the video is ambiguous rather than the first one's.
        let mut found: Option<(usize, String, Vec<String>)> = None;
        for name in names {
            let Some(candidates) = table.get(name.as_str()) else { continue };
            let mut agreeing = Vec::new();
            for &i in candidates.iter().filter(|&&i| fits(&index.targets[i], query)) {
                match weigh(&index.targets[i], query) {
                    Verdict::Agrees(evidence) => agreeing.push((i, evidence)),
                    Verdict::Conflicts(reason, evidence) => {
                        rejected.get_or_insert((i, reason, evidence));
                    }
                }
            }
            let fitting: Vec<usize> = agreeing.iter().map(|(i, _)| *i).collect();
            match pick_by_year(index.targets, &fitting) {
                Pick::One(target) => match &found {
                    Some((other, other_name, _)) if *other != target => {
                        return Resolution::Unmatched {
                            reason: Unmatched::Ambiguous,
                            best: Some((*other, 1.0)),
                            evidence: vec![format!("names two works: {other_name:?} and {name:?}")],
                        };
                    }
                    Some(_) => {}
                    None => {
                        let evidence = agreeing.into_iter().find(|(i, _)| *i == target).expect("picked").1;
                        found = Some((target, name.clone(), evidence));
                    }
                },
                Pick::Tie(first) => {
                    return Resolution::Unmatched {
                        reason: Unmatched::Ambiguous,
                        best: Some((first, 1.0)),
                        evidence: vec![format!("several works named {name:?} fit equally")],
                    };
                }
                Pick::None => {}
            }
        }
        if let Some((target, matched_on, evidence)) = found {
            let evidence = [vec![format!("name: {}", method.as_str())], evidence].concat();
            return Resolution::Matched { target, method, score: 1.0, matched_on, evidence };
        }
    }
    if let Some((target, reason, evidence)) = rejected {
        return Resolution::Unmatched { reason, best: Some((target, 1.0)), evidence };
    }
    fuzzy(index, query)
}

fn fits(target: &Target, query: &Query<'_>) -> bool {
    let kind_fits = query.kind.is_none_or(|k| k == target.kind);
    let year_fits = match (target.year, query.latest_year) {
        (Some(year), Some(latest)) => year <= latest,
        _ => true,
    };
    kind_fits && year_fits
}

/// Kind, year, runtime and seasons of a candidate whose name fits, for and against.
fn weigh(target: &Target, query: &Query<'_>) -> Verdict {
    let mut evidence = Vec::new();
    if query.kind.is_some() {
        evidence.push(format!("kind: {}", target.kind.as_str()));
    }
    if let (Some(year), Some(latest)) = (target.year, query.latest_year) {
        evidence.push(format!("year: {year}, no later than {latest}"));
    }
    let mut confirmed = false;
    if let Some(runtime) = target.runtime.filter(|_| !query.runtimes.is_empty()) {
        let closest = query.runtimes.iter().map(|r| (r - f64::from(runtime)).abs()).fold(f64::INFINITY, f64::min);
        let charted: Vec<String> = query.runtimes.iter().map(|r| format!("{r:.0}")).collect();
        let line = format!("runtime: {runtime} min listed, {} min charted", charted.join("/"));
        if closest > RUNTIME_TOLERANCE_MINUTES {
            evidence.push(line);
            return Verdict::Conflicts(Unmatched::Conflict, evidence);
        }
        evidence.push(line);
        confirmed = true;
    }
    if let Some(seasons) = target.seasons.filter(|s| query.limited_series && *s > 1) {
        evidence.push(format!("seasons: limited series charted, {seasons} listed"));
        return Verdict::Conflicts(Unmatched::Conflict, evidence);
    }
    let stale = match (query.targets_newest_year, query.latest_year, target.year) {
        (Some(newest), Some(first), Some(year)) => first >= newest + STALE_GAP_YEARS && year <= first - STALE_GAP_YEARS,
        _ => false,
    };
    if stale && target.kind == Kind::Film && !confirmed {
        evidence.push(format!(
            "unconfirmed: the catalog's newest work is from {}; an older film of this name is not this one \
             unless the runtime agrees",
            query.targets_newest_year.expect("stale implies it")
        ));
        return Verdict::Conflicts(Unmatched::Unverified, evidence);
    }
    Verdict::Agrees(evidence)
}

enum Pick {
    None,
    One(usize),
    Tie(usize),
}

/// Among targets that all fit, the most recent one; remakes share names, and the newest work that
/// could have charted is the likeliest. Equal years (or no years) are a tie.
fn pick_by_year(targets: &[Target], fitting: &[usize]) -> Pick {
    match fitting {
        [] => Pick::None,
        [only] => Pick::One(*only),
        _ => {
            let newest = fitting.iter().copied().max_by_key(|&i| targets[i].year).expect("not empty");
            let tied = fitting.iter().filter(|&&i| targets[i].year == targets[newest].year).count();
            if targets[newest].year.is_some() && tied == 1 { Pick::One(newest) } else { Pick::Tie(newest) }
        }
    }
}

/// "the boy next door" → "theboynextdoor": spacing and hyphenation differences vanish.
fn compact(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The numbers in a name: sequels, years and parts differ in them, and a fuzzy match must not
/// cross them ("Kung Fu Panda 3" is not "Kung Fu Panda 2").
fn numbers(name: &str) -> Vec<&str> {
    name.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect()
}

fn fuzzy(index: &Index<'_>, query: &Query<'_>) -> Resolution {
    let mut scores: HashMap<usize, (f64, &str)> = HashMap::new();
    for name in query.names {
        let squeezed = compact(name);
        if squeezed.chars().count() < FUZZY_MIN_CHARS {
            continue;
        }
        let Some(bucket) = name.chars().next().and_then(|c| index.by_initial.get(&c)) else { continue };
        let length = squeezed.chars().count() as f64;
        for &i in bucket {
            let target = &index.targets[i];
            let recent = match (target.year, query.latest_year) {
                (Some(year), Some(latest)) => year >= latest - FUZZY_MAX_AGE_YEARS,
                _ => true,
            };
            if !fits(target, query) || !recent {
                continue;
            }
            for candidate in std::iter::once(target.name.as_str()).chain(target.alias.as_deref()) {
                if numbers(candidate) != numbers(name) {
                    continue;
                }
                let other = compact(candidate);
                let other_length = other.chars().count() as f64;
                // Far apart in length, the names are neither a match nor a candidate worth reporting.
                if (length - other_length).abs() / length.max(other_length) > 0.25 {
                    continue;
                }
                let score = strsim::normalized_levenshtein(&squeezed, &other);
                let entry = scores.entry(i).or_insert((0.0, name.as_str()));
                if score > entry.0 {
                    *entry = (score, name.as_str());
                }
            }
        }
    }
    let mut ranked: Vec<(usize, f64, &str)> = scores.into_iter().map(|(i, (s, n))| (i, s, n)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let similarity = |score: &f64| vec![format!("name: fuzzy, similarity {score:.3}")];
    match ranked.as_slice() {
        [] => Resolution::Unmatched { reason: Unmatched::NoCandidate, best: None, evidence: Vec::new() },
        [(best, score, _), ..] if *score < FUZZY_THRESHOLD => {
            let reason =
                if *score >= FUZZY_THRESHOLD - 0.2 { Unmatched::BelowThreshold } else { Unmatched::NoCandidate };
            Resolution::Unmatched { reason, best: Some((*best, *score)), evidence: similarity(score) }
        }
        [(best, score, _), (_, second, _), ..] if score - second < FUZZY_MARGIN => Resolution::Unmatched {
            reason: Unmatched::Ambiguous,
            best: Some((*best, *score)),
            evidence: [similarity(score), vec![format!("runner-up similarity {second:.3}")]].concat(),
        },
        [(best, score, name), ..] => match weigh(&index.targets[*best], query) {
            Verdict::Agrees(evidence) => Resolution::Matched {
                target: *best,
                method: Method::Fuzzy,
                score: *score,
                matched_on: (*name).to_owned(),
                evidence: [similarity(score), evidence].concat(),
            },
            Verdict::Conflicts(reason, evidence) => Resolution::Unmatched {
                reason,
                best: Some((*best, *score)),
                evidence: [similarity(score), evidence].concat(),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::normalize::{normalize, strip_season, video_candidates};

    fn target(name: &str, alias: Option<&str>, kind: Kind, year: i32) -> Target {
        Target { name: normalize(name), alias: alias.map(normalize), kind, year: Some(year), ..Target::default() }
    }

    fn catalog() -> Vec<Target> {
        vec![
            target("Wednesday", None, Kind::Series, 2022),
            target("Money Heist", Some("La casa de papel"), Kind::Series, 2017),
            target("Squid Game", Some("오징어 게임"), Kind::Series, 2021),
            target("You", None, Kind::Series, 2018),
            target("Dark", None, Kind::Series, 2017),
            target("Dark", None, Kind::Film, 2005),
            target("Rebecca", None, Kind::Film, 1940),
            target("Rebecca", None, Kind::Film, 2020),
            target("The Twins", None, Kind::Film, 2021),
            target("The Twins", None, Kind::Film, 2021),
            target("Amélie", None, Kind::Film, 2001),
            target("Sweet Magnolias", None, Kind::Series, 2020),
            target("The Haunting of Bly Manor", None, Kind::Series, 2020),
            target("Lovesong", None, Kind::Film, 2021),
            target("Kung Fu Panda 2", None, Kind::Film, 2011),
            target("The Other", None, Kind::Film, 2019),
            target("Lupin", None, Kind::Series, 2021),
            target("Lupin III: The First", None, Kind::Film, 2019),
            target("Fear Street: Part One - 1994", None, Kind::Film, 2021),
            target("Fear Street: Part Two - 1978", None, Kind::Film, 2021),
        ]
    }

    fn top10(index: &Index<'_>, show_title: &str, kind: Kind, first_year: i32) -> Resolution {
        let names = [normalize(show_title)];
        resolve(index, &Query { names: &names, kind: Some(kind), latest_year: Some(first_year), ..Query::default() })
    }

    fn matched_name(index: &Index<'_>, resolution: &Resolution) -> Option<(String, Option<i32>, Method)> {
        match resolution {
            Resolution::Matched { target, method, .. } => {
                let t = &index.targets()[*target];
                Some((t.name.clone(), t.year, *method))
            }
            Resolution::Unmatched { .. } => None,
        }
    }

    #[test]
    fn seasons_and_limited_series_resolve_to_their_show() {
        let targets = catalog();
        let index = Index::new(&targets);
        for season_title in ["Wednesday: Season 1", "Wednesday: Season 2", "Wednesday: Limited Series"] {
            let name = strip_season(season_title);
            assert_eq!(
                matched_name(&index, &top10(&index, name, Kind::Series, 2025)),
                Some(("wednesday".into(), Some(2022), Method::Exact)),
                "{season_title}"
            );
        }
        let part = strip_season("Money Heist: Part 5");
        assert_eq!(matched_name(&index, &top10(&index, part, Kind::Series, 2021)).unwrap().0, "money heist");
    }

    #[test]
    fn non_english_titles_match_through_the_original_title() {
        let targets = catalog();
        let index = Index::new(&targets);
        let resolution = top10(&index, "La Casa de Papel", Kind::Series, 2021);
        assert_eq!(matched_name(&index, &resolution), Some(("money heist".into(), Some(2017), Method::Alias)));
        let korean = top10(&index, "오징어 게임", Kind::Series, 2021);
        assert_eq!(matched_name(&index, &korean).unwrap().0, "squid game");
    }

    #[test]
    fn punctuation_and_accents_do_not_matter() {
        let targets = catalog();
        let index = Index::new(&targets);
        assert_eq!(matched_name(&index, &top10(&index, "AMELIE", Kind::Film, 2021)).unwrap().2, Method::Exact);
        assert_eq!(
            matched_name(&index, &top10(&index, "Sweet Magnolia's", Kind::Series, 2022)).unwrap().0,
            "sweet magnolias"
        );
    }

    #[test]
    fn a_typo_in_a_long_name_or_a_spacing_difference_matches_fuzzily_with_its_score() {
        let targets = catalog();
        let index = Index::new(&targets);
        let Resolution::Matched { method, score, .. } = top10(&index, "The Haunting of Bly Manr", Kind::Series, 2022)
        else {
            panic!("expected a fuzzy match")
        };
        assert_eq!(method, Method::Fuzzy);
        assert!((FUZZY_THRESHOLD..1.0).contains(&score), "{score}");
        let Resolution::Matched { method, score, .. } = top10(&index, "Love Song", Kind::Film, 2022) else {
            panic!("expected a fuzzy match")
        };
        assert_eq!((method, score), (Method::Fuzzy, 1.0));
    }

    #[test]
    fn sequels_and_one_letter_different_works_do_not_match_fuzzily() {
        let targets = catalog();
        let index = Index::new(&targets);
        for (name, kind) in
            [("Kung Fu Panda 3", Kind::Film), ("The Mother", Kind::Film), ("Sweet Magnolia", Kind::Series)]
        {
            assert!(matches!(top10(&index, name, kind, 2026), Resolution::Unmatched { .. }), "{name}");
        }
    }

    #[test]
    fn films_and_series_sharing_a_name_are_told_apart_by_kind() {
        let targets = catalog();
        let index = Index::new(&targets);
        assert_eq!(matched_name(&index, &top10(&index, "Dark", Kind::Series, 2021)).unwrap().1, Some(2017));
        assert_eq!(matched_name(&index, &top10(&index, "Dark", Kind::Film, 2021)).unwrap().1, Some(2005));
    }

    #[test]
    fn remakes_resolve_to_the_newest_work_that_could_have_charted() {
        let targets = catalog();
        let index = Index::new(&targets);
        assert_eq!(matched_name(&index, &top10(&index, "Rebecca", Kind::Film, 2021)).unwrap().1, Some(2020));
        assert_eq!(matched_name(&index, &top10(&index, "Rebecca", Kind::Film, 2019)).unwrap().1, Some(1940));
    }

    #[test]
    fn two_works_with_the_same_name_and_year_stay_unmatched() {
        let targets = catalog();
        let index = Index::new(&targets);
        assert!(matches!(
            top10(&index, "The Twins", Kind::Film, 2022),
            Resolution::Unmatched { reason: Unmatched::Ambiguous, .. }
        ));
    }

    #[test]
    fn parts_of_a_film_series_are_different_works_and_prefixes_are_not_matches() {
        let targets = catalog();
        let index = Index::new(&targets);
        let one = matched_name(&index, &top10(&index, "Fear Street: Part One - 1994", Kind::Film, 2021)).unwrap();
        assert_eq!(one.0, "fear street part one 1994");
        assert!(matches!(top10(&index, "Fear Street", Kind::Film, 2021), Resolution::Unmatched { .. }));
        assert!(matches!(top10(&index, "Lupin III", Kind::Series, 2021), Resolution::Unmatched { .. }));
    }

    #[test]
    fn unknown_titles_report_why() {
        let targets = catalog();
        let index = Index::new(&targets);
        assert!(matches!(
            top10(&index, "Completely New Show", Kind::Series, 2026),
            Resolution::Unmatched { reason: Unmatched::NoCandidate, .. }
        ));
        let near = top10(&index, "Swete Magnolas", Kind::Series, 2022);
        assert!(
            matches!(near, Resolution::Unmatched { reason: Unmatched::BelowThreshold, best: Some(_), .. }),
            "{near:?}"
        );
    }

    fn film(name: &str, year: i32, runtime: i32) -> Target {
        Target {
            name: normalize(name),
            kind: Kind::Film,
            year: Some(year),
            runtime: Some(runtime),
            ..Target::default()
        }
    }

    #[test]
    fn a_runtime_that_disagrees_leaves_a_same_name_film_unmatched_with_the_evidence() {
        let targets = [film("The Killer", 2017, 100), film("Hop", 2011, 95)];
        let index = Index::new(&targets);
        let names = [normalize("The Killer")];
        let query = Query {
            names: &names,
            kind: Some(Kind::Film),
            latest_year: Some(2023),
            runtimes: &[120.0],
            ..Query::default()
        };
        let Resolution::Unmatched { reason, evidence, .. } = resolve(&index, &query) else { panic!("a conflict") };
        assert_eq!(reason, Unmatched::Conflict);
        assert!(evidence.iter().any(|e| e.contains("100 min listed, 120 min charted")), "{evidence:?}");

        let names = [normalize("Hop")];
        let query = Query {
            names: &names,
            kind: Some(Kind::Film),
            latest_year: Some(2022),
            runtimes: &[96.0],
            ..Query::default()
        };
        let Resolution::Matched { evidence, .. } = resolve(&index, &query) else { panic!("a match") };
        assert!(evidence.iter().any(|e| e.starts_with("runtime")), "{evidence:?}");
    }

    #[test]
    fn an_older_film_in_a_catalog_that_predates_the_title_needs_its_runtime_to_agree() {
        let targets = [film("Mea Culpa", 2017, 54), film("Marauders", 2016, 107)];
        let index = Index::new(&targets);
        let names = [normalize("Mea Culpa")];
        let stale = Query {
            names: &names,
            kind: Some(Kind::Film),
            latest_year: Some(2024),
            targets_newest_year: Some(2021),
            ..Query::default()
        };
        assert!(matches!(resolve(&index, &stale), Resolution::Unmatched { reason: Unmatched::Unverified, .. }));
        let names = [normalize("Marauders")];
        let within = Query { names: &names, latest_year: Some(2022), ..stale.clone() };
        assert!(matches!(resolve(&index, &within), Resolution::Matched { .. }), "charted within a year of the catalog");
    }

    #[test]
    fn a_limited_series_is_not_a_show_of_several_seasons() {
        let targets = [Target { seasons: Some(3), ..target("Glitch", None, Kind::Series, 2019) }];
        let index = Index::new(&targets);
        let names = [normalize("Glitch")];
        let query = Query {
            names: &names,
            kind: Some(Kind::Series),
            latest_year: Some(2022),
            limited_series: true,
            ..Query::default()
        };
        assert!(matches!(resolve(&index, &query), Resolution::Unmatched { reason: Unmatched::Conflict, .. }));
    }

    #[test]
    fn a_video_naming_two_works_is_ambiguous_and_a_bare_number_only_names_a_series() {
        let targets = catalog();
        let index = Index::new(&targets);
        let names = [normalize("Wednesday"), normalize("Lovesong")];
        let query = Query { names: &names, latest_year: Some(2023), ..Query::default() };
        assert!(matches!(resolve(&index, &query), Resolution::Unmatched { reason: Unmatched::Ambiguous, .. }));

        let names = [normalize("Wednesday 2")];
        let series_names = [normalize("Wednesday")];
        let query = Query { names: &names, series_names: &series_names, latest_year: Some(2025), ..Query::default() };
        assert_eq!(matched_name(&index, &resolve(&index, &query)).unwrap().0, "wednesday");
        let names = [normalize("Rebecca 2")];
        let series_names = [normalize("Rebecca")];
        let query = Query { names: &names, series_names: &series_names, latest_year: Some(2025), ..Query::default() };
        assert!(matches!(resolve(&index, &query), Resolution::Unmatched { .. }), "Rebecca is a film");
    }

    #[test]
    fn trailers_match_their_show_and_clips_of_nothing_do_not() {
        let targets = catalog();
        let index = Index::new(&targets);
        let resolve_video = |title: &str, year: i32| {
            let names = video_candidates(title);
            resolve(&index, &Query { names: &names, kind: None, latest_year: Some(year + 1), ..Query::default() })
        };
        assert_eq!(
            matched_name(&index, &resolve_video("Wednesday | Official Trailer | Netflix", 2022)).unwrap().0,
            "wednesday"
        );
        assert_eq!(
            matched_name(&index, &resolve_video("Squid Game: Season 2 | Official Teaser | Netflix", 2024)).unwrap().0,
            "squid game"
        );
        let dark = resolve_video("Dark | Official Trailer | Netflix", 2017);
        assert_eq!(matched_name(&index, &dark).unwrap().1, Some(2017), "the series of that year, not the 2005 film");
        assert!(matches!(
            resolve_video("The Twins | Official Trailer", 2021),
            Resolution::Unmatched { reason: Unmatched::Ambiguous, .. }
        ));
        assert!(matches!(
            resolve_video("Our Favourite Bloopers of 2024 | Netflix", 2024),
            Resolution::Unmatched { .. }
        ));
    }
}
