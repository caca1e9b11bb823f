//! Comparable forms of titles.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Apostrophes join words ("don't" → "dont") rather than split them.
const APOSTROPHES: [char; 5] = ['\'', '’', '‘', '`', '´'];

/// Case, accents, punctuation and `&`/`and` folded away: "Amélie & Co.: Part 2" → "amelie and co part 2".
pub fn normalize(text: &str) -> String {
    // Apostrophes go first: compatibility decomposition turns `´` into a space and an accent.
    let joined: String = text.chars().filter(|c| !APOSTROPHES.contains(c)).collect();
    // Decompose to drop accents, then recompose so scripts built from parts (Hangul) stay whole.
    let folded: String = joined.nfkc().collect::<String>().nfd().filter(|c| !is_combining_mark(*c)).nfc().collect();
    let mut out = String::with_capacity(folded.len());
    for c in folded.to_lowercase().chars() {
        match c {
            // Decomposition also makes apostrophes, e.g. of the full-width `＇`.
            c if APOSTROPHES.contains(&c) => {}
            '&' => out.push_str(" and "),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

static SEASON_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \s*[:\-–—]?\s*
        (?:
            (?:season|series|part|volume|vol\.?|book|chapter|collection)\s+(?:\d+|[ivx]+|one|two|three|four|five|six|seven|eight|nine|ten)\b.*
          | limited\s+series\b.*
          | the\s+final\s+season\b.*
        )$",
    )
    .expect("a valid pattern")
});

/// "Harbour Lights: Season 2" → "Harbour Lights"; "Bridgerton: Limited Series" → "Bridgerton".
/// Only for season titles and video titles: film names such as "Fear Street: Part One - 1994" are
/// distinct works and keep their parts.
pub fn strip_season(text: &str) -> &str {
    match SEASON_SUFFIX.find(text) {
        Some(found) if found.start() > 0 => text[..found.start()].trim_end(),
        _ => text,
    }
}

static DECORATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:
            official\s+(?:final\s+)?(?:trailer|teaser|clip|announcement)(?:\s+\#?\d+)?
          | final\s+trailer | teaser\s+trailer | trailer(?:\s+\#?\d+)? | teaser(?:\s+\#?\d+)?
          | (?:release\s+)?date\s+announcement | announcement | first\s+look | sneak\s+peek
          | behind\s+the\s+scenes | featurette | recap | bloopers | clip | promo | official
          | now\s+streaming | new\s+on\s+netflix | only\s+on\s+netflix | netflix
        )\b",
    )
    .expect("a valid pattern")
});

/// Whole segments that name the channel or call to action, not a show: "Netflix India",
/// "Watch Now". They are dropped before word-level decorations are, or "Netflix India" would leave
/// "India" behind (which is also a title: on the real Netflix India export that matched 1,561 clips).
static CHANNEL_SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            netflix(?:\s+\w+)?
          | (?:watch|streaming|stream)\s+(?:now|today|free)
          | now\s+(?:streaming|on\s+netflix)
          | only\s+on\s+netflix
          | coming\s+soon
        )$",
    )
    .expect("a valid pattern")
});

static YEAR_IN_PARENS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(\d{4}\)").expect("a valid pattern"));

/// Bracketed tags ("[Hd]", "[4K]") and hashtags, which are handled on their own.
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[[^\]]*\]|#\w+").expect("a valid pattern"));

static HASHTAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#(\w+)").expect("a valid pattern"));

/// Spaced dashes separate parts of a segment the way `|` separates segments: "Night Train - Final
/// Trailer". A dash straight after a word does too ("Mismatched Jukebox- All Songs").
static DASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s[-–—]\s|\w[-–—]\s").expect("a valid pattern"));

/// Cast after the name: "The Cutest Dhaba Date Ft. Vikrant Massey".
static FEATURING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s+(?:ft|feat|featuring)\b\.?\s.*$").expect("a valid pattern"));

/// Sentences that end in the name: "Tanmay Bhat Reacts To Class", "In Conversation With The Cast Of
/// Bhakshak".
static NAMED_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^.*\b(?:reacts?\s+to|cast\s+of|review|plot\s+of|scene\s+from|moments\s+from)\s+(.+)$")
        .expect("a valid pattern")
});

/// A bare season number after a series name: "Stranger Things 4", "Squid Game: 2".
static BARE_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.*\D)\s+\d{1,2}$").expect("a valid pattern"));

