//! Writing a [`Draft`] as a commented plan skeleton, in English or Chinese:
//! every value the planner supplies is a `<…>` placeholder, every value the
//! rules fix is written, and each comment names the rules it comes from.
//! The words here are the plan format's (its keys, levels, kinds) and the
//! built-in messages `init.*` of the catalogues (`messages/`), filled in one
//! pass in the skeleton's language; the jurisdiction's all come from the
//! draft.

use std::collections::HashMap;

use super::draft::{Bound, Draft, DraftUnit, Need};
use crate::lang::{Lang, Text};
use crate::message::{Arg, Message};
use crate::plan::schema::{self, Ty};
use crate::plan::Date;
use crate::rules::{Applies, Check, Cond, Scalar};
use crate::text::{quote, safe};

/// Text from the command line or a pack in a comment: one line, escaped.
fn shown(s: &str) -> String {
    safe(s).into_owned()
}

/// What a placeholder says, by key: `<Issuing office>`.
fn label(key: &str) -> Option<Message> {
    let id = match key {
        "plan.title" => Message::new("init.label.plan.title"),
        "plan.jurisdiction" => Message::new("init.label.plan.jurisdiction"),
        "plan.province" => Message::new("init.label.plan.province"),
        "plan.issuer" => Message::new("init.label.plan.issuer"),
        "plan.document_number" | "plan.basis" => Message::new("init.label.document-number"),
        "plan.contact_agency" => Message::new("init.label.plan.contact-agency"),
        "cdo.duties" => Message::new("init.label.cdo.duties"),
        "cdo.qualifications" => Message::new("init.label.cdo.qualifications"),
        "governance.leading_group" => Message::new("init.label.governance.leading-group"),
        "governance.evaluation" => Message::new("init.label.governance.evaluation"),
        "governance.executive_cdo" => Message::new("init.label.governance.executive-cdo"),
        "governance.coordination" => Message::new("init.label.governance.coordination"),
        "support.contract_civil_servants" => {
            Message::new("init.label.support.contract-civil-servants")
        }
        "unit.focus" => Message::new("init.label.unit.focus"),
        "unit.cdo.position" => Message::new("init.label.unit.cdo.position"),
        "unit.cdo.appointee" => Message::new("init.label.unit.cdo.appointee"),
        "milestone.deliverable" => Message::new("init.label.milestone.deliverable"),
        _ => return None,
    };
    Some(id)
}

