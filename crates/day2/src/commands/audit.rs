//! `day2 audit`: static checks on manifests (or the live cluster).

use crate::cli::AuditArgs;
use crate::term::Term;
use crate::{Outcome, input, pipeline};
use anyhow::Result;

pub fn run(a: AuditArgs, term: &Term) -> Result<Outcome> {
    let config = pipeline::load_config(&a.report)?;
    let cluster = if a.paths.is_empty() {
        input::live(&a.live, term)?
    } else {
        input::manifests(&a.paths, term)?
    };
    let report = pipeline::analyze(&cluster, &config, false);
    pipeline::emit(&report, &a.report, &config, term)
}
