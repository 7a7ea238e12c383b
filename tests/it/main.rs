//! The integration tests: one binary, a module per area, shared helpers.

mod check;
mod common;
mod config;
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
mod walk;
mod wording;
