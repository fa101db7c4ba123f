//! `day2 explain`: the scheduler simulator's verdicts for people (text,
//! HTML) and for tools (JSON).

use crate::html::{ExplainView, NodeRow};
use day2_model::text::short_list;
use day2_sched::{Explanation, Fragmentation, PendingKind};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A hypothetical change and the pod's verdict under it.
pub struct WhatIf<'c> {
    /// What changed, in words (`add 3× m5.large in us-east-1a`).
    pub changes: Vec<String>,
    pub explanation: Explanation<'c>,
}

/// `day2 explain pod -o text`: the verdict, the node table (grouped by
/// reason past 30 nodes unless `all_nodes`), suggestions and notes.
pub fn pod_text(
    e: &Explanation<'_>,
    what_if: Option<&WhatIf<'_>>,
    color: bool,
    all_nodes: bool,
) -> String {
    let st = Styles { on: color };
    let mut out = render_pod(&st, e, all_nodes);
    if let Some(w) = what_if {
        let e = &w.explanation;
        let _ = writeln!(out, "\n{} {}", st.bold("What if:"), w.changes.join("; "));
        let _ = writeln!(out, "  {}", verdict_line(&st, e));
        let fit: Vec<&str> = e.fitting().map(|n| n.name).collect();
        if !fit.is_empty() {
            let _ = writeln!(out, "  fits on: {}", short_list(&fit, 8));
        }
        for s in e.suggestions.iter().take(3) {
            let _ = writeln!(out, "  • {s}");
        }
    }
    out
}

/// `day2 explain pod -o json`.
pub fn pod_json(e: &Explanation<'_>, what_if: Option<&WhatIf<'_>>) -> Value {
    let mut v = explanation_json(e);
    if let Some(w) = what_if {
        let e = &w.explanation;
        v["whatif"] = json!({
            "changes": w.changes,
            "aggregate": e.aggregate,
            "fits": e.fitting().map(|n| n.name).collect::<Vec<_>>(),
            "nodes": nodes_json(e),
            "suggestions": e.suggestions,
        });
    }
    v
}

/// `day2 explain pod -o html`: one self-contained page.
pub fn pod_html(e: &Explanation<'_>, what_if: Option<&WhatIf<'_>>, tool_version: &str) -> String {
    crate::html::explain(&html_view(e, what_if), tool_version)
}

/// `day2 explain fragmentation -o text`.
pub fn fragmentation_text(f: &Fragmentation, changes: &[String], color: bool) -> String {
    let st = Styles { on: color };
    let mut out = String::new();
    if !changes.is_empty() {
        let _ = writeln!(out, "{} {}\n", st.bold("What if:"), changes.join("; "));
    }
    out.push_str(&render_fragmentation(&st, f));
    out
}

/// `day2 explain fragmentation -o json`.
pub fn fragmentation_json(f: &Fragmentation, changes: &[String]) -> Value {
    let mut v = json!({"schema": "day2/v1", "fragmentation": f});
    if !changes.is_empty() {
        v["whatif"] = json!({ "changes": changes });
    }
    v
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

/// The figures `day2 explain pod -o html` lays out.
fn html_view(e: &Explanation<'_>, what_if: Option<&WhatIf<'_>>) -> ExplainView {
    ExplainView {
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
            .map(|n| NodeRow {
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
        what_if: what_if.map(|w| (w.changes.clone(), w.explanation.aggregate.clone())),
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
                short_list(&fit, 6)
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
                st.dim(&format!("e.g. {}", short_list(&names, 3)))
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
