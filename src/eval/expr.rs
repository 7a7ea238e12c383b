//! The escape hatch of the rule language: CEL expressions over the plan.
//! The plan is turned into CEL values once per plan; iteration over
//! elements stays in the host (per-element CEL loops are slow).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use cel::{Context, Env, Program, Value as Cel};

use super::cond::Tri;
use crate::plan::{Node, Table, Value};

/// The standard environment, built once: `Context::default()` builds it
/// anew (every overload registered) for each evaluation.
fn env() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| Arc::new(Env::stdlib())).clone()
}

/// The plan as CEL sees it, each top-level key a variable: converted once
/// per plan, shared by every rule and element.
pub(super) fn plan_context(root: &Table) -> Context<'static, 'static> {
    let mut ctx = Context::with_env(env());
    for e in &root.entries {
        ctx.add_variable_from_value(e.key, node(&e.node));
    }
    ctx
}

/// Runs a program on the plan and, when iterating, the element bound to
/// `name` (`unit`, `milestone`, `waiver`) in a scope of its own.
pub(super) fn run(program: &Program, plan: &Context, elem: Option<(&str, &Table)>) -> Tri {
    let mut ctx = plan.new_inner_scope();
    if let Some((name, t)) = elem {
        ctx.add_variable_from_value(name, table(t));
    }
    match program.execute(&ctx) {
        Ok(Cel::Bool(true)) => Tri::True,
        Ok(Cel::Bool(false)) => Tri::False,
        // A missing key or a non-boolean result: the data does not allow an answer.
        _ => Tri::Unknown,
    }
}

fn table(t: &Table) -> Cel {
    let map: HashMap<String, Cel> = t
        .entries
        .iter()
        .map(|e| (e.key.to_string(), node(&e.node)))
        .collect();
    Cel::from(map)
}

fn node(n: &Node) -> Cel {
    match &n.value {
        Value::Str(s) => Cel::from(s.clone()),
        Value::Int(i) => Cel::Int(*i),
        Value::Bool(b) => Cel::Bool(*b),
        // ISO dates compare correctly as strings.
        Value::Date(d) => Cel::from(d.to_string()),
        Value::List(l) => Cel::from(l.iter().map(node).collect::<Vec<_>>()),
        Value::Table(t) => table(t),
        Value::Invalid | Value::Placeholder(_) => Cel::Null,
    }
}
