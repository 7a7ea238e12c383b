//! CEL expressions of `expr` rules, checked when the pack loads.
//!
//! cel (=0.15) has no cost hooks and no type checker, so this module walks
//! the parsed expression itself:
//! - every function, macro, variable and field path must exist (a typo such
//!   as `startswith` or `unit.idd` would otherwise make the rule silently
//!   unknown on every plan);
//! - a static cost model bounds how many steps an evaluation takes. Every
//!   node costs one step, a call also the size of its arguments (copying or
//!   comparing them), and a comprehension (`all`, `exists`, `exists_one`,
//!   `map`, `filter`) the size of what it ranges over times its body. Sizes
//!   are literals' lengths, or the sizes of plan values, known only when a
//!   plan is checked: the cost is kept as a formula ([`Cost`]) over them and
//!   computed before each evaluation ([`Expr::cost`]). Memory is bounded by
//!   the same count: a step allocates at most what it is charged for.
//!
//! An expression whose cost has no formula (it ranges over something whose
//! size is unknown, or nests comprehensions deeper than [`MAX_NESTING`]) or
//! whose cost exceeds [`BUDGET`] on every plan does not load.

use std::sync::Arc;

use cel::common::ast::{ComprehensionExpr, Expr as Ast, IdedExpr, LiteralValue};
use cel::Program;

use crate::plan::schema::{self, Field, Ty};
use crate::plan::{Table, Value};

/// Steps one `expr` rule may take on one plan, over all the elements it is
/// evaluated on. About 0.1–0.5 s in a release build; a plan at the 4 MiB cap
/// with a simple per-unit rule takes well under a tenth of it.
pub const BUDGET: u64 = 2_000_000;

/// Comprehensions nested deeper than this cannot be bounded.
pub const MAX_NESTING: usize = 3;

/// The expression nodes deeper than this are refused (the walk recurses).
const MAX_DEPTH: usize = 200;

/// Functions the standard library cel is built with provides (no `regex`,
/// no `chrono`: `matches`, `duration` and `timestamp` are not there). A unit
/// test holds this list to the crate.
pub const FUNCTIONS: &[&str] = &[
    "size",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "bool",
    "type",
    "dyn",
    "contains",
    "startsWith",
    "endsWith",
];

/// The macros the parser expands; a misspelt one is an unknown function.
pub const MACROS: &[&str] = &["has", "all", "exists", "exists_one", "map", "filter"];

/// Type names an expression may use as values (`type(x) == string`).
const TYPE_NAMES: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
];

/// A compiled `expr` rule: the program and the formula of its cost.
pub struct Expr {
    pub program: Arc<Program>,
    pub cost: Cost,
    /// The plan values whose sizes the cost depends on ([`Cost::Size`]).
    pub sizes: Vec<SizePath>,
}

/// Steps, as a formula over the sizes of plan values.
#[derive(Clone, Debug, PartialEq)]
pub enum Cost {
    Const(u64),
    /// The size of `sizes[i]`: elements of a list or table, bytes of a string.
    Size(usize),
    Add(Vec<Cost>),
    Mul(Box<Cost>, Box<Cost>),
    Max(Vec<Cost>),
}

/// Where a plan value is: from the plan's top level or the element the rule
/// is given, then keys, `Each` standing for every item of a list (the
/// largest counts).
#[derive(Clone, Debug, PartialEq)]
pub struct SizePath {
    pub element: bool,
    pub segs: Vec<Seg>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Key(&'static str),
    Each,
}

/// A problem in an expression: where (byte range in the expression's
/// source, when known), what, and a suggestion.
#[derive(Debug)]
pub struct Problem {
    pub at: Option<(usize, usize)>,
    pub msg: String,
    pub help: Option<String>,
}

impl Cost {
    fn add(self, other: Cost) -> Cost {
        match (self, other) {
            (Cost::Const(a), Cost::Const(b)) => Cost::Const(a.saturating_add(b)),
            (Cost::Add(mut v), c) => {
                v.push(c);
                Cost::Add(v)
            }
            (a, b) => Cost::Add(vec![a, b]),
        }
    }

