//! A real file whose reads hang: a one-file FUSE file system served by the
//! test itself over `/dev/fuse` (no FUSE library, no helper binary), mounted
//! over a file in the watched folder. Its reads can be held, as a FUSE
//! server or a network mount that stops answering holds them, and let go.
//! A held read given up by its caller (a signal, the process exiting) is
//! answered "interrupted", as network file systems let killed processes go;
//! a server that ignored that too would keep any reader, even one killed
//! with SIGKILL, until it answered. Needs root and `/dev/fuse`;
//! [`skip_unless`] says when they are missing.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const FUSE_INIT: u32 = 26;
const FUSE_GETATTR: u32 = 3;
const FUSE_OPEN: u32 = 14;
const FUSE_READ: u32 = 15;
const FUSE_RELEASE: u32 = 18;
const FUSE_FLUSH: u32 = 25;
const FUSE_FORGET: u32 = 2;
const FUSE_BATCH_FORGET: u32 = 42;
const FUSE_INTERRUPT: u32 = 36;
const FOPEN_DIRECT_IO: u32 = 1;
const ENOSYS: i32 = 38;
const EINTR: i32 = 4;
/// `struct fuse_in_header`.
const IN_HEADER: usize = 40;

/// A mounted file whose content is `text` and whose reads hang while held.
pub struct HeldFile {
    path: PathBuf,
    dev: Arc<File>,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    hold: bool,
    /// Reads waiting for an answer: (unique, offset, size).
    held: Vec<(u64, u64, u32)>,
    text: Vec<u8>,
}

impl HeldFile {
    /// Mounts a file holding `text` at `path` (created if needed), with its
    /// reads held from the start. `None` when FUSE cannot be mounted here
    /// (no `/dev/fuse`, not root).
    pub fn mount(path: &Path, text: &[u8]) -> Option<HeldFile> {
        if !path.exists() {
            std::fs::write(path, b"").expect("mount point");
        }
        let dev = File::options()
            .read(true)
            .write(true)
            .open("/dev/fuse")
            .ok()?;
        let data = format!(
            "fd={},rootmode=100644,user_id=0,group_id=0",
            dev.as_raw_fd()
        );
        let data = std::ffi::CString::new(data).expect("options");
        rustix::mount::mount(
            "venuewatch-test",
            path,
            "fuse",
            rustix::mount::MountFlags::NOSUID | rustix::mount::MountFlags::NODEV,
            Some(data.as_c_str()),
        )
        .ok()?;
        let held = HeldFile {
            path: path.to_path_buf(),
            dev: Arc::new(dev),
            state: Arc::new(Mutex::new(State {
                hold: true,
                held: Vec::new(),
                text: text.to_vec(),
            })),
        };
        let (dev, state) = (Arc::clone(&held.dev), Arc::clone(&held.state));
        std::thread::spawn(move || serve(&dev, &state));
        Some(held)
    }

    /// Mounts it over a file a writer keeps open, then lets the writer close
    /// it: the watcher sees a file written and closed, and the daemon reads
    /// it at once, through the mount. How a file that hangs arrives live.
    pub fn arrive(path: &Path, text: &[u8]) -> Option<HeldFile> {
        let writer = File::create(path).expect("create");
        let held = HeldFile::mount(path, text);
        drop(writer);
        held
    }

    /// How many reads are held now.
    pub fn held(&self) -> usize {
        self.state.lock().expect("state").held.len()
    }

    /// Answers the held reads and every later one.
    pub fn release(&self) {
        let mut state = self.state.lock().expect("state");
        state.hold = false;
        for (unique, offset, size) in std::mem::take(&mut state.held) {
            reply_data(&self.dev, unique, &state.text, offset, size);
        }
    }
}

/// Whether FUSE can be mounted here: as root, with `/dev/fuse`. Where it
/// can, a test that fails to mount fails; elsewhere it says it skips.
pub fn skip_unless(held: Option<HeldFile>) -> Option<HeldFile> {
    if held.is_none() {
        assert!(
            !(crate::util::running_as_root() && Path::new("/dev/fuse").exists()),
            "root with /dev/fuse could not mount a FUSE file"
        );
        eprintln!("no FUSE here (needs root and /dev/fuse); skipping the hung-read part");
    }
    held
}

impl Drop for HeldFile {
    fn drop(&mut self) {
        self.release();
        let _ = rustix::mount::unmount(&self.path, rustix::mount::UnmountFlags::DETACH);
    }
}

