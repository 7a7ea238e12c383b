//! The integration tests: one binary, a module per area, shared helpers.

mod action;
mod baselines;
mod check;
mod common;
mod config;
mod diff;
mod discover;
mod ergonomics;
mod escaping;
mod evidence;
mod formats;
mod github;
mod hostile_packs;
mod import;
mod init_packs;
mod inputs;
mod outputs;
mod packs;
mod portfolio;
mod register;
mod scale;
mod verdicts;
mod walk;
mod wording;
