//! The validated plan: a tree of values that each keep their byte span.
//! Only values that passed the schema are here; a value that failed it is
//! `Invalid`, so rules can tell "missing" from "present but unreadable".

use std::fmt::{self, Write as _};

use crate::source::Span;

/// A calendar date (plans use TOML local dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        date.is_valid().then_some(date)
    }

    fn is_valid(&self) -> bool {
        (1..=Date::days_in_month(self.year, self.month)).contains(&self.day)
    }

    /// The last day of `month` in `year` (0 for a month that does not exist).
    pub fn days_in_month(year: u16, month: u8) -> u8 {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// Today's date in China Standard Time (UTC+8, no daylight saving),
    /// from the system clock: the plans' dates are dates in China, so a
    /// waiver runs to the end of its last day there, not eight hours early.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::in_china_at(secs)
    }

    /// The date in China Standard Time `secs` seconds after the UNIX epoch.
    fn in_china_at(secs: u64) -> Date {
        const UTC_PLUS_8: u64 = 8 * 3600;
        Date::from_days((secs.saturating_add(UTC_PLUS_8) / 86_400) as i64)
    }

    /// Days since 1970-01-01, the inverse of [`Date::from_days`] (Howard
    /// Hinnant's algorithm): the days between two dates are a subtraction.
    pub fn days_since_epoch(&self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Date(Date),
    List(Vec<Node>),
    Table(Table),
    /// Present in the file but not readable as the schema asks.
    Invalid,
    /// A string holding a `<…>` placeholder, in a key of any type: a value
    /// still to be filled, unknown to every rule (CORE008 reports it).
    Placeholder(String),
}

/// The first `<…>` in `s`: `<`, one or more characters none of which is
/// `>`, then `>` (plan-format.md, "Placeholders"). `<>` and `scores <60`
/// hold none.
pub fn placeholder(s: &str) -> Option<&str> {
    // Most strings hold no `<`: one vectorised byte scan says so.
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(open) = memchr::memchr(b'<', &b[from..]).map(|i| from + i) {
        let close = open + 1 + memchr::memchr(b'>', &b[open + 1..])?;
        if close > open + 1 {
            return Some(&s[open..=close]);
        }
        from = open + 1;
    }
    None
}

impl Value {
    /// Unknown to rules: a placeholder, or a list holding one.
    pub fn is_placeholder(&self) -> bool {
        match self {
            Value::Placeholder(_) => true,
            Value::List(items) => items.iter().any(|n| n.value.is_placeholder()),
            _ => false,
        }
    }
}

/// A table's entries in file order, each with the span of its key.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// One of the schema's keys (unknown keys never reach the tree).
    pub key: &'static str,
    pub key_span: Span,
    pub node: Node,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Node> {
        // Rules name keys by the schema's own strings, which the entries
        // hold too ([`super::schema::keys`]): the same pointer is the same
        // key, found without comparing bytes.
        let same = |e: &&Entry| std::ptr::eq(e.key, key) || e.key == key;
        self.entries.iter().find(same).map(|e| &e.node)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)?.value {
            Value::Str(ref s) => Some(s),
            _ => None,
        }
    }

    pub fn date(&self, key: &str) -> Option<Date> {
        match self.get(key)?.value {
            Value::Date(d) => Some(d),
            _ => None,
        }
    }

    pub fn table(&self, key: &str) -> Option<&Table> {
        self.get(key)?.as_table()
    }

    /// The tables of an array of tables (`[[unit]]`), with their header spans.
    pub fn tables(&self, key: &str) -> impl Iterator<Item = (&Span, &Table)> {
        let list = match self.get(key).map(|n| &n.value) {
            Some(Value::List(l)) => l.as_slice(),
            _ => &[],
        };
        list.iter()
            .filter_map(|n| n.as_table().map(|t| (&n.span, t)))
    }
}

impl Table {
    /// The path of the key whose value (or table header) is exactly `span`:
    /// `unit[futian].cdo.rank`, `milestone[2026-06-30,report].due`. Elements
    /// are named by identity ([`element_identity`]), so the path survives
    /// edits that move lines or insert and reorder other elements.
    /// Builds a [`KeyIndex`]: for more than one span, build one and ask it.
    pub fn key_at(&self, span: &Span) -> Option<String> {
        KeyIndex::new(self).key_at(span)
    }
}

