//! `day2 snapshot`: capture a live cluster into one file.

use crate::cli::SnapshotArgs;
use crate::term::Term;
use crate::{Outcome, input};
use anyhow::{Context, Result};

pub fn run(a: SnapshotArgs, term: &Term) -> Result<Outcome> {
    let capture = day2_live::capture_blocking(&input::live_options(&a.live, term))
        .context("reading the live cluster")?;
    term.progress_done();
    for n in &capture.notes {
        term.warn(&n.to_string());
    }
    let count = capture.items.len();
    day2_live::write_snapshot_file(&capture, &a.output)
        .with_context(|| format!("writing {}", a.output.display()))?;
    eprintln!("day2: captured {count} objects into {}", a.output.display());
    Ok(Outcome::Clean)
}
