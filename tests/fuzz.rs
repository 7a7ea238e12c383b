//! A mutation fuzzer that runs on the stable toolchain, with these targets:
//!
//! - `fuzz_plans`: `Plan::from_text` + `eval::check` against the built-in
//!   packs, then every output format renders the report (as `check` does);
//! - `fuzz_rule_packs`: `Rules::add` on a mutated pack; when it loads, the
//!   rules table, Markdown reference and `explain` render it and plans are
//!   checked against it;
//! - `fuzz_baselines`: `Baseline::parse` on a mutated baseline file; when it
//!   loads, it is applied to checked plans and their reports rendered;
//! - `fuzz_cel_and_keywords`: packs whose `expr` rules and `[keywords]` sets
//!   are mutated, loaded and, when they load, checked on plans (as
//!   `fuzz_rule_packs`), so CEL budgets and keyword includes are exercised;
//! - `fuzz_import`: `import::draft_of` on a mutated plan document read as
//!   .txt, .md or .docx (a mutated zip is a broken one); a draft must parse
//!   as TOML and, checked, earn no PF (format) finding.
//!
//! All are `#[ignore]`d, so plain `cargo test` runs only the deterministic
//! tests at the end of this file (the committed regression inputs and the
//! plan generator). Asked for, each target runs its seeds, then a fixed
//! number of mutations (`CDOCHECK_FUZZ_ITERATIONS`, default
//! 2,000): the same seed and count test the same inputs on any machine.
//!
//! Seeds: the examples, the rule-pack fixtures, the format fixtures, the
//! fuzz regressions and generated plans (`benches/corpus`); the packs in
//! `rules/`. Inputs whose findings form a new set join the corpus.
//!
//! A panic saves the (line-minimised) input to `fuzz/crashes/<target>-<hash>.toml`
//! and its message and backtrace beside it (`.txt`), and fails the test with
//! the path. Each input is written to `<target dir>/tmp/fuzz-<target>-running.toml`
//! before it runs, so after an abort (a stack overflow) that file holds the
//! input that caused it. An input that runs longer than
//! `CDOCHECK_FUZZ_HANG_SECONDS` (default 20) is saved as
//! `fuzz/crashes/<target>-<hash>-hang.toml` and the process exits with
//! status 3. The slowest input of a run, if it took a second or more, is kept
//! in `fuzz/slow/<target>-slowest.toml`.
//!
//! ```sh
//! cargo test --test fuzz -- --ignored                   # 2,000 mutations per target
//! CDOCHECK_FUZZ_ITERATIONS=500000 CDOCHECK_FUZZ_SEED=7 \
//!     cargo test --release --test fuzz -- --ignored --nocapture
//! ```

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use clap::ValueEnum;

use cdocheck::eval::{self, Options};
use cdocheck::finding::{Finding, Severity};
use cdocheck::lang::Lang;
use cdocheck::plan::{Date, Plan};
use cdocheck::portfolio;
use cdocheck::render::{self, explain, human::Human, rules_md, rules_table, Config, Finish};
use cdocheck::report::{FileReport, PlanFacts, Totals};
use cdocheck::rules::Rules;
use cdocheck::source::{Source, SourceDb};

use corpus::Rng;

/// Mutations per target when `CDOCHECK_FUZZ_ITERATIONS` is not set.
const DEFAULT_ITERATIONS: u64 = 2_000;
const DEFAULT_SEED: u64 = 0xCD0_2021_0063;
/// Inputs are cut to this size, so that one iteration stays short.
const MAX_INPUT: usize = 256 * 1024;
/// Inputs kept because they produced a new set of findings.
const MAX_CORPUS: usize = 4096;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// How many mutated inputs each target runs, after its seeds.
fn iterations() -> u64 {
    let key = "CDOCHECK_FUZZ_ITERATIONS";
    match std::env::var(key) {
        Err(_) => DEFAULT_ITERATIONS,
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{key}={v:?} is not a number of iterations")),
    }
}

fn seed() -> u64 {
    std::env::var("CDOCHECK_FUZZ_SEED")
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(DEFAULT_SEED)
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

// ---------------------------------------------------------------------------
// Seeds.

/// Every `*.toml` below `dir`, sorted.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The fuzz regressions of one target (`tests/fixtures/fuzz/<target>-*.toml`).
fn regressions(target: &str) -> Vec<PathBuf> {
    toml_files(&root().join("tests/fixtures/fuzz"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{target}-")))
        })
        .collect()
}

/// Plans to start from: the examples, the fixtures, generated plans and,
/// with `regressions`, the plans that once crashed.
fn plan_seeds(seed: u64, with_regressions: bool) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = [
        "examples",
        "rules/tests",
        "tests/fixtures/format",
        "fuzz/seeds/plans",
    ]
    .iter()
    .flat_map(|d| toml_files(&root().join(d)))
    .collect();
    if with_regressions {
        paths.extend(regressions("plan"));
    }
    let mut seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    seeds.extend((0..48).map(|i| corpus::generate(seed, i).text.into_bytes()));
    seeds
}

/// Packs to start from: `rules/*.toml`, `fuzz/seeds/packs/` and the packs
/// that once crashed.
fn pack_seeds() -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("rules"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.extend(toml_files(&root().join("fuzz/seeds/packs")));
    paths.extend(regressions("pack"));
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

// ---------------------------------------------------------------------------
// Mutations.

/// Words to mutate with: the keys and short string values of the seeds,
/// and TOML's own tokens.
struct Dict {
    keys: Vec<Vec<u8>>,
    strings: Vec<Vec<u8>>,
    headers: Vec<Vec<u8>>,
}

impl Dict {
    fn from_seeds(seeds: &[Vec<u8>]) -> Dict {
        let mut keys = BTreeSet::new();
        let mut strings = BTreeSet::new();
        let mut headers = BTreeSet::new();
        for s in seeds {
            for line in s.split(|b| *b == b'\n') {
                let t = trim(line);
                if t.starts_with(b"[") && t.ends_with(b"]") {
                    headers.insert(t.to_vec());
                } else if let Some(eq) = t.iter().position(|b| *b == b'=') {
                    let k = trim(&t[..eq]);
                    if !k.is_empty() && k.len() < 40 && !k.starts_with(b"#") {
                        keys.insert(k.to_vec());
                    }
                }
                let mut parts = line.split(|b| *b == b'"');
                parts.next();
                for (i, p) in parts.enumerate() {
                    if i % 2 == 0 && p.len() <= 60 {
                        strings.insert(p.to_vec());
                    }
                }
            }
        }
        Dict {
            keys: keys.into_iter().collect(),
            strings: strings.into_iter().collect(),
            headers: headers.into_iter().collect(),
        }
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end]
}

const TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "\"\"\"",
    "'''",
    "=",
    " = ",
    "{",
    "}",
    ",",
    ".",
    "\"",
    "'",
    "#",
    "\\",
    "\u{0}",
    "\\u0000",
    "\\U0010FFFF",
    "\\uD800",
    "\r\n",
    "\r",
    "\t",
    "\u{feff}",
    "\u{202e}",
    "中",
    "😀",
    "\u{300}",
    "\n",
    "\n\n",
    "a.b.c = 1\n",
    "x = { y = 1 }\n",
    "x = []\n",
    "x = [[]]\n",
    "= \"\"\"\nmulti\nline\n\"\"\"\n",
    "\"\"\"\"\"\"",
    "[[unit.cdo]]\n",
    "[unit]\n",
    "[unit.cdo.x]\n",
    "cdo = {}\n",
    "cdo = 1\n",
    "unit = []\n",
    "unit = [{}]\n",
    "plan = \"x\"\n",
    "format = 2\n",
    "format = 1\n",
    "rule = \"\"\n",
    "rule = \"GD005\"\n",
    "unit = \"\"\n",
    "{unit}",
    "{value}",
    "{",
    "{{",
    "}",
    "{missing}",
    "@",
    "@pilot-cities",
    "@nope",
    "$",
    "%s",
    "${x}",
];

