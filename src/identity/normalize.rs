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
          | behind\s+the\s+scenes | featurette | recap | bloopers | clip | official
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

/// The show names a YouTube video title may carry, most likely first:
/// "Harbour Lights: Season 2 | Official Trailer | Netflix" → ["Harbour Lights"].
/// Segments that are only decoration ("Official Trailer", "Netflix") yield nothing.
pub fn video_candidates(title: &str) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    for segment in title.split('|') {
        if CHANNEL_SEGMENT.is_match(segment.trim()) {
            continue;
        }
        let without_year = YEAR_IN_PARENS.replace_all(segment, " ");
        let without_decoration = DECORATION.replace_all(&without_year, " ");
        let trimmed = without_decoration
            .trim()
            .trim_matches(|c: char| matches!(c, ':' | '-' | '–' | '—' | ',') || c.is_whitespace());
        let name = strip_season(trimmed).trim();
        let normalized = normalize(name);
        if !normalized.is_empty() && !candidates.contains(&normalized) {
            candidates.push(normalized);
        }
    }
    candidates
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
