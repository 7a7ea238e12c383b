//! A deterministic generator of realistic pilot plans, shared by the
//! throughput benchmark (`benches/throughput.rs`) and the fuzz harness
//! (`tests/fuzz.rs`, as seeds).
//!
//! It builds on the data `cdocheck init` builds on, read through the
//! library: the places, divisions and departments of the province files in
//! `rules/provinces/`, the texts and example dates of the packs' `[init]`
//! tables, and what the rules of the packs that apply ask of a plan (how
//! many units of which kind, which named units, which duties and basis,
//! which dates, who appoints a CDO), as `init::Draft` derives it. No place,
//! pack, rule id or threshold is written here: a new pack or province file
//! changes the corpus by itself.
//!
//! Issuers are every place whose plan can pass every rule that applies to
//! it (so a place its notice does not designate, which GD003 advises on, is
//! left out); 8 to 40 units each, format version 1. About 70% of the plans
//! comply with every rule that applies (no finding of any severity, waived
//! ones aside); the rest carry one to three [`Violation`]s, each with the
//! code cdocheck reports for it after superseding (`GenPlan::codes`), read
//! from the rules that ask for what the violation breaks. Plan `i` of seed
//! `s` depends on `(s, i)` only: the same seed gives the same bytes,
//! whatever the corpus size, in any order.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

use cdocheck::eval::matches_keywords;
use cdocheck::init::{Bound, Draft, Jurisdiction, NamedUnit, Need, Places, Texts, UnitFacts};
use cdocheck::plan::{schema, Date};
use cdocheck::rules::{Check, Rules, Scalar, SelectionCheck, WaiverCheck};
use cdocheck::source::SourceDb;

/// SplitMix64: small, fast and good enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for item `index` of a stream: independent of the others.
    pub fn for_item(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u32) -> bool {
        self.below(100) < pct as usize
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// What a generated plan gets wrong on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Violation {
    /// A unit's CDO post has `rank = "other"`.
    RankOther,
    /// A unit has no `[unit.cdo]`.
    MissingCdo,
    /// Fewer division governments than a `count` rule asks for.
    TooFewCountyUnits,
    /// Fewer departments than a `count` rule asks for.
    TooFewDepartments,
    /// `[plan]` has no `contact_agency`, which a rule asks for.
    MissingContactAgency,
    /// A milestone is due before the plan is published.
    MilestoneBeforePublication,
    /// A format error: an unknown key.
    UnknownKey,
    /// The duties leave out one a rule asks for.
    MissingDuty,
    /// A unit a `required` rule names is left out.
    MissingRequiredUnit,
    /// A unit's focus lies outside the area a rule gives it.
    FocusOutsideArea,
    /// `rule_packs` leaves out the last pack that applies, which then does
    /// not apply.
    PackLeftOut,
    /// A `<…>` placeholder is left in a milestone's deliverable.
    Placeholder,
    /// A waiver (of a unit's rank) whose `reason` or `approved_by` is
    /// blank, so it excuses nothing.
    BlankWaiver,
}

/// How likely each violation is, among those a plan can have.
const VIOLATIONS: &[(Violation, u32)] = &[
    (Violation::RankOther, 20),
    (Violation::MissingCdo, 18),
    (Violation::TooFewCountyUnits, 15),
    (Violation::TooFewDepartments, 12),
    (Violation::MissingContactAgency, 12),
    (Violation::MilestoneBeforePublication, 12),
    (Violation::MissingDuty, 12),
    (Violation::MissingRequiredUnit, 15),
    (Violation::FocusOutsideArea, 12),
    (Violation::PackLeftOut, 10),
    (Violation::UnknownKey, 5),
    (Violation::Placeholder, 5),
    (Violation::BlankWaiver, 5),
];

/// One generated plan.
#[derive(Clone, Debug)]
pub struct GenPlan {
    /// A file name, unique within a corpus: `00042-jiangmen-30.toml`.
    pub file_name: String,
    pub text: String,
    /// The id of the issuing place in the province or pack data.
    pub issuer: String,
    pub units: usize,
    pub violations: Vec<Violation>,
    /// The code cdocheck reports for each of `violations`, in order (among
    /// others it may report): it depends on the packs that apply, e.g. a
    /// rank below deputy is reported by the rule that supersedes the
    /// others asking for the rank.
    pub codes: Vec<String>,
    /// A unit whose rank is `other` under a recorded waiver.
    pub waived: bool,
}

impl GenPlan {
    /// Each violation with the code cdocheck reports for it.
    pub fn expected(&self) -> impl Iterator<Item = (Violation, &str)> + '_ {
        self.violations
            .iter()
            .copied()
            .zip(self.codes.iter().map(String::as_str))
    }
}

/// Plan `index` of the corpus of `seed`.
pub fn generate(seed: u64, index: u64) -> GenPlan {
    let model = model();
    let mut rng = Rng::for_item(seed, index);
    let weights: Vec<(usize, u32)> = model
        .issuers
        .iter()
        .enumerate()
        .map(|(i, x)| (i, x.weight))
        .collect();
    let issuer = *pick_weighted(&mut rng, &weights);
    let x = &model.issuers[issuer];
    let units = rng.range(x.units.0, x.units.1);
    let mut violations: Vec<Violation> = Vec::new();
    if rng.chance(30) {
        let possible: Vec<(Violation, u32)> = VIOLATIONS
            .iter()
            .copied()
            .filter(|(v, _)| {
                x.full.allows(*v) || (*v == Violation::PackLeftOut && x.reduced.is_some())
            })
            .filter(|(v, _)| match v {
                Violation::Placeholder => model.placeholder.is_some(),
                Violation::BlankWaiver => model.blank_waiver.is_some(),
                Violation::PackLeftOut => model.left_out.is_some(),
                _ => true,
            })
            .collect();
        let n = rng.range(1, 3).min(possible.len());
        while violations.len() < n {
            let v = *pick_weighted(&mut rng, &possible);
            if !violations.contains(&v) {
                violations.push(v);
            }
        }
        // Without the left-out pack, what it alone asks for cannot be broken.
        if let Some(reduced) = violations
            .contains(&Violation::PackLeftOut)
            .then_some(x.reduced.as_ref())
            .flatten()
        {
            violations.retain(|v| *v == Violation::PackLeftOut || reduced.allows(*v));
        }
    }
    let mut plan = generate_with(&mut rng, issuer, units, &violations);
    plan.file_name = format!("{index:05}-{}", plan.file_name);
    plan
}

