//! The portfolio roll-up: for each notice whose pack applied in a scan, each
//! pilot it designates with the plan found for it (or none), and the plans
//! from jurisdictions it does not designate.

use serde::Serialize;

use crate::eval::matches_keywords;
use crate::report::{PlanRow, Status, Totals};
use crate::rules::{Designated, Rules};

#[derive(Clone, Debug, Default, Serialize)]
pub struct Portfolio {
    pub notices: Vec<Notice>,
}

/// One notice (a pack with designated pilots) that applied to some plan.
#[derive(Clone, Debug, Serialize)]
pub struct Notice {
    pub pack: String,
    pub document: String,
    pub pilots: Vec<Pilot>,
    /// Plans under this notice from jurisdictions it does not designate.
    pub not_designated: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pilot {
    pub name: String,
    pub name_zh: Option<String>,
    pub level: String,
    /// The plans found for this pilot, by path.
    pub plans: Vec<String>,
    /// `pass`, `waived` (passes with waived findings), `fail`, or `missing`.
    pub status: &'static str,
}

pub fn roll_up(totals: &Totals, rules: &Rules) -> Portfolio {
    let mut notices = Vec::new();
    for pack in rules.packs.iter().filter(|p| !p.designated.is_empty()) {
        let under: Vec<&PlanRow> = totals
            .plans
            .iter()
            .filter(|r| r.packs.contains(&pack.name))
            .collect();
        if under.is_empty() {
            continue;
        }
        let pilots: Vec<Pilot> = pack.designated.iter().map(|d| pilot(d, &under)).collect();
        let not_designated = under
            .iter()
            .filter(|r| !pack.designated.iter().any(|d| is_plan_of(d, r)))
            .map(|r| r.path.clone())
            .collect();
        notices.push(Notice {
            pack: pack.name.clone(),
            document: pack.document.clone(),
            pilots,
            not_designated,
        });
    }
    Portfolio { notices }
}

fn is_plan_of(d: &Designated, r: &PlanRow) -> bool {
    let names = [&r.facts.jurisdiction, &r.facts.jurisdiction_zh];
    r.facts.level.as_deref() == Some(d.level.as_str())
        && names
            .iter()
            .filter_map(|n| n.as_deref())
            .any(|n| matches_keywords(n, &d.keywords))
}

fn pilot(d: &Designated, under: &[&PlanRow]) -> Pilot {
    let found: Vec<&&PlanRow> = under.iter().filter(|r| is_plan_of(d, r)).collect();
    let status = if found.is_empty() {
        "missing"
    } else if found.iter().any(|r| r.status == Status::Fail) {
        "fail"
    } else if found.iter().any(|r| r.counts.waived > 0) {
        "waived"
    } else {
        "pass"
    };
    Pilot {
        name: d.name.clone(),
        name_zh: d.name_zh.clone(),
        level: d.level.clone(),
        plans: found.iter().map(|r| r.path.clone()).collect(),
        status,
    }
}