/// Answers requests until the file system goes away.
fn serve(dev: &File, state: &Mutex<State>) {
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match (&*dev).read(&mut buf) {
            Ok(n) => n,
            // ENOENT: the request was interrupted; EINTR: a signal.
            Err(e) if matches!(e.raw_os_error(), Some(2) | Some(4)) => continue,
            Err(_) => return,
        };
        if n < IN_HEADER {
            continue;
        }
        let req = &buf[..n];
        let opcode = u32_at(req, 4);
        let unique = u64_at(req, 8);
        let body = &req[IN_HEADER..];
        match opcode {
            FUSE_INIT => {
                let mut out = Vec::new();
                out.extend(7u32.to_ne_bytes()); // major
                out.extend(31u32.to_ne_bytes()); // minor
                out.extend(u32_at(body, 8).to_ne_bytes()); // max_readahead
                out.extend(0u32.to_ne_bytes()); // flags
                out.extend(16u16.to_ne_bytes()); // max_background
                out.extend(12u16.to_ne_bytes()); // congestion_threshold
                out.extend(65536u32.to_ne_bytes()); // max_write
                out.extend(1u32.to_ne_bytes()); // time_gran
                out.extend([0u8; 4]); // max_pages, map_alignment
                out.extend([0u8; 4 + 28]); // flags2, unused
                reply(dev, unique, 0, &out);
            }
            FUSE_GETATTR => {
                let size = state.lock().expect("state").text.len() as u64;
                let mut out = Vec::new();
                out.extend(0u64.to_ne_bytes()); // attr_valid: no caching
                out.extend(0u32.to_ne_bytes());
                out.extend(0u32.to_ne_bytes());
                out.extend(4242u64.to_ne_bytes()); // ino
                out.extend(size.to_ne_bytes());
                out.extend(size.div_ceil(512).to_ne_bytes()); // blocks
                for _ in 0..3 {
                    out.extend(1_767_225_600u64.to_ne_bytes()); // 2026-01-01
                }
                out.extend([0u8; 12]); // nanoseconds
                out.extend(0o100644u32.to_ne_bytes()); // mode
                out.extend(1u32.to_ne_bytes()); // nlink
                out.extend([0u8; 12]); // uid, gid, rdev
                out.extend(4096u32.to_ne_bytes()); // blksize
                out.extend(0u32.to_ne_bytes()); // flags
                reply(dev, unique, 0, &out);
            }
            FUSE_OPEN => {
                let mut out = Vec::new();
                out.extend(1u64.to_ne_bytes()); // fh
                out.extend(FOPEN_DIRECT_IO.to_ne_bytes());
                out.extend(0u32.to_ne_bytes());
                reply(dev, unique, 0, &out);
            }
            FUSE_READ => {
                let (offset, size) = (u64_at(body, 8), u32_at(body, 16));
                let mut state = state.lock().expect("state");
                if state.hold {
                    state.held.push((unique, offset, size));
                } else {
                    reply_data(dev, unique, &state.text, offset, size);
                }
            }
            FUSE_FLUSH | FUSE_RELEASE => reply(dev, unique, 0, &[]),
            FUSE_INTERRUPT => {
                let interrupted = u64_at(body, 0);
                let mut state = state.lock().expect("state");
                if let Some(i) = state.held.iter().position(|h| h.0 == interrupted) {
                    state.held.remove(i);
                    reply(dev, interrupted, -EINTR, &[]);
                }
            }
            // No answer is expected to these.
            FUSE_FORGET | FUSE_BATCH_FORGET => {}
            _ => reply(dev, unique, -ENOSYS, &[]),
        }
    }
}

fn reply_data(dev: &File, unique: u64, text: &[u8], offset: u64, size: u32) {
    let start = (offset as usize).min(text.len());
    let end = (start + size as usize).min(text.len());
    reply(dev, unique, 0, &text[start..end]);
}

/// One answer: `struct fuse_out_header`, then `body`, in one write.
fn reply(dev: &File, unique: u64, error: i32, body: &[u8]) {
    let mut out = Vec::with_capacity(16 + body.len());
    out.extend(((16 + body.len()) as u32).to_ne_bytes());
    out.extend(error.to_ne_bytes());
    out.extend(unique.to_ne_bytes());
    out.extend(body);
    // Fails only when the request is gone (interrupted, or unmounted).
    let _ = (&*dev).write(&out);
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// A seed article arriving at `path` as a file whose reads hang, where FUSE
/// can be mounted (see [`skip_unless`]).
pub fn hung_seed(path: &Path) -> Option<HeldFile> {
    let text = std::fs::read(&crate::util::seed_files()[3]).expect("seed");
    skip_unless(HeldFile::arrive(path, &text))
}
