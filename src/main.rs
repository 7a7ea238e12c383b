//! The `cdocheck` binary: parse arguments, run, map the outcome to an exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use cdocheck::outputs::Closable;
use clap::Parser;

// A plan is many small strings and vectors: mimalloc allocates and frees
// them in about half the instructions of the system allocator
// (benches/README.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Memory freed while checking a plan goes back to the system within 3 ms,
/// not a second later (mimalloc's default): a run of 10,000 plans then
/// peaks at about 1.35x the memory of 100. At once (0 ms) it peaks lower,
/// but with two threads each return interrupts the other core to flush its
/// TLB, and `-j2` took 1.1x as long (benches/README.md). The option's number
/// is mimalloc v3's `mi_option_purge_delay`; it is set only when it holds
/// that option's default, so another layout of the options changes nothing.
fn purge_freed_memory_soon() {
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const DEFAULT_MS: std::ffi::c_long = 1000;
    const DELAY_MS: std::ffi::c_long = 3;
    // SAFETY: mimalloc's options are read and set through these two calls
    // from any thread; they take no pointer.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT_MS {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, DELAY_MS);
        }
    }
}

fn main() -> ExitCode {
    purge_freed_memory_soon();
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
    // A report to a file or a pipe goes in 64 KB writes, an eighth of the
    // calls; a terminal shows it in the default 8 KB as it comes.
    let block = if io::stdout().is_terminal() { 8 } else { 64 } << 10;
    // Not locked to this thread: a check's workers write it in turn.
    let mut out = io::BufWriter::with_capacity(block, Closable::new(io::stdout()));
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
