//! Which packs apply to a plan: those it names in `rule_packs`, those the
//! command line forces, or those whose `applies_when` matches; and the
//! checks of the plan's own choice (CORE010–CORE012), which judge what the
//! plan selects whatever the command line adds or replaces.

use super::cond::{Ctx, Lookup, Tri};
use super::Emit;
use crate::finding::{Code, Finding, Location};
use crate::findings::{Extra, Findings};
use crate::message::{Arg, Message};
use crate::plan::{Node, Table, Value};
use crate::rules::{Applies, Cond, Pack, Rule, Rules, SelectionCheck, Test};
use crate::source::SourceId;

pub fn select<'r>(
    rules: &'r Rules,
    root: &Table,
    source: SourceId,
    forced: Option<&[String]>,
) -> (Vec<&'r Pack>, Findings) {
    let mut diags = Findings::new();
    let named: Option<Vec<&str>> = match forced {
        Some(f) => Some(f.iter().map(String::as_str).collect()),
        None => plan_named(rules, root, source, &mut diags),
    };
    let ctx = Ctx { root, elem: None };
    let packs = rules
        .packs
        .iter()
        .filter(|p| chosen(p, named.as_deref(), &ctx))
        .collect();
    (packs, diags)
}

/// Does a pack apply: always, by name when packs are named, else by its
/// `applies_when`?
fn chosen(p: &Pack, named: Option<&[&str]>, ctx: &Ctx) -> bool {
    match (&p.applies, named) {
        (Applies::Always, _) => true,
        (_, Some(names)) => names.contains(&p.name.as_str()),
        (Applies::When(c), None) => ctx.test(c) == Tri::True,
        (Applies::ByName, None) => false,
    }
}

/// `plan.rule_packs` as a list of names; `None` when absent, unreadable
/// (PF003 said so) or holding a placeholder: then packs are chosen by
/// `applies_when`.
fn rule_packs(root: &Table) -> Option<(&Node, Vec<&str>)> {
    let node = root.table("plan")?.get("rule_packs")?;
    match &node.value {
        Value::List(items) if !node.value.is_placeholder() => {
            Some((node, items.iter().filter_map(Node::as_str).collect()))
        }
        _ => None,
    }
}

/// `plan.rule_packs`, with PF005 for each name no pack has.
fn plan_named<'t>(
    rules: &Rules,
    root: &'t Table,
    source: SourceId,
    diags: &mut Findings,
) -> Option<Vec<&'t str>> {
    let (node, names) = rule_packs(root)?;
    let Value::List(items) = &node.value else {
        return None;
    };
    for item in items {
        let Some(name) = item.as_str() else { continue };
        if rules.pack(name).is_none() {
            let at = Location {
                source,
                span: item.span.clone(),
            };
            let code = Code::PF005.into();
            if !diags.wants(&code) {
                // Beyond the cap: no message listing every pack.
                let mut e = Extra::of(&Code::PF005.at(at.clone(), Message::plain("")));
                e.key = Some("plan.rule_packs".into());
                diags.push_extra(e, &at);
                continue;
            }
            let list = rules
                .pack_names()
                .into_iter()
                .map(|n| Arg::Plain(format!("`{n}`")));
            let msg = Message::new("pf005.no-pack").arg("name", name);
            let meant = rules.meant_pack(name);
            let help = match meant {
                Some(m) => Message::new("pf005.no-pack.did-you-mean.help").arg("meant", m),
                None => Message::new("pf005.no-pack.help"),
            };
            let help = help.arg("packs", Arg::List(list.collect()));
            let mut f = Code::PF005.at(at, msg).with_help(help);
            f.key = Some("plan.rule_packs".into());
            // Offered in the editor: another pack is another set of rules.
            f.fix = meant.map(|m| crate::finding::Fix {
                title: Message::new("fix.replace-value").arg("value", m),
                edits: vec![crate::finding::Edit {
                    span: item.span.clone(),
                    text: format!("\"{m}\""),
                }],
                safe: false,
            });
            diags.push(f);
        }
    }
    Some(names)
}

