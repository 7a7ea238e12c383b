//! `cdocheck completions SHELL` and `cdocheck man [COMMAND]`: generated from
//! the clap definition of the command line (which `cli` passes in), so they
//! never fall behind it.

use std::io::{self, Write};

use clap::Command;
use clap_complete::Shell;

const BIN: &str = "cdocheck";

/// The completion script for a shell.
pub(crate) fn completions(mut cmd: Command, shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    // clap_complete panics when its writer fails (a full disk): it writes
    // to memory, and the error of the real write is returned.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut script);
    out.write_all(&script)
}

/// The man page as roff: cdocheck(1), or with a command, the page the main
/// one refers to, cdocheck-COMMAND(1). `false` when there is no such command.
pub(crate) fn man(cmd: Command, command: Option<&str>, out: &mut dyn Write) -> io::Result<bool> {
    let mut cmd = cmd.name(BIN).bin_name(BIN).disable_help_subcommand(true);
    // Building names the subcommands `cdocheck-check` and `cdocheck check`.
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => return Ok(false),
        },
    };
    clap_mangen::Man::new(page)
        .source(format!("{BIN} {}", env!("CARGO_PKG_VERSION")))
        .render(out)?;
    Ok(true)
}

/// The commands that have a page of their own.
pub(crate) fn commands(cmd: &Command) -> Vec<String> {
    cmd.get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect()
}
