use serde::{Serialize, Serializer};

/// A Top 10 category exactly as Netflix names it. Global and most-popular lists split films and TV
/// by language; country lists do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    FilmsEnglish,
    FilmsNonEnglish,
    TvEnglish,
    TvNonEnglish,
    Films,
    Tv,
}

/// Which published list a row or a request is about; each has its own category set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    Global,
    Countries,
    MostPopular,
}

impl List {
    pub fn categories(self) -> &'static [Category] {
        match self {
            List::Global | List::MostPopular => {
                &[Category::FilmsEnglish, Category::FilmsNonEnglish, Category::TvEnglish, Category::TvNonEnglish]
            }
            List::Countries => &[Category::Films, Category::Tv],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            List::Global => "global",
            List::Countries => "country",
            List::MostPopular => "most-popular",
        }
    }

    /// For error messages: every accepted spelling, e.g. `"Films (English)" (films-english), …`.
    pub fn accepted_categories(self) -> String {
        self.categories().iter().map(|c| format!("{:?} ({})", c.as_str(), c.slug())).collect::<Vec<_>>().join(", ")
    }
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::FilmsEnglish => "Films (English)",
            Category::FilmsNonEnglish => "Films (Non-English)",
            Category::TvEnglish => "TV (English)",
            Category::TvNonEnglish => "TV (Non-English)",
            Category::Films => "Films",
            Category::Tv => "TV",
        }
    }

    /// A URL-friendly spelling, so `?category=tv-english` works without percent-encoding.
    pub fn slug(self) -> &'static str {
        match self {
            Category::FilmsEnglish => "films-english",
            Category::FilmsNonEnglish => "films-non-english",
            Category::TvEnglish => "tv-english",
            Category::TvNonEnglish => "tv-non-english",
            Category::Films => "films",
            Category::Tv => "tv",
        }
    }

    /// The exact spelling used in the feed files; anything else is a rejected row.
    pub fn from_feed(text: &str, list: List) -> Option<Category> {
        list.categories().iter().copied().find(|c| c.as_str() == text)
    }

    /// A request parameter: the feed spelling in any letter case, or the slug.
    pub fn from_param(text: &str, list: List) -> Option<Category> {
        let text = text.trim();
        list.categories()
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text) || c.slug().eq_ignore_ascii_case(text))
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_accept_feed_names_and_slugs() {
        assert_eq!(Category::from_param("tv (english)", List::Global), Some(Category::TvEnglish));
        assert_eq!(Category::from_param("films-non-english", List::Global), Some(Category::FilmsNonEnglish));
        assert_eq!(Category::from_param("TV", List::Countries), Some(Category::Tv));
    }

    #[test]
    fn each_list_only_accepts_its_own_categories() {
        assert_eq!(Category::from_param("films", List::Global), None);
        assert_eq!(Category::from_param("TV (English)", List::Countries), None);
    }

    #[test]
    fn feed_values_must_match_exactly() {
        assert_eq!(Category::from_feed("tv (english)", List::Global), None);
        assert_eq!(Category::from_feed("TV (English)", List::Global), Some(Category::TvEnglish));
    }
}
