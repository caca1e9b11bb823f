//! Whether an answer's numbers come from the data: every number in the answer must be a number of
//! the tool results (or of the question or the tool arguments), as written or rounded, possibly in
//! thousands, millions or billions, or as a percentage of a ratio.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// A number as people write it: `1,234`, `12.5`, `3.2 million`, `4%`.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d[\d,]*(?:\.\d+)?)\s*(%|percent\b|thousand\b|million\b|billion\b|k\b|m\b|bn\b|b\b)?")
        .expect("a valid pattern")
});

/// "Top 10" names the lists, it is not a figure.
static TOP_10: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\btop[ -]?10\b").expect("a valid pattern"));

#[derive(Debug, Clone, PartialEq)]
struct Written {
    text: String,
    value: f64,
    decimals: i32,
    scale: f64,
    percent: bool,
}

/// The numbers of `answer` that no source value accounts for, as written.
pub fn ungrounded_numbers(answer: &str, sources: &[&Value], texts: &[&str]) -> Vec<String> {
    let mut known = Vec::new();
    for source in sources {
        collect(source, &mut known);
    }
    for text in texts {
        known.extend(numbers_in(text).into_iter().map(|n| n.value));
    }
    let answer = TOP_10.replace_all(answer, "");
    numbers_in(&answer).into_iter().filter(|n| !known.iter().any(|v| matches(n, *v))).map(|n| n.text).collect()
}

/// Whether `answer` writes `value`, as written, rounded or scaled.
pub fn mentions_number(answer: &str, value: f64) -> bool {
    numbers_in(&TOP_10.replace_all(answer, "")).iter().any(|n| matches(n, value))
}

fn collect(value: &Value, into: &mut Vec<f64>) {
    match value {
        Value::Number(n) => into.extend(n.as_f64()),
        Value::String(s) => into.extend(numbers_in(s).into_iter().map(|n| n.value)),
        Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        Value::Object(map) => map.values().for_each(|v| collect(v, into)),
        Value::Bool(_) | Value::Null => {}
    }
}

fn numbers_in(text: &str) -> Vec<Written> {
    NUMBER
        .captures_iter(text)
        .filter_map(|c| {
            let digits = c.get(1)?.as_str().trim_end_matches(',');
            let plain = digits.replace(',', "");
            let value: f64 = plain.parse().ok()?;
            let decimals = plain.split_once('.').map_or(0, |(_, d)| d.len() as i32);
            let unit = c.get(2).map(|u| u.as_str().to_ascii_lowercase());
            let (scale, percent) = match unit.as_deref() {
                Some("%" | "percent") => (1.0, true),
                Some("thousand" | "k") => (1e3, false),
                Some("million" | "m") => (1e6, false),
                Some("billion" | "bn" | "b") => (1e9, false),
                _ => (1.0, false),
            };
            Some(Written { text: c.get(0)?.as_str().trim().to_owned(), value, decimals, scale, percent })
        })
        .collect()
}

/// `written` is `value` shown at the precision and scale it was written with.
fn matches(written: &Written, value: f64) -> bool {
    let step = 10f64.powi(-written.decimals);
    let close = |v: f64| (v - written.value).abs() <= step / 2.0 + 1e-9 * v.abs().max(1.0);
    let value = value.abs();
    if written.percent {
        return close(value) || close(value * 100.0);
    }
    close(value / written.scale) || (written.scale == 1.0 && close(value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_from_the_rows_are_grounded_as_written_rounded_or_scaled() {
        let rows = json!([{"name": "Wednesday", "hours": 1_234_567_890, "rate": 0.0345, "week": "2024-06-02"}]);
        let grounded = [
            "Wednesday had 1,234,567,890 hours",
            "about 1.23 billion hours",
            "1235 million hours",
            "a rate of 3.45%",
            "a rate of 0.03",
            "in the week of 2024-06-02",
            "it spent weeks in the Top 10",
        ];
        for answer in grounded {
            assert_eq!(ungrounded_numbers(answer, &[&rows], &[]), Vec::<String>::new(), "{answer}");
        }
        assert_eq!(ungrounded_numbers("Wednesday had 7 million hours", &[&rows], &[]), vec!["7 million"]);
        assert_eq!(ungrounded_numbers("1.3 billion hours", &[&rows], &[]), vec!["1.3 billion"]);
    }

    #[test]
    fn numbers_of_the_question_count_as_known() {
        let rows = json!([]);
        assert!(ungrounded_numbers("the top 3 titles of 2024", &[&rows], &["top 3 titles in 2024"]).is_empty());
        assert_eq!(ungrounded_numbers("the top 3 titles", &[&rows], &[]), vec!["3"]);
    }
}
