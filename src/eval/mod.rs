//! Evaluation: a loaded plan and the rule packs in, findings out. Pure: it
//! neither reads files nor prints.

mod cond;
mod expr;
pub mod facts;
mod placeholder;
mod select;
mod waiver;

pub use cond::{matches_keywords, normalize_document_number};
pub use select::select;

use cond::{Ctx, Evidence, Tri};

use crate::finding::{Finding, Label, Location};
use crate::findings::{Extra, Findings};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::lang::Text;
use crate::message::{Arg, Message, Texts};
use crate::plan::{Date, KeyIndex, Plan, Table};
use crate::rules::{Check, Rule, Rules};
use crate::source::{SourceId, Span};

/// What the command line decides about evaluation.
#[derive(Clone, Debug)]
pub struct Options {
    /// The day waiver expiry is judged against.
    pub today: Date,
    /// `false` under `--no-waivers`.
    pub waivers: bool,
    /// Packs forced by `--pack`, replacing selection by the plan.
    pub packs: Option<Vec<String>>,
    /// Packs every plan must apply (`--require-packs`): added to those
    /// selected, in the packs' order.
    pub require: Vec<String>,
}

/// Whether `cond` holds on a plan (`root`) and, for a condition about an
/// element, on that element (its header span and table): `None` when the
/// answer is unknown. `init` drafts plans with it, as `check` judges them.
pub fn holds(
    cond: &crate::rules::Cond,
    root: &Table,
    elem: Option<(&Span, &Table)>,
) -> Option<bool> {
    match (Ctx { root, elem }).test(cond) {
        Tri::True => Some(true),
        Tri::False => Some(false),
        Tri::Unknown => None,
    }
}

/// One plan's result.
#[derive(Debug)]
pub struct Checked {
    pub packs: Vec<String>,
    pub findings: Findings,
}

/// Checks one plan: its format diagnostics, then every applicable rule.
pub fn check(plan: &Plan, rules: &Rules, opts: &Options) -> Checked {
    let mut findings = plan.diagnostics.clone();
    let mut packs = Vec::new();
    if let Some(root) = &plan.root {
        let (mut selected, diags) = select::select(rules, root, plan.source, opts.packs.as_deref());
        if !opts.require.is_empty() {
            let required = rules.packs.iter().filter(|p| {
                opts.require.contains(&p.name) && !selected.iter().any(|s| s.name == p.name)
            });
            let mut all: Vec<_> = selected.iter().copied().chain(required).collect();
            // Back in the packs' order, as selection gives them.
            all.sort_by_key(|p| rules.packs.iter().position(|q| q.name == p.name));
            selected = all;
        }
        findings.append(diags);
        packs = selected.iter().map(|p| p.name.clone()).collect();
        let emit = Emit {
            source: plan.source,
            root,
            spots: &plan.placeholders,
            keys: OnceCell::new(),
        };
        let mut rule_findings = Findings::new();
        let mut waiver_checks = Vec::new();
        let mut selection_checks = Vec::new();
        let mut cel_plan = None;
        let applied: Vec<&Rule> = selected.iter().flat_map(|p| p.rules()).collect();
        for rule in &applied {
            match &rule.check {
                Check::Waiver(c) => waiver_checks.push((*rule, *c)),
                Check::Selection(c) => selection_checks.push((*rule, *c)),
                // One per placeholder, so possibly hundreds of thousands:
                // straight into the capped collection.
                Check::Placeholder => placeholder::find(rule, &emit, &mut rule_findings),
                _ => rule_findings.extend(run_rule(rule, &emit, &mut cel_plan)),
            }
        }
        // Superseded findings go before waivers are matched.
        let superseded = supersede(&applied, &mut rule_findings);
        let input = waiver::WaiverInput {
            root,
            rules,
            checks: waiver_checks,
            today: opts.today,
            apply: opts.waivers,
            superseded: &superseded,
        };
        let waiver_findings = waiver::apply(&input, &mut rule_findings, &emit);
        findings.append(rule_findings);
        findings.extend(waiver_findings);
        findings.extend(select::check(rules, &selection_checks, &emit));
    }
    findings
        .shown
        .sort_by(|a, b| (a.at.span.start, &a.code).cmp(&(b.at.span.start, &b.code)));
    Checked { packs, findings }
}

