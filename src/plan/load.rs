//! Plan loading: TOML text → validated, spanned [`Table`] plus every format
//! diagnostic (PF001–PF006) the file earns, all of them in one pass, in the
//! language asked for.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::schema::{self, Field, Ty};
use super::tree::{placeholder, Date, Entry, Node, Table, Value};
use crate::finding::{Code, Finding, Location};
use crate::lang::Lang;
use crate::source::{SourceId, Span};

/// A string value that holds a `<…>` placeholder, wherever it stands
/// (under unknown keys too): what CORE008 reports.
#[derive(Clone, Debug)]
pub struct Spot {
    pub span: Span,
    /// The id of the `[[unit]]` whose table holds the string, as written.
    pub unit: Option<String>,
    /// The first placeholder in the string.
    pub text: String,
}

/// What loading a plan gives: the tree (`None` when the TOML does not
/// parse), its format diagnostics, and its placeholders.
pub struct Loaded {
    pub root: Option<Table>,
    pub diagnostics: Vec<Finding>,
    pub placeholders: Vec<Spot>,
}

/// Parses and validates one plan.
pub fn load(source: SourceId, text: &str, lang: Lang) -> Loaded {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut loader = Loader {
        source,
        lang,
        diags: Vec::new(),
        spots: Vec::new(),
    };
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let detail = e.message().trim_end();
            let msg = lang.pick(
                format!("this is not valid TOML: {detail}"),
                format!("不是有效的 TOML：{detail}"),
            );
            let help = lang.pick(
                "fix the TOML syntax here; the plan is checked once it parses",
                "请修正此处的 TOML 语法；能够解析后才会检查方案",
            );
            loader
                .diags
                .push(Code::PF001.at(loader.loc(span), msg).with_help(help));
        }
        return Loaded {
            root: None,
            diagnostics: loader.diags,
            placeholders: Vec::new(),
        };
    }
    let root = loader.table(doc.get_ref(), schema::ROOT, 0..0, &Ctx::root());
    loader.check_format(&root);
    loader.spots.sort_by_key(|s| s.span.start);
    Loaded {
        root: Some(root),
        diagnostics: loader.diags,
        placeholders: loader.spots,
    }
}

/// Where a value stands: a chain of keys back to the top, and the unit it
/// belongs to. Borrowed, not built: the path is only spelled out when a
/// diagnostic needs it, which keeps loading a clean plan cheap.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    parent: Option<&'a Ctx<'a>>,
    key: &'a str,
    unit: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    fn root() -> Ctx<'static> {
        Ctx {
            parent: None,
            key: "",
            unit: None,
        }
    }

    fn child(&'a self, key: &'a str) -> Ctx<'a> {
        Ctx {
            parent: Some(self),
            key,
            unit: self.unit,
        }
    }

    /// The dotted path: `unit.cdo.rank`.
    fn path(&self) -> String {
        match self.parent.map(Ctx::path) {
            None => String::new(),
            Some(p) if p.is_empty() => self.key.to_string(),
            Some(p) => format!("{p}.{}", self.key),
        }
    }

    /// How messages name the table: `[plan]`, `[unit.cdo] of unit `futian``.
    fn name(&self, lang: Lang) -> String {
        match (lang, &self.path()[..], self.unit) {
            (Lang::En, "", _) => "the top level".to_string(),
            (Lang::Zh, "", _) => "顶层".to_string(),
            (Lang::En, "unit", Some(u)) => format!("unit `{u}`"),
            (Lang::Zh, "unit", Some(u)) => format!("单位 `{u}`"),
            (Lang::En, p, Some(u)) => format!("[{p}] of unit `{u}`"),
            (Lang::Zh, p, Some(u)) => format!("单位 `{u}` 的 [{p}]"),
            (_, p, None) => format!("[{p}]"),
        }
    }
}