    fn mul(self, other: Cost) -> Cost {
        match (self, other) {
            (Cost::Const(a), Cost::Const(b)) => Cost::Const(a.saturating_mul(b)),
            (a, b) => Cost::Mul(Box::new(a), Box::new(b)),
        }
    }

    fn max(self, other: Cost) -> Cost {
        match (self, other) {
            (Cost::Const(a), Cost::Const(b)) => Cost::Const(a.max(b)),
            (a, b) => Cost::Max(vec![a, b]),
        }
    }

    /// The steps, given the size of each plan value (saturating).
    pub fn eval(&self, size: &mut dyn FnMut(usize) -> u64) -> u64 {
        match self {
            Cost::Const(c) => *c,
            Cost::Size(i) => size(*i),
            Cost::Add(v) => v.iter().fold(0u64, |a, c| a.saturating_add(c.eval(size))),
            Cost::Mul(a, b) => a.eval(size).saturating_mul(b.eval(size)),
            Cost::Max(v) => v.iter().map(|c| c.eval(size)).max().unwrap_or(0),
        }
    }
}

impl SizePath {
    /// The size of this value in a plan (`root`) and the element a rule is
    /// evaluated on: 0 when absent or scalar.
    pub fn measure(&self, root: &Table, elem: Option<&Table>) -> u64 {
        let table = match (self.element, elem) {
            (true, Some(t)) => t,
            (true, None) => return 0,
            (false, _) => root,
        };
        measure_table(table, &self.segs)
    }
}

fn measure_table(t: &Table, segs: &[Seg]) -> u64 {
    match segs.split_first() {
        None => t.entries.len() as u64,
        Some((Seg::Key(k), rest)) => t.get(k).map_or(0, |n| measure(&n.value, rest)),
        Some((Seg::Each, _)) => 0,
    }
}

fn measure(v: &Value, segs: &[Seg]) -> u64 {
    match (v, segs.split_first()) {
        (Value::Str(s), None) => s.len() as u64,
        (Value::List(l), None) => l.len() as u64,
        (Value::Table(t), _) => measure_table(t, segs),
        (Value::List(l), Some((Seg::Each, rest))) => {
            l.iter().map(|n| measure(&n.value, rest)).max().unwrap_or(0)
        }
        _ => 0,
    }
}

impl Expr {
    /// The steps this expression takes on one element (or the plan).
    /// `root_sizes` caches the sizes of top-level values across elements.
    pub fn cost(&self, root: &Table, elem: Option<&Table>, root_sizes: &mut [Option<u64>]) -> u64 {
        self.cost.eval(&mut |i| {
            let p = &self.sizes[i];
            if p.element {
                return p.measure(root, elem);
            }
            match root_sizes.get(i).copied().flatten() {
                Some(s) => s,
                None => {
                    let s = p.measure(root, elem);
                    if let Some(slot) = root_sizes.get_mut(i) {
                        *slot = Some(s);
                    }
                    s
                }
            }
        })
    }
}

/// Compiles and checks `source`: the program, or every problem found.
pub fn compile(source: &str, given: Option<&str>) -> Result<Expr, Vec<Problem>> {
    let program = match Program::compile(source) {
        Ok(p) => p,
        Err(errs) => return Err(vec![syntax_problem(source, &errs)]),
    };
    let (cost, mut problems, sizes) = {
        let mut w = Walk {
            given,
            info: program.source_info(),
            problems: Vec::new(),
            sizes: Vec::new(),
            vars: Vec::new(),
            nesting: 0,
            depth: 0,
        };
        let (_, cost) = w.walk(program.expression());
        (cost, w.problems, w.sizes)
    };
    if problems.is_empty() {
        // Sizes all zero: what the expression costs on any plan at least.
        let least = cost.eval(&mut |_| 0);
        if least > BUDGET {
            problems.push(Problem {
                at: None,
                msg: format!(
                    "this CEL expression takes at least {least} steps on any plan, over the budget of {BUDGET}"
                ),
                help: Some("range over plan values, or over shorter lists".into()),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Expr {
        program: Arc::new(program),
        cost,
        sizes,
    })
}

/// The parser's first error, at the character it names, and how many
/// more it found. Not the parser's own message for them all: that quotes
/// the whole line under every error, so it grows with the square of the
/// line (100 KB of characters CEL does not know made gigabytes).
fn syntax_problem(source: &str, errs: &cel::ParseErrors) -> Problem {
    /// Longest parser message kept: it may quote a token, of any length.
    const MSG_CHARS: usize = 200;
    let mut msg = "this CEL expression does not compile".to_string();
    let Some(first) = errs.errors.first() else {
        return Problem {
            at: None,
            msg,
            help: None,
        };
    };
    msg.push_str(": ");
    msg.push_str(&crate::text::cut(&first.msg, MSG_CHARS));
    let more = errs.errors.len() - 1;
    if more > 0 {
        msg.push_str(&format!(" ({more} more after it)"));
    }
    Problem {
        at: char_at(source, first.pos),
        msg,
        help: None,
    }
}

/// The byte range of the character at a parser position: a line and a
/// column in characters, both from 1. `None` past the end.
fn char_at(source: &str, (line, col): (isize, isize)) -> Option<(usize, usize)> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let col = usize::try_from(col).ok()?.checked_sub(1)?;
    let start = match line {
        0 => 0,
        n => source.match_indices('\n').nth(n - 1)?.0 + 1,
    };
    let (i, c) = source[start..].char_indices().nth(col)?;
    Some((start + i, start + i + c.len_utf8()))
}

/// What the walk knows of a value: its shape in the plan format (to check
/// field names), a bound on its size, and for a list, of its elements.
#[derive(Clone)]
struct Val {
    shape: Shape,
    /// How the plan format names it, for messages: `unit.cdo`.
    name: String,
    size: Option<Cost>,
    /// Where it is in the plan, when it is a plan value (for iterating it).
    path: Option<SizePath>,
    elem: Option<Box<Val>>,
}

#[derive(Clone, Copy)]
enum Shape {
    Table(&'static [Field]),
    Tables(&'static [Field]),
    List(&'static Ty),
    Scalar(&'static str),
    /// Not known: no field check.
    Any,
}

impl Val {
    fn any(size: Option<Cost>) -> Val {
        Val {
            shape: Shape::Any,
            name: String::new(),
            size,
            path: None,
            elem: None,
        }
    }

    fn scalar() -> Val {
        Val {
            shape: Shape::Scalar("value"),
            ..Val::any(Some(Cost::Const(0)))
        }
    }
}

fn shape_of(ty: &'static Ty) -> Shape {
    match ty {
        Ty::Table(f) => Shape::Table(f),
        Ty::Tables(f) => Shape::Tables(f),
        Ty::List(t) => Shape::List(t),
        Ty::Int => Shape::Scalar("an integer"),
        Ty::Bool => Shape::Scalar("a boolean"),
        Ty::Str | Ty::Date | Ty::Enum(_) | Ty::Id => Shape::Scalar("a string"),
    }
}

struct Walk<'a> {
    given: Option<&'a str>,
    info: &'a cel::common::ast::SourceInfo,
    problems: Vec<Problem>,
    sizes: Vec<SizePath>,
    /// Comprehension variables in scope, innermost last.
    vars: Vec<(String, Val)>,
    nesting: usize,
    depth: usize,
}

impl Walk<'_> {
    fn problem(&mut self, id: u64, msg: String, help: Option<String>) {
        let at = self
            .info
            .offset_for(id)
            .map(|(a, b)| (a as usize, b as usize + 1));
        self.problems.push(Problem { at, msg, help });
    }

    /// A problem at a name: the parser places a field selection at its `.`
    /// and a call at its `(`; the name is just after, or just before.
    fn problem_at_name(&mut self, id: u64, name: &str, msg: String, help: Option<String>) {
        let src = self.info.source.as_str();
        let at = self.info.offset_for(id).and_then(|(a, _)| {
            let a = a as usize;
            let after = (a + 1, a + 1 + name.len());
            let before = (a.checked_sub(name.len())?, a);
            [after, before]
                .into_iter()
                .find(|(x, y)| src.get(*x..*y) == Some(name))
        });
        match at {
            Some(at) => self.problems.push(Problem {
                at: Some(at),
                msg,
                help,
            }),
            None => self.problem(id, msg, help),
        }
    }

    fn size_of_path(&mut self, path: &SizePath) -> Cost {
        let i = match self.sizes.iter().position(|p| p == path) {
            Some(i) => i,
            None => {
                self.sizes.push(path.clone());
                self.sizes.len() - 1
            }
        };
        Cost::Size(i)
    }

    /// A plan value of type `ty` at `path`.
    fn plan_val(&mut self, ty: &'static Ty, name: String, path: SizePath) -> Val {
        let shape = shape_of(ty);
        let size = match shape {
            Shape::Scalar(_) if !matches!(ty, Ty::Str | Ty::Date | Ty::Enum(_) | Ty::Id) => {
                Cost::Const(0)
            }
            _ => self.size_of_path(&path),
        };
        Val {
            shape,
            name,
            size: Some(size),
            path: Some(path),
            elem: None,
        }
    }

    /// Walks one node: what it yields, and what evaluating it costs.
    fn walk(&mut self, e: &IdedExpr) -> (Val, Cost) {
        self.depth += 1;
        let r = if self.depth > MAX_DEPTH {
            self.problem(
                e.id,
                "this CEL expression is nested too deeply".into(),
                None,
            );
            (Val::any(None), Cost::Const(0))
        } else {
            self.node(e)
        };
        self.depth -= 1;
        r
    }

    fn node(&mut self, e: &IdedExpr) -> (Val, Cost) {
        let one = Cost::Const(1);
        match &e.expr {
            Ast::Ident(name) => (self.ident(e.id, name), one),
            Ast::Select(s) => {
                let (v, c) = self.walk(&s.operand);
                let out = self.select(e.id, &v, &s.field);
                let out = if s.test { Val::scalar() } else { out };
                (out, c.add(one))
            }
            Ast::Literal(l) => {
                let size = match l {
                    LiteralValue::String(s) => s.len() as u64,
                    LiteralValue::Bytes(b) => b.inner().len() as u64,
                    _ => 0,
                };
                (Val::any(Some(Cost::Const(size))), one)
            }
            Ast::List(l) => {
                let mut cost = Cost::Const(1 + l.elements.len() as u64);
                let mut elem: Option<Val> = None;
                for x in &l.elements {
                    let (v, c) = self.walk(x);
                    cost = cost.add(c);
                    elem = Some(match elem {
                        None => v,
                        Some(prev) => join(prev, v),
                    });
                }
                let val = Val {
                    elem: Some(Box::new(elem.unwrap_or_else(Val::scalar))),
                    ..Val::any(Some(Cost::Const(l.elements.len() as u64)))
                };
                (val, cost)
            }
            Ast::Map(m) => {
                let mut cost = Cost::Const(1 + m.entries.len() as u64);
                for entry in &m.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                        cost = cost.add(self.walk(&me.key).1).add(self.walk(&me.value).1);
                    }
                }
                let size = Cost::Const(m.entries.len() as u64);
                (Val::any(Some(size)), cost)
            }
            Ast::Struct(s) => {
                let mut cost = one;
                for entry in &s.entries {
                    if let cel::common::ast::EntryExpr::StructField(f) = &entry.expr {
                        cost = cost.add(self.walk(&f.value).1);
                    }
                }
                (Val::any(None), cost)
            }
            Ast::Call(call) => self.call(e.id, call),
            Ast::Comprehension(c) => self.comprehension(e.id, c),
            Ast::Unspecified => (Val::any(None), one),
        }
    }

    fn ident(&mut self, id: u64, name: &str) -> Val {
        if let Some((_, v)) = self.vars.iter().rev().find(|(n, _)| n == name) {
            return v.clone();
        }
        // The element a rule is given is bound to its name, over the plan's list.
        if self.given == Some(name) {
            if let Some(Field {
                ty: Ty::Tables(f), ..
            }) = schema::lookup(&[name])
            {
                let path = SizePath {
                    element: true,
                    segs: Vec::new(),
                };
                let size = self.size_of_path(&path);
                return Val {
                    shape: Shape::Table(f),
                    name: name.to_string(),
                    size: Some(size),
                    path: Some(path),
                    elem: None,
                };
            }
        }
        if let Some(field) = schema::ROOT.iter().find(|f| f.key == name) {
            let path = SizePath {
                element: false,
                segs: vec![Seg::Key(field.key)],
            };
            return self.plan_val(&field.ty, name.to_string(), path);
        }
        if TYPE_NAMES.contains(&name) {
            return Val::scalar();
        }
        let mut known: Vec<&str> = schema::ROOT.iter().map(|f| f.key).collect();
        known.extend(self.vars.iter().map(|(n, _)| n.as_str()));
        let help = suggest(name, &known).map(|k| format!("did you mean `{k}`?"));
        let msg = format!(
            "no variable `{name}` in a CEL expression; the plan's are: {}",
            schema::ROOT
                .iter()
                .map(|f| f.key)
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.problem(id, msg, help);
        Val::any(None)
    }

    /// `v.field`: checked against the plan format when `v` is a plan table.
    fn select(&mut self, id: u64, v: &Val, field: &str) -> Val {
        match v.shape {
            Shape::Table(fields) => match fields.iter().find(|f| f.key == field) {
                Some(f) => {
                    let mut path = v.path.clone().unwrap_or(SizePath {
                        element: false,
                        segs: Vec::new(),
                    });
                    path.segs.push(Seg::Key(f.key));
                    let name = format!("{}.{}", v.name, f.key);
                    self.plan_val(&f.ty, name, path)
                }
                None => {
                    let keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
                    let help = suggest(field, &keys).map(|k| format!("did you mean `{k}`?"));
                    let msg = format!(
                        "`{}.{field}` is not a field of plan format v1; `{}` has: {}",
                        v.name,
                        v.name,
                        keys.join(", ")
                    );
                    self.problem_at_name(id, field, msg, help);
                    Val::any(None)
                }
            },
            Shape::Tables(_) | Shape::List(_) => {
                let msg = format!("`{}` is a list: `.{field}` reads no element of it", v.name);
                let help = Some(format!(
                    "iterate it: `{0}.all(x, x.{field} …)`, or set `given = \"{0}\"` on the rule",
                    v.name
                ));
                self.problem(id, msg, help);
                Val::any(None)
            }
            Shape::Scalar(what) if !v.name.is_empty() => {
                let msg = format!("`{}` is {what}: it has no field `{field}`", v.name);
                self.problem(id, msg, None);
                Val::any(None)
            }
            _ => Val::any(None),
        }
    }

    fn call(&mut self, id: u64, call: &cel::common::ast::CallExpr) -> (Val, Cost) {
        let name = call.func_name.as_str();
        let operator = name.starts_with('_') || name.starts_with('@') || name.ends_with('_');
        if !operator && !FUNCTIONS.contains(&name) {
            let mut known: Vec<&str> = FUNCTIONS.to_vec();
            known.extend(MACROS);
            let help = suggest(name, &known).map(|k| format!("did you mean `{k}`?"));
            let msg = format!(
                "no function or macro `{name}` in CEL here; there are: {}",
                known.join(", ")
            );
            self.problem_at_name(id, name, msg, help);
            // Its arguments may use variables a macro would have bound.
            return (Val::any(None), Cost::Const(1));
        }
        let mut cost = Cost::Const(1);
        let mut vals = Vec::new();
        for x in call.target.iter().map(|t| &**t).chain(&call.args) {
            let (v, c) = self.walk(x);
            cost = cost.add(c);
            vals.push(v);
        }
        // Appending to a comprehension's own result is done in place.
        let appends = name == "_+_"
            && matches!(call.args.first().map(|a| &a.expr), Some(Ast::Ident(n)) if n == "@result");
        for v in vals.iter().skip(usize::from(appends)) {
            if let Some(s) = &v.size {
                cost = cost.add(s.clone());
            }
        }
        let val = match name {
            "_+_" => match (&vals[..], appends) {
                ([a, b], false) => match (&a.size, &b.size) {
                    (Some(x), Some(y)) => Val {
                        elem: a.elem.clone().or(b.elem.clone()),
                        ..Val::any(Some(x.clone().add(y.clone())))
                    },
                    _ => Val::any(None),
                },
                ([_, b], true) => b.clone(),
                _ => Val::any(None),
            },
            "_?_:_" => match &vals[..] {
                [_, a, b] => join(a.clone(), b.clone()),
                _ => Val::any(None),
            },
            "_[_]" => match vals.first() {
                Some(v) => self.element(v),
                None => Val::any(None),
            },
            "string" | "bytes" | "dyn" => match vals.first() {
                Some(v) => Val::any(v.size.clone()),
                None => Val::any(None),
            },
            _ => Val::scalar(),
        };
        (val, cost)
    }

    /// An element of a list value (or a key of a table), as iterated.
    fn element(&mut self, v: &Val) -> Val {
        if let Some(e) = &v.elem {
            return (**e).clone();
        }
        let each = |p: &Option<SizePath>| {
            p.clone().map(|mut p| {
                p.segs.push(Seg::Each);
                p
            })
        };
        match (v.shape, each(&v.path)) {
            (Shape::Tables(f), Some(path)) => {
                let size = self.size_of_path(&path);
                Val {
                    shape: Shape::Table(f),
                    name: v.name.clone(),
                    size: Some(size),
                    path: Some(path),
                    elem: None,
                }
            }
            (Shape::List(ty), Some(path)) => self.plan_val(ty, format!("{}[]", v.name), path),
            // A table's keys are the format's: short strings.
            (Shape::Table(_), _) => Val {
                shape: Shape::Scalar("a string"),
                ..Val::any(Some(Cost::Const(32)))
            },
            (Shape::Scalar(_), _) => Val::scalar(),
            _ => Val::any(None),
        }
    }

    fn comprehension(&mut self, id: u64, c: &ComprehensionExpr) -> (Val, Cost) {
        let (range, range_cost) = self.walk(&c.iter_range);
        let Some(n) = range.size.clone() else {
            let msg = "the cost of this CEL expression cannot be bounded: it iterates over a value whose size is not known before it is evaluated".to_string();
            let help = Some(
                "iterate over a plan value (`unit`, `plan.basis`, `unit.cdo.duties`) or a list written out"
                    .to_string(),
            );
            self.problem(c.iter_range.id, msg, help);
            return (Val::any(None), Cost::Const(0));
        };
        if self.nesting >= MAX_NESTING {
            let msg = format!(
                "the cost of this CEL expression cannot be bounded: more than {MAX_NESTING} comprehensions (`all`, `exists`, `map`, …) nested"
            );
            self.problem(id, msg, None);
            return (Val::any(None), Cost::Const(0));
        }
        let item = self.element(&range);
        let (init, init_cost) = self.walk(&c.accu_init);
        let list_result = init.elem.is_some();
        let accu = if list_result {
            Val::any(Some(n.clone()))
        } else {
            Val::scalar()
        };
        let vars_before = self.vars.len();
        self.vars.push((c.accu_var.clone(), accu));
        self.vars.push((c.iter_var.clone(), item.clone()));
        if let Some(v2) = &c.iter_var2 {
            self.vars.push((v2.clone(), Val::any(None)));
        }
        self.nesting += 1;
        let (_, cond_cost) = self.walk(&c.loop_cond);
        let (step, step_cost) = self.walk(&c.loop_step);
        self.nesting -= 1;
        // The result sees the accumulator only.
        self.vars.truncate(vars_before);
        self.vars.push((c.accu_var.clone(), Val::scalar()));
        let (_, result_cost) = self.walk(&c.result);
        self.vars.truncate(vars_before);
        let per_item = Cost::Const(1).add(cond_cost).add(step_cost);
        let cost = range_cost
            .add(init_cost)
            .add(n.clone().mul(per_item))
            .add(result_cost);
        let val = if list_result {
            // `map` appends its body, `filter` the item itself.
            let elem = step.elem.map(|e| *e).unwrap_or(item);
            Val {
                elem: Some(Box::new(elem)),
                ..Val::any(Some(n))
            }
        } else {
            Val::scalar()
        };
        (val, cost)
    }
}

/// Either of two values (a list's items, the branches of `?:`): the larger
/// size; the shape when both agree on being plan values of one shape.
fn join(a: Val, b: Val) -> Val {
    let size = match (a.size, b.size) {
        (Some(x), Some(y)) => Some(x.max(y)),
        _ => None,
    };
    let elem = match (a.elem, b.elem) {
        (Some(x), Some(y)) => Some(Box::new(join(*x, *y))),
        _ => None,
    };
    Val {
        shape: Shape::Any,
        name: String::new(),
        size,
        path: None,
        elem,
    }
}

/// The nearest of `known` to `word` within a typo's reach (case ignored in
/// the distance, so `startswith` finds `startsWith`).
pub fn suggest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = word.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= if k.len() <= 5 { 1 } else { 2 })
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str, given: Option<&str>) -> Vec<String> {
        match compile(src, given) {
            Ok(_) => Vec::new(),
            Err(p) => p.into_iter().map(|p| p.msg).collect(),
        }
    }

    #[test]
    fn the_function_list_is_the_crates() {
        use cel::{Context, ExecutionError};
        let ctx = Context::default();
        let undeclared = |src: &str| {
            let r = Program::compile(src).unwrap().execute(&ctx);
            matches!(r, Err(ExecutionError::UndeclaredReference(_)))
        };
        assert!(undeclared("nosuch(1)"), "the probe tells unknown functions");
        assert!(undeclared("'a'.nosuch()"));
        for f in FUNCTIONS {
            let member = ["contains", "startsWith", "endsWith"].contains(f);
            let call = if member {
                format!("'a'.{f}('a')")
            } else {
                format!("{f}('a')")
            };
            assert!(!undeclared(&call), "{f}");
        }
        assert!(undeclared("matches('a', 'b')"), "built without regex");
    }

    #[test]
    fn typos_are_found() {
        let p = problems("unit.id.startswith('x')", Some("unit"));
        assert!(p[0].contains("no function or macro `startswith`"), "{p:?}");
        let p = problems("unit.idd == 'x'", Some("unit"));
        assert!(p[0].contains("`unit.idd` is not a field"), "{p:?}");
        let p = problems("unit.all(u, u.cdo.rnk == 'chief')", None);
        assert!(p[0].contains("`unit.cdo.rnk` is not a field"), "{p:?}");
        let p = problems("plna.title != ''", None);
        assert!(p[0].contains("no variable `plna`"), "{p:?}");
        assert!(problems("unit.id.startsWith('x') && has(unit.cdo)", Some("unit")).is_empty());
        assert!(problems("unit.exists(u, u.id == 'a') && size(plan.basis) > 0", None).is_empty());
        assert!(problems("type(plan.title) == string", None).is_empty());
    }

    #[test]
    fn a_syntax_error_is_the_first_one_at_its_character_however_many_follow() {
        let fails = |src: &str| compile(src, None).err().expect("does not compile");
        let p = fails("unit.id == 'a' && 中");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].at, Some((18, 21)), "{:?}", p[0].msg);
        assert!(p[0]
            .msg
            .starts_with("this CEL expression does not compile: "));
        let p = fails("plan.title ==\n  # 中");
        assert_eq!(p[0].at, Some((16, 17)), "{:?}", p[0].msg);
        // The parser's own message for this is 12 MB (every error quotes
        // the whole line; gigabytes at 30,000); ours is one error and a count.
        let many = "中".repeat(2_000);
        let p = fails(&many);
        assert_eq!(p[0].at, Some((0, 3)));
        assert!(p[0].msg.ends_with(" (2000 more after it)"), "{}", p[0].msg);
        assert!(p[0].msg.len() < 300, "{}", p[0].msg.len());
    }

    #[test]
    fn costs_grow_with_the_plan_and_literals_are_bounded_at_load() {
        let l: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let l = format!("[{}]", l.join(","));
        let three = format!("{l}.all(a, {l}.all(b, {l}.all(c, a+b+c >= 0)))");
        assert!(problems(&three, None)[0].contains("over the budget"));
        let maps = format!("{l}.map(a, {l}.map(b, {l}.map(c, {l}))).size() > 0");
        assert!(problems(&maps, None)[0].contains("over the budget"));
        let four = "unit.all(a, unit.all(b, unit.all(c, unit.all(d, true))))";
        assert!(problems(four, None)[0].contains("cannot be bounded"));
        let e = compile("unit.all(a, unit.all(b, a.id != b.id))", None).unwrap();
        let n = |k: u64| e.cost.eval(&mut |_| k);
        assert!(n(100) > 50 * n(10), "quadratic: {} {}", n(10), n(100));
    }
}
