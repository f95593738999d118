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

/// Article `index` of corpus `seed`: its bytes and kind.
pub fn article(seed: u64, index: u64) -> (Vec<u8>, Kind) {
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
        return (bytes, kind);
    }

    let (y, m, d) = date(&mut rng);
    let title = headline(&mut rng);
    let outlet = *rng.pick(OUTLETS);
    let mut text = String::with_capacity(target + 512);
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
            text += &format!("{title}\n\n{place} ({outlet}) {mon} {d} - ")
        }
        // Undated.
        _ => text += &format!("{title}\n\n"),
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
    if rng.percent(20) {
        text += "Share this article: Facebook | X | Email\n";
    }
    if kind == Kind::Cp1252 {
        // Accents that only Windows-1252 can carry in this file.
        text = text.replacen("Erdogan", "Erdo\u{e9}gan", 1);
        text.insert_str(0, "Caf\u{e9} diplomacy \u{2013} ");
        return (cp1252(&text), kind);
    }
    (text.into_bytes(), kind)
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
