use std::fmt;

use serde::{Serialize, Serializer};

/// An ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts any letter case; only codes assigned in ISO 3166-1 pass.
    pub fn parse(text: &str) -> Option<CountryCode> {
        let code = isocountry::CountryCode::for_alpha2_caseless(text).ok()?;
        let bytes = code.alpha2().as_bytes();
        Some(CountryCode([bytes[0], bytes[1]]))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters from the ISO table are ever stored.
        std::str::from_utf8(&self.0).expect("country codes are ASCII")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_to_upper_case() {
        assert_eq!(CountryCode::parse("re").unwrap().as_str(), "RE");
    }

    #[test]
    fn unassigned_or_malformed_codes_are_refused() {
        for text in ["XX", "USA", "U", "", "1A"] {
            assert_eq!(CountryCode::parse(text), None, "{text}");
        }
    }
}
