//! `day2 explain pod` and `day2 explain fragmentation`: the scheduler
//! simulator, for people (text) and for tools (JSON).

use crate::cli::{
    ExplainArgs, ExplainFormat, ExplainFragArgs, ExplainPodArgs, ExplainWhat, LiveOpts,
};
use crate::term::Term;
use crate::{Outcome, input};
use anyhow::{Context as _, Result, bail};
use day2_model::Cluster;
use day2_sched::{Explanation, Fragmentation, NodeShape, PendingKind, Simulator};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
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

struct Styles {
    on: bool,
}

impl Styles {
    fn paint(&self, style: anstyle::Style, s: &str) -> String {
        if self.on {
            format!("{style}{s}{style:#}")
        } else {
            s.to_owned()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint(anstyle::Style::new().bold(), s)
    }
    fn good(&self, s: &str) -> String {
        self.paint(
            anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into())),
            s,
        )
    }
    fn bad(&self, s: &str) -> String {
        self.paint(
            anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into())),
            s,
        )
    }
    fn dim(&self, s: &str) -> String {
        self.paint(anstyle::Style::new().dimmed(), s)
    }
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
    match a.output {
        ExplainFormat::Json => {
            let mut v = explanation_json(&base);
            if let Some((changes, e)) = &what_if {
                v["whatif"] = json!({
                    "changes": changes,
                    "aggregate": e.aggregate,
                    "fits": e.fitting().map(|n| n.name).collect::<Vec<_>>(),
                    "nodes": nodes_json(e),
                    "suggestions": e.suggestions,
                });
            }
            term.print(&serde_json::to_string_pretty(&v)?)?;
        }
        ExplainFormat::Html => {
            term.print(&day2_render::explain_html(
                &html_view(&base, what_if.as_ref()),
                env!("CARGO_PKG_VERSION"),
            ))?;
        }
        ExplainFormat::Text => {
            let st = Styles { on: term.color };
            let mut out = render_pod(&st, &base, a.all_nodes);
            if let Some((changes, e)) = &what_if {
                let _ = writeln!(out, "\n{} {}", st.bold("What if:"), changes.join("; "));
                let _ = writeln!(out, "  {}", verdict_line(&st, e));
                let fit: Vec<&str> = e.fitting().map(|n| n.name).collect();
                if !fit.is_empty() {
                    let _ = writeln!(out, "  fits on: {}", short(&fit, 8));
                }
                for s in e.suggestions.iter().take(3) {
                    let _ = writeln!(out, "  • {s}");
                }
            }
            term.print(&out)?;
        }
    }
    Ok(Outcome::Clean)
}

