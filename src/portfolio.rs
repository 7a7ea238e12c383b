//! The portfolio roll-up: for each notice whose pack applied in a scan, each
//! pilot it designates with the plan found for it (or none), and the plans
//! from jurisdictions it does not designate. Built as reports stream past,
//! keeping only paths, so a batch of any size costs little memory.

use serde::Serialize;

use crate::eval::matches_keywords;
use crate::report::{FileReport, Status};
use crate::rules::{Designated, Pack, Rules};

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

/// The roll-up under construction.
pub struct Roll<'r> {
    notices: Vec<(&'r Pack, Vec<PilotPlans>, Vec<String>)>,
}

#[derive(Default)]
struct PilotPlans {
    paths: Vec<String>,
    failed: bool,
    waived: bool,
}

impl<'r> Roll<'r> {
    pub fn new(rules: &'r Rules) -> Self {
        let notices = rules
            .packs
            .iter()
            .filter(|p| !p.designated.is_empty())
            .map(|p| {
                (
                    p,
                    p.designated.iter().map(|_| PilotPlans::default()).collect(),
                    Vec::new(),
                )
            })
            .collect();
        Roll { notices }
    }

    pub fn add(&mut self, r: &FileReport) {
        let waived = r.findings.iter().any(|l| l.finding.waived.is_some());
        for (pack, pilots, others) in self
            .notices
            .iter_mut()
            .filter(|(p, ..)| r.packs.contains(&p.name))
        {
            let mut found = false;
            for (_, plans) in pack
                .designated
                .iter()
                .zip(pilots.iter_mut())
                .filter(|(d, _)| is_plan_of(d, r))
            {
                found = true;
                plans.paths.push(r.path.clone());
                plans.failed |= r.status == Status::Fail;
                plans.waived |= waived;
            }
            if !found {
                others.push(r.path.clone());
            }
        }
    }

    /// The notices that applied to some plan of the scan.
    pub fn finish(self) -> Portfolio {
        let notices = self
            .notices
            .into_iter()
            .filter(|(_, pilots, others)| {
                !others.is_empty() || pilots.iter().any(|p| !p.paths.is_empty())
            })
            .map(|(pack, pilots, not_designated)| Notice {
                pack: pack.name.clone(),
                document: pack.document.clone(),
                pilots: pack
                    .designated
                    .iter()
                    .zip(pilots)
                    .map(|(d, p)| pilot(d, p))
                    .collect(),
                not_designated,
            })
            .collect();
        Portfolio { notices }
    }
}

fn is_plan_of(d: &Designated, r: &FileReport) -> bool {
    let names = [&r.facts.jurisdiction, &r.facts.jurisdiction_zh];
    r.facts.level.as_deref() == Some(d.level.as_str())
        && names
            .iter()
            .filter_map(|n| n.as_deref())
            .any(|n| matches_keywords(n, &d.keywords))
}

fn pilot(d: &Designated, p: PilotPlans) -> Pilot {
    let status = match (p.paths.is_empty(), p.failed, p.waived) {
        (true, ..) => "missing",
        (false, true, _) => "fail",
        (false, false, true) => "waived",
        (false, false, false) => "pass",
    };
    Pilot {
        name: d.name.clone(),
        name_zh: d.name_zh.clone(),
        level: d.level.clone(),
        plans: p.paths,
        status,
    }
}