struct Loader {
    source: SourceId,
    lang: Lang,
    diags: Vec<Finding>,
    spots: Vec<Spot>,
}

type DeNode<'a> = Spanned<DeValue<'a>>;

impl Loader {
    fn loc(&self, span: Span) -> Location {
        Location {
            source: self.source,
            span,
        }
    }

    /// A diagnostic about `key` (a path) in the table `ctx`.
    fn push(&mut self, code: Code, span: Span, ctx: &Ctx, key: &str, msg: String, help: String) {
        let mut f = code.at(self.loc(span), msg).with_help(help);
        f.unit = ctx.unit.map(str::to_string);
        f.key = Some(key.to_string());
        self.diags.push(f);
    }

    fn table(&mut self, de: &DeTable, fields: &'static [Field], header: Span, ctx: &Ctx) -> Table {
        let mut out = Table::default();
        // Required keys a misspelt key's "did you mean" names: that PF002
        // says what the PF004 would.
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in de.iter() {
            let k: &str = key.get_ref();
            let Some(field) = fields.iter().find(|f| f.key == k) else {
                suggested.extend(self.unknown_key(k, key.span(), fields, ctx));
                self.find_spots(value, ctx);
                continue;
            };
            let node = self.value(value, &field.ty, &ctx.child(k));
            out.entries.push(Entry {
                key: field.key,
                key_span: key.span(),
                node,
            });
        }
        for f in fields
            .iter()
            .filter(|f| f.required && !suggested.contains(&f.key))
        {
            // `unit = []` declares no unit, which is as good as none.
            let absent = match out.get(f.key).map(|n| &n.value) {
                None => true,
                Some(Value::List(l)) => l.is_empty() && matches!(f.ty, Ty::Tables(_)),
                Some(_) => false,
            };
            if absent {
                let (name, key, example) = (ctx.name(self.lang), f.key, example_of(&f.ty));
                let msg = self.lang.pick(
                    format!("{name} is missing the required key `{key}`"),
                    format!("{name}缺少必填的键 `{key}`"),
                );
                let help = self.lang.pick(
                    format!("add `{key} = {example}`"),
                    format!("请添加 `{key} = {example}`"),
                );
                self.push(
                    Code::PF004,
                    header.clone(),
                    ctx,
                    &ctx.child(key).path(),
                    msg,
                    help,
                );
            }
        }
        out
    }

