//! Applying `[[waiver]]`s to findings, and the waiver mechanism's own rules
//! (CORE003–CORE006).

use super::Emit;
use crate::finding::{Finding, Waiver};
use crate::plan::{Date, Table};
use crate::rules::{Rule, Rules, WaiverCheck};

pub struct WaiverInput<'a> {
    pub root: &'a Table,
    pub rules: &'a Rules,
    /// The waiver rules (CORE003–CORE006) among the applied rules.
    pub checks: Vec<(&'a Rule, WaiverCheck)>,
    pub today: Date,
    pub apply: bool,
}

/// Marks waived findings and returns the waiver findings.
pub fn apply(input: &WaiverInput, findings: &mut [Finding], emit: &Emit) -> Vec<Finding> {
    let mut out = Vec::new();
    let report = |check: WaiverCheck,
                  span: std::ops::Range<usize>,
                  vars: &[(&str, String)],
                  out: &mut Vec<Finding>| {
        if let Some((rule, _)) = input.checks.iter().find(|(_, c)| *c == check) {
            out.push(emit.finding(rule, span, vars, None));
        }
    };
    let unit_ids: Vec<&str> = input
        .root
        .tables("unit")
        .filter_map(|(_, u)| u.str("id"))
        .collect();
    for (header, w) in input.root.tables("waiver") {
        let (Some(rule_id), Some(rule_node)) = (w.str("rule"), w.get("rule")) else {
            continue;
        };
        let Some(target) = input.rules.rule(rule_id) else {
            let what = emit.lang.pick(
                format!("a rule `{rule_id}` that no loaded pack defines"),
                format!("规则 `{rule_id}` 未在任何已加载的规则包中定义"),
            );
            report(
                WaiverCheck::UnknownTarget,
                rule_node.span.clone(),
                &[("what", what), ("rule", rule_id.into())],
                &mut out,
            );
            continue;
        };
        let unit = w.str("unit");
        if let (Some(u), Some(node)) = (unit, w.get("unit")) {
            if !unit_ids.contains(&u) {
                let what = emit.lang.pick(
                    format!("a unit `{u}` that this plan does not have"),
                    format!("单位 `{u}` 不在本方案中"),
                );
                report(
                    WaiverCheck::UnknownTarget,
                    node.span.clone(),
                    &[("what", what), ("rule", rule_id.into())],
                    &mut out,
                );
                continue;
            }
        }
        if !target.waivable {
            let vars = [
                ("rule", rule_id.to_string()),
                ("statement", target.statement.get(emit.lang).to_string()),
            ];
            report(
                WaiverCheck::NotWaivable,
                rule_node.span.clone(),
                &vars,
                &mut out,
            );
            continue;
        }
        if let (Some(exp), Some(node)) = (w.date("expires"), w.get("expires")) {
            if exp < input.today {
                let vars = [("rule", rule_id.to_string()), ("expires", exp.to_string())];
                report(WaiverCheck::Expired, node.span.clone(), &vars, &mut out);
                continue;
            }
        }
        if !input.apply {
            continue;
        }
        let waiver = Waiver {
            reason: w.str("reason").unwrap_or_default().to_string(),
            approved_by: w.str("approved_by").unwrap_or_default().to_string(),
        };
        let mut used = 0;
        for f in findings.iter_mut() {
            let unit_ok = unit.is_none() || f.unit.as_deref() == unit;
            if f.code == rule_id && unit_ok && f.waived.is_none() {
                f.waived = Some(waiver.clone());
                used += 1;
            }
        }
        if used == 0 {
            report(
                WaiverCheck::Unused,
                header.clone(),
                &[("rule", rule_id.to_string())],
                &mut out,
            );
        }
    }
    out
}
