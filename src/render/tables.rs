//! The auditor's tables: a row per plan (`--summary`), the portfolio
//! roll-up, and a row per rule that fired (`--statistics`). comfy-table
//! measures CJK characters as two columns wide, so Chinese aligns.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};

use super::cite::has_cjk;
use super::{safe, severity_word};
use crate::lang::{Lang, Text};
use crate::message::{Arg, Message};
use crate::portfolio::{Notice, Pilot, PilotStatus, Portfolio};
use crate::report::{PlanRow, Status, Totals};

/// Cell text: made safe, and cut to [`MAX_CELL`] characters, since
/// comfy-table takes time quadratic in the length of an unbroken word.
pub fn cell(s: &str) -> String {
    crate::text::cut(&safe(s), MAX_CELL).into_owned()
}

const MAX_CELL: usize = 200;

/// A path as a cell's text: made safe, never cut (an auditor must be able
/// to find the file), broken into lines of at most `width` columns after a
/// `/` where it can be, else inside a name. Cut only past
/// [`MAX_PATH_CELL`] characters, far beyond any real path, so a hostile
/// name cannot stall the table.
pub fn wrap_path(s: &str, width: usize) -> String {
    let s = crate::text::cut(&safe(s), MAX_PATH_CELL).into_owned();
    let width = width.max(8);
    let mut out = String::with_capacity(s.len() + 8);
    let mut line = 0;
    for part in s.split_inclusive('/') {
        let w = display_width(part);
        if line > 0 && line + w > width {
            out.push('\n');
            line = 0;
        }
        for c in part.chars() {
            let cw = char_width(c);
            if line + cw > width {
                out.push('\n');
                line = 0;
            }
            out.push(c);
            line += cw;
        }
    }
    out
}

/// Columns a terminal gives a character: CJK and other wide ones take two.
fn char_width(c: char) -> usize {
    match c {
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}'
        | '\u{20000}'..='\u{3fffd}' => 2,
        _ => 1,
    }
}

pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// How wide a table's path column is: its longest path, but at most a third of
/// the table, and at least 20 columns.
pub fn path_width<'a>(paths: impl Iterator<Item = &'a str>, table: u16) -> usize {
    let longest = paths.map(display_width).max().unwrap_or(0);
    longest.min(usize::from(table) / 3).max(20)
}

/// Fixes column `col` of `t` to `width` columns of text, so the paths
/// wrapped to that width by [`wrap_path`] are not wrapped again.
pub fn fix_column(t: &mut Table, col: usize, width: usize) {
    if let Some(c) = t.column_mut(col) {
        let w = u16::try_from(width + 2).unwrap_or(u16::MAX);
        c.set_constraint(comfy_table::ColumnConstraint::Absolute(
            comfy_table::Width::Fixed(w),
        ));
    }
}

/// Longer than `PATH_MAX` (4,096 bytes) on Linux.
const MAX_PATH_CELL: usize = 4096;

/// How wide tables are: `COLUMNS` when set, else the terminal's width,
/// else (piped) 120 columns.
pub fn width() -> u16 {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c > 0);
    columns
        .or_else(|| {
            let t = Table::new();
            if t.is_tty() {
                t.width()
            } else {
                None
            }
        })
        .unwrap_or(120)
        .clamp(MIN_WIDTH, MAX_WIDTH)
}

/// Narrower than this, a table of eight columns cannot show a word a line.
const MIN_WIDTH: u16 = 40;
/// Wider than this, a table is hard to read (and comfy-table slow).
const MAX_WIDTH: u16 = 1000;

/// A table with these column headings.
fn table<const N: usize>(header: [Message; N], lang: Lang) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width())
        .set_header(header.map(|h| h.get(lang)));
    t
}

pub(crate) fn status_word(status: Status) -> Message {
    match status {
        Status::Pass => Message::new("status.pass"),
        Status::Fail => Message::new("status.fail"),
    }
}

/// A pilot's standing; `opted out` when its only plans left the notice out.
pub(crate) fn pilot_status(p: &Pilot) -> Message {
    if p.status == PilotStatus::Missing && !p.opted_out.is_empty() {
        return Message::new("pilot.opted-out");
    }
    match p.status {
        PilotStatus::Pass => Message::new("pilot.pass"),
        PilotStatus::Waived => Message::new("pilot.waived"),
        PilotStatus::Fail => Message::new("pilot.fail"),
        PilotStatus::Missing => Message::new("pilot.missing"),
    }
}

