//! A deterministic generator of realistic school records as text files: transcripts,
//! report cards, letters, enrolment forms and meeting minutes, with student names and
//! ids, subjects and grades, and running text whose word frequencies follow Zipf's law
//! (common English and school words first, then a long tail of rarer words).

use std::path::Path;
use std::time::{Duration, SystemTime};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const COMMON: &str = "the of and to in a is that for it as was with be by on not he i this are or his from at which but have an they you were her she there been one all we their has would when if so no will more out up into do any your what some can only other time new about them could may its these two then first also now our after should made well even must such many over most years where much before through between people work each see school student students year grade grades class teacher teachers course courses term semester report record records office registrar transcript transcripts final examination exam results academic program programme credit credits subject subjects attendance behaviour behavior progress parent parents guardian letter request requested approved signed date signature copy official certificate enrolment enrollment admission transfer withdrawal graduation diploma honours honors committee meeting minutes budget department staff principal counsellor counselor support learning assessment assignment project homework reading writing mathematics science history geography english french biology chemistry physics music art sport physical education computing economics languages literature excellent good satisfactory needs improvement outstanding effort participation conduct absent present late excused unexcused medical note health contact address phone email emergency consent form trip fee payment received outstanding balance scholarship bursary award prize recommendation reference application deadline review appeal policy notice meeting agenda action item discussed agreed proposed motion carried chair secretary treasurer board governors annual general summary overview section page total average mean median rank position level stage key year group tutor form room timetable schedule holiday closure";

const FIRST: &[&str] = &[
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Emma",
    "Farid",
    "Grace",
    "Hugo",
    "Isabel",
    "Jonas",
    "Katarzyna",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Pierre",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tomás",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Amélie",
    "Björn",
    "Çelik",
    "Dmitri",
];
const LAST: &[&str] = &[
    "Müller",
    "Smith",
    "García",
    "Nguyen",
    "Okafor",
    "Rossi",
    "Kowalski",
    "Dubois",
    "Haddad",
    "Johansson",
    "O'Brien",
    "Patel",
    "Schmidt",
    "Tanaka",
    "Novak",
    "Silva",
    "Martin",
    "Lefèvre",
    "Andersen",
    "Moreau",
    "Fischer",
    "Kim",
    "Costa",
    "Ivanova",
    "Bauer",
    "Lopez",
    "Brown",
    "Wilson",
    "Zhang",
    "Horvat",
];
const SUBJECTS: &[&str] = &[
    "Mathematics",
    "English",
    "French",
    "Biology",
    "Chemistry",
    "Physics",
    "History",
    "Geography",
    "Music",
    "Art",
    "Physical Education",
    "Computing",
    "Economics",
];
const GRADES: &[&str] = &["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "D", "E"];
const KINDS: &[&str] = &[
    "transcript",
    "report-card",
    "letter",
    "enrolment-form",
    "minutes",
];

/// Zipf-distributed words: real words first, then pseudo-words built from syllables.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    pub fn new(tail: usize) -> Self {
        let mut words: Vec<String> = COMMON.split_whitespace().map(str::to_owned).collect();
        const SYL: &[&str] = &[
            "ka", "ro", "mi", "te", "lan", "dor", "vi", "sel", "qu", "ar", "en", "tis", "bo", "ne",
            "ul", "fra", "gen", "hal", "zo", "pri", "mon", "ste", "ca", "lu",
        ];
        let mut rng = StdRng::seed_from_u64(7);
        while words.len() < COMMON.split_whitespace().count() + tail {
            let n = rng.random_range(2..5);
            let w: String = (0..n)
                .map(|_| SYL[rng.random_range(0..SYL.len())])
                .collect();
            words.push(w);
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(1.05);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    pub fn sample<'a>(&'a self, rng: &mut StdRng) -> &'a str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.random_range(0.0..total);
        let i = self.cumulative.partition_point(|c| *c < x);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// The word of a frequency rank (0 = most common).
    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }
}

/// One generated document.
pub struct Doc {
    pub file_name: String,
    pub text: String,
    /// Seconds since 1970: spread over 2015–2025.
    pub date_secs: u64,
}

fn sentence(v: &Vocabulary, rng: &mut StdRng) -> String {
    let n = rng.random_range(6..18);
    let mut s: Vec<&str> = (0..n).map(|_| v.sample(rng)).collect();
    let first = s[0].to_owned();
    let mut cap = first[..1].to_uppercase();
    cap.push_str(&first[1..]);
    s[0] = &cap;
    let mut out = s.join(" ");
    out.push('.');
    out
}

/// Document `i` of the synthetic library (the same `i` always gives the same document).
pub fn document(v: &Vocabulary, i: u64) -> Doc {
    let mut rng = StdRng::seed_from_u64(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD055);
    let kind = KINDS[rng.random_range(0..KINDS.len())];
    let first = FIRST[rng.random_range(0..FIRST.len())];
    let last = LAST[rng.random_range(0..LAST.len())];
    let id = rng.random_range(1_000_000..10_000_000u32);
    let year = rng.random_range(2015..=2025);
    let mut text = String::new();
    match kind {
        "transcript" | "report-card" => {
            text.push_str(&format!(
                "{} — {first} {last}\nStudent id: {id}\nAcademic year {year}–{}\n\n",
                if kind == "transcript" {
                    "Official transcript"
                } else {
                    "Report card"
                },
                year + 1
            ));
            for s in SUBJECTS {
                if rng.random_bool(0.6) {
                    let g = GRADES[rng.random_range(0..GRADES.len())];
                    text.push_str(&format!("{s}: {g}. {}\n", sentence(v, &mut rng)));
                }
            }
        }
        "letter" => {
            text.push_str(&format!(
                "Dear parent or guardian of {first} {last} ({id}),\n\n"
            ));
            for _ in 0..rng.random_range(4..14) {
                text.push_str(&sentence(v, &mut rng));
                text.push(' ');
            }
            text.push_str("\n\nYours sincerely,\nThe Registrar\n");
        }
        "enrolment-form" => {
            text.push_str(&format!(
                "Enrolment form\nName: {first} {last}\nStudent id: {id}\nEntry year: {year}\n"
            ));
            for _ in 0..rng.random_range(3..10) {
                text.push_str(&sentence(v, &mut rng));
                text.push('\n');
            }
        }
        _ => {
            text.push_str(&format!(
                "Minutes of the meeting, {year}\nPresent: {first} {last}\n\n"
            ));
            for _ in 0..rng.random_range(8..30) {
                text.push_str(&sentence(v, &mut rng));
                text.push(' ');
            }
        }
    }
    let day = rng.random_range(0..365u64);
    let date_secs =
        ((year as u64 - 1970) * 365 + (year as u64 - 1969) / 4 + day) * 86_400 + 12 * 3600;
    Doc {
        file_name: format!("{kind}-{last}-{i:06}.txt")
            .replace(['\'', ' '], "")
            .to_lowercase(),
        text,
        date_secs,
    }
}

/// Write documents `range` as files into `dir` with their dates as modification times.
pub fn write_files(v: &Vocabulary, range: std::ops::Range<u64>, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for i in range {
        let d = document(v, i);
        let p = dir.join(&d.file_name);
        std::fs::write(&p, d.text.as_bytes())?;
        std::fs::File::options()
            .write(true)
            .open(&p)?
            .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(d.date_secs))?;
    }
    Ok(())
}
