//! What the packs that apply to a plan ask of it, derived from their rules.
//!
//! The plan's own facts (its jurisdiction, level and province) choose the
//! packs, by the selection `check` makes. Then each rule's conditions are
//! walked: a test on a fact (the plan's, or a unit's kind, level and name)
//! is evaluated as `check` evaluates it; a test on a value the planner
//! supplies becomes a [`Need`] of that key (present, one of some values,
//! holding some items, within some dates, containing some keywords), with
//! the rules that ask for it. `count` rules give how many units of which
//! kind and level, `required` rules which named units; the units are named
//! from the place's data when a rule names them, and left to the planner
//! (a placeholder) when it only counts them. `init` writes the draft as a
//! skeleton; the benchmark corpus fills it with values.

use std::collections::HashMap;
use std::ops::Range;

use super::place::{below, Jurisdiction, NamedUnit};
use crate::eval;
use crate::lang::Text;
use crate::message::{Arg, Message};
use crate::plan::{schema, Date, Plan, Table};
use crate::rules::init_data::Words;
use crate::rules::{Check, Cond, DateRef, Leaf, Pack, Path, Rule, Rules, Scalar, Scope, Test};
use crate::source::{SourceId, Span};

/// The facts a plan states about itself, which choose its packs.
#[derive(Clone, Debug)]
pub struct Facts {
    pub jurisdiction: Option<String>,
    pub jurisdiction_zh: Option<String>,
    pub level: &'static str,
    pub province: Option<String>,
    pub province_zh: Option<String>,
}

/// The texts the packs' `[init]` tables give for this plan.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    pub title: Option<(String, Option<String>)>,
    pub issuer: Option<(String, Option<String>)>,
    pub contact_agency: Option<(String, Option<String>)>,
    pub published: Option<Date>,
    pub milestone: Option<Date>,
}

/// What the rules ask of one key.
#[derive(Clone, Debug, Default)]
pub struct Need {
    /// The key, dotted, below its element: `plan.basis`, `cdo.rank`.
    pub key: String,
    /// A rule needs the key to be there (`exists`, `non_empty`, `contains`).
    pub present: bool,
    /// A rule is satisfied by its absence (`exists = false`).
    pub absent: bool,
    /// `equals`, `in`: the values every rule allows (`None`: any).
    pub values: Option<Vec<Scalar>>,
    /// `contains`: each item, with the rules asking for it.
    pub items: Vec<(String, Vec<String>)>,
    /// Dates it may not precede, and exceed: (limit, rule).
    pub after: Vec<(Bound, String)>,
    pub before: Vec<(Bound, String)>,
    pub at_least: Option<(i64, String)>,
    pub at_most: Option<(i64, String)>,
    /// Keyword tests: the keywords, and how the rule names what they mean.
    pub keywords: Vec<(Vec<String>, Option<Text>, String)>,
    /// The rules asking, without those another of them supersedes.
    pub rules: Vec<String>,
}

/// A date limit: a fixed date, or another key of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    Date(Date),
    Field(String),
}

/// A unit of the draft.
#[derive(Clone, Debug)]
pub struct DraftUnit {
    /// Empty until [`Draft::units`] numbers the unnamed ones.
    pub id: String,
    /// Its name, when a rule names the unit; `None`: the planner's choice.
    pub name: Option<(String, Option<String>)>,
    /// What the placeholder for its name says.
    pub placeholder: Message,
    pub kind: &'static str,
    pub level: &'static str,
    pub needs: Vec<Need>,
    /// The item of a `required` rule it stands for: (rule, item name).
    pub item: Option<(String, String)>,
    /// Placeholder-named units share this stem in their ids: `county-1`.
    stem: String,
}

/// Units written together, after a comment naming the rules that ask for them.
#[derive(Clone, Debug)]
pub struct Group {
    pub rules: Vec<String>,
    pub units: Range<usize>,
    /// For a group of division governments: the place's divisions, by name.
    pub divisions: bool,
}

/// A `count` rule: at least `min` units of `kind` at `level`.
#[derive(Clone, Debug)]
pub struct CountNeed {
    pub rule: String,
    pub kind: &'static str,
    pub level: &'static str,
    pub min: i64,
}

