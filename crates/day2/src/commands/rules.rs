//! `day2 rules` and `day2 rule CODE`.

use crate::Outcome;
use crate::cli::{LoopArg, RuleArgs, RulesArgs};
use crate::term::Term;
use anyhow::{Result, bail};
use day2_model::Loop;
use day2_render::Format;

pub fn list(a: RulesArgs, term: &Term) -> Result<Outcome> {
    let want = a.loop_.map(|l| match l {
        LoopArg::Identity => Loop::Identity,
        LoopArg::Compute => Loop::Compute,
        LoopArg::Network => Loop::Network,
        LoopArg::Storage => Loop::Storage,
        LoopArg::Observability => Loop::Observability,
    });
    let infos: Vec<_> = day2_rules::infos()
        .into_iter()
        .filter(|r| want.is_none_or(|l| r.loop_ == l))
        .collect();
    let text = day2_render::render_rules(&infos, a.output, term.color && a.output == Format::Text)?;
    term.print(&text)?;
    Ok(Outcome::Clean)
}

pub fn show(a: RuleArgs, term: &Term) -> Result<Outcome> {
    let Some(rule) = day2_rules::by_code(&a.code) else {
        bail!("no rule `{}` (see `day2 rules`)", a.code);
    };
    let text = day2_render::render_rule(
        &rule.meta().info(),
        a.output,
        term.color && a.output == Format::Text,
    )?;
    term.print(&text)?;
    Ok(Outcome::Clean)
}