/// Drops the findings of superseded rules on every element where their
/// superseding rule reported one; returns what was dropped, as (rule, unit,
/// superseding rule), for CORE005's help.
fn supersede(applied: &[&Rule], findings: &mut Findings) -> Vec<(String, Option<String>, String)> {
    let mut dropped = Vec::new();
    for rule in applied.iter().filter(|r| !r.supersedes.is_empty()) {
        let key = |e: &Option<Span>| e.as_ref().map(|e| (e.start, e.end));
        let mut elements: HashSet<Option<(usize, usize)>> = findings
            .shown
            .iter()
            .filter(|f| f.code == rule.id)
            .map(|f| key(&f.element))
            .collect();
        elements.extend(
            findings
                .extra
                .iter()
                .filter(|e| e.code == rule.id)
                .map(|e| e.element),
        );
        if elements.is_empty() {
            // The superseding rule found nothing: nothing to drop.
            continue;
        }
        let superseded = |code: &str| rule.supersedes.iter().any(|s| code == s);
        let mut gone_extra = Vec::new();
        findings.retain(
            |f| {
                let gone = superseded(&f.code) && elements.contains(&key(&f.element));
                if gone {
                    dropped.push((f.code.to_string(), f.unit.clone(), rule.id.clone()));
                }
                !gone
            },
            |e| {
                let gone = superseded(&e.code) && elements.contains(&e.element);
                if gone {
                    let unit = e.unit.as_deref().map(str::to_string);
                    gone_extra.push((e.code.to_string(), unit, rule.id.clone()));
                }
                !gone
            },
        );
        dropped.extend(gone_extra);
    }
    dropped
}

/// Builds findings of one plan from rules and template variables.
pub struct Emit<'a> {
    source: SourceId,
    root: &'a Table,
    spots: &'a [crate::plan::Spot],
    /// Key paths by span, built for the first finding that needs one.
    keys: OnceCell<KeyIndex<'a>>,
}

/// The values a rule's message is filled with.
type Vars = Vec<(&'static str, Arg)>;

impl Emit<'_> {
    fn loc(&self, span: Span) -> Location {
        Location {
            source: self.source,
            span,
        }
    }

    fn finding(&self, rule: &Rule, span: Span, vars: Vars, unit: Option<&str>) -> Finding {
        let shown = unit.map(|u| Arg::Plain(u.to_string()));
        self.finding_named(rule, span, vars, unit, shown)
    }

    /// A finding about the element a rule iterates over: its unit id, and
    /// in messages its id, or its name when the id is unusable.
    fn finding_on(&self, rule: &Rule, span: Span, vars: Vars, ctx: &Ctx) -> Finding {
        let shown = match (rule.given.as_deref(), ctx.elem) {
            (Some("unit"), Some((_, t))) => Some(element_name(t)),
            _ => None,
        };
        let mut f = self.finding_named(rule, span, vars, unit_of(rule, ctx), shown);
        f.element = ctx.elem.map(|e| e.0.clone());
        f
    }

    /// A finding of `rule` beyond the cap: its fingerprint, no words.
    fn extra(&self, rule: &Rule, span: &Span, unit: Option<&str>) -> Extra {
        Extra {
            code: rule.id.as_str().into(),
            severity: rule.severity,
            unit: unit.map(Box::from),
            key: self.key_at(span).map(String::into_boxed_str),
            element: None,
            waived: None,
            baselined: false,
            n: 1,
        }
    }

    fn key_at(&self, span: &Span) -> Option<String> {
        self.keys
            .get_or_init(|| KeyIndex::new(self.root))
            .key_at(span)
    }

    fn finding_named(
        &self,
        rule: &Rule,
        span: Span,
        mut vars: Vars,
        unit: Option<&str>,
        shown: Option<Arg>,
    ) -> Finding {
        let jurisdiction = self
            .root
            .table("plan")
            .and_then(|p| p.str("jurisdiction"))
            .unwrap_or("");
        vars.push(("jurisdiction", jurisdiction.into()));
        vars.push(("unit", shown.unwrap_or_else(|| "".into())));
        let say = |t: &Arc<Texts>| Message::pack(t.clone()).args(vars.iter().cloned());
        let message = say(&rule.message);
        let mut f = Finding::new(rule.id.as_str(), rule.severity, message, self.loc(span))
            .with_help(say(&rule.help));
        f.label = rule.label.as_ref().map(say);
        f.unit = unit.map(str::to_string);
        f.key = self.key_at(&f.at.span);
        f.citation = Some(rule.citation.clone());
        f
    }
}

/// Each element a rule iterates over, as a context; the plan when none.
fn contexts<'a>(rule: &Rule, root: &'a Table) -> Vec<Ctx<'a>> {
    match &rule.given {
        Some(g) => root
            .tables(g)
            .map(|e| Ctx {
                root,
                elem: Some(e),
            })
            .collect(),
        None => vec![Ctx { root, elem: None }],
    }
}

fn applies(rule: &Rule, ctx: &Ctx) -> bool {
    rule.when.as_ref().is_none_or(|w| ctx.test(w) == Tri::True)
}

