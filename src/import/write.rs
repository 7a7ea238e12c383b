//! The draft plan as TOML text: every value read, with a comment giving
//! the document line it came from, and a `<…>` placeholder for every
//! required value the document does not give. Strings go through
//! [`crate::text::quote`] and comments through [`crate::text::safe`], so
//! the draft is valid TOML whatever the document holds.

use super::extract::{Draft, Ev, Unit};
use crate::lang::Lang;
use crate::message::Message;
use crate::text::{quote, safe};

/// How many characters of a line an evidence comment quotes.
const QUOTED_CHARS: usize = 60;

/// A rendered draft and its counts.
pub(crate) struct Rendered {
    pub(crate) text: String,
    pub(crate) read: usize,
    pub(crate) guessed: usize,
    pub(crate) placeholders: usize,
}

/// What the header says about the source.
pub(crate) struct Header<'a> {
    pub(crate) source: &'a str,
    pub(crate) sha256: &'a str,
    pub(crate) encoding: Option<&'a str>,
    pub(crate) truncated: bool,
}

struct Out<'a> {
    text: String,
    lines: &'a [String],
    lang: Lang,
    read: usize,
    guessed: usize,
    placeholders: usize,
}

impl Out<'_> {
    fn comment(&self, ev: Ev) -> String {
        let line = self
            .lines
            .get(ev.line.wrapping_sub(1))
            .map_or("", |l| l.trim());
        // From where the words start, so that the quote shows them.
        let mut quoted: String = line.chars().skip(ev.col).take(QUOTED_CHARS).collect();
        if ev.col > 0 {
            quoted.insert(0, '…');
        }
        let mut c = Message::new("import.evidence")
            .arg("line", ev.line.to_string())
            .arg("text", safe(&quoted).into_owned())
            .get(self.lang);
        if ev.guessed {
            c.push(' ');
            c.push_str(&Message::new("import.guessed").get(self.lang));
        }
        format!("# {}", safe(&c))
    }

    fn count(&mut self, ev: Ev) {
        if ev.guessed {
            self.guessed += 1;
        } else {
            self.read += 1;
        }
    }

    /// `key = value  # line N: "…"`.
    fn value(&mut self, key: &str, value: &str, ev: Ev) {
        let c = self.comment(ev);
        self.text.push_str(&format!("{key} = {value}  {c}\n"));
        self.count(ev);
    }

    /// A string from the document. `<` and `>` are written full-width
    /// (＜＞): `<…>` in a value is a placeholder to `check` (CORE008), and
    /// a value read is not one.
    fn string(&mut self, key: &str, value: &str, ev: Ev) {
        let value: String = value
            .chars()
            .map(|c| match c {
                '<' => '＜',
                '>' => '＞',
                c => c,
            })
            .collect();
        self.value(key, &quote(&value), ev);
    }

    /// `key = "<label>"`, with the line it was named on, if any.
    fn placeholder(&mut self, key: &str, label: Message, ev: Option<Ev>) {
        let label: String = label
            .get(self.lang)
            .chars()
            .filter(|c| !matches!(c, '<' | '>'))
            .collect();
        let v = quote(&format!("<{label}>"));
        match ev {
            Some(ev) => {
                let c = self.comment(ev);
                self.text.push_str(&format!("{key} = {v}  {c}\n"));
            }
            None => self.text.push_str(&format!("{key} = {v}\n")),
        }
        self.placeholders += 1;
    }

    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn opt_string(&mut self, key: &str, v: &Option<(String, Ev)>) {
        if let Some((s, ev)) = v {
            self.string(key, s, *ev);
        }
    }

    fn string_or(&mut self, key: &str, v: &Option<(String, Ev)>, label: &'static str) {
        match v {
            Some((s, ev)) => self.string(key, s, *ev),
            None => self.placeholder(key, Message::new(label), None),
        }
    }

    fn enum_or(&mut self, key: &str, v: &Option<(&'static str, Ev)>, label: &'static str) {
        match v {
            Some((s, ev)) => self.string(key, s, *ev),
            None => self.placeholder(key, Message::new(label), None),
        }
    }
}