/// A plan of issuer `issuer` (an index into the model's issuers) with
/// `units` units and exactly these violations.
pub fn generate_with(
    rng: &mut Rng,
    issuer: usize,
    units: usize,
    violations: &[Violation],
) -> GenPlan {
    let model = model();
    let x = &model.issuers[issuer];
    let left_out = violations.contains(&Violation::PackLeftOut);
    let profile = match (&x.reduced, left_out) {
        (Some(r), true) => r,
        _ => &x.full,
    };
    let mut g = Gen {
        rng,
        out: String::with_capacity(400 * units + 2000),
        violations,
        codes: HashMap::new(),
        waived: false,
        unknown_written: false,
        x,
        p: profile,
        rules: model.rules,
    };
    let name = g.plan(units, left_out);
    let codes = violations
        .iter()
        .map(|v| g.codes.get(v).cloned().unwrap_or_default())
        .collect();
    GenPlan {
        file_name: format!("{name}.toml"),
        text: g.out,
        issuer: x.j.place.id.clone(),
        units,
        violations: violations.to_vec(),
        codes,
        waived: g.waived,
    }
}

/// A compliant 30-unit plan of the first city that only its province's
/// notice covers (for latency measurements).
pub fn typical_city_plan(seed: u64) -> GenPlan {
    let model = model();
    let issuer = model
        .issuers
        .iter()
        .position(|x| x.j.place.kind == "government" && x.full.packs.len() == 1)
        .expect("a city that only its province's notice covers");
    let mut rng = Rng::new(seed);
    generate_with(&mut rng, issuer, 30, &[])
}

/// Writes plans `0..n` of `seed` into `dir`; returns how many have
/// violations.
pub fn write_corpus(dir: &Path, seed: u64, n: usize) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut failing = 0;
    for i in 0..n {
        let p = generate(seed, i as u64);
        failing += usize::from(!p.violations.is_empty());
        std::fs::write(dir.join(&p.file_name), p.text)?;
    }
    Ok(failing)
}

fn pick_weighted<'a, T>(rng: &mut Rng, xs: &'a [(T, u32)]) -> &'a T {
    let total: u32 = xs.iter().map(|x| x.1).sum();
    let mut r = rng.below(total as usize) as u32;
    for (x, w) in xs {
        if r < *w {
            return x;
        }
        r -= w;
    }
    &xs[xs.len() - 1].0
}

// ---------------------------------------------------------------------------
// The model: the packs and the province files, read once.

struct Model {
    rules: &'static Rules,
    issuers: Vec<Issuer>,
    /// The rules of the checker's own mechanisms, by what they check.
    placeholder: Option<String>,
    blank_waiver: Option<String>,
    left_out: Option<String>,
}

/// A place whose plans the corpus writes.
struct Issuer {
    j: Jurisdiction,
    weight: u32,
    /// The range of unit counts its plans have.
    units: (usize, usize),
    /// What the packs that apply ask.
    full: Profile,
    /// The same with the last of those packs left out of `rule_packs`.
    reduced: Option<Profile>,
    own: NamedUnit,
    divisions: Vec<NamedUnit>,
    departments: Vec<NamedUnit>,
    institutions: Vec<NamedUnit>,
    /// A provincial department's line in the cities.
    lines: Vec<NamedUnit>,
}

/// What the packs of one selection ask of a plan, as the generator uses it.
struct Profile {
    /// The selected packs other than those always on, for `rule_packs`.
    packs: Vec<String>,
    always: Vec<String>,
    facts: cdocheck::init::Facts,
    texts: Texts,
    plan: Vec<Need>,
    milestone: Vec<Need>,
    division_level: &'static str,
    /// (kind, level, min, rule) of each `count` rule.
    counts: Vec<(&'static str, &'static str, usize, String)>,
    /// The units `required` rules name: (unit, rule).
    required: Vec<(NamedUnit, String)>,
    /// Kinds and levels `required` rules ask for without naming a unit.
    generic: Vec<(&'static str, &'static str)>,
    /// What the unit rules ask of each unit the generator may write, by id.
    needs: HashMap<String, Vec<Need>>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut db = SourceDb::default();
        let rules: &'static Rules = Box::leak(Box::new(
            Rules::builtin(&mut db).expect("the built-in packs load"),
        ));
        let places = Places::builtin().expect("the built-in province data load");
        let issuers = places
            .all(rules)
            .into_iter()
            .filter_map(|j| Issuer::new(j, rules))
            .collect();
        let rule_of =
            |f: &dyn Fn(&Check) -> bool| rules.all().find(|r| f(&r.check)).map(|r| r.id.clone());
        Model {
            placeholder: rule_of(&|c| matches!(c, Check::Placeholder)),
            blank_waiver: rule_of(&|c| matches!(c, Check::Waiver(WaiverCheck::Blank))),
            left_out: rule_of(&|c| matches!(c, Check::Selection(SelectionCheck::LeftOut))),
            rules,
            issuers,
        }
    })
}

