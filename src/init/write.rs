//! Writing a [`Draft`] as a commented plan skeleton, in English or Chinese:
//! every value the planner supplies is a `<…>` placeholder, every value the
//! rules fix is written, and each comment names the rules it comes from.
//! The words here are the plan format's (its keys, levels, kinds); the
//! jurisdiction's all come from the draft.

use std::collections::HashMap;

use super::draft::{Bound, Draft, DraftUnit, Need};
use crate::lang::Lang;
use crate::plan::schema::{self, Ty};
use crate::plan::Date;
use crate::rules::{Applies, Check, Cond, Leaf, Scalar};

/// Text in both languages.
#[derive(Clone, Copy)]
struct T(&'static str, &'static str);

/// What a placeholder says, by key: `<Issuing office>`.
const LABELS: &[(&str, T)] = &[
    ("plan.title", T("Title of the plan", "方案标题")),
    (
        "plan.jurisdiction",
        T("Jurisdiction, e.g. a city", "地区名称，例如某市"),
    ),
    ("plan.province", T("Province", "省份")),
    ("plan.issuer", T("Issuing office", "印发单位")),
    ("plan.document_number", T("Document number", "文号")),
    (
        "plan.contact_agency",
        T(
            "Agency to which implementation problems are reported",
            "实施中问题的反映单位",
        ),
    ),
    ("plan.basis", T("Document number", "文号")),
    ("cdo.duties", T("duty id", "职责编号")),
    ("cdo.qualifications", T("qualification id", "任职条件编号")),
    (
        "governance.leading_group",
        T(
            "Leading group the CDOs work under",
            "首席数据官所在的领导小组",
        ),
    ),
    (
        "governance.evaluation",
        T("Evaluation mechanism of the pilot", "试点评价机制"),
    ),
    (
        "governance.executive_cdo",
        T("Post of the executive CDO", "首席数据执行官职务"),
    ),
    (
        "governance.coordination",
        T("Coordination mechanism", "议事协调机制"),
    ),
    (
        "support.contract_civil_servants",
        T("Number of contract civil servants", "聘任制公务员人数"),
    ),
    (
        "unit.focus",
        T("Focus area of the unit's pilot", "本单位试点特色方向"),
    ),
    (
        "unit.cdo.position",
        T("Post that holds the CDO role", "担任首席数据官的职务"),
    ),
    (
        "unit.cdo.appointee",
        T("Name of the appointee", "任职人员姓名"),
    ),
    ("milestone.deliverable", T("What is delivered", "交付事项")),
];

/// How a Chinese reader names the plan format's enum values.
const GLOSSES: &[(&str, &str)] = &[
    ("province", "省级"),
    ("prefecture", "地级"),
    ("county", "县级"),
    ("township", "乡级"),
    ("government", "政府"),
    ("department", "部门"),
    ("zone", "开发区"),
    ("institution", "事业单位"),
    ("enterprise", "企业"),
    ("chief", "正职"),
    ("deputy", "副职"),
    ("other", "其他"),
];

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The skeleton's text, and how many placeholders it holds.
pub(super) fn render(draft: &Draft, lang: Lang) -> (String, usize) {
    let mut d = Doc {
        lang,
        buf: String::new(),
        placeholders: 0,
        notes: HashMap::new(),
        draft,
    };
    d.header();
    d.plan_table();
    d.cdo_table();
    d.governance_table();
    d.other_tables();
    d.unit_tables();
    d.milestones();
    (d.buf, d.placeholders)
}

struct Doc<'a, 'r> {
    lang: Lang,
    buf: String,
    placeholders: usize,
    /// The note last written beside each unit key, so that units after the
    /// first repeat it only when it changes.
    notes: HashMap<String, String>,
    draft: &'a Draft<'r>,
}

