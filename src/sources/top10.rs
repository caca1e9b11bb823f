//! The Netflix Top 10 TSV files: `all-weeks-global.tsv`, `all-weeks-countries.tsv` and
//! `most-popular.tsv`.
//!
//! Netflix has added and removed columns over the years, so columns are mapped by header name, known
//! alternative names included, and unknown columns are reported rather than loaded. The files are not
//! CSV: a field is everything between two tabs, quotes included (`Yo, "El Vaquilla"` is a title), with
//! one exception handled here: the 2023-07 to 2025-06 global files wrap a JSON column in CSV quotes.
//!
//! A file is read twice from disk rather than held in memory: the first pass validates every row and
//! every list (a week's ranks 1-10 for one category, or one country and category), the second hands
//! the accepted rows to the loader. A list with a missing or repeated rank means a broken or revised
//! download, so the whole list is rejected and the warehouse keeps the copy it had.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::domain::{Category, CountryCode, List, RejectedRow, Week};
use crate::error::{Error, Result};

/// How many rejected rows a run record shows; the count is always complete.
const REJECTED_SAMPLE: usize = 20;
const RANKS_PER_LIST: usize = 10;
const ALL_RANKS: u16 = (1 << RANKS_PER_LIST) - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Top10File {
    Global,
    Countries,
    MostPopular,
}

pub struct Column {
    pub name: &'static str,
    /// Another header name Netflix has used for the same column.
    alias: Option<&'static str>,
    required: bool,
}

const fn required(name: &'static str) -> Column {
    Column { name, alias: None, required: true }
}

const fn optional(name: &'static str) -> Column {
    Column { name, alias: None, required: false }
}

/// In the order of the raw table's columns.
const GLOBAL_COLUMNS: &[Column] = &[
    required("week"),
    required("category"),
    required("weekly_rank"),
    required("show_title"),
    required("season_title"),
    required("weekly_hours_viewed"),
    optional("runtime"),
    optional("weekly_views"),
    required("cumulative_weeks_in_top_10"),
    optional("is_staggered_launch"),
    Column { name: "episode_launch_details", alias: Some("episode_launch_dtls"), required: false },
    optional("runtime_override_flag"),
];

const COUNTRY_COLUMNS: &[Column] = &[
    required("country_name"),
    required("country_iso2"),
    required("week"),
    required("category"),
    required("weekly_rank"),
    required("show_title"),
    required("season_title"),
    required("cumulative_weeks_in_top_10"),
];

/// Before 2023-06 the list ranked by hours in the first 28 days; since then by views in the first
/// 91. A file must have one of the two hours columns.
const MOST_POPULAR_COLUMNS: &[Column] = &[
    required("category"),
    required("rank"),
    required("show_title"),
    required("season_title"),
    optional("hours_viewed_first_91_days"),
    optional("runtime"),
    optional("views_first_91_days"),
    optional("hours_viewed_first_28_days"),
];

impl Top10File {
    pub const ALL: [Top10File; 3] = [Top10File::Global, Top10File::Countries, Top10File::MostPopular];

