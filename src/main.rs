//! The `cdocheck` binary: parse arguments, run, map the outcome to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use cdocheck::outputs::Closable;
use clap::Parser;

// A plan is many small strings and vectors: mimalloc allocates and frees
// them in about half the instructions of the system allocator
// (benches/README.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cdocheck::cli::Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A closed pipe (`cdocheck check | head`) drops the rest of that stream
    // only: the run goes on, writes its other outputs and keeps its verdict.
    let mut out = io::BufWriter::new(Closable::new(io::stdout().lock()));
    let mut err = Closable::new(io::stderr().lock());
    match cdocheck::cli::run(args, &mut out, &mut err) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // `run` reports its own write errors; this is stderr failing too.
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
}
