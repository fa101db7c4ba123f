//! One self-contained HTML page: CSS, script and SVG inline, system fonts,
//! nothing fetched (a Content-Security-Policy says so to the browser: only
//! the page's own style and script, named by their SHA-256, may run). Works
//! from `file://`, prints, follows `prefers-color-scheme`. Every string from
//! the report is escaped by the templates ([maud]).
//!
//! The page reads top-down: the header, the Cluster Readiness Checklist, the
//! loops picture, each incident drawn in lanes on a time axis beside its root
//! cause and fix, then the findings grouped by rule, filterable and paged.
//! Large reports stay small: a rule carries at most [`ROWS_PER_RULE`] rows
//! (every one with `--verbose`) beside a count per namespace, and at most
//! [`DRAWN_INCIDENTS`] incidents are drawn, the rest listed.

mod coverage;
mod draw;
mod nodes;
mod util;

pub use coverage::{LogsSource, LogsView, logs};
pub use nodes::{ExplainView, NodeRow, explain};

use crate::{RenderOptions, UNEXPLAINED, timeline_repeats_chains};
use day2_model::report::{Diagnosis, Report, RuleInfo, Status};
use day2_model::{Finding, Loop, Severity};
use draw::{Crossing, Event, LoopBox};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::BTreeMap;
use util::{T, count, csp_hash, rich};

pub(crate) use util::esc;

/// Base64 of the SHA-256 of `data`, as a CSP hash source names it.
#[cfg(test)]
pub(crate) fn digest_base64(data: &[u8]) -> String {
    util::base64(&util::sha256(data))
}

/// Rows of one rule the page carries (all of them with `--verbose`).
pub(crate) const ROWS_PER_RULE: usize = 200;
/// Incidents drawn as timelines; the rest are listed in a table.
pub(crate) const DRAWN_INCIDENTS: usize = 12;
/// Incidents listed at most (beyond the drawn ones).
const LISTED_INCIDENTS: usize = 500;
/// Other objects named per diagnosis.
const ALSO_SHOWN: usize = 12;
/// Rows per page of a rule's table (the script pages them).
const PAGE: usize = 25;
/// Cross-loop timeline entries listed at most.
const TIMELINE_ROWS: usize = 500;

/// Where a rule's documentation lives.
pub(crate) const RULE_DOCS: &str = "https://github.com/day2-dev/day2/blob/main/docs/rules.md";

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// The page around a body: head, policy, style, script.
pub(crate) fn page(title: &str, body: Markup) -> String {
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    );
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(csp);
                meta name="color-scheme" content="light dark";
                title { (T(title)) }
                style { (PreEscaped(CSS)) }
            }
            body {
                a.skip href="#main" { "Skip to the report" }
                (body)
                script { (PreEscaped(JS)) }
            }
        }
    }
    .into_string()
        + "\n"
}

fn sev_badge(s: Severity) -> Markup {
    let mark = match s {
        Severity::Critical => "‼",
        Severity::High => "▲",
        Severity::Medium => "◆",
        Severity::Low => "▽",
        Severity::Info => "ⓘ",
    };
    html! { span class={ "sev s-" (s.as_str()) } { span aria-hidden="true" { (mark) " " } (s.as_str()) } }
}

fn status_badge(s: Status) -> Markup {
    let mark = match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Unknown => "?",
    };
    html! { span class={ "st st-" (s.as_str()) } { span aria-hidden="true" { (mark) " " } (s.as_str()) } }
}

fn loop_tag(l: Loop) -> Markup {
    html! { span class={ "loop l-" (l.as_str()) } { (l.as_str()) } }
}

/// The anchor of a rule in docs/rules.md (`### ST001 immediate-binding-zonal-storage`).
fn rule_anchor(code: &str, name: &str) -> String {
    format!("{}#{}-{}", RULE_DOCS, code.to_ascii_lowercase(), name)
}

