//! Messages: what a finding, a label, a table or an error says, kept as a
//! template and its arguments until a renderer picks the language. The
//! built-in texts live in catalogues (`messages/en.toml`,
//! `messages/zh-CN.toml`), keyed by id; a rule's texts come from its pack.
//! Both are parsed once and filled in one pass ([`Template`]).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::lang::{Lang, Text};
use crate::template::Template;

const EN: &str = include_str!("../messages/en.toml");
const ZH: &str = include_str!("../messages/zh-CN.toml");

/// A text in English and, where it has one, Simplified Chinese, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    pub en: Template,
    pub zh: Option<Template>,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> &Template {
        match (lang, &self.zh) {
            (Lang::Zh, Some(zh)) => zh,
            _ => &self.en,
        }
    }
}

/// Where a message's words come from.
#[derive(Clone, Debug)]
enum Words {
    /// A built-in message, by catalogue id.
    Catalogue(&'static str),
    /// A rule's text, from its pack.
    Pack(Arc<Texts>),
    /// Text that is the same in every language: a value, an OS error.
    Plain(Box<str>),
    /// Words given in both languages, with no variables.
    Text(Text),
}

/// A value filled into a message.
#[derive(Clone, Debug)]
pub enum Arg {
    /// Shown as written, in every language.
    Plain(String),
    /// Words of their own, in the message's language.
    Message(Message),
    /// A value given in both languages: a name and its Chinese name.
    Text(Text),
    /// Items joined as the language joins a list: `a, b` / `a、b`.
    List(Vec<Arg>),
    /// Clauses joined: `a; b` / `a；b`.
    Clauses(Vec<Arg>),
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Plain(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Plain(s.to_string())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Message(m)
    }
}

impl Arg {
    /// Appends the value in a language to `out`.
    fn render_into(&self, lang: Lang, out: &mut String) {
        let join = |items: &[Arg], separator: &'static str, out: &mut String| {
            for (i, a) in items.iter().enumerate() {
                if i > 0 {
                    Message::new(separator).get_into(lang, out);
                }
                a.render_into(lang, out);
            }
        };
        match self {
            Arg::Plain(s) => out.push_str(s),
            Arg::Message(m) => m.get_into(lang, out),
            Arg::Text(t) => out.push_str(t.get(lang)),
            Arg::List(items) => join(items, "list.separator", out),
            Arg::Clauses(items) => join(items, "clauses.separator", out),
        }
    }
}

/// A message: words and the values that fill them.
#[derive(Clone, Debug)]
pub struct Message {
    words: Words,
    args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// A built-in message by catalogue id.
    pub fn new(id: &'static str) -> Message {
        Message {
            words: Words::Catalogue(id),
            args: Vec::new(),
        }
    }

    /// A rule's text.
    pub fn pack(texts: Arc<Texts>) -> Message {
        Message {
            words: Words::Pack(texts),
            args: Vec::new(),
        }
    }

    /// Text the same in every language.
    pub fn plain(text: impl Into<Box<str>>) -> Message {
        Message {
            words: Words::Plain(text.into()),
            args: Vec::new(),
        }
    }

    /// Words given in both languages, with no variables.
    pub fn text(text: Text) -> Message {
        Message {
            words: Words::Text(text),
            args: Vec::new(),
        }
    }

    /// Adds a value for `{name}`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// Adds values.
    pub fn args(mut self, args: impl IntoIterator<Item = (&'static str, Arg)>) -> Message {
        self.args.extend(args);
        self
    }

    /// The message in a language.
    pub fn get(&self, lang: Lang) -> String {
        // Room for most messages, which would otherwise grow four times.
        let mut out = String::with_capacity(64);
        self.get_into(lang, &mut out);
        out
    }

    /// Appends the message in a language to `out`: each value is written
    /// where the words use it, and only then (a finding's message carries
    /// values its words may not use).
    fn get_into(&self, lang: Lang, out: &mut String) {
        let var = |name: &str, out: &mut String| {
            if let Some((_, a)) = self.args.iter().find(|(k, _)| *k == name) {
                a.render_into(lang, out);
            }
        };
        match &self.words {
            Words::Plain(s) => out.push_str(s),
            Words::Text(t) => out.push_str(t.get(lang)),
            Words::Pack(t) => t.get(lang).fill_into(out, var),
            Words::Catalogue(id) => match catalogue().get(lang, id) {
                Some(t) => t.fill_into(out, var),
                // Unreachable while the catalogue test passes; say which id.
                None => out.push_str(id),
            },
        }
    }
}

/// In English: for logs and tests; renderers use [`Message::get`].
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.get(Lang::En))
    }
}

