//! The portfolio roll-up: for each notice whose pack applied in a scan, or
//! that a plan of the scan left out of its `rule_packs` (CORE010), each
//! pilot it designates with the plan found for it (or none), the plans from
//! jurisdictions it does not designate, and the plans that opted out of it.
//! Built as reports stream past, keeping only paths, so a batch of any size
//! costs little memory.

use serde::Serialize;

use crate::eval::matches_keywords;
use crate::plan::Date;
use crate::report::{FileReport, Status};
use crate::rules::{Check, Designated, Pack, Rules, SelectionCheck};

#[derive(Clone, Debug, Default, Serialize)]
pub struct Portfolio {
    pub notices: Vec<Notice>,
    /// Plans that could not be read and that name no designated pilot of
    /// any notice, in their path or their readable text.
    pub unreadable: Vec<String>,
}

/// One notice (a pack with designated pilots) that applied to some plan of
/// the scan, or that some plan opted out of.
#[derive(Clone, Debug, Serialize)]
pub struct Notice {
    pub pack: String,
    pub document: String,
    /// The notice's title in Chinese, for tables (not part of the JSON).
    #[serde(skip)]
    pub title_zh: Option<String>,
    pub pilots: Vec<Pilot>,
    /// Plans under this notice from jurisdictions it does not designate.
    pub not_designated: Vec<String>,
    /// Plans that left this notice out of their `rule_packs` although it
    /// would apply to them (a CORE010 finding naming its pack), by path.
    pub opted_out: Vec<String>,
    /// Of `opted_out`, those of no designated pilot (the others are shown
    /// with their pilot).
    #[serde(skip)]
    pub opted_out_elsewhere: Vec<String>,
    /// Plans that could not be read and that name, in their path or
    /// readable text, a pilot this notice designates.
    pub unreadable: Vec<String>,
    /// Plans of a pilot's districts or departments (the pilot's name in
    /// their jurisdiction) at another level than the pilot's.
    pub other_levels: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pilot {
    pub name: String,
    pub name_zh: Option<String>,
    pub level: String,
    /// The plans found for this pilot that applied the notice, by path.
    pub plans: Vec<String>,
    /// Judged on `plans`; a pilot whose only plans opted out is `missing`.
    pub status: PilotStatus,
    /// This pilot's plans that opted out of the notice (in `opted_out`).
    #[serde(skip)]
    pub opted_out: Vec<String>,
    /// Every plan of this pilot that applied the notice, and any that
    /// could not be read, each with its status and whether it is the one
    /// that counts.
    pub plan_details: Vec<PlanDetail>,
    /// The figures the notice asks for, from the plan that counts: each
    /// count rule's id with what it counted, and `city_cdo` (for a city:
    /// whether the city government itself has a CDO post). `null` when no
    /// plan counts.
    pub counts: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One plan of a pilot.
#[derive(Clone, Debug, Serialize)]
pub struct PlanDetail {
    pub path: String,
    pub status: Status,
    /// The plan that counts for the pilot: the latest `published` (a plan
    /// whose `published` is unknown last), ties by path; never one that
    /// could not be read.
    pub counted: bool,
}

/// How a designated pilot stands in the scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PilotStatus {
    /// Its plans pass, none with a waived finding.
    Pass,
    /// Its plans pass, with waived findings.
    Waived,
    /// Some plan of it fails.
    Fail,
    /// No plan of it applied the notice.
    Missing,
}

impl PilotStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PilotStatus::Pass => "pass",
            PilotStatus::Waived => "waived",
            PilotStatus::Fail => "fail",
            PilotStatus::Missing => "missing",
        }
    }
}

/// The roll-up under construction.
pub struct Roll<'r> {
    rules: &'r Rules,
    notices: Vec<NoticePlans<'r>>,
    unreadable: Vec<String>,
}

struct NoticePlans<'r> {
    pack: &'r Pack,
    pilots: Vec<PilotPlans>,
    others: Vec<String>,
    opted_out: Vec<String>,
    opted_out_elsewhere: Vec<String>,
    unreadable: Vec<String>,
    other_levels: Vec<String>,
}

#[derive(Default)]
struct PilotPlans {
    plans: Vec<PlanSeen>,
    /// The plan that counts among `plans` (first in [`order`]).
    counted: Option<Counted>,
    opted_out: Vec<String>,
    /// Plans that could not be read, naming this pilot.
    unreadable: Vec<String>,
}

