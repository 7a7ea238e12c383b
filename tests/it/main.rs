//! The integration tests: one binary, a module per area, shared helpers.

mod check;
mod common;
mod discover;
mod ergonomics;
mod formats;
mod hostile_packs;
mod init_packs;
mod packs;
mod verdicts;
mod wording;
