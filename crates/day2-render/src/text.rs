//! Text for people: a one-screen summary first, then what to act on.

use crate::{RenderOptions, object_label};
use anstyle::{AnsiColor, Effects, Style};
use day2_model::report::{Diagnosis, Report, RuleInfo, Status};
use day2_model::{Finding, Loop, Severity};
use std::fmt::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn s(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.s(Style::new().effects(Effects::BOLD), t)
    }
    fn dim(&self, t: &str) -> String {
        self.s(Style::new().effects(Effects::DIMMED), t)
    }
    fn fg(&self, c: AnsiColor, t: &str) -> String {
        self.s(Style::new().fg_color(Some(c.into())), t)
    }
    fn sev(&self, s: Severity) -> String {
        let (c, label) = match s {
            Severity::Critical => (AnsiColor::Red, "CRITICAL"),
            Severity::High => (AnsiColor::Red, "HIGH    "),
            Severity::Medium => (AnsiColor::Yellow, "MEDIUM  "),
            Severity::Low => (AnsiColor::Blue, "LOW     "),
            Severity::Info => (AnsiColor::White, "INFO    "),
        };
        let style = Style::new().fg_color(Some(c.into()));
        let style = if s >= Severity::High {
            style.effects(Effects::BOLD)
        } else {
            style
        };
        self.s(style, label)
    }
    fn status(&self, s: Status) -> String {
        match s {
            Status::Pass => self.fg(AnsiColor::Green, "✓ pass"),
            Status::Fail => self.s(
                Style::new()
                    .fg_color(Some(AnsiColor::Red.into()))
                    .effects(Effects::BOLD),
                "✗ fail",
            ),
            Status::Unknown => self.fg(AnsiColor::Yellow, "? unknown"),
        }
    }
    fn mark(&self, s: Status) -> String {
        match s {
            Status::Pass => self.fg(AnsiColor::Green, "✓"),
            Status::Fail => self.fg(AnsiColor::Red, "✗"),
            Status::Unknown => self.fg(AnsiColor::Yellow, "?"),
        }
    }
    fn lp(&self, l: Loop) -> String {
        let c = match l {
            Loop::Identity => AnsiColor::Magenta,
            Loop::Compute => AnsiColor::Cyan,
            Loop::Network => AnsiColor::Blue,
            Loop::Storage => AnsiColor::Yellow,
            Loop::Observability => AnsiColor::Green,
        };
        self.fg(c, l.as_str())
    }
}

/// How many findings of one rule to show before collapsing.
const COLLAPSE_AFTER: usize = 5;

fn short_time(t: &Option<String>) -> String {
    short_time_on(t, None)
}

/// `09:00:00`, or `03-01 14:22` when the time is on another day than `day`
/// (the incident's), so a chain that starts the day before reads right.
fn short_time_on(t: &Option<String>, day: Option<&str>) -> String {
    match t {
        Some(t) => match (t.get(..10), day) {
            (Some(d), Some(day)) if d != day => format!(
                "{} {}",
                t.get(5..10).unwrap_or(d),
                t.get(11..16).unwrap_or("")
            ),
            _ => t.get(11..19).unwrap_or(t).to_owned(),
        },
        None => "--:--:--".to_owned(),
    }
}

