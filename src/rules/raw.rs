//! The rule-pack file as written: serde structs that keep spans, so that
//! validation can point back into the pack.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackHeader,
    #[serde(default)]
    pub keywords: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub designated: Vec<Designated>,
    /// What `cdocheck init` needs beside the rules (see `init_data`).
    pub init: Option<super::init_data::RawInit>,
    #[serde(default)]
    pub rule: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    pub name: Spanned<String>,
    pub title: String,
    pub title_zh: Option<String>,
    pub document: String,
    pub signed: Option<toml::value::Datetime>,
    pub applies_when: Option<Spanned<Cond>>,
    #[serde(default)]
    pub always: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Designated {
    pub name: String,
    pub name_zh: Option<String>,
    pub level: String,
    pub keywords: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: Spanned<String>,
    pub statement: String,
    pub severity: Spanned<String>,
    #[serde(default)]
    pub waivable: bool,
    pub kind: Spanned<String>,
    pub when: Option<Spanned<Cond>>,
    pub given: Option<Spanned<String>>,
    pub require: Option<Spanned<Cond>>,
    #[serde(rename = "where")]
    pub where_: Option<Spanned<Cond>>,
    pub field: Option<Spanned<String>>,
    pub min: Option<i64>,
    pub at: Option<Spanned<String>>,
    pub counted: Option<String>,
    pub check: Option<Spanned<String>>,
    pub expr: Option<Spanned<String>>,
    #[serde(default)]
    pub item: Vec<Item>,
    #[serde(default)]
    pub note: Vec<Note>,
    pub message: Spanned<String>,
    pub help: Spanned<String>,
    pub label: Option<Spanned<String>>,
    pub first_label: Option<String>,
    pub rationale: String,
    pub example_fail: String,
    pub example_pass: String,
    pub citation: Citation,
    /// Rules of other packs this one restates more strictly: their findings
    /// on the same element are dropped when this rule reports one.
    #[serde(default)]
    pub supersedes: Vec<Spanned<String>>,
    /// The rule's words in Simplified Chinese.
    pub zh: Option<RuleZh>,
}

/// `[rule.zh]`: the same texts as the rule's, in Simplified Chinese.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleZh {
    pub statement: String,
    pub message: Spanned<String>,
    pub help: Spanned<String>,
    pub label: Option<Spanned<String>>,
    pub first_label: Option<String>,
    pub counted: Option<String>,
    pub rationale: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub name: String,
    pub name_zh: Option<String>,
    #[serde(rename = "where")]
    pub where_: Spanned<Cond>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub when: Spanned<Cond>,
    pub says: String,
    pub says_zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub document: String,
    pub section: Option<String>,
    /// The section as a Chinese reader cites it: `二、试点范围`.
    pub section_zh: Option<String>,
    pub quote: Option<String>,
    pub quote_en: Option<String>,
    pub provenance: Spanned<String>,
    /// Where the words were read: the publication and section, the press
    /// reports, or (for a convention) the practice it follows.
    pub source: Option<String>,
    pub source_zh: Option<String>,
}

/// A condition: exactly one of the combinators, or `field`/`fields` with
/// exactly one test.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cond {
    pub all: Option<Vec<Spanned<Cond>>>,
    pub any: Option<Vec<Spanned<Cond>>>,
    pub not: Option<Box<Spanned<Cond>>>,
    #[serde(rename = "if")]
    pub if_: Option<Box<Spanned<Cond>>>,
    pub then: Option<Box<Spanned<Cond>>>,
    pub field: Option<Spanned<String>>,
    pub fields: Option<Vec<Spanned<String>>>,
    pub exists: Option<bool>,
    pub non_empty: Option<bool>,
    pub equals: Option<Spanned<toml::Value>>,
    #[serde(rename = "in")]
    pub in_: Option<Vec<Spanned<toml::Value>>>,
    pub at_least: Option<i64>,
    pub at_most: Option<i64>,
    pub on_or_after: Option<Spanned<toml::Value>>,
    pub on_or_before: Option<Spanned<toml::Value>>,
    pub contains: Option<Vec<String>>,
    pub normalize: Option<Spanned<String>>,
    pub keywords: Option<Vec<Spanned<String>>>,
    pub says: Option<String>,
    pub says_zh: Option<String>,
}