/// A unit's facts, for testing what the rules ask of such a unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnitFacts {
    pub name: Option<String>,
    pub name_zh: Option<String>,
    pub kind: &'static str,
    pub level: &'static str,
}

/// What the packs that apply ask of a plan.
pub struct Draft<'r> {
    pub jurisdiction: Option<Jurisdiction>,
    pub facts: Facts,
    pub rules: &'r Rules,
    /// The packs `check` selects for such a plan, in load order.
    pub packs: Vec<&'r Pack>,
    pub texts: Texts,
    /// Needs of the plan's tables (`plan.*`, `cdo.*`, `governance.*`, …).
    pub plan: Vec<Need>,
    /// Needs of each `[[milestone]]`.
    pub milestone: Vec<Need>,
    pub units: Vec<DraftUnit>,
    pub groups: Vec<Group>,
    pub counts: Vec<CountNeed>,
    /// Rules about the plan that fail whatever it holds, on its facts alone
    /// (a plan from a place the notice does not designate).
    pub unmet: Vec<&'r Rule>,
    /// A waivable rule about units, to show a `[[waiver]]` with.
    pub waiver: Option<&'r Rule>,
}

impl<'r> Draft<'r> {
    /// The draft for a plan by `jurisdiction` (or a place no file knows,
    /// named `name`) at `level`; `forced` replaces the packs the plan
    /// selects, as `--pack` does.
    pub fn new(
        jurisdiction: Option<Jurisdiction>,
        name: Option<&str>,
        level: Option<&'static str>,
        rules: &'r Rules,
        forced: Option<&[String]>,
    ) -> Draft<'r> {
        let facts = match &jurisdiction {
            Some(j) => {
                let province = j.province_names();
                Facts {
                    jurisdiction: Some(j.place.name.clone()),
                    jurisdiction_zh: j.place.name_zh.clone(),
                    level: level.unwrap_or(j.place.level),
                    province: province.as_ref().map(|p| p.0.clone()),
                    province_zh: province.and_then(|p| p.1),
                }
            }
            None => Facts {
                jurisdiction: name.map(str::to_string),
                jurisdiction_zh: None,
                level: level.unwrap_or("prefecture"),
                province: None,
                province_zh: None,
            },
        };
        let probe = Probe::new(&facts, &[]);
        let (packs, _) = eval::select(rules, &probe.root, SourceId(0), forced);
        let mut draft = Draft {
            jurisdiction,
            facts,
            rules,
            packs,
            texts: Texts::default(),
            plan: Vec::new(),
            milestone: Vec::new(),
            units: Vec::new(),
            groups: Vec::new(),
            counts: Vec::new(),
            unmet: Vec::new(),
            waiver: None,
        };
        draft.texts = draft.texts(&probe.root);
        draft.plan_needs(&probe.root);
        draft.build_units();
        draft.waiver = draft.waiver_rule();
        draft
    }

    /// The rules of the selected packs.
    pub fn applied(&self) -> impl Iterator<Item = &'r Rule> + '_ {
        self.packs.iter().flat_map(|p| p.rules().iter())
    }

    /// The level of the units one below the plan.
    pub fn division_level(&self) -> &'static str {
        match &self.jurisdiction {
            Some(j) => j.division_level(self.facts.level),
            None => below(self.facts.level),
        }
    }

    /// What the unit rules ask of units with these facts, each in turn.
    pub fn unit_needs(&self, units: &[UnitFacts]) -> Vec<Vec<Need>> {
        let probe = Probe::new(&self.facts, units);
        (0..units.len())
            .map(|i| self.needs_of(&probe.root, Some(probe.unit(i)), "unit"))
            .collect()
    }

    fn texts(&self, root: &Table) -> Texts {
        let vars = [
            ("jurisdiction", self.facts.jurisdiction.as_deref()),
            ("jurisdiction_zh", self.facts.jurisdiction_zh.as_deref()),
        ];
        let entries: Vec<_> = self
            .packs
            .iter()
            .rev()
            .flat_map(|p| &p.init.texts)
            .filter(|t| {
                t.when
                    .as_ref()
                    .is_none_or(|w| eval::holds(w, root, None) == Some(true))
            })
            .collect();
        let fill = |w: &Words| {
            let known =
                w.en.vars()
                    .all(|v| vars.iter().any(|(k, x)| *k == v && x.is_some()));
            known.then(|| w.fill(&vars))
        };
        let first_words = |f: &dyn Fn(&crate::rules::init_data::PlanTexts) -> Option<&Words>| {
            entries.iter().find_map(|t| f(t).and_then(fill))
        };
        Texts {
            title: first_words(&|t| t.title.as_ref()),
            issuer: first_words(&|t| t.issuer.as_ref()),
            contact_agency: first_words(&|t| t.contact_agency.as_ref()),
            published: entries.iter().find_map(|t| t.published),
            milestone: entries.iter().find_map(|t| t.milestone),
        }
    }

    fn plan_needs(&mut self, root: &Table) {
        let mut leaves = Vec::new();
        let rules: Vec<&'r Rule> = self.applied().collect();
        for rule in rules {
            let (Some(require), None) = (assert_of(rule), rule.given.as_deref()) else {
                continue;
            };
            let w = Walk { root, elem: None };
            if !w.applies(rule) {
                continue;
            }
            let mut found = Vec::new();
            if w.walk(require, &mut found) {
                leaves.extend(found.into_iter().map(|l| (l, rule)));
            } else {
                self.unmet.push(rule);
            }
        }
        self.plan = self.aggregate(&leaves);
        self.milestone = self.needs_of(root, None, "milestone");
    }

    /// What the rules given `given` ask of one element.
    fn needs_of(&self, root: &Table, elem: Option<(&Span, &Table)>, given: &str) -> Vec<Need> {
        let w = Walk { root, elem };
        let mut leaves = Vec::new();
        for rule in self.applied() {
            let Some(require) = assert_of(rule) else {
                continue;
            };
            if rule.given.as_deref() != Some(given) || !w.applies(rule) {
                continue;
            }
            let mut found = Vec::new();
            if w.walk(require, &mut found) {
                leaves.extend(found.into_iter().map(|l| (l, rule)));
            }
        }
        self.aggregate(&leaves)
    }

    /// Gathers the leaves that read each key into one need per key, in the
    /// order the keys first appear.
    fn aggregate(&self, leaves: &[(&'r Leaf, &'r Rule)]) -> Vec<Need> {
        let mut needs: Vec<Need> = Vec::new();
        let mut askers: Vec<Vec<&'r Rule>> = Vec::new();
        for (leaf, rule) in leaves {
            let Some(path) = leaf.fields.first() else {
                continue;
            };
            let key = path.segs.join(".");
            let i = match needs.iter().position(|n| n.key == key) {
                Some(i) => i,
                None => {
                    needs.push(Need {
                        key,
                        ..Need::default()
                    });
                    askers.push(Vec::new());
                    needs.len() - 1
                }
            };
            if !askers[i].iter().any(|r| r.id == rule.id) {
                askers[i].push(rule);
            }
            add(&mut needs[i], leaf, &rule.id);
        }
        for (need, rules) in needs.iter_mut().zip(&askers) {
            need.rules = unsuperseded(rules);
            // An item stays its rule's unless another rule asking for it
            // supersedes that one.
            for (_, by) in &mut need.items {
                let refs: Vec<&Rule> = by
                    .iter()
                    .filter_map(|id| rules.iter().find(|r| r.id == *id).copied())
                    .collect();
                *by = unsuperseded(&refs);
            }
        }
        needs
    }

    /// The units the rules ask for: the named units of `required` rules,
    /// then as many units as `count` rules need beyond those; when no rule
    /// asks for units, the plan's own unit with two divisions and two
    /// departments.
    fn build_units(&mut self) {
        let named = self.named_units();
        let generic = self.generic_facts();
        let items = self.item_facts();
        let mut all: Vec<UnitFacts> = named.iter().map(facts_of).collect();
        all.extend(generic.iter().cloned());
        all.extend(items.iter().cloned());
        let probe = Probe::new(&self.facts, &all);
        let mut b = Builder {
            draft: self,
            probe: &probe,
            all: &all,
            named: &named,
            used: Vec::new(),
            units: Vec::new(),
            groups: Vec::new(),
            counts: Vec::new(),
        };
        b.required();
        b.counted();
        if b.units.is_empty() {
            b.fallback();
        }
        let (mut units, groups, counts) = (b.units, b.groups, b.counts);
        for u in &mut units {
            let i = index_of(&all, &u.facts());
            u.needs = self.needs_of(&probe.root, Some(probe.unit(i)), "unit");
        }
        number(&mut units);
        self.units = units;
        self.groups = groups;
        self.counts = counts;
    }

    /// The units the place's data names, in the order a rule's named unit
    /// is looked for: its own, its divisions, zones, departments.
    fn named_units(&self) -> Vec<NamedUnit> {
        let Some(j) = &self.jurisdiction else {
            return Vec::new();
        };
        let mut all: Vec<NamedUnit> = j.own_unit().into_iter().collect();
        all.extend(j.divisions());
        all.extend(j.zones());
        all.extend(j.departments());
        all
    }

    /// Every kind at every level, with a placeholder name.
    fn generic_facts(&self) -> Vec<UnitFacts> {
        let mut v = Vec::new();
        for &kind in schema::UNIT_KINDS {
            for &level in schema::UNIT_LEVELS {
                v.push(UnitFacts {
                    name: None,
                    name_zh: None,
                    kind,
                    level,
                });
            }
        }
        v
    }

    /// Every kind at every level, named as each `required` item is.
    fn item_facts(&self) -> Vec<UnitFacts> {
        let mut v = Vec::new();
        for rule in self.applied() {
            let Check::Required { items } = &rule.check else {
                continue;
            };
            for item in items {
                for &kind in schema::UNIT_KINDS {
                    for &level in schema::UNIT_LEVELS {
                        v.push(UnitFacts {
                            name: Some(item_name(&item.name)),
                            name_zh: item.name_zh.clone(),
                            kind,
                            level,
                        });
                    }
                }
            }
        }
        v
    }

    /// The levels to try for a unit of `kind`, likeliest first: a
    /// government or zone one level down, anything else at the plan's own.
    fn levels_for(&self, kind: &str) -> Vec<&'static str> {
        let (own, div) = (self.facts.level, self.division_level());
        let first = if matches!(kind, "government" | "zone") {
            [div, own]
        } else {
            [own, div]
        };
        let mut v: Vec<&'static str> = first.to_vec();
        v.dedup();
        let rest: Vec<&'static str> = schema::UNIT_LEVELS
            .iter()
            .copied()
            .filter(|l| !v.contains(l))
            .collect();
        v.extend(rest);
        v
    }

    /// What a placeholder-named unit of this kind and level is called, and
    /// the stem of its id.
    fn label(&self, kind: &str, level: &'static str) -> (String, Arg) {
        let j = self.jurisdiction.as_ref();
        let own = level == self.facts.level;
        let custom = match kind {
            "government" if !own && level == self.division_level() => {
                j.and_then(Jurisdiction::division_label)
            }
            "department" if own => j.and_then(Jurisdiction::department_label),
            _ => None,
        };
        let (stem, words) = match (kind, own) {
            ("government", true) => ("government", Message::new("init.unit.government")),
            ("government", false) => match level {
                "province" => ("province", Message::new("init.unit.government.province")),
                "prefecture" => (
                    "prefecture",
                    Message::new("init.unit.government.prefecture"),
                ),
                "county" => ("county", Message::new("init.unit.government.county")),
                _ => ("township", Message::new("init.unit.government.township")),
            },
            ("department", true) => match level {
                "province" => ("dept", Message::new("init.unit.department.province")),
                "prefecture" => ("dept", Message::new("init.unit.department.city")),
                _ => ("dept", Message::new("init.unit.department")),
            },
            ("department", false) => ("dept", Message::new("init.unit.department")),
            ("zone", _) => ("zone", Message::new("init.unit.zone")),
            ("institution", _) => ("institution", Message::new("init.unit.institution")),
            _ => ("enterprise", Message::new("init.unit.enterprise")),
        };
        match custom {
            Some(l) => (
                l.id.clone().unwrap_or_else(|| stem.to_string()),
                Arg::Text(l.name.clone()),
            ),
            None => (stem.to_string(), Arg::Message(words)),
        }
    }

    /// The first waivable rule about units that no applied rule supersedes.
    fn waiver_rule(&self) -> Option<&'r Rule> {
        let superseded = |r: &Rule| self.applied().any(|s| s.supersedes.contains(&r.id));
        self.applied().find(|r| {
            r.waivable
                && r.given.as_deref() == Some("unit")
                && assert_of(r).is_some()
                && !superseded(r)
        })
    }
}