/// A plan format enum value as a reader of the language names it:
/// `county` / `county（县级）`.
fn gloss(value: &str) -> Message {
    let words = match value {
        "province" => Message::new("init.gloss.province"),
        "prefecture" => Message::new("init.gloss.prefecture"),
        "county" => Message::new("init.gloss.county"),
        "township" => Message::new("init.gloss.township"),
        "government" => Message::new("init.gloss.government"),
        "department" => Message::new("init.gloss.department"),
        "zone" => Message::new("init.gloss.zone"),
        "institution" => Message::new("init.gloss.institution"),
        "enterprise" => Message::new("init.gloss.enterprise"),
        "chief" => Message::new("init.gloss.chief"),
        "deputy" => Message::new("init.gloss.deputy"),
        "other" => Message::new("init.gloss.other"),
        _ => return Message::plain(value),
    };
    words.arg("value", value)
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
    /// A message in the skeleton's language.
    fn say(&self, m: Message) -> String {
        m.get(self.lang)
    }

    /// A comment block, one `#` line per line of text. Each line is made
    /// safe: TOML forbids control characters in comments, and a reader's
    /// terminal should not obey them.
    fn comment(&mut self, text: &str) {
        for line in text.lines() {
            if line.is_empty() {
                self.buf.push_str("#\n");
            } else {
                self.buf.push_str("# ");
                self.buf.push_str(&safe(line));
                self.buf.push('\n');
            }
        }
    }

    /// One line of the skeleton. Values are TOML strings already
    /// ([`quote`] escapes their control characters), so a control character
    /// left here is in a key or a note: it is escaped, never written raw,
    /// and a line break cannot start a line of its own.
    fn line(&mut self, s: &str) {
        if !s.starts_with('#') && s.contains("\"<") {
            self.placeholders += 1;
        }
        for c in s.chars() {
            if c.is_control() && c != '\t' {
                self.buf.extend(c.escape_unicode());
            } else {
                self.buf.push(c);
            }
        }
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
            let sep = self.clause_separator();
            self.line(&format!("{key} = {value}   # {}", notes.join(&sep)));
        }
    }

    /// What separates the notes beside a key: `; ` / `；`.
    fn clause_separator(&self) -> String {
        self.say(Message::new("clauses.separator"))
    }

    fn placeholder(&self, label: Message) -> String {
        quote(&format!("<{}>", self.say(label)))
    }

    /// `GD009, SZ002`: the rules, as a note.
    fn rules(&self, rules: &[String]) -> String {
        rules.join(", ")
    }

    /// ` (GD009, SZ002)` / `（GD009, SZ002）`: the rules, after a text;
    /// nothing when there are none.
    fn rules_note(&self, rules: &[String]) -> Arg {
        if rules.is_empty() {
            return Arg::Plain(String::new());
        }
        Message::new("init.rules")
            .arg("rules", self.rules(rules))
            .into()
    }

    /// `county` / `county（县级）`.
    fn gloss(&self, v: &str) -> String {
        self.say(gloss(v))
    }

    /// `a, b or c` / `a、b 或 c`.
    fn choices(&self, vs: &[String]) -> String {
        // No space between a full-width bracket and 或.
        let bracket = vs.len() > 1 && vs[vs.len() - 2].ends_with('）');
        let words = if bracket {
            Message::new("init.or.after-bracket")
        } else {
            Message::new("init.or")
        };
        self.joined(vs, words)
    }

    /// The values joined by `words`, `{head}` and `{last}`: all but the last
    /// as a list of the language, and the last.
    fn joined(&self, vs: &[String], words: Message) -> String {
        match vs {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => {
                let head = Arg::List(init.iter().map(|v| Arg::Plain(v.clone())).collect());
                self.say(words.arg("head", head).arg("last", last.as_str()))
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
            let words = match b {
                Bound::Date(date) if self.signed(rule) == Some(*date) => {
                    Message::new("init.note.not-before-signed").arg("date", date.to_string())
                }
                Bound::Date(date) => {
                    Message::new("init.note.not-before").arg("date", date.to_string())
                }
                Bound::Field(f) => Message::new("init.note.not-before-key").arg("key", last(f)),
            };
            v.push(self.say(words.arg("rule", rule.as_str())));
        }
        for (b, rule) in &need.before {
            named.push(rule);
            let words = match b {
                Bound::Date(date) => {
                    Message::new("init.note.not-after").arg("date", date.to_string())
                }
                Bound::Field(f) => Message::new("init.note.not-after-key").arg("key", last(f)),
            };
            v.push(self.say(words.arg("rule", rule.as_str())));
        }
        if let Some((n, rule)) = &need.at_least {
            named.push(rule);
            let words = Message::new("init.note.at-least")
                .arg("count", n.to_string())
                .arg("rule", rule.as_str());
            v.push(self.say(words));
        }
        if let Some((n, rule)) = &need.at_most {
            named.push(rule);
            let words = Message::new("init.note.at-most")
                .arg("count", n.to_string())
                .arg("rule", rule.as_str());
            v.push(self.say(words));
        }
        for (kws, says, rule) in &need.keywords {
            named.push(rule);
            let what = match says {
                Some(s) => Arg::Text(s.clone()),
                None => Arg::Plain(kws.join(" / ")),
            };
            let words = Message::new("init.note.about")
                .arg("what", what)
                .arg("rule", rule.as_str());
            v.push(self.say(words));
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
        let label = || label(path).map_or_else(|| last(path).to_string(), |l| self.say(l));
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
            Some(Ty::List(_)) => format!("[{}]", quote(&format!("<{}>", label()))),
            _ => quote(&format!("<{}>", label())),
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
        let place = match &f.jurisdiction {
            // As typed on the command line: one line, shown safe.
            Some(en) => Arg::Text(Text::new(
                shown(en),
                f.jurisdiction_zh.as_deref().map(shown),
            )),
            None => Message::new("init.header.no-place").into(),
        };
        let example = self.published_example();
        let text = self.say(
            Message::new("init.header")
                .arg("place", place)
                .arg("date", example.to_string())
                .arg("rule", self.placeholder_rule()),
        );
        self.comment(&text);
        self.line("#");
        let packs = self.packs_sentence();
        self.comment(&packs);
        if let Some(note) = self.draft.jurisdiction.as_ref().and_then(|j| j.note()) {
            let note = note.get(self.lang).to_string();
            self.comment(&note);
        }
        for rule in &self.draft.unmet {
            let text = self.say(
                Message::new("init.unmet")
                    .arg("rule", rule.id.as_str())
                    .arg("statement", Arg::Text(rule.statement.clone())),
            );
            self.comment(&text);
        }
        self.blank();
        let text = self.say(Message::new("init.format"));
        self.comment(&text);
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
                    let words = Message::new("init.packs.by-name")
                        .arg("pack", p.name.as_str())
                        .arg("document", p.document.as_str());
                    parts.push(self.say(words));
                    continue;
                }
            };
            let key = first_fact(c).unwrap_or("jurisdiction");
            let (field, en, zh) = match key {
                "province" => (
                    Message::new("init.packs.key.province"),
                    &f.province,
                    &f.province_zh,
                ),
                _ => (
                    Message::new("init.packs.key.jurisdiction"),
                    &f.jurisdiction,
                    &f.jurisdiction_zh,
                ),
            };
            let value = Text::new(
                shown(en.as_deref().unwrap_or_default()),
                zh.as_deref().map(shown),
            );
            let words = Message::new("init.packs.selects")
                .arg("key", field)
                .arg("value", Arg::Text(value))
                .arg("pack", p.name.as_str())
                .arg("document", p.document.as_str());
            parts.push(self.say(words));
        }
        let always = always.join(", ");
        if parts.is_empty() {
            let words = Message::new("init.packs.none")
                .arg("core", always)
                .arg("keys", self.selection_keys());
            return self.say(words);
        }
        let joined = parts.join(&self.say(Message::new("init.packs.separator")));
        // The sentence begins with a capital (Chinese words have none).
        let mut c = joined.chars();
        let selections: String = c
            .next()
            .map_or(String::new(), |f| f.to_uppercase().chain(c).collect());
        let sentence = if always.is_empty() {
            Message::new("init.packs.sentence.alone")
        } else {
            Message::new("init.packs.sentence").arg("always", always)
        };
        self.say(sentence.arg("selections", selections))
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
        self.joined(&keys, Message::new("init.and"))
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
                let v = self.placeholder(Message::new("init.label.plan.title"));
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
                let text = self.say(Message::new("init.province"));
                self.comment(&text);
                let v = self.placeholder(Message::new("init.label.plan.province"));
                self.kv("province", &v, &[]);
            }
        }
        if let Some(issuer) = &texts.issuer {
            let eg = self.say(Message::new("init.example").arg("example", words(issuer)));
            self.comment(&eg);
        }
        let v = self.placeholder(Message::new("init.label.plan.issuer"));
        self.kv("issuer", &v, &[]);
    }

    /// `signed` (once issued), `published`, and `pilot_end` when a rule
    /// asks for it: placeholders, with an example and the rules' limits.
    fn dates(&mut self) {
        let published = self.published_example();
        let text = self.say(Message::new("init.once-issued").arg("date", published.to_string()));
        self.comment(&text);
        let mut notes = vec![self.example_value(published.to_string())];
        notes.extend(self.need_notes(self.plan_need("plan.published")));
        self.kv("published", "\"<YYYY-MM-DD>\"", &notes);
        if let Some(end) = self.plan_need("plan.pilot_end").filter(|n| n.present) {
            let mut notes = Vec::new();
            if let Some(Bound::Date(d)) = end.before.first().map(|b| &b.0) {
                notes.push(self.example_value(d.to_string()));
            }
            notes.extend(self.need_notes(Some(end)));
            self.kv("pilot_end", "\"<YYYY-MM-DD>\"", &notes);
        }
    }

    /// `contact_agency`, with the rules asking for it and an example.
    fn contact(&mut self) {
        let contact = self.plan_need("plan.contact_agency").cloned();
        let rules = self.rules_note(contact.as_ref().map_or(&[], |n| n.rules.as_slice()));
        let example = match &self.draft.texts.contact_agency {
            Some(c) => Message::new("init.contact.example")
                .arg("example", words(c))
                .into(),
            None => Arg::Plain(String::new()),
        };
        let text = self.say(
            Message::new("init.contact")
                .arg("rules", rules)
                .arg("example", example),
        );
        self.comment(&text);
        let v = self.placeholder(Message::new("init.label.plan.contact-agency"));
        self.kv("contact_agency", &v, &[]);
    }

    /// `e.g. 2021-12-31` / `例如 2021-12-31`.
    fn example_value(&self, value: impl Into<Arg>) -> String {
        self.say(Message::new("init.example.value").arg("value", value))
    }

    /// `basis`: the documents the rules ask the plan to cite.
    fn basis(&mut self) {
        match self
            .plan_need("plan.basis")
            .filter(|n| !n.items.is_empty())
            .cloned()
        {
            Some(n) => {
                let cited: Vec<Arg> = n
                    .items
                    .iter()
                    .map(|(i, by)| {
                        Message::new("init.basis.item")
                            .arg("document", i.as_str())
                            .arg("rules", self.rules(by))
                            .into()
                    })
                    .collect();
                let text =
                    self.say(Message::new("init.basis.cited").arg("documents", Arg::List(cited)));
                self.comment(&text);
                let items: Vec<String> = n.items.iter().map(|(i, _)| i.clone()).collect();
                self.kv("basis", &list(&items), &[]);
            }
            None => {
                let text = self.say(Message::new("init.basis.none"));
                self.comment(&text);
            }
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
        let text = self.say(Message::new("init.cdo.intro"));
        self.comment(&text);
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
                let text = self.say(Message::new("init.cdo.no-duties"));
                self.comment(&text);
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
        let asks: Vec<Arg> = by
            .iter()
            .map(|(r, items)| Arg::Plain(format!("{r}: {}", items.join(", "))))
            .collect();
        let text = self.say(Message::new("init.cdo.duties").arg("asks", Arg::Clauses(asks)));
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
                let text = self.say(
                    Message::new("init.cdo.qualifications").arg("rules", self.rules(&n.rules)),
                );
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
                    .say(Message::new("init.cdo.qualifications.optional").arg("list", list(&all)));
                self.comment(&text);
            }
        }
    }

    /// The `[governance]` table.
    fn governance_table(&mut self) {
        self.line("[governance]");
        let v = self.placeholder(Message::new("init.label.governance.leading-group"));
        self.kv("leading_group", &v, &[]);
        let eval = self.plan_need("governance.evaluation").cloned();
        let rules = self.rules_note(eval.as_ref().map_or(&[], |n| n.rules.as_slice()));
        let text = self.say(Message::new("init.governance.evaluation").arg("rules", rules));
        self.comment(&text);
        let v = self.placeholder(Message::new("init.label.governance.evaluation"));
        self.kv("evaluation", &v, &[]);
        let text = self.say(Message::new("init.governance.optional"));
        self.comment(&text);
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
        let text = self.say(Message::new("init.units"));
        self.comment(&text);
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
            text.push_str(&self.say(Message::new("init.units.none")));
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
            text.push_str(&self.say(Message::new("init.units.more")));
        }
        if divisions {
            if let Some(j) = &self.draft.jurisdiction {
                let names: Vec<Arg> = j
                    .division_names()
                    .into_iter()
                    .map(|(en, zh)| Arg::Text(Text::new(en, zh)))
                    .collect();
                if !names.is_empty() {
                    let place = Text::new(j.place.name.clone(), j.place.name_zh.clone());
                    let words = Message::new("init.units.divisions")
                        .arg("place", Arg::Text(place))
                        .arg("names", Arg::List(names));
                    text.push('\n');
                    text.push_str(&self.say(words));
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
                let text = u.placeholder.get(self.lang);
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
            let note = self.need_notes(Some(n)).join(&self.clause_separator());
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
            let note = self.need_notes(need).join(&self.clause_separator());
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
        let rules = self.rules_note(due.as_ref().map_or(&[], |n| n.rules.as_slice()));
        let text = self.say(Message::new("init.milestones").arg("rules", rules));
        self.comment(&text);
        self.blank();
        self.line("[[milestone]]");
        let example = self.milestone_example();
        let mut notes = vec![self.example_value(example.to_string())];
        notes.extend(self.need_notes(due.as_ref()));
        self.kv("due", "\"<YYYY-MM-DD>\"", &notes);
        let v = self.value("milestone.deliverable", None);
        let eg = self.example_value(Message::new("init.milestone.deliverable"));
        self.kv("deliverable", &v, &[eg]);
        if let Some(rule) = self.draft.waiver {
            self.blank();
            let text = self.say(
                Message::new("init.waiver")
                    .arg("rule", rule.id.as_str())
                    .arg("date", example.to_string()),
            );
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

/// Words the packs give in English and, maybe, Chinese.
fn words(w: &(String, Option<String>)) -> Arg {
    Arg::Text(Text::new(w.0.clone(), w.1.clone()))
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
    c.leaves()
        .iter()
        .flat_map(|l| &l.fields)
        .find_map(|p| match p.segs.as_slice() {
            ["plan", "province"] => Some("province"),
            ["plan", "jurisdiction" | "jurisdiction_zh"] => Some("jurisdiction"),
            ["plan", k] => schema::lookup(&["plan", k]).map(|f| f.key),
            _ => None,
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
