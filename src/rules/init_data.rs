//! The data `cdocheck init` and the benchmark corpus need beside the rules,
//! validated like the rest of a pack: a pack's `[init]` table (the texts of
//! a plan under its notice, example dates, places it knows) and the province
//! data files in `rules/provinces/` (a province's cities with their
//! divisions, the departments of a city, the provincial departments). What
//! the rules themselves say (counts, named units, duties, basis, date
//! limits) is derived from the rules, never written here twice.
//!
//! An unknown key is RP001, pointing at it; a level or kind the plan format
//! does not have, an unknown `{variable}`, a malformed id or date, a
//! reference to no entry is RP002, pointing at the value.

use std::collections::BTreeSet;

use toml::Spanned;

use super::cond::{Compiler, Cond};
use super::raw::{RawInit, RawLabel, RawPlace, RawProvince, RawTexts, RawUnit};
use super::Problems;
use crate::finding::{Code, Finding};
use crate::lang::Text;
use crate::plan::{schema, Date};
use crate::source::{Source, SourceDb};
use crate::template::Template;

/// The province data files shipped inside the binary.
const PROVINCES: &[(&str, &str)] = &[
    (
        "rules/provinces/guangdong.toml",
        include_str!("../../rules/provinces/guangdong.toml"),
    ),
    (
        "rules/provinces/beijing.toml",
        include_str!("../../rules/provinces/beijing.toml"),
    ),
];

/// Variables of the plan texts in `[[init.plan]]`.
const TEXT_VARS: &[&str] = &["jurisdiction", "jurisdiction_zh"];
/// Variables of the naming patterns in a province file's `[names]`.
const NAME_VARS: &[&str] = &["place", "place_zh", "unit", "unit_zh"];
/// The kinds of issuer a place can be.
const ISSUER_KINDS: &[&str] = &["government", "department"];

// ---------------------------------------------------------------------------
// Validated
// ---------------------------------------------------------------------------

/// A pack's `[init]` table.
#[derive(Debug, Default)]
pub struct InitData {
    /// `[[init.plan]]`, in order: for each text, the first entry whose
    /// `when` holds gives it.
    pub texts: Vec<PlanTexts>,
    /// `[[init.place]]`: jurisdictions the pack knows that no province file
    /// lists (a new city's pack names its city here).
    pub places: Vec<Place>,
}

/// What a plan under the notice is called, who issues it, and when.
#[derive(Debug)]
pub struct PlanTexts {
    pub when: Option<Cond>,
    pub title: Option<Words>,
    pub issuer: Option<Words>,
    pub contact_agency: Option<Words>,
    /// An example publication date.
    pub published: Option<Date>,
    /// An example due date of a first milestone.
    pub milestone: Option<Date>,
}

/// A text in English and, optionally, Chinese, with `{variables}`.
#[derive(Clone, Debug)]
pub struct Words {
    pub en: Template,
    pub zh: Option<Template>,
}

impl Words {
    /// Fills both texts from `vars`; the Chinese only when every variable
    /// it uses has a value.
    pub fn fill(&self, vars: &[(&str, Option<&str>)]) -> (String, Option<String>) {
        let get = |n: &str| vars.iter().find(|(k, _)| *k == n).and_then(|(_, v)| *v);
        let en = self.en.fill(get);
        let zh = self
            .zh
            .as_ref()
            .filter(|t| t.vars().all(|v| get(v).is_some()))
            .map(|t| t.fill(get));
        (en, zh)
    }
}

/// A jurisdiction a plan can be written for: a city (or, for a
/// provincial-level municipality, the province itself), a provincial
/// department, or a place a pack names.
#[derive(Clone, Debug)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub name_zh: Option<String>,
    /// Lowercase; a jurisdiction given on the command line that contains
    /// one of them is this place.
    pub keywords: Vec<String>,
    /// The level of its plan.
    pub level: &'static str,
    /// `government` or `department`.
    pub kind: &'static str,
    /// Given by a pack's place; a province file's places are its own.
    pub province: Option<String>,
    pub province_zh: Option<String>,
    /// The level of its divisions, when not the one below `level` (a city
    /// without districts: `township`).
    pub division_level: Option<&'static str>,
    /// What its divisions and departments are called, when the level's
    /// usual words do not fit (Beijing's districts are prefecture-level).
    pub division_label: Option<Label>,
    pub department_label: Option<Label>,
    /// Its divisions one level down (districts, counties, towns).
    pub divisions: Vec<UnitData>,
    pub zones: Vec<UnitData>,
    /// Its own names for departments, replacing the province's of the same id.
    pub departments: Vec<UnitData>,
    /// A provincial department: the id of its line's department in a city.
    pub city_department: Option<String>,
    pub note: Option<Text>,
}