const EDGE_VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "-0",
    "+1",
    "5",
    "23",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "1.5",
    "0.0",
    "nan",
    "inf",
    "-inf",
    "0x7FFFFFFFFFFFFFFF",
    "0o777",
    "0b1",
    "1_000",
    "2020-02-29",
    "2021-02-29",
    "2021-02-30",
    "2021-13-01",
    "2021-00-10",
    "2021-12-32",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1970-01-01",
    "2021-04-22",
    "2021-04-23",
    "2021-12-31",
    "2022-01-01",
    "2038-01-19",
    "1979-05-27T07:32:00Z",
    "1979-05-27T00:32:00.999999-07:00",
    "1979-05-27T07:32:00",
    "1979-05-27 07:32:00",
    "07:32:00",
    "2021-4-5",
    "true",
    "false",
    "\"\"",
    "\"2021-08-09\"",
    "[]",
    "{}",
    "[1, \"a\"]",
];

const SPECIAL_STRINGS: &[&str] = &[
    "",
    " ",
    "\\u0000",
    "\\n",
    "\\\\",
    "\\\"",
    "\u{202e}",
    "\u{1b}[31m",
    "{unit}",
    "{jurisdiction}{value}{other}",
    "{",
    "}",
    "{{unit}}",
    "{nope}",
    "@pilot-cities",
    "@",
    "@@",
    "GD005",
    "gd005",
    "CORE003",
    "NOPE999",
    "unit",
    "milestone",
    "waiver",
    "plan",
    "unit.cdo.rank",
    "plan.published",
    "unit.cdo",
    "cdo.duties",
    "unit.nope",
    "plan.",
    ".",
    "..",
    "a..b",
    "unit.cdo.rank.x",
    "prefecture",
    "county",
    "township",
    "province",
    "city",
    "government",
    "department",
    "zone",
    "other",
    "chief",
    "deputy",
    "error",
    "warning",
    "info",
    "text",
    "report",
    "assert",
    "count",
    "unique",
    "required",
    "expr",
    "waiver",
    "document-number",
    "深圳",
    "Shenzhen",
    "Beijing",
    "E-Town",
    "粤办函〔2021〕63号",
    "粤办函[2021]63号",
    "size(units) > 0",
    "units.all(u, u.level == 'county')",
    "1 / 0",
    "((((((((((1))))))))))",
    "'a' + 1",
    "plan.nope.nope",
    "int('x')",
    "9223372036854775807 + 1",
    "-9223372036854775808 / -1",
    "x[0]",
];

struct Mutator {
    rng: Rng,
    dict: Dict,
}

fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|b| *b == b'\n').collect()
}

/// A position at the start of a line.
fn line_start(rng: &mut Rng, data: &[u8]) -> usize {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            data.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    *rng.pick(&starts)
}

/// A byte range of a `key = value` line's value, or of its key.
fn assignment(rng: &mut Rng, data: &[u8], key: bool) -> Option<std::ops::Range<usize>> {
    let mut spots = Vec::new();
    let mut start = 0;
    for l in lines(data) {
        let body = l.strip_suffix(b"\n").unwrap_or(l);
        if let Some(eq) = body.iter().position(|b| *b == b'=') {
            if !body.starts_with(b"#") && !body.starts_with(b"[") {
                spots.push(if key {
                    start..start + eq
                } else {
                    start + eq + 1..start + body.len()
                });
            }
        }
        start += l.len();
    }
    (!spots.is_empty()).then(|| rng.pick(&spots).clone())
}

impl Mutator {
    fn nested(&mut self) -> Vec<u8> {
        let depth = self.rng.range(1, 400);
        let (open, close): (&str, &str) = match self.rng.below(4) {
            0 => ("{ a = ", " }"),
            1 => ("[", "]"),
            2 => ("[{ a = ", " }]"),
            _ => ("{ a = [", "] }"),
        };
        let mut s = b"deep = ".to_vec();
        for _ in 0..depth {
            s.extend_from_slice(open.as_bytes());
        }
        s.extend_from_slice(b"1");
        for _ in 0..depth {
            s.extend_from_slice(close.as_bytes());
        }
        s.push(b'\n');
        s
    }

    fn long(&mut self) -> Vec<u8> {
        let n = *self.rng.pick(&[100, 1000, 10_000, 65_536, 100_000]);
        match self.rng.below(4) {
            0 => [b"\"".as_slice(), &b"a".repeat(n), b"\""].concat(),
            1 => [b"\"".as_slice(), &"中".repeat(n / 3).into_bytes(), b"\""].concat(),
            2 => {
                let mut s = b"[".to_vec();
                for _ in 0..n / 10 {
                    s.extend_from_slice(b"\"x\", ");
                }
                s.push(b']');
                s
            }
            _ => [b"k".repeat(n).as_slice(), b" = 1\n"].concat(),
        }
    }

    fn token(&mut self) -> Vec<u8> {
        match self.rng.below(10) {
            0 => self.nested(),
            1 => self.long(),
            2 => self.rng.pick(&self.dict.headers).clone(),
            3 => self.rng.pick(&self.dict.keys).clone(),
            4 => self.rng.pick(EDGE_VALUES).as_bytes().to_vec(),
            _ => self.rng.pick(TOKENS).as_bytes().to_vec(),
        }
    }

    fn string_value(&mut self) -> Vec<u8> {
        match self.rng.below(6) {
            0 => self.rng.pick(SPECIAL_STRINGS).as_bytes().to_vec(),
            1 if self.rng.chance(20) => {
                let l = self.long();
                l.strip_prefix(b"\"")
                    .and_then(|l| l.strip_suffix(b"\""))
                    .unwrap_or(&l)
                    .to_vec()
            }
            _ => self.rng.pick(&self.dict.strings).clone(),
        }
    }