    /// PF002; returns the key it suggests, if any.
    fn unknown_key(
        &mut self,
        key: &str,
        span: Span,
        fields: &'static [Field],
        ctx: &Ctx,
    ) -> Option<&'static str> {
        let name = ctx.name(self.lang);
        let msg = self.lang.pick(
            format!("unknown key `{key}` in {name}"),
            format!("{name}中有未知的键 `{key}`"),
        );
        let close = fields
            .iter()
            .map(|f| (strsim::damerau_levenshtein(key, f.key), f.key))
            .filter(|(d, k)| *d <= 2.max(k.len() / 4))
            .min();
        let help = match close {
            Some((_, k)) => self
                .lang
                .pick(format!("did you mean `{k}`?"), format!("是否应为 `{k}`？")),
            None => {
                let keys: Vec<_> = fields.iter().map(|f| format!("`{}`", f.key)).collect();
                let keys = keys.join(", ");
                self.lang.pick(
                    format!("{name} takes these keys: {keys}"),
                    format!("{name}可用的键：{keys}"),
                )
            }
        };
        self.push(Code::PF002, span, ctx, &ctx.child(key).path(), msg, help);
        close.map(|(_, k)| k)
    }

    /// Records a placeholder held by a string.
    fn spot(&mut self, s: &str, span: &Span, ctx: &Ctx) -> bool {
        let Some(p) = placeholder(s) else {
            return false;
        };
        self.spots.push(Spot {
            span: span.clone(),
            unit: ctx
                .unit
                .filter(|u| placeholder(u).is_none())
                .map(str::to_string),
            text: p.to_string(),
        });
        true
    }

    /// Placeholders under a key the schema does not know: still values.
    fn find_spots(&mut self, de: &DeNode, ctx: &Ctx) {
        match de.get_ref() {
            DeValue::String(s) => {
                self.spot(s, &de.span(), ctx);
            }
            DeValue::Array(items) => items.iter().for_each(|i| self.find_spots(i, ctx)),
            DeValue::Table(t) => t.iter().for_each(|(_, v)| self.find_spots(v, ctx)),
            _ => {}
        }
    }

    fn value(&mut self, de: &DeNode, ty: &Ty, ctx: &Ctx) -> Node {
        let span = de.span();
        if let DeValue::String(s) = de.get_ref() {
            // A placeholder may stand for a value of any type but a table:
            // CORE008 alone, never also PF003 or PF005.
            if !matches!(ty, Ty::Table(_) | Ty::Tables(_)) && self.spot(s, &span, ctx) {
                let value = Value::Placeholder(s.to_string());
                return Node { span, value };
            }
        }
        let value = match (ty, de.get_ref()) {
            (Ty::Str, DeValue::String(s)) => Value::Str(s.to_string()),
            (Ty::Enum(allowed), DeValue::String(s)) => self.enumerated(s, allowed, &span, ctx),
            (Ty::Id, DeValue::String(s)) => self.id(s, &span, ctx),
            (Ty::Int, DeValue::Integer(i)) => self.integer(i.as_str(), i.radix(), &span, ctx),
            (Ty::Bool, DeValue::Boolean(b)) => Value::Bool(*b),
            (Ty::Date, DeValue::Datetime(dt)) => self.date(dt, &span, ctx),
            (Ty::List(inner), DeValue::Array(items)) => {
                Value::List(items.iter().map(|v| self.value(v, inner, ctx)).collect())
            }
            (Ty::Table(fields), DeValue::Table(t)) => {
                Value::Table(self.table(t, fields, span.clone(), ctx))
            }
            (Ty::Tables(fields), DeValue::Array(items)) => self.tables(items.iter(), fields, ctx),
            (_, found) => {
                self.wrong_type(ty, found, span.clone(), ctx);
                Value::Invalid
            }
        };
        Node { span, value }
    }

    fn tables<'a>(
        &mut self,
        items: impl Iterator<Item = &'a DeNode<'a>>,
        fields: &'static [Field],
        ctx: &Ctx,
    ) -> Value {
        let mut out = Vec::new();
        for item in items {
            let span = item.span();
            let value = match item.get_ref() {
                DeValue::Table(t) => {
                    let mut ctx = *ctx;
                    if ctx.key == "unit" && ctx.parent.is_some_and(|p| p.parent.is_none()) {
                        ctx.unit = t.get("id").and_then(|v| v.get_ref().as_str());
                    }
                    Value::Table(self.table(t, fields, span.clone(), &ctx))
                }
                found => {
                    self.wrong_type(&Ty::Table(fields), found, span.clone(), ctx);
                    Value::Invalid
                }
            };
            out.push(Node { span, value });
        }
        Value::List(out)
    }

    fn wrong_type(&mut self, ty: &Ty, found: &DeValue, span: Span, ctx: &Ctx) {
        let (lang, path) = (self.lang, &ctx.path());
        let (want, got) = (describe_ty(ty, lang), describe(found, lang));
        let msg = lang.pick(
            format!("`{path}` expects {want}, found {got}"),
            format!("`{path}` 应为{want}，实为{got}"),
        );
        let help = match (ty, found) {
            (Ty::Date, DeValue::String(_)) => lang
                .pick(
                    "write the date bare, without quotes: `2021-08-09`",
                    "日期不加引号，直接写作 `2021-08-09`",
                )
                .to_string(),
            (Ty::Bool, DeValue::String(_)) => lang
                .pick(
                    "write `true` or `false`, without quotes",
                    "写作 `true` 或 `false`，不加引号",
                )
                .to_string(),
            (Ty::Tables(_) | Ty::Table(_), _)
                if path == "unit" || path == "milestone" || path == "waiver" =>
            {
                lang.pick(
                    format!("write each entry as a `[[{path}]]` table"),
                    format!("每一项写作一个 `[[{path}]]` 表"),
                )
            }
            _ => {
                let example = example_of(ty);
                lang.pick(
                    format!("write `{path}` as {want}, e.g. `{example}`"),
                    format!("`{path}` 应写作{want}，例如 `{example}`"),
                )
            }
        };
        self.push(Code::PF003, span, ctx, path, msg, help);
    }

    fn enumerated(&mut self, s: &str, allowed: &[&str], span: &Span, ctx: &Ctx) -> Value {
        if allowed.contains(&s) {
            return Value::Str(s.to_string());
        }
        let list: Vec<_> = allowed.iter().map(|a| format!("`{a}`")).collect();
        let (list, path) = (list.join(", "), &ctx.path());
        let msg = self.lang.pick(
            format!("`{s}` is not a valid value for `{path}`"),
            format!("`{s}` 不是 `{path}` 的有效取值"),
        );
        let help = self
            .lang
            .pick(format!("use one of: {list}"), format!("可选值：{list}"));
        self.push(Code::PF005, span.clone(), ctx, path, msg, help);
        Value::Invalid
    }

    fn id(&mut self, s: &str, span: &Span, ctx: &Ctx) -> Value {
        let lang = self.lang;
        let why = if s.is_empty() {
            Some(lang.pick("it is empty", "编号为空").to_string())
        } else {
            s.chars()
                .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
                .map(|c| describe_char(c, lang))
        };
        let Some(why) = why else {
            return Value::Str(s.to_string());
        };
        let shown = crate::text::safe(s);
        let msg = lang.pick(
            format!("`{shown}` is not a valid unit id: {why}"),
            format!("`{shown}` 不是有效的单位编号：{why}"),
        );
        let fixed: String = s
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let fixed = match fixed.trim_matches('-') {
            // Nothing left to suggest from (a Chinese id): show the shape.
            "" => "unit-1",
            f => f,
        };
        let help = lang.pick(
            format!("ids use lowercase letters, digits and `-` only, e.g. `{fixed}`"),
            format!("编号只能使用小写字母、数字和 `-`，例如 `{fixed}`"),
        );
        self.push(Code::PF005, span.clone(), ctx, &ctx.path(), msg, help);
        Value::Invalid
    }

    fn integer(&mut self, digits: &str, radix: u32, span: &Span, ctx: &Ctx) -> Value {
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        let lang = self.lang;
        let (msg, help) = match i64::from_str_radix(&clean, radix) {
            Ok(i) if i >= 0 => return Value::Int(i),
            Ok(_) => (
                lang.pick("this number must not be negative", "此数不能为负"),
                lang.pick("write 0 or more", "请写 0 或更大的数"),
            ),
            Err(_) => (
                lang.pick("this number is too large", "此数过大"),
                lang.pick("write a smaller whole number", "请写一个较小的整数"),
            ),
        };
        self.push(
            Code::PF005,
            span.clone(),
            ctx,
            &ctx.path(),
            msg.into(),
            help.into(),
        );
        Value::Invalid
    }

    fn date(&mut self, dt: &toml::value::Datetime, span: &Span, ctx: &Ctx) -> Value {
        if let (Some(d), None, None) = (dt.date, dt.time, dt.offset) {
            return Value::Date(Date {
                year: d.year,
                month: d.month,
                day: d.day,
            });
        }
        let msg = self.lang.pick(
            format!("`{dt}` is not a plain date: plans date things by day, without a time"),
            format!("`{dt}` 不是单纯的日期：方案按日记日期，不带时间"),
        );
        let help = self.lang.pick(
            "write the date alone, e.g. `2021-08-09`",
            "只写日期，例如 `2021-08-09`",
        );
        self.push(
            Code::PF005,
            span.clone(),
            ctx,
            &ctx.path(),
            msg,
            help.into(),
        );
        Value::Invalid
    }

    fn check_format(&mut self, root: &Table) {
        let Some(node) = root.get("format") else {
            return;
        };
        if let Value::Int(v) = node.value {
            if !schema::FORMAT_VERSIONS.contains(&v) {
                let msg = self.lang.pick(
                    format!("plan format version {v} is not supported"),
                    format!("不支持方案格式版本 {v}"),
                );
                let help = self.lang.pick(
                    "cdocheck reads plan format version 1: write `format = 1`",
                    "cdocheck 读取方案格式版本 1：请写 `format = 1`",
                );
                self.push(
                    Code::PF006,
                    node.span.clone(),
                    &Ctx::root(),
                    "format",
                    msg,
                    help.into(),
                );
            }
        }
    }
}

