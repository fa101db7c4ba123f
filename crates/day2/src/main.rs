//! `day2`: Kubernetes Day-2 operations as software.
//!
//! The command line: arguments (`cli`), the input to read (`input`), one
//! pipeline for every report command (`pipeline`: rules, diagnosis,
//! checklist, then a renderer) and the commands. Depends on every day2 crate.
#![forbid(unsafe_code)]

mod cli;
mod commands;
mod input;
mod pipeline;
mod term;

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let term = term::Term::new(cli.color);
    match commands::run(cli.command, &term) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            // A closed pipe (`day2 … | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            term.error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}
