//! `day2 explain pod -o html`: the scheduler simulator's verdict on every
//! node (fits, or why not), the counts by reason, and what would help. The
//! caller hands the verdicts over; this only lays them out.

use super::util::T;
use maud::html;
use std::collections::BTreeMap;

/// What the explain page shows.
#[derive(Debug, Clone, Default)]
pub struct ExplainView {
    /// `namespace/name` of the pod.
    pub pod: String,
    /// The node it is bound to, if any.
    pub bound_to: Option<String>,
    /// `cpu=500m`, `memory=1Gi`, …
    pub requests: Vec<String>,
    /// Whether some node fits.
    pub fits: bool,
    /// `0/6 nodes are available: …`
    pub aggregate: String,
    pub nodes: Vec<NodeRow>,
    pub suggestions: Vec<String>,
    pub notes: Vec<String>,
    /// A what-if run: the changes and its verdict.
    pub what_if: Option<(Vec<String>, String)>,
}

/// One node's verdict.
#[derive(Debug, Clone, Default)]
pub struct NodeRow {
    pub name: String,
    pub zone: Option<String>,
    pub fits: bool,
    /// Upstream reason strings of each failing filter.
    pub reasons: Vec<String>,
    /// Each failing filter with its detail (`NodeResourcesFit: Insufficient cpu (680m free)`).
    pub why: String,
    /// Added by a what-if.
    pub hypothetical: bool,
}

/// Node rows the page holds at most (the counts by reason cover all).
const NODE_ROWS: usize = 500;

/// The explain page.
pub fn explain(v: &ExplainView, tool_version: &str) -> String {
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    let mut zones: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for n in &v.nodes {
        for r in &n.reasons {
            *by_reason.entry(r.as_str()).or_default() += 1;
        }
        let z = zones.entry(n.zone.as_deref().unwrap_or("—")).or_default();
        z.0 += 1;
        if n.fits {
            z.1 += 1;
        }
    }
    let mut reasons: Vec<(&str, usize)> = by_reason.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // Fitting nodes first, then by name (the simulator's order otherwise).
    let mut rows: Vec<&NodeRow> = v.nodes.iter().collect();
    rows.sort_by_key(|n| std::cmp::Reverse(n.fits));
    let shown = &rows[..rows.len().min(NODE_ROWS)];
    let body = html! {
        header.top {
            h1 { "day2 explain · " code { (T(&v.pod)) } }
            p.totals {
                span class={ "st " (if v.fits { "st-pass" } else { "st-fail" }) } { (if v.fits { "✓ fits" } else { "✗ does not fit" }) }
                " " (T(&v.aggregate))
            }
            dl.meta {
                div { dt { "requests" } dd { @if v.requests.is_empty() { "none" } @else { code { (T(&v.requests.join(", "))) } } } }
                div { dt { "bound to" } dd { (T(v.bound_to.as_deref().unwrap_or("no node"))) } }
                div { dt { "nodes" } dd { (v.nodes.len()) } }
            }
        }
        main #main {
            @if !v.suggestions.is_empty() || v.what_if.is_some() {
                section #help aria-labelledby="h-help" {
                    h2 #h-help { "What would help" }
                    ul { @for s in &v.suggestions { li { (T(s)) } } }
                    @if let Some((changes, verdict)) = &v.what_if {
                        p { strong { "What if " (T(&changes.join("; "))) ": " } (T(verdict)) }
                    }
                }
            }
            @if !reasons.is_empty() {
                section #reasons aria-labelledby="h-reasons" {
                    h2 #h-reasons { "Why not, by reason" }
                    table.compact.coverage {
                        thead { tr { th scope="col" { "reason" } th scope="col" { "nodes" } } }
                        tbody { @for (r, n) in &reasons { tr { td { (T(r)) } td { (n) } } } }
                    }
                }
            }
            section #zones aria-labelledby="h-zones" {
                h2 #h-zones { "By zone" }
                table.compact.coverage {
                    thead { tr { th scope="col" { "zone" } th scope="col" { "nodes" } th scope="col" { "fit" } } }
                    tbody { @for (z, (n, fit)) in &zones { tr { td { (T(z)) } td { (n) } td { (fit) } } } }
                }
            }
            section #nodes aria-labelledby="h-nodes" {
                h2 #h-nodes { "Nodes" }
                table.compact {
                    thead { tr { th scope="col" { "node" } th scope="col" { "zone" } th scope="col" { "fits" } th scope="col" { "why not" } } }
                    tbody {
                        @for n in shown {
                            tr {
                                td { code { (T(&n.name)) } @if n.hypothetical { " " span.muted { "(what-if)" } } }
                                td { (T(n.zone.as_deref().unwrap_or("—"))) }
                                td { span class=(if n.fits { "st-pass" } else { "st-fail" }) { (if n.fits { "✓ fits" } else { "✗ no" }) } }
                                td { (T(&n.why)) }
                            }
                        }
                    }
                }
                @if shown.len() < rows.len() {
                    p.muted { (rows.len() - shown.len()) " more nodes: the counts above cover them, " code { "-o json" } " lists them." }
                }
            }
            @if !v.notes.is_empty() {
                section #notes aria-labelledby="h-notes" {
                    h2 #h-notes { "Notes" }
                    ul { @for n in &v.notes { li { (T(n)) } } }
                }
            }
        }
        footer { "day2 " (T(tool_version)) }
    };
    super::page(&format!("day2 explain · {}", v.pod), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_page_lists_nodes_fit_first_with_why_and_counts_by_reason() {
        let node = |name: &str, zone: &str, fits: bool, reason: &str| NodeRow {
            name: name.into(),
            zone: Some(zone.into()),
            fits,
            reasons: if fits { vec![] } else { vec![reason.into()] },
            why: if fits {
                String::new()
            } else {
                format!("NodeResourcesFit: {reason}")
            },
            hypothetical: false,
        };
        let v = ExplainView {
            pod: "db/postgres-0".into(),
            aggregate: "1/3 nodes are available: 2 Insufficient cpu.".into(),
            fits: true,
            nodes: vec![
                node("a", "us-east-1a", false, "Insufficient cpu"),
                node("b", "us-east-1b", true, ""),
                node("c<x>", "us-east-1a", false, "Insufficient cpu"),
            ],
            suggestions: vec!["add a node in us-east-1a".into()],
            ..Default::default()
        };
        let h = explain(&v, "0.0.0-test");
        let nodes = &h[h.find("id=\"h-nodes\"").unwrap()..];
        assert!(nodes.find("<code>b</code>").unwrap() < nodes.find("<code>a</code>").unwrap());
        assert!(h.contains("<tr><td>Insufficient cpu</td><td>2</td></tr>"));
        assert!(h.contains("<tr><td>us-east-1a</td><td>2</td><td>0</td></tr>"));
        assert!(h.contains("c&lt;x&gt;"));
        assert!(h.contains("add a node in us-east-1a"));
    }
}