fn describe(v: &DeValue, lang: Lang) -> &'static str {
    match (v, lang) {
        (DeValue::String(_), Lang::En) => "a string",
        (DeValue::Integer(_), Lang::En) => "an integer",
        (DeValue::Float(_), Lang::En) => "a float",
        (DeValue::Boolean(_), Lang::En) => "a boolean",
        (DeValue::Datetime(_), Lang::En) => "a date",
        (DeValue::Array(_), Lang::En) => "an array",
        (DeValue::Table(_), Lang::En) => "a table",
        (DeValue::String(_), Lang::Zh) => "字符串",
        (DeValue::Integer(_), Lang::Zh) => "整数",
        (DeValue::Float(_), Lang::Zh) => "小数",
        (DeValue::Boolean(_), Lang::Zh) => "布尔值",
        (DeValue::Datetime(_), Lang::Zh) => "日期",
        (DeValue::Array(_), Lang::Zh) => "数组",
        (DeValue::Table(_), Lang::Zh) => "表",
    }
}

fn describe_ty(ty: &Ty, lang: Lang) -> &'static str {
    match lang {
        Lang::En => ty.describe(),
        Lang::Zh => match ty {
            Ty::Str | Ty::Enum(_) | Ty::Id => "字符串",
            Ty::Int => "整数",
            Ty::Bool => "布尔值",
            Ty::Date => "日期",
            Ty::List(_) => "数组",
            Ty::Table(_) => "表",
            Ty::Tables(_) => "表数组",
        },
    }
}

