//! Which packs apply to a plan: those it names in `rule_packs`, those the
//! command line forces, or those whose `applies_when` matches.

use super::cond::{Ctx, Tri};
use crate::finding::{Code, Finding, Location};
use crate::lang::Lang;
use crate::plan::{Table, Value};
use crate::rules::{Applies, Pack, Rules};
use crate::source::SourceId;

pub fn select<'r>(
    rules: &'r Rules,
    root: &Table,
    source: SourceId,
    forced: Option<&[String]>,
    lang: Lang,
) -> (Vec<&'r Pack>, Vec<Finding>) {
    let mut diags = Vec::new();
    let named: Option<Vec<&str>> = match forced {
        Some(f) => Some(f.iter().map(String::as_str).collect()),
        None => plan_named(rules, root, source, &mut diags, lang),
    };
    let ctx = Ctx { root, elem: None };
    let packs = rules
        .packs
        .iter()
        .filter(|p| match (&p.applies, &named) {
            (Applies::Always, _) => true,
            (_, Some(names)) => names.contains(&p.name.as_str()),
            (Applies::When(c), None) => ctx.test(c) == Tri::True,
            (Applies::ByName, None) => false,
        })
        .collect();
    (packs, diags)
}

/// `plan.rule_packs`, with PF005 for each name no pack has.
fn plan_named<'t>(
    rules: &Rules,
    root: &'t Table,
    source: SourceId,
    diags: &mut Vec<Finding>,
    lang: Lang,
) -> Option<Vec<&'t str>> {
    let node = root.table("plan")?.get("rule_packs")?;
    let Value::List(items) = &node.value else {
        // Unreadable: PF003 said so; fall back to selection by the plan.
        return None;
    };
    let mut names = Vec::new();
    for item in items {
        let Some(name) = item.as_str() else { continue };
        if rules.pack(name).is_none() {
            let at = Location {
                source,
                span: item.span.clone(),
            };
            let list: Vec<_> = rules
                .pack_names()
                .iter()
                .map(|n| format!("`{n}`"))
                .collect();
            let list = list.join(", ");
            let msg = lang.pick(
                format!("there is no rule pack named `{name}`"),
                format!("没有名为 `{name}` 的规则包"),
            );
            let mut f = Code::PF005.at(at, msg).with_help(lang.pick(
                format!("the packs are: {list}"),
                format!("现有规则包：{list}"),
            ));
            f.key = Some("plan.rule_packs".into());
            diags.push(f);
        }
        names.push(name);
    }
    Some(names)
}
