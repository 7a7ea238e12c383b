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
    let s = safe(s);
    match s.char_indices().nth(MAX_CELL) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.into_owned(),
    }
}

const MAX_CELL: usize = 200;

/// A table with these column headings.
fn table<const N: usize>(header: [Message; N], lang: Lang) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
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
    for r in &totals.plans {
        let c = &r.counts;
        t.add_row([
            Cell::new(cell(&r.path)),
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
            Message::new("tables.pilots.status"),
        ];
        let mut t = table(header, lang);
        for pilot in &n.pilots {
            let name = Text::new(pilot.name.as_str(), pilot.name_zh.clone());
            let name = cell(name.get(lang));
            // Marked when beside plans that applied it; else the status says so.
            let opted = if pilot.plans.is_empty() {
                String::new()
            } else {
                Message::new("tables.pilots.opted-out").get(lang)
            };
            let plans: Vec<String> = pilot
                .plans
                .iter()
                .map(|p| cell(p))
                .chain(
                    pilot
                        .opted_out
                        .iter()
                        .map(|p| format!("{}{opted}", cell(p))),
                )
                .collect();
            let plans = if plans.is_empty() {
                "—".to_string()
            } else {
                plans.join("\n")
            };
            t.add_row([
                name,
                pilot_level(&pilot.level).get(lang),
                plans,
                pilot_status(pilot).get(lang),
            ]);
        }
        out.push_str(&format!("{t}\n"));
        if !n.not_designated.is_empty() {
            let head = Message::new("tables.not-designated");
            out.push_str(&format!("{}\n", head.get(lang)));
            for path in &n.not_designated {
                out.push_str(&format!("  {}\n", safe(path)));
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
    out
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
