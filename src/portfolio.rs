//! The portfolio roll-up: for each notice whose pack applied in a scan, or
//! that a plan of the scan left out of its `rule_packs` (CORE010), each
//! pilot it designates with the plan found for it (or none), the plans from
//! jurisdictions it does not designate, and the plans that opted out of it.
//! Built as reports stream past, keeping only paths, so a batch of any size
//! costs little memory.

use serde::Serialize;

use crate::eval::matches_keywords;
use crate::report::{FileReport, Status};
use crate::rules::{Check, Designated, Pack, Rules, SelectionCheck};

#[derive(Clone, Debug, Default, Serialize)]
pub struct Portfolio {
    pub notices: Vec<Notice>,
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
}

struct NoticePlans<'r> {
    pack: &'r Pack,
    pilots: Vec<PilotPlans>,
    others: Vec<String>,
    opted_out: Vec<String>,
    opted_out_elsewhere: Vec<String>,
}

#[derive(Default)]
struct PilotPlans {
    paths: Vec<String>,
    opted_out: Vec<String>,
    failed: bool,
    waived: bool,
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
            })
            .collect();
        Roll { rules, notices }
    }

    pub fn add(&mut self, r: &FileReport) {
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
                    plans.paths.push(r.path.clone());
                    plans.failed |= r.status == Status::Fail;
                    plans.waived |= waived;
                } else {
                    plans.opted_out.push(r.path.clone());
                }
            }
            match (found, applied) {
                (true, _) => {}
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
                    || n.pilots.iter().any(|p| !p.paths.is_empty())
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
        (true, ..) => PilotStatus::Missing,
        (false, true, _) => PilotStatus::Fail,
        (false, false, true) => PilotStatus::Waived,
        (false, false, false) => PilotStatus::Pass,
    };
    Pilot {
        name: d.name.clone(),
        name_zh: d.name_zh.clone(),
        level: d.level.clone(),
        plans: p.paths,
        status,
        opted_out: p.opted_out,
    }
}