/// A designated pilot's level as the roll-up names it: a province-level
/// pilot of a provincial notice is a provincial department.
pub(crate) fn pilot_level(level: &str) -> Message {
    match level {
        "province" => Message::new("level.province"),
        "prefecture" => Message::new("level.prefecture"),
        "county" => Message::new("level.county"),
        "township" => Message::new("level.township"),
        l => Message::plain(cell(l)),
    }
}

/// The plan's jurisdiction as the reader writes it.
fn jurisdiction(r: &PlanRow, lang: Lang) -> &str {
    let zh = r
        .facts
        .jurisdiction_zh
        .as_deref()
        .filter(|_| lang == Lang::Zh);
    zh.or(r.facts.jurisdiction.as_deref()).unwrap_or("—")
}

/// A row per plan, then the totals.
pub fn plans(totals: &Totals, lang: Lang) -> String {
    let header = [
        Message::new("tables.plans.path"),
        Message::new("tables.plans.jurisdiction"),
        Message::new("tables.plans.packs"),
        Message::new("tables.plans.errors"),
        Message::new("tables.plans.warnings"),
        Message::new("tables.plans.waived"),
        Message::new("tables.plans.status"),
    ];
    let mut t = table(header, lang);
    // Pack names are identifiers: a line breaks after a separator, never
    // inside a name.
    let sep = Message::new("list.separator").get(lang);
    let delimiter = sep.chars().last().unwrap_or(' ');
    let pw = path_width(totals.plans.iter().map(|r| r.path.as_str()), width());
    for r in &totals.plans {
        let c = &r.counts;
        t.add_row([
            Cell::new(wrap_path(&r.path, pw)),
            Cell::new(cell(jurisdiction(r, lang))),
            Cell::new(cell(&r.packs.join(&sep))).set_delimiter(delimiter),
            Cell::new(c.errors),
            Cell::new(c.warnings),
            Cell::new(c.waived),
            Cell::new(status_word(r.status).get(lang)),
        ]);
    }
    let s = &totals.summary;
    let all = Message::new("tables.plans.total").arg("count", s.files.to_string());
    let status = Message::new("tables.plans.total-status")
        .arg("passed", s.passed.to_string())
        .arg("failed", s.failed.to_string());
    t.add_row([
        all.get(lang),
        String::new(),
        String::new(),
        s.errors.to_string(),
        s.warnings.to_string(),
        s.waived.to_string(),
        status.get(lang),
    ]);
    fix_column(&mut t, 0, pw);
    format!("{t}\n")
}

