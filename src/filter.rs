//! Which files are articles: a pure, fast decision over a path, shared by the
//! watcher, the startup rescan and `ingest`.

use std::path::Path;

/// Whether `path` (relative to the watched folder, or just a file name) names
/// a file venuewatch should read. Hidden files and folders, and the temporary
/// files editors and downloaders write before renaming into place, are not.
pub fn accept(path: &Path) -> bool {
    path.components().all(|c| match c {
        std::path::Component::Normal(part) => {
            let part = part.to_string_lossy();
            !part.starts_with('.')
        }
        _ => true,
    }) && path
        .file_name()
        .map(|name| {
            let name = name.to_string_lossy();
            !(name.ends_with(".tmp")
                || name.ends_with(".part")
                || name.ends_with(".swp")
                || name.ends_with('~'))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(path: &str, expected: bool) {
        assert_eq!(accept(Path::new(path)), expected, "{path}");
    }

    #[test]
    fn articles_are_accepted() {
        check("a.txt", true);
        check("2026/01/a.txt", true);
        check("no-extension", true);
        check("notes.tmp.txt", true);
    }

    #[test]
    fn hidden_and_temporary_files_are_not() {
        check(".a.txt", false);
        check(".x.tmp", false);
        check("a.txt.tmp", false);
        check("a.part", false);
        check(".a.txt.swp", false);
        check("a.swp", false);
        check("a.txt~", false);
        check(".git/config", false);
        check("sub/.hidden/a.txt", false);
        check("", false);
    }
}