pub fn report(r: &Report, opts: &RenderOptions) -> String {
    let p = Paint { on: opts.color };
    let mut o = String::new();
    // --- summary ---
    let input = if r.source.input.is_empty() {
        String::new()
    } else {
        format!(" · {}", r.source.input)
    };
    let _ = writeln!(
        o,
        "{} {}",
        p.bold("day2"),
        p.dim(&format!(
            "· {} · cloud {}{input}",
            r.source.kind, r.source.cloud
        ))
    );
    let c = &r.summary.findings;
    let _ = writeln!(
        o,
        "{} objects · {} findings: {} critical, {} high, {} medium, {} low, {} info{}",
        r.summary.objects,
        c.total(),
        p.fg(AnsiColor::Red, &c.critical.to_string()),
        p.fg(AnsiColor::Red, &c.high.to_string()),
        p.fg(AnsiColor::Yellow, &c.medium.to_string()),
        c.low,
        c.info,
        if r.diagnoses.is_empty() {
            String::new()
        } else {
            format!(" · {} incident(s) diagnosed", r.diagnoses.len())
        }
    );
    o.push('\n');
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let n = r.findings.iter().filter(|f| f.loop_ == l).count();
        let worst = r
            .findings
            .iter()
            .filter(|f| f.loop_ == l)
            .map(|f| f.severity)
            .max();
        let worst = worst.map(|w| format!(", worst {w}")).unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<22} {:<18} {n} finding(s){worst}",
            p.lp(l),
            p.status(cl.status)
        );
    }
    if !r.diagnoses.is_empty() {
        let groups = incidents(&r.diagnoses);
        let _ = writeln!(o, "\n{}", p.bold("Incidents (root cause ← symptoms)"));
        for g in &groups {
            let d = g[0];
            let rule = d
                .root_cause
                .rule
                .as_ref()
                .map(|r| format!(" [{r}]"))
                .unwrap_or_default();
            let symptoms: Vec<String> = g
                .iter()
                .map(|d| {
                    let more = if d.also_affected.is_empty() {
                        String::new()
                    } else {
                        format!(" (+{})", d.also_affected.len())
                    };
                    format!(
                        "{} {}{more}",
                        d.symptom.kind,
                        object_label(&d.symptom.object)
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "  {} {} {}{rule}  ←  {}",
                p.fg(AnsiColor::Red, "●"),
                p.lp(d.root_cause.loop_),
                p.bold(&object_label(&d.root_cause.object)),
                symptoms.join(", ")
            );
        }
        for (i, g) in groups.iter().enumerate() {
            incident(&mut o, &p, i + 1, g);
        }
    }
    // --- timeline ---
    if !r.timeline.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Timeline"));
        for t in &r.timeline {
            let _ = writeln!(
                o,
                "  {}  {:<24} {} {}",
                short_time(&t.at),
                p.lp(t.loop_),
                object_label(&t.object),
                t.what
            );
        }
    }
    // --- findings by loop ---
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Findings"));
    }
    for l in Loop::ALL {
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        if fs.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n── {} ({}) ──", p.lp(l), fs.len());
        let mut shown_per_rule: std::collections::BTreeMap<&str, usize> = Default::default();
        let mut hidden: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in &fs {
            let n = shown_per_rule.entry(&f.rule).or_default();
            *n += 1;
            if *n > COLLAPSE_AFTER && !opts.verbose {
                *hidden.entry(&f.rule).or_default() += 1;
                continue;
            }
            finding(&mut o, &p, f, *n == 1);
        }
        for (rule, n) in hidden {
            let _ = writeln!(
                o,
                "  {} {}",
                p.dim(&format!("… and {n} more {rule} finding(s)")),
                p.dim("(-v shows all)")
            );
        }
    }
    // --- notes ---
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Input problems"));
        for n in r
            .notes
            .iter()
            .take(if opts.verbose { usize::MAX } else { 10 })
        {
            let _ = writeln!(o, "  {} {n}", p.fg(AnsiColor::Yellow, "!"));
        }
        if r.notes.len() > 10 && !opts.verbose {
            let _ = writeln!(
                o,
                "  {}",
                p.dim(&format!("… and {} more", r.notes.len() - 10))
            );
        }
    }
    // --- checklist last ---
    let _ = writeln!(o, "\n{}", p.bold("Cluster Readiness Checklist"));
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let _ = writeln!(o, "  {} {}", p.mark(cl.status), p.bold(l.title()));
        for item in &cl.items {
            let failing = if item.failing > 0 {
                format!(" — {} failing", item.failing)
            } else {
                String::new()
            };
            let detail = match (item.status, &item.detail) {
                (Status::Unknown, Some(d)) => p.dim(&format!(" ({d})")),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "      {} {}{failing}{detail}",
                p.mark(item.status),
                item.text
            );
        }
    }
    o
}

fn finding(o: &mut String, p: &Paint, f: &Finding, first_of_rule: bool) {
    let loc = f
        .location
        .as_ref()
        .map(|l| format!("  {}", p.dim(&l.to_string())))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "  {} {} {}{loc}",
        p.sev(f.severity),
        p.bold(&f.rule),
        object_label(&f.object)
    );
    let _ = writeln!(o, "      {}", f.message);
    if first_of_rule {
        let _ = writeln!(o, "      {} {}", p.fg(AnsiColor::Green, "fix:"), f.fix);
    }
}

/// Diagnoses grouped by root cause (loop, object, rule), in report order.
fn incidents(ds: &[Diagnosis]) -> Vec<Vec<&Diagnosis>> {
    let mut groups: Vec<Vec<&Diagnosis>> = Vec::new();
    for d in ds {
        let key = |x: &Diagnosis| {
            (
                x.root_cause.loop_,
                x.root_cause.object.clone(),
                x.root_cause.rule.clone(),
            )
        };
        match groups.iter_mut().find(|g| key(g[0]) == key(d)) {
            Some(g) => g.push(d),
            None => groups.push(vec![d]),
        }
    }
    groups
}

