//! The integration tests: one binary, a module per area, shared helpers.

mod baselines;
mod check;
mod common;
mod discover;
mod ergonomics;
mod escaping;
mod formats;
mod init_packs;
mod inputs;
mod outputs;
mod packs;
mod scale;
mod verdicts;
mod wording;
