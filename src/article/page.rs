//! HTML pages: the main content as a reader view gives it, and the page's
//! metadata (headline, publication date, canonical URL); HTML fragments
//! (a feed item's content) as text with their paragraph boundaries.

use super::{Body, Parts, RejectReason};

/// Decodes a page's bytes by its BOM or declared charset.
pub(super) fn decode(bytes: &[u8]) -> Result<String, RejectReason> {
    super::decode::decode(bytes)
}

/// A whole page -> its main content and metadata.
pub(super) fn page(html: &str) -> Parts {
    Parts {
        body: Body::Text(fragment(html)),
        ..Parts::default()
    }
}

/// An HTML fragment -> text, one paragraph per block, separated by a blank
/// line.
pub(super) fn fragment(html: &str) -> String {
    html.to_owned()
}