/// The show names a YouTube video title may carry, most likely first:
/// "Harbour Lights: Season 2 | Official Trailer | Netflix" → ["Harbour Lights"].
/// Segments (split on `|` and on spaced dashes) that are only decoration ("Official Trailer",
/// "Netflix") yield nothing; tags are dropped, hashtags and names at the end of a sentence become
/// names of their own.
pub fn video_candidates(title: &str) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        let normalized = normalize(strip_season(name.trim()).trim());
        if !normalized.is_empty() && !candidates.contains(&normalized) {
            candidates.push(normalized);
        }
    };
    for segment in title.split('|') {
        let segment = segment.trim();
        if CHANNEL_SEGMENT.is_match(segment) {
            continue;
        }
        let untagged = TAG.replace_all(segment, " ");
        let mut parts = vec![untagged.to_string()];
        if DASH.is_match(&untagged) {
            parts.extend(split_on_dashes(&untagged));
        }
        for part in parts {
            if CHANNEL_SEGMENT.is_match(part.trim()) {
                continue;
            }
            let without_year = YEAR_IN_PARENS.replace_all(&part, " ");
            let without_decoration = DECORATION.replace_all(&without_year, " ");
            let trimmed = without_decoration
                .trim()
                .trim_matches(|c: char| matches!(c, ':' | '-' | '–' | '—' | ',' | '!' | '?') || c.is_whitespace());
            let without_cast = FEATURING.replace(trimmed, "");
            push(&without_cast);
            if let Some(found) = NAMED_AT_END.captures(&without_cast) {
                push(&found[1]);
                // "The Cast Of Bhakshak, Bhumi P, Sanjay M": the name, then its cast.
                if let Some((name, _)) = found[1].split_once(',') {
                    push(name);
                }
            }
        }
        for tag in HASHTAG.captures_iter(segment) {
            if !tag[1].eq_ignore_ascii_case("shorts") {
                push(&tag[1]);
            }
        }
    }
    candidates
}

/// The parts of a segment between dashes: "Night Train - Final Trailer" → ["Night Train", "Final
/// Trailer"].
fn split_on_dashes(segment: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = segment;
    while let Some(found) = DASH.find(rest) {
        // A dash after a word keeps that word: the match starts on its last letter.
        let first = found.as_str().chars().next().expect("a match is not empty");
        let cut = if first.is_whitespace() { found.start() } else { found.start() + first.len_utf8() };
        parts.push(rest[..cut].to_owned());
        rest = &rest[found.end()..];
    }
    parts.push(rest.to_owned());
    parts
}

/// Names with a bare trailing number dropped, which only a series can be named by: the number is
/// a season. ("Lust Stories 2" is a film of its own and keeps its number in `video_candidates`.)
pub fn without_season_number(names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter_map(|name| BARE_NUMBER.captures(name).map(|found| found[1].trim().to_owned()))
        .filter(|name| !names.contains(name))
        .collect()
}

