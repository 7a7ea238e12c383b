//! The integration tests: one binary, a module per area, shared helpers.

mod check;
mod common;
mod ergonomics;
mod formats;
