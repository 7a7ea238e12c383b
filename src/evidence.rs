//! Audit evidence (json-output.md, "New JSON fields"): what a run was
//! judged against, so an auditor can later prove which plan bytes were
//! checked against which pack bytes, on which day, with which options.
//! No wall-clock time: the same input and `--today` give the same bytes.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::plan::Date;
use crate::rules::Rules;
use crate::source::SourceDb;

/// The top-level `run` object.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    /// The day waivers were judged against: `--today`, else the clock.
    pub today: String,
    /// Every loaded pack, applied or not, in the packs' order.
    pub packs: Vec<PackInfo>,
    pub options: RunOptions,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackInfo {
    pub name: String,
    pub document: String,
    /// Of the pack file's bytes: as embedded for a shipped pack, as read
    /// for a `--rules` pack.
    pub sha256: String,
}

/// The options that change verdicts, normalised; `null` when unset.
#[derive(Clone, Debug, Serialize)]
pub struct RunOptions {
    /// The effective level (`error` when neither the command line nor the
    /// configuration sets it): it always applies.
    pub fail_on: &'static str,
    pub no_waivers: bool,
    /// `--pack`, replacing each plan's own selection.
    pub packs: Option<Vec<String>>,
    pub require_packs: Option<Vec<String>>,
    /// The `--baseline` file, as given.
    pub baseline: Option<String>,
}

impl RunInfo {
    /// `read`: the SHA-256 of each `--rules` pack file's bytes, by the name
    /// its source was loaded under; packs not in it (the shipped ones) are
    /// hashed from their text, which is their embedded bytes.
    pub fn new(
        rules: &Rules,
        db: &SourceDb,
        read: &HashMap<String, String>,
        today: Date,
        options: RunOptions,
    ) -> RunInfo {
        let packs = rules
            .packs
            .iter()
            .map(|p| {
                let src = db.get(p.source);
                let sha256 = read
                    .get(&src.name)
                    .cloned()
                    .unwrap_or_else(|| sha256_hex(src.text.as_bytes()));
                PackInfo {
                    name: p.name.clone(),
                    document: p.document.clone(),
                    sha256,
                }
            })
            .collect();
        RunInfo {
            today: today.to_string(),
            packs,
            options,
        }
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