/// The words for one sort of unit: `district government`, `区人民政府`;
/// `id` starts the ids of units written with a placeholder name.
#[derive(Clone, Debug)]
pub struct Label {
    pub id: Option<String>,
    pub name: Text,
}

/// A unit of a place: a division, a zone, a department, an institution.
#[derive(Clone, Debug)]
pub struct UnitData {
    pub id: String,
    pub name: String,
    pub name_zh: Option<String>,
    pub kind: &'static str,
    pub level: Option<&'static str>,
    /// Its government's name, when the province's pattern does not give it
    /// (a sub-district has an office, 街道办事处).
    pub government: Option<Text>,
}

/// A province data file.
#[derive(Debug)]
pub struct Province {
    pub name: String,
    pub name_zh: Option<String>,
    pub keywords: Vec<String>,
    pub names: Names,
    pub cities: Vec<Place>,
    /// The departments a city of the province has, named without the city.
    pub city_departments: Vec<UnitData>,
    /// The provincial departments, as issuers of plans.
    pub departments: Vec<Place>,
    /// Institutions a government or department may have.
    pub institutions: Vec<UnitData>,
}

/// How units are named from the place's names (`{place}`, `{place_zh}`) and
/// the unit's (`{unit}`, `{unit_zh}`).
#[derive(Debug, Default)]
pub struct Names {
    pub government: Option<Words>,
    pub division_government: Option<Words>,
    pub department: Option<Words>,
    pub institution: Option<Words>,
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/// Validates a pack's `[init]` table; conditions see the pack's keywords.
pub(super) fn compile(raw: Option<RawInit>, c: &Compiler, out: &mut Problems) -> InitData {
    let Some(raw) = raw else {
        return InitData::default();
    };
    InitData {
        texts: raw.plan.into_iter().map(|t| texts(t, c, out)).collect(),
        places: raw
            .place
            .into_iter()
            .filter_map(|p| place(p, true, out))
            .collect(),
    }
}

/// The province data files shipped in the binary.
pub fn builtin_provinces(db: &mut SourceDb) -> Result<Vec<Province>, Vec<Finding>> {
    PROVINCES
        .iter()
        .map(|(name, text)| load_province(db, name, text))
        .collect()
}

/// Loads one province data file; its errors point into it.
pub fn load_province(db: &mut SourceDb, name: &str, text: &str) -> Result<Province, Vec<Finding>> {
    let source = db.add(Source::new(name, text));
    let mut out = Problems {
        source,
        findings: Vec::new(),
        text: "".into(),
    };
    let raw: RawProvince = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("this province data file cannot be read: {}", e.message());
            out.push_code(Code::RP001, e.span().unwrap_or(0..0), msg);
            return Err(out.findings);
        }
    };
    let province = province(raw, &mut out);
    if out.findings.is_empty() {
        Ok(province)
    } else {
        Err(out.findings)
    }
}

fn province(raw: RawProvince, out: &mut Problems) -> Province {
    let names = raw.names.unwrap_or_default();
    let names = Names {
        government: words(&names.government, &names.government_zh, NAME_VARS, out),
        division_government: words(
            &names.division_government,
            &names.division_government_zh,
            NAME_VARS,
            out,
        ),
        department: words(&names.department, &names.department_zh, NAME_VARS, out),
        institution: words(&names.institution, &names.institution_zh, NAME_VARS, out),
    };
    let city_departments = units(raw.city_department, "department", out);
    let institutions = units(raw.institution, "institution", out);
    for p in raw.city.iter().chain(&raw.provincial_department) {
        if let Some(pr) = &p.province {
            out.push(
                pr.span(),
                "a place in a province data file is in that province: remove `province`",
            );
        }
    }
    let cities: Vec<Place> = raw
        .city
        .into_iter()
        .filter_map(|p| place(p, false, out))
        .collect();
    let mut departments = Vec::new();
    for mut p in raw.provincial_department {
        if let Some(cd) = &p.city_department {
            if !city_departments.iter().any(|d| d.id == *cd.get_ref()) {
                out.push(
                    cd.span(),
                    format!("no `[[city_department]]` has the id `{}`", cd.get_ref()),
                );
            }
        }
        if p.level.is_none() {
            p.level = Some(Spanned::new(0..0, "province".into()));
        }
        if p.kind.is_none() {
            p.kind = Some(Spanned::new(0..0, "department".into()));
        }
        departments.extend(place(p, false, out));
    }
    let mut ids = BTreeSet::new();
    for p in cities.iter().chain(&departments) {
        if !ids.insert(p.id.clone()) {
            out.push(0..0, format!("two places have the id `{}`", p.id));
        }
    }
    Province {
        keywords: keywords(raw.province.keywords, &raw.province.name, None),
        name: raw.province.name,
        name_zh: raw.province.name_zh,
        names,
        cities,
        city_departments,
        departments,
        institutions,
    }
}