/// Builds the draft's units, testing rules' conditions on candidates.
struct Builder<'a, 'r> {
    draft: &'a Draft<'r>,
    probe: &'a Probe,
    all: &'a [UnitFacts],
    named: &'a [NamedUnit],
    /// Named units already taken.
    used: Vec<usize>,
    units: Vec<DraftUnit>,
    groups: Vec<Group>,
    counts: Vec<CountNeed>,
}

impl Builder<'_, '_> {
    fn test(&self, c: &Cond, f: &UnitFacts) -> Option<bool> {
        let i = index_of(self.all, f);
        eval::holds(c, &self.probe.root, Some(self.probe.unit(i)))
    }

    fn applies(&self, rule: &Rule) -> bool {
        Walk {
            root: &self.probe.root,
            elem: None,
        }
        .applies(rule)
    }

    /// Does a unit already written satisfy `c`?
    fn have(&self, c: &Cond) -> usize {
        self.units
            .iter()
            .filter(|u| self.test(c, &u.facts()) == Some(true))
            .count()
    }

    fn required(&mut self) {
        let rules: Vec<&Rule> = self.draft.applied().collect();
        for rule in rules {
            let Check::Required { items } = &rule.check else {
                continue;
            };
            if rule.given.as_deref() != Some("unit") || !self.applies(rule) {
                continue;
            }
            let start = self.units.len();
            for item in items {
                if self.have(&item.where_) > 0 {
                    continue;
                }
                let mut u = self.item_unit(&item.where_, &item.name, item.name_zh.as_deref());
                u.item = Some((rule.id.clone(), item.name.clone()));
                self.units.push(u);
            }
            if self.units.len() > start {
                self.groups.push(Group {
                    rules: vec![rule.id.clone()],
                    units: start..self.units.len(),
                    divisions: false,
                });
            }
        }
    }