    pub fn file_name(self) -> &'static str {
        match self {
            Top10File::Global => "all-weeks-global.tsv",
            Top10File::Countries => "all-weeks-countries.tsv",
            Top10File::MostPopular => "most-popular.tsv",
        }
    }

    pub fn list(self) -> List {
        match self {
            Top10File::Global => List::Global,
            Top10File::Countries => List::Countries,
            Top10File::MostPopular => List::MostPopular,
        }
    }

    /// The known columns, in the raw table's order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Top10File::Global => GLOBAL_COLUMNS,
            Top10File::Countries => COUNTRY_COLUMNS,
            Top10File::MostPopular => MOST_POPULAR_COLUMNS,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GlobalRow {
    pub week: Week,
    pub category: Category,
    pub weekly_rank: u8,
    pub show_title: String,
    pub season_title: Option<String>,
    pub weekly_hours_viewed: Option<i64>,
    pub runtime: Option<f64>,
    pub weekly_views: Option<i64>,
    pub cumulative_weeks_in_top_10: Option<i32>,
    pub is_staggered_launch: Option<bool>,
    pub episode_launch_details: Option<String>,
    pub runtime_override_flag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountryRow {
    pub country_name: String,
    pub country_iso2: CountryCode,
    pub week: Week,
    pub category: Category,
    pub weekly_rank: u8,
    pub show_title: String,
    pub season_title: Option<String>,
    pub cumulative_weeks_in_top_10: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MostPopularRow {
    pub category: Category,
    pub rank: u8,
    pub show_title: String,
    pub season_title: Option<String>,
    pub hours_viewed_first_91_days: Option<i64>,
    pub runtime: Option<f64>,
    pub views_first_91_days: Option<i64>,
    pub hours_viewed_first_28_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Top10Row {
    Global(GlobalRow),
    Country(CountryRow),
    MostPopular(MostPopularRow),
}

/// One data line as received: the known columns in `Top10File::columns` order, `None` where the
/// header lacks the column or the line is short.
pub struct RawLine<'a> {
    pub line_no: u64,
    pub values: Vec<Option<&'a str>>,
}

/// The outcome of the first pass.
pub struct Validation {
    kind: Top10File,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub rejected_sample: Vec<RejectedRow>,
    /// Per data row, in file order: whether it goes to the warehouse.
    accepted: Vec<bool>,
}

impl Validation {
    pub fn rows_accepted(&self) -> u64 {
        self.rows_read - self.rows_rejected
    }

    /// A file is usable when it has at least one complete list and no more than `max_reject_ratio`
    /// of its rows were rejected; otherwise the run fails rather than load a partial picture.
    pub fn ensure_usable(&self, max_reject_ratio: f64) -> Result<()> {
        if self.rows_accepted() == 0 {
            let reason = match self.rejected_sample.first() {
                None => "it has a header but no rows".to_owned(),
                Some(first) => format!(
                    "no complete list of ranks 1-10 in it; first problem: line {}: {}",
                    first.line, first.reason
                ),
            };
            return Err(invalid(self.kind, reason));
        }
        if self.rows_rejected as f64 > max_reject_ratio * self.rows_read as f64 {
            let first = &self.rejected_sample[0];
            return Err(Error::TooManyRejected {
                file: self.kind.file_name().to_owned(),
                rejected: self.rows_rejected,
                read: self.rows_read,
                limit_percent: max_reject_ratio * 100.0,
                first: format!("line {}: {}", first.line, first.reason),
            });
        }
        Ok(())
    }
}

/// An opened file whose header has been checked.
pub struct Top10Tsv {
    kind: Top10File,
    path: PathBuf,
    header: Header,
}

struct Header {
    width: usize,
    /// For each known column, its position in the file's lines.
    positions: Vec<Option<usize>>,
    extra: Vec<String>,
}

impl Top10Tsv {
    pub fn open(path: &Path, kind: Top10File) -> Result<Top10Tsv> {
        let mut reader = open_reader(path, kind)?;
        let mut first = String::new();
        reader.read_line(&mut first).map_err(|e| invalid(kind, format!("cannot read the header: {e}")))?;
        let line = first.trim_end_matches(['\n', '\r']).trim_start_matches('\u{feff}');
        let header = Header::parse(kind, line).map_err(|reason| invalid(kind, reason))?;
        Ok(Top10Tsv { kind, path: path.to_path_buf(), header })
    }

    /// Header columns this version does not know.
    pub fn extra_columns(&self) -> &[String] {
        &self.header.extra
    }

    /// First pass: checks every row and every list. Fails only when the file cannot be read or ends
    /// mid-row; whether enough rows passed is `Validation::ensure_usable`'s call.
    pub fn validate(&self) -> Result<Validation> {
        let width = self.header.width;
        let mut lists: HashMap<ListKey, ListState> = HashMap::new();
        let mut accepted = Vec::new();
        let mut rejects = Rejects::default();
        let mut short_last_line = None;
        for_each_data_line(&self.path, self.kind, |line_no, line| {
            let row = accepted.len() as u32;
            let values: Vec<&str> = line.split('\t').collect();
            short_last_line = (values.len() < width).then_some((line_no, values.len()));
            if values.len() != width {
                rejects.row(line_no, format!("expected {width} tab-separated fields, found {}", values.len()), line);
                accepted.push(false);
                return Ok(());
            }
            match parse_row(self.kind, &self.header, &values) {
                Ok((key, rank, _)) => {
                    lists.entry(key).or_insert_with(|| ListState::new(line_no)).add(rank, row);
                    accepted.push(true);
                }
                Err(reason) => {
                    rejects.row(line_no, reason, line);
                    accepted.push(false);
                }
            }
            Ok(())
        })?;
        if let Some((line_no, fields)) = short_last_line {
            return Err(invalid(
                self.kind,
                format!("the last line ({line_no}) has {fields} of {width} fields: the download looks truncated"),
            ));
        }

        let mut broken: Vec<(&ListKey, &ListState)> = lists.iter().filter(|(_, s)| !s.is_complete()).collect();
        broken.sort_by_key(|(_, s)| s.first_line);
        for (key, state) in broken {
            rejects.list(
                state.first_line,
                format!("list {key} {}; the whole list is rejected", state.problem()),
                state.rows.len(),
            );
            for row in &state.rows {
                accepted[*row as usize] = false;
            }
        }

        Ok(Validation {
            kind: self.kind,
            rows_read: accepted.len() as u64,
            rows_rejected: rejects.count,
            rejected_sample: rejects.sample,
            accepted,
        })
    }

    /// Second pass: every data line goes to `sink` as received, with its typed row when accepted.
    pub fn load(
        &self,
        validation: &Validation,
        mut sink: impl FnMut(RawLine<'_>, Option<Top10Row>) -> Result<()>,
    ) -> Result<()> {
        let mut row = 0usize;
        for_each_data_line(&self.path, self.kind, |line_no, line| {
            let values: Vec<&str> = line.split('\t').collect();
            let raw = RawLine {
                line_no,
                values: self.header.positions.iter().map(|p| p.and_then(|i| values.get(i).copied())).collect(),
            };
            let typed = if validation.accepted.get(row).copied().unwrap_or(false) {
                let (_, _, typed) = parse_row(self.kind, &self.header, &values)
                    .map_err(|reason| Error::Internal(format!("line {line_no} changed between passes: {reason}")))?;
                Some(typed)
            } else {
                None
            };
            row += 1;
            sink(raw, typed)
        })
    }
}

impl Header {
    fn parse(kind: Top10File, line: &str) -> Result<Header, String> {
        let expected = || kind.columns().iter().filter(|c| c.required).map(|c| c.name).collect::<Vec<_>>().join(", ");
        if line.trim_start().starts_with('<') {
            return Err(format!("received HTML instead of a TSV (it starts with {:?})", preview(line)));
        }
        let names: Vec<&str> = line.split('\t').collect();
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(format!("the header names column {name:?} twice"));
            }
        }
        let positions: Vec<Option<usize>> =
            kind.columns().iter().map(|c| names.iter().position(|n| *n == c.name || Some(*n) == c.alias)).collect();
        let mut missing: Vec<&str> = kind
            .columns()
            .iter()
            .zip(&positions)
            .filter(|(c, p)| c.required && p.is_none())
            .map(|(c, _)| c.name)
            .collect();
        if kind == Top10File::MostPopular && positions[4].is_none() && positions[7].is_none() {
            missing.push("hours_viewed_first_91_days (or hours_viewed_first_28_days)");
        }
        if missing.len() == kind.columns().iter().filter(|c| c.required).count() {
            return Err(format!(
                "the first line is not the expected header (columns {}); it reads {:?}",
                expected(),
                preview(line)
            ));
        }
        if !missing.is_empty() {
            return Err(format!(
                "the header lacks required column(s) {}; it has {}",
                missing.join(", "),
                names.join(", ")
            ));
        }
        let extra = names
            .iter()
            .filter(|n| !kind.columns().iter().any(|c| c.name == **n || c.alias == Some(**n)))
            .map(|n| n.to_string())
            .collect();
        Ok(Header { width: names.len(), positions, extra })
    }

    fn field<'a>(&self, kind: Top10File, values: &[&'a str], name: &str) -> Option<&'a str> {
        let column = kind.columns().iter().position(|c| c.name == name)?;
        self.positions[column].map(|i| values[i])
    }
}