impl Doc<'_, '_> {
    fn t(&self, t: T) -> &'static str {
        self.lang.pick(t.0, t.1)
    }

    fn pick<'s>(&self, en: &'s str, zh: &'s str) -> &'s str {
        self.lang.pick(en, zh)
    }

    /// A comment block, one `#` line per line of text.
    fn comment(&mut self, text: &str) {
        for line in text.lines() {
            if line.is_empty() {
                self.buf.push_str("#\n");
            } else {
                self.buf.push_str("# ");
                self.buf.push_str(line);
                self.buf.push('\n');
            }
        }
    }

    fn line(&mut self, s: &str) {
        if !s.starts_with('#') && s.contains("\"<") {
            self.placeholders += 1;
        }
        self.buf.push_str(s);
        self.buf.push('\n');
    }

    fn blank(&mut self) {
        self.buf.push('\n');
    }

    /// `key = value`, with a note when there is one.
    fn kv(&mut self, key: &str, value: &str, notes: &[String]) {
        if notes.is_empty() {
            self.line(&format!("{key} = {value}"));
        } else {
            let sep = self.pick("; ", "；");
            self.line(&format!("{key} = {value}   # {}", notes.join(sep)));
        }
    }

    fn placeholder(&self, t: T) -> String {
        quote(&format!("<{}>", self.t(t)))
    }

    /// `GD009, SZ002`: the rules, as a note.
    fn rules(&self, rules: &[String]) -> String {
        rules.join(", ")
    }

    /// ` (text)` / `（text）`.
    fn paren(&self, text: &str) -> String {
        match self.lang {
            Lang::En => format!(" ({text})"),
            Lang::Zh => format!("（{text}）"),
        }
    }

    fn label(&self, key: &str) -> Option<T> {
        LABELS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
    }

    fn gloss(&self, v: &str) -> String {
        match (self.lang, GLOSSES.iter().find(|(k, _)| *k == v)) {
            (Lang::Zh, Some((_, zh))) => format!("{v}（{zh}）"),
            _ => v.to_string(),
        }
    }

    /// `a, b or c` / `a、b 或 c`.
    fn choices(&self, vs: &[String]) -> String {
        match vs {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => {
                let head = init.join(self.pick(", ", "、"));
                // No space between a full-width bracket and 或.
                let or = match self.lang {
                    Lang::Zh if head.ends_with('）') => "或 ",
                    _ => self.pick(" or ", " 或 "),
                };
                format!("{head}{or}{last}")
            }
        }
    }

    /// What a need says beside its key: the limits and who sets them.
    fn need_notes(&self, need: Option<&Need>) -> Vec<String> {
        let Some(need) = need else {
            return Vec::new();
        };
        let mut v = Vec::new();
        let mut named: Vec<&str> = Vec::new();
        for (b, rule) in &need.after {
            named.push(rule);
            v.push(match b {
                Bound::Date(date) if self.signed(rule) == Some(*date) => self
                    .pick(
                        "not before the notice was signed, {d} ({r})",
                        "不得早于通知成文日期 {d}（{r}）",
                    )
                    .replace("{d}", &date.to_string())
                    .replace("{r}", rule),
                Bound::Date(date) => self
                    .pick("not before {d} ({r})", "不得早于 {d}（{r}）")
                    .replace("{d}", &date.to_string())
                    .replace("{r}", rule),
                Bound::Field(f) => self
                    .pick("not before `{d}` ({r})", "不得早于 `{d}`（{r}）")
                    .replace("{d}", last(f))
                    .replace("{r}", rule),
            });
        }
        for (b, rule) in &need.before {
            named.push(rule);
            let what = match b {
                Bound::Date(date) => date.to_string(),
                Bound::Field(f) => format!("`{}`", last(f)),
            };
            v.push(
                self.pick("not after {d} ({r})", "不得晚于 {d}（{r}）")
                    .replace("{d}", &what)
                    .replace("{r}", rule),
            );
        }
        if let Some((n, rule)) = &need.at_least {
            named.push(rule);
            v.push(
                self.pick("at least {n} ({r})", "不少于 {n}（{r}）")
                    .replace("{n}", &n.to_string())
                    .replace("{r}", rule),
            );
        }
        if let Some((n, rule)) = &need.at_most {
            named.push(rule);
            v.push(
                self.pick("at most {n} ({r})", "不超过 {n}（{r}）")
                    .replace("{n}", &n.to_string())
                    .replace("{r}", rule),
            );
        }
        for (kws, says, rule) in &need.keywords {
            named.push(rule);
            let what = match says {
                Some(s) => s.get(self.lang).to_string(),
                None => kws.join(" / "),
            };
            v.push(
                self.pick("about {w} ({r})", "须涉及{w}（{r}）")
                    .replace("{w}", &what)
                    .replace("{r}", rule),
            );
        }
        let rest: Vec<String> = need
            .rules
            .iter()
            .filter(|r| !named.contains(&r.as_str()))
            .cloned()
            .collect();
        if !rest.is_empty() {
            v.insert(0, self.rules(&rest));
        }
        v
    }

    /// The date a rule's notice was signed.
    fn signed(&self, rule: &str) -> Option<Date> {
        let rules = self.draft.rules;
        rules
            .rule(rule)
            .and_then(|r| rules.pack(&r.pack))
            .and_then(|p| p.signed)
    }

    /// The value a key gets: the one the rules fix, or a placeholder.
    fn value(&self, path: &str, need: Option<&Need>) -> String {
        let segs: Vec<&str> = path.split('.').collect();
        let ty = schema::lookup(&segs).map(|f| &f.ty);
        let label = self.label(path);
        if let Some(n) = need {
            if !n.items.is_empty() {
                let items: Vec<String> = n.items.iter().map(|(i, _)| i.clone()).collect();
                return list(&items);
            }
            if let Some([one]) = n.values.as_deref() {
                return scalar(one);
            }
        }
        let allowed = |all: &[&str]| -> Vec<String> {
            match need.and_then(|n| n.values.as_ref()) {
                Some(vs) => vs.iter().map(plain).collect(),
                None => all.iter().map(|s| s.to_string()).collect(),
            }
        };
        match ty {
            Some(Ty::Date) => "\"<YYYY-MM-DD>\"".into(),
            Some(Ty::Bool) => quote(&format!(
                "<{}>",
                self.choices(&["true".into(), "false".into()])
            )),
            Some(Ty::Enum(all)) => quote(&format!("<{}>", self.choices(&allowed(all)))),
            Some(Ty::List(_)) => format!(
                "[{}]",
                quote(&format!("<{}>", label.map_or(last(path), |l| self.t(l))))
            ),
            _ => quote(&format!("<{}>", label.map_or(last(path), |l| self.t(l)))),
        }
    }

    fn plan_need(&self, key: &str) -> Option<&Need> {
        self.draft.plan.iter().find(|n| n.key == key)
    }

    // -----------------------------------------------------------------------

    /// The opening comment: what the skeleton is, how to fill it in, which
    /// packs apply and why.
    fn header(&mut self) {
        let f = &self.draft.facts;
        let place = match self.lang {
            Lang::Zh => f.jurisdiction_zh.clone().or_else(|| f.jurisdiction.clone()),
            Lang::En => f.jurisdiction.clone(),
        };
        let place = place.unwrap_or_else(|| self.t(T("<jurisdiction>", "<地区>")).to_string());
        let example = self.published_example();
        let text = self
            .pick(
                "Chief Data Officer (首席数据官) pilot plan for {place}: a skeleton written by `cdocheck init`.

Every value written <like this> is a placeholder: replace it with the real value, or
delete the key where it is optional. Until then `cdocheck check` reports each one left
({rule}), an error: an unfilled skeleton fails. Dates too are placeholders until set:
write them bare, `published = {date}`.

The format is docs/plan-format.md; `cdocheck explain RULE` explains each rule named
below. To have an editor check the plan as you type, save the output of
`cdocheck schema` as plan-v1.schema.json and make this the first line of the file:
  #:schema ./plan-v1.schema.json",
                "{place}首席数据官制度试点方案：由 `cdocheck init` 生成的框架。

凡写作 <这样> 的值都是占位符：请替换为实际内容；可选的键也可直接删去。在此之前，
`cdocheck check` 会把每个剩余的占位符报告为错误 {rule}，未填写完的框架不能通过检查。
日期也先写作占位符，填写时不加引号，例如 `published = {date}`。

文件格式见 docs/plan-format.md；下文提到的规则可用 `cdocheck explain 规则编号` 查看。
如需在编辑器中随写随查，可把 `cdocheck schema` 的输出保存为 plan-v1.schema.json，
并把本文件第一行写成：
  #:schema ./plan-v1.schema.json",
            )
            .replace("{place}", &place)
            .replace("{date}", &example.to_string())
            .replace("{rule}", &self.placeholder_rule());
        self.comment(&text);
        self.line("#");
        let packs = self.packs_sentence();
        self.comment(&packs);
        if let Some(note) = self.draft.jurisdiction.as_ref().and_then(|j| j.note()) {
            let note = note.get(self.lang).to_string();
            self.comment(&note);
        }
        for rule in &self.draft.unmet {
            let text = self
                .pick(
                    "Whatever it holds, this plan gets {id} on its jurisdiction and level alone: {s}.",
                    "无论如何填写，本方案仅因其地区和级别就会得到 {id}：{s}。",
                )
                .replace("{id}", &rule.id)
                .replace("{s}", rule.statement.get(self.lang));
            self.comment(&text);
        }
        self.blank();
        self.comment(self.t(T(
            "The plan format version; this checker reads 1.",
            "文件格式版本；本检查工具读取版本 1。",
        )));
        self.line("format = 1");
        self.blank();
    }

    /// The rule that reports placeholders left in a plan.
    fn placeholder_rule(&self) -> String {
        let rules = &self.draft.rules;
        rules
            .all()
            .find(|r| matches!(r.check, Check::Placeholder))
            .map(|r| r.id.clone())
            .unwrap_or_default()
    }

    /// Why each pack applies: the key it selects on, or always.
    fn packs_sentence(&self) -> String {
        let f = &self.draft.facts;
        let mut parts = Vec::new();
        let mut always = Vec::new();
        for p in &self.draft.packs {
            let c = match &p.applies {
                Applies::Always => {
                    always.push(p.name.clone());
                    continue;
                }
                Applies::When(c) => c,
                Applies::ByName => {
                    parts.push(format!("{}{}", p.name, self.paren(&p.document)));
                    continue;
                }
            };
            let key = first_fact(c).unwrap_or("jurisdiction");
            let (field, value) = match key {
                "province" => (
                    self.t(T("province", "省份")),
                    self.lang.pick(
                        f.province.clone(),
                        f.province_zh.clone().or(f.province.clone()),
                    ),
                ),
                _ => (
                    self.t(T("jurisdiction", "地区")),
                    self.lang.pick(
                        f.jurisdiction.clone(),
                        f.jurisdiction_zh.clone().or(f.jurisdiction.clone()),
                    ),
                ),
            };
            let value = value.unwrap_or_default();
            parts.push(
                self.pick("{f} {v} selects {p} ({d})", "{f}为{v}，适用 {p}（{d}）")
                    .replace("{f}", field)
                    .replace("{v}", &value)
                    .replace("{p}", &p.name)
                    .replace("{d}", &p.document),
            );
        }
        let always = always.join(", ");
        if parts.is_empty() {
            let keys = self.selection_keys();
            return self
                .pick(
                    "No rule pack but {core} is known to apply: cdocheck selects packs by {keys}\n(`cdocheck rules` lists them), or name them in `rule_packs`.",
                    "目前只适用 {core} 规则包：cdocheck 按 {keys} 选择规则包\n（`cdocheck rules` 列出全部规则包），也可在 `rule_packs` 中指定。",
                )
                .replace("{core}", &always)
                .replace("{keys}", &keys);
        }
        let joined = parts.join(self.pick(" and ", "；"));
        let mut s = match self.lang {
            Lang::En => {
                let mut c = joined.chars();
                c.next()
                    .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            }
            Lang::Zh => joined,
        };
        if !always.is_empty() {
            s.push_str(
                &self
                    .pick("; {a} always applies.", "；{a} 规则包始终适用。")
                    .replace("{a}", &always),
            );
        } else {
            s.push_str(self.pick(".", "。"));
        }
        s
    }

    /// The keys the loaded packs select on: `province` and `jurisdiction`.
    fn selection_keys(&self) -> String {
        let mut keys: Vec<String> = Vec::new();
        for p in &self.draft.rules.packs {
            if let Applies::When(c) = &p.applies {
                if let Some(k) = first_fact(c) {
                    let k = format!("`{k}`");
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
        }
        if keys.is_empty() {
            keys.push("`rule_packs`".into());
        }
        self.choices(&keys)
            .replace(" or ", " and ")
            .replace(" 或 ", " 和 ")
    }

    fn published_example(&self) -> Date {
        let today = Date::today();
        let mut d = self.draft.texts.published.unwrap_or(today);
        if self.draft.texts.published.is_none() {
            if let Some(n) = self.plan_need("plan.published") {
                for (b, _) in &n.after {
                    if let Bound::Date(a) = b {
                        d = d.max(*a);
                    }
                }
            }
        }
        d
    }

    /// The `[plan]` table: who issues the plan, when, under which notices.
    fn plan_table(&mut self) {
        self.line("[plan]");
        self.who();
        self.dates();
        self.basis();
        self.contact();
        self.extra(
            "plan",
            &[
                "title",
                "jurisdiction",
                "level",
                "province",
                "issuer",
                "published",
                "pilot_end",
                "basis",
                "contact_agency",
            ],
        );
        self.blank();
    }

    /// Title, jurisdiction, level, province and issuer.
    fn who(&mut self) {
        let f = self.draft.facts.clone();
        let texts = self.draft.texts.clone();
        match &texts.title {
            Some((en, zh)) => {
                self.kv("title", &quote(en), &[]);
                if let Some(zh) = zh {
                    self.kv("title_zh", &quote(zh), &[]);
                }
            }
            None => {
                let v = self.placeholder(T("Title of the plan", "方案标题"));
                self.kv("title", &v, &[]);
            }
        }
        match &f.jurisdiction {
            Some(j) => {
                self.kv("jurisdiction", &quote(j), &[]);
                if let Some(zh) = &f.jurisdiction_zh {
                    self.kv("jurisdiction_zh", &quote(zh), &[]);
                }
            }
            None => {
                let v = self.value("plan.jurisdiction", None);
                self.kv("jurisdiction", &v, &[]);
            }
        }
        let levels: Vec<String> = schema::LEVELS.iter().map(|l| self.gloss(l)).collect();
        let note = self.choices(&levels);
        self.kv("level", &quote(f.level), &[note]);
        match &f.province {
            Some(p) => self.kv("province", &quote(p), &[]),
            None => {
                // No example in the placeholder: a province named there would select its pack.
                self.comment(self.t(T(
                    "The province, in English; it selects the rule packs of its notices.",
                    "省份（英文名）；据此选择其通知的规则包。",
                )));
                let v = self.placeholder(T("Province", "省份"));
                self.kv("province", &v, &[]);
            }
        }
        if let Some(issuer) = &texts.issuer {
            let eg = self.example(issuer);
            self.comment(&eg);
        }
        let v = self.placeholder(T("Issuing office", "印发单位"));
        self.kv("issuer", &v, &[]);
    }

    /// `signed` (once issued), `published`, and `pilot_end` when a rule
    /// asks for it: placeholders, with an example and the rules' limits.
    fn dates(&mut self) {
        let published = self.published_example();
        self.comment(
            &self
                .pick(
                    "Once issued:\ndocument_number = \"<Document number>\"\nsigned = {d}",
                    "印发后填写：\ndocument_number = \"<文号>\"\nsigned = {d}",
                )
                .replace("{d}", &published.to_string()),
        );
        let eg = format!("{} {published}", self.t(T("e.g.", "例如")));
        let mut notes = vec![eg];
        notes.extend(self.need_notes(self.plan_need("plan.published")));
        self.kv("published", "\"<YYYY-MM-DD>\"", &notes);
        if let Some(end) = self.plan_need("plan.pilot_end").filter(|n| n.present) {
            let mut notes = Vec::new();
            if let Some(Bound::Date(d)) = end.before.first().map(|b| &b.0) {
                notes.push(format!("{} {d}", self.t(T("e.g.", "例如"))));
            }
            notes.extend(self.need_notes(Some(end)));
            self.kv("pilot_end", "\"<YYYY-MM-DD>\"", &notes);
        }
    }

    /// `contact_agency`, with the rules asking for it and an example.
    fn contact(&mut self) {
        let contact = self.plan_need("plan.contact_agency").cloned();
        let mut text = self
            .t(T(
                "Where problems in implementation are reported",
                "实施过程中遇到的问题向哪个单位反映",
            ))
            .to_string();
        if let Some(n) = contact.as_ref().filter(|n| !n.rules.is_empty()) {
            text.push_str(&self.paren(&self.rules(&n.rules)));
        }
        if let Some(c) = &self.draft.texts.contact_agency {
            text.push_str(self.pick(", ", "，"));
            text.push_str(&self.example(c));
        }
        text.push_str(self.pick(".", "。"));
        self.comment(&text);
        let v = self.placeholder(T(
            "Agency to which implementation problems are reported",
            "实施中问题的反映单位",
        ));
        self.kv("contact_agency", &v, &[]);
    }

    /// `e.g. …`, in the language of the skeleton.
    fn example(&self, words: &(String, Option<String>)) -> String {
        let text = match (self.lang, &words.1) {
            (Lang::Zh, Some(zh)) => zh.as_str(),
            _ => words.0.as_str(),
        };
        format!("{}{text}", self.t(T("e.g. ", "例如：")))
    }

    /// `basis`: the documents the rules ask the plan to cite.
    fn basis(&mut self) {
        match self.plan_need("plan.basis").filter(|n| !n.items.is_empty()).cloned() {
            Some(n) => {
                let cited: Vec<String> = n
                    .items
                    .iter()
                    .map(|(i, by)| format!("{i}{}", self.paren(&self.rules(by))))
                    .collect();
                let text = self
                    .pick(
                        "The documents the plan rests on, by document number; the packs ask it to cite {c}.",
                        "方案依据的文件（按文号）；规则包要求引用 {c}。",
                    )
                    .replace("{c}", &cited.join(self.pick(", ", "、")));
                self.comment(&text);
                let items: Vec<String> = n.items.iter().map(|(i, _)| i.clone()).collect();
                self.kv("basis", &list(&items), &[]);
            }
            None => self.comment(self.t(T(
                "The documents the plan rests on, by document number:\nbasis = [\"<Document number>\"]",
                "方案依据的文件（按文号）：\nbasis = [\"<文号>\"]",
            ))),
        }
    }

    /// Keys of `table` a rule needs that the table's writer did not write.
    fn extra(&mut self, table: &str, written: &[&str]) {
        let needs: Vec<Need> = self
            .draft
            .plan
            .iter()
            .filter(|n| n.present && !n.absent)
            .filter(|n| {
                n.key
                    .split_once('.')
                    .is_some_and(|(t, k)| t == table && !written.contains(&k))
            })
            .cloned()
            .collect();
        for n in needs {
            let v = self.value(&n.key, Some(&n));
            let notes = self.need_notes(Some(&n));
            self.kv(last(&n.key), &v, &notes);
        }
    }

    /// The `[cdo]` table: the duties every CDO holds.
    fn cdo_table(&mut self) {
        self.line("[cdo]");
        self.comment(self.t(T(
            "The duties of every CDO in the plan. The duty ids, with the wording of the notices:",
            "本方案中每位首席数据官的职责。职责编号及通知中的表述：",
        )));
        for id in schema::DUTIES {
            let words = schema::name_zh(id).unwrap_or_default();
            self.line(&format!("#   {id:<20} {words}"));
        }
        let duties = self
            .plan_need("cdo.duties")
            .filter(|n| !n.items.is_empty())
            .cloned();
        match duties {
            Some(n) => self.duties(&n),
            None => {
                self.comment(self.t(T(
                    "No pack asks for particular duties: write those the plan assigns.",
                    "规则包未要求特定职责：请写明方案规定的职责。",
                )));
                let v = self.value("cdo.duties", None);
                self.kv("duties", &v, &[]);
            }
        }
        self.qualifications();
        self.extra("cdo", &["duties", "qualifications"]);
        self.blank();
    }

    /// The duties the rules ask for, in the format's order, with who asks.
    fn duties(&mut self, n: &Need) {
        let mut by: Vec<(String, Vec<String>)> = Vec::new();
        for (item, rules) in &n.items {
            for r in rules {
                match by.iter_mut().find(|(x, _)| x == r) {
                    Some((_, items)) => items.push(item.clone()),
                    None => by.push((r.clone(), vec![item.clone()])),
                }
            }
        }
        let asks: Vec<String> = by
            .iter()
            .map(|(r, items)| format!("{r}: {}", items.join(", ")))
            .collect();
        let text = self
            .pick(
                "The packs ask for {a}.\nAdd the other duties the plan assigns.",
                "规则包要求的职责：{a}。\n如方案另有职责，照此添加。",
            )
            .replace("{a}", &asks.join(self.pick("; ", "；")));
        self.comment(&text);
        let known = schema::DUTIES
            .iter()
            .copied()
            .filter(|d| n.items.iter().any(|(i, _)| i == d));
        let other = n
            .items
            .iter()
            .map(|(i, _)| i.as_str())
            .filter(|i| !schema::DUTIES.contains(i));
        self.line("duties = [");
        for duty in known.chain(other) {
            self.line(&format!("  {},", quote(duty)));
        }
        self.line("]");
    }

    /// `qualifications`: written when a rule asks for them, else shown.
    fn qualifications(&mut self) {
        let need = self
            .plan_need("cdo.qualifications")
            .filter(|n| !n.items.is_empty())
            .cloned();
        match need {
            Some(n) => {
                let text = self
                    .pick(
                        "What an appointee must bring ({r}).",
                        "任职人员须具备的条件（{r}）。",
                    )
                    .replace("{r}", &self.rules(&n.rules));
                self.comment(&text);
                let items: Vec<String> = n.items.iter().map(|(i, _)| i.clone()).collect();
                self.kv("qualifications", &list(&items), &[]);
            }
            None => {
                let all: Vec<String> = schema::QUALIFICATIONS
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                let text = self
                    .pick(
                        "What an appointee must bring, if the plan says:\nqualifications = {l}",
                        "任职条件（如方案有规定）：\nqualifications = {l}",
                    )
                    .replace("{l}", &list(&all));
                self.comment(&text);
            }
        }
    }

    /// The `[governance]` table.
    fn governance_table(&mut self) {
        self.line("[governance]");
        let v = self.placeholder(T(
            "Leading group the CDOs work under",
            "首席数据官所在的领导小组",
        ));
        self.kv("leading_group", &v, &[]);
        let eval = self.plan_need("governance.evaluation").cloned();
        let mut text = self
            .t(T("How the pilot is evaluated", "试点的评价机制"))
            .to_string();
        if let Some(n) = eval.as_ref().filter(|n| !n.rules.is_empty()) {
            text.push_str(&self.paren(&self.rules(&n.rules)));
        }
        text.push_str(self.pick(".", "。"));
        self.comment(&text);
        let v = self.placeholder(T("Evaluation mechanism of the pilot", "试点评价机制"));
        self.kv("evaluation", &v, &[]);
        self.comment(self.t(T(
            "Optional:\nexecutive_cdo = \"<Post of the executive CDO>\"\ncoordination = \"<Coordination mechanism>\"",
            "可选：\nexecutive_cdo = \"<首席数据执行官职务>\"\ncoordination = \"<议事协调机制>\"",
        )));
        self.extra("governance", &["leading_group", "evaluation"]);
        self.blank();
    }

    /// Other tables a rule needs a key of (`[support]`).
    fn other_tables(&mut self) {
        let tables: Vec<&str> = schema::ROOT
            .iter()
            .filter(|f| matches!(f.ty, Ty::Table(_)))
            .map(|f| f.key)
            .filter(|t| !matches!(*t, "plan" | "cdo" | "governance"))
            .filter(|t| {
                self.draft
                    .plan
                    .iter()
                    .any(|n| n.present && n.key.split_once('.').is_some_and(|(x, _)| x == *t))
            })
            .collect();
        for t in tables {
            self.line(&format!("[{t}]"));
            self.extra(t, &[]);
            self.blank();
        }
    }

    /// The pilot units, group by group.
    fn unit_tables(&mut self) {
        self.comment(self.t(T(
            "---------------------------------------------------------------------------\nThe pilot units. Rename each id (lowercase letters, digits and -, e.g. \"xinhui\").\nEvery unit designates the post that holds its CDO role in [unit.cdo].\n---------------------------------------------------------------------------",
            "---------------------------------------------------------------------------\n试点单位。请改写每个 id（小写字母、数字和 -，例如 \"xinhui\"）。\n每个单位在 [unit.cdo] 中明确担任首席数据官的职务。\n---------------------------------------------------------------------------",
        )));
        let groups = self.draft.groups.clone();
        for g in &groups {
            self.blank();
            self.group_heading(&g.rules, g.divisions);
            for u in &self.draft.units[g.units.clone()] {
                self.blank();
                self.unit(u);
            }
        }
        self.blank();
    }

    fn group_heading(&mut self, rules: &[String], divisions: bool) {
        let mut text = String::new();
        if rules.is_empty() {
            text.push_str(self.t(T(
                "No pack asks for particular units: the issuer's own, and units under it.\nAdd more the same way.",
                "规则包未要求特定单位：本级单位及其下属单位。如有更多，照此添加。",
            )));
        }
        let mut counts = false;
        for id in rules {
            let Some(rule) = self.draft.rules.rule(id) else {
                continue;
            };
            counts |= matches!(rule.check, Check::Count { .. });
            text.push_str(&format!("{id}: {}\n", rule.statement.get(self.lang)));
        }
        if counts {
            text.push_str(self.t(T("Add more the same way.", "如有更多，照此添加。")));
        }
        if divisions {
            if let Some(j) = &self.draft.jurisdiction {
                let names: Vec<String> = j
                    .division_names()
                    .into_iter()
                    .map(|(en, zh)| match (self.lang, zh) {
                        (Lang::Zh, Some(zh)) => zh,
                        _ => en,
                    })
                    .collect();
                if !names.is_empty() {
                    let place = match self.lang {
                        Lang::Zh => j
                            .place
                            .name_zh
                            .clone()
                            .unwrap_or_else(|| j.place.name.clone()),
                        Lang::En => j.place.name.clone(),
                    };
                    text.push('\n');
                    text.push_str(
                        &self
                            .pick("{p} has: {n}.", "{p}下辖：{n}。")
                            .replace("{p}", &place)
                            .replace("{n}", &names.join(self.pick(", ", "、"))),
                    );
                }
            }
        }
        self.comment(text.trim_end());
    }

    fn unit(&mut self, u: &DraftUnit) {
        self.line("[[unit]]");
        self.kv("id", &quote(&u.id), &[]);
        match &u.name {
            Some((en, zh)) => {
                self.kv("name", &quote(en), &[]);
                if let Some(zh) = zh {
                    self.kv("name_zh", &quote(zh), &[]);
                }
            }
            None => {
                let text = u.placeholder.get(self.lang).to_string();
                self.kv("name", &quote(&format!("<{text}>")), &[]);
            }
        }
        let levels: Vec<String> = schema::UNIT_LEVELS.iter().map(|l| self.gloss(l)).collect();
        let note = self.choices(&levels);
        self.noted("level", &quote(u.level), note);
        let kinds: Vec<String> = schema::UNIT_KINDS.iter().map(|k| self.gloss(k)).collect();
        let note = self.choices(&kinds);
        self.noted("kind", &quote(u.kind), note);
        for n in u
            .needs
            .iter()
            .filter(|n| n.present && !n.key.contains('.') && n.key != "cdo")
        {
            let v = self.value(&format!("unit.{}", n.key), Some(n));
            let note = self.need_notes(Some(n)).join(self.pick("; ", "；"));
            self.noted(&n.key, &v, note);
        }
        self.blank();
        self.line("[unit.cdo]");
        let v = self.value("unit.cdo.position", None);
        self.kv("position", &v, &[]);
        for field in cdo_fields() {
            let need = u.need(&format!("cdo.{}", field.key));
            let written = field.required || need.is_some_and(|n| n.present && !n.absent);
            if !written || field.key == "position" {
                continue;
            }
            let v = self.value(&format!("unit.cdo.{}", field.key), need);
            let note = self.need_notes(need).join(self.pick("; ", "；"));
            self.noted(field.key, &v, note);
        }
    }

    /// `key = value`, with its note the first time it is written (and when
    /// it changes).
    fn noted(&mut self, key: &str, value: &str, note: String) {
        let same = self.notes.get(key) == Some(&note);
        if same || note.is_empty() {
            self.kv(key, value, &[]);
        } else {
            self.kv(key, value, std::slice::from_ref(&note));
        }
        self.notes.insert(key.to_string(), note);
    }

    /// A milestone, and a commented-out waiver to copy.
    fn milestones(&mut self) {
        let due = self
            .draft
            .milestone
            .iter()
            .find(|n| n.key == "due")
            .cloned();
        let mut text = self
            .t(T(
                "---------------------------------------------------------------------------\nMilestones: dated deliverables",
                "---------------------------------------------------------------------------\n里程碑：有日期的交付事项",
            ))
            .to_string();
        if let Some(n) = due.as_ref().filter(|n| !n.rules.is_empty()) {
            text.push_str(&self.paren(&self.rules(&n.rules)));
        }
        text.push_str(self.t(T(
            ".\n---------------------------------------------------------------------------",
            "。\n---------------------------------------------------------------------------",
        )));
        self.comment(&text);
        self.blank();
        self.line("[[milestone]]");
        let example = self.milestone_example();
        let mut notes = vec![format!("{} {example}", self.t(T("e.g.", "例如")))];
        notes.extend(self.need_notes(due.as_ref()));
        self.kv("due", "\"<YYYY-MM-DD>\"", &notes);
        let v = self.value("milestone.deliverable", None);
        let eg = format!(
            "{} {}",
            self.t(T("e.g.", "例如")),
            self.t(T(
                "CDOs appointed in all pilot units",
                "全部试点单位完成首席数据官任命"
            ))
        );
        self.kv("deliverable", &v, &[eg]);
        if let Some(rule) = self.draft.waiver {
            self.blank();
            let text = self
                .pick(
                    "A rule that a notice states \"in principle\" (原则上) may be waived with a reason:\n[[waiver]]\nrule = \"{r}\"\nunit = \"<unit id>\"\nreason = \"<Why the exception is justified>\"\napproved_by = \"<Who approved it>\"\nexpires = {d}",
                    "通知中“原则上”提出的要求，确有特殊情况的，可登记经批准的例外情形：\n[[waiver]]\nrule = \"{r}\"\nunit = \"<单位 id>\"\nreason = \"<例外理由>\"\napproved_by = \"<批准单位>\"\nexpires = {d}",
                )
                .replace("{r}", &rule.id)
                .replace("{d}", &example.to_string());
            self.comment(&text);
        }
    }

    fn milestone_example(&self) -> Date {
        self.draft.texts.milestone.unwrap_or_else(|| {
            let p = self.published_example();
            Date {
                month: 12,
                day: 31,
                ..p
            }
        })
    }
}

/// The fields of `[unit.cdo]`, in the format's order.
fn cdo_fields() -> &'static [schema::Field] {
    match schema::lookup(&["unit", "cdo"]).map(|f| &f.ty) {
        Some(Ty::Table(fields)) => fields,
        _ => &[],
    }
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn plain(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

fn scalar(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) => quote(s),
        other => plain(other),
    }
}

/// The key of the plan a pack's `applies_when` first tests.
fn first_fact(c: &Cond) -> Option<&'static str> {
    fn leaves(c: &Cond) -> Vec<&Leaf> {
        match c {
            Cond::Leaf(l) => vec![l],
            Cond::All(cs) | Cond::Any(cs) => cs.iter().flat_map(leaves).collect(),
            Cond::Not(c) => leaves(c),
            Cond::Implies(a, b) => leaves(a).into_iter().chain(leaves(b)).collect(),
        }
    }
    leaves(c).iter().flat_map(|l| &l.fields).find_map(|p| {
        match p
            .segs
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["plan", "province"] => Some("province"),
            ["plan", "jurisdiction" | "jurisdiction_zh"] => Some("jurisdiction"),
            ["plan", k] => schema::lookup(&["plan", k]).map(|f| f.key),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_toml_needs() {
        assert_eq!(quote("a\"b\\c\u{7f}"), "\"a\\\"b\\\\c\\u007F\"");
        let v: toml::Table = toml::from_str(&format!("k = {}", quote("x\"\n\u{1}y"))).unwrap();
        assert_eq!(v["k"].as_str(), Some("x\"\n\u{1}y"));
    }
}