fn incident(o: &mut String, p: &Paint, n: usize, g: &[&Diagnosis]) {
    let d0 = g[0];
    let rule = d0
        .root_cause
        .rule
        .as_ref()
        .map(|r| format!(" [{r}]"))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "\n{} root cause in {} — {}{rule}",
        p.bold(&format!("Incident {n}:")),
        p.lp(d0.root_cause.loop_),
        p.bold(&object_label(&d0.root_cause.object)),
    );
    for d in g {
        let since = d
            .symptom
            .since
            .as_ref()
            .map(|s| p.dim(&format!(" since {s}")))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {} {} {} ({}){since}",
            p.fg(AnsiColor::Red, "symptom:"),
            p.bold(&d.symptom.kind),
            object_label(&d.symptom.object),
            p.lp(d.symptom.loop_)
        );
    }
    // Every diagnosis of an incident carries its chain; show the fullest once.
    let d = g
        .iter()
        .max_by_key(|d| d.chain.len())
        .copied()
        .unwrap_or(d0);
    let day = g
        .iter()
        .filter_map(|d| d.symptom.since.as_deref())
        .min()
        .and_then(|s| s.get(..10));
    for link in &d.chain {
        let _ = writeln!(
            o,
            "  {:<11}  {:<24} {} — {}",
            short_time_on(&link.at, day),
            p.lp(link.loop_),
            object_label(&link.object),
            link.what
        );
        for e in link.evidence.iter().take(3) {
            let _ = writeln!(o, "               {}", p.dim(e));
        }
    }
    let _ = writeln!(o, "  {} {}", p.bold("root cause:"), d.root_cause.summary);
    let _ = writeln!(o, "  {} {}", p.fg(AnsiColor::Green, "fix:"), d.fix);
    let conf = match g.iter().map(|d| d.confidence).max().unwrap_or(d.confidence) {
        day2_model::report::Confidence::High => "high",
        day2_model::report::Confidence::Medium => "medium",
        day2_model::report::Confidence::Low => "low",
    };
    let _ = writeln!(o, "  {}", p.dim(&format!("confidence: {conf}")));
    let mut same: Vec<&day2_model::ObjRef> = g.iter().flat_map(|d| &d.also_affected).collect();
    same.sort();
    same.dedup();
    if !same.is_empty() {
        let names: Vec<String> = same.iter().take(8).map(|x| object_label(x)).collect();
        let more = if same.len() > 8 {
            format!(" … +{}", same.len() - 8)
        } else {
            String::new()
        };
        let _ = writeln!(o, "  {} {}{more}", p.dim("same cause:"), names.join(", "));
    }
    let mut missing: Vec<&String> = g.iter().flat_map(|d| &d.missing_evidence).collect();
    missing.sort();
    missing.dedup();
    for m in missing {
        let _ = writeln!(o, "  {} {m}", p.fg(AnsiColor::Yellow, "missing evidence:"));
    }
}

pub fn rules(rules: &[RuleInfo], color: bool) -> String {
    let p = Paint { on: color };
    let mut o = String::new();
    let w = rules.iter().map(|r| r.name.len()).max().unwrap_or(10);
    let _ = writeln!(
        o,
        "{}",
        p.bold(&format!(
            "{:<6} {:<w$} {:<14} {:<9} summary",
            "code", "name", "loop", "severity"
        ))
    );
    for r in rules {
        let _ = writeln!(
            o,
            "{:<6} {:<w$} {:<14} {:<9} {}",
            r.code,
            r.name,
            r.loop_.as_str(),
            r.severity.as_str(),
            r.summary
        );
    }
    let _ = writeln!(
        o,
        "\n{} rules. `day2 rule CODE` shows one rule's documentation.",
        rules.len()
    );
    o
}

/// A rule's Markdown docs, made readable on a terminal.
pub fn rule_doc(rule: &RuleInfo, color: bool) -> String {
    let p = Paint { on: color };
    let mut o = String::new();
    let mut in_code = false;
    for line in rule.docs.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            let _ = writeln!(o, "    {}", p.dim(line));
        } else if let Some(h) = line.strip_prefix("# ") {
            let _ = writeln!(o, "{}", p.bold(h));
        } else if let Some(h) = line.strip_prefix("## ") {
            let _ = writeln!(o, "\n{}", p.bold(&h.to_uppercase()));
        } else {
            let _ = writeln!(o, "{}", line.replace("**", "").replace('`', ""));
        }
    }
    o
}
