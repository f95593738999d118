//! Every common form of a saved news article, end to end: the fixtures in
//! `tests/fixtures/formats` (a browser's saved page, a page dated only by its
//! JSON-LD, RSS, Atom and JSON feeds, a news API's and a scraper's exports, a
//! forwarded newsletter, one story saved three ways, a PDF) read, extracted
//! and ingested by the real binary; feeds that grow, correct and drop items;
//! and hostile inputs, each read in bounded time beside a good file.
//!
//! The fixtures are invented stories from invented outlets. Each claim they
//! are expected to give was checked against the extractor on the same
//! sentences as plain text, so a failure here is the reader's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::util::{poll, Workspace};

type Triple = (String, String, String);

/// The modification time every staged fixture gets: a date no fixture
/// states, so an article dated by it fell back to the mtime.
const MTIME_SECS: u64 = 1_749_988_800; // 2025-06-15T12:00:00Z

/// How long one command over a hostile input may take.
const DEADLINE: Duration = Duration::from_secs(20);

/// The keys of each article `read --json` prints, exactly.
const READ_KEYS: [&str; 7] = [
    "body",
    "date",
    "date_source",
    "file",
    "item",
    "title",
    "url",
];

/// The keys of each entry `extract --json` prints, exactly.
const EXTRACT_KEYS: [&str; 7] = [
    "claims",
    "date",
    "date_source",
    "file",
    "item",
    "title",
    "url",
];

/// Every fixture file, as named under the fixtures folder.
const ALL: [&str; 12] = [
    "news-page.html",
    "jsonld-only.html",
    "wire.rss",
    "world.atom",
    "briefs.json",
    "newsapi.json",
    "scraper.jsonl",
    "newsletter.eml",
    "same/story.txt",
    "same/story.html",
    "same/story.rss",
    "fake.pdf",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

/// Copies fixtures (named relative to the fixtures folder) into the
/// workspace's watched folder, each with the mtime [`MTIME_SECS`], and
/// returns the copies' paths.
fn stage(ws: &Workspace, names: &[&str]) -> Vec<String> {
    let mut staged = Vec::new();
    for name in names {
        let to = ws.dir.join(name);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::copy(fixtures().join(name), &to).expect("copy fixture");
        set_mtime(&to);
        staged.push(to.display().to_string());
    }
    staged
}

fn set_mtime(path: &Path) {
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(MTIME_SECS);
    std::fs::File::options()
        .append(true)
        .open(path)
        .expect("open")
        .set_modified(mtime)
        .expect("set mtime");
}

/// Runs `venuewatch ARGS` to completion: exit code (`None`: killed by a
/// signal), stdout, stderr.
fn run(ws: &Workspace, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out = ws.cmd(args).output().expect("run venuewatch");
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn list(stdout: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}):\n{}",
            String::from_utf8_lossy(&stdout[..stdout.len().min(2000)])
        )
    });
    match v {
        Value::Array(entries) => entries,
        other => panic!("not a JSON list: {other}"),
    }
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn claims_of(entry: &Value) -> BTreeSet<Triple> {
    entry["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().expect(k).to_string();
            (s("leader"), s("stance"), s("venue"))
        })
        .collect()
}

fn triples(claims: &[(&str, &str, &str)]) -> BTreeSet<Triple> {
    claims
        .iter()
        .map(|(l, s, v)| (l.to_string(), s.to_string(), v.to_string()))
        .collect()
}

/// What one article of a fixture must read as.
struct Want {
    /// Its id inside a file of many; `None` for a file that is one article.
    item: Option<&'static str>,
    /// The headline, without the site's name. An email's subject may keep
    /// or drop its "Fwd: ".
    title: &'static str,
    date: &'static str,
    date_source: &'static str,
    url: Option<&'static str>,
    /// Paragraphs the body must have, each whole and on its own.
    paragraphs: &'static [&'static str],
    /// Sentences the body must have somewhere.
    sentences: &'static [&'static str],
    /// Text the body must not have: page furniture, other items, markup.
    absent: &'static [&'static str],
    /// Its claims, exactly: (leader, stance, venue).
    claims: &'static [(&'static str, &'static str, &'static str)],
}

/// Whether a printed title is `want`: an email's subject may keep or drop
/// its "Fwd: ".
fn title_is(got: &Value, want: &str) -> bool {
    got.as_str()
        .is_some_and(|t| t == want || t.strip_prefix("Fwd: ") == Some(want))
}

/// One article of `read --json`.
#[track_caller]
fn check_read(got: &Value, file: &str, want: &Want) {
    let what = format!("{file} item {:?}", want.item);
    assert_eq!(
        keys(got),
        BTreeSet::from(READ_KEYS),
        "{what}: keys of {got}"
    );
    assert_eq!(got["file"].as_str(), Some(file), "{what}: file");
    assert_eq!(got["item"].as_str(), want.item, "{what}: item");
    assert!(
        title_is(&got["title"], want.title),
        "{what}: title {}",
        got["title"]
    );
    assert_eq!(got["date"].as_str(), Some(want.date), "{what}: date");
    assert_eq!(
        got["date_source"].as_str(),
        Some(want.date_source),
        "{what}: date source"
    );
    assert_eq!(got["url"].as_str(), want.url, "{what}: url");
    check_body(got["body"].as_str().expect("body"), want, &what);
}

/// A body: text only, paragraphs separated by one blank line, the story's
/// paragraphs whole, and none of what surrounds the story.
#[track_caller]
fn check_body(body: &str, want: &Want, what: &str) {
    assert!(!body.contains('<'), "{what}: markup in the body:\n{body}");
    let paragraphs: Vec<&str> = body.split("\n\n").collect();
    assert!(
        paragraphs
            .iter()
            .all(|p| !p.trim().is_empty() && !p.contains('\n')),
        "{what}: paragraphs must be separated by exactly one blank line:\n{body}"
    );
    for p in want.paragraphs {
        assert!(
            paragraphs.contains(p),
            "{what}: the body lacks the paragraph\n  {p}\nbody:\n{body}"
        );
    }
    for s in want.sentences {
        assert!(
            body.contains(s),
            "{what}: the body lacks\n  {s}\nbody:\n{body}"
        );
    }
    for a in want.absent {
        assert!(!body.contains(a), "{what}: {a:?} in the body:\n{body}");
    }
}