    /// A unit for a `required` item: from the place's data when the item
    /// names its unit, else named as the item is, else left to the planner.
    fn item_unit(&mut self, c: &Cond, name: &str, name_zh: Option<&str>) -> DraftUnit {
        let names_it = reads_name(c);
        if names_it {
            let found = (0..self.named.len())
                .filter(|i| !self.used.contains(i))
                .find(|&i| self.test(c, &facts_of(&self.named[i])) == Some(true));
            if let Some(i) = found {
                self.used.push(i);
                let n = &self.named[i];
                return self.unit_named(
                    n.id.clone(),
                    (n.name.clone(), n.name_zh.clone()),
                    n.kind,
                    n.level,
                );
            }
            for &kind in schema::UNIT_KINDS {
                for level in self.draft.levels_for(kind) {
                    let f = UnitFacts {
                        name: Some(item_name(name)),
                        name_zh: name_zh.map(str::to_string),
                        kind,
                        level,
                    };
                    if self.test(c, &f) == Some(true) {
                        let id = crate::rules::init_data::slug(&item_name(name));
                        return self.unit_named(id, (item_name(name), f.name_zh), kind, level);
                    }
                }
            }
        }
        let (kind, level) = self
            .kind_level(c)
            .unwrap_or(("government", self.draft.division_level()));
        let mut u = self.unit_unnamed(kind, level);
        if names_it {
            u.placeholder = Message::text(Text::new(item_name(name), name_zh.map(str::to_string)));
        }
        u
    }