impl Issuer {
    /// The place as an issuer, when a plan of its can pass every rule.
    fn new(j: Jurisdiction, rules: &'static Rules) -> Option<Issuer> {
        let own = j.own_unit()?;
        let divisions = j.divisions();
        let departments = j.departments();
        let institutions = j.institutions();
        let lines = j.city_lines();
        let mut candidates: Vec<NamedUnit> = vec![own.clone()];
        candidates.extend(divisions.iter().cloned());
        candidates.extend(j.zones());
        candidates.extend(departments.iter().cloned());
        candidates.extend(institutions.iter().cloned());
        candidates.extend(lines.iter().cloned());
        let full = Draft::new(Some(j.clone()), None, None, rules, None);
        if !full.unmet.is_empty() || full.packs.len() < 2 {
            return None;
        }
        let full = Profile::new(&full, &candidates);
        if full.required.iter().any(|(u, _)| !candidates.contains(u)) {
            return None;
        }
        let reduced = (full.packs.len() >= 2).then(|| {
            let keep: Vec<String> = full.packs[..full.packs.len() - 1].to_vec();
            let d = Draft::new(Some(j.clone()), None, None, rules, Some(&keep));
            Profile::new(&d, &candidates)
        });
        let government = j.place.kind == "government";
        let units = if government {
            (full.min_units(&own).max(8), 40)
        } else {
            (8, (1 + institutions.len() + lines.len()).min(40))
        };
        if units.0 > units.1 {
            return None;
        }
        Some(Issuer {
            // Plans under more packs exercise more rules.
            weight: if government {
                2 + 3 * full.packs.len() as u32
            } else {
                1
            },
            units,
            full,
            reduced,
            own,
            divisions,
            departments,
            institutions,
            lines,
            j,
        })
    }
}

impl Profile {
    fn new(d: &Draft, candidates: &[NamedUnit]) -> Profile {
        let (always, packs): (Vec<&&cdocheck::rules::Pack>, Vec<_>) = d
            .packs
            .iter()
            .partition(|p| matches!(p.applies, cdocheck::rules::Applies::Always));
        let required = d
            .units
            .iter()
            .filter(|u| u.item.is_some())
            .filter_map(|u| {
                let (name, name_zh) = u.name.clone()?;
                let unit = NamedUnit {
                    id: u.id.clone(),
                    name,
                    name_zh,
                    kind: u.kind,
                    level: u.level,
                };
                Some((unit, u.item.clone()?.0))
            })
            .collect();
        let generic = d
            .units
            .iter()
            .filter(|u| u.item.is_some() && u.name.is_none())
            .map(|u| (u.kind, u.level))
            .collect();
        let facts: Vec<UnitFacts> = candidates.iter().map(facts_of).collect();
        let needs = candidates
            .iter()
            .map(|u| u.id.clone())
            .zip(d.unit_needs(&facts))
            .collect();
        Profile {
            packs: packs.iter().map(|p| p.name.clone()).collect(),
            always: always.iter().map(|p| p.name.clone()).collect(),
            facts: d.facts.clone(),
            texts: d.texts.clone(),
            plan: d.plan.clone(),
            milestone: d.milestone.clone(),
            division_level: d.division_level(),
            counts: d
                .counts
                .iter()
                .map(|c| (c.kind, c.level, c.min.max(0) as usize, c.rule.clone()))
                .collect(),
            required,
            generic,
            needs,
        }
    }

    fn plan_need(&self, key: &str) -> Option<&Need> {
        self.plan.iter().find(|n| n.key == key)
    }

    fn unit_need(&self, id: &str, key: &str) -> Option<&Need> {
        self.needs.get(id)?.iter().find(|n| n.key == key)
    }

    /// The most units of this kind and level a rule asks for.
    fn min_of(&self, kind: &str, level: &str) -> usize {
        let counted = self
            .counts
            .iter()
            .filter(|c| c.0 == kind && c.1 == level)
            .map(|c| c.2)
            .max()
            .unwrap_or(0);
        let generic = usize::from(self.generic.iter().any(|g| g.0 == kind && g.1 == level));
        counted.max(generic)
    }

    /// The fewest units a compliant city plan has: its government, the
    /// units the rules name, and enough divisions and departments.
    fn min_units(&self, own: &NamedUnit) -> usize {
        let (div, dept) = (
            ("government", self.division_level),
            ("department", self.facts.level),
        );
        let others = self
            .required
            .iter()
            .filter(|(u, _)| u != own && (u.kind, u.level) != div && (u.kind, u.level) != dept)
            .count();
        let divs = self.min_of(div.0, div.1).max(self.fixed(div.0, div.1));
        let depts = self.min_of(dept.0, dept.1).max(self.fixed(dept.0, dept.1));
        1 + others + divs + depts
    }

    /// The `count` rule asking for the most units of this kind and level.
    fn count_rule(
        &self,
        kind: &str,
        level: &str,
    ) -> Option<&(&'static str, &'static str, usize, String)> {
        self.counts
            .iter()
            .filter(|c| c.0 == kind && c.1 == level)
            .max_by_key(|c| c.2)
    }

    fn fixed(&self, kind: &str, level: &str) -> usize {
        self.required
            .iter()
            .filter(|(u, _)| u.kind == kind && u.level == level)
            .count()
    }

    /// Can a plan under these packs have this violation?
    fn allows(&self, v: Violation) -> bool {
        let any_unit = |key: &str, f: &dyn Fn(&Need) -> bool| {
            self.needs
                .values()
                .flatten()
                .any(|n| n.key == key && !n.rules.is_empty() && f(n))
        };
        match v {
            Violation::RankOther => any_unit("cdo.rank", &|_| true),
            Violation::MissingCdo => any_unit("cdo", &|n| n.present),
            Violation::TooFewCountyUnits => self
                .count_rule("government", self.division_level)
                .is_some_and(|c| c.2 >= 2),
            Violation::TooFewDepartments => self
                .count_rule("department", self.facts.level)
                .is_some_and(|c| c.2 / 2 > self.fixed("department", self.facts.level)),
            Violation::MissingContactAgency => self
                .plan_need("plan.contact_agency")
                .is_some_and(|n| n.present && !n.rules.is_empty()),
            Violation::MilestoneBeforePublication => self.milestone_rule().is_some(),
            Violation::MissingDuty => self
                .plan_need("cdo.duties")
                .is_some_and(|n| !n.items.is_empty()),
            Violation::MissingRequiredUnit => !self.required.is_empty(),
            Violation::FocusOutsideArea => any_unit("focus", &|n| !n.keywords.is_empty()),
            Violation::PackLeftOut => false,
            Violation::UnknownKey | Violation::Placeholder => true,
            Violation::BlankWaiver => self.waivable_rank().is_some(),
        }
    }

