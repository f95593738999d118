//! A deterministic generator of news-like articles for benchmarks, shared by
//! `examples/gen_corpus.rs` and `benches/extract.rs`.
//!
//! Every sentence template here is written for the benchmark (none is taken
//! from `seeds/` or the evaluation set). Articles are recombined from
//! attributed proposals and rejections, events, analyst paragraphs and
//! filler, dated across 2019-2026 in varied header formats; a few are
//! undated, a few are Windows-1252 and a few are binary.
//!
//! No `rand` crate: a SplitMix64 stream seeded from (seed, index), so article
//! `i` is the same whatever `n` is and however the work is split over threads.
//!
//! The same stories can be saved as the other formats of issue 13 ([`page`],
//! [`feed`], [`mixed`]): a news site's saved page, RSS items, a JSON export
//! object, an email newsletter.

/// SplitMix64: small, fast, good enough for picking templates.
pub struct Rng(u64);

impl Rng {
    /// The stream for article `index` of corpus `seed`.
    pub fn for_article(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A leader as the press names them.
struct Leader {
    full: &'static str,
    short: &'static str,
    title: &'static str,
    /// (name, role) of people who speak for them.
    officials: &'static [(&'static str, &'static str)],
    /// Who "the X capital" would be.
    home: &'static str,
}

const LEADERS: &[Leader] = &[
    Leader {
        full: "Vladimir Putin",
        short: "Putin",
        title: "Russian President",
        officials: &[
            ("Dmitry Peskov", "Kremlin spokesman"),
            ("Yuri Ushakov", "Kremlin foreign policy aide"),
            ("Sergei Lavrov", "Foreign Minister"),
            ("Maria Zakharova", "Foreign Ministry spokeswoman"),
        ],
        home: "Moscow",
    },
    Leader {
        full: "Volodymyr Zelensky",
        short: "Zelensky",
        title: "Ukrainian President",
        officials: &[
            ("Andrii Sybiha", "Foreign Minister"),
            ("Andriy Yermak", "presidential chief of staff"),
            ("Rustem Umerov", "chief negotiator"),
            ("Mykhailo Podolyak", "presidential adviser"),
        ],
        home: "Kyiv",
    },
    Leader {
        full: "Donald Trump",
        short: "Trump",
        title: "US President",
        officials: &[
            ("Marco Rubio", "Secretary of State"),
            ("Steve Witkoff", "special envoy"),
            ("Karoline Leavitt", "White House press secretary"),
        ],
        home: "Washington",
    },
    Leader {
        full: "Recep Tayyip Erdogan",
        short: "Erdogan",
        title: "Turkish President",
        officials: &[("Hakan Fidan", "Foreign Minister")],
        home: "Ankara",
    },
    Leader {
        full: "Alexander Lukashenko",
        short: "Lukashenko",
        title: "Belarusian President",
        officials: &[("Maxim Ryzhenkov", "Foreign Minister")],
        home: "Minsk",
    },
    Leader {
        full: "Viktor Orban",
        short: "Orban",
        title: "Hungarian Prime Minister",
        officials: &[("Peter Szijjarto", "Foreign Minister")],
        home: "Budapest",
    },
    Leader {
        full: "Emmanuel Macron",
        short: "Macron",
        title: "French President",
        officials: &[],
        home: "Paris",
    },
    Leader {
        full: "Xi Jinping",
        short: "Xi",
        title: "Chinese President",
        officials: &[("Wang Yi", "Foreign Minister")],
        home: "Beijing",
    },
    Leader {
        full: "Mohammed bin Salman",
        short: "bin Salman",
        title: "Saudi Crown Prince",
        officials: &[],
        home: "Riyadh",
    },
    Leader {
        full: "Alexander Stubb",
        short: "Stubb",
        title: "Finnish President",
        officials: &[],
        home: "Helsinki",
    },
    Leader {
        full: "Giorgia Meloni",
        short: "Meloni",
        title: "Italian Prime Minister",
        officials: &[("Antonio Tajani", "Foreign Minister")],
        home: "Rome",
    },
    Leader {
        full: "Keir Starmer",
        short: "Starmer",
        title: "British Prime Minister",
        officials: &[],
        home: "London",
    },
    Leader {
        full: "Friedrich Merz",
        short: "Merz",
        title: "German Chancellor",
        officials: &[],
        home: "Berlin",
    },
    Leader {
        full: "Tamim bin Hamad Al Thani",
        short: "Sheikh Tamim",
        title: "Emir of Qatar",
        officials: &[],
        home: "Doha",
    },
];

/// Venues as the press names them, weighted by repetition.
const VENUES: &[&str] = &[
    "Moscow",
    "Moscow",
    "Kyiv",
    "Kyiv",
    "Istanbul",
    "Istanbul",
    "Geneva",
    "Geneva",
    "Riyadh",
    "Abu Dhabi",
    "Budapest",
    "Minsk",
    "Vienna",
    "Helsinki",
    "the Vatican",
    "Doha",
    "Ankara",
    "Switzerland",
    "Turkey",
    "Saudi Arabia",
    "Alaska",
    "Washington",
    "Beijing",
    "Jeddah",
    "Oslo",
    "a neutral country",
    "a third country",
];

const ANALYSTS: &[&str] = &[
    "Miriam Okafor",
    "Tomas Reinholt",
    "Ilse van Dorsten",
    "Jonah Pereira-Quist",
    "Halina Wrobel",
    "Dev Anand Iyer",
    "Clemence Audry",
    "Ruairi Fenwick",
];

const INSTITUTES: &[&str] = &[
    "the Baltic Policy Forum",
    "the Centre for Mediation Studies",
    "the Northgate Institute",
    "the Danube Security Dialogue",
    "the Atlantic-Pacific Research Group",
    "the Meridian Foundation",
];

const REPORTERS: &[&str] = &[
    "Lena Marsh",
    "Oskar Velde",
    "Priya Holm",
    "Sam Adeyemi",
    "Nora Castel",
    "Felix Drummond",
];

const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const OUTLETS: &[&str] = &[
    "Eastern Desk",
    "The Continental Wire",
    "Morning Ledger",
    "Global Brief",
    "Harbour Post",
];

/// A way to name whoever speaks for `leader`.
fn speaker(rng: &mut Rng, leader: &Leader) -> String {
    match rng.below(10) {
        0..=2 => leader.full.to_string(),
        3..=4 => leader.short.to_string(),
        5..=6 => format!("{} {}", leader.title, leader.short),
        7 => format!("the {}", leader.title),
        _ => match leader.officials.len() {
            0 => leader.full.to_string(),
            n => {
                let (name, role) = leader.officials[rng.below(n)];
                format!("{role} {name}")
            }
        },
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A sentence stating a venue position.
fn position_sentence(rng: &mut Rng) -> String {
    let a = rng.pick(LEADERS);
    let mut b = rng.pick(LEADERS);
    if std::ptr::eq(a, b) {
        b = &LEADERS[(rng.below(LEADERS.len() - 1) + 1) % LEADERS.len()];
    }
    let s = speaker(rng, a);
    let v = *rng.pick(VENUES);
    let mut v2 = *rng.pick(VENUES);
    while v2 == v {
        v2 = *rng.pick(VENUES);
    }
    let o = if rng.percent(50) { b.short } else { b.full };
    let day = *rng.pick(WEEKDAYS);
    let text = match rng.below(22) {
        0 => format!("{s} said {o} should come to {v} if he was serious about a settlement."),
        1 => format!("\u{201c}Let him come to {v},\u{201d} {s} said, adding that his safety would be guaranteed."),
        2 => format!("{s} told reporters on {day} that {v} was ready to host a meeting between the two delegations."),
        3 => format!("{s} invited {o} to {v} for direct talks, according to a readout of the call."),
        4 => format!("{s} proposed {v} as the venue for the next round, two officials familiar with the plan said."),
        5 => format!("{s} ruled out travelling to {v}, describing the offer as a publicity stunt."),
        6 => format!("A summit in {v} is unacceptable, {s} said on {day}."),
        7 => format!("{s} rejected the idea of negotiations in {v} and said {v2} would be more appropriate."),
        8 => format!("{v} ruled out hosting the talks, {s} said, citing security concerns."),
        9 => format!("{s} said he would never go to {v} while attacks on civilian infrastructure continued."),
        10 => format!("{s} said it was impossible to meet {o} in {v} under the current conditions."),
        11 => format!("Asked about {v}, {s} said the location mattered less than the substance of any agreement."),
        12 => format!("{s} said {v2} remained the preferred option, but that {v} had not been excluded."),
        13 => format!("{s} suggested the leaders could meet in {v} \u{201c}as early as next month\u{201d}."),
        14 => format!("{s} stated that {v} is ready to host talks at any level."),
        15 => format!("{s} added that {o} was welcome in {v} at any time."),
        16 => format!("{s} says {v} has offered to host, and that the offer is being studied."),
        17 => format!("{s} said a meeting with {o} in {v} was not on the agenda."),
        18 => format!("{s} invited the negotiators to {v} but stopped short of setting a date."),
        19 => format!("Neither {v} nor {v2} is acceptable, {s} told a news conference in {}.", a.home),
        20 => format!("{s} said talks could take place in {v} once a ceasefire was in place."),
        _ => format!("{s} has repeatedly rejected {v} as a venue, people close to the talks said."),
    };
    capitalise(&text)
}

/// A sentence about something that happened.
fn event_sentence(rng: &mut Rng) -> String {
    let v = *rng.pick(VENUES);
    let day = *rng.pick(WEEKDAYS);
    let n = rng.range(2, 14);
    let l = rng.pick(LEADERS);
    let text = match rng.below(12) {
        0 => format!("Delegations met in {v} on {day} for {n} hours of talks that ended without a joint statement."),
        1 => format!("The two foreign ministers arrived in {v} late on {day} under heavy security."),
        2 => format!("Air-raid alerts sounded across {} overnight, local officials said.", l.home),
        3 => format!("An exchange of {n}0 prisoners took place on {day} with mediation from {v}."),
        4 => format!("{} spoke by phone with {} for about {n}0 minutes, the offices of both men said.", l.full, rng.pick(LEADERS).full),
        5 => format!("Officials from {n} countries gathered in {v} to discuss grain shipments and energy security."),
        6 => format!("The {} visited {v} on {day}, his first trip abroad in {n} weeks.", l.title),
        7 => format!("A draft framework of {n} points circulated among diplomats in {v} this week."),
        8 => format!("Technical teams are expected to reconvene in {v} after a pause of {n} days."),
        9 => format!("Security was tightened around government buildings in {} ahead of the visit.", l.home),
        10 => format!("Satellite images showed new fortifications along a {n}0-kilometre stretch of the front."),
        _ => format!("A spokesperson for the host government in {v} declined to confirm the schedule."),
    };
    capitalise(&text)
}

/// An analyst's paragraph.
fn analyst_paragraph(rng: &mut Rng) -> String {
    let a = *rng.pick(ANALYSTS);
    let i = *rng.pick(INSTITUTES);
    let v = *rng.pick(VENUES);
    let first = match rng.below(6) {
        0 => format!("\u{201c}Where the leaders sit down is itself part of the bargaining,\u{201d} said {a}, a senior fellow at {i}."),
        1 => format!("{a} of {i} said neither side wanted to be seen conceding on location before the substance was agreed."),
        2 => format!("According to {a}, who studies mediation at {i}, a venue such as {v} signals which partner is trusted to guarantee the result."),
        3 => format!("\u{201c}Every proposal about geography is also a message to a domestic audience,\u{201d} {a} of {i} wrote in a note to clients."),
        4 => format!("Analysts at {i} cautioned that logistics alone could take weeks to settle."),
        _ => format!("{a}, a former diplomat now at {i}, said the choice narrowed to places both delegations could reach without a visa dispute."),
    };
    let second = match rng.below(5) {
        0 => "Past rounds, she noted, collapsed over sequencing rather than over the map.".to_string(),
        1 => format!("A meeting in {v} would carry symbolic weight, but symbols do not end wars."),
        2 => "The history of such talks suggests that agreement on a venue often comes last, not first.".to_string(),
        3 => "Much will depend on whether a ceasefire holds long enough for preparations.".to_string(),
        _ => format!("Hosting would give {v} leverage it has long sought, the analyst added."),
    };
    format!("{first} {second}")
}

/// A sentence with no leader and no venue.
fn filler_sentence(rng: &mut Rng) -> String {
    let n = rng.range(1, 9);
    let r = *rng.pick(REPORTERS);
    match rng.below(12) {
        0 => format!("Markets reacted calmly, with the main index up {n}.{} percent by midday.", rng.below(10)),
        1 => "European gas prices eased slightly after the announcement.".to_string(),
        2 => "The ministry did not immediately respond to a request for comment.".to_string(),
        3 => format!("Reporting by {r}; editing by {}.", rng.pick(REPORTERS)),
        4 => "Temperatures across the region are forecast to drop well below freezing this week.".to_string(),
        5 => format!("The agency has been unable to verify battlefield claims independently since {} of last year.", rng.pick(MONTHS)),
        6 => "Aid groups warned that winter would strain already damaged power networks.".to_string(),
        7 => format!("The currency weakened by {n} percent against the dollar over the month."),
        8 => "Opinion polls suggest public support for negotiations has grown steadily.".to_string(),
        9 => "Further details were not disclosed.".to_string(),
        10 => format!("Parliament is due to debate the budget in {} weeks.", n + 1),
        _ => "Shipping insurers said premiums for the route remained elevated.".to_string(),
    }
}

/// Background about the conflict and diplomacy: leaders, no venue cues.
fn background_sentence(rng: &mut Rng) -> String {
    let l = rng.pick(LEADERS);
    let m = *rng.pick(MONTHS);
    let n = rng.range(2, 9);
    match rng.below(8) {
        0 => format!("{} has framed the talks as a test of whether the other side is prepared to make concessions at all.", l.full),
        1 => format!("The previous round of contacts, in {m}, produced an agreement on humanitarian corridors but little else."),
        2 => format!("Since then, {} has reshuffled the team responsible for the file and replaced {n} senior officials.", l.short),
        3 => "Both governments have said publicly that any settlement must be ratified by their parliaments.".to_string(),
        4 => format!("Aides to {} describe the coming weeks as decisive, while cautioning against expectations of a breakthrough.", l.short),
        5 => format!("The sanctions package adopted in {m} remains in force and is reviewed every {n} months."),
        6 => "Observers note that public statements often diverge from what negotiators discuss in private.".to_string(),
        _ => format!("Officials close to the {} said the schedule was still being worked out.", l.title),
    }
}

fn paragraph(rng: &mut Rng) -> String {
    match rng.below(100) {
        0..=21 => {
            let k = rng.range(2, 4);
            (0..k)
                .map(|j| {
                    if j == 0 || rng.percent(40) {
                        position_sentence(rng)
                    } else {
                        event_sentence(rng)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
        22..=41 => {
            let k = rng.range(2, 4);
            (0..k)
                .map(|_| event_sentence(rng))
                .collect::<Vec<_>>()
                .join(" ")
        }
        42..=63 => {
            let k = rng.range(2, 4);
            (0..k)
                .map(|_| background_sentence(rng))
                .collect::<Vec<_>>()
                .join(" ")
        }
        64..=77 => analyst_paragraph(rng),
        _ => {
            let k = rng.range(1, 3);
            (0..k)
                .map(|_| filler_sentence(rng))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

fn headline(rng: &mut Rng) -> String {
    let l = rng.pick(LEADERS);
    let v = *rng.pick(VENUES);
    match rng.below(6) {
        0 => format!(
            "{} Floats {} as Venue for Peace Talks",
            l.short,
            capitalise(v)
        ),
        1 => format!("{} Rejects {} Meeting Offer", l.short, capitalise(v)),
        2 => "Talks Stall as Venue Dispute Drags On".to_string(),
        3 => format!("{} Says Door Open to Summit in {}", l.short, capitalise(v)),
        4 => format!("Diplomats Weigh {} for Next Round", capitalise(v)),
        _ => "What We Know About the Latest Push for Talks".to_string(),
    }
}

/// A civil date in 2019..=2026.
fn date(rng: &mut Rng) -> (i32, usize, usize) {
    (
        2019 + rng.below(8) as i32,
        rng.range(1, 12),
        rng.range(1, 28),
    )
}

/// What kind of file article `index` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Utf8,
    /// Windows-1252 text (not valid UTF-8).
    Cp1252,
    /// Binary junk with NUL bytes.
    Binary,
}

/// What a text article says, before it is saved in any format: the text
/// file as `article` writes it, and its parts for the other formats.
pub struct Story {
    /// `Utf8` or `Cp1252` (a binary article has no story).
    pub kind: Kind,
    /// The headline.
    pub title: String,
    /// The date the text states (`None`: undated).
    pub date: Option<(i32, usize, usize)>,
    /// The outlet that published it.
    pub outlet: &'static str,
    /// The body's paragraphs, without the header and the share line.
    pub paragraphs: Vec<String>,
    /// The whole text file (before any Windows-1252 encoding).
    pub text: String,
}

enum Composed {
    Binary(Vec<u8>),
    Text(Story),
}

/// Article `index` of corpus `seed`: its bytes and kind.
pub fn article(seed: u64, index: u64) -> (Vec<u8>, Kind) {
    match compose(seed, index) {
        Composed::Binary(bytes) => (bytes, Kind::Binary),
        Composed::Text(story) if story.kind == Kind::Cp1252 => (cp1252(&story.text), Kind::Cp1252),
        Composed::Text(story) => (story.text.into_bytes(), story.kind),
    }
}

/// The story of article `index`, `None` when that article is binary.
pub fn story(seed: u64, index: u64) -> Option<Story> {
    match compose(seed, index) {
        Composed::Binary(_) => None,
        Composed::Text(story) => Some(story),
    }
}

fn compose(seed: u64, index: u64) -> Composed {
    let mut rng = Rng::for_article(seed, index);
    let kind = match rng.below(1000) {
        0..=4 => Kind::Binary,
        5..=14 => Kind::Cp1252,
        _ => Kind::Utf8,
    };
    let target = rng.range(2048, 6144);
    if kind == Kind::Binary {
        let mut bytes = Vec::with_capacity(target);
        bytes.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        while bytes.len() < target {
            bytes.extend_from_slice(&rng.next().to_le_bytes());
        }
        bytes.truncate(target);
        return Composed::Binary(bytes);
    }

    let (y, m, d) = date(&mut rng);
    let mut title = headline(&mut rng);
    let outlet = *rng.pick(OUTLETS);
    let mut text = String::with_capacity(target + 512);
    let mut dated = true;
    // Where the body starts: after the header, but before a wire dateline,
    // which opens the first paragraph.
    let mut body_start = 0;
    match rng.below(100) {
        // A `date` line that also carries the headline.
        0..=24 => text += &format!("date {y:04}-{m:02}-{d:02} {title}\n\n"),
        // Headline, then "March 3, 2025, Monday".
        25..=44 => {
            text += &format!(
                "{title}\n\n{} {d}, {y}, {}\n",
                MONTHS[m - 1],
                rng.pick(WEEKDAYS)
            )
        }
        // Headline, by-line, then "3 March 2025".
        45..=59 => {
            text += &format!(
                "{title}\nBy {} | {outlet}\n{d} {} {y}\n\n",
                rng.pick(REPORTERS),
                MONTHS[m - 1]
            )
        }
        // ISO timestamp.
        60..=74 => {
            text += &format!(
                "{title}\n{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z\n\n",
                rng.below(24),
                rng.below(60)
            )
        }
        // "Published" header.
        75..=84 => text += &format!("{outlet}\n{title}\nPublished: {y:04}-{m:02}-{d:02}\n\n"),
        // Wire dateline in the first paragraph.
        85..=91 => {
            let place: &&str = rng.pick(VENUES);
            let place = capitalise(place).to_uppercase();
            let mon = MONTHS[m - 1].get(..3).unwrap_or("Jan");
            text += &format!("{title}\n\n");
            body_start = text.len();
            text += &format!("{place} ({outlet}) {mon} {d} - ")
        }
        // Undated.
        _ => {
            dated = false;
            text += &format!("{title}\n\n")
        }
    }
    if body_start == 0 {
        body_start = text.len();
    }
    loop {
        let p = paragraph(&mut rng);
        if text.len() + p.len() + 2 > target && text.len() >= 2048 {
            break;
        }
        text += &p;
        text += "\n\n";
        if text.len() >= target {
            break;
        }
    }
    // Keep to 6 KB even when a long paragraph overshot.
    if text.len() > 6000 {
        let mut cut = 6000;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text += "\n";
    }
    let mut paragraphs: Vec<String> = text
        .get(body_start..)
        .unwrap_or_default()
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if rng.percent(20) {
        text += "Share this article: Facebook | X | Email\n";
    }
    if kind == Kind::Cp1252 {
        // Accents that only Windows-1252 can carry in this file.
        text = text.replacen("Erdogan", "Erdo\u{e9}gan", 1);
        text.insert_str(0, "Caf\u{e9} diplomacy \u{2013} ");
        // The same first mention in the parts.
        if title.contains("Erdogan") {
            title = title.replacen("Erdogan", "Erdo\u{e9}gan", 1);
        } else if let Some(p) = paragraphs.iter_mut().find(|p| p.contains("Erdogan")) {
            *p = p.replacen("Erdogan", "Erdo\u{e9}gan", 1);
        }
        title.insert_str(0, "Caf\u{e9} diplomacy \u{2013} ");
    }
    Composed::Text(Story {
        kind,
        title,
        date: dated.then_some((y, m, d)),
        outlet,
        paragraphs,
        text,
    })
}

/// Encodes `text` as Windows-1252 (characters it lacks become `?`).
fn cp1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            c if (c as u32) < 0x80 => c as u8,
            c if (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

/// The file name of article `index`.
pub fn file_name(seed: u64, index: u64) -> String {
    let mut rng = Rng::for_article(seed ^ 0x5EED, index);
    format!("{index:06}_{:016x}.txt", rng.next())
}

// ---------------------------------------------------------------------------
// The same stories saved as web pages, feed items, JSON exports and email.
//
// The furniture (navigation, comments, related links, ...) comes from a
// stream of its own, so the story of article `i` is the same in every
// format, and so is its count: one story per file, except a feed.

/// The format a file of the mixed corpus is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The text file `article` writes (also every binary or Windows-1252
    /// article of the mixed corpus).
    Text,
    /// A saved news page.
    Html,
    /// An RSS feed holding the one story as its item.
    Rss,
    /// A JSON export object.
    Json,
    /// An email newsletter.
    Email,
}

impl Format {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Html => "html",
            Format::Rss => "rss",
            Format::Json => "json",
            Format::Email => "eml",
        }
    }
}

/// Article `index` of the mixed corpus (`gen_corpus --mix`): its bytes,
/// kind and format. UTF-8 stories are pages for `index % 10` in {1, 2}, an
/// RSS feed for 3, a JSON export for 4, an email for 5, text otherwise;
/// binary and Windows-1252 articles stay as `article` writes them.
pub fn mixed(seed: u64, index: u64) -> (Vec<u8>, Kind, Format) {
    let format = match index % 10 {
        1 | 2 => Format::Html,
        3 => Format::Rss,
        4 => Format::Json,
        5 => Format::Email,
        _ => Format::Text,
    };
    match compose(seed, index) {
        Composed::Text(story) if story.kind == Kind::Utf8 && format != Format::Text => {
            let bytes = match format {
                Format::Html => page_of(seed, index, &story),
                Format::Rss => feed_of(seed, &[(index, story)]),
                Format::Json => json_of(index, &story),
                _ => email_of(seed, index, &story),
            };
            (bytes, Kind::Utf8, format)
        }
        _ => {
            let (bytes, kind) = article(seed, index);
            (bytes, kind, Format::Text)
        }
    }
}

/// The file name of article `index` saved in `format`.
pub fn file_name_as(seed: u64, index: u64, format: Format) -> String {
    let name = file_name(seed, index);
    let stem = name.strip_suffix(".txt").unwrap_or(&name);
    format!("{stem}.{}", format.extension())
}

/// Article `index` as a saved news page (30-80 KiB), `None` when the
/// article is binary. A Windows-1252 story is a page in that charset.
pub fn page(seed: u64, index: u64) -> Option<Vec<u8>> {
    story(seed, index).map(|story| page_of(seed, index, &story))
}

/// An RSS 2.0 feed of the stories of `indices` (binary articles are left
/// out), and how many items it holds.
pub fn feed(seed: u64, indices: impl IntoIterator<Item = u64>) -> (Vec<u8>, usize) {
    let stories: Vec<(u64, Story)> = indices
        .into_iter()
        .filter_map(|i| story(seed, i).map(|s| (i, s)))
        .collect();
    (feed_of(seed, &stories), stories.len())
}

/// Escapes text for HTML and XML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most the first `n` bytes of `s`, cut at a character boundary.
fn prefix(s: &str, n: usize) -> &str {
    let mut cut = n.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// `www.eastern-desk.example`: outlets live under the reserved `.example`.
fn host(outlet: &str) -> String {
    let slug = slug(outlet.trim_start_matches("The "));
    format!("www.{slug}.example")
}

/// Lower-case words joined by `-`, at most eight of them.
fn slug(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// The story's address.
fn story_url(index: u64, story: &Story) -> String {
    let (y, m, d) = story.date.unwrap_or((2024, 1, 1));
    format!(
        "https://{}/world/{y:04}/{m:02}/{d:02}/{}-{index}",
        host(story.outlet),
        slug(&story.title)
    )
}

/// The time of day stories are stamped with (hour, minute).
fn clock(seed: u64, index: u64) -> (u64, u64) {
    let mut rng = Rng::for_article(seed ^ 0xC10C, index);
    (rng.below(24) as u64, rng.below(60) as u64)
}

/// `2025-03-04T09:12:00+00:00`.
fn iso(story: &Story, (h, mi): (u64, u64)) -> Option<String> {
    story
        .date
        .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00+00:00"))
}

/// `Tue, 04 Mar 2025 09:12:00 +0000`.
fn rfc2822(story: &Story, (h, mi): (u64, u64)) -> Option<String> {
    let (y, m, d) = story.date?;
    let weekday = jiff::civil::Date::new(y as i16, m as i8, d as i8)
        .map(|date| date.weekday().to_sunday_zero_offset() as usize)
        .unwrap_or(0);
    let day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][weekday];
    let mon = MONTHS[m - 1].get(..3).unwrap_or("Jan");
    Some(format!(
        "{day}, {d:02} {mon} {y:04} {h:02}:{mi:02}:00 +0000"
    ))
}

const SECTIONS: &[(&str, &[&str])] = &[
    (
        "World",
        &[
            "Europe",
            "Americas",
            "Asia",
            "Africa",
            "Middle East",
            "Ukraine war",
            "Diplomacy",
        ],
    ),
    (
        "Politics",
        &["Elections", "Parliament", "Policy", "Polls", "Analysis"],
    ),
    (
        "Business",
        &[
            "Markets",
            "Energy",
            "Companies",
            "Trade",
            "Economy",
            "Personal finance",
            "Property",
        ],
    ),
    (
        "Technology",
        &["AI", "Security", "Gadgets", "Start-ups", "Science"],
    ),
    (
        "Climate",
        &["Weather", "Environment", "Energy transition", "Wildlife"],
    ),
    (
        "Health",
        &["Medicine", "Wellbeing", "Public health", "Nutrition"],
    ),
    (
        "Sport",
        &[
            "Football",
            "Tennis",
            "Cycling",
            "Athletics",
            "Winter sports",
            "Motor racing",
            "Results",
        ],
    ),
    (
        "Culture",
        &["Books", "Film", "Music", "Art", "Television", "Theatre"],
    ),
    (
        "Opinion",
        &["Columnists", "Editorials", "Letters", "Cartoons"],
    ),
    (
        "Travel",
        &["Destinations", "City guides", "Rail", "Food and drink"],
    ),
    ("Video", &["Latest", "Explainers", "Documentaries"]),
    (
        "Podcasts",
        &[
            "The Briefing",
            "World Weekly",
            "Market Minute",
            "The Long Read",
        ],
    ),
];

const COMMENTERS: &[&str] = &[
    "northern_light",
    "K. Marsh",
    "riverbank77",
    "Old Diplomat",
    "j.holloway",
    "PragueReader",
    "Anselm T.",
    "quietobserver",
    "m_lindqvist",
    "Harbourside",
    "FactsFirst",
    "Gwen P.",
];

/// The inline style a page carries for its first paint.
const CRITICAL_CSS: &str = ":root{--ink:#121212;--muted:#5c5c5c;--rule:#e2e2e2;--accent:#b3001b;--bg:#fff;--max:1180px;--col:720px;--font-serif:Georgia,'Times New Roman',serif;--font-sans:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\
*,*::before,*::after{box-sizing:border-box}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 var(--font-sans)}\
a{color:inherit;text-decoration:none}a:hover{text-decoration:underline}img{max-width:100%;height:auto;display:block}\
.skip-link{position:absolute;left:-999px;top:0}.skip-link:focus{left:8px;top:8px;background:#000;color:#fff;padding:8px 12px;z-index:1000}\
.site-header{border-bottom:1px solid var(--rule);position:sticky;top:0;background:var(--bg);z-index:50}.site-header__inner{max-width:var(--max);margin:0 auto;display:flex;align-items:center;justify-content:space-between;padding:12px 16px}\
.logo{font:700 28px/1 var(--font-serif);letter-spacing:-.02em}.nav{max-width:var(--max);margin:0 auto;padding:0 16px}.nav__list{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}\
.nav__item{position:relative}.nav__link{display:block;padding:10px 0;font-weight:600;font-size:14px}.nav__sub{display:none;position:absolute;top:100%;left:0;min-width:220px;background:#fff;border:1px solid var(--rule);box-shadow:0 6px 24px rgba(0,0,0,.08);padding:8px 0;list-style:none;margin:0}\
.nav__item:hover .nav__sub,.nav__item:focus-within .nav__sub{display:block}.nav__sub a{display:block;padding:6px 16px;font-size:14px}\
.ticker{background:#f6f6f6;border-bottom:1px solid var(--rule);font-size:13px}.ticker__inner{max-width:var(--max);margin:0 auto;padding:6px 16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\
.breadcrumbs{max-width:var(--col);margin:24px auto 0;padding:0 16px;font-size:13px;color:var(--muted)}.breadcrumbs ol{list-style:none;margin:0;padding:0;display:flex;gap:8px}\
.article{max-width:var(--col);margin:0 auto;padding:0 16px}.article__headline{font:700 clamp(28px,4vw,44px)/1.1 var(--font-serif);margin:12px 0 16px}\
.article__standfirst{font-size:20px;color:var(--muted);margin:0 0 16px}.byline{display:flex;gap:12px;align-items:center;font-size:14px;color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:10px 0}\
.article__body p{font:19px/1.6 var(--font-serif);margin:0 0 1.1em}.article__body a{color:var(--accent);text-decoration:underline}\
.figure{margin:24px 0}.figure figcaption{font-size:13px;color:var(--muted);margin-top:6px}.share{display:flex;gap:10px;list-style:none;padding:0;margin:16px 0}\
.share a{display:inline-flex;width:36px;height:36px;border-radius:50%;border:1px solid var(--rule);align-items:center;justify-content:center}\
.ad{background:#fafafa;min-height:250px;margin:24px 0;display:flex;align-items:center;justify-content:center;color:#aaa;font-size:11px;text-transform:uppercase;letter-spacing:.1em}\
.cookie-banner{position:fixed;left:0;right:0;bottom:0;background:#1d1d1d;color:#fff;padding:16px;z-index:999;font-size:14px}.cookie-banner button{margin-left:8px;padding:8px 14px;border:0;border-radius:4px;cursor:pointer}\
.related{max-width:var(--max);margin:40px auto;padding:0 16px}.related__grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:24px;list-style:none;padding:0}\
.comments{max-width:var(--col);margin:40px auto;padding:0 16px}.comment{border-top:1px solid var(--rule);padding:16px 0}.comment__meta{font-size:13px;color:var(--muted)}\
.site-footer{background:#121212;color:#ddd;margin-top:64px;font-size:14px}.site-footer__inner{max-width:var(--max);margin:0 auto;padding:40px 16px;display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:24px}\
.site-footer h3{font-size:13px;text-transform:uppercase;letter-spacing:.08em;color:#fff}.site-footer ul{list-style:none;margin:0;padding:0}.site-footer li{margin:6px 0}\
@media (max-width:768px){.nav__list{display:none}.article__body p{font-size:17px}.site-header__inner{padding:8px 12px}}\
@media print{.site-header,.nav,.cookie-banner,.share,.ad,.related,.comments,.site-footer{display:none}}";

/// A share icon as pages inline them.
const ICON: &str = "<svg aria-hidden=\"true\" focusable=\"false\" width=\"18\" height=\"18\" viewBox=\"0 0 24 24\"><path fill=\"currentColor\" d=\"M18 16.08c-.76 0-1.44.3-1.96.77L8.91 12.7c.05-.23.09-.46.09-.7s-.04-.47-.09-.7l7.05-4.11A2.99 2.99 0 1 0 15 5c0 .24.04.47.09.7L8.04 9.81A3 3 0 1 0 6 15c.79 0 1.5-.31 2.04-.81l7.12 4.16c-.05.21-.08.43-.08.65A2.92 2.92 0 1 0 18 16.08z\"/></svg>";

/// A responsive picture's `<img>`, as content systems write them.
fn img(out: &mut String, host: &str, id: u64, alt: &str, class: &str) {
    use std::fmt::Write;
    let src = format!("https://cdn.{host}/images/{id:016x}.jpg");
    let _ = write!(
        out,
        "<img class=\"{class}\" src=\"{src}?w=1200&amp;q=80\" srcset=\"{src}?w=320&amp;q=80 320w, {src}?w=640&amp;q=80 640w, {src}?w=960&amp;q=80 960w, {src}?w=1280&amp;q=80 1280w, {src}?w=1920&amp;q=80 1920w\" sizes=\"(max-width: 768px) 100vw, 720px\" alt=\"{}\" loading=\"lazy\" decoding=\"async\" width=\"1200\" height=\"675\">",
        esc(alt)
    );
}

/// Article `index` as a news site saves it: head with metadata, JSON-LD,
/// style and scripts; navigation, cookie banner, share bar; the story in
/// `<article>`; related links, comments and footer.
fn page_of(seed: u64, index: u64, story: &Story) -> Vec<u8> {
    use std::fmt::Write;
    let mut rng = Rng::for_article(seed ^ 0xFA6E, index);
    let host = host(story.outlet);
    let url = story_url(index, story);
    let title = esc(&story.title);
    let outlet = esc(story.outlet);
    let author = *rng.pick(REPORTERS);
    let time = clock(seed, index);
    let published = iso(story, time);
    let first = story.paragraphs.first().map(String::as_str).unwrap_or("");
    let summary = esc(prefix(first, 180));
    let charset = if story.kind == Kind::Cp1252 {
        "windows-1252"
    } else {
        "utf-8"
    };
    let mut o = String::with_capacity(64 * 1024);

    // Head.
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\" class=\"no-js\">\n<head>\n<meta charset=\"{charset}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title} | {outlet}</title>\n\
<meta name=\"description\" content=\"{summary}\">\n\
<meta name=\"robots\" content=\"index, follow, max-image-preview:large\">\n\
<link rel=\"canonical\" href=\"{url}\">\n\
<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:site_name\" content=\"{outlet}\">\n\
<meta property=\"og:title\" content=\"{title}\">\n<meta property=\"og:description\" content=\"{summary}\">\n\
<meta property=\"og:url\" content=\"{url}\">\n<meta property=\"og:image\" content=\"https://cdn.{host}/images/{index:016x}.jpg?w=1200\">\n\
<meta name=\"twitter:card\" content=\"summary_large_image\">\n<meta name=\"twitter:site\" content=\"@{}\">\n\
<meta property=\"article:section\" content=\"World\">\n<meta property=\"article:author\" content=\"{author}\">\n",
        slug(story.outlet).replace('-', "")
    );
    if let Some(p) = &published {
        let _ = writeln!(
            o,
            "<meta property=\"article:published_time\" content=\"{p}\">"
        );
    }
    for font in ["serif-400", "serif-700", "sans-400", "sans-600"] {
        let _ = writeln!(
            o,
            "<link rel=\"preload\" href=\"https://static.{host}/fonts/{font}.woff2\" as=\"font\" type=\"font/woff2\" crossorigin>"
        );
    }
    let _ = write!(
        o,
        "<link rel=\"preconnect\" href=\"https://cdn.{host}\">\n<link rel=\"dns-prefetch\" href=\"https://ads.{host}\">\n\
<link rel=\"stylesheet\" href=\"https://static.{host}/assets/main.4f9c2a1e.css\">\n\
<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{outlet} - World\" href=\"https://{host}/world/rss.xml\">\n\
<link rel=\"icon\" href=\"https://static.{host}/favicon.ico\" sizes=\"any\">\n<style>{CRITICAL_CSS}"
    );
    // Utility classes, as some design systems ship them.
    let utilities = if rng.percent(50) { 0..=12 } else { 0..=0 };
    for (name, prop) in [("m", "margin"), ("p", "padding")] {
        for (side, suffix) in [
            ("", ""),
            ("t", "-top"),
            ("b", "-bottom"),
            ("l", "-left"),
            ("r", "-right"),
        ] {
            for k in utilities.clone() {
                let _ = write!(
                    o,
                    ".{name}{side}-{k}{{{prop}{suffix}:{}rem}}",
                    k as f32 * 0.25
                );
            }
        }
    }
    o += "</style>\n";
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": story.title,
        "description": prefix(first, 180),
        "image": [format!("https://cdn.{host}/images/{index:016x}.jpg?w=1200")],
        "author": [{"@type": "Person", "name": author, "url": format!("https://{host}/authors/{}", slug(author))}],
        "publisher": {"@type": "NewsMediaOrganization", "name": story.outlet, "logo": {"@type": "ImageObject", "url": format!("https://static.{host}/logo.png")}},
        "isAccessibleForFree": true,
    });
    if let (Some(p), Some(obj)) = (&published, ld.as_object_mut()) {
        obj.insert("datePublished".into(), p.clone().into());
        obj.insert("dateModified".into(), p.clone().into());
    }
    let _ = write!(
        o,
        "<script type=\"application/ld+json\">{ld}</script>\n\
<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"BreadcrumbList\",\"itemListElement\":[{{\"@type\":\"ListItem\",\"position\":1,\"name\":\"World\",\"item\":\"https://{host}/world\"}},{{\"@type\":\"ListItem\",\"position\":2,\"name\":\"Europe\",\"item\":\"https://{host}/world/europe\"}}]}}</script>\n\
<script>document.documentElement.className=document.documentElement.className.replace('no-js','js');\
window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());\
gtag('config','G-{:010X}',{{anonymize_ip:true,page_type:'article',section:'world',content_id:'{index}'}});\
window.__ADS__={{slots:['top','mid-article-1','mid-article-2','sidebar','bottom'],refresh:30,lazy:true,consent:'pending'}};</script>\n\
<script async src=\"https://ads.{host}/loader.js?v=3.12.0\"></script>\n\
<script defer src=\"https://static.{host}/assets/main.7b1d03aa.js\"></script>\n</head>\n",
        rng.next() & 0xFF_FFFF_FFFF
    );

    // Page furniture above the story.
    let _ = write!(
        o,
        "<body class=\"page page--article section-world\">\n<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n\
<div id=\"cookie-consent\" class=\"cookie-banner\" role=\"dialog\" aria-live=\"polite\" aria-label=\"Cookie consent\">\
<p>We use cookies and similar technologies to run this site, to measure how it is used and to show advertising that may be personalised. \
You can accept all cookies, reject those that are not essential, or choose which to allow. You can change your mind at any time under Privacy settings.</p>\
<button type=\"button\" data-consent=\"accept\">Accept all</button><button type=\"button\" data-consent=\"reject\">Reject non-essential</button>\
<button type=\"button\" data-consent=\"manage\">Manage preferences</button></div>\n\
<header class=\"site-header\"><div class=\"site-header__inner\"><button class=\"menu-toggle\" aria-expanded=\"false\" aria-controls=\"nav\">Menu</button>\
<a class=\"logo\" href=\"https://{host}/\">{outlet}</a><div class=\"site-header__actions\"><a href=\"https://{host}/subscribe\" class=\"button button--primary\">Subscribe</a>\
<a href=\"https://{host}/account/login\">Sign in</a><form role=\"search\" action=\"https://{host}/search\"><input type=\"search\" name=\"q\" placeholder=\"Search\" aria-label=\"Search\"></form></div></div>\n\
<nav id=\"nav\" class=\"nav\" aria-label=\"Sections\"><ul class=\"nav__list\">"
    );
    // A mega menu: every section with its subsections, twice on some
    // sites (desktop and mobile variants).
    let menus = rng.range(1, 2);
    let sections = &SECTIONS[..rng.range(6, SECTIONS.len())];
    for variant in ["desktop", "mobile"].iter().take(menus) {
        for (section, subs) in sections {
            let s = slug(section);
            let _ = write!(
                o,
                "<li class=\"nav__item nav__item--{variant}\"><a class=\"nav__link\" href=\"https://{host}/{s}\" data-track=\"nav|{variant}|{s}\">{section}</a><ul class=\"nav__sub\">"
            );
            for sub in subs.iter() {
                let t = slug(sub);
                let _ = write!(
                    o,
                    "<li><a href=\"https://{host}/{s}/{t}\" data-track=\"nav|{variant}|{s}|{t}\">{sub}</a></li>"
                );
            }
            o += "</ul></li>";
        }
    }
    o += "</ul></nav></header>\n";
    let _ = write!(
        o,
        "<div class=\"ticker\" role=\"region\" aria-label=\"Breaking news\"><div class=\"ticker__inner\"><strong>Live</strong> \
<a href=\"https://{host}/live/{:x}\">{}</a></div></div>\n\
<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"https://{host}/\">Home</a></li><li><a href=\"https://{host}/world\">World</a></li><li><a href=\"https://{host}/world/europe\">Europe</a></li></ol></nav>\n\
<div class=\"ad ad--leaderboard\" data-slot=\"top\" aria-hidden=\"true\">Advertisement</div>\n",
        rng.next() & 0xFFFF,
        esc(&headline(&mut rng))
    );

    // The story.
    let _ = write!(
        o,
        "<main id=\"main\">\n<article class=\"article\" itemscope itemtype=\"https://schema.org/NewsArticle\">\n<header class=\"article__header\">\
<h1 class=\"article__headline\" itemprop=\"headline\">{title}</h1>\n<div class=\"byline\"><span class=\"byline__author\" itemprop=\"author\">By <a href=\"https://{host}/authors/{}\">{author}</a></span>",
        slug(author)
    );
    if let (Some(p), Some((y, m, d))) = (&published, story.date) {
        let _ = write!(
            o,
            "<time class=\"byline__date\" datetime=\"{p}\" itemprop=\"datePublished\">{} {d}, {y}</time>",
            MONTHS[m - 1]
        );
    }
    let _ = write!(o, "<span class=\"byline__read\">{} min read</span></div>\n<ul class=\"share\" aria-label=\"Share this article\">", story.paragraphs.len().div_ceil(3));
    for (net, label) in [
        ("facebook", "Facebook"),
        ("x", "X"),
        ("linkedin", "LinkedIn"),
        ("whatsapp", "WhatsApp"),
        ("email", "Email"),
        ("copy", "Copy link"),
    ] {
        let _ = write!(
            o,
            "<li><a class=\"share__link share__link--{net}\" href=\"https://{host}/share/{net}?u={}\" rel=\"noopener\" target=\"_blank\" aria-label=\"Share on {label}\">{ICON}<span class=\"visually-hidden\">{label}</span></a></li>",
            url.replace(':', "%3A").replace('/', "%2F")
        );
    }
    o += "</ul>\n</header>\n<figure class=\"figure figure--lead\">";
    img(
        &mut o,
        &host,
        rng.next(),
        "Delegations arrive for talks",
        "figure__img",
    );
    let _ = write!(
        o,
        "<figcaption>Delegations arrive for a previous round of talks. Photograph: {} / {outlet}</figcaption></figure>\n<div class=\"article__body\" itemprop=\"articleBody\">\n",
        rng.pick(REPORTERS)
    );
    for (k, p) in story.paragraphs.iter().enumerate() {
        let _ = writeln!(o, "<p>{}</p>", esc(p));
        if k == 2 {
            let _ = writeln!(
                o,
                "<aside class=\"inline-related\"><h2>Read more</h2><ul><li><a href=\"https://{host}/world/{:x}\">{}</a></li><li><a href=\"https://{host}/world/{:x}\">{}</a></li></ul></aside>",
                rng.next() & 0xFFFFF,
                esc(&headline(&mut rng)),
                rng.next() & 0xFFFFF,
                esc(&headline(&mut rng))
            );
        }
        if k % 4 == 3 {
            let _ = writeln!(
                o,
                "<div class=\"ad ad--inline\" data-slot=\"mid-article-{}\" aria-hidden=\"true\">Advertisement</div>",
                k / 4 + 1
            );
        }
    }
    let _ = write!(
        o,
        "</div>\n<footer class=\"article__footer\"><ul class=\"tags\"><li><a href=\"https://{host}/topics/diplomacy\">Diplomacy</a></li>\
<li><a href=\"https://{host}/topics/peace-talks\">Peace talks</a></li><li><a href=\"https://{host}/topics/europe\">Europe</a></li></ul>\
<div class=\"author-bio\"><p><strong>{author}</strong> is a correspondent for {outlet}, covering diplomacy and security. Follow their reporting and get alerts when they publish.</p>\
<button type=\"button\" class=\"follow\" data-author=\"{}\">Follow</button></div></footer>\n</article>\n",
        slug(author)
    );
    let _ = writeln!(
        o,
        "<section class=\"newsletter\" aria-labelledby=\"nl-title\"><h2 id=\"nl-title\">The Briefing</h2><p>The day's most important stories, in your inbox every weekday morning. Free to sign up; unsubscribe at any time.</p>\
<form action=\"https://{host}/newsletters/subscribe\" method=\"post\"><label for=\"nl-email\">Email address</label><input id=\"nl-email\" type=\"email\" name=\"email\" required>\
<input type=\"hidden\" name=\"list\" value=\"briefing\"><button type=\"submit\">Sign up</button></form></section>"
    );

    // Related stories, most read, comments.
    o += "<section class=\"related\" aria-labelledby=\"related-title\"><h2 id=\"related-title\">Related stories</h2><ul class=\"related__grid\">";
    for _ in 0..rng.range(6, 12) {
        let h = esc(&headline(&mut rng));
        let id = rng.next();
        let _ = write!(
            o,
            "<li class=\"card\"><a class=\"card__link\" href=\"https://{host}/world/{:x}\">",
            id & 0xFFFFF
        );
        img(&mut o, &host, id, &h, "card__img");
        let _ = write!(
            o,
            "<h3 class=\"card__title\">{h}</h3></a><p class=\"card__meta\">{} hours ago</p></li>",
            rng.range(1, 23)
        );
    }
    o += "</ul></section>\n<aside class=\"most-read\" aria-labelledby=\"most-read-title\"><h2 id=\"most-read-title\">Most read</h2><ol>";
    for _ in 0..10 {
        let _ = write!(
            o,
            "<li><a href=\"https://{host}/world/{:x}\" data-track=\"most-read\">{}</a></li>",
            rng.next() & 0xFFFFF,
            esc(&headline(&mut rng))
        );
    }
    let comments = rng.range(2, 16);
    let _ = write!(
        o,
        "</ol></aside>\n<section class=\"comments\" id=\"comments\" aria-labelledby=\"comments-title\"><h2 id=\"comments-title\">Comments ({comments})</h2>\
<p class=\"comments__rules\">Comments are moderated. Please keep to the community guidelines.</p><ol class=\"comments__list\">"
    );
    for c in 0..comments {
        let who = *rng.pick(COMMENTERS);
        let mut said = String::new();
        for _ in 0..rng.range(1, 3) {
            said += &if rng.percent(50) {
                background_sentence(&mut rng)
            } else {
                filler_sentence(&mut rng)
            };
            said.push(' ');
        }
        let _ = write!(
            o,
            "<li class=\"comment\" id=\"comment-{c}\"><div class=\"comment__meta\"><span class=\"comment__author\">{}</span> <time>{} hours ago</time></div>\
<p class=\"comment__text\">{}</p><div class=\"comment__actions\"><button type=\"button\">Reply</button><button type=\"button\">Recommend ({})</button><button type=\"button\">Report</button></div></li>",
            esc(who),
            rng.range(1, 47),
            esc(said.trim_end()),
            rng.below(300)
        );
    }
    o += "</ol><button type=\"button\" class=\"comments__more\">Load more comments</button></section>\n</main>\n";

    // Footer: every section again, the company's pages, the small print.
    o += "<footer class=\"site-footer\"><div class=\"site-footer__inner\">";
    for (section, subs) in sections {
        let s = slug(section);
        let _ = write!(o, "<div><h3>{section}</h3><ul>");
        for sub in subs.iter() {
            let _ = write!(
                o,
                "<li><a href=\"https://{host}/{s}/{}\">{sub}</a></li>",
                slug(sub)
            );
        }
        o += "</ul></div>";
    }
    let _ = writeln!(
        o,
        "<div><h3>{outlet}</h3><ul><li><a href=\"https://{host}/about\">About us</a></li><li><a href=\"https://{host}/contact\">Contact</a></li>\
<li><a href=\"https://{host}/jobs\">Work for us</a></li><li><a href=\"https://{host}/advertise\">Advertise with us</a></li><li><a href=\"https://{host}/corrections\">Corrections</a></li>\
<li><a href=\"https://{host}/tips\">Send us a tip</a></li><li><a href=\"https://{host}/newsletters\">Newsletters</a></li><li><a href=\"https://{host}/apps\">Apps</a></li></ul></div>\
<div><h3>Legal</h3><ul><li><a href=\"https://{host}/terms\">Terms of use</a></li><li><a href=\"https://{host}/privacy\">Privacy policy</a></li>\
<li><a href=\"https://{host}/cookies\">Cookie policy</a></li><li><a href=\"https://{host}/privacy#settings\">Privacy settings</a></li><li><a href=\"https://{host}/accessibility\">Accessibility</a></li></ul></div>\
</div><div class=\"site-footer__legal\"><p>&copy; 2026 {outlet} Media Ltd. All rights reserved. Registered in England and Wales. {outlet} is not responsible for the content of external sites.</p>\
<p>Market data delayed by at least 15 minutes. Weather forecasts are provided by a third party and may change without notice.</p></div></footer>"
    );

    // Trailing scripts; half the sites ship the story again as hydration
    // state.
    if rng.percent(50) {
        let state = serde_json::json!({
            "props": {"pageProps": {
                "article": {"id": index, "headline": story.title, "url": url, "section": "world", "author": author,
                    "published": published, "body": story.paragraphs.iter().map(|p| serde_json::json!({"type": "paragraph", "text": p})).collect::<Vec<_>>()},
                "ads": {"enabled": true, "targeting": {"section": "world", "tags": ["diplomacy", "peace-talks", "europe"]}},
            }},
            "page": "/world/[...slug]",
            "buildId": format!("{:016x}", rng.next()),
        });
        let _ = writeln!(
            o,
            "<script id=\"__NEXT_DATA__\" type=\"application/json\">{state}</script>"
        );
    }
    let _ = write!(
        o,
        "<script>(function(){{var b=document.getElementById('cookie-consent');if(!b)return;b.addEventListener('click',function(e){{var c=e.target.getAttribute('data-consent');\
if(!c)return;document.cookie='consent='+c+';path=/;max-age=31536000;SameSite=Lax';b.parentNode.removeChild(b);window.__ADS__.consent=c;}});}})();</script>\n\
<script async src=\"https://metrics.{host}/collect.js\" data-site=\"{}\"></script>\n</body>\n</html>\n",
        slug(story.outlet)
    );
    if story.kind == Kind::Cp1252 {
        return cp1252(&o);
    }
    o.into_bytes()
}

/// An RSS 2.0 feed with one item per story, its full text in
/// `content:encoded`.
fn feed_of(seed: u64, stories: &[(u64, Story)]) -> Vec<u8> {
    use std::fmt::Write;
    let outlet = stories.first().map_or("Global Brief", |(_, s)| s.outlet);
    let host = host(outlet);
    let mut o = String::with_capacity(stories.len() * 6000 + 1024);
    let _ = write!(
        o,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\">\n\
<channel>\n<title>{} - World</title>\n<link>https://{host}/world</link>\n<atom:link href=\"https://{host}/world/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n\
<description>The latest world news from {}.</description>\n<language>en-gb</language>\n<ttl>15</ttl>\n",
        esc(outlet),
        esc(outlet)
    );
    for (index, story) in stories {
        let url = story_url(*index, story);
        let first = story.paragraphs.first().map(String::as_str).unwrap_or("");
        let _ = write!(
            o,
            "<item>\n<title>{}</title>\n<link>{url}</link>\n<guid isPermaLink=\"false\">{}-{index}</guid>\n<dc:creator>{}</dc:creator>\n",
            esc(&story.title),
            slug(story.outlet),
            Rng::for_article(seed ^ 0xFA6E, *index).pick(REPORTERS)
        );
        if let Some(date) = rfc2822(story, clock(seed, *index)) {
            let _ = writeln!(o, "<pubDate>{date}</pubDate>");
        }
        let _ = write!(
            o,
            "<category>World</category>\n<description>{}</description>\n<media:content url=\"https://cdn.{host}/images/{index:016x}.jpg?w=1200\" medium=\"image\" width=\"1200\" height=\"675\"/>\n<content:encoded><![CDATA[",
            esc(first)
        );
        for p in &story.paragraphs {
            let _ = write!(o, "<p>{}</p>", esc(p));
        }
        o += "]]></content:encoded>\n</item>\n";
    }
    o += "</channel>\n</rss>\n";
    o.into_bytes()
}

/// A news API's JSON export object of the story.
fn json_of(index: u64, story: &Story) -> Vec<u8> {
    let first = story.paragraphs.first().map(String::as_str).unwrap_or("");
    let mut obj = serde_json::json!({
        "id": format!("{}-{index}", slug(story.outlet)),
        "source": {"id": slug(story.outlet), "name": story.outlet},
        "title": story.title,
        "url": story_url(index, story),
        "description": first,
        "content": story.paragraphs.join("\n\n"),
        "language": "en",
    });
    if let (Some((y, m, d)), Some(map)) = (story.date, obj.as_object_mut()) {
        map.insert(
            "publishedAt".into(),
            format!("{y:04}-{m:02}-{d:02}T06:00:00Z").into(),
        );
    }
    let mut bytes = serde_json::to_vec_pretty(&obj).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The story as an outlet's newsletter: text and HTML alternatives.
fn email_of(seed: u64, index: u64, story: &Story) -> Vec<u8> {
    use std::fmt::Write;
    let host = host(story.outlet);
    let url = story_url(index, story);
    let boundary = format!("=_{:016x}", Rng::for_article(seed ^ 0xE3A1, index).next());
    let mut o = String::with_capacity(16 * 1024);
    let _ = write!(
        o,
        "Return-Path: <bounces@news.{host}>\r\nFrom: {} Briefing <briefing@news.{host}>\r\nTo: reader@example.org\r\nSubject: {}\r\n",
        story.outlet, story.title
    );
    if let Some(date) = rfc2822(story, clock(seed, index)) {
        let _ = write!(o, "Date: {date}\r\n");
    }
    let _ = write!(
        o,
        "Message-ID: <{index}.{boundary}@news.{host}>\r\nArchived-At: <{url}>\r\nList-Unsubscribe: <https://{host}/newsletters/unsubscribe?u={index}>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n\
--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    );
    for p in &story.paragraphs {
        let _ = write!(o, "{p}\r\n\r\n");
    }
    let _ = write!(
        o,
        "Read it online: {url}\r\n\r\nYou are receiving this because you signed up to the {} Briefing. Unsubscribe: https://{host}/newsletters/unsubscribe\r\n\r\n\
--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
<html><body><table role=\"presentation\" width=\"100%\"><tr><td><h1>{}</h1>",
        story.outlet,
        esc(&story.title)
    );
    for p in &story.paragraphs {
        let _ = write!(o, "<p>{}</p>", esc(p));
    }
    let _ = write!(
        o,
        "<p><a href=\"{url}\">Read it online</a></p><p style=\"font-size:12px;color:#777\">You are receiving this because you signed up to the {} Briefing.</p></td></tr></table></body></html>\r\n--{boundary}--\r\n",
        esc(story.outlet)
    );
    o.into_bytes()
}
