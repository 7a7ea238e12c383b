//! The reading patterns of `rules/import.toml`, built into the binary: what
//! unit-name endings, rank words, duty phrases and the other sentences
//! `import` looks for are. Data, not code: docs/import.md lists them.

use std::sync::OnceLock;

use serde::Deserialize;

const TEXT: &str = include_str!("../../rules/import.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Words {
    pub(crate) ending: Vec<Ending>,
    pub(crate) scope: Scope,
    pub(crate) cdo: Cdo,
    pub(crate) appointment: Mapped,
    pub(crate) filing: Mapped,
    pub(crate) duty: Vec<Duty>,
    pub(crate) duties: Duties,
    pub(crate) focus: Focus,
    pub(crate) governance: Governance,
    pub(crate) support: Support,
    pub(crate) plan: PlanWords,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ending {
    pub(crate) words: Vec<String>,
    pub(crate) kind: String,
    pub(crate) level: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scope {
    pub(crate) headings: Vec<String>,
    pub(crate) sentences: Vec<String>,
    pub(crate) leading: Vec<String>,
    pub(crate) trailing: Vec<String>,
    pub(crate) separators: Vec<String>,
    pub(crate) conjunctions: Vec<String>,
    pub(crate) closing: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cdo {
    pub(crate) holder: Vec<String>,
    pub(crate) held: Vec<String>,
    pub(crate) concurrent: Vec<String>,
    pub(crate) dedicated: Vec<String>,
    pub(crate) deputy: Vec<String>,
    pub(crate) chief: Vec<String>,
    pub(crate) deputy_pairs: Vec<Vec<String>>,
    pub(crate) oversees: Vec<String>,
    pub(crate) own: Vec<String>,
    pub(crate) divisions: Vec<String>,
    pub(crate) departments: Vec<String>,
    pub(crate) everyone: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mapped {
    pub(crate) verb: Vec<String>,
    #[serde(alias = "with")]
    pub(crate) by: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Value {
    pub(crate) words: Vec<String>,
    pub(crate) value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Duty {
    pub(crate) id: String,
    pub(crate) phrases: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Duties {
    pub(crate) headings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Focus {
    pub(crate) word: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Governance {
    pub(crate) leading_group: String,
    pub(crate) evaluation: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Support {
    pub(crate) contract_civil_servants: Vec<String>,
    pub(crate) purchased_services: Vec<Vec<String>>,
    pub(crate) data_specialists: Vec<Vec<String>>,
    pub(crate) expert_panel: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanWords {
    pub(crate) cdo: Vec<String>,
    pub(crate) plan: Vec<String>,
    pub(crate) opening: Vec<String>,
    pub(crate) contact: Vec<String>,
    pub(crate) number_prefixes: Vec<String>,
}

/// The file: everything under `[import]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    import: Words,
}

/// The built-in patterns; `None` if the shipped file does not parse (a
/// broken build, caught by the unit test below).
pub(crate) fn builtin() -> Option<&'static Words> {
    static WORDS: OnceLock<Option<Words>> = OnceLock::new();
    WORDS
        .get_or_init(|| toml::from_str::<File>(TEXT).ok().map(|f| f.import))
        .as_ref()
}

impl Words {
    /// The kind and level rule of the longest ending that ends `name`, with
    /// the ending.
    pub(crate) fn ending(&self, name: &str) -> Option<(&Ending, &str)> {
        self.ending
            .iter()
            .flat_map(|e| e.words.iter().map(move |w| (e, w.as_str())))
            .filter(|(_, w)| name.ends_with(w) && name.len() > w.len())
            .max_by_key(|(_, w)| w.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::schema;

    #[test]
    fn the_shipped_patterns_load_and_name_known_values() {
        let w = builtin().expect("rules/import.toml parses");
        for e in &w.ending {
            assert!(schema::UNIT_KINDS.contains(&e.kind.as_str()), "{}", e.kind);
            let levels = ["own", "below", "place"];
            assert!(
                levels.contains(&e.level.as_str())
                    || schema::UNIT_LEVELS.contains(&e.level.as_str()),
                "{}",
                e.level
            );
        }
        for d in &w.duty {
            assert!(schema::DUTIES.contains(&d.id.as_str()), "{}", d.id);
        }
        assert_eq!(w.ending("深圳市公安局").unwrap().0.kind, "department");
        assert_eq!(w.ending("前海新区").unwrap().0.kind, "zone");
        assert_eq!(w.ending("福田区").unwrap().0.kind, "government");
        assert_eq!(w.ending("沙头街道").unwrap().0.level, "township");
    }
}
