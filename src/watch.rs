//! The file watcher: the only module that imports `notify`. It turns notify's
//! events into venuewatch's own [`FileEvent`]s and sends them down a channel.

use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::mpsc::UnboundedSender;

/// Something happened to a path in the watched folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEvent {
    /// A file was created or written and may still be written to: read it
    /// once it settles.
    Written(PathBuf),
    /// A writer closed the file, or it was renamed into place: it is
    /// complete.
    Complete(PathBuf),
    /// A folder appeared (created or moved in): scan it.
    FolderAppeared(PathBuf),
    /// A path is gone.
    Removed(PathBuf),
    /// Events were lost (queue overflow): rescan everything.
    Rescan,
    /// The watcher reported an error.
    Error(String),
}

/// Why the folder could not be watched.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path}: {source} (check that it exists and is readable; on Linux, raise fs.inotify.max_user_watches for very large trees)")]
pub struct WatchError {
    path: PathBuf,
    source: notify::Error,
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _inner: RecommendedWatcher,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watcher")
    }
}

/// Watches `dir` recursively, sending events to `tx`.
pub fn watch(dir: &Path, tx: UnboundedSender<FileEvent>) -> Result<Watcher, WatchError> {
    let err = |source| WatchError {
        path: dir.to_path_buf(),
        source,
    };
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let events = match res {
            Ok(event) => translate(event),
            Err(e) => vec![FileEvent::Error(e.to_string())],
        };
        for event in events {
            // The receiver is gone only while shutting down.
            let _ = tx.send(event);
        }
    })
    .map_err(err)?;
    watcher.watch(dir, RecursiveMode::Recursive).map_err(err)?;
    Ok(Watcher { _inner: watcher })
}

fn translate(event: notify::Event) -> Vec<FileEvent> {
    if event.need_rescan() {
        return vec![FileEvent::Rescan];
    }
    let mut paths = event.paths.into_iter();
    let first = paths.next();
    let each = |f: fn(PathBuf) -> FileEvent, p: Option<PathBuf>| p.map(f).into_iter().collect();
    match event.kind {
        EventKind::Create(CreateKind::Folder) => each(FileEvent::FolderAppeared, first),
        EventKind::Create(_) => each(FileEvent::Written, first),
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => each(FileEvent::Complete, first),
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => each(moved_in, first),
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            let mut out: Vec<FileEvent> = first.map(FileEvent::Removed).into_iter().collect();
            out.extend(paths.next().map(moved_in));
            out
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => each(FileEvent::Removed, first),
        EventKind::Modify(_) => each(FileEvent::Written, first),
        EventKind::Remove(_) => each(FileEvent::Removed, first),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => Vec::new(),
    }
}

/// A path renamed into the folder is complete; a folder moved in must be
/// scanned, since its files bring no events of their own.
fn moved_in(path: PathBuf) -> FileEvent {
    if path.is_dir() {
        FileEvent::FolderAppeared(path)
    } else {
        FileEvent::Complete(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RemoveKind};

    fn event(kind: EventKind, paths: &[&str]) -> notify::Event {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    #[test]
    fn close_after_write_and_rename_mean_complete() {
        let close = event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &["/a"],
        );
        assert_eq!(translate(close), [FileEvent::Complete("/a".into())]);
        let rename = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/.a.tmp", "/a"],
        );
        assert_eq!(
            translate(rename),
            [
                FileEvent::Removed("/.a.tmp".into()),
                FileEvent::Complete("/a".into())
            ]
        );
    }

    #[test]
    fn writes_are_not_complete() {
        let write = event(
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            &["/a"],
        );
        assert_eq!(translate(write), [FileEvent::Written("/a".into())]);
        let create = event(EventKind::Create(CreateKind::File), &["/a"]);
        assert_eq!(translate(create), [FileEvent::Written("/a".into())]);
        let remove = event(EventKind::Remove(RemoveKind::File), &["/a"]);
        assert_eq!(translate(remove), [FileEvent::Removed("/a".into())]);
    }

    #[test]
    fn overflow_means_rescan() {
        let overflow = event(EventKind::Other, &[]).set_flag(notify::event::Flag::Rescan);
        assert_eq!(translate(overflow), [FileEvent::Rescan]);
    }
}