/// The built-in messages of both languages.
pub struct Catalogue {
    en: OnceLock<HashMap<String, Template>>,
    zh: OnceLock<HashMap<String, Template>>,
}

impl Catalogue {
    /// Each language is parsed the first time it is asked for: a run in
    /// English never parses the Chinese catalogue (parsing both was about a
    /// tenth of a one-plan run).
    fn en(&self) -> &HashMap<String, Template> {
        self.en.get_or_init(|| parse(EN).unwrap_or_default())
    }

    fn zh(&self) -> &HashMap<String, Template> {
        self.zh.get_or_init(|| parse(ZH).unwrap_or_default())
    }

    fn get(&self, lang: Lang, id: &str) -> Option<&Template> {
        match lang {
            Lang::Zh => self.zh().get(id).or_else(|| self.en().get(id)),
            Lang::En => self.en().get(id),
        }
    }

    /// Every id, with its English and Chinese templates (for the tests).
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<&Template>, Option<&Template>)> {
        let (en, zh) = (self.en(), self.zh());
        let mut ids: Vec<&String> = en.keys().chain(zh.keys()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .map(|id| (id.as_str(), en.get(id), zh.get(id)))
    }
}

/// The catalogue, parsed on first use. A malformed catalogue is a bug that
/// the tests catch; at run time its bad entries are simply absent.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: Catalogue = Catalogue {
        en: OnceLock::new(),
        zh: OnceLock::new(),
    };
    &CATALOGUE
}

/// A catalogue file: `id = "template"` lines; a variable is any `{name}`
/// of lowercase letters, digits and `_`.
pub fn parse(text: &str) -> Result<HashMap<String, Template>, String> {
    let table: HashMap<String, String> = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = HashMap::with_capacity(table.len());
    for (id, t) in table {
        let vars = variables(&t);
        let known: Vec<&str> = vars.iter().map(String::as_str).collect();
        let template = Template::parse(&t, &known).map_err(|_| format!("`{id}`: bad template"))?;
        out.insert(id, template);
    }
    Ok(out)
}

fn variables(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        let ident = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ident {
            out.push(name.to_string());
        }
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An English run parses only the English catalogue.
    #[test]
    fn each_language_is_parsed_when_first_asked_for() {
        let c = Catalogue {
            en: OnceLock::new(),
            zh: OnceLock::new(),
        };
        assert!(c.get(Lang::En, "error.packs").is_some());
        assert!(c.zh.get().is_none());
        assert!(c.get(Lang::Zh, "error.packs").is_some());
        assert!(c.zh.get().is_some());
    }

    #[test]
    fn both_catalogues_parse_and_hold_the_same_ids_with_the_same_variables() {
        parse(EN).unwrap();
        parse(ZH).unwrap();
        for (id, en, zh) in catalogue().entries() {
            let (Some(en), Some(zh)) = (en, zh) else {
                panic!("`{id}` is in one catalogue only");
            };
            let mut a: Vec<&str> = en.vars().collect();
            let mut b: Vec<&str> = zh.vars().collect();
            a.sort_unstable();
            a.dedup();
            b.sort_unstable();
            b.dedup();
            assert_eq!(a, b, "`{id}` uses other variables in English and Chinese");
        }
    }

    /// Every id the code names is in the catalogue: the ids are the string
    /// literals passed to `Message::new`.
    #[test]
    fn every_id_the_code_uses_exists() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                for (i, _) in text.match_indices("Message::new(\"") {
                    let rest = &text[i + "Message::new(\"".len()..];
                    let id = &rest[..rest.find('"').unwrap_or(0)];
                    if catalogue().get(Lang::En, id).is_none() {
                        missing.push(format!("{}: {id}", p.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "ids not in messages/en.toml: {missing:#?}"
        );
    }

    #[test]
    fn arguments_render_in_the_message_language() {
        let keys = Arg::List(vec!["`rank`".into(), "`position`".into()]);
        let m = Message::new("pf002.keys")
            .arg("table", Message::new("table.top"))
            .arg("keys", keys);
        assert_eq!(
            m.get(Lang::En),
            "the top level takes these keys: `rank`, `position`"
        );
        assert_eq!(m.get(Lang::Zh), "顶层可用的键：`rank`、`position`");
        let said = Message::plain("as {written}").arg("written", "x");
        assert_eq!(
            said.get(Lang::Zh),
            "as {written}",
            "plain text is never a template"
        );
    }
}