/// One entry of `extract --json`.
#[track_caller]
fn check_extract(got: &Value, file: &str, want: &Want) {
    let what = format!("{file} item {:?}", want.item);
    assert_eq!(
        keys(got),
        BTreeSet::from(EXTRACT_KEYS),
        "{what}: keys of {got}"
    );
    assert_eq!(got["file"].as_str(), Some(file), "{what}: file");
    assert_eq!(got["item"].as_str(), want.item, "{what}: item");
    assert!(
        title_is(&got["title"], want.title),
        "{what}: title {}",
        got["title"]
    );
    assert_eq!(got["url"].as_str(), want.url, "{what}: url");
    assert_eq!(got["date"].as_str(), Some(want.date), "{what}: date");
    assert_eq!(
        got["date_source"].as_str(),
        Some(want.date_source),
        "{what}: date source"
    );
    for claim in got["claims"].as_array().expect("claims") {
        for key in [
            "leader",
            "stance",
            "venue",
            "evidence",
            "speaker",
            "historical",
        ] {
            assert!(
                claim.get(key).is_some(),
                "{what}: claim without {key}: {claim}"
            );
        }
    }
    assert_eq!(claims_of(got), triples(want.claims), "{what}: claims");
}

/// Reads and extracts one fixture, insisting both succeed, and checks each
/// article against `wants` in file order. Returns the extract entries.
#[track_caller]
fn check_fixture(name: &str, wants: &[Want]) -> Vec<Value> {
    let ws = Workspace::new();
    let file = stage(&ws, &[name]).remove(0);
    let read = list(&ws.run(&["read", "--json", &file]).stdout);
    assert_eq!(read.len(), wants.len(), "{name}: articles read: {read:#?}");
    for (got, want) in read.iter().zip(wants) {
        check_read(got, &file, want);
    }
    let extracted = list(&ws.run(&["extract", "--json", &file]).stdout);
    assert_eq!(
        extracted.len(),
        wants.len(),
        "{name}: entries: {extracted:#?}"
    );
    for (got, want) in extracted.iter().zip(wants) {
        check_extract(got, &file, want);
    }
    extracted
}

// The news page. Its paragraphs, as the page's `<p>`s hold them.
const PAGE_CLAIM: &str = "Turkish President Recep Tayyip Erdogan said Turkey was ready to host talks between Russia and Ukraine in Istanbul.";
/// Ends without a full stop; glued to the next paragraph it would read as
/// Putin (and Erdogan) proposing Vienna.
const PAGE_QUOTE_END: &str = "The offer is not the only one in circulation. A rival plan drafted by a group of retired European diplomats, and shared with journalists this week, closes with the words \u{201c}we propose Vienna\u{201d}";
const PAGE_PUTIN: &str = "Putin told reporters on Wednesday he would study the Turkish offer and respond through the usual channels.";
const PAGE_PARAGRAPHS: [&str; 6] = [
    PAGE_CLAIM,
    "Speaking to reporters after a cabinet meeting in Ankara on Tuesday, Erdogan said both delegations could be received at short notice and that Turkish officials had already begun preparing a conference hall on the Bosphorus.",
    "Diplomats in the Turkish capital said the offer had been passed to both embassies in writing. One of them, who asked not to be named, described the tone of the exchanges as cautious but not hostile.",
    PAGE_QUOTE_END,
    PAGE_PUTIN,
    "In Kyiv, officials said they were reviewing the proposal with their partners. Analysts noted that the last face-to-face contact between the two delegations took place more than a year ago.",
];
const PAGE_RELATED: [&str; 3] = [
    "Aliyev offers Baku for Armenia peace summit",
    "Kremlin proposes Minsk for the next round",
    "Zelensky rules out talks in Moscow",
];
const PAGE_COMMENT: &str = "Putin has already said he would come to Geneva. So why Istanbul?";
const PAGE_TITLE: &str = "Erdogan offers Istanbul for a new round of Russia-Ukraine talks";
const PAGE_URL: &str =
    "https://www.meridianpost.example/world/2026/03/04/erdogan-istanbul-talks-offer";

#[test]
fn a_saved_news_page_reads_as_its_story_alone() {
    let extracted = check_fixture(
        "news-page.html",
        &[Want {
            item: None,
            title: PAGE_TITLE,
            // Published on the 4th (meta, JSON-LD and <time>); modified on
            // the 6th, which is not the article's date.
            date: "2026-03-04",
            date_source: "metadata",
            url: Some(PAGE_URL),
            paragraphs: &PAGE_PARAGRAPHS,
            sentences: &[],
            absent: &[
                // Navigation, subscription prompt, cookie banner, share bar.
                "Skip to main content",
                "Crosswords",
                "Newsletters",
                "Subscribe from",
                "We use cookies",
                "Accept all",
                "Manage preferences",
                "Share on",
                "Advertisement",
                // Related stories.
                "Related stories",
                PAGE_RELATED[0],
                PAGE_RELATED[1],
                PAGE_RELATED[2],
                // Comments.
                "Comments (2)",
                PAGE_COMMENT,
                "Another offer, another month",
                "Post comment",
                // Footer.
                "About us",
                "Privacy policy",
                "All rights reserved",
                // Script, style and JSON-LD.
                "dataLayer",
                "gtag",
                "mp_consent",
                "cookie-banner",
                "font-family",
                "@media",
                "@context",
                "NewsArticle",
            ],
            claims: &[("erdogan", "proposes", "istanbul")],
        }],
    );
    let got = claims_of(&extracted[0]);
    let not_from = [
        ("glued paragraphs", ("putin", "proposes", "vienna")),
        ("glued paragraphs", ("erdogan", "proposes", "vienna")),
        ("a related link", ("aliyev", "proposes", "baku")),
        ("a related link", ("putin", "proposes", "minsk")),
        ("a related link", ("zelensky", "rejects", "moscow")),
        ("a reader's comment", ("putin", "proposes", "geneva")),
    ];
    for (source, (l, s, v)) in not_from {
        let claim = (l.to_string(), s.to_string(), v.to_string());
        assert!(!got.contains(&claim), "{claim:?} from {source}");
    }
}