    /// The rule that dates milestones after publication.
    fn milestone_rule(&self) -> Option<&str> {
        let due = self.milestone.iter().find(|n| n.key == "due")?;
        due.after
            .iter()
            .find(|(b, _)| matches!(b, Bound::Field(f) if f == "plan.published"))
            .map(|(_, r)| r.as_str())
    }

    /// A waivable rule asking for a unit's rank, when there is one.
    fn waivable_rank(&self) -> Option<&str> {
        let rules = model_rules();
        self.needs
            .values()
            .flatten()
            .filter(|n| n.key == "cdo.rank")
            .filter_map(|n| n.rules.first())
            .find(|r| rules.rule(r).is_some_and(|r| r.waivable))
            .map(String::as_str)
    }
}

fn model_rules() -> &'static Rules {
    model().rules
}

fn facts_of(u: &NamedUnit) -> UnitFacts {
    UnitFacts {
        name: Some(u.name.clone()),
        name_zh: u.name_zh.clone(),
        kind: u.kind,
        level: u.level,
    }
}

// ---------------------------------------------------------------------------
// Words that are no place's: focus areas and deliverables.

const FOCUS: &[&str] = &[
    "Shared urban grid-management data across departments",
    "Data services for enterprises in the high-tech zone",
    "Open public data for innovation",
    "Data-driven social governance",
    "Agricultural and rural data",
    "Public data for services to overseas Chinese",
    "Data security monitoring",
    "Health and medical insurance data sharing",
    "Smart transport and traffic data",
    "Ecological monitoring data",
    "One-stop government services online",
    "Data for emergency management",
    "Personal data privacy protection",
];

const DELIVERABLES: &[&str] = &[
    "CDO posts of all pilot units designated and filed with the leading group office",
    "CDOs appointed in all pilot units",
    "Data work rules issued by each pilot unit",
    "Mid-term evaluation of the pilot units",
    "Public data catalogue of every pilot unit published",
    "Pilot summary report submitted to the data management bureau",
];

// ---------------------------------------------------------------------------
// Writing a plan.

struct Gen<'a> {
    rng: &'a mut Rng,
    out: String,
    violations: &'a [Violation],
    /// The code each violation written earns.
    codes: HashMap<Violation, String>,
    waived: bool,
    /// The unknown key is already written.
    unknown_written: bool,
    x: &'a Issuer,
    p: &'a Profile,
    rules: &'static Rules,
}

/// One unit, before it is written.
struct Unit {
    u: NamedUnit,
    /// Its id in the plan (institutions repeat with a number).
    id: String,
    focus: Option<String>,
    chief: bool,
    rank_other: bool,
    no_cdo: bool,
}

impl Unit {
    fn new(u: &NamedUnit) -> Unit {
        Unit {
            id: u.id.clone(),
            u: u.clone(),
            focus: None,
            chief: false,
            rank_other: false,
            no_cdo: false,
        }
    }
}