/// What the roll-up keeps of a pilot's plan: no findings.
struct PlanSeen {
    path: String,
    status: Status,
    published: Option<Date>,
}

/// What the pilot's figures are read from, kept for the plan that counts
/// so far only: a large scan holds a [`PlanSeen`] for each of its plans.
struct Counted {
    /// The plan's place in [`PilotPlans::plans`].
    at: usize,
    waived: bool,
    counts: Vec<(String, i64)>,
    own_cdo: Option<bool>,
    level: Option<String>,
}

/// Did the plan leave this pack out of its `rule_packs`? The rule that
/// says so (CORE010, a `left-out` selection rule) names the pack as its item.
fn opted_out_of(rules: &Rules, r: &FileReport, pack: &str) -> bool {
    r.findings.iter().any(|l| {
        let f = &l.finding;
        f.item.as_deref() == Some(pack)
            && rules
                .rule(&f.code)
                .is_some_and(|rule| matches!(rule.check, Check::Selection(SelectionCheck::LeftOut)))
    })
}

impl<'r> Roll<'r> {
    pub fn new(rules: &'r Rules) -> Self {
        let notices = rules
            .packs
            .iter()
            .filter(|p| !p.designated.is_empty())
            .map(|pack| NoticePlans {
                pack,
                pilots: pack
                    .designated
                    .iter()
                    .map(|_| PilotPlans::default())
                    .collect(),
                others: Vec::new(),
                opted_out: Vec::new(),
                opted_out_elsewhere: Vec::new(),
                unreadable: Vec::new(),
                other_levels: Vec::new(),
            })
            .collect();
        Roll {
            rules,
            notices,
            unreadable: Vec::new(),
        }
    }

    /// A plan that could not be read goes with each pilot it names, in its
    /// path or in what of its text could be read; else to the top level.
    fn add_unreadable(&mut self, r: &FileReport) {
        let hint = r.facts.hint.as_deref().unwrap_or("");
        let mut named = false;
        for n in &mut self.notices {
            let mut here = false;
            for (d, plans) in n.pack.designated.iter().zip(n.pilots.iter_mut()) {
                let names = |s: &str| names_pilot(s, d);
                if names(&r.path) || names(hint) {
                    plans.unreadable.push(r.path.clone());
                    here = true;
                }
            }
            if here {
                n.unreadable.push(r.path.clone());
                named = true;
            }
        }
        if !named {
            self.unreadable.push(r.path.clone());
        }
    }

    pub fn add(&mut self, r: &FileReport) {
        if r.facts.hint.is_some() {
            self.add_unreadable(r);
            return;
        }
        let waived = r.findings.iter().any(|l| l.finding.waived.is_some());
        for n in &mut self.notices {
            let applied = r.packs.contains(&n.pack.name);
            let opted_out = opted_out_of(self.rules, r, &n.pack.name);
            if !applied && !opted_out {
                continue;
            }
            if opted_out {
                n.opted_out.push(r.path.clone());
            }
            let mut found = false;
            for (_, plans) in n
                .pack
                .designated
                .iter()
                .zip(n.pilots.iter_mut())
                .filter(|(d, _)| is_plan_of(d, r))
            {
                found = true;
                if applied {
                    plans.add(
                        PlanSeen {
                            path: r.path.clone(),
                            status: r.status,
                            published: r.facts.published,
                        },
                        waived,
                        r,
                    );
                } else {
                    plans.opted_out.push(r.path.clone());
                }
            }
            let other_level = !found
                && n.pack
                    .designated
                    .iter()
                    .any(|d| r.facts.level.as_deref() != Some(d.level.as_str()) && is_named(d, r));
            match (found, applied) {
                (true, _) => {}
                (false, true) if other_level => n.other_levels.push(r.path.clone()),
                (false, true) => n.others.push(r.path.clone()),
                (false, false) => n.opted_out_elsewhere.push(r.path.clone()),
            }
        }
    }