/// The traps of the news page are real: as plain text, which the reader of
/// today already handles, each gives the claim the page must not.
#[test]
fn the_news_page_traps_give_claims_when_read_as_text() {
    let ws = Workspace::new();
    let glued = format!("{PAGE_QUOTE_END} {PAGE_PUTIN}");
    let traps = [
        (glued.as_str(), ("putin", "proposes", "vienna")),
        (PAGE_RELATED[0], ("aliyev", "proposes", "baku")),
        (PAGE_RELATED[1], ("putin", "proposes", "minsk")),
        (PAGE_RELATED[2], ("zelensky", "rejects", "moscow")),
        (PAGE_COMMENT, ("putin", "proposes", "geneva")),
    ];
    for (i, (text, (l, s, v))) in traps.iter().enumerate() {
        let file = ws.dir.join(format!("trap-{i}.txt"));
        std::fs::write(&file, format!("date 2026-03-04\n\n{text}\n")).expect("write");
        let got = ws.json(&["extract", "--json", &file.display().to_string()]);
        let claim = (l.to_string(), s.to_string(), v.to_string());
        assert!(
            claims_of(&got[0]).contains(&claim),
            "{text:?} no longer gives {claim:?}: the fixture's trap needs renewing"
        );
    }
    // And the story's own paragraphs, apart, give only Erdogan's offer.
    let file = ws.dir.join("apart.txt");
    std::fs::write(
        &file,
        format!("date 2026-03-04\n\n{}\n", PAGE_PARAGRAPHS.join("\n\n")),
    )
    .expect("write");
    let got = ws.json(&["extract", "--json", &file.display().to_string()]);
    assert_eq!(
        claims_of(&got[0]),
        triples(&[("erdogan", "proposes", "istanbul")])
    );
}

#[test]
fn a_page_dated_only_by_json_ld_graph_gets_that_date() {
    check_fixture(
        "jsonld-only.html",
        &[Want {
            item: None,
            title: "Ruto offers Nairobi for regional peace talks",
            date: "2026-01-22",
            date_source: "metadata",
            url: Some(
                "https://lakesidecourier.example/news/africa/ruto-offers-nairobi-for-regional-peace-talks",
            ),
            paragraphs: &[
                "Kenyan President William Ruto offered on Thursday to host talks between the governments of Congo and Rwanda in Nairobi.",
                "Ruto said Kenya would provide security for both delegations and that the talks could open within two weeks.",
                "Regional diplomats said the offer followed a month of quiet contacts between the two capitals. Neither government has yet responded in public.",
                "The fighting in the eastern provinces has displaced tens of thousands of people since the autumn, according to aid agencies working in the region.",
            ],
            sentences: &[],
            absent: &["Weather", "Contact the newsroom", "@graph", "datePublished", "BreadcrumbList"],
            claims: &[("ruto", "proposes", "nairobi")],
        }],
    );
}

const WIRE_1: &str = "Kremlin spokesman Dmitry Peskov said on Thursday that Putin had invited Zelensky to Moscow and that the invitation still stood.";
const WIRE_2: &str = "Ukrainian President Volodymyr Zelensky said on Friday that he would not travel to Moscow for talks under any circumstances.";
const WIRE_3: &str = "Grain shipments from the port of Odesa resumed on Saturday after a two-day pause caused by a winter storm, port officials said.";

#[test]
fn an_rss_feed_is_one_article_per_item() {
    check_fixture(
        "wire.rss",
        &[
            Want {
                item: Some("nlw-20260220-0745-kremlin"),
                title: "Kremlin says Putin's invitation to Zelensky to meet in Moscow still stands",
                date: "2026-02-20",
                date_source: "metadata",
                url: Some("https://www.northlinewire.example/europe/2026/02/20/kremlin-moscow-invitation-stands"),
                paragraphs: &[
                    WIRE_1,
                    "Peskov told reporters that the Russian side was ready to discuss the agenda of such a meeting at the level of experts first.",
                    "There was no immediate comment from Kyiv.",
                ],
                sentences: &[],
                absent: &[WIRE_2, WIRE_3, "Breaking news and analysis"],
                claims: &[("putin", "proposes", "moscow")],
            },
            Want {
                item: Some("nlw-20260221-1210-zelensky"),
                title: "Zelensky rules out travelling to Moscow for talks",
                date: "2026-02-21",
                date_source: "metadata",
                url: Some("https://www.northlinewire.example/europe/2026/02/21/zelensky-rules-out-moscow"),
                paragraphs: &[
                    WIRE_2,
                    "Speaking at a news conference with visiting European ministers, Zelensky said any meeting had to be carefully prepared by negotiators.",
                    "The Kremlin did not respond to a request for comment.",
                ],
                sentences: &[],
                absent: &[WIRE_1, WIRE_3],
                claims: &[("zelensky", "rejects", "moscow")],
            },
            Want {
                item: Some("nlw-20260222-0930-grain"),
                title: "Black Sea grain shipments resume after storm",
                date: "2026-02-22",
                date_source: "metadata",
                url: Some("https://www.northlinewire.example/europe/2026/02/22/grain-shipments-resume"),
                paragraphs: &[
                    WIRE_3,
                    "Eleven vessels left the port in the first hours after the restrictions were lifted.",
                ],
                sentences: &[],
                absent: &[WIRE_1, WIRE_2],
                claims: &[],
            },
        ],
    );
}

