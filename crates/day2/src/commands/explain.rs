//! `day2 explain pod` and `day2 explain fragmentation`: the scheduler
//! simulator on a cluster; day2_render::explain words the verdicts.

use crate::cli::{
    ExplainArgs, ExplainFormat, ExplainFragArgs, ExplainPodArgs, ExplainWhat, LiveOpts,
};
use crate::term::Term;
use crate::{Outcome, input};
use anyhow::{Context as _, Result, bail};
use day2_model::Cluster;
use day2_sched::{NodeShape, Simulator};
use std::path::PathBuf;

pub fn run(a: ExplainArgs, term: &Term) -> Result<Outcome> {
    match a.what {
        ExplainWhat::Pod(p) => pod(p, term),
        ExplainWhat::Fragmentation(f) => fragmentation(f, term),
    }
}

fn load(snapshot: &[PathBuf], demo: bool, live: &LiveOpts, term: &Term) -> Result<Cluster> {
    if demo {
        input::demo(term)
    } else if snapshot.is_empty() {
        input::live(live, term)
    } else {
        input::snapshot(snapshot, term)
    }
}

/// What-if nodes in one run at most, over every `--add-node`: each is
/// simulated against every pod.
const MAX_WHAT_IF_NODES: usize = 1000;

fn shapes(specs: &[String]) -> Result<Vec<NodeShape>> {
    let shapes: Vec<NodeShape> = specs
        .iter()
        .map(|s| NodeShape::parse(s).map_err(anyhow::Error::from))
        .collect::<Result<_>>()?;
    let total: usize = shapes.iter().map(|s| s.count).sum();
    if total > MAX_WHAT_IF_NODES {
        bail!(
            "--add-node: {total} what-if nodes in all ({} flags); at most {MAX_WHAT_IF_NODES} are simulated",
            specs.len()
        );
    }
    Ok(shapes)
}

fn pod(a: ExplainPodArgs, term: &Term) -> Result<Outcome> {
    let (ns, name) = match a.pod.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && !name.is_empty() => (ns.to_owned(), name.to_owned()),
        Some(_) => bail!("pod {:?}: expected NAMESPACE/NAME", a.pod),
        None => (
            a.live.namespace.clone().unwrap_or_else(|| "default".into()),
            a.pod.clone(),
        ),
    };
    let add = shapes(&a.add_node)?;
    let cluster = load(&a.snapshot, a.demo, &a.live, term)?;
    let Some(p) = cluster
        .pods
        .iter()
        .find(|p| p.name() == name && p.ns_or_default() == ns)
    else {
        let mut near: Vec<String> = cluster
            .pods
            .iter()
            .filter(|p| p.name().contains(name.as_str()) || p.ns_or_default() == ns)
            .take(5)
            .map(|p| format!("{}/{}", p.ns_or_default(), p.name()))
            .collect();
        near.sort();
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!(" (pods nearby: {})", near.join(", "))
        };
        bail!("pod {ns}/{name} not found in {}{hint}", cluster.input);
    };
    term.progress("simulating the scheduler …");
    let sim = Simulator::new(&cluster);
    let base = sim.explain(p);
    let wants_what_if = !add.is_empty() || a.requests.is_some();
    // The what-if runs on its own simulator (built only when asked for).
    let sim2 = wants_what_if.then(|| {
        let mut s2 = Simulator::new(&cluster);
        for s in &add {
            s2.add_nodes(s);
        }
        s2
    });
    let requests = match &a.requests {
        Some(r) => Some(
            day2_sched::whatif::parse_requests(r, &Simulator::requests(p)).context("--requests")?,
        ),
        None => None,
    };
    let what_if = if let Some(sim2) = &sim2 {
        let mut changes: Vec<String> = add
            .iter()
            .map(|s| format!("add {}", s.describe()))
            .collect();
        if let Some(r) = &a.requests {
            changes.push(format!("pod requests {r}"));
        }
        Some((changes, sim2.explain_with(p, requests)))
    } else {
        None
    };
    term.progress_done();
    let what_if = what_if.map(|(changes, explanation)| day2_render::explain::WhatIf {
        changes,
        explanation,
    });
    let out = match a.output {
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&day2_render::explain::pod_json(&base, what_if.as_ref()))?
        }
        ExplainFormat::Html => {
            day2_render::explain::pod_html(&base, what_if.as_ref(), env!("CARGO_PKG_VERSION"))
        }
        ExplainFormat::Text => {
            day2_render::explain::pod_text(&base, what_if.as_ref(), term.color, a.all_nodes)
        }
    };
    term.print(&out)?;
    Ok(Outcome::Clean)
}

fn fragmentation(a: ExplainFragArgs, term: &Term) -> Result<Outcome> {
    let add = shapes(&a.add_node)?;
    let cluster = load(&a.snapshot, a.demo, &a.live, term)?;
    term.progress("simulating the scheduler …");
    let mut sim = Simulator::new(&cluster);
    for s in &add {
        sim.add_nodes(s);
    }
    let f = sim.fragmentation();
    term.progress_done();
    let changes: Vec<String> = add
        .iter()
        .map(|s| format!("add {}", s.describe()))
        .collect();
    let out = match a.output {
        ExplainFormat::Html => {
            bail!("`day2 explain fragmentation` prints text or json, not html")
        }
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&day2_render::explain::fragmentation_json(&f, &changes))?
        }
        ExplainFormat::Text => day2_render::explain::fragmentation_text(&f, &changes, term.color),
    };
    term.print(&out)?;
    Ok(Outcome::Clean)
}
