//! `kind = "placeholder"`: every string value anywhere in the file that still
//! holds a `<…>` placeholder, as `cdocheck init` writes them (CORE008). The
//! loader finds them, under unknown keys too; this reports them.

use super::cond::{Ctx, Tri};
use super::Emit;
use crate::finding::Finding;
use crate::rules::Rule;

/// One finding per string that holds a placeholder, at the string.
pub(super) fn find(rule: &Rule, emit: &Emit) -> Vec<Finding> {
    let plan = Ctx {
        root: emit.root,
        elem: None,
    };
    if rule
        .when
        .as_ref()
        .is_some_and(|w| plan.test(w) != Tri::True)
    {
        return Vec::new();
    }
    emit.spots
        .iter()
        .map(|s| {
            let vars = vec![("value", s.text.as_str().into())];
            emit.finding(rule, s.span.clone(), vars, s.unit.as_deref())
        })
        .collect()
}