/// For each notice, each designated pilot with its plan and status.
pub fn portfolio(p: &Portfolio, lang: Lang) -> String {
    let mut out = String::new();
    for n in &p.notices {
        let title = Message::new("tables.pilots.title").arg("notice", Arg::Text(notice(n)));
        out.push_str(&format!("\n{}\n", title.get(lang)));
        let header = [
            Message::new("tables.pilots.pilot"),
            Message::new("tables.pilots.level"),
            Message::new("tables.pilots.plan"),
            Message::new("tables.pilots.figures"),
            Message::new("tables.pilots.status"),
        ];
        let mut t = table(header, lang);
        let counts = Message::new("tables.pilots.counts").get(lang);
        let unreadable = Message::new("tables.pilots.unreadable").get(lang);
        // Each pilot's plans, marked, before the column's width is known.
        let marked: Vec<Vec<String>> = n
            .pilots
            .iter()
            .map(|pilot| {
                // Marked when beside plans that applied it; else the status says so.
                let opted = if pilot.plans.is_empty() {
                    String::new()
                } else {
                    Message::new("tables.pilots.opted-out").get(lang)
                };
                let several = pilot.plan_details.len() > 1;
                // A set: thousands of plans may name one pilot.
                let read: std::collections::HashSet<&str> =
                    pilot.plans.iter().map(String::as_str).collect();
                pilot
                    .plan_details
                    .iter()
                    .map(|d| {
                        let mark = if d.counted && several {
                            counts.as_str()
                        } else if !read.contains(d.path.as_str()) {
                            unreadable.as_str()
                        } else {
                            ""
                        };
                        format!("{}{mark}", d.path)
                    })
                    .chain(pilot.opted_out.iter().map(|p| format!("{p}{opted}")))
                    .collect()
            })
            .collect();
        let pw = path_width(marked.iter().flatten().map(String::as_str), width());
        for (pilot, plans) in n.pilots.iter().zip(&marked) {
            let name = Text::new(pilot.name.as_str(), pilot.name_zh.clone());
            let name = cell(name.get(lang));
            let plans = if plans.is_empty() {
                "—".to_string()
            } else {
                let wrapped: Vec<String> = plans.iter().map(|p| wrap_path(p, pw)).collect();
                wrapped.join("\n")
            };
            t.add_row([
                Cell::new(name),
                Cell::new(pilot_level(&pilot.level).get(lang)),
                Cell::new(plans),
                Cell::new(figures(pilot, lang)),
                Cell::new(pilot_status(pilot).get(lang)),
            ]);
        }
        fix_column(&mut t, 2, pw);
        out.push_str(&format!("{t}\n"));
        if !n.not_designated.is_empty() {
            let head = Message::new("tables.not-designated");
            out.push_str(&format!("{}\n", head.get(lang)));
            for path in &n.not_designated {
                out.push_str(&format!("  {}\n", safe(path)));
            }
        }
        let lists = [
            ("tables.pilots.unreadable-list", &n.unreadable),
            ("tables.pilots.other-levels", &n.other_levels),
        ];
        for (id, paths) in lists {
            if !paths.is_empty() {
                out.push_str(&format!("{}\n", Message::new(id).get(lang)));
                for path in paths {
                    out.push_str(&format!("  {}\n", safe(path)));
                }
            }
        }
        if !n.opted_out_elsewhere.is_empty() {
            let head =
                Message::new("tables.opted-out-elsewhere").arg("pack", safe(&n.pack).into_owned());
            out.push_str(&format!("{}\n", head.get(lang)));
            for path in &n.opted_out_elsewhere {
                out.push_str(&format!("  {}\n", safe(path)));
            }
        }
    }
    if !p.unreadable.is_empty() {
        let head = Message::new("tables.unreadable-elsewhere");
        out.push_str(&format!("\n{}\n", head.get(lang)));
        for path in &p.unreadable {
            out.push_str(&format!("  {}\n", safe(path)));
        }
    }
    out
}

/// The figures the notice asks for, from the plan that counts:
/// `GD001 4 · GD002 8 · city CDO: yes`.
fn figures(p: &Pilot, lang: Lang) -> String {
    let Some(counts) = &p.counts else {
        return "—".to_string();
    };
    let parts: Vec<String> = counts
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::Bool(b) => {
                let yes = if *b {
                    "tables.rules.yes"
                } else {
                    "tables.rules.no"
                };
                Message::new("tables.pilots.city-cdo")
                    .arg("answer", Message::new(yes))
                    .get(lang)
            }
            v => format!("{} {v}", cell(k)),
        })
        .collect();
    parts.join("\n")
}

/// A row per rule that fired.
pub fn statistics(totals: &Totals, lang: Lang) -> String {
    let header = [
        Message::new("tables.stats.rule"),
        Message::new("tables.stats.severity"),
        Message::new("tables.stats.plans"),
        Message::new("tables.stats.findings"),
        Message::new("tables.stats.waived"),
    ];
    let mut t = table(header, lang);
    let mut stats: Vec<_> = totals.rules.values().collect();
    stats.sort_by(|a, b| {
        b.findings
            .cmp(&a.findings)
            .then_with(|| a.code.cmp(&b.code))
    });
    for s in stats {
        t.add_row([
            cell(&s.code),
            severity_word(s.severity).get(lang),
            s.plans.to_string(),
            s.findings.to_string(),
            s.waived.to_string(),
        ]);
    }
    format!("\n{t}\n")
}

/// The notice as each language names it: in English its document and pack,
/// `粤办函〔2021〕63号 (guangdong-2021)`; in Chinese its number, else its
/// title in 《》, else its document as given.
pub(crate) fn notice(n: &Notice) -> Text {
    let en = format!("{} ({})", safe(&n.document), safe(&n.pack));
    Text::new(en, Some(notice_zh(n)))
}

fn notice_zh(n: &Notice) -> String {
    let doc = safe(&n.document);
    match n.title_zh.as_deref().filter(|t| !t.trim().is_empty()) {
        _ if has_cjk(&doc) => doc.into_owned(),
        Some(t) => format!("《{}》", safe(t)),
        None => doc.into_owned(),
    }
}
