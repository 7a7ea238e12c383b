//! The auditor's tables: a row per plan (`--summary`), the portfolio
//! roll-up, and a row per rule that fired (`--statistics`). comfy-table
//! measures CJK characters as two columns wide, so Chinese aligns.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};

use super::cite::has_cjk;
use super::safe;
use crate::lang::Lang;
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

fn table(header: Vec<&str>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
        .set_header(header);
    t
}

fn status_word(status: Status, lang: Lang) -> &'static str {
    match (lang, status) {
        (Lang::En, s) => s.as_str(),
        (Lang::Zh, Status::Pass) => "通过",
        (Lang::Zh, Status::Fail) => "未通过",
    }
}

/// A pilot's standing; `opted_out` when its only plans left the notice out.
fn pilot_status(p: &Pilot, lang: Lang) -> &'static str {
    let opted_out = p.status == PilotStatus::Missing && !p.opted_out.is_empty();
    match (lang, p.status) {
        (Lang::En, _) if opted_out => "opted out",
        (Lang::Zh, _) if opted_out => "未适用本通知",
        (Lang::En, s) => s.as_str(),
        (Lang::Zh, PilotStatus::Pass) => "通过",
        (Lang::Zh, PilotStatus::Waived) => "通过（含例外处理）",
        (Lang::Zh, PilotStatus::Fail) => "未通过",
        (Lang::Zh, PilotStatus::Missing) => "未报送方案",
    }
}

/// A designated pilot's level as the roll-up names it: a province-level
/// pilot of a provincial notice is a provincial department.
fn pilot_level(level: &str, lang: Lang) -> &str {
    match (lang, level) {
        (Lang::Zh, "province") => "省直部门",
        (Lang::Zh, "prefecture") => "地级以上市",
        (Lang::Zh, "county") => "县（市、区）",
        (Lang::Zh, "township") => "乡镇（街道）",
        (_, l) => l,
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
    let header = lang.pick(
        vec![
            "path",
            "jurisdiction",
            "packs",
            "errors",
            "warnings",
            "waived",
            "status",
        ],
        vec![
            "路径",
            "辖区",
            "规则包",
            "错误",
            "警告",
            "按例外处理",
            "状态",
        ],
    );
    let mut t = table(header);
    for r in &totals.plans {
        let c = &r.counts;
        // Pack names are identifiers: a line breaks between them, never inside.
        let packs = match lang {
            Lang::En => Cell::new(r.packs.join(", ")),
            Lang::Zh => Cell::new(cell(&r.packs.join("、"))).set_delimiter('、'),
        };
        t.add_row([
            Cell::new(cell(&r.path)),
            Cell::new(cell(jurisdiction(r, lang))),
            packs,
            Cell::new(c.errors),
            Cell::new(c.warnings),
            Cell::new(c.waived),
            Cell::new(status_word(r.status, lang)),
        ]);
    }
    let s = &totals.summary;
    let all = lang.pick(format!("{} plans", s.files), format!("共 {} 份", s.files));
    let status = lang.pick(
        format!("{} passed, {} failed", s.passed, s.failed),
        format!("{} 份通过，{} 份未通过", s.passed, s.failed),
    );
    t.add_row([
        all,
        String::new(),
        String::new(),
        s.errors.to_string(),
        s.warnings.to_string(),
        s.waived.to_string(),
        status,
    ]);
    format!("{t}\n")
}

/// For each notice, each designated pilot with its plan and status.
pub fn portfolio(p: &Portfolio, lang: Lang) -> String {
    let mut out = String::new();
    for n in &p.notices {
        let title = match lang {
            Lang::En => format!("Pilots designated by {} ({})", safe(&n.document), n.pack),
            Lang::Zh => format!("{}确定的试点单位", notice_zh(n)),
        };
        out.push_str(&format!("\n{title}\n"));
        let mut t = table(lang.pick(
            vec!["pilot", "level", "plan", "status"],
            vec!["试点单位", "层级", "方案", "状态"],
        ));
        for pilot in &n.pilots {
            let name = match (lang, &pilot.name_zh) {
                (Lang::Zh, Some(zh)) => cell(zh),
                _ => cell(&pilot.name),
            };
            // Marked when beside plans that applied it; else the status says so.
            let opted = match (pilot.plans.is_empty(), lang) {
                (true, _) => "",
                (false, Lang::En) => " (opted out)",
                (false, Lang::Zh) => "（未适用本通知）",
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
                pilot_level(&pilot.level, lang).to_string(),
                plans,
                pilot_status(pilot, lang).to_string(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
        if !n.not_designated.is_empty() {
            let head = lang.pick(
                "Plans from jurisdictions the notice does not designate:",
                "非试点地区的方案（参照执行，不纳入试点统计）：",
            );
            out.push_str(&format!("{head}\n"));
            for path in &n.not_designated {
                out.push_str(&format!("  {}\n", safe(path)));
            }
        }
        if !n.opted_out_elsewhere.is_empty() {
            let head = match lang {
                Lang::En => format!(
                    "Plans from jurisdictions the notice does not designate that left `{}` out of `rule_packs` (CORE010):",
                    n.pack
                ),
                Lang::Zh => format!(
                    "非试点地区未适用本通知的方案（`rule_packs` 未列入 `{}`，见 CORE010）：",
                    n.pack
                ),
            };
            out.push_str(&format!("{head}\n"));
            for path in &n.opted_out_elsewhere {
                out.push_str(&format!("  {}\n", safe(path)));
            }
        }
    }
    out
}

/// A row per rule that fired.
pub fn statistics(totals: &Totals, lang: Lang) -> String {
    let mut t = table(lang.pick(
        vec!["rule", "severity", "plans", "findings", "waived"],
        vec!["规则", "严重程度", "方案数", "问题数", "已按例外处理"],
    ));
    let mut stats: Vec<_> = totals.rules.values().collect();
    stats.sort_by(|a, b| {
        b.findings
            .cmp(&a.findings)
            .then_with(|| a.code.cmp(&b.code))
    });
    for s in stats {
        t.add_row([
            s.code.clone(),
            s.severity.word(lang).to_string(),
            s.plans.to_string(),
            s.findings.to_string(),
            s.waived.to_string(),
        ]);
    }
    format!("\n{t}\n")
}

/// The notice as a Chinese reader names it: its number (`粤办函〔2021〕63号`),
/// else its title in 《》, else its document as given.
fn notice_zh(n: &Notice) -> String {
    let doc = safe(&n.document);
    match n.title_zh.as_deref().filter(|t| !t.trim().is_empty()) {
        _ if has_cjk(&doc) => doc.into_owned(),
        Some(t) => format!("《{}》", safe(t)),
        None => doc.into_owned(),
    }
}