    fn unit_named(
        &self,
        id: String,
        name: (String, Option<String>),
        kind: &'static str,
        level: &'static str,
    ) -> DraftUnit {
        DraftUnit {
            id,
            name: Some(name),
            placeholder: Message::plain(""),
            kind,
            level,
            needs: Vec::new(),
            item: None,
            stem: String::new(),
        }
    }

    fn unit_unnamed(&self, kind: &'static str, level: &'static str) -> DraftUnit {
        let (stem, label) = self.draft.label(kind, level);
        DraftUnit {
            id: String::new(),
            name: None,
            placeholder: Message::new("init.unit.name").arg("unit", label),
            kind,
            level,
            needs: Vec::new(),
            item: None,
            stem,
        }
    }

    /// The likeliest kind and level of a unit that satisfies `c`, its name
    /// left to the planner: one that satisfies it, else one it cannot tell.
    fn kind_level(&self, c: &Cond) -> Option<(&'static str, &'static str)> {
        let mut unknown = None;
        for &kind in schema::UNIT_KINDS {
            for level in self.draft.levels_for(kind) {
                let f = UnitFacts {
                    name: None,
                    name_zh: None,
                    kind,
                    level,
                };
                match self.test(c, &f) {
                    Some(true) => return Some((kind, level)),
                    None if unknown.is_none() => unknown = Some((kind, level)),
                    _ => {}
                }
            }
        }
        unknown
    }