/// The checks of the plan's own choice of packs, in the order the
/// catalogue gives them: CORE010 and CORE012 first, since CORE011 is not
/// reported beside either.
pub(super) fn check(
    rules: &Rules,
    checks: &[(&Rule, SelectionCheck)],
    emit: &Emit,
) -> Vec<Finding> {
    let ctx = Ctx {
        root: emit.root,
        elem: None,
    };
    // A selection field still to be filled: CORE008 says so, and the
    // plan's choice cannot be judged yet.
    let unfilled = rules.packs.iter().any(|p| match &p.applies {
        Applies::When(c) => reads_placeholder(&ctx, c),
        _ => false,
    });
    if unfilled {
        return Vec::new();
    }
    let rule = |which: SelectionCheck| checks.iter().find(|(_, c)| *c == which).map(|(r, _)| *r);
    let mut out = Vec::new();
    if let Some(r) = rule(SelectionCheck::LeftOut) {
        out.extend(left_out(rules, r, &ctx, emit));
    }
    if let Some(r) = rule(SelectionCheck::NearMiss) {
        out.extend(near_miss(rules, r, &ctx, emit));
    }
    if let Some(r) = rule(SelectionCheck::NoneApplies) {
        if out.is_empty() && own_choice(rules, &ctx).is_empty() {
            out.push(emit.finding(r, super::at(r, &ctx, 0..0), Vec::new(), None));
        }
    }
    out
}

/// The packs, other than those always on, that the plan itself selects.
fn own_choice<'r>(rules: &'r Rules, ctx: &Ctx) -> Vec<&'r Pack> {
    let named = rule_packs(ctx.root).map(|(_, n)| n);
    rules
        .packs
        .iter()
        .filter(|p| !matches!(p.applies, Applies::Always) && chosen(p, named.as_deref(), ctx))
        .collect()
}

/// CORE010: one finding per pack that applies by `applies_when` and that
/// `rule_packs` leaves out, in pack order, at the `rule_packs` value.
fn left_out(rules: &Rules, rule: &Rule, ctx: &Ctx, emit: &Emit) -> Vec<Finding> {
    let Some((node, names)) = rule_packs(ctx.root) else {
        return Vec::new();
    };
    rules
        .packs
        .iter()
        .filter(|p| matches!(&p.applies, Applies::When(c) if ctx.test(c) == Tri::True))
        .filter(|p| !names.contains(&p.name.as_str()))
        .map(|p| {
            let vars = vec![
                ("item", p.name.as_str().into()),
                ("value", p.document.as_str().into()),
            ];
            let mut f = emit.finding(rule, node.span.clone(), vars, None);
            f.key = Some(format!("plan.rule_packs#{}", p.name));
            f.item = Some(p.name.clone());
            f
        })
        .collect()
}

/// CORE012: the nearest near miss of a pack's selection keywords (an edit
/// distance of 1 or 2 from a keyword of 4 characters or more), among the
/// packs whose `applies_when` does not match; ties go to the pack loaded
/// first, then the field named first.
fn near_miss(rules: &Rules, rule: &Rule, ctx: &Ctx, emit: &Emit) -> Option<Finding> {
    let mut best: Option<(usize, &Node, &str, &Pack)> = None;
    for pack in &rules.packs {
        let Applies::When(c) = &pack.applies else {
            continue;
        };
        if ctx.test(c) == Tri::True {
            continue;
        }
        for leaf in c.leaves() {
            let Test::Keywords(kws) = &leaf.test else {
                continue;
            };
            for path in &leaf.fields {
                let Lookup::Found(node) = ctx.lookup(path) else {
                    continue;
                };
                let Some(value) = node.as_str() else { continue };
                let value = value.trim().to_lowercase();
                for kw in kws.iter().filter(|k| k.chars().count() >= 4) {
                    let d = strsim::levenshtein(&value, kw);
                    if (1..=2).contains(&d) && best.is_none_or(|b| d < b.0) {
                        best = Some((d, node, kw, pack));
                    }
                }
            }
        }
    }
    let (_, node, kw, pack) = best?;
    let vars = vec![
        ("value", node.as_str().unwrap_or_default().into()),
        ("item", kw.to_string().into()),
        ("rule", pack.name.as_str().into()),
    ];
    Some(emit.finding(rule, node.span.clone(), vars, None))
}

/// Does the condition read a field that holds a placeholder?
fn reads_placeholder(ctx: &Ctx, c: &Cond) -> bool {
    c.leaves().iter().any(|l| {
        l.fields
            .iter()
            .any(|p| matches!(ctx.lookup(p), Lookup::Unfilled(_)))
    })
}
