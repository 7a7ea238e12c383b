//! The auditor's tables: a row per plan (`--summary`), the portfolio
//! roll-up, and a row per rule that fired (`--statistics`). comfy-table
//! measures CJK characters as two columns wide, so Chinese aligns.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::safe;
use crate::lang::Lang;
use crate::portfolio::Portfolio;
use crate::report::{PlanRow, Totals};

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

fn status_word(status: &str, lang: Lang) -> &str {
    match (lang, status) {
        (Lang::Zh, "pass") => "通过",
        (Lang::Zh, "fail") => "未通过",
        (Lang::Zh, "waived") => "通过（含豁免）",
        (Lang::Zh, "missing") => "缺失",
        (_, s) => s,
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
        vec!["路径", "辖区", "规则包", "错误", "警告", "豁免", "状态"],
    );
    let mut t = table(header);
    for r in &totals.plans {
        let c = &r.counts;
        t.add_row([
            cell(&r.path),
            cell(jurisdiction(r, lang)),
            r.packs.join(", "),
            c.errors.to_string(),
            c.warnings.to_string(),
            c.waived.to_string(),
            status_word(r.status.as_str(), lang).to_string(),
        ]);
    }
    let s = &totals.summary;
    let all = lang.pick(format!("{} plans", s.files), format!("共 {} 份", s.files));
    let status = lang.pick(
        format!("{} passed, {} failed", s.passed, s.failed),
        format!("{} 通过，{} 未通过", s.passed, s.failed),
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
        let title = lang.pick(
            format!("Pilots designated by {} ({})", n.document, n.pack),
            format!("{}（{}）指定的试点", n.document, n.pack),
        );
        out.push_str(&format!("\n{title}\n"));
        let mut t = table(lang.pick(
            vec!["pilot", "level", "plan", "status"],
            vec!["试点", "层级", "方案", "状态"],
        ));
        for pilot in &n.pilots {
            let name = match (lang, &pilot.name_zh) {
                (Lang::Zh, Some(zh)) => zh.clone(),
                _ => pilot.name.clone(),
            };
            let plans = if pilot.plans.is_empty() {
                "—".to_string()
            } else {
                pilot.plans.join("\n")
            };
            t.add_row([
                name,
                pilot.level.clone(),
                cell(&plans),
                status_word(pilot.status, lang).to_string(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
        if !n.not_designated.is_empty() {
            let head = lang.pick(
                "Plans from jurisdictions the notice does not designate:",
                "非指定试点辖区的方案：",
            );
            out.push_str(&format!("{head}\n"));
            for path in &n.not_designated {
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
        vec!["规则", "级别", "方案数", "问题数", "已豁免"],
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