    fn counted(&mut self) {
        let rules: Vec<&Rule> = self.draft.applied().collect();
        for rule in rules {
            let Check::Count { where_, min, .. } = &rule.check else {
                continue;
            };
            if rule.given.as_deref() != Some("unit") || !self.applies(rule) {
                continue;
            }
            let Some((kind, level)) = self.kind_level(where_) else {
                continue;
            };
            self.counts.push(CountNeed {
                rule: rule.id.clone(),
                kind,
                level,
                min: *min,
            });
            let missing = (*min).max(0) as usize;
            let missing = missing.saturating_sub(self.have(where_));
            // A group of unnamed units of this kind and level already.
            let same = self.groups.iter().position(|g| {
                let first = &self.units[g.units.start];
                !g.units.is_empty()
                    && !g.rules.is_empty()
                    && first.name.is_none()
                    && first.item.is_none()
                    && first.kind == kind
                    && first.level == level
            });
            let start = self.units.len();
            for _ in 0..missing {
                let u = self.unit_unnamed(kind, level);
                self.units.push(u);
            }
            match same {
                Some(g) if missing == 0 => self.groups[g].rules.push(rule.id.clone()),
                Some(g) if self.groups[g].units.end == start => {
                    self.groups[g].rules.push(rule.id.clone());
                    self.groups[g].units.end = self.units.len();
                }
                _ if missing > 0 => self.groups.push(Group {
                    rules: vec![rule.id.clone()],
                    units: start..self.units.len(),
                    divisions: kind == "government" && level == self.draft.division_level(),
                }),
                _ => {}
            }
        }
    }

    /// No rule asks for units: the plan's own (named when the place's data
    /// name it), two of its divisions and two of its departments.
    fn fallback(&mut self) {
        let own_level = self.draft.facts.level;
        let own = self
            .draft
            .jurisdiction
            .as_ref()
            .and_then(Jurisdiction::own_unit);
        let start = self.units.len();
        let department = own.as_ref().is_some_and(|o| o.kind != "government");
        match own {
            Some(o) => {
                let u = self.unit_named(o.id, (o.name, o.name_zh), o.kind, o.level);
                self.units.push(u);
            }
            None => {
                let u = self.unit_unnamed("government", own_level);
                self.units.push(u);
            }
        }
        if department {
            let u = self.unit_unnamed("institution", own_level);
            self.units.push(u);
        } else {
            for _ in 0..2 {
                let u = self.unit_unnamed("government", self.draft.division_level());
                self.units.push(u);
            }
            for _ in 0..2 {
                let u = self.unit_unnamed("department", own_level);
                self.units.push(u);
            }
        }
        self.groups.push(Group {
            rules: Vec::new(),
            units: start..self.units.len(),
            divisions: false,
        });
    }
}

impl DraftUnit {
    pub fn facts(&self) -> UnitFacts {
        UnitFacts {
            name: self.name.as_ref().map(|n| n.0.clone()),
            name_zh: self.name.as_ref().and_then(|n| n.1.clone()),
            kind: self.kind,
            level: self.level,
        }
    }

    /// What the rules ask of one of its keys.
    pub fn need(&self, key: &str) -> Option<&Need> {
        self.needs.iter().find(|n| n.key == key)
    }
}

