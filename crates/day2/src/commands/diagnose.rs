//! `day2 diagnose` and `day2 demo`.

use crate::cli::{DemoArgs, DiagnoseArgs};
use crate::term::Term;
use crate::{Outcome, input, pipeline};
use anyhow::Result;

pub fn run(a: DiagnoseArgs, term: &Term) -> Result<Outcome> {
    let config = pipeline::load_config(&a.report)?;
    let cluster = if a.snapshot.is_empty() {
        input::live(&a.live, term)?
    } else {
        input::snapshot(&a.snapshot, term)?
    };
    term.progress("analysing …");
    let report = pipeline::analyze(&cluster, &config, true);
    term.progress_done();
    pipeline::emit(&report, &a.report, &config, term)
}

/// The demo shows; it does not gate: it exits 0 unless `--fail-on` is given.
pub fn demo(mut a: DemoArgs, term: &Term) -> Result<Outcome> {
    a.report.fail_on = a.report.fail_on.or(Some(crate::cli::FailOn::None));
    let config = pipeline::load_config(&a.report)?;
    let cluster = input::demo(term)?;
    let report = pipeline::analyze(&cluster, &config, true);
    pipeline::emit(&report, &a.report, &config, term)
}