/// A ranked list: rows of one file that must hold ranks 1-10 exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ListKey {
    Global(Week, Category),
    Country(CountryCode, Week, Category),
    MostPopular(Category),
}

impl fmt::Display for ListKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListKey::Global(week, category) => write!(f, "{week} {}", category.as_str()),
            ListKey::Country(country, week, category) => write!(f, "{country} {week} {}", category.as_str()),
            ListKey::MostPopular(category) => f.write_str(category.as_str()),
        }
    }
}

struct ListState {
    first_line: u64,
    ranks: u16,
    repeated_rank: Option<u8>,
    rows: Vec<u32>,
}

impl ListState {
    fn new(first_line: u64) -> ListState {
        ListState { first_line, ranks: 0, repeated_rank: None, rows: Vec::with_capacity(RANKS_PER_LIST) }
    }

    fn add(&mut self, rank: u8, row: u32) {
        let bit = 1u16 << (rank - 1);
        if self.ranks & bit != 0 && self.repeated_rank.is_none() {
            self.repeated_rank = Some(rank);
        }
        self.ranks |= bit;
        self.rows.push(row);
    }

    fn is_complete(&self) -> bool {
        self.repeated_rank.is_none() && self.ranks == ALL_RANKS
    }

    fn problem(&self) -> String {
        if let Some(rank) = self.repeated_rank {
            return format!("has rank {rank} more than once");
        }
        let missing: Vec<String> =
            (1..=RANKS_PER_LIST as u8).filter(|r| self.ranks & (1 << (r - 1)) == 0).map(|r| r.to_string()).collect();
        format!("is incomplete (rank {} missing)", missing.join(", "))
    }
}

#[derive(Default)]
struct Rejects {
    count: u64,
    sample: Vec<RejectedRow>,
}

impl Rejects {
    fn row(&mut self, line: u64, reason: String, text: &str) {
        self.count += 1;
        self.keep(line, reason, text.chars().take(300).collect());
    }

    fn list(&mut self, first_line: u64, reason: String, rows: usize) {
        self.count += rows as u64;
        self.keep(first_line, reason, String::new());
    }

    fn keep(&mut self, line: u64, reason: String, text: String) {
        if self.sample.len() < REJECTED_SAMPLE {
            self.sample.push(RejectedRow { line, reason, text });
        }
    }
}

fn invalid(kind: Top10File, reason: String) -> Error {
    Error::InvalidFile { file: kind.file_name().to_owned(), reason }
}

fn preview(line: &str) -> String {
    let mut text: String = line.chars().take(60).collect();
    if text.len() < line.len() {
        text.push('…');
    }
    text
}

fn open_reader(path: &Path, kind: Top10File) -> Result<BufReader<File>> {
    let file = File::open(path).map_err(|e| invalid(kind, format!("cannot open the download: {e}")))?;
    Ok(BufReader::with_capacity(256 * 1024, file))
}

/// Calls `visit` with each non-empty line after the header and its 1-based line number.
fn for_each_data_line(path: &Path, kind: Top10File, mut visit: impl FnMut(u64, &str) -> Result<()>) -> Result<()> {
    let mut reader = open_reader(path, kind)?;
    let mut line = String::new();
    let mut line_no = 0u64;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(|e| {
            let reason = if e.kind() == std::io::ErrorKind::InvalidData {
                format!("line {} is not valid UTF-8", line_no + 1)
            } else {
                format!("reading line {}: {e}", line_no + 1)
            };
            invalid(kind, reason)
        })?;
        if read == 0 {
            return Ok(());
        }
        line_no += 1;
        let text = line.trim_end_matches(['\n', '\r']);
        if line_no == 1 || text.is_empty() {
            continue;
        }
        visit(line_no, text)?;
    }
}

