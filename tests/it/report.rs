//! `venuewatch report --html` in a real browser: ingest the seeds plus two
//! articles of our own (a reversal; markup and `&` in an evidence sentence
//! and a file name), write the report, check its structure against the
//! database, then render it with headless Chromium and check that the
//! screenshot shows a colored chart and that the DOM parsed.
//!
//! Chromium is required (`scripts/test` installs Debian's `chromium`, or says
//! how to): without it the test fails and says so.

use std::fs::File;
use std::io::BufReader;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{seed_files, Workspace};

/// How long one Chromium run may take before it is killed.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// Makes Zelensky's stance on Moscow flip (he rejects it in the seeds).
pub(crate) const REVERSAL: &str = "date 2026-02-10\n\nZelensky reverses course\n\n\
    Ukrainian President Volodymyr Zelensky said on Tuesday that he was ready to travel to \
    Moscow for a meeting with Putin if that is what it takes to end the war.\n";

/// Evidence with markup and an ampersand, in a file whose name has both.
const HOSTILE: &str = "date 2026-02-14\n\nPutin answers <Kyiv> & more\n\n\
    Russian President Vladimir Putin ruled out a meeting in Kyiv, calling the \
    <script>alert(\"x\")</script> & \"invitation\" a provocation.\n\
    Putin said Istanbul would be an acceptable venue for the talks.\n";
const HOSTILE_NAME: &str = "901_<b>&amp.txt";

#[test]
fn the_html_report_renders_in_a_real_browser() {
    let started = Instant::now();
    let chromium = find_chromium();
    let ws = Workspace::new();
    for seed in seed_files() {
        std::fs::copy(&seed, ws.dir.join(seed.file_name().expect("name"))).expect("copy seed");
    }
    std::fs::write(ws.dir.join("900_reversal.txt"), REVERSAL).expect("write");
    std::fs::write(ws.dir.join(HOSTILE_NAME), HOSTILE).expect("write");
    ws.run(&["ingest"]);

    let (_, _, claims, _, changes) = ws.counts();
    let log = ws.json(&["changes", "--json"]);
    let reversals = log
        .as_array()
        .expect("change list")
        .iter()
        .filter(|c| c["kind"] == "reversed")
        .count();
    assert!(reversals >= 1, "the extra article makes a reversal: {log}");

    let root = ws.dir.parent().expect("temp root").to_path_buf();
    let page_path = root.join("report.html");
    ws.run(&["report", "--html", page_path.to_str().expect("utf-8 path")]);
    let page = std::fs::read_to_string(&page_path).expect("report written");

    // One mark per claim (historical ones included, as hollow marks), one
    // ring per change.
    let marks = page.matches("class=\"mark").count() as u64;
    assert_eq!(marks, claims, "one mark per claim in the database");
    assert_eq!(page.matches("data-claim=\"").count() as u64, claims);
    assert_eq!(page.matches("class=\"ring").count() as u64, changes);
    assert_eq!(page.matches("class=\"ring reversed\"").count(), reversals);

    // Article text stays text.
    assert!(!page.contains("<script"), "markup from an article leaked");
    assert!(page.contains(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;invitation&quot;"
    ));
    assert!(page.contains("901_&lt;b&gt;&amp;amp.txt"));

    assert_self_contained(&page);

    // The browser: a screenshot that shows the page and its colored marks.
    let url = format!("file://{}", page_path.display());
    let shot = root.join("report.png");
    chromium.run(
        &root.join("profile-shot"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
            "--hide-scrollbars",
        ],
        &url,
    );
    let pixels = Screenshot::load(&shot);
    assert_eq!((pixels.width, pixels.height), (1280, 2000));
    let inked = pixels.count(|[r, g, b]| r.min(g).min(b) < 235);
    assert!(
        inked * 100 > pixels.len() * 3,
        "the screenshot looks blank: {inked} of {} pixels are not white",
        pixels.len()
    );
    let colors = pixels.distinct();
    assert!(colors > 100, "only {colors} distinct colors");
    // The chart's blue (#0072b2) and orange (#d55e00) marks.
    let blue = pixels.count(|[r, g, b]| r < 40 && (90..140).contains(&g) && b > 150);
    let orange = pixels.count(|[r, g, b]| r > 190 && (70..120).contains(&g) && b < 40);
    assert!(
        blue > 200 && orange > 100,
        "no colored marks: {blue} blue, {orange} orange pixels"
    );

    // The DOM as Chromium parsed it: the same marks, inside SVG, and the
    // hostile evidence as text.
    let dom = chromium.run(&root.join("profile-dom"), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom);
    assert_eq!(
        dom.matches("class=\"mark").count() as u64,
        claims,
        "marks in the DOM"
    );
    let in_charts: usize = dom
        .split("<svg class=\"chart\"")
        .skip(1)
        .map(|chart| {
            chart[..chart.find("</svg>").expect("</svg>")]
                .matches("class=\"mark")
                .count()
        })
        .sum();
    assert_eq!(in_charts as u64, claims, "marks inside the charts' SVG");
    assert!(!dom.contains("<script"), "the DOM holds a script element");
    assert!(dom.contains("&lt;script&gt;alert"));

    eprintln!(
        "browser test: {claims} claims, {changes} changes; screenshot: {}% inked, {colors} colors, \
         {blue} blue and {orange} orange pixels; {:.1} s in all",
        inked * 100 / pixels.len(),
        started.elapsed().as_secs_f64()
    );
}