/// Numbers the placeholder-named units by stem (`county-1`, `dept-01` when
/// a stem has ten or more), skipping ids a named unit has.
fn number(units: &mut [DraftUnit]) {
    let mut taken: Vec<String> = units
        .iter()
        .map(|u| u.id.clone())
        .filter(|i| !i.is_empty())
        .collect();
    let mut counters: HashMap<String, usize> = HashMap::new();
    for i in 0..units.len() {
        if !units[i].id.is_empty() {
            continue;
        }
        let stem = units[i].stem.clone();
        let total = units
            .iter()
            .filter(|u| u.id.is_empty() && u.stem == stem)
            .count()
            + counters.get(&stem).copied().unwrap_or(0);
        let width = if total >= 10 { 2 } else { 1 };
        let counter = counters.entry(stem.clone()).or_insert(0);
        let id = loop {
            *counter += 1;
            let id = format!("{stem}-{:0width$}", *counter);
            if !taken.contains(&id) {
                break id;
            }
        };
        taken.push(id.clone());
        units[i].id = id;
    }
}

/// Names the `required` items give: `the Municipal Public Security
/// Bureau` is written `Municipal Public Security Bureau`.
fn item_name(name: &str) -> String {
    name.trim().trim_start_matches("the ").to_string()
}

fn facts_of(n: &NamedUnit) -> UnitFacts {
    UnitFacts {
        name: Some(n.name.clone()),
        name_zh: n.name_zh.clone(),
        kind: n.kind,
        level: n.level,
    }
}

fn index_of(all: &[UnitFacts], f: &UnitFacts) -> usize {
    all.iter()
        .position(|x| x == f)
        .expect("every unit's facts are in the probe")
}

fn assert_of(rule: &Rule) -> Option<&Cond> {
    match &rule.check {
        Check::Assert { require } => Some(require),
        _ => None,
    }
}

/// The rules asking, without those another of them supersedes.
fn unsuperseded(rules: &[&Rule]) -> Vec<String> {
    rules
        .iter()
        .filter(|r| !rules.iter().any(|s| s.supersedes.contains(&r.id)))
        .map(|r| r.id.clone())
        .collect()
}

/// Adds what one leaf asks to its key's need.
fn add(need: &mut Need, leaf: &Leaf, rule: &str) {
    match &leaf.test {
        Test::Exists(b) | Test::NonEmpty(b) => {
            if *b {
                need.present = true;
            } else {
                need.absent = true;
            }
        }
        Test::Equals(v) => allow(need, std::slice::from_ref(v)),
        Test::In(vs) => allow(need, vs),
        Test::AtLeast(n) => need.at_least = Some((*n, rule.to_string())),
        Test::AtMost(n) => need.at_most = Some((*n, rule.to_string())),
        Test::OnOrAfter(d) => need.after.push((bound(d), rule.to_string())),
        Test::OnOrBefore(d) => need.before.push((bound(d), rule.to_string())),
        Test::Contains(items, _) => {
            need.present = true;
            for item in items {
                match need.items.iter_mut().find(|(i, _)| i == item) {
                    Some((_, by)) => by.push(rule.to_string()),
                    None => need.items.push((item.clone(), vec![rule.to_string()])),
                }
            }
        }
        Test::Keywords(kws) => {
            need.keywords
                .push((kws.clone(), leaf.says.clone(), rule.to_string()))
        }
    }
}

/// Narrows the values a key may take.
fn allow(need: &mut Need, vs: &[Scalar]) {
    need.values = Some(match need.values.take() {
        None => vs.to_vec(),
        Some(have) => {
            let both: Vec<Scalar> = have.iter().filter(|v| vs.contains(v)).cloned().collect();
            if both.is_empty() {
                have
            } else {
                both
            }
        }
    });
}

fn bound(d: &DateRef) -> Bound {
    match d {
        DateRef::Fixed(d) => Bound::Date(*d),
        DateRef::Field(p) => Bound::Field(p.text.clone()),
    }
}

/// Does a condition test a unit's name?
fn reads_name(c: &Cond) -> bool {
    c.leaves().iter().any(|l| {
        l.fields
            .iter()
            .any(|p| p.scope == Scope::Element && matches!(p.segs.as_slice(), ["name" | "name_zh"]))
    })
}

