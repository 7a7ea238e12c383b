//! `cdocheck init`: a commented plan skeleton for a jurisdiction, in English
//! or Chinese, derived from the rule packs `check` would select for it
//! (user packs given with `--rules` included). The skeleton holds what those
//! packs' rules ask for — the units their `count` and `required` rules
//! need, the duties and basis their `contains` tests name, the limits their
//! date tests set — each with the rule that asks for it, and writes every
//! value the planners must supply as a `<…>` placeholder, which rule
//! CORE008 reports until it is filled in. Checked as it stands, a skeleton
//! earns CORE008 findings and no other error or warning.
//!
//! What the rules cannot say comes from data: place names, divisions and
//! departments from the province files in `rules/provinces/`, titles,
//! issuers and example dates from the packs' `[init]` tables
//! ([`crate::rules::init_data`]). No jurisdiction is known here by name.
//!
//! The module returns the skeleton; `cli` prints or writes it.

mod draft;
mod place;
mod write;

use clap::ValueEnum;

pub use crate::text::quote;
pub use draft::{Bound, CountNeed, Draft, DraftUnit, Facts, Group, Need, Texts, UnitFacts};
pub use place::{below, Jurisdiction, NamedUnit, Places};

use crate::lang::Lang;
use crate::message::Message;
use crate::rules::Rules;

/// Administrative level of a plan's issuer (`--level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Province,
    Prefecture,
    County,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Prefecture => "prefecture",
            Level::County => "county",
        }
    }
}

/// What the skeleton is for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// A city, a department, any place; `None`: a placeholder.
    pub jurisdiction: Option<String>,
    /// The issuer's level; `None`: the place's own, else `prefecture`.
    pub level: Option<Level>,
}

/// A written skeleton.
#[derive(Clone, Debug)]
pub struct Skeleton {
    pub text: String,
    /// How many values are left as `<…>` placeholders.
    pub placeholders: usize,
}

/// Why no skeleton could be written.
#[derive(Debug)]
pub enum InitError {
    /// The province data shipped in the binary do not load (where).
    Data(Vec<String>),
}

impl InitError {
    /// What went wrong, without the `error:` prefix.
    pub fn message(&self) -> Message {
        match self {
            InitError::Data(at) => Message::new("init.error.data").arg("at", at.join(", ")),
        }
    }

    /// The line for standard error: `error: …` / `错误：…`.
    pub fn line(&self) -> Message {
        Message::new("error").arg("message", self.message())
    }
}

/// The skeleton for a request, from the loaded packs.
pub fn skeleton(req: &Request, rules: &Rules, lang: Lang) -> Result<Skeleton, InitError> {
    let places = Places::builtin()?;
    let name = req
        .jurisdiction
        .as_deref()
        .map(str::trim)
        .filter(|j| !j.is_empty());
    let found = name.and_then(|n| places.locate(rules, n));
    let draft = Draft::new(found, name, req.level.map(Level::as_str), rules, None);
    let (text, placeholders) = write::render(&draft, lang);
    Ok(Skeleton { text, placeholders })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{self, Options};
    use crate::plan::{Date, Plan};
    use crate::source::{Source, SourceDb};

    /// The codes a skeleton earns, checked as it stands.
    fn codes(text: &str) -> Vec<String> {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).unwrap_or_else(|_| panic!("the built-in packs load"));
        let source = db.add(Source::new("skeleton.toml", text));
        let plan = Plan::from_text(source, &db.get(source).text);
        let opts = Options {
            today: Date::today(),
            waivers: true,
            packs: None,
            require: Vec::new(),
        };
        let checked = eval::check(&plan, &rules, &opts);
        checked
            .findings
            .iter()
            .map(|f| f.code.to_string())
            .collect()
    }

    fn skeleton_for(j: Option<&str>, level: Option<Level>, lang: Lang) -> String {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).unwrap_or_else(|_| panic!("the built-in packs load"));
        let req = Request {
            jurisdiction: j.map(str::to_string),
            level,
        };
        skeleton(&req, &rules, lang).expect("a skeleton").text
    }

    #[test]
    fn every_skeleton_earns_placeholder_findings_only() {
        let places = [
            None,
            Some("Jiangmen"),
            Some("江门"),
            Some("Zhongshan"),
            Some("Shenzhen"),
            Some("Foshan"),
            Some("Beijing"),
            Some("Department of Public Security"),
            Some("Springfield"),
        ];
        for j in places {
            for lang in [Lang::En, Lang::Zh] {
                for level in [None, Some(Level::County)] {
                    let text = skeleton_for(j, level, lang);
                    let codes = codes(&text);
                    assert!(!codes.is_empty(), "{j:?} {lang:?}: no placeholder found");
                    assert!(
                        codes.iter().all(|c| c == "CORE008"),
                        "{j:?} {lang:?} {level:?}: {codes:?}\n{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_jurisdiction_given_in_chinese_is_recognised() {
        let text = skeleton_for(Some("江门"), None, Lang::Zh);
        assert!(text.contains("jurisdiction = \"Jiangmen\""));
        assert!(text.contains("jurisdiction_zh = \"江门市\""));
        assert!(text.contains("<县（市、区）人民政府名称>"));
    }

    #[test]
    fn the_data_error_reads_in_both_languages() {
        let e = InitError::Data(vec!["a.toml:1:2".into(), "b.toml:3:4".into()]);
        assert_eq!(
            e.line().get(Lang::En),
            "error: the built-in province data have errors (a.toml:1:2, b.toml:3:4); this build of cdocheck is broken"
        );
        assert_eq!(
            e.line().get(Lang::Zh),
            "错误：内置的省份数据有误（a.toml:1:2, b.toml:3:4）；本版本 cdocheck 已损坏"
        );
    }

    #[test]
    fn a_city_without_districts_counts_its_towns() {
        let text = skeleton_for(Some("Zhongshan"), None, Lang::En);
        assert_eq!(text.matches("level = \"township\"").count(), 3, "{text}");
        assert!(text.contains("<Name of the township or sub-district>"));
    }
}