/// "Maamannan (Tamil)" → "Maamannan": the Top 10 adds the language to some titles in parentheses.
pub fn without_parenthetical(text: &str) -> Option<&str> {
    let trimmed = text.trim_end();
    if !trimmed.ends_with(')') {
        return None;
    }
    let open = trimmed.rfind('(')?;
    let name = trimmed[..open].trim_end();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_accents_punctuation_and_ampersands_fold_away() {
        assert_eq!(normalize("Amélie & Co.: Part 2"), "amelie and co part 2");
        assert_eq!(normalize("AMELIE AND CO PART 2"), "amelie and co part 2");
        assert_eq!(normalize("Don't Look Up"), "dont look up");
        assert_eq!(normalize("Money Heist: Korea – Joint Economic Area"), "money heist korea joint economic area");
        assert_eq!(normalize("Pokémon"), "pokemon");
        assert_eq!(normalize("Ｆｕｌｌ Ｗｉｄｔｈ"), "full width");
    }

    #[test]
    fn non_latin_titles_keep_their_letters() {
        assert_eq!(normalize("오징어 게임"), "오징어 게임");
        assert_eq!(normalize("花火の夜"), "花火の夜");
    }

    #[test]
    fn season_part_and_limited_series_suffixes_are_stripped() {
        assert_eq!(strip_season("Harbour Lights: Season 2"), "Harbour Lights");
        assert_eq!(strip_season("Bridgerton: Limited Series"), "Bridgerton");
        assert_eq!(strip_season("Ozark: Season 4 Part 1"), "Ozark");
        assert_eq!(strip_season("Money Heist: Part 5"), "Money Heist");
        assert_eq!(strip_season("Stranger Things 4"), "Stranger Things 4");
        assert_eq!(strip_season("Season 2"), "Season 2", "a bare suffix is not stripped to nothing");
    }

    /// Found by `apostrophes_join_words`; the Czech and Slovak lists write "Women´s Revenge".
    #[test]
    fn an_acute_accent_used_as_an_apostrophe_joins_words() {
        assert_eq!(normalize("a´a"), "aa");
        assert_eq!(normalize("Women´s Revenge"), normalize("Women's Revenge"));
        assert_eq!(normalize("Ｄｏｎ＇ｔ"), "dont");
    }

    /// A reference for the accents the normaliser documents folding: each accented letter
    /// written out next to its base letter, independently of Unicode decomposition.
    const ACCENTED: &[(char, char)] = &[
        ('à', 'a'),
        ('á', 'a'),
        ('â', 'a'),
        ('ä', 'a'),
        ('ã', 'a'),
        ('å', 'a'),
        ('ç', 'c'),
        ('è', 'e'),
        ('é', 'e'),
        ('ê', 'e'),
        ('ë', 'e'),
        ('ì', 'i'),
        ('í', 'i'),
        ('î', 'i'),
        ('ï', 'i'),
        ('ñ', 'n'),
        ('ò', 'o'),
        ('ó', 'o'),
        ('ô', 'o'),
        ('ö', 'o'),
        ('õ', 'o'),
        ('ù', 'u'),
        ('ú', 'u'),
        ('û', 'u'),
        ('ü', 'u'),
        ('ý', 'y'),
        ('ÿ', 'y'),
        ('À', 'A'),
        ('É', 'E'),
        ('Ñ', 'N'),
        ('Ö', 'O'),
        ('Ü', 'U'),
        ('Ç', 'C'),
        ('Å', 'A'),
        ('Í', 'I'),
        ('Ó', 'O'),
        ('Ú', 'U'),
        ('È', 'E'),
        ('Â', 'A'),
        ('Ê', 'E'),
    ];

    fn unaccented(text: &str) -> String {
        text.chars().map(|c| ACCENTED.iter().find(|(a, _)| *a == c).map_or(c, |(_, base)| *base)).collect()
    }

    /// Titles as the feeds write them: Latin letters with and without accents, digits, spaces and
    /// the punctuation the normaliser folds.
    const TITLE: &str = "[a-zA-Z0-9àáâäãåçèéêëìíîïñòóôöõùúûüýÿÀÉÑÖÜÇÅÍÓÚÈÂÊ &:.,!?()-]{0,40}";

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn normalizing_twice_changes_nothing_and_never_panics(text in proptest::prelude::any::<String>()) {
            let once = normalize(&text);
            proptest::prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn case_does_not_matter(title in TITLE) {
            let expected = normalize(&title);
            proptest::prop_assert_eq!(normalize(&title.to_uppercase()), expected.clone());
            proptest::prop_assert_eq!(normalize(&title.to_lowercase()), expected);
        }

        #[test]
        fn accents_do_not_matter(title in TITLE) {
            proptest::prop_assert_eq!(normalize(&title), normalize(&unaccented(&title)));
        }

        #[test]
        fn apostrophes_join_words(left in "[a-z]{1,8}", right in "[a-z]{1,8}", which in 0..APOSTROPHES.len()) {
            let joined = format!("{left}{}{right}", APOSTROPHES[which]);
            proptest::prop_assert_eq!(normalize(&joined), format!("{left}{right}"));
        }
    }

    #[test]
    fn dashes_tags_hashtags_cast_and_sentences_yield_the_show_name() {
        assert_eq!(video_candidates("Huge In France | Official Trailer [Hd] | Netflix"), ["huge in france"]);
        assert!(video_candidates("Forget Me Not | Ray Promo | Ali Fazal").contains(&"ray".to_owned()));
        assert!(video_candidates("Night Train - Behind The Scenes - Netflix").contains(&"night train".to_owned()));
        assert!(
            video_candidates("Mismatched Jukebox- All Songs | Netflix India")
                .contains(&"mismatched jukebox".to_owned())
        );
        assert!(
            video_candidates("Millie Bobby Brown Breaks Down The Plot Of #Damsel In 15 Secs")
                .contains(&"damsel".to_owned())
        );
        assert_eq!(
            video_candidates("The Cutest Dhaba Date Ft. Vikrant Massey & Yami Gautam | Ginny Weds Sunny"),
            ["the cutest dhaba date", "ginny weds sunny"]
        );
        assert!(
            video_candidates("Tanmay Bhat Reacts To Class Ft. @Kullubaazi | Netflix India")
                .contains(&"class".to_owned())
        );
        assert!(
            video_candidates("Stranger Things 4 Volume 2 Is Now Streaming! | Netflix India #Shorts")
                .contains(&"stranger things 4".to_owned())
        );
    }

    #[test]
    fn a_bare_trailing_number_gives_a_series_name_and_parentheticals_come_off() {
        let names = vec!["stranger things 4".to_owned(), "squid game 2".to_owned(), "83".to_owned()];
        assert_eq!(without_season_number(&names), ["stranger things", "squid game"]);
        assert_eq!(without_parenthetical("Maamannan (Tamil)"), Some("Maamannan"));
        assert_eq!(without_parenthetical("(Un)Well"), None);
        assert_eq!(without_parenthetical("Wednesday"), None);
    }

    #[test]
    fn trailer_decorations_are_stripped_from_video_titles() {
        assert_eq!(video_candidates("Wednesday | Official Trailer | Netflix"), ["wednesday"]);
        assert_eq!(video_candidates("Harbour Lights: Season 2 | Official Teaser | Netflix"), ["harbour lights"]);
        assert_eq!(video_candidates("Squid Game: Season 2 Date Announcement | Netflix"), ["squid game"]);
        assert_eq!(video_candidates("Official Trailer | Night Train (2021) | Netflix"), ["night train"]);
        assert_eq!(video_candidates("Night Train - Final Trailer"), ["night train"]);
        assert!(video_candidates("Official Trailer | Netflix").is_empty());
        assert_eq!(
            video_candidates("Meet The Real Honey Singh | Yo Yo Honey Singh: Famous | Watch Now | Netflix India"),
            ["meet the real honey singh", "yo yo honey singh famous"]
        );
    }
}