const ATOM_1: &str = "The emir of Qatar, Sheikh Tamim bin Hamad Al Thani, offered to host the next round of talks in Doha.";
const ATOM_2: &str = "Ugandan President Yoweri Museveni offered to host the talks in Kampala.";

#[test]
fn an_atom_feed_dates_each_entry_by_its_publication_not_its_update() {
    check_fixture(
        "world.atom",
        &[
            Want {
                item: Some("tag:eastgatereview.example,2026-02-24:/world/qatar-emir-offers-doha"),
                title: "Qatar's emir offers Doha for next round of talks",
                date: "2026-02-24",
                date_source: "metadata",
                url: Some("https://eastgatereview.example/world/2026/02/24/qatar-emir-offers-doha"),
                paragraphs: &[
                    ATOM_1,
                    "Qatari officials said the offer had been made in telephone calls with both leaders on Monday evening and that logistics could be arranged within days.",
                    "Qatar has mediated prisoner exchanges between the two sides since 2024.",
                ],
                sentences: &[],
                absent: &[ATOM_2, "Eastgate Review - World"],
                claims: &[("tamim", "proposes", "doha")],
            },
            Want {
                item: Some("tag:eastgatereview.example,2026-02-26:/world/museveni-offers-kampala"),
                title: "Museveni offers Kampala as venue for regional talks",
                date: "2026-02-26",
                date_source: "metadata",
                url: Some("https://eastgatereview.example/world/2026/02/26/museveni-offers-kampala"),
                paragraphs: &[
                    ATOM_2,
                    "Museveni said the meeting should include the foreign ministers of neighbouring states, who would be invited to attend as observers.",
                    "The African Union welcomed the initiative in a short statement.",
                ],
                sentences: &[],
                absent: &[ATOM_1],
                claims: &[("museveni", "proposes", "kampala")],
            },
        ],
    );
}

const BRIEF_1: &str =
    "Pope Leo said the Vatican was ready to host a meeting between the two presidents.";
const BRIEF_2: &str = "Armenian Prime Minister Nikol Pashinyan said on Monday that signing the treaty in Baku was out of the question.";

#[test]
fn a_json_feed_reads_html_and_text_items() {
    check_fixture(
        "briefs.json",
        &[
            Want {
                item: Some("hl-brief-2026-03-01-vatican"),
                title: "Pope Leo offers the Vatican as a meeting place",
                date: "2026-03-01",
                date_source: "metadata",
                url: Some("https://briefs.harbourlane.example/2026/03/01/pope-leo-vatican-meeting-place"),
                paragraphs: &[
                    BRIEF_1,
                    "The pontiff made the remarks after the Sunday Angelus, telling pilgrims that dialogue was the only road to peace.",
                ],
                sentences: &[],
                absent: &[BRIEF_2, "Harbour Lane Morning Briefs"],
                claims: &[("pope_leo", "proposes", "vatican")],
            },
            Want {
                item: Some("hl-brief-2026-03-02-pashinyan"),
                title: "Pashinyan rules out signing in Baku",
                date: "2026-03-02",
                date_source: "metadata",
                url: Some("https://briefs.harbourlane.example/2026/03/02/pashinyan-rules-out-baku"),
                paragraphs: &[
                    BRIEF_2,
                    "Pashinyan told parliament that the text was nearly ready, but that the venue of the ceremony was still being discussed.",
                ],
                sentences: &[],
                absent: &[BRIEF_1],
                claims: &[("pashinyan", "rejects", "baku")],
            },
        ],
    );
}

const API_1: &str = "Hungarian Prime Minister Viktor Orban said on Thursday that Hungary was ready to host a summit between Trump and Putin in Budapest.";
const API_2: &str = "Belarusian President Alexander Lukashenko said on Wednesday that he was ready to host talks between Russia and Ukraine in Minsk.";
const API_2B: &str =
    "Ukrainian Foreign Minister Andrii Sybiha said Kyiv would never accept talks in Minsk.";

#[test]
fn a_news_api_export_is_one_article_per_entry() {
    // The API's content is cut short ("… [+2140 chars]"): the sentences
    // before the cut are the story, whatever the reader does with the mark.
    const ORBAN_URL: &str =
        "https://danubedaily.example/politics/2026/03/05/orban-offers-budapest-summit";
    const MINSK_URL: &str =
        "https://www.northlinewire.example/europe/2026/03/05/lukashenko-minsk-kyiv-refuses";
    check_fixture(
        "newsapi.json",
        &[
            Want {
                // No id of its own: its link is.
                item: Some(ORBAN_URL),
                title: "Orban offers Budapest for Trump-Putin summit",
                date: "2026-03-05",
                date_source: "metadata",
                url: Some(ORBAN_URL),
                paragraphs: &[],
                sentences: &[API_1],
                absent: &[API_2, "urlToImage", "totalResults"],
                claims: &[("orban", "proposes", "budapest")],
            },
            Want {
                item: Some(MINSK_URL),
                title: "Lukashenko offers Minsk again, Kyiv refuses",
                date: "2026-03-05",
                date_source: "metadata",
                url: Some(MINSK_URL),
                paragraphs: &[],
                sentences: &[API_2, API_2B],
                absent: &[API_1, "urlToImage", "totalResults"],
                claims: &[
                    ("lukashenko", "proposes", "minsk"),
                    ("zelensky", "rejects", "minsk"),
                ],
            },
        ],
    );
}

const SCRAPED_1: &str =
    "https://www.caspianledger.example/politics/2026/02/25/aliyev-ready-to-host-signing";