/// The draft's text.
pub(crate) fn render(d: &Draft, lines: &[String], header: &Header<'_>, lang: Lang) -> Rendered {
    let mut o = Out {
        text: String::new(),
        lines,
        lang,
        read: 0,
        guessed: 0,
        placeholders: 0,
    };
    o.raw("format = 1\n\n[plan]\n");
    o.placeholder("title", Message::new("init.label.plan.title"), None);
    o.opt_string("title_zh", &d.title_zh);
    o.string_or(
        "jurisdiction",
        &d.jurisdiction,
        "init.label.plan.jurisdiction",
    );
    o.opt_string("jurisdiction_zh", &d.jurisdiction_zh);
    o.enum_or("level", &d.level, "import.label.level");
    o.string_or("province", &d.province, "init.label.plan.province");
    o.string_or("issuer", &d.issuer, "init.label.plan.issuer");
    o.opt_string("document_number", &d.document_number);
    if let Some((s, ev)) = &d.signed {
        o.value("signed", s, *ev);
    }
    o.placeholder("published", Message::new("import.label.date"), None);
    if let Some((list, ev)) = &d.basis {
        let items: Vec<String> = list.iter().map(|s| quote(s)).collect();
        o.value("basis", &format!("[{}]", items.join(", ")), *ev);
    }
    o.opt_string("contact_agency", &d.contact_agency);

    o.raw("\n[cdo]\n");
    if d.duties.is_empty() {
        let label: String = Message::new("init.label.cdo.duties").get(lang);
        o.raw(&format!("duties = [{}]\n", quote(&format!("<{label}>"))));
        o.placeholders += 1;
    } else {
        o.raw("duties = [\n");
        for (id, ev) in &d.duties {
            let c = o.comment(*ev);
            o.raw(&format!("  {},  {c}\n", quote(id)));
            o.count(*ev);
        }
        o.raw("]\n");
    }

    if d.leading_group.is_some() || d.evaluation.is_some() {
        o.raw("\n[governance]\n");
        o.opt_string("leading_group", &d.leading_group);
        o.opt_string("evaluation", &d.evaluation);
    }

    let support = [
        d.contract_civil_servants,
        d.purchased_services,
        d.data_specialists,
        d.expert_panel,
    ];
    if support.iter().any(Option::is_some) {
        o.raw("\n[support]\n");
        if let Some(ev) = d.contract_civil_servants {
            let label = Message::new("init.label.support.contract-civil-servants");
            o.placeholder("contract_civil_servants", label, Some(ev));
        }
        for (key, ev) in [
            ("purchased_services", d.purchased_services),
            ("data_specialists", d.data_specialists),
            ("expert_panel", d.expert_panel),
        ] {
            if let Some(ev) = ev {
                o.value(key, "true", ev);
            }
        }
    }

    if d.units.is_empty() {
        let unit = Unit {
            id: "unit-01".into(),
            ..Unit::default()
        };
        write_unit(&mut o, &unit, false);
    }
    for u in &d.units {
        write_unit(&mut o, u, true);
    }

    for (due, what, ev) in &d.milestones {
        o.raw("\n[[milestone]]\n");
        o.value("due", due, *ev);
        o.string("deliverable", what, *ev);
    }

    let mut head = Message::new("import.header")
        .arg("source", header.source)
        .arg("sha256", header.sha256)
        .arg("read", o.read.to_string())
        .arg("guessed", o.guessed.to_string())
        .arg("placeholders", o.placeholders.to_string())
        .get(lang);
    if let Some(enc) = header.encoding {
        head.push('\n');
        head.push_str(
            &Message::new("import.header.encoding")
                .arg("encoding", enc)
                .get(lang),
        );
    }
    if d.units_capped {
        head.push('\n');
        head.push_str(
            &Message::new("import.header.units-capped")
                .arg("max", super::extract::MAX_UNITS.to_string())
                .get(lang),
        );
    }
    if header.truncated {
        head.push('\n');
        head.push_str(
            &Message::new("import.header.truncated")
                .arg("chars", super::read::MAX_LINE_CHARS.to_string())
                .arg("lines", super::read::MAX_LINES.to_string())
                .get(lang),
        );
    }
    let mut text = String::new();
    for l in head.lines() {
        let l = safe(l);
        if l.is_empty() {
            text.push_str("#\n");
        } else {
            text.push_str(&format!("# {l}\n"));
        }
    }
    text.push('\n');
    text.push_str(&o.text);
    Rendered {
        text,
        read: o.read,
        guessed: o.guessed,
        placeholders: o.placeholders,
    }
}

fn write_unit(o: &mut Out<'_>, u: &Unit, listed: bool) {
    o.raw("\n[[unit]]\n");
    o.raw(&format!("id = {}\n", quote(&u.id)));
    o.placeholder("name", Message::new("import.label.unit.name"), None);
    if listed {
        o.string("name_zh", &u.name_zh.0, u.name_zh.1);
    }
    o.enum_or("level", &u.level, "import.label.unit.level");
    o.enum_or("kind", &u.kind, "import.label.unit.kind");
    o.opt_string("focus", &u.focus);
    o.raw("\n[unit.cdo]\n");
    let c = &u.cdo;
    let position = match &c.hint {
        Some(h) => Message::new("import.label.position.hint")
            .arg("label", Message::new("init.label.unit.cdo.position"))
            .arg("hint", h.as_str()),
        None => Message::new("init.label.unit.cdo.position"),
    };
    o.placeholder("position", position, None);
    o.enum_or("rank", &c.rank, "import.label.rank");
    match c.oversees {
        Some(ev) => o.value("oversees_digital_government", "true", ev),
        None => o.placeholder(
            "oversees_digital_government",
            Message::new("import.label.oversees"),
            None,
        ),
    }
    if let Some((b, ev)) = c.concurrent {
        o.value("concurrent", if b { "true" } else { "false" }, ev);
    }
    o.opt_string("appointed_by", &c.appointed_by);
    o.opt_string("filed_with", &c.filed_with);
}
