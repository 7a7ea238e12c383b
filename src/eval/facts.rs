//! The figures a designating notice asks for: each count rule of an
//! applied pack with designated pilots, evaluated as the rule evaluates it,
//! its number kept (not only pass or fail) for the portfolio.

use super::holds;
use crate::plan::Table;
use crate::rules::{Check, Rules};

/// `(rule id, count)` for every count rule of the applied `packs` that
/// designate pilots, in the packs' and rules' order; a rule whose `when`
/// does not hold on the plan gives none.
pub fn counts(root: &Table, rules: &Rules, packs: &[String]) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for pack in rules.packs.iter().filter(|p| packs.contains(&p.name)) {
        if pack.designated.is_empty() {
            continue;
        }
        for rule in pack.rules() {
            let Check::Count { where_, .. } = &rule.check else {
                continue;
            };
            let applies = rule
                .when
                .as_ref()
                .is_none_or(|w| holds(w, root, None) == Some(true));
            let Some(given) = rule.given.as_deref().filter(|_| applies) else {
                continue;
            };
            let n = root
                .tables(given)
                .filter(|e| holds(where_, root, Some(*e)) == Some(true))
                .count();
            counts.push((rule.id.clone(), i64::try_from(n).unwrap_or(i64::MAX)));
        }
    }
    counts
}
