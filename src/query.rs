//! Pure; what a reader asks of the change log in a URL: the filters and
//! paging of the live page and of `GET /api/changes`, parsed and checked
//! from query parameters into a [`ChangeFilter`], and written back into a
//! query string for links. One parser for both, so that a filtered view of
//! the page and its API call always mean the same thing.

use jiff::civil::Date;

use crate::diff::ChangeKind;
use crate::extract::Stance;
use crate::store::{ChangeFilter, Cursor};

/// The most changes one API page holds, and how many it holds unless asked.
pub const MAX_LIMIT: usize = 1000;
/// See [`MAX_LIMIT`].
pub const DEFAULT_LIMIT: usize = 100;

/// A query parameter that is not right, and why: an HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter {param}: {message}")]
pub struct ParamError {
    /// The parameter's name.
    pub param: String,
    /// What is wrong with it, and what would be right.
    pub message: String,
}

impl ParamError {
    fn new(param: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            param: param.to_owned(),
            message: message.into(),
        }
    }
}

/// The parameters that filter the change log, in the order links write them.
pub const FILTERS: [&str; 7] = ["leader", "venue", "stance", "kind", "since", "until", "q"];

/// Parses a query string (`leader=putin&kind=new`) into a filter. Empty
/// values count as absent (a form's blank fields); a parameter given twice,
/// or one not in [`FILTERS`] nor in `extra` (`limit`, `cursor`), is an
/// error, so that a typo never silently widens a view.
pub fn parse(query: &str, extra: &[&str]) -> Result<ChangeFilter, ParamError> {
    let mut filter = ChangeFilter::default();
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if !FILTERS.contains(&name.as_ref()) && !extra.contains(&name.as_ref()) {
            let mut known: Vec<&str> = FILTERS.to_vec();
            known.extend(extra);
            return Err(ParamError::new(
                &name,
                format!("unknown parameter; the known ones are {}", known.join(", ")),
            ));
        }
        if seen.iter().any(|s| *s == name) {
            return Err(ParamError::new(&name, "given more than once"));
        }
        seen.push(name.to_string());
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_ref() {
            "leader" => filter.leader = Some(value.to_owned()),
            "venue" => filter.venue = Some(value.to_owned()),
            "stance" => {
                filter.stance = Some(
                    Stance::parse(value)
                        .ok_or_else(|| ParamError::new("stance", "is proposes or rejects"))?,
                )
            }
            "kind" => {
                filter.kind = Some(
                    ChangeKind::parse(value)
                        .ok_or_else(|| ParamError::new("kind", "is new or reversed"))?,
                )
            }
            "since" => filter.since = Some(date("since", value)?),
            "until" => filter.until = Some(date("until", value)?),
            "q" => filter.text = Some(value.to_owned()),
            "limit" => {
                let n: usize = value.parse().map_err(|_| {
                    ParamError::new("limit", format!("is a number from 1 to {MAX_LIMIT}"))
                })?;
                if !(1..=MAX_LIMIT).contains(&n) {
                    return Err(ParamError::new(
                        "limit",
                        format!("is a number from 1 to {MAX_LIMIT}"),
                    ));
                }
                filter.limit = Some(n);
            }
            "cursor" => {
                let cursor: Cursor = value
                    .parse()
                    .map_err(|why: String| ParamError::new("cursor", why))?;
                filter.after = Some(cursor);
            }
            _ => {}
        }
    }
    if let (Some(since), Some(until)) = (filter.since, filter.until) {
        if since > until {
            return Err(ParamError::new(
                "until",
                format!("{until} is before since ({since})"),
            ));
        }
    }
    Ok(filter)
}

fn date(param: &str, value: &str) -> Result<Date, ParamError> {
    value
        .parse()
        .map_err(|_| ParamError::new(param, format!("{value:?} is not a date (YYYY-MM-DD)")))
}

/// The query string of `filter`'s filters (not its paging), for links to
/// the same view: parameters in [`FILTERS`] order, empty when there are none.
pub fn to_query(filter: &ChangeFilter) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let dates = (
        filter.since.map(|d| d.to_string()),
        filter.until.map(|d| d.to_string()),
    );
    let values = [
        filter.leader.as_deref(),
        filter.venue.as_deref(),
        filter.stance.map(Stance::as_str),
        filter.kind.map(ChangeKind::as_str),
        dates.0.as_deref(),
        dates.1.as_deref(),
        filter.text.as_deref(),
    ];
    for (name, value) in FILTERS.iter().zip(values) {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGING: &[&str] = &["limit", "cursor"];

    #[test]
    fn filters_parse_and_come_back_as_the_same_query() {
        let query = "leader=putin&venue=new+york&stance=rejects&kind=reversed&since=2025-01-02&until=2025-03-04&q=capital+of";
        let filter = parse(query, &[]).expect("parses");
        assert_eq!(filter.leader.as_deref(), Some("putin"));
        assert_eq!(filter.venue.as_deref(), Some("new york"));
        assert_eq!(filter.stance, Some(Stance::Rejects));
        assert_eq!(filter.kind, Some(ChangeKind::Reversed));
        assert_eq!(filter.text.as_deref(), Some("capital of"));
        assert_eq!(to_query(&filter), query);
        assert_eq!(parse(&to_query(&filter), &[]), Ok(filter));
    }

    #[test]
    fn blank_fields_are_absent() {
        let filter = parse("leader=&venue=+&kind=", &[]).expect("parses");
        assert_eq!(filter, ChangeFilter::default());
        assert_eq!(to_query(&filter), "");
    }

    #[test]
    fn bad_parameters_name_themselves() {
        let param = |q: &str| parse(q, PAGING).expect_err(q).param;
        assert_eq!(param("since=yesterday"), "since");
        assert_eq!(param("until=2025-13-01"), "until");
        assert_eq!(param("since=2025-02-01&until=2025-01-01"), "until");
        assert_eq!(param("stance=maybe"), "stance");
        assert_eq!(param("kind=old"), "kind");
        assert_eq!(param("limit=0"), "limit");
        assert_eq!(param("limit=1001"), "limit");
        assert_eq!(param("limit=ten"), "limit");
        assert_eq!(param("cursor=xyz"), "cursor");
        assert_eq!(param("leader=a&leader=b"), "leader");
        assert_eq!(param("leeder=putin"), "leeder");
        // Paging is only for those who ask for it.
        assert_eq!(parse("limit=5", &[]).expect_err("page").param, "limit");
        assert_eq!(parse("limit=5", PAGING).expect("api").limit, Some(5));
    }
}
