//! `cdocheck test-rules`: runs rule-pack fixtures — plans whose leading
//! `# expect: CODE@LINE, …` comments state every finding they must produce —
//! and reports each fixture that produces anything else, as a diff.

use crate::discover::Input;
use crate::eval::{self, Options};
use crate::message::Message;
use crate::plan::{Date, Plan, DEFAULT_MAX_BYTES};
use crate::read::Refused;
use crate::rules::Rules;
use crate::source::SourceDb;

/// What a fixture states about itself.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Expectation {
    /// `CODE@LINE`, or `CODE@LINE (waived)` for a finding a waiver covers; sorted.
    pub findings: Vec<String>,
    /// `# today: DATE` for fixtures whose waivers expire.
    pub today: Option<Date>,
}

/// Reads the `# expect:` and `# today:` comments of a fixture; `None` when it
/// has no `# expect:` line at all.
pub(crate) fn expectation(text: &str) -> Option<Expectation> {
    let mut exp = Expectation::default();
    let mut seen = false;
    for line in text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
    {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("# expect:") {
            seen = true;
            let items = rest
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty() && *t != "none");
            exp.findings.extend(items.map(str::to_string));
        } else if let Some(d) = line.strip_prefix("# today:") {
            exp.today = Date::parse(d.trim());
        }
    }
    exp.findings.sort();
    seen.then_some(exp)
}

/// One fixture's verdict.
#[derive(Debug)]
pub(crate) struct Verdict {
    pub path: String,
    /// Expected but not produced.
    pub missing: Vec<String>,
    /// Produced but not expected.
    pub unexpected: Vec<String>,
    /// Why the fixture could not be run at all.
    pub broken: Option<Message>,
}

impl Verdict {
    pub(crate) fn passed(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.broken.is_none()
    }
}

pub(crate) fn verify(rules: &Rules, input: &Input, today: Date) -> Verdict {
    let mut v = Verdict {
        path: input.display().to_string(),
        missing: Vec::new(),
        unexpected: Vec::new(),
        broken: None,
    };
    // Read once, as a plan is (a regular file under the plans' size cap),
    // for its `# expect:` lines and its findings alike.
    let problem = input.problem.as_deref().cloned();
    let bytes = match problem.map_or_else(|| read(input), Err) {
        Ok(b) => b,
        Err(why) => {
            v.broken = Some(why);
            return v;
        }
    };
    let text = String::from_utf8_lossy(crate::read::without_bom(&bytes));
    let Some(exp) = expectation(&text) else {
        v.broken = Some(Message::new("verify.no-expect"));
        return v;
    };
    let opts = Options {
        today: exp.today.unwrap_or(today),
        waivers: true,
        packs: None,
        require: Vec::new(),
    };
    let mut db = SourceDb::default();
    let plan = Plan::from_bytes(&mut db, input.display(), &bytes);
    let src = db.get(plan.source);
    let mut got: Vec<String> = eval::check(&plan, rules, &opts)
        .findings
        .iter()
        .map(|f| {
            let waived = if f.waived.is_some() { " (waived)" } else { "" };
            format!("{}@{}{waived}", f.code, src.line_col(f.at.span.start).0)
        })
        .collect();
    got.sort();
    v.missing = diff(&exp.findings, &got);
    v.unexpected = diff(&got, &exp.findings);
    v
}

/// A fixture's bytes, or why they were not read.
fn read(input: &Input) -> Result<Vec<u8>, Message> {
    crate::read::read(&input.path, DEFAULT_MAX_BYTES).map_err(|r| match r {
        Refused::Io(e) => Message::new("verify.unreadable").arg("error", e.to_string()),
        Refused::NotRegular(kind) => Message::new("read.not-regular").arg("kind", kind.message()),
        Refused::TooLarge => {
            Message::new("verify.too-large").arg("max", DEFAULT_MAX_BYTES.to_string())
        }
    })
}

/// Items of `a` not matched one-for-one in `b`.
fn diff(a: &[String], b: &[String]) -> Vec<String> {
    let mut rest = b.to_vec();
    a.iter()
        .filter(|x| match rest.iter().position(|y| y == *x) {
            Some(i) => {
                rest.remove(i);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_lines_add_up_and_none_means_nothing() {
        let e = expectation("# expect: GD001@6, GD003@6\n# expect: CORE007@90\n# a note\nformat = 1\n# expect: X@1\n").unwrap();
        assert_eq!(e.findings, ["CORE007@90", "GD001@6", "GD003@6"]);
        assert_eq!(
            expectation("# expect: none\n").unwrap().findings,
            Vec::<String>::new()
        );
        assert!(expectation("format = 1\n").is_none());
    }

    #[test]
    fn diff_counts_duplicates() {
        let a = vec!["A@1".to_string(), "A@1".to_string()];
        let b = vec!["A@1".to_string()];
        assert_eq!(diff(&a, &b), ["A@1"]);
        assert!(diff(&b, &a).is_empty());
    }
}
