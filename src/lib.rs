//! cdocheck checks Chief Data Officer pilot plans against the notices they
//! implement. Data flows one way: `cli` → `discover` → `plan` (load, spans
//! kept) → `rules` (packs, validated) → `eval` (pure) → `render`.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod atomic;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod discover;
pub mod docgen;
pub mod error;
pub mod eval;
pub mod finding;
pub mod init;
pub mod json_schema;
pub mod lang;
pub mod message;
pub mod plan;
pub mod portfolio;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod template;
pub mod text;
pub mod verify;
