//! Which files are articles: a pure, fast decision over a path, shared by the
//! watcher, the startup rescan and `ingest`.

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// A pattern in the `ignore` list was not a valid glob.
#[derive(Debug, thiserror::Error)]
#[error("invalid ignore pattern {pattern:?}: {source}")]
pub struct FilterError {
    pattern: String,
    source: globset::Error,
}

/// Decides which paths are articles.
#[derive(Debug, Clone)]
pub struct Filter {
    ignore: GlobSet,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            ignore: GlobSet::empty(),
        }
    }
}

impl Filter {
    /// A filter that also ignores paths matching any of `patterns` (globs
    /// over the path relative to the watched folder, e.g. `drafts/**`, or
    /// over the file name, e.g. `*.html`).
    pub fn new(patterns: &[String]) -> Result<Filter, FilterError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern).map_err(|source| FilterError {
                pattern: pattern.clone(),
                source,
            })?;
            builder.add(glob);
        }
        let ignore = builder.build().map_err(|source| FilterError {
            pattern: patterns.join(", "),
            source,
        })?;
        Ok(Filter { ignore })
    }

    /// Whether `path` (relative to the watched folder, or just a file name)
    /// names a file venuewatch should read. Hidden files and folders, and the
    /// temporary files editors and downloaders write before renaming into
    /// place, are not; nor is anything the ignore patterns match.
    pub fn accept(&self, path: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        let visible = path.components().all(|c| match c {
            std::path::Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
            _ => true,
        });
        let name_str = name.to_string_lossy();
        let temporary = [".tmp", ".part", ".swp", "~"]
            .iter()
            .any(|suffix| name_str.ends_with(suffix));
        visible
            && !temporary
            && !self.ignore.is_match(path)
            && !self.ignore.is_match(Path::new(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(filter: &Filter, path: &str, expected: bool) {
        assert_eq!(filter.accept(Path::new(path)), expected, "{path}");
    }

    #[test]
    fn articles_are_accepted() {
        let f = Filter::default();
        check(&f, "a.txt", true);
        check(&f, "2026/01/a.txt", true);
        check(&f, "no-extension", true);
        check(&f, "notes.tmp.txt", true);
    }

    #[test]
    fn hidden_and_temporary_files_are_not() {
        let f = Filter::default();
        for path in [
            ".a.txt",
            ".x.tmp",
            "a.txt.tmp",
            "a.part",
            ".a.txt.swp",
            "a.swp",
            "a.txt~",
            ".git/config",
            "sub/.hidden/a.txt",
            "",
        ] {
            check(&f, path, false);
        }
    }

    #[test]
    fn ignore_patterns_match_paths_and_names() {
        let f = Filter::new(&["drafts/**".into(), "*.html".into()]).expect("globs");
        check(&f, "drafts/a.txt", false);
        check(&f, "2026/page.html", false);
        check(&f, "2026/a.txt", true);
        assert!(Filter::new(&["a[".into()]).is_err());
    }
}