fn texts(t: RawTexts, c: &Compiler, out: &mut Problems) -> PlanTexts {
    PlanTexts {
        when: t.when.as_ref().and_then(|w| c.cond(w, out)),
        title: words(&t.title, &t.title_zh, TEXT_VARS, out),
        issuer: words(&t.issuer, &t.issuer_zh, TEXT_VARS, out),
        contact_agency: words(&t.contact_agency, &t.contact_agency_zh, TEXT_VARS, out),
        published: t.published.as_ref().and_then(|d| date(d, out)),
        milestone: t.milestone.as_ref().and_then(|d| date(d, out)),
    }
}

fn place(p: RawPlace, in_pack: bool, out: &mut Problems) -> Option<Place> {
    let before = out.findings.len();
    let level = match &p.level {
        Some(l) => one_of(l, schema::LEVELS, "level", out),
        None => Some("prefecture"),
    };
    let kind = match &p.kind {
        Some(k) => one_of(k, ISSUER_KINDS, "kind", out),
        None => Some("government"),
    };
    let division_level = p
        .division_level
        .as_ref()
        .and_then(|l| one_of(l, schema::UNIT_LEVELS, "division_level", out));
    let id = match &p.id {
        Some(id) => checked_id(id, out),
        None if in_pack => slug(p.name.get_ref()),
        None => {
            out.push(
                p.name.span(),
                "a place needs an `id`: it starts its units' ids",
            );
            String::new()
        }
    };
    let divisions = units(p.divisions, "government", out);
    let zones = units(p.zones, "zone", out);
    let departments = units(p.departments, "department", out);
    let label = |l: RawLabel, out: &mut Problems| Label {
        id: l.id.map(|i| checked_id(&i, out)),
        name: Text::new(l.name, l.name_zh),
    };
    let division_label = p.division_label.map(|l| label(l, out));
    let department_label = p.department_label.map(|l| label(l, out));
    if out.findings.len() > before {
        return None;
    }
    let name = p.name.into_inner();
    Some(Place {
        id,
        keywords: keywords(p.keywords, &name, p.name_zh.as_deref()),
        name,
        name_zh: p.name_zh,
        level: level?,
        kind: kind?,
        province: p.province.map(Spanned::into_inner).filter(|_| in_pack),
        province_zh: p.province_zh.filter(|_| in_pack),
        division_level,
        division_label,
        department_label,
        divisions,
        zones,
        departments,
        city_department: p.city_department.map(Spanned::into_inner),
        note: p.note.map(|en| Text::new(en, p.note_zh)),
    })
}

/// Units of a place; `kind` when they do not say.
fn units(raw: Vec<RawUnit>, kind: &'static str, out: &mut Problems) -> Vec<UnitData> {
    let mut seen = BTreeSet::new();
    raw.into_iter()
        .filter_map(|u| {
            let id = match &u.id {
                Some(id) => checked_id(id, out),
                None => slug(u.name.get_ref()),
            };
            let kind = match &u.kind {
                Some(k) => one_of(k, schema::UNIT_KINDS, "kind", out)?,
                None => kind,
            };
            let level = match &u.level {
                Some(l) => Some(one_of(l, schema::UNIT_LEVELS, "level", out)?),
                None => None,
            };
            if !seen.insert(id.clone()) {
                out.push(u.name.span(), format!("two units have the id `{id}`"));
            }
            Some(UnitData {
                id,
                name: u.name.into_inner(),
                name_zh: u.name_zh,
                kind,
                level,
                government: u.government.map(|en| Text::new(en, u.government_zh)),
            })
        })
        .collect()
}

