//! Shell completions and man pages, from the same command definitions.

use crate::Outcome;
use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "day2", &mut std::io::stdout());
    Ok(Outcome::Clean)
}

pub fn man(dir: &Path) -> Result<Outcome> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let cmd = Cli::command();
    clap_mangen::generate_to(cmd, dir)
        .with_context(|| format!("writing man pages into {}", dir.display()))?;
    eprintln!("man pages written to {}", dir.display());
    Ok(Outcome::Clean)
}