/// The figures `day2 explain pod -o html` lays out.
fn html_view(
    e: &Explanation<'_>,
    what_if: Option<&(Vec<String>, Explanation<'_>)>,
) -> day2_render::ExplainView {
    day2_render::ExplainView {
        pod: format!("{}/{}", e.pod.namespace, e.pod.name),
        bound_to: e.pod.node.clone(),
        requests: e
            .pod
            .requests
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
        fits: e.fits_anywhere(),
        aggregate: e.aggregate.clone(),
        nodes: e
            .nodes
            .iter()
            .map(|n| day2_render::NodeRow {
                name: n.name.to_owned(),
                zone: n.zone.map(str::to_owned),
                fits: n.fits,
                reasons: n.reasons().into_iter().map(Cow::into_owned).collect(),
                why: why(n),
                hypothetical: n.hypothetical,
            })
            .collect(),
        suggestions: e.suggestions.clone(),
        notes: e.notes.clone(),
        what_if: what_if.map(|(changes, w)| (changes.clone(), w.aggregate.clone())),
    }
}

fn nodes_json(e: &Explanation<'_>) -> Value {
    Value::Array(
        e.nodes
            .iter()
            .map(|n| {
                let mut v = json!({
                    "name": n.name,
                    "zone": n.zone,
                    "fits": n.fits,
                    "reasons": n.reasons(),
                    "plugins": n.failures.iter().map(|f| json!({
                        "plugin": f.plugin.name(),
                        "reasons": f.reasons,
                        "detail": f.detail,
                    })).collect::<Vec<_>>(),
                });
                if n.hypothetical {
                    v["hypothetical"] = json!(true);
                }
                v
            })
            .collect(),
    )
}

fn explanation_json(e: &Explanation<'_>) -> Value {
    json!({
        "schema": "day2/v1",
        "pod": e.pod,
        "nodes": nodes_json(e),
        "aggregate": e.aggregate,
        "suggestions": e.suggestions,
        "notes": e.notes,
    })
}

fn short(names: &[&str], max: usize) -> String {
    if names.len() <= max {
        names.join(", ")
    } else {
        format!(
            "{} … and {} more",
            names[..max].join(", "),
            names.len() - max
        )
    }
}

fn verdict_line(st: &Styles, e: &Explanation<'_>) -> String {
    if e.fits_anywhere() {
        st.good(&e.aggregate)
    } else {
        st.bad(&e.aggregate)
    }
}

fn why(n: &day2_sched::NodeResult<'_>) -> String {
    n.failures
        .iter()
        .map(|f| {
            let r = f.reason_text();
            if f.detail.is_empty() {
                format!("{}: {r}", f.plugin.name())
            } else {
                format!("{}: {r} ({})", f.plugin.name(), f.detail)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Nodes beyond this are grouped by why they fail.
const TABLE_MAX: usize = 30;

fn render_pod(st: &Styles, e: &Explanation<'_>, all: bool) -> String {
    let mut out = String::new();
    let req: Vec<String> = e
        .pod
        .requests
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    let state = match (&e.pod.node, &e.pod.phase) {
        (Some(n), Some(p)) => format!("{p} on {n}"),
        (Some(n), None) => format!("bound to {n}"),
        (None, Some(p)) => p.clone(),
        (None, None) => "not scheduled".into(),
    };
    let _ = writeln!(
        out,
        "{} {}/{} — {state}; requests {}",
        st.bold("Pod"),
        e.pod.namespace,
        e.pod.name,
        if req.is_empty() {
            "nothing".into()
        } else {
            req.join(", ")
        }
    );
    let _ = writeln!(out, "{}\n", verdict_line(st, e));
    if e.nodes.len() <= TABLE_MAX || all {
        let w = e
            .nodes
            .iter()
            .map(|n| n.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let z = e
            .nodes
            .iter()
            .map(|n| n.zone.unwrap_or("-").len())
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = writeln!(
            out,
            "{}",
            st.dim(&format!("{:w$}  {:z$}  FITS  WHY NOT", "NODE", "ZONE"))
        );
        let mut sorted: Vec<&day2_sched::NodeResult<'_>> = e.nodes.iter().collect();
        sorted.sort_by_key(|n| !n.fits);
        for n in sorted {
            let fits = if n.fits {
                st.good("yes ")
            } else {
                st.bad("no  ")
            };
            let mut line = format!(
                "{:w$}  {:z$}  {fits}  {}",
                n.name,
                n.zone.unwrap_or("-"),
                why(n)
            );
            if n.hypothetical {
                line.push_str(" (what-if)");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    } else {
        let fit: Vec<&str> = e.fitting().map(|n| n.name).collect();
        if !fit.is_empty() {
            let _ = writeln!(
                out,
                "{} {} node(s): {}",
                st.good("fits on"),
                fit.len(),
                short(&fit, 6)
            );
        }
        // Group by the plugins and reasons that reject each node.
        let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for n in e.nodes.iter().filter(|n| !n.fits) {
            let key = n
                .failures
                .iter()
                .map(|f| format!("{}: {}", f.plugin.name(), f.reason_text()))
                .collect::<Vec<_>>()
                .join("; ");
            groups.entry(key).or_default().push(n.name);
        }
        let mut groups: Vec<(String, Vec<&str>)> = groups.into_iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        for (why, names) in groups {
            let _ = writeln!(
                out,
                "{} {:>5} node(s)  {why}  {}",
                st.bad("no"),
                names.len(),
                st.dim(&format!("e.g. {}", short(&names, 3)))
            );
        }
        let _ = writeln!(
            out,
            "{}",
            st.dim("(--all-nodes lists every node; -o json gives each node's reasons)")
        );
    }
    if let Some(p) = &e.prefilter {
        let _ = writeln!(out, "\nRejected before any node was considered: {p}");
    }
    if !e.suggestions.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("What would make it fit:"));
        for s in &e.suggestions {
            let _ = writeln!(out, "  • {s}");
        }
    }
    if !e.notes.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Notes:"));
        for s in &e.notes {
            let _ = writeln!(out, "  • {s}");
        }
    }
    out
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
    match a.output {
        ExplainFormat::Html => {
            bail!("`day2 explain fragmentation` prints text or json, not html")
        }
        ExplainFormat::Json => {
            let mut v = json!({"schema": "day2/v1", "fragmentation": f});
            if !add.is_empty() {
                v["whatif"] = json!({"changes": add.iter().map(|s| format!("add {}", s.describe())).collect::<Vec<_>>()});
            }
            term.print(&serde_json::to_string_pretty(&v)?)?;
        }
        ExplainFormat::Text => {
            let st = Styles { on: term.color };
            let mut out = String::new();
            if !add.is_empty() {
                let changes: Vec<String> = add
                    .iter()
                    .map(|s| format!("add {}", s.describe()))
                    .collect();
                let _ = writeln!(out, "{} {}\n", st.bold("What if:"), changes.join("; "));
            }
            out.push_str(&render_fragmentation(&st, &f));
            term.print(&out)?;
        }
    }
    Ok(Outcome::Clean)
}

fn render_fragmentation(st: &Styles, f: &Fragmentation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} node(s), {} schedulable — the scheduler places a pod on one node; free space does not add up across nodes.\n",
        st.bold("Capacity:"),
        f.nodes,
        f.schedulable_nodes
    );
    let _ = writeln!(
        out,
        "{}",
        st.dim(&format!(
            "{:<20} {:>12} {:>14}  {:<}",
            "RESOURCE", "FREE TOTAL", "LARGEST BLOCK", "ON NODE"
        ))
    );
    for r in &f.resources {
        let _ = writeln!(
            out,
            "{:<20} {:>12} {:>14}  {}",
            r.resource,
            r.total_free,
            r.largest_free,
            r.largest_node.as_deref().unwrap_or("-")
        );
    }
    if f.pending.is_empty() {
        let _ = writeln!(out, "\nNo Pending pods.");
        return out;
    }
    let count = |k: PendingKind| f.pending.iter().filter(|p| p.kind == k).count();
    let _ = writeln!(
        out,
        "\n{} {} Pending pod(s): {} capacity, {} fragmentation, {} placement, {} blocked by claims, {} fit now",
        st.bold("Pending:"),
        f.pending.len(),
        count(PendingKind::Capacity),
        count(PendingKind::Fragmentation),
        count(PendingKind::Placement),
        count(PendingKind::Blocked),
        count(PendingKind::Fits)
    );
    let mut pending: Vec<&day2_sched::PendingVerdict> = f.pending.iter().collect();
    pending.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    for p in pending.iter().take(50) {
        let kind = match p.kind {
            PendingKind::Fits => st.good("fits"),
            PendingKind::Capacity => st.bad("capacity"),
            PendingKind::Fragmentation => st.bad("fragmentation"),
            PendingKind::Placement => st.bad("placement"),
            PendingKind::Blocked => st.bad("blocked"),
        };
        let _ = writeln!(out, "  {}/{}  {kind}: {}", p.namespace, p.name, p.detail);
    }
    if pending.len() > 50 {
        let _ = writeln!(
            out,
            "  … and {} more (-o json lists all)",
            pending.len() - 50
        );
    }
    out
}