/// Every key path of a tree by the span of its value, built in one walk so
/// that naming each of many findings costs no walk of its own (a finding
/// late in a long list used to walk the whole tree before it). Nothing is
/// spelt out until a path is asked for: an element's identity is read
/// then, so building the index allocates only its two vectors.
pub struct KeyIndex<'t> {
    /// Each indexed node's span, depth and place in `steps`, sorted by
    /// span; for one span, the deepest first.
    by_span: Vec<(usize, usize, std::cmp::Reverse<u32>, u32)>,
    /// Each indexed node: its parent (`u32::MAX` at the top) and its step.
    steps: Vec<(u32, Step<'t>)>,
}

#[derive(Clone, Copy)]
enum Step<'t> {
    Key(&'static str),
    /// The `index`th element of the list `list`, named by identity
    /// ([`element_identity`]) when `table` has one, else by position.
    Elem {
        list: &'static str,
        index: usize,
        table: Option<&'t Table>,
    },
}

/// How an element of a list of tables is named in key paths: by identity,
/// not position (json-output.md, "Fingerprints"), so that inserting one
/// waiver above another leaves the other's key, and its baseline entry,
/// as it was. A waiver is `RULE,UNIT` (`UNIT` empty when absent), a
/// milestone `DUE,DELIVERABLE`, anything else its `id`; `None` (an
/// element without one) falls back to the position. `get` reads a key's
/// value as written.
pub(crate) fn element_identity(list: &str, get: impl Fn(&str) -> Option<String>) -> Option<String> {
    let pair = |a: &str, b: &str| {
        let (a, b) = (get(a), get(b));
        (a.is_some() || b.is_some())
            .then(|| format!("{},{}", a.unwrap_or_default(), b.unwrap_or_default()))
    };
    match list {
        "waiver" => pair("rule", "unit"),
        "milestone" => pair("due", "deliverable"),
        _ => get("id"),
    }
}