    /// One mutation of `data`, with `other` to splice from.
    fn once(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        let len = data.len();
        match self.rng.below(16) {
            // Flip a bit.
            0 if len > 0 => {
                let i = self.rng.below(len);
                data[i] ^= 1 << self.rng.below(8);
            }
            // Set a byte to a significant one.
            1 if len > 0 => {
                let i = self.rng.below(len);
                data[i] = *self.rng.pick(&[
                    0, 0xff, b'"', b'\'', b'\n', b'=', b'[', b']', b'{', b'}', b',', b'#', b'\\',
                    b'.', b' ', 0x80, 0xe4, b'0', b'-',
                ]);
            }
            // Insert a token anywhere, or a line at a line start.
            2 | 3 => {
                let t = self.token();
                let at = if self.rng.chance(50) {
                    line_start(&mut self.rng, data)
                } else {
                    self.rng.below(len + 1)
                };
                data.splice(at..at, t);
            }
            // Delete lines.
            4 => {
                let ls = lines(data);
                if !ls.is_empty() {
                    let i = self.rng.below(ls.len());
                    let n = self.rng.range(1, 4).min(ls.len() - i);
                    let out: Vec<u8> = ls[..i]
                        .iter()
                        .chain(&ls[i + n..])
                        .flat_map(|l| l.iter().copied())
                        .collect();
                    *data = out;
                }
            }
            // Duplicate a line or a block, once or many times.
            5 => {
                let ls = lines(data);
                if !ls.is_empty() {
                    let i = self.rng.below(ls.len());
                    let n = self.rng.range(1, 12).min(ls.len() - i);
                    let times = *self.rng.pick(&[1, 1, 2, 5, 50]);
                    let block: Vec<u8> = ls[i..i + n].concat();
                    let mut out: Vec<u8> = ls[..i + n].concat();
                    for _ in 0..times {
                        out.extend_from_slice(&block);
                    }
                    out.extend(ls[i + n..].concat());
                    *data = out;
                }
            }
            // Insert a line of another seed.
            6 => {
                let ls = lines(other);
                if !ls.is_empty() {
                    let l = self.rng.pick(&ls).to_vec();
                    let at = line_start(&mut self.rng, data);
                    data.splice(at..at, l);
                }
            }
            // Splice: the head of this input, the tail of another.
            7 => {
                let a = lines(data);
                let b = lines(other);
                let i = self.rng.below(a.len() + 1);
                let j = self.rng.below(b.len() + 1);
                let out = [a[..i].concat(), b[j..].concat()].concat();
                *data = out;
            }
            // Swap the values of two keys.
            8 => {
                if let (Some(x), Some(y)) = (
                    assignment(&mut self.rng, data, false),
                    assignment(&mut self.rng, data, false),
                ) {
                    if x.end <= y.start || y.end <= x.start {
                        let (first, second) = if x.start < y.start { (x, y) } else { (y, x) };
                        let (a, b) = (data[first.clone()].to_vec(), data[second.clone()].to_vec());
                        data.splice(second, a);
                        data.splice(first, b);
                    }
                }
            }
            // Replace a value with an edge value.
            9 => {
                if let Some(v) = assignment(&mut self.rng, data, false) {
                    let e = format!(" {}", self.rng.pick(EDGE_VALUES));
                    data.splice(v, e.into_bytes());
                }
            }
            // Replace a number or a date in place.
            10 if len > 0 => {
                let from = self.rng.below(len);
                if let Some(s) = data[from..].iter().position(u8::is_ascii_digit) {
                    let s = from + s;
                    let e = data[s..]
                        .iter()
                        .position(|b| !(b.is_ascii_alphanumeric() || b"-:._+".contains(b)))
                        .map_or(len, |e| s + e);
                    let v = self.rng.pick(EDGE_VALUES).as_bytes().to_vec();
                    data.splice(s..e, v);
                }
            }
            // Replace a string's contents.
            11 if len > 0 => {
                let from = self.rng.below(len);
                if let Some(q) = data[from..].iter().position(|b| *b == b'"') {
                    let s = from + q + 1;
                    if let Some(e) = data[s..].iter().position(|b| *b == b'"' || *b == b'\n') {
                        let v = self.string_value();
                        data.splice(s..s + e, v);
                    }
                }
            }
            // Rename a key.
            12 => {
                if let Some(k) = assignment(&mut self.rng, data, true) {
                    let mut key = self.rng.pick(&self.dict.keys).clone();
                    key.push(b' ');
                    data.splice(k, key);
                }
            }
            // Replace a table header.
            13 => {
                let ls = lines(data);
                let heads: Vec<usize> = ls
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.starts_with(b"["))
                    .map(|(i, _)| i)
                    .collect();
                if !heads.is_empty() {
                    let i = *self.rng.pick(&heads);
                    let mut h = self.rng.pick(&self.dict.headers).clone();
                    h.push(b'\n');
                    let out = [ls[..i].concat(), h, ls[i + 1..].concat()].concat();
                    *data = out;
                }
            }
            // Swap two lines.
            14 => {
                let mut ls = lines(data);
                if ls.len() > 1 {
                    let (i, j) = (self.rng.below(ls.len()), self.rng.below(ls.len()));
                    ls.swap(i, j);
                    let out = ls.concat();
                    *data = out;
                }
            }
            // Truncate.
            _ => {
                if len > 0 {
                    data.truncate(self.rng.below(len));
                }
            }
        }
    }

    fn mutate(&mut self, base: &[u8], other: &[u8]) -> Vec<u8> {
        let mut data = base.to_vec();
        let n = 1 + (self.rng.next_u64() | 1 << 6).trailing_zeros() as usize;
        for _ in 0..n {
            self.once(&mut data, other);
        }
        if data.len() > MAX_INPUT {
            data.truncate(MAX_INPUT);
        }
        data
    }
}

// ---------------------------------------------------------------------------
// Panics, aborts and hangs.

thread_local! {
    /// Set while a fuzz target runs on this thread: its panics are recorded.
    static FUZZING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<Caught>> = const { RefCell::new(None) };
}

#[derive(Clone, Debug)]
struct Caught {
    location: String,
    message: String,
    /// Captured, symbolised only when saved.
    backtrace: Option<Arc<std::backtrace::Backtrace>>,
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !FUZZING.with(Cell::get) {
                return default(info);
            }
            let location = info.location().map_or_else(
                || "<unknown>".into(),
                |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
            );
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "<non-string panic payload>".into());
            let backtrace = Some(Arc::new(std::backtrace::Backtrace::force_capture()));
            LAST_PANIC.with(|p| {
                *p.borrow_mut() = Some(Caught {
                    location,
                    message,
                    backtrace,
                })
            });
        }));
    });
}

/// The input a target is running, shared with its watchdog thread.
#[derive(Default)]
struct Running {
    input: Vec<u8>,
    /// When `input` started; `None` between inputs.
    since: Option<Instant>,
}

/// Locks `running`: a panic never happens while it is held, but a
/// poisoned lock would still hold a whole input.
fn lock(running: &Mutex<Running>) -> MutexGuard<'_, Running> {
    running.lock().unwrap_or_else(|e| e.into_inner())
}

fn crash_dir() -> PathBuf {
    root().join("fuzz/crashes")
}

/// Where each input of `target` is written before it runs: what is there
/// after an abort is the input that caused it.
fn running_path(target: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{target}-running.toml"))
}

/// Watches `running`: once one input has run for longer than `hang`, saves
/// it to `fuzz/crashes/` and ends the process (status 3), since the stuck
/// thread cannot be stopped. Returns when `done` is set.
fn watchdog(
    target: &'static str,
    running: Arc<Mutex<Running>>,
    done: Arc<AtomicBool>,
    hang: Duration,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !done.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(200));
            // Held until the process exits: the input cannot change under us.
            let r = lock(&running);
            if r.since.is_some_and(|t| t.elapsed() > hang) {
                let _ = std::fs::create_dir_all(crash_dir());
                let path = crash_dir().join(format!("{target}-{:016x}-hang.toml", fnv(&r.input)));
                let _ = std::fs::write(&path, &r.input);
                eprintln!(
                    "fuzz {target}: an input has run for more than {hang:?}; saved to {}",
                    path.display()
                );
                std::process::exit(3);
            }
        }
    })
}

