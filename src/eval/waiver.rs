//! Applying `[[waiver]]`s to findings, and the waiver mechanism's own rules
//! (CORE003–CORE006, CORE009). A waiver is judged once, by the first that
//! holds: a placeholder in it (CORE008 alone), CORE003 (rule, else unit),
//! CORE004, CORE006, else it is matched, and CORE005 when it matches
//! nothing. CORE009 is judged beside these.

use std::collections::{HashMap, HashSet};

use super::Emit;
use crate::finding::{Finding, Waiver};
use crate::findings::Findings;
use crate::message::{Arg, Message};
use crate::plan::{Date, Node, Table, Value};
use crate::rules::{Rule, Rules, WaiverCheck};
use crate::source::Span;

pub(super) struct WaiverInput<'a> {
    pub root: &'a Table,
    pub rules: &'a Rules,
    /// The waiver rules (CORE003–CORE006, CORE009) among the applied rules.
    pub checks: Vec<(&'a Rule, WaiverCheck)>,
    pub today: Date,
    pub apply: bool,
    /// Findings dropped as superseded: (rule, unit, superseding rule).
    pub superseded: &'a [(String, Option<String>, String)],
}

/// CORE003 on a `rule` or `unit` close to one that exists: its help names
/// it, and the editor may put it in (an unsafe fix: the planner decides).
fn did_you_mean(mut f: Finding, written: &str, known: &[&str], span: &Span) -> Finding {
    let Some(meant) = crate::rules::expr::suggest(written, known) else {
        return f;
    };
    f.help = Some(Message::new("core003.did-you-mean").arg("value", meant));
    f.fix = Some(crate::finding::Fix {
        title: Message::new("fix.replace-value").arg("value", meant),
        edits: vec![crate::finding::Edit {
            span: span.clone(),
            text: format!("\"{meant}\""),
        }],
        safe: false,
    });
    f
}

