//! cdocheck checks Chief Data Officer pilot plans against the notices they
//! implement. Data flows one way: `cli` → `discover` → `plan` (load, spans
//! kept) → `rules` (packs, validated) → `eval` (pure) → `render`.
#![warn(clippy::print_stdout, clippy::print_stderr, unreachable_pub)]

pub(crate) mod atomic;
pub mod baseline;
pub(crate) mod check;
pub mod cli;
pub(crate) mod config;
pub(crate) mod discover;
pub(crate) mod docgen;
pub(crate) mod error;
pub mod eval;
pub mod evidence;
pub mod finding;
pub mod findings;
pub mod fix;
pub mod import;
pub mod init;
pub(crate) mod json_schema;
pub mod lang;
pub(crate) mod lsp;
pub mod message;
pub mod outputs;
pub mod plan;
pub mod portfolio;
pub(crate) mod read;
pub mod register;
pub mod render;
pub mod report;
pub mod resubmit;
pub mod rules;
pub mod source;
pub mod template;
pub(crate) mod text;
pub(crate) mod turns;
pub(crate) mod verify;