fn unit_of<'a>(rule: &Rule, ctx: &Ctx<'a>) -> Option<&'a str> {
    match (rule.given.as_deref(), ctx.elem) {
        (Some("unit"), Some((_, t))) => t.str("id"),
        _ => None,
    }
}

/// How a message names an element: its id, else (an id missing or
/// unusable) its name, as written, in the reader's language where it has one.
fn element_name(t: &Table) -> Arg {
    let usable = |k: &str| t.str(k).filter(|s| !s.trim().is_empty());
    if let Some(id) = usable("id") {
        return Arg::Plain(id.to_string());
    }
    match (usable("name"), usable("name_zh")) {
        (Some(en), zh) => Arg::Text(Text::new(en, zh.map(str::to_string))),
        (None, Some(zh)) => Arg::Plain(zh.to_string()),
        (None, None) => ["deliverable", "rule"]
            .iter()
            .find_map(|k| usable(k))
            .unwrap_or("?")
            .into(),
    }
}

/// Where a label about an element goes: its `id`, else its header.
fn id_span(ctx: &Ctx) -> Span {
    ctx.elem
        .map(|(h, t)| t.get("id").map_or(h.clone(), |n| n.span.clone()))
        .unwrap_or(0..0)
}

fn run_rule(
    rule: &Rule,
    emit: &Emit,
    cel_plan: &mut Option<cel::Context<'static, 'static>>,
) -> Vec<Finding> {
    let root = emit.root;
    match &rule.check {
        Check::Assert { require } => contexts(rule, root)
            .iter()
            .filter(|c| applies(rule, c))
            .filter_map(|c| assert(rule, emit, c, require))
            .collect(),
        Check::Count { .. } => count(rule, emit).into_iter().collect(),
        Check::Unique { field } => unique(rule, emit, field),
        Check::Required { items } => {
            let plan = Ctx { root, elem: None };
            if !applies(rule, &plan) {
                return Vec::new();
            }
            let elems = contexts(rule, root);
            items
                .iter()
                // Missing only when no element could be it: an element whose
                // kind or level is a placeholder might be.
                .filter(|i| elems.iter().all(|c| c.test(&i.where_) == Tri::False))
                .map(|i| {
                    let name = match &i.name_zh {
                        Some(zh) => Text::new(format!("{} ({zh})", i.name), Some(zh.clone())),
                        None => Text::new(i.name.clone(), None),
                    };
                    let vars = vec![("item", Arg::Text(name))];
                    let mut f = emit.finding(rule, at(rule, &plan, 0..0), vars, None);
                    f.item = Some(i.name.clone());
                    f
                })
                .collect()
        }
        Check::Expr(e) => {
            let ctxs: Vec<Ctx> = contexts(rule, root)
                .into_iter()
                .filter(|c| applies(rule, c))
                .collect();
            if !within_budget(e, root, &ctxs) {
                return vec![over_budget(rule, emit)];
            }
            let plan = cel_plan.get_or_insert_with(|| expr::plan_context(root));
            ctxs.iter()
                .filter(|c| {
                    let elem = rule.given.as_deref().zip(c.elem.map(|e| e.1));
                    expr::run(&e.program, plan, elem) == Tri::False
                })
                .map(|c| {
                    let fallback = c.elem.map_or(0..0, |e| e.0.clone());
                    emit.finding_on(rule, at(rule, c, fallback), Vec::new(), c)
                })
                .collect()
        }
        Check::Placeholder | Check::Waiver(_) | Check::Selection(_) => Vec::new(),
    }
}

/// Does an `expr` rule's cost on this plan, over every element it is
/// evaluated on, stay within the budget? Computed from the sizes of the
/// plan values the expression reads, before anything is evaluated.
fn within_budget(e: &crate::rules::expr::Expr, root: &Table, ctxs: &[Ctx]) -> bool {
    let mut root_sizes = vec![None; e.sizes.len()];
    let mut total: u64 = 0;
    for c in ctxs {
        // One step to bind the element, beside the expression's own.
        let cost = e.cost(root, c.elem.map(|x| x.1), &mut root_sizes);
        total = total.saturating_add(cost.saturating_add(1));
        if total > crate::rules::expr::BUDGET {
            return false;
        }
    }
    true
}

/// RP004: the rule was not evaluated on this plan; at the `[plan]` header.
fn over_budget(rule: &Rule, emit: &Emit) -> Finding {
    let span = emit.root.get("plan").map_or(0..0, |n| n.span.clone());
    let budget = crate::rules::expr::BUDGET.to_string();
    let message = Message::new("rp004.budget")
        .arg("rule", rule.id.as_str())
        .arg("budget", budget);
    let mut f = crate::finding::Code::RP004
        .at(emit.loc(span), message)
        .with_help(Message::new("rp004.budget.help").arg("rule", rule.id.as_str()));
    f.key = emit.root.key_at(&f.at.span);
    f
}