/// No script, style sheet, font, image or link from elsewhere.
fn assert_self_contained(page: &str) {
    for needle in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(",
    ] {
        assert!(!page.contains(needle), "the page has {needle}");
    }
    for attr in [
        "src=",
        "srcset=",
        "xlink:href=",
        "action=",
        "data=",
        "poster=",
    ] {
        assert!(!page.contains(attr), "the page has a {attr} attribute");
    }
    // Links stay on the page, but for an article's link to its own web
    // page, which loads nothing until clicked. Article text cannot fake an
    // attribute: its quotes are escaped.
    let source_link = "<a class=\"source-link\" href=\"";
    for (i, _) in page.match_indices("href=\"") {
        let value = &page[i + 6..];
        let external = page[..i + 6].ends_with(source_link)
            && (value.starts_with("http://") || value.starts_with("https://"));
        assert!(
            value.starts_with('#') || external,
            "link elsewhere: {}",
            &value[..value.len().min(60)]
        );
    }
    let links = page.matches(source_link).count();
    let to_web = page.matches("=\"http:").count() + page.matches("=\"https:").count();
    assert_eq!(to_web, links, "an address outside a source link");
    for scheme in ["=\"//", "='http", "=http"] {
        assert!(!page.contains(scheme), "the page refers to {scheme}");
    }
}

/// The Chromium binary: `$VENUEWATCH_CHROMIUM`, else `chromium` or
/// `chromium-browser` on the PATH.
pub(crate) struct Chromium(pub(crate) PathBuf);

/// The flags of every headless run: no sandbox (the tests may run as
/// root), nothing in the background, and no network.
pub(crate) const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-proxy-server",
    // Nothing may come from the network; make sure nothing can, but for
    // the loopback address the live page's server listens on (the rule
    // maps addresses too).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

pub(crate) fn find_chromium() -> Chromium {
    if let Some(path) = std::env::var_os("VENUEWATCH_CHROMIUM") {
        return Chromium(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Chromium(candidate);
            }
        }
    }
    panic!(
        "chromium is not installed, and the HTML report test needs it: run the tests with \
         scripts/test, which installs it (or says how), or point VENUEWATCH_CHROMIUM at a \
         Chromium binary"
    );
}

impl Chromium {
    /// Runs headless Chromium on `url` with a fresh profile in `profile`;
    /// returns its stdout. Kills it (and its helper processes) after
    /// [`CHROMIUM_TIMEOUT`].
    fn run(&self, profile: &Path, extra: &[&str], url: &str) -> Vec<u8> {
        std::fs::create_dir_all(profile).expect("profile dir");
        let stdout = profile.with_extension("stdout");
        let stderr = profile.with_extension("stderr");
        let mut child = Command::new(&self.0)
            .args(HEADLESS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("stdout file"))
            .stderr(File::create(&stderr).expect("stderr file"))
            // Its own process group, so a hung browser is killed with its
            // helpers.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.0.display()));
        let deadline = Instant::now() + CHROMIUM_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for chromium") {
                break status;
            }
            if Instant::now() > deadline {
                let group = format!("-{}", child.id());
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &group])
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "chromium did not finish within {CHROMIUM_TIMEOUT:?} and was killed; stderr:\n{}",
                    tail(&stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(
            status.success(),
            "chromium failed ({status}); stderr:\n{}",
            tail(&stderr)
        );
        std::fs::read(&stdout).expect("chromium's stdout")
    }
}

/// The last lines of a log file.
pub(crate) fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A decoded screenshot, as RGB pixels.
pub(crate) struct Screenshot {
    pub(crate) width: u32,
    pub(crate) height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Screenshot {
    pub(crate) fn load(path: &Path) -> Screenshot {
        let file =
            File::open(path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()));
        let mut decoder = png::Decoder::new(BufReader::new(file));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("PNG frame");
        let channels = info.color_type.samples();
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|p| match channels {
                1 | 2 => [p[0]; 3],
                _ => [p[0], p[1], p[2]],
            })
            .collect();
        Screenshot {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.rgb.len()
    }

    pub(crate) fn count(&self, keep: impl Fn([u8; 3]) -> bool) -> usize {
        self.rgb.iter().filter(|&&p| keep(p)).count()
    }

    pub(crate) fn distinct(&self) -> usize {
        let mut colors: Vec<[u8; 3]> = self.rgb.clone();
        colors.sort_unstable();
        colors.dedup();
        colors.len()
    }
}