const SCRAPED_2: &str = "https://nileobserver.example/region/egypt-offers-cairo-ceasefire-talks";
const SCRAPED_4: &str = "https://alpenbote.example/en/2026/02/28/merz-proposes-geneva";

fn scraped() -> [Want; 3] {
    [
        Want {
            item: Some(SCRAPED_1),
            title: "Aliyev says he is ready to host treaty signing in Baku",
            date: "2026-02-25",
            date_source: "metadata",
            url: Some(SCRAPED_1),
            paragraphs: &[
                "Azerbaijani President Ilham Aliyev said on Tuesday he was ready to host the signing ceremony in Baku.",
                "Aliyev said the text of the treaty was agreed and only the date remained open.",
            ],
            sentences: &[],
            absent: &["Kremlin reacts", "Peskov"],
            claims: &[("aliyev", "proposes", "baku")],
        },
        Want {
            // The body is HTML.
            item: Some(SCRAPED_2),
            title: "Egypt offers to host ceasefire negotiations in Cairo",
            date: "2026-02-26",
            date_source: "metadata",
            url: Some(SCRAPED_2),
            paragraphs: &[
                "Egyptian President Abdel Fattah el-Sisi offered to host the negotiations in Cairo.",
                "Egyptian officials said delegations could arrive as early as next week.",
            ],
            sentences: &[],
            absent: &["Peskov"],
            claims: &[("sisi", "proposes", "cairo")],
        },
        Want {
            item: Some(SCRAPED_4),
            title: "Merz proposes Geneva as venue for talks",
            date: "2026-02-28",
            date_source: "metadata",
            url: Some(SCRAPED_4),
            paragraphs: &[
                "German Chancellor Friedrich Merz proposed Geneva as the venue for the talks.",
                "Merz said Switzerland had offered its good offices many times and that European governments would support the choice.",
            ],
            sentences: &[],
            absent: &["Peskov"],
            claims: &[("merz", "proposes", "geneva")],
        },
    ]
}

#[test]
fn a_scraper_export_keeps_its_good_lines_and_names_the_broken_one() {
    let ws = Workspace::new();
    let file = stage(&ws, &["scraper.jsonl"]).remove(0);
    let wants = scraped();
    for command in ["read", "extract"] {
        // Whether a bad line fails the command is not this test's business;
        // that it is named, and the others kept, is.
        let (code, stdout, stderr) = run(&ws, &[command, "--json", &file]);
        assert!(
            matches!(code, Some(0 | 1)),
            "{command}: exit {code:?}\n{stderr}"
        );
        assert!(
            stderr.contains("scraper.jsonl") && stderr.contains("line 3"),
            "{command}: the broken line is not named:\n{stderr}"
        );
        let entries = list(&stdout);
        assert_eq!(entries.len(), 3, "{command}: {entries:#?}");
        for (got, want) in entries.iter().zip(&wants) {
            match command {
                "read" => check_read(got, &file, want),
                _ => check_extract(got, &file, want),
            }
        }
    }
}

#[test]
fn a_forwarded_newsletter_reads_as_the_newsletter() {
    check_fixture(
        "newsletter.eml",
        &[Want {
            item: None,
            title: "The Gulf Brief for Thursday",
            date: "2026-03-05",
            date_source: "metadata",
            url: None,
            paragraphs: &[
                // Both are cut by quoted-printable soft line breaks.
                "Saudi Crown Prince Mohammed bin Salman offered to host a meeting between the two leaders in Riyadh.",
                "Saudi officials said the kingdom had informed both sides of the offer through its embassies and was waiting for a reply.",
            ],
            sentences: &[],
            absent: &[
                "Content-Type",
                "Content-Transfer-Encoding",
                "quoted-printable",
                "MIME-Version",
                "Return-Path",
                "boundary",
                "000000000000a1b2c3d4e5f60718",
                "=E2",
                "=3D",
                "=\n",
                "gmail_quote",
                "cellpadding",
            ],
            claims: &[("mbs", "proposes", "riyadh")],
        }],
    );
}

const SAME_TITLE: &str = "Stubb offers Helsinki for Russia-Ukraine talks";
const SAME_URL: &str = "https://balticherald.example/news/2026/02/11/stubb-offers-helsinki";
const SAME_PARAGRAPHS: [&str; 5] = [
    "Finnish President Alexander Stubb offered to host talks between Russia and Ukraine in Helsinki.",
    "Stubb said Finland had the experience and the facilities, and that the offer had been discussed with European partners in advance.",
    "Kremlin spokesman Dmitry Peskov dismissed the idea of a meeting in Helsinki, calling it unacceptable.",
    "Peskov said Finland\u{2019}s membership of NATO meant it could not be considered a neutral host.",
    "Officials in Kyiv said they would consider any proposal that brought a meeting closer.",
];
const SAME_CLAIMS: [(&str, &str, &str); 2] = [
    ("stubb", "proposes", "helsinki"),
    ("putin", "rejects", "helsinki"),
];

fn same_story(
    item: Option<&'static str>,
    date_source: &'static str,
    url: Option<&'static str>,
) -> Want {
    Want {
        item,
        title: SAME_TITLE,
        date: "2026-02-11",
        date_source,
        url,
        paragraphs: &SAME_PARAGRAPHS,
        sentences: &[],
        absent: &["Baltic Evening Herald", "Nordics", "classList"],
        claims: &SAME_CLAIMS,
    }
}

