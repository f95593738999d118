//! The extractor: an [`Article`] -> the venue [`Claim`]s it reports, by rules
//! over the [`Lexicon`].
//!
//! Pure: values in, values out.

use crate::article::Article;
use crate::lexicon::Lexicon;

/// A leader's stance on a venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stance {
    /// Invites, suggests, insists on, accepts or offers to host there.
    Proposes,
    /// Rules out, refuses, dismisses, calls unacceptable.
    Rejects,
}

impl Stance {
    /// The name used in JSON, the database and the gold files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Proposes => "proposes",
            Stance::Rejects => "rejects",
        }
    }

    /// Parses [`Stance::as_str`] back.
    pub fn parse(s: &str) -> Option<Stance> {
        match s {
            "proposes" => Some(Stance::Proposes),
            "rejects" => Some(Stance::Rejects),
            _ => None,
        }
    }
}

/// One stated venue position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The leader id whose position it is (`putin`).
    pub leader: String,
    /// Proposes or rejects.
    pub stance: Stance,
    /// The venue id (`moscow`, `neutral`).
    pub venue: String,
    /// The sentence that carries the claim.
    pub evidence: String,
    /// Who said it, as named in the text ("Peskov"), when not the leader.
    pub speaker: Option<String>,
    /// A past position the article recounts as history; kept out of the
    /// current position.
    pub historical: bool,
}

/// A lexicon prepared for matching: build once, extract many.
#[derive(Debug)]
pub struct Extractor {
    lexicon: Lexicon,
}

impl Extractor {
    /// Prepares `lexicon` for matching.
    pub fn new(lexicon: Lexicon) -> Extractor {
        Extractor { lexicon }
    }

    /// The lexicon this extractor was built from.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The claims `article` reports, in text order.
    pub fn extract(&self, article: &Article) -> Vec<Claim> {
        let _ = article;
        Vec::new()
    }
}