/// Removes lines, then bytes, from `input` while `crashes` holds (delta
/// debugging, at most 3000 tries or `limit`).
fn minimise(input: &[u8], limit: Duration, crashes: &mut dyn FnMut(&[u8]) -> bool) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut budget = 3000;
    let deadline = Instant::now() + limit;
    for by_lines in [true, false] {
        let units = |b: &[u8]| -> Vec<usize> {
            if by_lines {
                let mut v: Vec<usize> = std::iter::once(0)
                    .chain(
                        b.iter()
                            .enumerate()
                            .filter(|(_, c)| **c == b'\n')
                            .map(|(i, _)| i + 1),
                    )
                    .collect();
                if v.last() != Some(&b.len()) {
                    v.push(b.len());
                }
                v
            } else {
                (0..=b.len()).collect()
            }
        };
        let mut chunk = (units(&best).len() / 2).max(1);
        while budget > 0 {
            let mut k = 0;
            let mut progressed = false;
            loop {
                let bounds = units(&best);
                let n = bounds.len() - 1;
                if Instant::now() > deadline {
                    budget = 0;
                }
                if k >= n || budget == 0 {
                    break;
                }
                let (a, b) = (bounds[k], bounds[(k + chunk).min(n)]);
                let cand = [&best[..a], &best[b..]].concat();
                budget -= 1;
                if crashes(&cand) {
                    best = cand;
                    progressed = true;
                } else {
                    k += chunk;
                }
            }
            if !progressed {
                if chunk == 1 {
                    break;
                }
                chunk /= 2;
            }
        }
    }
    best
}

/// Saves `input` and its panic; returns the input's path.
fn save_crash(target: &str, input: &[u8], variant: u64, caught: &Caught) -> PathBuf {
    let dir = crash_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{:016x}.toml", fnv(input)));
    let _ = std::fs::write(&path, input);
    let report = format!(
        "target: {target}\nvariant: {variant}\npanicked at {}:\n{}\n\n{}",
        caught.location,
        caught.message,
        caught
            .backtrace
            .as_ref()
            .map(|b| b.to_string())
            .unwrap_or_default()
    );
    let _ = std::fs::write(path.with_extension("txt"), report);
    path
}

// ---------------------------------------------------------------------------
// The targets.

/// What one run of a target found, hashed: inputs with a new one are kept.
type Signature = u64;

fn options(variant: u64, packs: Option<Vec<String>>) -> Options {
    let today = ["2021-06-01", "2022-06-30", "2026-01-01"][(variant >> 8) as usize % 3];
    Options {
        today: Date::parse(today).expect("a valid date"),
        waivers: variant & 1 == 0,
        packs,
        require: Vec::new(),
    }
}

fn config(rules: &Rules, variant: u64) -> Config<'_> {
    Config {
        rules,
        lang: if variant & 2 == 0 { Lang::En } else { Lang::Zh },
        machine_lang: if variant & 64 == 0 {
            Lang::En
        } else {
            Lang::Zh
        },
        color: variant & 4 != 0,
        summary: variant & 8 != 0,
        statistics: variant & 16 != 0,
        quiet: variant & 32 != 0,
        run: None,
    }
}

fn finding_signature(findings: &[Finding], extra: u64) -> Signature {
    let mut set: BTreeSet<(&str, u8, bool, usize)> = BTreeSet::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in findings {
        *counts.entry(f.code.as_str()).or_default() += 1;
    }
    for f in findings {
        let n = counts[f.code.as_str()];
        let bucket = if n < 3 { n } else { 3 };
        set.insert((&f.code, f.severity as u8, f.waived.is_some(), bucket));
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    set.hash(&mut h);
    extra.hash(&mut h);
    h.finish()
}

/// Renders one checked plan in every output format, as `check` does.
fn render_all(rules: &Rules, db: &SourceDb, report: &FileReport, variant: u64) {
    let mut totals = Totals {
        keep_plans: true,
        ..Totals::default()
    };
    totals.add(report);
    let mut roll = portfolio::Roll::new(rules);
    roll.add(report);
    let portfolio = roll.finish();
    let end = Finish {
        totals: &totals,
        portfolio: &portfolio,
    };
    for format in render::Format::value_variants() {
        let mut e = render::emitter(*format, config(rules, variant));
        let mut sink = io::sink();
        e.file(&mut sink, report, db).expect("writing to a sink");
        e.finish(&mut sink, &end).expect("writing to a sink");
    }
}

/// Checks a plan text against `rules` and renders the report.
fn check_plan(rules: &Rules, text: &str, variant: u64, packs: Option<Vec<String>>) -> Signature {
    let mut db = SourceDb::default();
    let source = db.add(Source::new("fuzz.toml", text));
    let opts = options(variant, packs);
    let plan = Plan::from_text(source, &db.get(source).text);
    let checked = eval::check(&plan, rules, &opts);
    let sig = finding_signature(&checked.findings.shown, u64::from(plan.root.is_some()));
    let p = plan.root.as_ref().and_then(|r| r.table("plan"));
    let get = |k: &str| p.and_then(|p| p.str(k)).map(str::to_string);
    let facts = PlanFacts {
        jurisdiction: get("jurisdiction"),
        jurisdiction_zh: get("jurisdiction_zh"),
        level: get("level"),
        ..PlanFacts::default()
    };
    let report = FileReport::new(
        "fuzz.toml".into(),
        db.get(plan.source),
        facts,
        checked.packs,
        checked.findings,
        Some(Severity::Error),
    );
    render_all(rules, &db, &report, variant);
    sig
}

struct PlanTarget {
    rules: Rules,
    packs: Vec<String>,
}

impl PlanTarget {
    fn new() -> PlanTarget {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).expect("the built-in packs load");
        let packs = rules.pack_names().iter().map(|s| s.to_string()).collect();
        PlanTarget { rules, packs }
    }

    fn run(&self, input: &[u8], variant: u64) -> Signature {
        let text = String::from_utf8_lossy(input);
        // The plan loader's own TOML builder must build what the toml
        // crate builds whenever it takes a document.
        if let Err(why) = cdocheck::plan::builders_agree(&text) {
            panic!("the plan builder and the toml crate disagree: {why}");
        }
        // Mostly the plan's own packs; sometimes forced, as with `--pack`.
        let packs = match (variant >> 12) % 8 {
            0 => Some(vec![self.packs
                [(variant >> 16) as usize % self.packs.len()]
            .clone()]),
            1 => Some(self.packs.clone()),
            _ => None,
        };
        check_plan(&self.rules, &text, variant, packs)
    }
}

struct PackTarget {
    plans: Vec<String>,
}