fn confidence(d: &Diagnosis) -> &'static str {
    match d.confidence {
        day2_model::report::Confidence::High => "high",
        day2_model::report::Confidence::Medium => "medium",
        day2_model::report::Confidence::Low => "low",
    }
}

pub fn report(r: &Report, rules: &[RuleInfo], opts: &RenderOptions) -> String {
    let groups = r.incidents();
    let where_ = if r.source.input.is_empty() {
        r.source.kind.as_str()
    } else {
        r.source.input.as_str()
    };
    let title = format!("day2 report · {where_}");
    let c = &r.summary.findings;
    let body = html! {
        header.top {
            h1 { "day2 report" }
            dl.meta {
                div { dt { "cluster" } dd { code { (T(where_)) } } }
                div { dt { "source" } dd { (T(&r.source.kind)) } }
                div { dt { "cloud" } dd { (T(&r.source.cloud)) } }
                @if let Some(at) = crate::captured(r) {
                    div.captured { dt { "captured" } dd {
                        @if r.source.captured_at.is_some() { time datetime=(at) { (T(&at)) } } @else { "unknown" }
                    } }
                }
                div { dt { "objects" } dd { (r.summary.objects) } }
                div { dt { "day2" } dd { (T(&opts.tool_version)) } }
            }
            p.totals {
                strong { (count(c.total(), "finding", "findings")) }
                @for s in Severity::ALL_DESC {
                    @if c.get(s) > 0 { " " (sev_badge(s)) " " (c.get(s)) }
                }
                @if !groups.is_empty() {
                    " · " a href="#incidents" { strong { (count(groups.len(), "incident", "incidents")) } }
                }
            }
            nav aria-label="Sections" {
                a href="#checklist" { "Checklist" }
                a href="#loops" { "Loops" }
                @if !groups.is_empty() { a href="#incidents" { "Incidents" } }
                a href="#findings" { "Findings" }
                @if !r.notes.is_empty() { a href="#input-problems" { "Input problems" } }
            }
        }
        main #main {
            (checklist(r))
            (loops(r, &groups))
            @if !groups.is_empty() { (incident_section(&groups, opts)) }
            @if !r.timeline.is_empty() && !timeline_repeats_chains(r, &groups) { (timeline(r)) }
            (findings(r, rules, opts))
            @if !r.notes.is_empty() {
                section #input-problems aria-labelledby="h-notes" {
                    h2 #h-notes { "Input problems" }
                    ul { @for n in &r.notes { li { (T(n)) } } }
                }
            }
        }
        footer { "day2 " (T(&opts.tool_version)) " · report schema " (T(&r.schema)) }
    };
    page(&title, body)
}