fn parse_row(kind: Top10File, header: &Header, values: &[&str]) -> Result<(ListKey, u8, Top10Row), String> {
    let get = |name: &str| header.field(kind, values, name);
    let list = kind.list();
    match kind {
        Top10File::Global => {
            let row = GlobalRow {
                week: week(get("week"))?,
                category: category(get("category"), list)?,
                weekly_rank: rank("weekly_rank", get("weekly_rank"))?,
                show_title: title("show_title", get("show_title"))?,
                season_title: text(get("season_title")),
                weekly_hours_viewed: count("weekly_hours_viewed", get("weekly_hours_viewed"))?,
                runtime: runtime(get("runtime"))?,
                weekly_views: count("weekly_views", get("weekly_views"))?,
                cumulative_weeks_in_top_10: count("cumulative_weeks_in_top_10", get("cumulative_weeks_in_top_10"))?,
                is_staggered_launch: flag("is_staggered_launch", get("is_staggered_launch"))?,
                episode_launch_details: text(get("episode_launch_details")).map(|t| unquote_csv(&t)),
                runtime_override_flag: text(get("runtime_override_flag")),
            };
            Ok((ListKey::Global(row.week, row.category), row.weekly_rank, Top10Row::Global(row)))
        }
        Top10File::Countries => {
            let row = CountryRow {
                country_name: title("country_name", get("country_name"))?,
                country_iso2: country(get("country_iso2"))?,
                week: week(get("week"))?,
                category: category(get("category"), list)?,
                weekly_rank: rank("weekly_rank", get("weekly_rank"))?,
                show_title: title("show_title", get("show_title"))?,
                season_title: text(get("season_title")),
                cumulative_weeks_in_top_10: count("cumulative_weeks_in_top_10", get("cumulative_weeks_in_top_10"))?,
            };
            Ok((ListKey::Country(row.country_iso2, row.week, row.category), row.weekly_rank, Top10Row::Country(row)))
        }
        Top10File::MostPopular => {
            let row = MostPopularRow {
                category: category(get("category"), list)?,
                rank: rank("rank", get("rank"))?,
                show_title: title("show_title", get("show_title"))?,
                season_title: text(get("season_title")),
                hours_viewed_first_91_days: count("hours_viewed_first_91_days", get("hours_viewed_first_91_days"))?,
                runtime: runtime(get("runtime"))?,
                views_first_91_days: count("views_first_91_days", get("views_first_91_days"))?,
                hours_viewed_first_28_days: count("hours_viewed_first_28_days", get("hours_viewed_first_28_days"))?,
            };
            Ok((ListKey::MostPopular(row.category), row.rank, Top10Row::MostPopular(row)))
        }
    }
}

/// `N/A` and empty cells are NULL.
fn text(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty() && *v != "N/A").map(str::to_owned)
}

fn title(name: &str, value: Option<&str>) -> Result<String, String> {
    match value {
        Some(v) if !v.trim().is_empty() && v != "N/A" => Ok(v.to_owned()),
        _ => Err(format!("{name} is empty")),
    }
}

fn week(value: Option<&str>) -> Result<Week, String> {
    Week::parse(value.unwrap_or_default()).map_err(|e| format!("week: {e}"))
}

fn category(value: Option<&str>, list: List) -> Result<Category, String> {
    let value = value.unwrap_or_default();
    Category::from_feed(value, list).ok_or_else(|| {
        let known: Vec<&str> = list.categories().iter().map(|c| c.as_str()).collect();
        format!("unknown category {value:?}; this file's categories are {}", known.join(", "))
    })
}

fn country(value: Option<&str>) -> Result<CountryCode, String> {
    let value = value.unwrap_or_default();
    CountryCode::parse(value)
        .filter(|c| c.as_str() == value)
        .ok_or_else(|| format!("country_iso2 {value:?} is not an upper-case ISO 3166-1 alpha-2 code"))
}

fn rank(name: &str, value: Option<&str>) -> Result<u8, String> {
    let value = value.unwrap_or_default();
    value
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=RANKS_PER_LIST as u8).contains(r))
        .ok_or_else(|| format!("{name} {value:?} is not a rank from 1 to 10"))
}

fn count<T: FromStr + PartialOrd + Default>(name: &str, value: Option<&str>) -> Result<Option<T>, String> {
    match text(value) {
        None => Ok(None),
        Some(v) => v
            .parse::<T>()
            .ok()
            .filter(|n| *n >= T::default())
            .map(Some)
            .ok_or_else(|| format!("{name} {v:?} is not a non-negative whole number")),
    }
}

/// Hours, up to four decimals; `0` occurs for live and staggered titles.
fn runtime(value: Option<&str>) -> Result<Option<f64>, String> {
    match text(value) {
        None => Ok(None),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite() && *r >= 0.0)
            .map(Some)
            .ok_or_else(|| format!("runtime {v:?} is not a non-negative number of hours")),
    }
}

fn flag(name: &str, value: Option<&str>) -> Result<Option<bool>, String> {
    match text(value).as_deref() {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(format!("{name} {other:?} is neither true nor false")),
    }
}

