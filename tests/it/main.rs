//! The integration tests: one binary, a module per area, shared helpers.

mod check;
mod common;
mod discover;
mod ergonomics;
mod escaping;
mod formats;
mod init_packs;
mod outputs;
mod packs;
mod verdicts;
mod wording;