#[test]
fn one_story_saved_as_text_page_and_feed_reads_the_same() {
    check_fixture("same/story.txt", &[same_story(None, "date_line", None)]);
    check_fixture(
        "same/story.html",
        &[same_story(None, "metadata", Some(SAME_URL))],
    );
    check_fixture(
        "same/story.rss",
        &[same_story(Some(SAME_URL), "metadata", Some(SAME_URL))],
    );

    // Side by side in one run: the same claims, date and headline.
    let ws = Workspace::new();
    let files = stage(
        &ws,
        &["same/story.txt", "same/story.html", "same/story.rss"],
    );
    let mut args = vec!["extract", "--json"];
    args.extend(files.iter().map(String::as_str));
    let entries = list(&ws.run(&args).stdout);
    assert_eq!(entries.len(), 3, "{entries:#?}");
    for e in &entries {
        assert_eq!(claims_of(e), claims_of(&entries[0]), "{}", e["file"]);
        assert_eq!(e["date"], entries[0]["date"], "{}", e["file"]);
        assert_eq!(e["title"], entries[0]["title"], "{}", e["file"]);
    }
}

#[test]
fn a_pdf_is_rejected_by_name_and_the_file_beside_it_is_still_read() {
    let ws = Workspace::new();
    let files = stage(&ws, &["fake.pdf", "same/story.txt"]);
    for command in ["read", "extract"] {
        let (code, stdout, stderr) = run(&ws, &[command, "--json", &files[0], &files[1]]);
        assert_eq!(code, Some(1), "{command}: exit status\n{stderr}");
        assert!(
            stderr.contains("fake.pdf") && stderr.contains("PDF is not supported"),
            "{command}: {stderr}"
        );
        let entries = list(&stdout);
        assert_eq!(entries.len(), 1, "{command}: {entries:#?}");
        assert_eq!(entries[0]["file"].as_str(), Some(files[1].as_str()));
    }
}

/// The URLs a position may carry, and its article's title.
type Source = (Vec<Option<&'static str>>, &'static str);

/// A claim, its position's URLs and title.
type SourceRow = (
    (&'static str, &'static str, &'static str),
    Vec<Option<&'static str>>,
    &'static str,
);

/// The article each position must come from, by (leader, stance, venue):
/// the URLs it may carry (the same story saved three ways may set it from
/// any of them) and its title.
fn position_sources() -> BTreeMap<Triple, Source> {
    let one = |url: &'static str| vec![Some(url)];
    let rows: Vec<SourceRow> = vec![
        (("erdogan", "proposes", "istanbul"), one(PAGE_URL), PAGE_TITLE),
        (
            ("ruto", "proposes", "nairobi"),
            one("https://lakesidecourier.example/news/africa/ruto-offers-nairobi-for-regional-peace-talks"),
            "Ruto offers Nairobi for regional peace talks",
        ),
        (
            ("putin", "proposes", "moscow"),
            one("https://www.northlinewire.example/europe/2026/02/20/kremlin-moscow-invitation-stands"),
            "Kremlin says Putin's invitation to Zelensky to meet in Moscow still stands",
        ),
        (
            ("zelensky", "rejects", "moscow"),
            one("https://www.northlinewire.example/europe/2026/02/21/zelensky-rules-out-moscow"),
            "Zelensky rules out travelling to Moscow for talks",
        ),
        (
            ("tamim", "proposes", "doha"),
            one("https://eastgatereview.example/world/2026/02/24/qatar-emir-offers-doha"),
            "Qatar's emir offers Doha for next round of talks",
        ),
        (
            ("museveni", "proposes", "kampala"),
            one("https://eastgatereview.example/world/2026/02/26/museveni-offers-kampala"),
            "Museveni offers Kampala as venue for regional talks",
        ),
        (
            ("pope_leo", "proposes", "vatican"),
            one("https://briefs.harbourlane.example/2026/03/01/pope-leo-vatican-meeting-place"),
            "Pope Leo offers the Vatican as a meeting place",
        ),
        (
            ("pashinyan", "rejects", "baku"),
            one("https://briefs.harbourlane.example/2026/03/02/pashinyan-rules-out-baku"),
            "Pashinyan rules out signing in Baku",
        ),
        (
            ("orban", "proposes", "budapest"),
            one("https://danubedaily.example/politics/2026/03/05/orban-offers-budapest-summit"),
            "Orban offers Budapest for Trump-Putin summit",
        ),
        (
            ("lukashenko", "proposes", "minsk"),
            one("https://www.northlinewire.example/europe/2026/03/05/lukashenko-minsk-kyiv-refuses"),
            "Lukashenko offers Minsk again, Kyiv refuses",
        ),
        (
            ("zelensky", "rejects", "minsk"),
            one("https://www.northlinewire.example/europe/2026/03/05/lukashenko-minsk-kyiv-refuses"),
            "Lukashenko offers Minsk again, Kyiv refuses",
        ),
        (
            ("aliyev", "proposes", "baku"),
            one(SCRAPED_1),
            "Aliyev says he is ready to host treaty signing in Baku",
        ),
        (
            ("sisi", "proposes", "cairo"),
            one(SCRAPED_2),
            "Egypt offers to host ceasefire negotiations in Cairo",
        ),
        (
            ("merz", "proposes", "geneva"),
            one(SCRAPED_4),
            "Merz proposes Geneva as venue for talks",
        ),
        (
            ("mbs", "proposes", "riyadh"),
            vec![None],
            "The Gulf Brief for Thursday",
        ),
        (
            ("stubb", "proposes", "helsinki"),
            vec![None, Some(SAME_URL)],
            SAME_TITLE,
        ),
        (
            ("putin", "rejects", "helsinki"),
            vec![None, Some(SAME_URL)],
            SAME_TITLE,
        ),
    ];
    rows.into_iter()
        .map(|((l, s, v), urls, title)| {
            ((l.to_string(), s.to_string(), v.to_string()), (urls, title))
        })
        .collect()
}

#[test]
fn ingesting_every_fixture_gives_positions_with_their_articles_url_and_title() {
    let ws = Workspace::new();
    stage(&ws, &ALL);
    ws.run(&["ingest"]);

    let positions = ws.json(&["positions", "--json"]);
    let positions = positions.as_array().expect("list");
    let sources = position_sources();
    let got: BTreeSet<Triple> = positions
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().expect(k).to_string();
            (s("leader"), s("stance"), s("venue"))
        })
        .collect();
    let want: BTreeSet<Triple> = sources.keys().cloned().collect();
    assert_eq!(got, want, "positions");
    for p in positions {
        let key = (
            p["leader"].as_str().expect("leader").to_string(),
            p["stance"].as_str().expect("stance").to_string(),
            p["venue"].as_str().expect("venue").to_string(),
        );
        let (urls, title) = &sources[&key];
        assert!(
            p.get("url").is_some() && p.get("title").is_some(),
            "a position without url and title: {p}"
        );
        assert!(urls.contains(&p["url"].as_str()), "{key:?}: url of {p}");
        assert!(title_is(&p["title"], title), "{key:?}: title of {p}");
    }

    // The change log and a timeline name their articles the same way.
    let changes = ws.json(&["changes", "--json"]);
    let changes = changes.as_array().expect("list");
    assert!(!changes.is_empty());
    for c in changes {
        assert!(
            c.get("url").is_some() && c.get("title").is_some(),
            "a change without url and title: {c}"
        );
    }
    let moscow = changes
        .iter()
        .find(|c| c["leader"] == "putin" && c["venue"] == "moscow")
        .expect("Putin's Moscow change");
    assert_eq!(
        moscow["url"].as_str(),
        Some(
            "https://www.northlinewire.example/europe/2026/02/20/kremlin-moscow-invitation-stands"
        )
    );
    let timeline = ws.json(&["timeline", "putin", "--json"]);
    let steps = timeline.as_array().expect("list");
    assert!(!steps.is_empty());
    for step in steps {
        assert!(
            step.get("url").is_some() && step.get("title").is_some(),
            "a step without url and title: {step}"
        );
    }
    let step = steps
        .iter()
        .find(|s| {
            s["claims"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["venue"] == "moscow"))
        })
        .expect("the Moscow step");
    assert!(title_is(
        &step["title"],
        "Kremlin says Putin's invitation to Zelensky to meet in Moscow still stands"
    ));

    // The PDF is rejected, and says why.
    let status = ws.json(&["status", "--json"]);
    let rejected = status["rejected"].as_array().expect("rejected");
    assert!(
        rejected.iter().any(|r| {
            r["path"].as_str().is_some_and(|p| p.ends_with("fake.pdf"))
                && r["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("PDF is not supported"))
        }),
        "{rejected:#?}"
    );
}

