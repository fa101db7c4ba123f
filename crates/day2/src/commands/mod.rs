//! One module per command.

mod agent;
mod audit;
mod diagnose;
mod explain;
mod generate;
pub mod logs;
mod rules;
mod snapshot;

use crate::Outcome;
use crate::cli::Command;
use crate::term::Term;
use anyhow::Result;

pub fn run(cmd: Command, term: &Term) -> Result<Outcome> {
    match cmd {
        Command::Demo(a) => diagnose::demo(a, term),
        Command::Agent(a) => agent::run(a, term),
        Command::Audit(a) => audit::run(a, term),
        Command::Diagnose(a) => diagnose::run(a, term),
        Command::Explain(a) => explain::run(a, term),
        Command::Snapshot(a) => snapshot::run(a, term),
        Command::Logs(a) => logs::run(a, term),
        Command::Rules(a) => rules::list(a, term),
        Command::Rule(a) => rules::show(a, term),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man { out_dir } => generate::man(&out_dir),
    }
}