impl PackTarget {
    fn run(&self, input: &[u8], variant: u64) -> Signature {
        let text = String::from_utf8_lossy(input);
        let mut db = SourceDb::default();
        // Sometimes on top of the built-in packs, as with `--rules`.
        let mut rules = if variant.is_multiple_of(8) {
            Rules::builtin(&mut db).expect("the built-in packs load")
        } else {
            Rules::default()
        };
        match rules.add(&mut db, "fuzz-pack.toml", &text) {
            Err(problems) => {
                let none = Rules::default();
                let human = Human::new(config(&none, variant));
                for p in &problems {
                    human
                        .finding(&mut io::sink(), &db, p)
                        .expect("writing to a sink");
                }
                let mut h = std::collections::hash_map::DefaultHasher::new();
                for p in &problems {
                    p.code.hash(&mut h);
                    // The message's words, without the names it quotes.
                    p.message
                        .to_string()
                        .split('`')
                        .step_by(2)
                        .collect::<String>()
                        .hash(&mut h);
                }
                h.finish()
            }
            Ok(()) => {
                let lang = if variant & 2 == 0 { Lang::En } else { Lang::Zh };
                let pack = rules.packs.last().expect("the pack just added");
                let name = pack.name.clone();
                let ids: Vec<String> = pack.rules().iter().map(|r| r.id.clone()).collect();
                let _ = rules_md::render(&rules);
                let _ = rules_table::render(&rules, Some(&name), Some(100), lang);
                for id in &ids {
                    let _ = explain::explain(&rules, id, lang);
                }
                let mut sig = 1;
                for k in 0..2 {
                    let plan = &self.plans[(variant >> (8 + 8 * k)) as usize % self.plans.len()];
                    let packs = (variant & 16 == 0).then(|| vec![name.clone()]);
                    sig ^= check_plan(&rules, plan, variant, packs).rotate_left(k as u32 * 7);
                }
                sig
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The loop.

struct Outcome {
    iterations: u64,
    corpus: usize,
    signatures: usize,
    crashes: Vec<PathBuf>,
    /// Iterations that panicked, at the sites in `crashes` or at those again.
    panicked: u64,
    slowest: (Duration, usize),
}

/// Runs `run` on `seeds`, then on `iterations` mutations of them.
fn fuzz(
    target: &'static str,
    seeds: Vec<Vec<u8>>,
    dict_seeds: &[Vec<u8>],
    iterations: u64,
    seed: u64,
    run: &dyn Fn(&[u8], u64) -> Signature,
) -> Outcome {
    install_panic_hook();
    let running_file = running_path(target);
    eprintln!(
        "fuzz {target}: seed {seed:#x}, {iterations} mutations; each input is written to {} \
         before it runs (after an abort, it holds the input that caused it)",
        running_file.display()
    );
    let running = Arc::new(Mutex::new(Running::default()));
    let done = Arc::new(AtomicBool::new(false));
    let hang = Duration::from_secs_f64(env_or("CDOCHECK_FUZZ_HANG_SECONDS", 20.0));
    let watchdog = watchdog(target, running.clone(), done.clone(), hang);

    let mut rng = Rng::new(seed ^ fnv(target.as_bytes()));
    let mut m = Mutator {
        rng: Rng::new(rng.next_u64()),
        dict: Dict::from_seeds(dict_seeds),
    };
    let mut corpus = seeds;
    let n_seeds = corpus.len();
    let mut seen: HashSet<Signature> = HashSet::new();
    let mut crashes: Vec<PathBuf> = Vec::new();
    let mut crash_sites: HashSet<String> = HashSet::new();
    let mut slowest = (Duration::ZERO, 0);
    let mut slowest_input: Vec<u8> = Vec::new();
    let started = Instant::now();
    let mut ran: u64 = 0;
    let mut panicked: u64 = 0;
    let mut next_report = Duration::from_secs(60);

    let attempt = |input: &[u8], variant: u64| -> Result<(Signature, Duration), Caught> {
        let _ = std::fs::write(&running_file, input);
        {
            let mut r = lock(&running);
            r.input.clear();
            r.input.extend_from_slice(input);
            r.since = Some(Instant::now());
        }
        FUZZING.with(|f| f.set(true));
        let t = Instant::now();
        let r = panic::catch_unwind(AssertUnwindSafe(|| run(input, variant)));
        let took = t.elapsed();
        FUZZING.with(|f| f.set(false));
        lock(&running).since = None;
        r.map(|sig| (sig, took)).map_err(|_| {
            LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or(Caught {
                    location: "<unknown>".into(),
                    message: "<no message>".into(),
                    backtrace: None,
                })
        })
    };

    let mut i = 0usize;
    loop {
        // The seeds as they are first, then mutations.
        let (input, variant) = if i < n_seeds {
            (corpus[i].clone(), rng.next_u64())
        } else {
            if i >= n_seeds + iterations as usize {
                break;
            }
            let base = if rng.chance(50) {
                rng.below(n_seeds)
            } else {
                rng.below(corpus.len())
            };
            let other = rng.below(corpus.len());
            (m.mutate(&corpus[base], &corpus[other]), rng.next_u64())
        };
        i += 1;
        ran += 1;
        match attempt(&input, variant) {
            Ok((sig, took)) => {
                if took > slowest.0 {
                    slowest = (took, input.len());
                    slowest_input.clone_from(&input);
                }
                if seen.insert(sig) && i > n_seeds {
                    if corpus.len() < MAX_CORPUS + n_seeds {
                        corpus.push(input);
                    } else {
                        let j = n_seeds + rng.below(MAX_CORPUS);
                        corpus[j] = input;
                    }
                }
            }
            Err(caught) => {
                panicked += 1;
                if crash_sites.insert(caught.location.clone()) {
                    // Minimise while it panics at the same place.
                    // (A seed is saved as it is.)
                    let limit = if i <= n_seeds {
                        Duration::ZERO
                    } else {
                        Duration::from_secs(10)
                    };
                    let best = minimise(
                        &input,
                        limit,
                        &mut |cand| matches!(attempt(cand, variant), Err(c) if c.location == caught.location),
                    );
                    let path = save_crash(target, &best, variant, &caught);
                    eprintln!(
                        "fuzz {target}: PANIC at {}: {}\n  input: {}",
                        caught.location,
                        caught.message,
                        path.display()
                    );
                    crashes.push(path);
                }
            }
        }
        if started.elapsed() >= next_report {
            eprintln!(
                "fuzz {target}: {:>4.0} s, {ran} iterations, {:.0}/s, corpus {}, \
                 {panicked} panicked at {} site(s)",
                started.elapsed().as_secs_f64(),
                ran as f64 / started.elapsed().as_secs_f64(),
                corpus.len(),
                crash_sites.len()
            );
            next_report += Duration::from_secs(60);
        }
    }
    done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    // The slowest input, to look into when it is slow.
    if slowest.0 >= Duration::from_secs(1) {
        let dir = root().join("fuzz/slow");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{target}-slowest.toml")), &slowest_input);
    }
    let _ = std::fs::remove_file(&running_file);
    Outcome {
        iterations: ran,
        corpus: corpus.len(),
        signatures: seen.len(),
        crashes,
        panicked,
        slowest,
    }
}

fn report(target: &str, seed: u64, o: &Outcome, took: Duration) {
    eprintln!(
        "fuzz {target}: seed {seed:#x}: {} iterations in {:.1} s ({:.0}/s); {} distinct outcomes, corpus {}; \
         slowest input {:.1} ms ({} bytes); {} panicking iteration(s) at {} site(s)",
        o.iterations,
        took.as_secs_f64(),
        o.iterations as f64 / took.as_secs_f64().max(1e-9),
        o.signatures,
        o.corpus,
        o.slowest.0.as_secs_f64() * 1000.0,
        o.slowest.1,
        o.panicked,
        o.crashes.len()
    );
    assert!(
        o.crashes.is_empty(),
        "fuzz {target} found panics; inputs (with .txt backtraces beside them):\n{}",
        o.crashes
            .iter()
            .map(|p| format!("  {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
#[ignore = "fuzzing: run with `cargo test --test fuzz -- --ignored` (CDOCHECK_FUZZ_ITERATIONS)"]
fn fuzz_plans() {
    let seed = seed();
    let seeds = plan_seeds(seed, true);
    let target = PlanTarget::new();
    let t = Instant::now();
    let o = fuzz(
        "plan",
        seeds.clone(),
        &seeds,
        iterations(),
        seed,
        &|input, variant| target.run(input, variant),
    );
    report("plan", seed, &o, t.elapsed());
}

#[test]
#[ignore = "fuzzing: run with `cargo test --test fuzz -- --ignored` (CDOCHECK_FUZZ_ITERATIONS)"]
fn fuzz_rule_packs() {
    let seed = seed();
    let packs = pack_seeds();
    assert!(!packs.is_empty(), "no rule packs in rules/");
    let plans: Vec<String> = plan_seeds(seed, false)
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let mut dict_seeds = packs.clone();
    dict_seeds.extend(plans.iter().take(8).map(|p| p.clone().into_bytes()));
    let target = PackTarget { plans };
    let t = Instant::now();
    let o = fuzz(
        "pack",
        packs,
        &dict_seeds,
        iterations(),
        seed,
        &|input, variant| target.run(input, variant),
    );
    report("pack", seed, &o, t.elapsed());
}

// ---------------------------------------------------------------------------
// Regressions: inputs the fuzzer once crashed on.

/// The 16 variants an input is replayed in: language, colour, waivers,
/// summary, forced packs and the date of "today".
fn replay_variants() -> impl Iterator<Item = u64> {
    (0..16u64).map(|v| v | v << 8 | v << 16)
}

/// Runs `input` through its target (`pack` when the file name starts with
/// `pack-`, else `plan`) in every variant; returns how long each took, or
/// the first panic.
fn replay(path: &Path, plans: &PlanTarget, packs: &PackTarget) -> Result<Vec<Duration>, String> {
    let input = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // The target is the file name's prefix, as `fuzz` saves it: a `cel-`
    // input is a pack, a `baseline-` input a baseline.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_pack = name.starts_with("pack-") || name.starts_with("cel-");
    let is_baseline = name.starts_with("baseline-");
    let baselines = is_baseline.then(BaselineTarget::new);
    install_panic_hook();
    let mut took = Vec::new();
    for v in replay_variants() {
        let t = Instant::now();
        FUZZING.with(|f| f.set(true));
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            if let Some(b) = &baselines {
                b.run(&input, v)
            } else if is_pack {
                packs.run(&input, v)
            } else {
                plans.run(&input, v)
            }
        }));
        FUZZING.with(|f| f.set(false));
        took.push(t.elapsed());
        if r.is_err() {
            let c = LAST_PANIC.with(|p| p.borrow_mut().take());
            let (at, msg) = c.map_or_else(Default::default, |c| (c.location, c.message));
            return Err(format!(
                "{} (variant {v:#x}): panicked at {at}: {msg}",
                path.display()
            ));
        }
    }
    Ok(took)
}

fn replay_targets() -> (PlanTarget, PackTarget) {
    let packs = PackTarget {
        plans: plan_seeds(DEFAULT_SEED, false)
            .iter()
            .take(8)
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
    };
    (PlanTarget::new(), packs)
}

/// The committed regression inputs (`tests/fixtures/fuzz/plan-*.toml` and
/// `pack-*.toml`, inputs the fuzzer once crashed on) run through their
/// targets in every variant without a panic; so does the input named by
/// `CDOCHECK_FUZZ_REPLAY`, when set. Prints how long each variant takes:
///
/// ```sh
/// CDOCHECK_FUZZ_REPLAY=fuzz/slow/pack-slowest.toml \
///     cargo test --release --test fuzz fuzz_replay -- --nocapture
/// ```
#[test]
fn fuzz_replay() {
    let (plan_inputs, pack_inputs) = (regressions("plan"), regressions("pack"));
    assert!(
        !plan_inputs.is_empty() && !pack_inputs.is_empty(),
        "tests/fixtures/fuzz/ has no plan-*.toml or no pack-*.toml regression"
    );
    let mut inputs = [
        plan_inputs,
        pack_inputs,
        regressions("cel"),
        regressions("baseline"),
    ]
    .concat();
    if let Some(extra) = std::env::var_os("CDOCHECK_FUZZ_REPLAY") {
        inputs.push(PathBuf::from(extra));
    }
    let (plans, packs) = replay_targets();
    let mut failures = Vec::new();
    for path in &inputs {
        match replay(path, &plans, &packs) {
            Ok(took) => {
                for (v, t) in replay_variants().zip(took) {
                    eprintln!(
                        "{}: variant {v:#x}: {:.1} ms",
                        path.display(),
                        t.as_secs_f64() * 1000.0
                    );
                }
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "fuzz regressions panic:\n{}",
        failures.join("\n")
    );
}

/// `cdocheck ARGS…` as a user runs it, uncoloured.
fn cdocheck(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cdocheck"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A run that panicked (exit 101, "panicked" on stderr) is a failure.
fn no_panic(o: &std::process::Output, what: &str) -> Result<(), String> {
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(101) || err.contains("panicked") {
        Err(format!("{what}: {}\n{err}", o.status))
    } else {
        Ok(())
    }
}

/// The committed regressions through the binary, as a user meets them:
/// each plan in every output format and both languages (a plan's problems
/// are findings: exit 0 or 1), each pack with `--rules` in `check` and
/// `rules` (it may be refused, exit 2, but nothing panics).
#[test]
fn fuzz_regressions_through_the_binary() {
    let mut failures = Vec::new();
    let plans = regressions("plan");
    assert!(
        !plans.is_empty(),
        "no plan regression in tests/fixtures/fuzz/"
    );
    for path in &plans {
        for format in render::Format::value_variants() {
            let format = format.to_possible_value().expect("a named format");
            for lang in ["en", "zh-CN"] {
                let args = ["check", "--today", "2026-01-01", "--lang", lang, "--format"];
                let mut args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
                args.push(format.get_name().as_ref());
                args.push(path.as_os_str());
                let o = cdocheck(&args);
                let what = format!("{} ({}, {lang})", path.display(), format.get_name());
                match no_panic(&o, &what) {
                    Err(e) => failures.push(e),
                    Ok(()) if !matches!(o.status.code(), Some(0 | 1)) => failures.push(format!(
                        "{what}: {}\n{}",
                        o.status,
                        String::from_utf8_lossy(&o.stderr)
                    )),
                    Ok(()) => {}
                }
            }
        }
    }
    let packs = regressions("pack");
    assert!(
        !packs.is_empty(),
        "no pack regression in tests/fixtures/fuzz/"
    );
    for path in &packs {
        let rules = [path.as_os_str()];
        for command in [
            &[
                "check",
                "--today",
                "2026-01-01",
                "examples/shenzhen-2021.toml",
            ][..],
            &["rules"][..],
        ] {
            let mut args: Vec<&std::ffi::OsStr> = command.iter().map(|a| a.as_ref()).collect();
            args.push("--rules".as_ref());
            args.extend(rules);
            let what = format!("{} ({})", path.display(), command[0]);
            if let Err(e) = no_panic(&cdocheck(&args), &what) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------
// The generator the seeds and the benchmark use.

#[test]
fn generated_plans_are_deterministic() {
    for i in 0..50 {
        assert_eq!(corpus::generate(7, i).text, corpus::generate(7, i).text);
    }
    assert_ne!(corpus::generate(7, 0).text, corpus::generate(8, 0).text);
}

/// Compliant generated plans have no finding (but waived ones); the others
/// get at least the finding of each violation they were given.
#[test]
fn generated_plans_are_as_labelled() {
    let mut db = SourceDb::default();
    let rules = Rules::builtin(&mut db).expect("the built-in packs load");
    let opts = options(0, None);
    let n: u64 = env_or("CDOCHECK_CORPUS_CHECK", 600);
    let mut failing = 0;
    for i in 0..n {
        let p = corpus::generate(DEFAULT_SEED, i);
        assert!(
            (8..=40).contains(&p.units),
            "{}: {} units",
            p.file_name,
            p.units
        );
        let mut pdb = SourceDb::default();
        let source = pdb.add(Source::new(p.file_name.clone(), p.text.as_str()));
        let plan = Plan::from_text(source, &p.text);
        let checked = eval::check(&plan, &rules, &opts);
        let units = plan.root.as_ref().map_or(0, |r| r.tables("unit").count());
        assert_eq!(units, p.units, "{}", p.file_name);
        let live: Vec<String> = checked
            .findings
            .iter()
            .filter(|f| f.waived.is_none())
            .map(|f| format!("{} {}", f.code, f.message))
            .collect();
        if p.violations.is_empty() {
            assert!(
                live.is_empty(),
                "{} should pass:\n{}\n{}",
                p.file_name,
                live.join("\n"),
                p.text
            );
            let waived = checked.findings.iter().any(|f| f.waived.is_some());
            assert_eq!(waived, p.waived, "{}", p.file_name);
        } else {
            failing += 1;
            for (v, code) in p.expected() {
                assert!(
                    live.iter().any(|f| f.starts_with(code)),
                    "{} should have {code} for {v:?}; has:\n{}\n{}",
                    p.file_name,
                    live.join("\n"),
                    p.text
                );
            }
        }
    }
    let share = failing as f64 / n as f64;
    assert!(
        (0.24..=0.36).contains(&share),
        "{failing} of {n} plans have violations"
    );
}

// ---------------------------------------------------------------------------
// Baselines: `fuzz_baselines` mutates baseline files (as `--write-baseline`
// writes them for the examples and fixtures) and runs each through
// `Baseline::parse`; one that loads is applied to checked plans, whose
// reports (baselined findings, stale entries) render in every format.

struct BaselineTarget {
    rules: Rules,
    /// Plans by the path their baselines name.
    plans: Vec<(String, String)>,
}

impl BaselineTarget {
    fn new() -> BaselineTarget {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).expect("the built-in packs load");
        let plans = ["examples", "rules/tests/guangdong-2021", "rules/tests/core"]
            .iter()
            .flat_map(|d| toml_files(&root().join(d)))
            .filter_map(|p| {
                let text = std::fs::read_to_string(&p).ok()?;
                let name = p.strip_prefix(root()).ok()?.to_string_lossy().into_owned();
                Some((name, text))
            })
            .collect();
        BaselineTarget { rules, plans }
    }

    /// One plan checked, its findings marked by `baseline` when given.
    fn report(
        &self,
        (name, text): &(String, String),
        variant: u64,
        baseline: Option<&cdocheck::baseline::Baseline>,
    ) -> (FileReport, SourceDb) {
        let mut db = SourceDb::default();
        let source = db.add(Source::new(name.as_str(), text.as_str()));
        let plan = Plan::from_text(source, &db.get(source).text);
        let mut checked = eval::check(&plan, &self.rules, &options(variant, None));
        let stale = baseline
            .map(|b| b.apply(name, &mut checked.findings))
            .unwrap_or_default();
        let mut report = FileReport::new(
            name.clone(),
            db.get(plan.source),
            PlanFacts::default(),
            checked.packs,
            checked.findings,
            Some(Severity::Error),
        );
        report.stale = stale;
        (report, db)
    }

    /// Baselines as `--write-baseline` writes them: one per plan, and one
    /// of every plan together; one with a byte-order mark.
    fn seeds(&self) -> Vec<Vec<u8>> {
        let write = |plans: &[(String, String)]| {
            let mut w = render::baseline::Writer::default();
            let mut totals = Totals::default();
            for p in plans {
                let (report, db) = self.report(p, 0, None);
                totals.add(&report);
                render::Emitter::file(&mut w, &mut io::sink(), &report, &db).expect("a sink");
            }
            let portfolio = portfolio::Roll::new(&self.rules).finish();
            let end = Finish {
                totals: &totals,
                portfolio: &portfolio,
            };
            let mut out = Vec::new();
            render::Emitter::finish(&mut w, &mut out, &end).expect("a vector");
            out
        };
        let mut seeds: Vec<Vec<u8>> = self.plans.chunks(1).map(write).collect();
        seeds.push(write(&self.plans));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&seeds[0]);
        seeds.push(bom);
        seeds
    }

    fn run(&self, input: &[u8], variant: u64) -> Signature {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let baseline = match cdocheck::baseline::Baseline::parse(input) {
            Ok(b) => b,
            Err(why) => {
                let _ = why.get(Lang::Zh);
                // The message's words, without the serde detail it quotes.
                let words = why.get(Lang::En);
                words.split(':').next().hash(&mut h);
                return h.finish();
            }
        };
        for k in 0..2 {
            let plan = &self.plans[(variant >> (8 + 8 * k)) as usize % self.plans.len()];
            let (report, db) = self.report(plan, variant, Some(&baseline));
            let baselined = report
                .findings
                .iter()
                .filter(|l| l.finding.baselined)
                .count();
            (baselined.min(3), report.stale.len().min(3)).hash(&mut h);
            render_all(&self.rules, &db, &report, variant);
        }
        h.finish()
    }
}

#[test]
#[ignore = "fuzzing: run with `cargo test --test fuzz -- --ignored` (CDOCHECK_FUZZ_ITERATIONS)"]
fn fuzz_baselines() {
    let seed = seed();
    let target = BaselineTarget::new();
    let seeds = target.seeds();
    // The dictionary is made of `key = value` lines: the plans' keys, unit
    // ids and codes are what baselines quote.
    let mut dict_seeds = seeds.clone();
    dict_seeds.extend(target.plans.iter().map(|(_, t)| t.clone().into_bytes()));
    let t = Instant::now();
    let o = fuzz(
        "baseline",
        seeds.clone(),
        &dict_seeds,
        iterations(),
        seed,
        &|input, variant| target.run(input, variant),
    );
    report("baseline", seed, &o, t.elapsed());
}

/// The baseline target's seeds load and mark findings: the fuzzer starts
/// from baselines that reach `apply`, not only from parse errors.
#[test]
fn baseline_seeds_load_and_match() {
    let target = BaselineTarget::new();
    let seeds = target.seeds();
    assert!(seeds.len() > 3);
    let all = cdocheck::baseline::Baseline::parse(&seeds[seeds.len() - 2])
        .expect("a written baseline loads");
    let (report, _) = target.report(&target.plans[0], 0, Some(&all));
    assert!(
        report
            .findings
            .iter()
            .all(|l| l.finding.baselined || l.finding.waived.is_some()),
        "every finding of {} is baselined",
        target.plans[0].0
    );
}

// ---------------------------------------------------------------------------
// CEL expressions and keyword sets of rule packs (issue 14): seeds are packs
// whose `expr` rules and `[keywords]` sets the mutator then rewrites; each
// input is loaded and, when it loads, checked on the seed plans, as
// `fuzz_rule_packs` does. A load or an evaluation must neither panic nor
// run away (the watchdog saves inputs that are slow).

/// Expressions near the edges: typos, costs, nesting, every macro.
const CEL_SEEDS: &[&str] = &[
    "unit.id.startsWith('jm-') || unit.level != 'prefecture'",
    "unit.id.startswith('x')",
    "unit.idd == 'x'",
    "has(unit.cdo) && unit.cdo.rank in ['chief', 'deputy']",
    "size(unit.cdo.duties) >= 3 && unit.cdo.duties.exists(d, d == 'talent')",
    "unit.cdo.duties.all(d, d.size() > 0) && unit.cdo.duties.exists_one(d, d == 'planning')",
    "unit.cdo.duties.map(d, d + d).filter(x, x.endsWith('y')).size() >= 0",
    "[1,2,3].all(a, [1,2,3].all(b, [1,2,3].all(c, a + b + c >= 0)))",
    "[1,2,3].all(a, [1,2,3].all(b, [1,2,3].all(c, [1,2,3].all(d, true))))",
    "{'a': [1]}['a'].all(x, x > 0)",
    "type(unit.id) == string && int('1') == 1 && dyn(unit.name) != ''",
    "unit.name + unit.name + unit.name != ''",
    "(unit.level == 'county' ? unit.cdo.duties : ['x']).all(d, d != '')",
];

const KEYWORD_SEEDS: &[&str] = &[
    "top = [\"@mid\"]\nmid = [\"@leaf\"]\nleaf = [\"bureau\", \"jiangmen\"]",
    "top = [\"@a\"]\na = [\"@b\"]\nb = [\"@a\"]",
    "top = [\"@top\"]",
    "top = [\"@a\", \"@a\"]\na = [\"@b\", \"@b\"]\nb = [\"x\"]",
    "top = []",
    "top = [\" \"]",
];

fn cel_seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (i, e) in CEL_SEEDS.iter().enumerate() {
        for given in ["given = \"unit\"\n", ""] {
            seeds.push(format!(
                "[pack]\nname = \"fz\"\ntitle = \"t\"\ndocument = \"d\"\n\n[[rule]]\nid = \"FZ{i:03}\"\nkind = \"expr\"\n{given}statement = \"s\"\nseverity = \"error\"\nexpr = \"{e}\"\nmessage = \"m {{unit}}\"\nhelp = \"h\"\n[rule.citation]\ndocument = \"d\"\nprovenance = \"text\"\n"
            ).into_bytes());
        }
    }
    for (i, k) in KEYWORD_SEEDS.iter().enumerate() {
        seeds.push(format!(
            "[pack]\nname = \"fz\"\ntitle = \"t\"\ndocument = \"d\"\napplies_when = {{ field = \"plan.jurisdiction\", keywords = [\"@top\"] }}\n\n[keywords]\n{k}\n\n[[rule]]\nid = \"KW{i:03}\"\nkind = \"assert\"\ngiven = \"unit\"\nstatement = \"s\"\nseverity = \"error\"\nrequire = {{ field = \"unit.name\", keywords = [\"@top\", \"office\"] }}\nmessage = \"m\"\nhelp = \"h\"\n[rule.citation]\ndocument = \"d\"\nprovenance = \"text\"\n"
        ).into_bytes());
    }
    seeds
}

#[test]
#[ignore = "fuzzing: run with `cargo test --test fuzz -- --ignored` (CDOCHECK_FUZZ_ITERATIONS)"]
fn fuzz_cel_and_keywords() {
    let seed = seed();
    let mut seeds = cel_seeds();
    seeds.extend(
        regressions("cel")
            .iter()
            .filter_map(|p| std::fs::read(p).ok()),
    );
    let plans: Vec<String> = plan_seeds(seed, false)
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let target = PackTarget { plans };
    let t = Instant::now();
    let o = fuzz(
        "cel",
        seeds.clone(),
        &seeds,
        iterations(),
        seed,
        &|input, variant| target.run(input, variant),
    );
    report("cel", seed, &o, t.elapsed());
}

/// The CEL and keyword seeds load or are refused without panicking, and
/// the hostile ones are refused (a fast check run by `cargo test`).
#[test]
fn cel_seeds_load_or_are_refused() {
    let plans = vec![std::fs::read_to_string(root().join("examples/jiangmen-2021.toml")).unwrap()];
    let target = PackTarget { plans };
    for s in cel_seeds() {
        let _ = target.run(&s, 1);
    }
}

// ---------------------------------------------------------------------------
// `fuzz_import`: plan documents read into drafts.

/// The import seeds: the plan documents of the import tests, as text and as
/// .docx (a zip archive; mutated, it is a broken one), and a huge paragraph.
fn import_seeds() -> Vec<Vec<u8>> {
    let dir = root().join("tests/fixtures/import");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    texts.sort();
    let mut seeds: Vec<Vec<u8>> = texts.iter().map(|t| t.clone().into_bytes()).collect();
    seeds.extend(texts.iter().map(|t| docx_of(t)));
    seeds.push(format!("首席数据官方案\n{}", "、市公安局".repeat(20_000)).into_bytes());
    seeds.extend(
        regressions("import")
            .iter()
            .filter_map(|p| std::fs::read(p).ok()),
    );
    seeds
}

/// A .docx holding `text`, a paragraph per line (stored, not compressed,
/// so that mutations reach the XML).
fn docx_of(text: &str) -> Vec<u8> {
    use std::io::Write;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body: String = text
        .lines()
        .map(|l| format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", esc(l)))
        .collect();
    let xml = format!("<w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>");
    let mut buf = io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("word/document.xml", opts)
        .expect("a zip entry");
    z.write_all(xml.as_bytes()).expect("written to memory");
    z.finish().expect("a zip in memory");
    buf.into_inner()
}

struct ImportTarget {
    rules: Rules,
}

impl ImportTarget {
    /// The input as a .docx, .txt or .md by `variant`; a draft must be
    /// valid TOML and plan format v1 (no PF finding when checked).
    fn run(&self, input: &[u8], variant: u64) -> Signature {
        let name = ["plan.docx", "plan.txt", "plan.md"][(variant % 3) as usize];
        let lang = if variant & 8 == 0 { Lang::En } else { Lang::Zh };
        match cdocheck::import::draft_of(name, input, &self.rules, lang) {
            Err(why) => fnv(why.split(':').next().unwrap_or("").as_bytes()),
            Ok(draft) => {
                if let Err(e) = draft.parse::<toml::Table>() {
                    panic!("the draft is not valid TOML: {e}\n{draft}");
                }
                let mut db = SourceDb::default();
                let source = db.add(Source::new("draft.toml", draft.as_str()));
                let plan = Plan::from_text(source, &db.get(source).text);
                let checked = eval::check(&plan, &self.rules, &options(variant, None));
                let pf: Vec<String> = checked
                    .findings
                    .shown
                    .iter()
                    .map(|f| f.code.to_string())
                    .filter(|c| c.starts_with("PF"))
                    .collect();
                assert!(
                    pf.is_empty(),
                    "the draft has format findings {pf:?}:\n{draft}"
                );
                finding_signature(&checked.findings.shown, 7)
            }
        }
    }
}

#[test]
#[ignore = "fuzzing: run with `cargo test --test fuzz -- --ignored` (CDOCHECK_FUZZ_ITERATIONS)"]
fn fuzz_import() {
    let seed = seed();
    let seeds = import_seeds();
    let mut db = SourceDb::default();
    let target = ImportTarget {
        rules: Rules::builtin(&mut db).expect("the built-in packs load"),
    };
    // Words to mutate with: the reading patterns' own phrases.
    let mut dict = seeds.clone();
    dict.extend(std::fs::read(root().join("rules/import.toml")));
    let t = Instant::now();
    let o = fuzz(
        "import",
        seeds,
        &dict,
        iterations(),
        seed,
        &|input, variant| target.run(input, variant),
    );
    report("import", seed, &o, t.elapsed());
}

/// The import seeds give drafts that are valid plans, in every reading
/// (a fast check run by `cargo test`).
#[test]
fn import_seeds_give_valid_drafts() {
    let mut db = SourceDb::default();
    let target = ImportTarget {
        rules: Rules::builtin(&mut db).expect("the built-in packs load"),
    };
    for s in import_seeds() {
        for variant in 0..3 {
            let _ = target.run(&s, variant);
        }
    }
}
