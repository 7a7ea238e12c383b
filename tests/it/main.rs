//! The integration tests: one binary, a module per area, shared helpers.

mod action;
mod baselines;
mod check;
mod common;
mod config;
mod discover;
mod ergonomics;
mod escaping;
mod formats;
mod github;
mod hostile_packs;
mod html;
mod init_packs;
mod inputs;
mod letters;
mod outputs;
mod packs;
mod scale;
mod verdicts;
mod walk;
mod wording;
mod xlsx;
