//! The escape hatch of the rule language: CEL expressions over the plan.
//! The plan is turned into CEL values once per plan; iteration over
//! elements stays in the host (per-element CEL loops are slow).

use std::collections::HashMap;

use cel::{Context, Program, Value as Cel};

use super::cond::Tri;
use crate::plan::{Node, Table, Value};

/// The plan as CEL sees it: each top-level key a variable.
pub(super) fn plan_vars(root: &Table) -> Vec<(String, Cel)> {
    root.entries
        .iter()
        .map(|e| (e.key.to_string(), node(&e.node)))
        .collect()
}

/// Runs a program with the plan's variables and, when iterating, the
/// element bound to `name` (`unit`, `milestone`, `waiver`).
pub(super) fn run(program: &Program, vars: &[(String, Cel)], elem: Option<(&str, &Table)>) -> Tri {
    let mut ctx = Context::default();
    for (k, v) in vars {
        ctx.add_variable_from_value(k.clone(), v.clone());
    }
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