/// Walks a rule's condition on a plan's facts (and a unit's).
struct Walk<'a> {
    root: &'a Table,
    elem: Option<(&'a Span, &'a Table)>,
}

impl Walk<'_> {
    /// A fact: a key the draft knows, not one the planner supplies.
    fn known_path(&self, p: &Path) -> bool {
        let segs = &p.segs;
        match p.scope {
            Scope::Root => matches!(
                segs.as_slice(),
                [
                    "plan",
                    "jurisdiction" | "jurisdiction_zh" | "level" | "province"
                ]
            ),
            Scope::Element => {
                self.elem.is_some()
                    && matches!(segs.as_slice(), ["name" | "name_zh" | "kind" | "level"])
            }
        }
    }

    fn known(&self, c: &Cond) -> bool {
        c.leaves()
            .iter()
            .all(|l| l.fields.iter().all(|p| self.known_path(p)))
    }

    fn holds(&self, c: &Cond) -> Option<bool> {
        eval::holds(c, self.root, self.elem)
    }

    /// Does the rule apply here, as far as the facts tell?
    fn applies(&self, rule: &Rule) -> bool {
        rule.when
            .as_ref()
            .is_none_or(|w| !self.known(w) || self.holds(w) != Some(false))
    }

    /// Collects the leaves on values the planner supplies that `c` needs
    /// to hold; false when the facts alone make it fail. Of `any`, the first
    /// alternative the facts allow.
    fn walk<'r>(&self, c: &'r Cond, out: &mut Vec<&'r Leaf>) -> bool {
        match c {
            Cond::Leaf(_) if self.known(c) => self.holds(c) != Some(false),
            Cond::Leaf(l) => {
                out.push(l);
                true
            }
            Cond::All(cs) => cs.iter().all(|c| self.walk(c, out)),
            Cond::Any(cs) => cs.iter().any(|c| {
                let mut tmp = Vec::new();
                let ok = self.walk(c, &mut tmp);
                if ok {
                    out.extend(tmp);
                }
                ok
            }),
            Cond::Not(c) => !self.known(c) || self.holds(c) != Some(true),
            Cond::Implies(i, t) => {
                if !self.known(i) {
                    return true;
                }
                match self.holds(i) {
                    Some(true) => self.walk(t, out),
                    _ => true,
                }
            }
        }
    }
}

/// A small plan holding the facts and some units, parsed as `check` parses
/// a plan, to test conditions on.
struct Probe {
    root: Table,
    units: Vec<(Span, Table)>,
}

impl Probe {
    fn new(facts: &Facts, units: &[UnitFacts]) -> Probe {
        let q = crate::text::quote;
        let mut text = String::from("format = 1\n[plan]\n");
        let or = |v: &Option<String>, ph: &str| v.as_deref().map_or(format!("\"<{ph}>\""), q);
        text.push_str(&format!(
            "jurisdiction = {}\n",
            or(&facts.jurisdiction, "jurisdiction")
        ));
        if let Some(zh) = &facts.jurisdiction_zh {
            text.push_str(&format!("jurisdiction_zh = {}\n", q(zh)));
        }
        text.push_str(&format!("level = {}\n", q(facts.level)));
        text.push_str(&format!("province = {}\n", or(&facts.province, "province")));
        for (i, u) in units.iter().enumerate() {
            text.push_str(&format!(
                "[[unit]]\nid = \"u{i}\"\nname = {}\nlevel = {}\nkind = {}\n",
                or(&u.name, "name"),
                q(u.level),
                q(u.kind)
            ));
            if let Some(zh) = &u.name_zh {
                text.push_str(&format!("name_zh = {}\n", q(zh)));
            }
        }
        let plan = Plan::from_text(SourceId(0), &text);
        let root = plan.root.unwrap_or_default();
        let units = root
            .tables("unit")
            .map(|(s, t)| (s.clone(), t.clone()))
            .collect();
        Probe { root, units }
    }

    fn unit(&self, i: usize) -> (&Span, &Table) {
        let (span, table) = &self.units[i];
        (span, table)
    }
}
