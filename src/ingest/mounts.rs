//! Which files lie on a local filesystem, from the kernel's mount table
//! (`/proc/self/mounts`), without touching the files themselves. The
//! [`Reader`](super::Reader) reads those in place and sends only the rest
//! (network and FUSE mounts, anything it does not know) to its own
//! threads, where a read that hangs can be left behind: the hop to another
//! thread and back costs two wake-ups per file, which is most of the
//! reader's cost under load, and a disk-backed read does not hang the way a
//! mount whose server went away does. The table is read again whenever
//! the kernel says it changed, so a mount made under the watched folder
//! while the daemon runs is seen before its first file is read.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustix::event::{poll, PollFd, PollFlags, Timespec};

const TABLE: &str = "/proc/self/mounts";

/// Filesystems whose reads are served by this machine's kernel from its
/// own disks or memory. Any other type (nfs, cifs, fuse.*, 9p, ceph, ...)
/// and any type missing here is treated as one that can hang.
const LOCAL: &[&str] = &[
    "bcachefs", "btrfs", "erofs", "exfat", "ext2", "ext3", "ext4", "f2fs", "hfsplus", "iso9660",
    "jfs", "msdos", "nilfs2", "ntfs", "ntfs3", "overlay", "ramfs", "reiserfs", "squashfs", "tmpfs",
    "udf", "vfat", "xfs", "zfs",
];

/// The mount table: each mount point, deepest first, and whether its
/// filesystem is local.
#[derive(Debug, Default)]
pub(crate) struct Mounts {
    points: Vec<(PathBuf, bool)>,
}

/// This process's mount table, kept open to learn when it changes.
#[derive(Debug)]
pub(crate) struct MountTable {
    file: Option<File>,
    mounts: Arc<Mounts>,
}

impl MountTable {
    /// The table as it is now; without one (no `/proc`), every file counts
    /// as one that can hang.
    pub(crate) fn open() -> MountTable {
        let mut table = MountTable {
            file: File::open(TABLE).ok(),
            mounts: Arc::default(),
        };
        table.reread();
        table
    }

    /// The table, read again first if a mount came or went since it was
    /// last read (the kernel flags the open file with a priority event).
    pub(crate) fn current(&mut self) -> Arc<Mounts> {
        if let Some(file) = &self.file {
            let mut fds = [PollFd::new(file, PollFlags::PRI)];
            let now = Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            match poll(&mut fds, Some(&now)) {
                Ok(0) => {}
                // Changed, or poll failed: read again rather than trust it.
                _ => self.reread(),
            }
        }
        Arc::clone(&self.mounts)
    }

    fn reread(&mut self) {
        let mut text = String::new();
        let read =
            (self.file.as_mut()).map(|f| f.rewind().and_then(|()| f.read_to_string(&mut text)));
        self.mounts = Arc::new(match read {
            Some(Ok(_)) => Mounts::parse(&text),
            _ => Mounts::default(),
        });
    }
}

impl Mounts {
    /// The table in the format of `/proc/mounts` (fstab(5)): device, mount
    /// point, type, options, with spaces and the like in octal escapes.
    pub(crate) fn parse(text: &str) -> Mounts {
        let mut points: Vec<(PathBuf, bool)> = text
            .lines()
            .filter_map(|line| {
                let mut fields = line.split(' ');
                let point = unescape(fields.nth(1)?);
                let kind = fields.next()?;
                Some((PathBuf::from(point), LOCAL.contains(&kind)))
            })
            .collect();
        // Deepest first; among equal points (a mount over a mount) the
        // later line is the one on top, so it must come first.
        points.reverse();
        points.sort_by_key(|(p, _)| std::cmp::Reverse(p.components().count()));
        Mounts { points }
    }

    /// Whether `path` (absolute, links resolved) lies on a local
    /// filesystem: that of the deepest mount point it lies under.
    pub(crate) fn local(&self, path: &Path) -> bool {
        path.is_absolute()
            && (self.points.iter())
                .find(|(point, _)| path.starts_with(point))
                .is_some_and(|&(_, local)| local)
    }
}

/// Undoes the kernel's `\ooo` escapes (space, tab, newline, backslash).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let code = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)))
            .and_then(|d| u8::from_str_radix(std::str::from_utf8(d).ok()?, 8).ok());
        match code {
            Some(byte) if bytes[i] == b'\\' => {
                out.push(byte);
                i += 4;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export /srv/news nfs4 rw,vers=4.2 0 0
tmpfs /srv/news/cache tmpfs rw 0 0
/dev/sdb1 /mnt/with\\040space xfs rw 0 0
sshfs#host: /mnt/with\\040space/remote fuse.sshfs rw 0 0
server:/x /over nfs rw 0 0
/dev/sdc1 /over ext4 rw 0 0
";

    #[test]
    fn a_file_is_local_as_the_deepest_mount_it_lies_under() {
        let mounts = Mounts::parse(TABLE);
        for (path, local) in [
            ("/home/desk/seeds/a.txt", true),
            ("/srv/news/a.txt", false),
            ("/srv/news/cache/a.txt", true),
            ("/srv/newsroom/a.txt", true),
            ("/mnt/with space/a.txt", true),
            ("/mnt/with space/remote/a.txt", false),
            ("/proc/self/status", false),
            // The later of two mounts on one point is the one seen.
            ("/over/a.txt", true),
            ("relative/a.txt", false),
        ] {
            assert_eq!(mounts.local(Path::new(path)), local, "{path}");
        }
    }

    #[test]
    fn without_a_table_no_file_is_local() {
        assert!(!Mounts::parse("").local(Path::new("/a.txt")));
        assert!(!Mounts::parse("garbage\n").local(Path::new("/a.txt")));
    }

    #[test]
    fn escapes_are_undone_and_a_lone_backslash_kept() {
        assert_eq!(unescape(r"a\040b\011c\134d"), "a b\tc\\d");
        assert_eq!(unescape(r"a\b\09\+12\400"), r"a\b\09\+12\400");
    }

    #[test]
    fn this_machine_has_a_table_with_a_root_that_stays_put() {
        let mut table = MountTable::open();
        let first = table.current();
        assert!(first.points.iter().any(|(p, _)| p == Path::new("/")));
        // Read once, not again while nothing is mounted.
        assert!(Arc::ptr_eq(&first, &table.current()));
    }
}