fn describe_char(c: char, lang: Lang) -> String {
    match (c, lang) {
        (c, Lang::En) if c.is_ascii_uppercase() => {
            format!("it contains the uppercase letter `{c}`")
        }
        (c, Lang::Zh) if c.is_ascii_uppercase() => format!("含有大写字母 `{c}`"),
        (' ', _) => lang.pick("it contains a space", "含有空格").to_string(),
        (c, _) if c.is_control() => {
            let u = format!("U+{:04X}", c as u32);
            lang.pick(
                format!("it contains the control character {u}"),
                format!("含有控制字符 {u}"),
            )
        }
        (c, _) => lang.pick(format!("it contains `{c}`"), format!("含有 `{c}`")),
    }
}

/// A value to suggest in help: `add `rank = "deputy"``.
fn example_of(ty: &Ty) -> String {
    match ty {
        Ty::Str => "\"…\"".into(),
        Ty::Id => "\"unit-id\"".into(),
        Ty::Int => "1".into(),
        Ty::Bool => "true".into(),
        Ty::Date => "2021-08-09".into(),
        Ty::Enum(vals) => format!("\"{}\"", vals[0]),
        Ty::List(inner) => format!("[{}]", example_of(inner)),
        Ty::Table(_) | Ty::Tables(_) => "{ … }".into(),
    }
}