    /// The notices that applied to some plan of the scan, or that some plan
    /// opted out of.
    pub fn finish(self) -> Portfolio {
        let notices = self
            .notices
            .into_iter()
            .filter(|n| {
                !n.others.is_empty()
                    || !n.opted_out.is_empty()
                    || !n.unreadable.is_empty()
                    || !n.other_levels.is_empty()
                    || n.pilots.iter().any(|p| !p.plans.is_empty())
            })
            .map(|n| Notice {
                pack: n.pack.name.clone(),
                document: n.pack.document.clone(),
                title_zh: n.pack.title_zh.clone(),
                pilots: n
                    .pack
                    .designated
                    .iter()
                    .zip(n.pilots)
                    .map(|(d, p)| pilot(d, p))
                    .collect(),
                not_designated: n.others,
                opted_out: n.opted_out,
                opted_out_elsewhere: n.opted_out_elsewhere,
                unreadable: n.unreadable,
                other_levels: n.other_levels,
            })
            .collect();
        Portfolio {
            notices,
            unreadable: self.unreadable,
        }
    }
}

impl PilotPlans {
    /// A plan of the pilot that applied the notice; its figures are kept if
    /// it counts before every plan seen so far.
    fn add(&mut self, seen: PlanSeen, waived: bool, r: &FileReport) {
        let first = match &self.counted {
            Some(c) => order(&seen, &self.plans[c.at]).is_lt(),
            None => true,
        };
        if first {
            self.counted = Some(Counted {
                at: self.plans.len(),
                waived,
                counts: r.facts.counts.clone(),
                own_cdo: r.facts.own_cdo,
                level: r.facts.level.clone(),
            });
        }
        self.plans.push(seen);
    }
}

fn is_plan_of(d: &Designated, r: &FileReport) -> bool {
    r.facts.level.as_deref() == Some(d.level.as_str()) && is_named(d, r)
}

/// Does the plan's jurisdiction name the pilot?
fn is_named(d: &Designated, r: &FileReport) -> bool {
    let names = [&r.facts.jurisdiction, &r.facts.jurisdiction_zh];
    names
        .iter()
        .filter_map(|n| n.as_deref())
        .any(|n| matches_keywords(n, &d.keywords))
}

/// Does this text (a path, an unreadable plan's text) name the pilot? Its
/// keywords are lower case; so is the text looked in.
fn names_pilot(s: &str, d: &Designated) -> bool {
    let s = s.to_lowercase();
    d.keywords
        .iter()
        .any(|k| !k.is_empty() && s.contains(k.as_str()))
}

/// The plan that counts first: the latest `published`, an unknown one
/// last, ties by path.
fn order(a: &PlanSeen, b: &PlanSeen) -> std::cmp::Ordering {
    match (a.published, b.published) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| a.path.cmp(&b.path))
}

fn pilot(d: &Designated, mut p: PilotPlans) -> Pilot {
    p.plans.sort_by(order);
    // Judged on the plan that counts; a pilot whose only plans could not
    // be read fails.
    let counted = p.counted.as_ref();
    let status = match p.plans.first().zip(counted) {
        None if !p.unreadable.is_empty() => PilotStatus::Fail,
        None => PilotStatus::Missing,
        Some((c, _)) if c.status == Status::Fail => PilotStatus::Fail,
        Some((_, c)) if c.waived => PilotStatus::Waived,
        Some(_) => PilotStatus::Pass,
    };
    let counts = counted.map(|c| {
        let mut m = serde_json::Map::new();
        for (id, n) in &c.counts {
            m.insert(id.clone(), serde_json::Value::from(*n));
        }
        if c.level.as_deref() == Some("prefecture") {
            if let Some(own) = c.own_cdo {
                m.insert("city_cdo".to_string(), serde_json::Value::from(own));
            }
        }
        m
    });
    let mut plan_details: Vec<PlanDetail> = p
        .plans
        .iter()
        .enumerate()
        .map(|(i, s)| PlanDetail {
            path: s.path.clone(),
            status: s.status,
            counted: i == 0,
        })
        .chain(p.unreadable.iter().map(|path| PlanDetail {
            path: path.clone(),
            status: Status::Fail,
            counted: false,
        }))
        .collect();
    plan_details.sort_by(|a, b| a.path.cmp(&b.path));
    let mut plans: Vec<String> = p.plans.into_iter().map(|s| s.path).collect();
    plans.sort();
    Pilot {
        name: d.name.clone(),
        name_zh: d.name_zh.clone(),
        level: d.level.clone(),
        plans,
        status,
        opted_out: p.opted_out,
        plan_details,
        counts,
    }
}