/// A scalar value as written, for [`element_identity`].
fn scalar(n: &Node) -> Option<String> {
    match &n.value {
        Value::Str(s) | Value::Placeholder(s) => Some(s.clone()),
        Value::Date(d) => Some(d.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

const TOP: u32 = u32::MAX;

impl<'t> KeyIndex<'t> {
    pub fn new(root: &'t Table) -> Self {
        let mut ix = KeyIndex {
            by_span: Vec::new(),
            steps: Vec::new(),
        };
        for e in &root.entries {
            ix.add(TOP, 0, Step::Key(e.key), &e.node);
        }
        // Nodes were pushed in document order, mostly, so this sort finds
        // long runs already in order. Deepest first: an array of tables
        // shares its span with its first element's header, where the
        // element is the better name.
        ix.by_span
            .sort_by_key(|&(start, end, depth, _)| (start, end, depth));
        ix
    }

    fn add(&mut self, parent: u32, depth: u32, step: Step<'t>, node: &'t Node) {
        let Ok(me) = u32::try_from(self.steps.len()) else {
            return;
        };
        let list = match step {
            Step::Key(k) => k,
            Step::Elem { .. } => "",
        };
        self.steps.push((parent, step));
        let (start, end) = (node.span.start, node.span.end);
        self.by_span
            .push((start, end, std::cmp::Reverse(depth), me));
        match &node.value {
            Value::Table(t) => {
                for e in &t.entries {
                    self.add(me, depth + 1, Step::Key(e.key), &e.node);
                }
            }
            Value::List(items) => {
                for (index, n) in items.iter().enumerate() {
                    let table = n.as_table();
                    self.add(me, depth + 1, Step::Elem { list, index, table }, n);
                }
            }
            _ => {}
        }
    }

    pub fn key_at(&self, span: &Span) -> Option<String> {
        let want = (span.start, span.end);
        let first = self.by_span.partition_point(|&(s, e, ..)| (s, e) < want);
        let &(s, e, _, mut at) = self.by_span.get(first)?;
        if (s, e) != want {
            return None;
        }
        let mut steps = Vec::new();
        while at != TOP {
            let (parent, step) = &self.steps[at as usize];
            steps.push(*step);
            at = *parent;
        }
        let mut path = String::new();
        for step in steps.iter().rev() {
            match *step {
                Step::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Step::Elem { list, index, table } => {
                    let id =
                        table.and_then(|t| element_identity(list, |k| t.get(k).and_then(scalar)));
                    path.push('[');
                    match id {
                        Some(id) => path.push_str(&id),
                        None => {
                            let _ = write!(path, "{index}");
                        }
                    }
                    path.push(']');
                }
            }
        }
        Some(path)
    }
}

impl Node {
    pub fn as_table(&self) -> Option<&Table> {
        match self.value {
            Value::Table(ref t) => Some(t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.value {
            Value::Str(ref s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_angle_brackets_around_something() {
        assert_eq!(
            placeholder("<Name of the bureau>"),
            Some("<Name of the bureau>")
        );
        assert_eq!(placeholder("Bureau of <区政府名称>"), Some("<区政府名称>"));
        assert_eq!(placeholder("a <<b> c"), Some("<<b>"));
        assert_eq!(placeholder("<>"), None);
        assert_eq!(placeholder("<><x>"), Some("<x>"));
        assert_eq!(placeholder("scores <60"), None);
        assert_eq!(placeholder("levels 1 -> 4"), None);
        assert_eq!(placeholder("x"), None);
    }

    #[test]
    fn dates_parse_and_check_the_calendar() {
        assert_eq!(Date::parse("2021-04-23").unwrap().to_string(), "2021-04-23");
        assert!(Date::parse("2021-02-29").is_none());
        assert!(Date::parse("2020-02-29").is_some());
        assert!(Date::parse("21-4-23").is_none());
    }

    #[test]
    fn keys_are_found_by_span_with_units_named_by_id() {
        let node = |span: Span, value| Node { span, value };
        let entry = |key: &'static str, n: Node| Entry {
            key,
            key_span: 0..0,
            node: n,
        };
        let unit = Table {
            entries: vec![
                entry("id", node(10..15, Value::Str("futian".into()))),
                entry("rank", node(20..27, Value::Str("other".into()))),
            ],
        };
        let root = Table {
            entries: vec![entry(
                "unit",
                node(1..9, Value::List(vec![node(1..9, Value::Table(unit))])),
            )],
        };
        assert_eq!(
            root.key_at(&(1..9)).as_deref(),
            Some("unit[futian]"),
            "a header names its element, not the array"
        );
        assert_eq!(root.key_at(&(20..27)).as_deref(), Some("unit[futian].rank"));
        assert_eq!(root.key_at(&(10..15)).as_deref(), Some("unit[futian].id"));
        assert_eq!(root.key_at(&(99..100)), None);
    }

    #[test]
    fn day_numbers_count_days() {
        let d = |s| Date::parse(s).unwrap().days_since_epoch();
        assert_eq!(d("1970-01-01"), 0);
        assert_eq!(d("2026-01-01") - d("2025-12-31"), 1);
        assert_eq!(d("2024-03-01") - d("2024-02-28"), 2);
        assert_eq!(d("2023-03-01") - d("2023-02-28"), 1);
        assert_eq!(d("2000-01-01"), 10_957);
    }

    #[test]
    fn days_since_epoch_and_from_days_are_inverses() {
        for z in [-1, 0, 59, 10_957, 18_740, 20_454] {
            assert_eq!(Date::from_days(z).days_since_epoch(), z);
        }
    }

    #[test]
    fn days_since_epoch_become_civil_dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(18_740).to_string(), "2021-04-23");
    }

    #[test]
    fn today_is_the_date_in_china_standard_time() {
        // 2021-04-22T16:00:00Z is midnight in Beijing: already the 23rd.
        assert_eq!(Date::in_china_at(1_619_107_200).to_string(), "2021-04-23");
        assert_eq!(Date::in_china_at(1_619_107_199).to_string(), "2021-04-22");
        // 2021-04-23T15:59:59Z is still the 23rd there.
        assert_eq!(Date::in_china_at(1_619_193_599).to_string(), "2021-04-23");
        assert_eq!(Date::in_china_at(0).to_string(), "1970-01-01");
    }
}
