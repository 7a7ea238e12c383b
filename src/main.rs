//! The `cdocheck` binary: parse arguments, run, map the outcome to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cdocheck::cli::Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    let result = cdocheck::cli::run(args, &mut out, &mut err).and_then(|o| out.flush().map(|()| o));
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // `cdocheck check | head` closing the pipe early is a normal end.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
}