/// The rule's `at` when it has one, else the given span.
fn at(rule: &Rule, ctx: &Ctx, fallback: Span) -> Span {
    rule.at.as_ref().map_or(fallback, |p| ctx.locate(p))
}

fn assert(rule: &Rule, emit: &Emit, ctx: &Ctx, require: &crate::rules::Cond) -> Option<Finding> {
    // Most plans pass: answer cheaply first, gather evidence only to report.
    if ctx.test(require) != Tri::False {
        return None;
    }
    let (_, evidence) = ctx.eval(require);
    let first = evidence.first().cloned().unwrap_or_default();
    let span = at(rule, ctx, first.span.clone());
    let vars = vars_of(&first, &evidence);
    let mut f = emit.finding_on(rule, span.clone(), vars, ctx);
    // Further failing fields, each where it stands.
    for ev in evidence.iter().filter(|e| e.span != span) {
        if let Some(says) = ev.says {
            f.labels.push(Label {
                at: emit.loc(ev.span.clone()),
                text: Message::text(says.clone()),
            });
        }
    }
    Some(f)
}

fn vars_of(first: &Evidence, all: &[Evidence]) -> Vars {
    // A Chinese reader knows a duty by its name; the id is what to type.
    let missing = first.missing.iter().map(|m| {
        let id = format!("`{m}`");
        let zh = crate::plan::schema::name_zh(m).map(|zh| format!("“{zh}”（{id}）"));
        Arg::Text(Text::new(id, zh))
    });
    let failed = all
        .iter()
        .filter_map(|e| e.says.map(|s| Arg::Text(s.clone())));
    vec![
        (
            "value",
            first.value.map(cond::display).unwrap_or_default().into(),
        ),
        (
            "other",
            first
                .other
                .map(|d| d.to_string())
                .unwrap_or_default()
                .into(),
        ),
        ("missing", Arg::List(missing.collect())),
        ("failed", Arg::Clauses(failed.collect())),
    ]
}

fn count(rule: &Rule, emit: &Emit) -> Option<Finding> {
    let Check::Count {
        where_,
        min,
        counted,
        notes,
    } = &rule.check
    else {
        return None;
    };
    let plan = Ctx {
        root: emit.root,
        elem: None,
    };
    if !applies(rule, &plan) {
        return None;
    }
    let (mut n, mut unknown) = (0, 0);
    let mut labels = Vec::new();
    for ctx in contexts(rule, emit.root) {
        let id = ctx
            .elem
            .map_or_else(|| "?".into(), |(_, t)| element_name(t));
        let text = match ctx.test(where_) {
            Tri::True => {
                n += 1;
                let what = counted.clone().unwrap_or_default();
                Some(
                    Message::new("count.counted")
                        .arg("unit", id)
                        .arg("what", Arg::Text(what)),
                )
            }
            // A placeholder kind or level: neither counted nor left out.
            Tri::Unknown => {
                unknown += 1;
                None
            }
            Tri::False => notes
                .iter()
                .find(|(c, _)| ctx.test(c) == Tri::True)
                .map(|(_, says)| {
                    Message::new("count.note")
                        .arg("unit", id)
                        .arg("says", Arg::Text(says.clone()))
                }),
        };
        if let Some(text) = text {
            labels.push(Label {
                at: emit.loc(id_span(&ctx)),
                text,
            });
        }
    }
    // Met, or the unknown elements could meet it: no verdict.
    if n + unknown >= *min {
        return None;
    }
    let vars = vec![
        ("count", n.to_string().into()),
        ("min", min.to_string().into()),
    ];
    let mut f = emit.finding(rule, at(rule, &plan, 0..0), vars, None);
    f.labels = labels;
    Some(f)
}

fn unique(rule: &Rule, emit: &Emit, field: &crate::rules::Path) -> Vec<Finding> {
    // By value: a scan of every earlier value made 25,000 units quadratic.
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut out = Vec::new();
    for ctx in contexts(rule, emit.root) {
        let cond::Lookup::Found(node) = ctx.lookup(field) else {
            continue;
        };
        let Some(v) = node.as_str() else { continue };
        match seen.get(v) {
            Some(first) => {
                let vars = vec![("value", v.into())];
                let mut f = emit.finding_on(rule, node.span.clone(), vars, &ctx);
                if let Some(text) = &rule.first_label {
                    f.labels.push(Label {
                        at: emit.loc(first.clone()),
                        text: Message::text(text.clone()),
                    });
                }
                out.push(f);
            }
            None => {
                seen.insert(v, node.span.clone());
            }
        }
    }
    out
}