// A feed as it changes between fetches.

/// An RSS item of the feed the update test rewrites.
fn item(guid: &str, pub_date: &str, title: &str, paragraphs: &[&str]) -> String {
    let content: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<item><title>{title}</title>\
         <link>https://www.northlinewire.example/europe/{guid}</link>\
         <guid isPermaLink=\"false\">{guid}</guid>\
         <pubDate>{pub_date}</pubDate>\
         <content:encoded><![CDATA[{content}]]></content:encoded></item>\n"
    )
}

fn feed(items: &[&str]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n\
         <channel><title>Northline Wire - Europe</title>\
         <link>https://www.northlinewire.example/europe</link>\
         <description>Europe desk</description>\n{}</channel></rss>\n",
        items.concat()
    )
}

fn position_triples(ws: &Workspace) -> BTreeSet<Triple> {
    ws.json(&["positions", "--json"])
        .as_array()
        .expect("list")
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().expect(k).to_string();
            (s("leader"), s("stance"), s("venue"))
        })
        .collect()
}

#[test]
fn a_feed_that_grows_corrects_and_drops_items_is_followed_item_by_item() {
    let ws = Workspace::new();
    let path = ws.dir.join("wire.rss");
    let kremlin = item(
        "kremlin",
        "Fri, 20 Feb 2026 07:45:00 +0000",
        "Kremlin says the invitation stands",
        &[WIRE_1, "There was no immediate comment from Kyiv."],
    );
    let zelensky = item(
        "zelensky",
        "Sat, 21 Feb 2026 12:10:00 +0000",
        "Zelensky rules out travelling to Moscow for talks",
        &[WIRE_2],
    );
    let doha = item(
        "doha",
        "Sun, 22 Feb 2026 09:30:00 +0000",
        "Qatar's emir offers Doha for next round of talks",
        &[ATOM_1],
    );
    let t = |l: &str, s: &str, v: &str| (l.to_string(), s.to_string(), v.to_string());

    std::fs::write(&path, feed(&[&kremlin, &zelensky])).expect("write");
    ws.run(&["ingest"]);
    assert_eq!(ws.counts().0, 2, "two items, two articles");
    let putin_moscow = t("putin", "proposes", "moscow");
    let zelensky_moscow = t("zelensky", "rejects", "moscow");
    assert_eq!(
        position_triples(&ws),
        BTreeSet::from([putin_moscow.clone(), zelensky_moscow.clone()])
    );

    // The next fetch: one new item on top, the old ones as they were.
    std::fs::write(&path, feed(&[&doha, &kremlin, &zelensky])).expect("write");
    ws.run(&["ingest"]);
    assert_eq!(ws.counts().0, 3, "only the new item is a new article");
    assert!(position_triples(&ws).contains(&t("tamim", "proposes", "doha")));

    // The Kremlin item is corrected in place: same id, new content. Its old
    // claim goes.
    let corrected = item(
        "kremlin",
        "Fri, 20 Feb 2026 07:45:00 +0000",
        "Kremlin says the invitation stands",
        &["Kremlin spokesman Dmitry Peskov said on Thursday that Putin had invited Zelensky to Minsk and that the invitation still stood."],
    );
    std::fs::write(&path, feed(&[&doha, &corrected, &zelensky])).expect("write");
    ws.run(&["ingest"]);
    let after = position_triples(&ws);
    assert!(
        !after.contains(&putin_moscow),
        "the corrected claim stays: {after:?}"
    );
    assert!(
        after.contains(&t("putin", "proposes", "minsk")),
        "{after:?}"
    );

    // The Zelensky item rolls off the feed: that retracts nothing.
    std::fs::write(&path, feed(&[&doha, &corrected])).expect("write");
    ws.run(&["ingest"]);
    let after = position_triples(&ws);
    assert!(
        after.contains(&zelensky_moscow),
        "an item gone from a feed was retracted: {after:?}"
    );
    assert!(after.contains(&t("tamim", "proposes", "doha")));
}