fn checklist(r: &Report) -> Markup {
    html! {
        section #checklist aria-labelledby="h-checklist" {
            h2 #h-checklist { "Cluster Readiness Checklist" }
            div.cards {
                @for l in Loop::ALL {
                    @let cl = r.checklist.get(l);
                    @let n = |s: Status| cl.items.iter().filter(|i| i.status == s).count();
                    article class={ "card c-" (cl.status.as_str()) } aria-labelledby={ "cl-" (l.as_str()) } {
                        h3 #{ "cl-" (l.as_str()) } { (l.title()) " " (status_badge(cl.status)) }
                        p.counts {
                            span.st-pass { (n(Status::Pass)) " pass" } " · "
                            span.st-fail { (n(Status::Fail)) " fail" } " · "
                            span.st-unknown { (n(Status::Unknown)) " unknown" }
                        }
                        details {
                            summary { (count(cl.items.len(), "check", "checks")) }
                            ul.items {
                                @for i in &cl.items {
                                    li {
                                        (status_badge(i.status)) " " (T(&i.text))
                                        @if i.status == Status::Fail { " — " strong { (i.failing) " failing" } }
                                        @if i.status == Status::Unknown { @if let Some(d) = &i.detail { " " span.muted { "(" (T(d)) ")" } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn loops(r: &Report, groups: &[&[Diagnosis]]) -> Markup {
    let boxes: Vec<LoopBox> = Loop::ALL
        .into_iter()
        .map(|l| LoopBox {
            loop_: l,
            findings: r.summary.loops.get(l.as_str()).copied().unwrap_or(0),
            worst: r
                .findings
                .iter()
                .filter(|f| f.loop_ == l)
                .map(|f| f.severity)
                .max(),
            checklist: r.checklist.get(l).status.as_str(),
        })
        .collect();
    let mut crossings: Vec<Crossing> = Vec::new();
    for (n, g) in groups.iter().enumerate() {
        let cause = g[0].root_cause.loop_;
        let mut froms: Vec<Loop> = g.iter().map(|d| d.symptom.loop_).collect();
        froms.sort();
        froms.dedup();
        for from in froms.into_iter().filter(|f| *f != cause) {
            match crossings
                .iter_mut()
                .find(|c| c.from == from && c.to == cause)
            {
                Some(c) => c.incidents.push(n + 1),
                None => crossings.push(Crossing {
                    from,
                    to: cause,
                    incidents: vec![n + 1],
                }),
            }
        }
    }
    html! {
        section #loops aria-labelledby="h-loops" {
            h2 #h-loops { "Loops" }
            p.muted { "Each loop coloured by its worst finding; an arrow runs from the loop where a symptom shows to the loop where its cause sits. Select a loop to filter the findings." }
            div.legend aria-hidden="true" {
                @for s in Severity::ALL_DESC { span class={ "key s-" (s.as_str()) } { (s.as_str()) } }
                span.key.s-none { "clean" }
            }
            (draw::loops(&boxes, &crossings))
        }
    }
}

/// The events of an incident: the longest chain of its diagnoses, or its
/// symptoms when no diagnosis has a chain.
fn events<'a>(n: usize, g: &'a [Diagnosis]) -> (Vec<Event<'a>>, Vec<&'a [String]>) {
    let longest = g.iter().max_by_key(|d| d.chain.len());
    match longest {
        Some(d) if !d.chain.is_empty() => d
            .chain
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    Event {
                        id: format!("i{n}-e{}", i + 1),
                        at: l.at,
                        loop_: l.loop_,
                        label: draw::short_label(&l.object.kind, &l.object.name),
                        what: &l.what,
                    },
                    l.evidence.as_slice(),
                )
            })
            .unzip(),
        _ => g
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    Event {
                        id: format!("i{n}-e{}", i + 1),
                        at: d.symptom.since,
                        loop_: d.symptom.loop_,
                        label: draw::short_label(&d.symptom.object.kind, &d.symptom.object.name),
                        what: &d.symptom.kind,
                    },
                    d.symptom.evidence.as_slice(),
                )
            })
            .unzip(),
    }
}

fn incident_section(groups: &[&[Diagnosis]], opts: &RenderOptions) -> Markup {
    let drawn = if opts.verbose {
        groups.len()
    } else {
        DRAWN_INCIDENTS.min(groups.len())
    };
    let listed = &groups[drawn..groups.len().min(drawn + LISTED_INCIDENTS)];
    html! {
        section #incidents aria-labelledby="h-incidents" {
            h2 #h-incidents { "Incidents " span.muted { "· " (groups.len()) } }
            @for (n, g) in groups[..drawn].iter().enumerate() { (incident(n + 1, g)) }
            @if !listed.is_empty() {
                h3 { "More incidents" }
                table.compact {
                    thead { tr { th scope="col" { "#" } th scope="col" { "root cause" } th scope="col" { "loop" } th scope="col" { "symptoms" } th scope="col" { "objects" } } }
                    tbody {
                        @for (i, g) in listed.iter().enumerate() {
                            @let d0 = &g[0];
                            tr {
                                td { (drawn + i + 1) }
                                td { @if d0.unexplained { strong { (UNEXPLAINED) } ": " } code { (T(&d0.root_cause.object.to_string())) } " " (rich(&d0.root_cause.summary)) }
                                td { @if d0.unexplained { "—" } @else { (loop_tag(d0.root_cause.loop_)) } }
                                td { @for (j, k) in symptom_kinds(g).iter().enumerate() { @if j > 0 { ", " } (T(k)) } }
                                td { (g.iter().map(|d| 1 + d.also_affected.len()).sum::<usize>()) }
                            }
                        }
                    }
                }
            }
            @if drawn + listed.len() < groups.len() {
                p.muted { (groups.len() - drawn - listed.len()) " more incidents are in the JSON report (" code { "-o json" } ")." }
            }
        }
    }
}

fn symptom_kinds(g: &[Diagnosis]) -> Vec<&str> {
    let mut k: Vec<&str> = g.iter().map(|d| d.symptom.kind.as_str()).collect();
    k.sort_unstable();
    k.dedup();
    k
}

fn incident(n: usize, g: &[Diagnosis]) -> Markup {
    let d0 = &g[0];
    let (evs, evidence) = events(n, g);
    let best = g.iter().max_by_key(|d| d.chain.len()).unwrap_or(d0);
    let conf = g.iter().max_by_key(|d| d.confidence).unwrap_or(d0);
    let mut missing: Vec<&String> = g.iter().flat_map(|d| &d.missing_evidence).collect();
    missing.sort();
    missing.dedup();
    let crosses = g.iter().any(|d| d.symptom.loop_ != d.root_cause.loop_);
    let aside = if d0.unexplained {
        format!("Cause not in the input and fix of incident {n}")
    } else {
        format!("Root cause and fix of incident {n}")
    };
    let title_id = format!("inc-{n}-title");
    html! {
        details.incident #{ "incident-" (n) } open[n == 1] {
            summary {
                h3 #(title_id) {
                    "Incident " (n) ": " (T(&symptom_kinds(g).join(", "))) " ← "
                    @if d0.unexplained {
                        (UNEXPLAINED) ": " code { (T(&d0.root_cause.object.to_string())) }
                    } @else {
                        (loop_tag(d0.root_cause.loop_)) " "
                        code { (T(&d0.root_cause.object.to_string())) }
                        @if let Some(rule) = &d0.root_cause.rule { " (" (T(rule)) ")" }
                        @if crosses { " " span.cross { "crosses loops" } }
                    }
                }
            }
            div.incbody {
                div.drawing {
                    (draw::lanes(&title_id, &evs))
                    div.evdetail aria-live="polite" hidden {}
                }
                ol.events {
                    @for (i, e) in evs.iter().enumerate() {
                        li #(e.id) {
                            span.t { code { (T(&crate::time::stamp(e.at))) } } " " (loop_tag(e.loop_)) " "
                            span.what { (rich(e.what)) }
                            " " span.obj { code { (T(&e.label)) } }
                            @if !evidence[i].is_empty() {
                                ul.evidence { @for x in evidence[i] { li { (T(x)) } } }
                            }
                        }
                    }
                }
                aside.cause aria-label=(aside) {
                    @if d0.unexplained {
                        h4 { "Cause not in the input" }
                        p { (rich(&d0.root_cause.summary)) }
                    } @else {
                        h4 { "Root cause" }
                        p { (loop_tag(d0.root_cause.loop_)) " " (rich(&d0.root_cause.summary)) }
                    }
                    p.muted { "confidence: " (confidence(conf)) }
                    h4 { "Fix" }
                    div.fix {
                        pre #{ "fix-" (n) } { (T(best.fix.trim_end())) }
                        button.copy type="button" data-copy={ "fix-" (n) } hidden { "Copy" }
                    }
                    @for m in &missing { p.st-unknown { "Missing evidence: " (T(m)) } }
                }
                div.symptoms {
                    h4 { "Symptoms" }
                    ul {
                        @for d in g {
                            li {
                                strong { (T(&d.symptom.kind)) } " " code { (T(&d.symptom.object.to_string())) } " " (loop_tag(d.symptom.loop_))
                                @if let Some(s) = &d.symptom.since { " " span.muted { "since " (T(&s.to_string())) } }
                                @if !d.also_affected.is_empty() {
                                    " — same on "
                                    @for (j, x) in d.also_affected.iter().take(ALSO_SHOWN).enumerate() {
                                        @if j > 0 { ", " } code { (T(&x.to_string())) }
                                    }
                                    @if d.also_affected.len() > ALSO_SHOWN { " and " (d.also_affected.len() - ALSO_SHOWN) " more" }
                                }
                                @if !d.symptom.evidence.is_empty() {
                                    ul.evidence { @for e in d.symptom.evidence.iter().take(3) { li { (T(e)) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn timeline(r: &Report) -> Markup {
    let evs: Vec<Event> = r
        .timeline
        .iter()
        .enumerate()
        .map(|(i, t)| Event {
            id: format!("t-e{}", i + 1),
            at: t.at,
            loop_: t.loop_,
            label: draw::short_label(&t.object.kind, &t.object.name),
            what: &t.what,
        })
        .collect();
    let drawn = evs.len() <= 40;
    html! {
        section #timeline aria-labelledby="h-timeline" {
            h2 #h-timeline { "Timeline" }
            @if drawn { (draw::lanes("h-timeline", &evs)) div.evdetail aria-live="polite" hidden {} }
            table.compact {
                thead { tr { th scope="col" { "time" } th scope="col" { "loop" } th scope="col" { "object" } th scope="col" { "what" } } }
                tbody {
                    @for (i, t) in r.timeline.iter().take(TIMELINE_ROWS).enumerate() {
                        tr id=[drawn.then(|| format!("t-e{}", i + 1))] {
                            td.t { code { (T(&crate::time::stamp(t.at))) } }
                            td { (loop_tag(t.loop_)) }
                            td { code { (T(&t.object.to_string())) } }
                            td { (rich(&t.what)) }
                        }
                    }
                }
            }
            @if r.timeline.len() > TIMELINE_ROWS {
                p.muted { (r.timeline.len() - TIMELINE_ROWS) " more entries are in the JSON report." }
            }
        }
    }
}

fn findings(r: &Report, rules: &[RuleInfo], opts: &RenderOptions) -> Markup {
    let groups = crate::by_rule(&r.findings);
    let mut namespaces: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &r.findings {
        *namespaces.entry(ns_key(f)).or_default() += 1;
    }
    let cap = if opts.verbose {
        usize::MAX
    } else {
        ROWS_PER_RULE
    };
    html! {
        section #findings aria-labelledby="h-findings" {
            h2 #h-findings { "Findings " span.muted { "· " (r.findings.len()) " in " (count(groups.len(), "rule", "rules")) } }
            @if r.findings.is_empty() {
                p { "No findings." }
            } @else {
                form #filters role="search" aria-label="Filter findings" {
                    label { "Search " input #f-q type="search" placeholder="object, message, rule…" autocomplete="off"; }
                    label { "Loop "
                        select #f-loop {
                            option value="" { "all" }
                            @for l in Loop::ALL { @if r.summary.loops.contains_key(l.as_str()) { option value=(l.as_str()) { (l.as_str()) } } }
                        }
                    }
                    label { "Severity "
                        select #f-sev {
                            option value="" { "all" }
                            @for s in Severity::ALL_DESC { @if r.summary.findings.get(s) > 0 { option value=(s.as_str()) { (s.as_str()) } } }
                        }
                    }
                    label { "Namespace "
                        select #f-ns {
                            option value="" { "all" }
                            @for (ns, n) in &namespaces {
                                option value=(T(ns)) { @if *ns == CLUSTER_SCOPED { "(cluster-scoped)" } @else { (T(ns)) } " · " (n) }
                            }
                        }
                    }
                    label { "Rule "
                        select #f-rule {
                            option value="" { "all" }
                            @for (rule, g) in &groups { option value=(T(rule)) { (T(rule)) " " (T(&g[0].name)) " · " (g.len()) } }
                        }
                    }
                    button #f-reset type="reset" { "Clear" }
                    output #f-status for="f-q f-loop f-sev f-ns f-rule" aria-live="polite" { (count(r.findings.len(), "finding", "findings")) }
                }
                div #rules {
                    @for (rule, g) in &groups { (rule_group(rule, g, rules, cap)) }
                }
                p #f-none.muted hidden { "No finding matches the filters." }
            }
        }
    }
}

/// The namespace filter's key of cluster-scoped objects (no namespace is
/// named `-`).
const CLUSTER_SCOPED: &str = "-";

fn ns_key(f: &Finding) -> &str {
    f.object.namespace.as_deref().unwrap_or(CLUSTER_SCOPED)
}

fn rule_group(rule: &str, g: &[&Finding], rules: &[RuleInfo], cap: usize) -> Markup {
    let f0 = g[0];
    let sev = g.iter().map(|f| f.severity).max().unwrap_or(f0.severity);
    let same_fix = g.iter().all(|f| f.fix == f0.fix);
    let info = rules.iter().find(|i| i.code == rule);
    let mut by_ns: BTreeMap<&str, usize> = BTreeMap::new();
    for f in g {
        *by_ns.entry(ns_key(f)).or_default() += 1;
    }
    let mut top_ns: Vec<(&str, usize)> = by_ns.iter().map(|(k, v)| (*k, *v)).collect();
    top_ns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows = &g[..g.len().min(cap)];
    html! {
        details.rule id={ "rule-" (T(rule)) } data-rule=(T(rule)) data-loop=(f0.loop_.as_str()) data-sev=(sev.as_str()) data-count=(g.len()) open[g.len() <= crate::COLLAPSE_OVER] {
            summary {
                (sev_badge(sev)) " "
                strong { (T(rule)) } " " (T(&f0.name)) " "
                (loop_tag(f0.loop_)) " "
                span.n { (count(g.len(), "object", "objects")) }
            }
            div.rulebody {
                p {
                    @if let Some(i) = info { (T(&i.summary)) ". " }
                    a href=(rule_anchor(rule, &f0.name)) { "Documentation of " (T(rule)) }
                }
                @if same_fix { div.fixline { strong { "Fix: " } (rich(&f0.fix)) } }
                @if by_ns.len() > 1 {
                    details.nsagg {
                        summary { "By namespace (" (by_ns.len()) ")" }
                        table.compact {
                            thead { tr { th scope="col" { "namespace" } th scope="col" { "findings" } } }
                            tbody {
                                @for (ns, n) in &top_ns {
                                    tr data-ns=(T(ns)) { td { @if *ns == CLUSTER_SCOPED { "(cluster-scoped)" } @else { (T(ns)) } } td { (n) } }
                                }
                            }
                        }
                    }
                } @else {
                    @for (ns, n) in &top_ns { span.nsone hidden data-ns=(T(ns)) data-n=(n) {} }
                }
                table.rows data-page=(PAGE) {
                    thead { tr { th scope="col" { "object" } th scope="col" { "where" } th scope="col" { "message" } @if !same_fix { th scope="col" { "fix" } } } }
                    tbody {
                        @for f in rows {
                            tr data-ns=(T(ns_key(f))) {
                                td { code { (T(&f.object.to_string())) } }
                                td { @if let Some(l) = &f.location { code { (T(&l.to_string())) } } }
                                td { (rich(&f.message)) }
                                @if !same_fix { td { (rich(&f.fix)) } }
                            }
                        }
                    }
                }
                @if rows.len() < g.len() {
                    p.more.muted { "This page holds " (rows.len()) " of " (g.len()) " objects; " code { "--verbose" } " holds them all, " code { "-o json" } " lists them." }
                }
                div.pager {}
            }
        }
    }
}