/// `"[{""episodesLaunched"":3}]"` → `[{"episodesLaunched":3}]`.
fn unquote_csv(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOBAL_HEADER: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10";

    fn global_list(week: &str, category: &str) -> Vec<String> {
        (1..=10)
            .map(|r| format!("{week}\t{category}\t{r}\tTitle {r}\tN/A\t{}\t1.5\t{}\t1", 1000 - r, 500 - r))
            .collect()
    }

    fn write(lines: &[String]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), lines.join("\n")).unwrap();
        file
    }

    fn checked(tsv: &Top10Tsv, max_reject_ratio: f64) -> Validation {
        let validation = tsv.validate().unwrap();
        validation.ensure_usable(max_reject_ratio).unwrap();
        validation
    }

    fn collect(tsv: &Top10Tsv, validation: &Validation) -> Vec<Top10Row> {
        let mut rows = Vec::new();
        tsv.load(validation, |_, row| {
            rows.extend(row);
            Ok(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn complete_lists_load_with_na_and_empty_cells_as_null() {
        let mut lines = vec![GLOBAL_HEADER.to_owned()];
        lines.extend(global_list("2021-08-01", "Films (English)"));
        lines[1] = "2021-08-01\tFilms (English)\t1\tYo, \"El Vaquilla\"\tN/A\t21340000\t\t\t2".into();
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::Global).unwrap();
        let validation = checked(&tsv, 0.0);
        assert_eq!((validation.rows_read, validation.rows_rejected), (10, 0));
        let rows = collect(&tsv, &validation);
        let Top10Row::Global(first) = &rows[0] else { panic!("global row expected") };
        assert_eq!(first.show_title, "Yo, \"El Vaquilla\"");
        assert_eq!((first.season_title.as_deref(), first.runtime, first.weekly_views), (None, None, None));
        assert_eq!(first.weekly_hours_viewed, Some(21_340_000));
    }

    #[test]
    fn columns_are_mapped_by_name_whatever_their_order() {
        let header = "category\tweek\tshow_title\tweekly_rank\tseason_title\tcumulative_weeks_in_top_10\tweekly_hours_viewed\tbrand_new";
        let mut lines = vec![header.to_owned()];
        lines.extend(
            (1..=10).map(|r| format!("TV (English)\t2022-01-02\tShow {r}\t{r}\tShow {r}: Season 1\t3\t{r}000\tx")),
        );
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::Global).unwrap();
        assert_eq!(tsv.extra_columns(), ["brand_new"]);
        let rows = collect(&tsv, &checked(&tsv, 0.0));
        let Top10Row::Global(row) = &rows[2] else { panic!("global row expected") };
        assert_eq!((row.weekly_rank, row.show_title.as_str(), row.weekly_hours_viewed), (3, "Show 3", Some(3000)));
        assert_eq!(row.season_title.as_deref(), Some("Show 3: Season 1"));
    }

    #[test]
    fn csv_quoted_json_is_unquoted_under_either_column_name() {
        let header = format!("{GLOBAL_HEADER}\tis_staggered_launch\tepisode_launch_dtls");
        let mut lines = vec![header];
        lines.extend(
            global_list("2024-11-10", "TV (Non-English)")
                .into_iter()
                .map(|l| format!("{l}\ttrue\t\"[{{\"\"episodesLaunched\"\":4}}]\"")),
        );
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::Global).unwrap();
        let rows = collect(&tsv, &checked(&tsv, 0.0));
        let Top10Row::Global(row) = &rows[0] else { panic!("global row expected") };
        assert_eq!(row.episode_launch_details.as_deref(), Some("[{\"episodesLaunched\":4}]"));
        assert_eq!(row.is_staggered_launch, Some(true));
    }

    #[test]
    fn a_bad_row_rejects_its_whole_list_and_keeps_the_others() {
        let mut lines = vec![GLOBAL_HEADER.to_owned()];
        lines.extend(global_list("2021-08-01", "Films (English)"));
        lines.extend(global_list("2021-08-01", "TV (English)"));
        lines[4] = lines[4].replace("\t4\t", "\t11\t");
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::Global).unwrap();
        let validation = checked(&tsv, 1.0);
        assert_eq!((validation.rows_read, validation.rows_rejected), (20, 10));
        assert_eq!(validation.rejected_sample[0].line, 5);
        assert!(validation.rejected_sample[0].reason.contains("\"11\" is not a rank from 1 to 10"));
        assert!(validation.rejected_sample[1].reason.contains("rank 4 missing"), "{:?}", validation.rejected_sample[1]);
        assert_eq!(collect(&tsv, &validation).len(), 10);
    }

    #[test]
    fn a_repeated_rank_rejects_the_list() {
        let mut lines = vec![GLOBAL_HEADER.to_owned()];
        lines.extend(global_list("2021-08-01", "Films (English)"));
        lines.push(lines[3].clone());
        lines.extend(global_list("2021-08-08", "Films (English)"));
        let file = write(&lines);
        let validation = checked(&Top10Tsv::open(file.path(), Top10File::Global).unwrap(), 1.0);
        assert_eq!(validation.rows_rejected, 11);
        assert!(validation.rejected_sample[0].reason.contains("has rank 3 more than once"));
    }

    #[test]
    fn too_many_rejected_rows_fail_the_file() {
        let mut lines = vec![GLOBAL_HEADER.to_owned()];
        lines.extend(global_list("2021-08-01", "Films (English)"));
        lines.extend(global_list("2021-08-01", "TV (English)"));
        lines[12] = lines[12].replace("TV (English)", "TV (Klingon)");
        let file = write(&lines);
        let err = Top10Tsv::open(file.path(), Top10File::Global)
            .unwrap()
            .validate()
            .unwrap()
            .ensure_usable(0.01)
            .unwrap_err();
        assert_eq!(err.code(), "too_many_rejected_rows");
        assert!(err.to_string().contains("10 of 20 rows"), "{err}");
        assert!(err.to_string().contains("unknown category \"TV (Klingon)\""), "{err}");
    }

    #[test]
    fn a_file_cut_mid_row_is_refused_as_truncated() {
        let mut lines = vec![GLOBAL_HEADER.to_owned()];
        lines.extend(global_list("2021-08-01", "Films (English)"));
        lines.push("2021-08-08\tFilms (English)\t1\tCut he".into());
        let file = write(&lines);
        let err = Top10Tsv::open(file.path(), Top10File::Global)
            .unwrap()
            .validate()
            .and_then(|v| v.ensure_usable(1.0))
            .unwrap_err();
        assert!(err.to_string().contains("the download looks truncated"), "{err}");
    }

    #[test]
    fn non_tsv_bodies_are_refused_before_any_row() {
        for (body, expected) in [
            ("<!DOCTYPE html><html><body>Moved</body></html>", "received HTML"),
            ("null", "is not the expected header"),
            (
                "week\tcategory\tshow_title\tseason_title\tweekly_hours_viewed\tcumulative_weeks_in_top_10",
                "lacks required column(s) weekly_rank",
            ),
        ] {
            let file = write(&[body.to_owned()]);
            let err = Top10Tsv::open(file.path(), Top10File::Global).map(|_| ()).unwrap_err();
            assert_eq!(err.code(), "invalid_file");
            assert!(err.to_string().contains(expected), "{body}: {err}");
        }
    }

    #[test]
    fn a_header_without_rows_is_refused() {
        let file = write(&[GLOBAL_HEADER.to_owned()]);
        let err = Top10Tsv::open(file.path(), Top10File::Global)
            .unwrap()
            .validate()
            .and_then(|v| v.ensure_usable(1.0))
            .unwrap_err();
        assert!(err.to_string().contains("no rows"), "{err}");
    }

    #[test]
    fn country_rows_need_upper_case_iso_codes() {
        let header = "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10";
        let mut lines = vec![header.to_owned()];
        lines.extend((1..=10).map(|r| format!("Réunion\tRE\t2022-10-09\tTV\t{r}\tShow {r}\tN/A\t1")));
        lines.extend((1..=10).map(|r| format!("Nowhere\tXX\t2022-10-09\tTV\t{r}\tShow {r}\tN/A\t1")));
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::Countries).unwrap();
        let validation = checked(&tsv, 1.0);
        assert_eq!(validation.rows_rejected, 10);
        assert!(validation.rejected_sample[0].reason.contains("\"XX\" is not an upper-case ISO 3166-1 alpha-2 code"));
        let rows = collect(&tsv, &validation);
        let Top10Row::Country(row) = &rows[0] else { panic!("country row expected") };
        assert_eq!((row.country_name.as_str(), row.country_iso2.as_str()), ("Réunion", "RE"));
    }

    #[test]
    fn the_old_most_popular_layout_is_accepted() {
        let mut lines = vec!["category\trank\tshow_title\tseason_title\thours_viewed_first_28_days".to_owned()];
        lines.extend((1..=10).map(|r| format!("Films (English)\t{r}\tFilm {r}\tN/A\t{}", 1000 - r)));
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::MostPopular).unwrap();
        let rows = collect(&tsv, &checked(&tsv, 0.0));
        let Top10Row::MostPopular(row) = &rows[0] else { panic!("most-popular row expected") };
        assert_eq!((row.hours_viewed_first_28_days, row.hours_viewed_first_91_days), (Some(999), None));
    }

    #[test]
    fn raw_lines_carry_every_data_line_including_rejected_ones() {
        let mut lines = vec![GLOBAL_HEADER.to_owned()];
        lines.extend(global_list("2021-08-01", "Films (English)"));
        lines.push("garbage".into());
        lines.extend(global_list("2021-08-08", "Films (English)"));
        let file = write(&lines);
        let tsv = Top10Tsv::open(file.path(), Top10File::Global).unwrap();
        let validation = checked(&tsv, 1.0);
        let mut raw = Vec::new();
        tsv.load(&validation, |line, typed| {
            raw.push((line.line_no, line.values[0].map(str::to_owned), typed.is_some()));
            Ok(())
        })
        .unwrap();
        assert_eq!(raw.len(), 21);
        assert_eq!(raw[10], (12, Some("garbage".to_owned()), false));
        assert_eq!(raw[11].0, 13);
    }

    mod properties {
        use chrono::NaiveDate;
        use proptest::collection::vec;
        use proptest::option;
        use proptest::prelude::*;
        use proptest::sample::select;

        use super::*;

        fn config() -> ProptestConfig {
            ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() }
        }

        /// Every known column of the file, in order: a header the parser accepts.
        fn full_header(kind: Top10File) -> String {
            kind.columns().iter().map(|c| c.name).collect::<Vec<_>>().join("\t")
        }

        /// Validates and loads `bytes` as `kind`; `None` when the file is refused as a whole.
        /// Returns the validation and the typed rows the second pass handed over.
        fn parse(kind: Top10File, bytes: &[u8]) -> Option<(Validation, Vec<Top10Row>, u64)> {
            let file = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(file.path(), bytes).unwrap();
            let tsv = Top10Tsv::open(file.path(), kind).ok()?;
            let validation = tsv.validate().ok()?;
            let mut rows = Vec::new();
            let mut lines = 0;
            tsv.load(&validation, |_, row| {
                lines += 1;
                rows.extend(row);
                Ok(())
            })
            .unwrap();
            Some((validation, rows, lines))
        }

        /// Free text the feeds carry in titles: never blank, never `N/A`, no tab or line break.
        const TEXT: &str = "[A-Za-z0-9À-ÿ'\"(][A-Za-z0-9À-ÿ ,'\"!?:&.()-]{0,30}";

        /// A cell the parsers find interesting, or anything without a tab or line break.
        fn token() -> impl Strategy<Value = String> {
            prop_oneof![
                select(vec![
                    "",
                    "N/A",
                    "0",
                    "1",
                    "10",
                    "11",
                    "-1",
                    "1.5",
                    "NaN",
                    "inf",
                    "true",
                    "maybe",
                    "2021-08-01",
                    "2021-08-02",
                    "Films (English)",
                    "TV (English)",
                    "Films",
                    "TV",
                    "US",
                    "us",
                    "XX",
                    "\"\"",
                ])
                .prop_map(str::to_owned),
                "[^\t\r\n]{0,12}",
            ]
        }

        fn sunday(weeks_after_2021_08_01: i64) -> Week {
            let first = NaiveDate::from_ymd_opt(2021, 8, 1).expect("a date");
            Week::from_date(first + chrono::Duration::weeks(weeks_after_2021_08_01)).expect("a Sunday")
        }

        /// Ranks 1-10 in any order.
        fn ranks() -> impl Strategy<Value = Vec<u8>> {
            Just((1..=10u8).collect::<Vec<_>>()).prop_shuffle()
        }

        fn global_row(week: Week, category: Category, rank: u8) -> impl Strategy<Value = GlobalRow> {
            (
                (TEXT, option::of(TEXT), option::of(0..=i64::MAX), option::of(0u32..2_000_000)),
                (option::of(0..=i64::MAX), option::of(0..=i32::MAX), option::of(any::<bool>())),
                (option::of("\\[\\{\"[a-zA-Z]{1,16}\":[0-9]{1,3}\\}\\]"), option::of("[A-Z][a-z]{0,8}")),
            )
                .prop_map(
                    move |((title, season, hours, runtime), (views, weeks, staggered), (details, flag))| {
                        GlobalRow {
                            week,
                            category,
                            weekly_rank: rank,
                            show_title: title,
                            season_title: season,
                            weekly_hours_viewed: hours,
                            // Hours with up to four decimals, as published.
                            runtime: runtime.map(|r| f64::from(r) / 10_000.0),
                            weekly_views: views,
                            cumulative_weeks_in_top_10: weeks,
                            is_staggered_launch: staggered,
                            episode_launch_details: details,
                            runtime_override_flag: flag,
                        }
                    },
                )
        }

        fn global_list() -> impl Strategy<Value = Vec<GlobalRow>> {
            (0i64..2_000, select(List::Global.categories().to_vec()), ranks()).prop_flat_map(
                |(week, category, ranks)| {
                    ranks.into_iter().map(|rank| global_row(sunday(week), category, rank)).collect::<Vec<_>>()
                },
            )
        }

        fn country_list() -> impl Strategy<Value = Vec<CountryRow>> {
            let codes = vec!["US", "RE", "KR", "GB", "BR", "JP", "IN", "DE"];
            (0i64..2_000, select(codes), TEXT, select(List::Countries.categories().to_vec()), ranks()).prop_flat_map(
                |(week, code, name, category, ranks)| {
                    ranks
                        .into_iter()
                        .map(|rank| {
                            let name = name.clone();
                            (TEXT, option::of(TEXT), option::of(0..=i32::MAX)).prop_map(
                                move |(title, season, weeks)| CountryRow {
                                    country_name: name.clone(),
                                    country_iso2: CountryCode::parse(code).expect("a valid code"),
                                    week: sunday(week),
                                    category,
                                    weekly_rank: rank,
                                    show_title: title,
                                    season_title: season,
                                    cumulative_weeks_in_top_10: weeks,
                                },
                            )
                        })
                        .collect::<Vec<_>>()
                },
            )
        }

        /// A missing value as the feeds write it: `N/A` or an empty cell.
        fn cell<T: ToString>(value: &Option<T>, na: bool) -> String {
            value.as_ref().map_or_else(|| if na { "N/A".to_owned() } else { String::new() }, T::to_string)
        }

        /// In `full_header(Global)` order; the JSON column is CSV-quoted as Netflix quotes it.
        fn global_cells(row: &GlobalRow, na: bool) -> Vec<String> {
            let details = row.episode_launch_details.as_ref().map(|d| format!("\"{}\"", d.replace('"', "\"\"")));
            vec![
                row.week.to_string(),
                row.category.as_str().to_owned(),
                row.weekly_rank.to_string(),
                row.show_title.clone(),
                cell(&row.season_title, na),
                cell(&row.weekly_hours_viewed, na),
                cell(&row.runtime, na),
                cell(&row.weekly_views, na),
                cell(&row.cumulative_weeks_in_top_10, na),
                cell(&row.is_staggered_launch, na),
                cell(&details, na),
                cell(&row.runtime_override_flag, na),
            ]
        }

        fn country_line(row: &CountryRow, na: bool) -> String {
            [
                row.country_name.clone(),
                row.country_iso2.to_string(),
                row.week.to_string(),
                row.category.as_str().to_owned(),
                row.weekly_rank.to_string(),
                row.show_title.clone(),
                cell(&row.season_title, na),
                cell(&row.cumulative_weeks_in_top_10, na),
            ]
            .join("\t")
        }

        fn file(kind: Top10File, lines: impl IntoIterator<Item = String>) -> String {
            std::iter::once(full_header(kind)).chain(lines).collect::<Vec<_>>().join("\n")
        }

        /// A field of a global row replaced by a value the validator must refuse, and what the
        /// reason must say.
        const BROKEN: &[(usize, &str, &str)] = &[
            (0, "2021-08-02", "named by their Sunday"),
            (0, "2021-8-1", "is not a date"),
            (0, "", "is not a date"),
            (1, "TV (Klingon)", "unknown category \"TV (Klingon)\""),
            (1, "films (english)", "unknown category"),
            (1, "TV", "unknown category \"TV\""),
            (2, "0", "weekly_rank \"0\" is not a rank from 1 to 10"),
            (2, "11", "weekly_rank \"11\" is not a rank from 1 to 10"),
            (2, "1.0", "weekly_rank \"1.0\" is not a rank"),
            (2, "", "weekly_rank \"\" is not a rank"),
            (3, "", "show_title is empty"),
            (3, "N/A", "show_title is empty"),
            (3, "   ", "show_title is empty"),
            (5, "-1", "weekly_hours_viewed \"-1\" is not a non-negative whole number"),
            (5, "1.5", "weekly_hours_viewed \"1.5\""),
            (5, "9223372036854775808", "weekly_hours_viewed \"9223372036854775808\""),
            (6, "-0.5", "runtime \"-0.5\" is not a non-negative number of hours"),
            (6, "NaN", "runtime \"NaN\""),
            (6, "inf", "runtime \"inf\""),
            (7, "lots", "weekly_views \"lots\""),
            (8, "2147483648", "cumulative_weeks_in_top_10 \"2147483648\""),
            (9, "yes", "is_staggered_launch \"yes\" is neither true nor false"),
        ];

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn arbitrary_bytes_never_panic(
                kind in select(Top10File::ALL.to_vec()),
                with_header in any::<bool>(),
                bytes in vec(any::<u8>(), 0..2_000),
            ) {
                let mut text = if with_header { format!("{}\n", full_header(kind)).into_bytes() } else { Vec::new() };
                text.extend(bytes);
                parse(kind, &text);
            }

            #[test]
            fn tsv_shaped_noise_never_panics_and_every_line_is_accounted_for(
                kind in select(Top10File::ALL.to_vec()),
                lines in vec(vec(token(), 0..14), 0..40),
                crlf in any::<bool>(),
            ) {
                let lines: Vec<String> = lines.iter().map(|cells| cells.join("\t")).collect();
                let text = file(kind, lines.clone()).replace('\n', if crlf { "\r\n" } else { "\n" });
                if let Some((validation, rows, raw_lines)) = parse(kind, text.as_bytes()) {
                    let data_lines = lines.iter().filter(|l| !l.is_empty()).count() as u64;
                    prop_assert_eq!(validation.rows_read, data_lines);
                    prop_assert_eq!(raw_lines, data_lines);
                    prop_assert_eq!(rows.len() as u64, validation.rows_accepted());
                    prop_assert_eq!(rows.len() % 10, 0, "only complete lists are accepted");
                }
            }

            #[test]
            fn generated_global_lists_are_accepted_with_the_same_values(
                lists in vec(global_list(), 1..4),
                na in any::<bool>(),
            ) {
                let expected: Vec<GlobalRow> = lists.into_iter().flatten().collect();
                // Two lists of the same week and category would be one list with repeated ranks.
                let keys: std::collections::HashSet<_> = expected.iter().map(|r| (r.week, r.category)).collect();
                prop_assume!(keys.len() * 10 == expected.len());
                let text = file(Top10File::Global, expected.iter().map(|r| global_cells(r, na).join("\t")));
                let (validation, rows, _) = parse(Top10File::Global, text.as_bytes()).expect("a valid file");
                prop_assert_eq!(validation.rows_rejected, 0, "{:?}", validation.rejected_sample);
                let rows: Vec<GlobalRow> =
                    rows.into_iter().map(|r| match r { Top10Row::Global(g) => g, other => panic!("{other:?}") }).collect();
                prop_assert_eq!(rows, expected);
            }

            #[test]
            fn generated_country_lists_are_accepted_with_the_same_values(
                lists in vec(country_list(), 1..4),
                na in any::<bool>(),
            ) {
                let expected: Vec<CountryRow> = lists.into_iter().flatten().collect();
                let keys: std::collections::HashSet<_> =
                    expected.iter().map(|r| (r.country_iso2, r.week, r.category)).collect();
                prop_assume!(keys.len() * 10 == expected.len());
                let text = file(Top10File::Countries, expected.iter().map(|r| country_line(r, na)));
                let (validation, rows, _) = parse(Top10File::Countries, text.as_bytes()).expect("a valid file");
                prop_assert_eq!(validation.rows_rejected, 0, "{:?}", validation.rejected_sample);
                let rows: Vec<CountryRow> =
                    rows.into_iter().map(|r| match r { Top10Row::Country(c) => c, other => panic!("{other:?}") }).collect();
                prop_assert_eq!(rows, expected);
            }

            #[test]
            fn a_broken_field_rejects_its_row_with_a_reason_and_its_list(
                list in global_list(),
                row in 0usize..10,
                broken in select(BROKEN),
            ) {
                let (column, value, reason) = broken;
                let lines = list.iter().enumerate().map(|(i, r)| {
                    let mut cells = global_cells(r, true);
                    if i == row {
                        cells[column] = value.to_owned();
                    }
                    cells.join("\t")
                });
                let text = file(Top10File::Global, lines);
                let (validation, rows, _) = parse(Top10File::Global, text.as_bytes()).expect("a readable file");
                prop_assert!(rows.is_empty());
                prop_assert_eq!(validation.rows_rejected, 10);
                let first = &validation.rejected_sample[0];
                prop_assert_eq!(first.line, row as u64 + 2);
                prop_assert!(first.reason.contains(reason), "{:?} does not say {:?}", first.reason, reason);
            }
        }
    }
}