// Hostile inputs.

/// Files no reader may crash or stall on, by name.
fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let page = std::fs::read(fixtures().join("news-page.html")).expect("news page");
    // Cut inside the article, mid-paragraph, every tag around it open.
    let cut = page
        .windows(12)
        .position(|w| w == b"A rival plan".as_slice())
        .expect("the page's fourth paragraph")
        + 20;
    let truncated = page[..cut].to_vec();

    // Billion laughs: ten entities of ten, nine deep.
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        bomb.push_str(&format!("<!ENTITY lol{i} \"{prev}\">\n"));
    }
    bomb.push_str(
        "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><link>https://bomb.example/</link>\
         <description>&lol9;</description><item><guid>bomb-1</guid><title>&lol9;</title>\
         <description>&lol9;</description></item></channel></rss>\n",
    );

    // A hundred thousand small items, under the 10 MiB size limit.
    let mut many = String::from(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Many</title>\
         <link>https://many.example/</link><description>d</description>\n",
    );
    for i in 0..100_000 {
        many.push_str(&format!(
            "<item><guid>m{i}</guid><title>T{i}</title><description>x</description></item>\n"
        ));
    }
    many.push_str("</channel></rss>\n");

    // JSON nested 10,000 deep, arrays and objects in turn.
    let deep_json = format!(
        "{}\"Putin said so.\"{}",
        "[{\"body\":".repeat(5_000),
        "}]".repeat(5_000)
    );

    // 100,000 nested <div>s around a paragraph.
    let deep_html = format!(
        "<!DOCTYPE html><html><head><title>Deep</title></head><body>{}<p>{PAGE_CLAIM}</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );

    vec![
        ("truncated.html", truncated),
        ("bomb.rss", bomb.into_bytes()),
        ("many.rss", many.into_bytes()),
        ("deep.json", deep_json.into_bytes()),
        ("deep.html", deep_html.into_bytes()),
    ]
}

/// Runs `venuewatch ARGS` with its output into files, polling until it
/// exits; fails the test if it runs past `deadline`.
fn run_within(ws: &Workspace, args: &[&str], deadline: Duration) -> (ExitStatus, Vec<u8>, String) {
    let root = ws.dir.parent().expect("workspace root");
    let out_path = root.join("stdout");
    let err_path = root.join("stderr");
    let mut child = ws
        .cmd(args)
        .stdout(Stdio::from(
            std::fs::File::create(&out_path).expect("stdout file"),
        ))
        .stderr(Stdio::from(
            std::fs::File::create(&err_path).expect("stderr file"),
        ))
        .spawn()
        .expect("spawn venuewatch");
    let status = poll(deadline, || child.try_wait().expect("wait"));
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("venuewatch {args:?} still running after {deadline:?}");
    };
    let stdout = std::fs::read(&out_path).expect("stdout");
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).expect("stderr")).into_owned();
    (status, stdout, stderr)
}

/// Exited by itself, with success or a rejection, not a panic or a signal.
#[track_caller]
fn assert_no_crash(what: &str, status: ExitStatus, stderr: &str) {
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "{what}: {status}\n{}",
        &stderr[..stderr.len().min(4000)]
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[test]
fn hostile_files_are_read_in_bounded_time_beside_a_good_one() {
    let ws = Workspace::new();
    let good = stage(&ws, &["same/story.txt"]).remove(0);
    for (name, bytes) in hostile() {
        let path = ws.dir.join(name);
        std::fs::write(&path, &bytes).expect("write");
        let path = path.display().to_string();
        let (status, stdout, stderr) = run_within(&ws, &["read", "--json", &path, &good], DEADLINE);
        assert_no_crash(name, status, &stderr);
        let entries = list(&stdout);
        let last = entries.last().expect("at least the good file");
        assert_eq!(
            last["file"].as_str(),
            Some(good.as_str()),
            "{name}: the good file"
        );
        let from_hostile = entries
            .iter()
            .filter(|e| e["file"] == path.as_str())
            .count();
        match name {
            // Each item an article, none lost.
            "many.rss" => assert_eq!(from_hostile, 100_000, "{name}"),
            // Entities are not expanded into gigabytes.
            "bomb.rss" => assert!(stdout.len() < 1 << 20, "{name}: {} bytes", stdout.len()),
            _ => {}
        }
        if status.code() == Some(1) {
            assert!(
                stderr.contains(name),
                "{name}: rejected without naming it:\n{stderr}"
            );
        }
        std::fs::remove_file(ws.dir.join(name)).expect("remove");
    }
}

#[test]
fn ingest_goes_on_past_hostile_files() {
    let ws = Workspace::new();
    stage(&ws, &["same/story.txt"]);
    for (name, bytes) in hostile() {
        std::fs::write(ws.dir.join(name), bytes).expect("write");
    }
    // A hundred thousand items are a hundred thousand articles to store:
    // more time than one read, still bounded.
    let (status, _, stderr) = run_within(&ws, &["ingest"], DEADLINE * 6);
    assert!(
        status.success(),
        "{status}\n{}",
        &stderr[..stderr.len().min(4000)]
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let positions = position_triples(&ws);
    for (l, s, v) in SAME_CLAIMS {
        let claim = (l.to_string(), s.to_string(), v.to_string());
        assert!(
            positions.contains(&claim),
            "{claim:?} from the good file: {positions:?}"
        );
    }
}