fn slug(s: &str) -> String {
    let first = s.split(' ').next().unwrap_or(s);
    first
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Days since 1970-01-01 and back (Howard Hinnant's algorithms).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn day_of(d: Date) -> i64 {
    days(d.year.into(), d.month.into(), d.day.into())
}

fn date(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn text(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

impl Gen<'_> {
    fn has(&self, v: Violation) -> bool {
        self.violations.contains(&v)
    }

    fn code(&mut self, v: Violation, code: impl Into<String>) {
        if self.has(v) {
            self.codes.entry(v).or_insert_with(|| code.into());
        }
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn kv(&mut self, k: &str, v: &str) {
        let _ = writeln!(self.out, "{k} = {}", cdocheck::init::quote(v));
    }

    /// Writes the plan; returns a short name for its file.
    fn plan(&mut self, n: usize, left_out: bool) -> String {
        let mut units = if self.x.j.place.kind == "government" {
            self.city_units(n)
        } else {
            self.department_units(n)
        };
        debug_assert_eq!(units.len(), n);
        let (published, pilot_end) = self.dates();
        self.header(published, pilot_end, left_out);
        self.cdo_role();
        self.governance();
        self.violate_units(&mut units);
        let waiver = self.maybe_waiver(&mut units);
        self.units(&units);
        self.milestones(published, pilot_end);
        if let Some(w) = waiver {
            self.waivers(&w);
        }
        // An unknown key is a format diagnostic, not a rule's.
        self.code(Violation::UnknownKey, "PF002");
        let m = model();
        for (v, id) in [
            (Violation::Placeholder, &m.placeholder),
            (Violation::PackLeftOut, &m.left_out),
        ] {
            self.code(v, id.clone().unwrap_or_default());
        }
        let stem = match self.x.j.place.kind {
            "government" => slug(&self.x.j.place.name),
            _ => self.x.j.place.id.clone(),
        };
        format!("{stem}-{n}")
    }

    /// A city's units: its government, the units its rules name, division
    /// governments and departments enough for its `count` rules, then more
    /// of either, then institutions.
    fn city_units(&mut self, n: usize) -> Vec<Unit> {
        let (mut units, divs, fixed_divs, depts, fixed_depts) = self.city_candidates();
        let n_depts = self.department_count(fixed_depts);
        let n_divs = self.division_count(n, units.len() + n_depts, fixed_divs, divs.len());
        units.extend(divs.iter().take(n_divs).map(Unit::new));
        let room = n.saturating_sub(units.len());
        let extra_depts = if self.has(Violation::TooFewDepartments) {
            0
        } else {
            room.saturating_sub(n_depts)
                .min(depts.len().saturating_sub(n_depts))
        };
        let take = n_depts + self.rng.range(0, extra_depts);
        units.extend(depts.iter().take(take).map(Unit::new));
        let spare = if self.has(Violation::TooFewCountyUnits) {
            &[][..]
        } else {
            &divs[n_divs..]
        };
        self.fill(&mut units, n, spare);
        units
    }

    /// A city's units to choose from: those it starts with (its government
    /// and the named units that are neither divisions nor departments), its
    /// division governments and its departments, the named ones first (with
    /// how many are named), the others shuffled. With MissingRequiredUnit,
    /// one named unit is left out altogether.
    #[allow(clippy::type_complexity)]
    fn city_candidates(&mut self) -> (Vec<Unit>, Vec<NamedUnit>, usize, Vec<NamedUnit>, usize) {
        let (own_level, div_level) = (self.p.facts.level, self.p.division_level);
        let mut fixed: Vec<NamedUnit> = self.p.required.iter().map(|r| r.0.clone()).collect();
        let mut dropped = None;
        if self.has(Violation::MissingRequiredUnit) {
            let i = self.rng.below(fixed.len());
            self.code(Violation::MissingRequiredUnit, self.p.required[i].1.clone());
            dropped = Some(fixed.remove(i));
        }
        let required = |u: &NamedUnit| self.p.required.iter().any(|r| r.0 == *u);
        let is_div = |u: &NamedUnit| u.kind == "government" && u.level == div_level;
        let is_dept = |u: &NamedUnit| u.kind == "department" && u.level == own_level;
        let ordered = |rng: &mut Rng, named: Vec<NamedUnit>, all: &[NamedUnit]| {
            let mut rest: Vec<NamedUnit> = all.iter().filter(|d| !required(d)).cloned().collect();
            rng.shuffle(&mut rest);
            let n = named.len();
            (named.into_iter().chain(rest).collect::<Vec<_>>(), n)
        };
        let named_divs = fixed.iter().filter(|u| is_div(u)).cloned().collect();
        let (divs, fixed_divs) = ordered(self.rng, named_divs, &self.x.divisions);
        let all_depts: Vec<NamedUnit> = self
            .x
            .departments
            .iter()
            .filter(|d| is_dept(d))
            .cloned()
            .collect();
        let named_depts = fixed.iter().filter(|u| is_dept(u)).cloned().collect();
        let (depts, fixed_depts) = ordered(self.rng, named_depts, &all_depts);
        // The city's own government, unless it is the named unit left out.
        let own = Some(&self.x.own).filter(|o| dropped.as_ref() != Some(*o));
        let others = fixed
            .iter()
            .filter(|u| !is_div(u) && !is_dept(u) && **u != self.x.own);
        let units = own.into_iter().chain(others).map(Unit::new).collect();
        (units, divs, fixed_divs, depts, fixed_depts)
    }

    /// How many departments: as many as the `count` rules ask (or the
    /// named ones), or with TooFewDepartments fewer than its rule asks.
    fn department_count(&mut self, fixed: usize) -> usize {
        let level = self.p.facts.level;
        let min = self.p.min_of("department", level);
        if !self.has(Violation::TooFewDepartments) {
            return min.max(fixed);
        }
        let c = self
            .p
            .count_rule("department", level)
            .expect("a count of departments");
        let code = c.3.clone();
        self.code(Violation::TooFewDepartments, code);
        self.rng.range((min / 2).max(fixed), min - 1)
    }

    /// How many division governments: at least as many as the rules ask
    /// (and the named ones), as the room allows; with TooFewCountyUnits one
    /// or two, fewer than its rule asks.
    fn division_count(&mut self, n: usize, taken: usize, fixed: usize, available: usize) -> usize {
        let level = self.p.division_level;
        let min = self.p.min_of("government", level);
        if !self.has(Violation::TooFewCountyUnits) {
            let lo = min.max(fixed);
            let hi = available.min(n.saturating_sub(taken)).max(lo);
            return self.rng.range(lo, hi);
        }
        let c = self
            .p
            .count_rule("government", level)
            .expect("a count of divisions");
        let code = c.3.clone();
        self.code(Violation::TooFewCountyUnits, code);
        self.rng.range(1, (min - 1).min(2))
    }

    /// Fills the room left with spare division governments (now and then)
    /// and institutions (numbered when they repeat).
    fn fill(&mut self, units: &mut Vec<Unit>, n: usize, spare: &[NamedUnit]) {
        let inst = &self.x.institutions;
        let mut spare = spare.iter();
        let mut extra = 0;
        while units.len() < n {
            if let Some(d) = spare.next().filter(|_| self.rng.chance(50)) {
                units.push(Unit::new(d));
                continue;
            }
            let i = &inst[extra % inst.len()];
            let mut u = Unit::new(i);
            u.id = format!("{}{}", i.id, extra / inst.len());
            units.push(u);
            extra += 1;
        }
        units.truncate(n);
    }

    /// A provincial department's units: itself, some institutions, its
    /// line in the province's cities.
    fn department_units(&mut self, n: usize) -> Vec<Unit> {
        let x = self.x;
        let mut units = vec![Unit::new(&x.own)];
        let n_inst = self.rng.range(
            n.saturating_sub(x.lines.len() + 1),
            x.institutions.len().min(n - 6),
        );
        units.extend(x.institutions[..n_inst].iter().map(Unit::new));
        let mut order: Vec<usize> = (0..x.lines.len()).collect();
        self.rng.shuffle(&mut order);
        for &c in order.iter().take(n - units.len()) {
            units.push(Unit::new(&x.lines[c]));
        }
        units
    }

    /// Publication and the pilot's end: near the packs' example, within
    /// the rules' limits.
    fn dates(&mut self) -> (i64, i64) {
        let need = self.p.plan_need("plan.published");
        let after = need
            .iter()
            .flat_map(|n| &n.after)
            .filter_map(|(b, _)| match b {
                Bound::Date(d) => Some(day_of(*d)),
                Bound::Field(_) => None,
            })
            .max();
        let end_need = self.p.plan_need("plan.pilot_end");
        let end_by = end_need
            .iter()
            .flat_map(|n| &n.before)
            .filter_map(|(b, _)| match b {
                Bound::Date(d) => Some(day_of(*d)),
                Bound::Field(_) => None,
            })
            .min();
        let example = self
            .p
            .texts
            .published
            .map(day_of)
            .or(after.map(|a| a + 60))
            .unwrap_or_else(|| days(2024, 1, 1));
        let mut published = example - 40 + self.rng.range(0, 80) as i64;
        if let Some(a) = after {
            published = published.max(a + 1);
        }
        if let Some(e) = end_by {
            published = published.min(e - 40);
        }
        let pilot_end = end_by.unwrap_or_else(|| published + self.rng.range(400, 950) as i64);
        (published, pilot_end)
    }

    fn header(&mut self, published: i64, pilot_end: i64, left_out: bool) {
        let f = self.p.facts.clone();
        let t = self.p.texts.clone();
        let j = f.jurisdiction.clone().unwrap_or_default();
        let zh = f.jurisdiction_zh.clone().unwrap_or_else(|| j.clone());
        let _ = writeln!(self.out, "# {j} ({zh}) Chief Data Officer pilot plan");
        self.line("# Generated for cdocheck's benchmarks and fuzz seeds: names are real, posts and dates made up.");
        self.line("");
        self.line("format = 1");
        self.line("");
        self.line("[plan]");
        let (title, title_zh) = t
            .title
            .clone()
            .unwrap_or_else(|| (format!("Chief Data Officer Pilot Plan of {j}"), None));
        self.kv("title", &title);
        if let Some(tz) = title_zh {
            self.kv("title_zh", &tz);
        }
        self.kv("jurisdiction", &j);
        if let Some(z) = &f.jurisdiction_zh {
            self.kv("jurisdiction_zh", z);
        }
        self.kv("level", f.level);
        self.kv("province", f.province.as_deref().unwrap_or("Unknown"));
        let issuer = t
            .issuer
            .as_ref()
            .map_or_else(|| format!("General Office of {j}"), |i| i.0.clone());
        self.kv("issuer", &issuer);
        let signed = published - self.rng.range(1, 12) as i64;
        let _ = writeln!(self.out, "signed = {}", date(signed));
        let _ = writeln!(self.out, "published = {}", date(published));
        let _ = writeln!(self.out, "pilot_end = {}", date(pilot_end));
        self.packs_and_basis(left_out);
        self.contact(&j);
        if self.has(Violation::UnknownKey) && self.rng.chance(50) {
            // A key from an older draft of the format.
            self.kv("contact_agncy", "Office of the leading group");
            self.unknown_written = true;
        }
        self.line("");
    }

    /// `rule_packs` (mostly none: packs chosen by "applies when";
    /// sometimes every pack that applies; with PackLeftOut all but the
    /// last), and the `basis` the rules ask for.
    fn packs_and_basis(&mut self, left_out: bool) {
        let packs: Option<Vec<String>> = if left_out {
            Some(self.p.packs.clone())
        } else if self.rng.chance(20) {
            let mut all = if self.rng.chance(50) {
                self.p.always.clone()
            } else {
                Vec::new()
            };
            all.extend(self.p.packs.iter().cloned());
            Some(all)
        } else {
            None
        };
        if let Some(packs) = packs {
            let list: Vec<String> = packs.iter().map(|p| format!("\"{p}\"")).collect();
            let _ = writeln!(self.out, "rule_packs = [{}]", list.join(", "));
        }
        let basis = self
            .p
            .plan_need("plan.basis")
            .filter(|n| !n.items.is_empty());
        if let Some(basis) = basis {
            let list: Vec<String> = basis
                .items
                .iter()
                .map(|(i, _)| format!("\"{i}\""))
                .collect();
            let _ = writeln!(self.out, "basis = [{}]", list.join(", "));
        }
    }

    /// `contact_agency`: the packs' example, written unless the plan is
    /// to leave it out.
    fn contact(&mut self, j: &str) {
        let need = self
            .p
            .plan_need("plan.contact_agency")
            .filter(|n| n.present)
            .cloned();
        let contact = self
            .p
            .texts
            .contact_agency
            .as_ref()
            .map(|c| c.0.clone())
            .or_else(|| {
                need.as_ref()
                    .map(|_| format!("{j} Government Service Data Management Bureau"))
            });
        match (&need, self.has(Violation::MissingContactAgency)) {
            (Some(n), true) => {
                let rule = n.rules.first().cloned().unwrap_or_default();
                self.code(Violation::MissingContactAgency, rule);
            }
            _ => {
                if let Some(c) = contact {
                    self.kv("contact_agency", &c);
                }
            }
        }
    }

    fn cdo_role(&mut self) {
        let need = self.p.plan_need("cdo.duties").cloned();
        let mut duties: Vec<String> = need
            .iter()
            .flat_map(|n| &n.items)
            .map(|(i, _)| i.clone())
            .collect();
        let mut dropped = None;
        if self.has(Violation::MissingDuty) && !duties.is_empty() {
            let i = self.rng.below(duties.len());
            let d = duties.remove(i);
            let rule = need
                .iter()
                .flat_map(|n| &n.items)
                .find(|(x, _)| *x == d)
                .and_then(|(_, by)| by.first().cloned())
                .unwrap_or_default();
            self.code(Violation::MissingDuty, rule);
            dropped = Some(d);
        }
        for _ in 0..self.rng.range(0, 4) {
            let d = self.rng.pick(schema::DUTIES).to_string();
            if !duties.contains(&d) && dropped.as_ref() != Some(&d) {
                duties.push(d);
            }
        }
        if duties.is_empty() {
            duties.push(schema::DUTIES[0].to_string());
        }
        self.line("[cdo]");
        let list: Vec<String> = duties.iter().map(|d| format!("\"{d}\"")).collect();
        if self.rng.chance(50) {
            let _ = writeln!(self.out, "duties = [{}]", list.join(", "));
        } else {
            self.line("duties = [");
            for d in list {
                let _ = writeln!(self.out, "  {d},");
            }
            self.line("]");
        }
        let quals = self
            .p
            .plan_need("cdo.qualifications")
            .filter(|n| !n.items.is_empty());
        let quals: Option<Vec<String>> = match quals {
            Some(n) => Some(n.items.iter().map(|(i, _)| i.clone()).collect()),
            None if self.rng.chance(40) => Some(
                schema::QUALIFICATIONS
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            None => None,
        };
        if let Some(q) = quals {
            let list: Vec<String> = q.iter().map(|d| format!("\"{d}\"")).collect();
            let _ = writeln!(self.out, "qualifications = [{}]", list.join(", "));
        }
        self.line("");
    }

    fn governance(&mut self) {
        let who = self.p.facts.jurisdiction.clone().unwrap_or_default();
        self.line("[governance]");
        let _ = writeln!(
            self.out,
            "leading_group = \"{who} Digital Government Reform and Construction Leading Group\""
        );
        if self.rng.chance(50) {
            let _ = writeln!(
                self.out,
                "executive_cdo = \"Director of the {who} Government Service Data Management Bureau\""
            );
        }
        self.line(
            "evaluation = \"Annual evaluation of every pilot unit by the leading group office\"",
        );
        if self.rng.chance(40) {
            self.line("coordination = \"Quarterly joint meeting of the pilot units' CDOs\"");
        }
        self.line("");
        self.line("[support]");
        let _ = writeln!(
            self.out,
            "contract_civil_servants = {}",
            self.rng.range(1, 6)
        );
        self.line("purchased_services = true");
        if self.rng.chance(50) {
            self.line("data_specialists = true");
        }
        if self.rng.chance(30) {
            self.line("expert_panel = false");
        }
        self.line("");
    }

    /// What the rules ask of a unit's key: the first rule asking.
    fn unit_rule(&self, u: &Unit, key: &str) -> Option<String> {
        self.p
            .unit_need(&u.u.id, key)
            .and_then(|n| n.rules.first().cloned())
    }

    /// Marks the units that break a rule, and gives each unit its focus.
    fn violate_units(&mut self, units: &mut [Unit]) {
        let n = units.len();
        let no_cdo = self.rng.below(n);
        if self.has(Violation::MissingCdo) {
            // A unit a rule asks a CDO post of.
            let i = (0..n)
                .map(|k| (no_cdo + k) % n)
                .find(|&i| self.unit_rule(&units[i], "cdo").is_some())
                .expect("a unit that needs a CDO post");
            units[i].no_cdo = true;
            let rule = self.unit_rule(&units[i], "cdo").unwrap_or_default();
            self.code(Violation::MissingCdo, rule);
        }
        if self.has(Violation::RankOther) {
            // Another unit than the one without a CDO.
            let start = self.rng.below(n);
            let i = (0..n)
                .map(|k| (start + k) % n)
                .find(|&i| !units[i].no_cdo && self.unit_rule(&units[i], "cdo.rank").is_some())
                .expect("a unit whose rank a rule judges");
            units[i].rank_other = true;
            let rule = self.unit_rule(&units[i], "cdo.rank").unwrap_or_default();
            self.code(Violation::RankOther, rule);
        }
        let wrong = self.has(Violation::FocusOutsideArea).then(|| {
            let areas: Vec<usize> = (0..n)
                .filter(|&i| {
                    self.p
                        .unit_need(&units[i].u.id, "focus")
                        .is_some_and(|f| !f.keywords.is_empty())
                })
                .collect();
            *self.rng.pick(&areas)
        });
        for (i, u) in units.iter_mut().enumerate() {
            let need = self.p.unit_need(&u.u.id, "focus").cloned();
            let division = u.u.kind == "government" && u.u.level == self.p.division_level;
            u.focus = match need {
                Some(n) if !n.keywords.is_empty() => {
                    let (kws, says, rule) = &n.keywords[0];
                    let fits = |f: &str| matches_keywords(f, kws);
                    Some(if wrong == Some(i) {
                        self.codes
                            .entry(Violation::FocusOutsideArea)
                            .or_insert_with(|| rule.clone());
                        let elsewhere: Vec<&str> =
                            FOCUS.iter().copied().filter(|f| !fits(f)).collect();
                        self.rng.pick(&elsewhere).to_string()
                    } else {
                        let mut within: Vec<String> = FOCUS
                            .iter()
                            .copied()
                            .filter(|f| fits(f))
                            .map(String::from)
                            .collect();
                        if let Some(s) = says.as_ref().map(|s| s.en.clone()).filter(|s| fits(s)) {
                            let mut c = s.chars();
                            within.extend(c.next().map(|f| f.to_uppercase().chain(c).collect()));
                        }
                        if within.is_empty() {
                            within.push(kws[0].clone());
                        }
                        self.rng.pick(&within).clone()
                    })
                }
                Some(n) if n.present => Some(self.rng.pick(FOCUS).to_string()),
                _ if division && self.rng.chance(60) => Some(self.rng.pick(FOCUS).to_string()),
                _ => None,
            };
        }
        for u in units.iter_mut() {
            u.chief = u.u.kind == "department" && self.rng.chance(5);
        }
    }

    /// Sometimes (in a compliant plan) a unit whose CDO is below deputy
    /// rank, under a recorded waiver; with BlankWaiver, always, under a
    /// waiver with a blank reason or approver. Returns the waiver.
    fn maybe_waiver(&mut self, units: &mut [Unit]) -> Option<Waiver> {
        let blank = self.has(Violation::BlankWaiver);
        if !blank && (!self.violations.is_empty() || !self.rng.chance(10)) {
            return None;
        }
        let waivable = |g: &Gen, u: &Unit| {
            u.u.kind != "government"
                && !u.no_cdo
                && !u.rank_other
                && g.unit_rule(u, "cdo.rank")
                    .and_then(|r| g.rules.rule(&r))
                    .is_some_and(|r| r.waivable)
        };
        let n = units.len();
        let i = self.rng.range(1, n - 1);
        if !waivable(self, &units[i]) {
            if !blank {
                return None;
            }
            // A blank waiver needs a unit: the next one that will do.
            let j = (1..n)
                .map(|k| (i + k) % n)
                .find(|&j| waivable(self, &units[j]))
                .expect("a unit whose rank a waivable rule judges");
            return Some(self.waive(&mut units[j], true));
        }
        Some(self.waive(&mut units[i], blank))
    }

    fn waive(&mut self, u: &mut Unit, blank: bool) -> Waiver {
        u.rank_other = true;
        self.waived = !blank;
        let rule = self.unit_rule(u, "cdo.rank").unwrap_or_default();
        let blank = blank.then(|| {
            let value = *self.rng.pick(&["", "   ", "\u{3000}"]);
            (self.rng.chance(50), value)
        });
        let id = model().blank_waiver.clone().unwrap_or_default();
        self.code(Violation::BlankWaiver, id);
        Waiver {
            unit: u.id.clone(),
            rule,
            blank,
        }
    }

    fn units(&mut self, units: &[Unit]) {
        // Inline `cdo` tables, when no rule asks for more than the post.
        let plain = units.iter().all(|u| {
            self.p
                .needs
                .get(&u.u.id)
                .is_none_or(|ns| ns.iter().all(|n| !n.present || !n.key.starts_with("cdo.")))
        });
        let inline = plain && self.rng.chance(25);
        let unknown_at = (self.has(Violation::UnknownKey) && !self.unknown_written)
            .then(|| self.rng.below(units.len()));
        for (i, u) in units.iter().enumerate() {
            self.line("[[unit]]");
            self.kv("id", &u.id);
            self.kv("name", &u.u.name);
            if let Some(zh) = &u.u.name_zh {
                self.kv("name_zh", zh);
            }
            self.kv("level", u.u.level);
            self.kv("kind", u.u.kind);
            if let Some(f) = &u.focus {
                self.kv("focus", f);
            }
            if unknown_at == Some(i) {
                self.kv("remarks", "to be confirmed by the leading group office");
            }
            if u.no_cdo {
                self.line("");
                continue;
            }
            self.cdo(u, inline);
        }
    }

    /// A unit's CDO post, as the rules that judge it ask (or with the
    /// violation it was given): inline, or as a `[unit.cdo]` table.
    fn cdo(&mut self, u: &Unit, inline: bool) {
        let leader = match (u.u.kind, u.u.level == self.p.facts.level) {
            ("government", true) => "Mayor",
            ("government", false) if u.u.level == "township" => "Town Head",
            ("government", false) => "District Mayor",
            ("zone", _) => "Director of the Management Committee",
            _ => "Director",
        };
        let rank_need = self.p.unit_need(&u.u.id, "cdo.rank");
        let allows = |v: &str| {
            rank_need
                .and_then(|n| n.values.as_ref())
                .is_none_or(|vs| vs.iter().any(|s| text(s) == v))
        };
        let (position, rank) = if u.rank_other {
            ("Chief Engineer".to_string(), "other")
        } else if u.chief && allows("chief") {
            ("Director".to_string(), "chief")
        } else {
            (
                format!("Deputy {leader} in charge of digital government"),
                "deputy",
            )
        };
        if inline {
            let _ = writeln!(
                self.out,
                "cdo = {{ position = \"{position}\", rank = \"{rank}\", oversees_digital_government = true }}"
            );
            self.line("");
            return;
        }
        self.line("");
        self.line("[unit.cdo]");
        self.kv("position", &position);
        self.kv("rank", rank);
        self.line("oversees_digital_government = true");
        let concurrent_ok = self
            .p
            .unit_need(&u.u.id, "cdo.concurrent")
            .and_then(|n| n.values.as_ref())
            .is_none_or(|vs| vs.contains(&Scalar::Bool(true)));
        if concurrent_ok && self.rng.chance(20) {
            self.line("concurrent = true");
        }
        let asked: Vec<(String, String)> = ["appointed_by", "filed_with"]
            .iter()
            .filter_map(|k| {
                let n = self.p.unit_need(&u.u.id, &format!("cdo.{k}"))?;
                let v = n.values.as_ref()?.first()?;
                n.present.then(|| (k.to_string(), text(v)))
            })
            .collect();
        if !asked.is_empty() {
            for (k, v) in asked {
                self.kv(&k, &v);
            }
        } else if self.rng.chance(60) {
            if u.u.kind == "government" {
                self.kv("appointed_by", "leading-group");
            } else {
                self.kv("appointed_by", "unit");
                self.kv("filed_with", "leading-group-office");
            }
        }
        self.line("");
    }

    fn milestones(&mut self, published: i64, pilot_end: i64) {
        let n = self.rng.range(1, 5);
        let span = (pilot_end - published).max(n as i64 + 1);
        let mut dues: Vec<i64> = (0..n)
            .map(|_| published + 1 + self.rng.below(span as usize) as i64)
            .collect();
        dues.sort();
        if self.has(Violation::MilestoneBeforePublication) {
            dues[0] = published - self.rng.range(1, 60) as i64;
            let rule = self.p.milestone_rule().unwrap_or_default().to_string();
            self.code(Violation::MilestoneBeforePublication, rule);
        }
        for (i, d) in dues.iter().enumerate() {
            self.line("[[milestone]]");
            let _ = writeln!(self.out, "due = {}", date(*d));
            if i + 1 == n && self.has(Violation::Placeholder) {
                // Left as `cdocheck init` writes it.
                self.kv(
                    "deliverable",
                    "Pilot summary report submitted to <receiving agency>",
                );
            } else {
                self.kv("deliverable", DELIVERABLES[i.min(DELIVERABLES.len() - 1)]);
            }
            self.line("");
        }
    }

    fn waivers(&mut self, w: &Waiver) {
        let who = self.p.facts.jurisdiction.clone().unwrap_or_default();
        let mut reason =
            "The unit's chief engineer leads its digital work; no deputy leader oversees it"
                .to_string();
        let mut approver = format!("{who} Leading Group Office");
        match w.blank {
            Some((true, value)) => reason = value.to_string(),
            Some((false, value)) => approver = value.to_string(),
            None => {}
        }
        self.line("[[waiver]]");
        self.kv("rule", &w.rule);
        self.kv("unit", &w.unit);
        self.kv("reason", &reason);
        self.kv("approved_by", &approver);
        self.line("");
    }
}

/// A `[[waiver]]` of a unit's rank below deputy.
struct Waiver {
    unit: String,
    /// The rule that judges the unit's rank (after superseding).
    rule: String,
    /// Blank: (the reason rather than the approver, the blank value).
    blank: Option<(bool, &'static str)>,
}