fn words(
    en: &Option<Spanned<String>>,
    zh: &Option<Spanned<String>>,
    vars: &[&str],
    out: &mut Problems,
) -> Option<Words> {
    let parse = |t: &Spanned<String>, out: &mut Problems| match Template::parse(t.get_ref(), vars) {
        Ok(t) => Some(t),
        Err(unknown) => {
            for u in unknown {
                out.push(
                    t.span(),
                    format!(
                        "unknown variable `{{{}}}`; the variables are: {}",
                        u.name,
                        vars.join(", ")
                    ),
                );
            }
            None
        }
    };
    match (en, zh) {
        (Some(en), zh) => Some(Words {
            en: parse(en, out)?,
            zh: match zh {
                Some(z) => Some(parse(z, out)?),
                None => None,
            },
        }),
        (None, Some(zh)) => {
            out.push(zh.span(), "a Chinese text needs its English beside it");
            None
        }
        (None, None) => None,
    }
}

/// A value that must be one of the plan format's words.
fn one_of(
    v: &Spanned<String>,
    allowed: &[&'static str],
    what: &str,
    out: &mut Problems,
) -> Option<&'static str> {
    let found = allowed
        .iter()
        .find(|a| **a == v.get_ref().as_str())
        .copied();
    if found.is_none() {
        out.push(
            v.span(),
            format!(
                "`{}` is not a {what}; the values are: {}",
                v.get_ref(),
                allowed.join(", ")
            ),
        );
    }
    found
}

fn date(d: &Spanned<toml::value::Datetime>, out: &mut Problems) -> Option<Date> {
    let v = d.get_ref();
    let parsed = (v.time.is_none() && v.offset.is_none())
        .then(|| Date::parse(&v.to_string()))
        .flatten();
    if parsed.is_none() {
        out.push(d.span(), "a date, written bare: 2021-06-30");
    }
    parsed
}

/// An id as plan unit ids are written: lowercase letters, digits and `-`.
fn checked_id(id: &Spanned<String>, out: &mut Problems) -> String {
    let s = id.get_ref();
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        out.push(
            id.span(),
            "an id is lowercase letters, digits and `-`, like `futian`",
        );
    }
    s.clone()
}

/// An id from a name: its first word, lowercase letters and digits only
/// (`Bao'an District` → `baoan`).
pub fn slug(name: &str) -> String {
    let first = name
        .trim()
        .trim_start_matches("the ")
        .split(' ')
        .next()
        .unwrap_or_default();
    let s: String = first
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if s.is_empty() {
        "unit".into()
    } else {
        s
    }
}

/// The keywords a place is recognised by: those written, else its names.
fn keywords(written: Vec<String>, name: &str, name_zh: Option<&str>) -> Vec<String> {
    let kws: Vec<String> = if written.is_empty() {
        std::iter::once(name)
            .chain(name_zh)
            .map(String::from)
            .collect()
    } else {
        written
    };
    kws.iter()
        .map(|k| k.trim().to_lowercase())
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_province_files_load() {
        let mut db = SourceDb::default();
        let provinces = builtin_provinces(&mut db).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(provinces.iter().all(|p| !p.cities.is_empty()));
    }

    #[test]
    fn a_province_file_with_an_unknown_key_or_level_does_not_load() {
        let mut db = SourceDb::default();
        let e =
            load_province(&mut db, "p.toml", "[province]\nname = \"X\"\nnmae = 1\n").unwrap_err();
        assert!(e[0].at.span.start > 0, "the error points at the key");
        let bad_level =
            "[province]\nname = \"X\"\n[[city]]\nid = \"x\"\nname = \"X\"\nlevel = \"city\"\n";
        let e = load_province(&mut db, "p.toml", bad_level).unwrap_err();
        assert_eq!(&bad_level[e[0].at.span.clone()], "\"city\"");
    }

    #[test]
    fn slugs_take_the_first_word() {
        assert_eq!(slug("Bao'an District"), "baoan");
        assert_eq!(slug("the Lakeside Water Bureau"), "lakeside");
    }
}
