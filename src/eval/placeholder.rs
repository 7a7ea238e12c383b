//! `kind = "placeholder"`: every string value anywhere in the file that still
//! holds a `<…>` placeholder, as `cdocheck init` writes them (CORE008). The
//! loader finds them, under unknown keys too; this reports them.

use super::cond::{Ctx, Tri};
use super::Emit;
use crate::finding::FindingCode;
use crate::findings::Findings;
use crate::rules::Rule;

/// One finding per string that holds a placeholder, at the string; beyond
/// the cap only what counts and baselines need.
pub(super) fn find(rule: &Rule, emit: &Emit, out: &mut Findings) {
    let plan = Ctx {
        root: emit.root,
        elem: None,
    };
    if rule
        .when
        .as_ref()
        .is_some_and(|w| plan.test(w) != Tri::True)
    {
        return;
    }
    let code: FindingCode = rule.id.as_str().into();
    for s in emit.spots {
        if out.wants(&code) {
            let vars = vec![("value", s.text.as_str().into())];
            out.push(emit.finding(rule, s.span.clone(), vars, s.unit.as_deref()));
        } else {
            let e = emit.extra(rule, &s.span, s.unit.as_deref());
            out.push_extra(e, &emit.loc(s.span.clone()));
        }
    }
}