/// Marks waived findings and returns the waiver findings.
pub(super) fn apply(input: &WaiverInput, findings: &mut Findings, emit: &Emit) -> Vec<Finding> {
    let mut out = Vec::new();
    // Most plans ask for no waiver: build nothing for them.
    if input.root.tables("waiver").next().is_none() {
        return out;
    }
    let report = |check: WaiverCheck, span: Span, vars: Vec<(&'static str, Arg)>| {
        let (rule, _) = input.checks.iter().find(|(_, c)| *c == check)?;
        Some(emit.finding(rule, span, vars, None))
    };
    let unit_ids: HashSet<&str> = input
        .root
        .tables("unit")
        .filter_map(|(_, u)| u.str("id"))
        .collect();
    // Each waiver looks only at its rule's findings: many waivers over
    // many findings would otherwise be quadratic.
    let mut by_code: HashMap<String, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, f) in findings.shown.iter().enumerate() {
        by_code.entry(f.code.to_string()).or_default().0.push(i);
    }
    for (i, e) in findings.extra.iter().enumerate() {
        by_code.entry(e.code.to_string()).or_default().1.push(i);
    }
    let none = (Vec::new(), Vec::new());
    for (header, w) in input.root.tables("waiver") {
        if holds_placeholder(w) {
            continue;
        }
        let blank = blank(w);
        if let Some(span) = &blank {
            out.extend(report(WaiverCheck::Blank, span.clone(), Vec::new()));
        }
        // A blank, missing or mistyped reason or approver excuses nothing,
        // and such a waiver is not "unused": it never could be used.
        let excuses =
            blank.is_none() && w.str("reason").is_some() && w.str("approved_by").is_some();
        let (Some(rule_id), Some(rule_node)) = (w.str("rule"), w.get("rule")) else {
            continue;
        };
        let Some(target) = input.rules.rule(rule_id) else {
            let what = Message::new("waiver.unknown-rule").arg("rule", rule_id);
            let vars = vec![("what", what.into()), ("rule", rule_id.into())];
            let f = report(WaiverCheck::UnknownTarget, rule_node.span.clone(), vars);
            let ids: Vec<&str> = input.rules.all().map(|r| r.id.as_str()).collect();
            out.extend(f.map(|f| did_you_mean(f, rule_id, &ids, &rule_node.span)));
            continue;
        };
        let unit = w.str("unit");
        if let (Some(u), Some(node)) = (unit, w.get("unit")) {
            if !unit_ids.contains(u) {
                let what = Message::new("waiver.unknown-unit").arg("unit", u);
                let vars = vec![("what", what.into()), ("rule", rule_id.into())];
                let f = report(WaiverCheck::UnknownTarget, node.span.clone(), vars);
                let mut ids: Vec<&str> = unit_ids.iter().copied().collect();
                ids.sort_unstable();
                out.extend(f.map(|f| did_you_mean(f, u, &ids, &node.span)));
                continue;
            }
        }
        if !target.waivable {
            let vars = vec![
                ("rule", rule_id.into()),
                ("statement", Arg::Text(target.statement.clone())),
            ];
            out.extend(report(
                WaiverCheck::NotWaivable,
                rule_node.span.clone(),
                vars,
            ));
            continue;
        }
        if let (Some(exp), Some(node)) = (w.date("expires"), w.get("expires")) {
            if exp < input.today {
                let vars = vec![
                    ("rule", rule_id.into()),
                    ("expires", exp.to_string().into()),
                ];
                out.extend(report(WaiverCheck::Expired, node.span.clone(), vars));
                continue;
            }
        }
        if !input.apply || !excuses {
            continue;
        }
        let waiver = Waiver {
            reason: w.str("reason").unwrap_or_default().to_string(),
            approved_by: w.str("approved_by").unwrap_or_default().to_string(),
        };
        let in_scope = |f_unit: Option<&str>| unit.is_none() || f_unit == unit;
        let mut used = 0;
        let (whole, extra) = by_code.get(rule_id).unwrap_or(&none);
        for &i in whole {
            let f = &mut findings.shown[i];
            if in_scope(f.unit.as_deref()) && f.waived.is_none() {
                f.waived = Some(waiver.clone());
                used += 1;
            }
        }
        let mut stored = None;
        for &i in extra {
            let e = &findings.extra[i];
            if in_scope(e.unit.as_deref()) && e.waived.is_none() {
                let w = *stored.get_or_insert_with(|| {
                    findings.waivers.push(waiver.clone());
                    u32::try_from(findings.waivers.len() - 1).unwrap_or(u32::MAX)
                });
                findings.extra[i].waived = Some(w);
                used += 1;
            }
        }
        if used > 0 {
            continue;
        }
        let vars = vec![("rule", rule_id.into())];
        let Some(mut f) = report(WaiverCheck::Unused, header.clone(), vars) else {
            continue;
        };
        let by = input
            .superseded
            .iter()
            .find(|(code, u, _)| code == rule_id && in_scope(u.as_deref()));
        if let Some((_, _, by)) = by {
            f.help = Some(
                Message::new("core005.superseded")
                    .arg("rule", rule_id)
                    .arg("by", by.as_str()),
            );
        } else if unit.is_some() && !target.about_units() {
            f.help = Some(Message::new("core005.plan-rule").arg("rule", rule_id));
        }
        out.push(f);
    }
    out
}

/// Where a waiver's reason or approver is blank (empty, or only Unicode
/// White_Space): at `reason` when both are.
fn blank(w: &Table) -> Option<Span> {
    let is_blank = |key: &str| {
        w.get(key).and_then(|n: &Node| match &n.value {
            Value::Str(s) if s.trim().is_empty() => Some(n.span.clone()),
            _ => None,
        })
    };
    is_blank("reason").or_else(|| is_blank("approved_by"))
}

/// Does any value of the table, however deep, hold a placeholder?
fn holds_placeholder(t: &Table) -> bool {
    fn node(n: &Node) -> bool {
        match &n.value {
            Value::Placeholder(_) => true,
            Value::List(items) => items.iter().any(node),
            Value::Table(t) => holds_placeholder(t),
            _ => false,
        }
    }
    t.entries.iter().any(|e| node(&e.node))
}
