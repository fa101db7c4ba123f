//! Text for people at a terminal: a one-screen summary first, then the
//! incidents, the findings by loop, input problems, and the checklist last.

use crate::time;
use crate::wrap::{self, Span, pad, width};
use crate::{
    RenderOptions, UNEXPLAINED, by_message, by_rule, plural, pods_suffix, shown,
    timeline_repeats_chains,
};
use anstyle::{AnsiColor, Effects, Style};
use day2_model::escape::sanitize_terminal;
use day2_model::report::{Confidence, Diagnosis, Report, RuleInfo, Status};
use day2_model::{Finding, Loop, ObjRef, Severity};
use std::fmt::Write;

/// Indent of the lines under a finding or an incident.
const BODY: usize = 6;
/// Column where the text of a chain link or timeline entry starts
/// (after `  TIME······· loop·········· `).
const CHAIN_TEXT: usize = 28;

struct Paint {
    on: bool,
    /// Columns to wrap at; 0 = no wrapping.
    width: usize,
    /// Evidence is cut to [`EVIDENCE_LINES`] unless verbose.
    verbose: bool,
}

/// Lines of one piece of evidence shown unless verbose.
const EVIDENCE_LINES: usize = 3;

/// What a diagnosis whose cause the input does not hold says instead of a root cause.
fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}
fn bold() -> Style {
    Style::new().effects(Effects::BOLD)
}
fn dim() -> Style {
    Style::new().effects(Effects::DIMMED)
}

fn sev_style(s: Severity) -> Style {
    match s {
        Severity::Critical => fg(AnsiColor::Red).effects(Effects::BOLD | Effects::INVERT),
        Severity::High => fg(AnsiColor::Red).effects(Effects::BOLD),
        Severity::Medium => fg(AnsiColor::Yellow),
        Severity::Low => fg(AnsiColor::Blue),
        Severity::Info => dim(),
    }
}

fn loop_style(l: Loop) -> Style {
    fg(match l {
        Loop::Identity => AnsiColor::Magenta,
        Loop::Compute => AnsiColor::Cyan,
        Loop::Network => AnsiColor::Blue,
        Loop::Storage => AnsiColor::Yellow,
        Loop::Observability => AnsiColor::Green,
    })
}

fn status_style(s: Status) -> Style {
    match s {
        Status::Pass => fg(AnsiColor::Green),
        Status::Fail => fg(AnsiColor::Red).effects(Effects::BOLD),
        Status::Unknown => fg(AnsiColor::Yellow),
    }
}

fn mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Unknown => "?",
    }
}

impl Paint {
    /// `text` in `style`; plain text when colour is off. Control characters
    /// (a name or message holding `\e]0;…\a`) are shown, never sent raw.
    fn s(&self, style: Style, text: &str) -> String {
        let text = &*sanitize_terminal(text);
        if self.on && style != Style::new() && !text.is_empty() {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
    /// Padded to `w` columns, then painted (so colour never shifts columns).
    fn padded(&self, style: Style, text: &str, w: usize) -> String {
        let padded = pad(text, w);
        let tail = padded.len() - text.len();
        format!("{}{}", self.s(style, text), &padded[padded.len() - tail..])
    }
    fn spans(&self, spans: &[Span]) -> String {
        spans.iter().map(|(t, st)| self.s(*st, t)).collect()
    }

    /// One paragraph (or several, split at newlines) after `prefix`, wrapped
    /// at the width with a hanging indent of `indent` columns. Lines that
    /// start with a space (code, YAML) are kept as they are.
    fn para(&self, o: &mut String, prefix: &[Span], indent: usize, text: &[Span]) {
        self.para_max(o, prefix, indent, text, usize::MAX);
    }

    /// Evidence: dim, and cut to a few lines with `…` unless verbose.
    fn evidence(&self, o: &mut String, at: usize, e: &str) {
        let max = if self.verbose {
            usize::MAX
        } else {
            EVIDENCE_LINES
        };
        self.para_max(
            o,
            &Paint::plain(&" ".repeat(at), Style::new()),
            at + 2,
            &Paint::plain(e, dim()),
            max,
        );
    }

    /// [`Paint::para`] with at most `max` lines, the last ending in `…`.
    fn para_max(&self, o: &mut String, prefix: &[Span], indent: usize, text: &[Span], max: usize) {
        let prefix_w: usize = prefix.iter().map(|(t, _)| width(t)).sum();
        let avail = if self.width == 0 {
            0
        } else {
            self.width.saturating_sub(prefix_w.max(indent)).max(20)
        };
        // Split the spans at newlines into source lines.
        let mut src_lines: Vec<Vec<Span>> = vec![Vec::new()];
        for (t, st) in text {
            // Made visible before wrapping, so widths are what is shown.
            let t = sanitize_terminal(t);
            for (i, piece) in t.split('\n').enumerate() {
                if i > 0 {
                    src_lines.push(Vec::new());
                }
                if !piece.is_empty()
                    && let Some(l) = src_lines.last_mut()
                {
                    l.push((piece.to_owned(), *st));
                }
            }
        }
        let mut out: Vec<Vec<Span>> = Vec::new();
        for src in src_lines {
            let starts_with_space = src.first().is_some_and(|(t, _)| t.starts_with(' '));
            if starts_with_space || src.is_empty() {
                out.push(src);
            } else {
                out.extend(wrap::wrap(&src, avail));
            }
        }
        if out.len() > max {
            out.truncate(max);
            if let Some(last) = out.last_mut() {
                let style = last.last().map(|(_, s)| *s).unwrap_or_default();
                last.push((" …".into(), style));
            }
        }
        for (i, line) in out.into_iter().enumerate() {
            if i == 0 {
                o.push_str(&self.spans(prefix));
            } else if !line.is_empty() {
                o.push_str(&" ".repeat(indent));
            }
            o.push_str(self.spans(&line).trim_end());
            o.push('\n');
        }
    }

    fn plain(text: &str, style: Style) -> Vec<Span> {
        vec![(text.to_owned(), style)]
    }
}

fn conf_str(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

pub fn report(r: &Report, opts: &RenderOptions) -> String {
    let p = Paint {
        on: opts.color,
        width: opts.width,
        verbose: opts.verbose,
    };
    let mut o = String::new();
    summary(&mut o, &p, r);
    let groups = r.incidents();
    for (i, g) in groups.iter().enumerate() {
        incident(&mut o, &p, i + 1, g);
    }
    timeline(&mut o, &p, r, &groups);
    findings(&mut o, &p, r, opts.verbose);
    notes(&mut o, &p, r, opts.verbose);
    checklist(&mut o, &p, r);
    o
}

fn summary(o: &mut String, p: &Paint, r: &Report) {
    let input = if r.source.input.is_empty() {
        String::new()
    } else {
        format!(" · {}", r.source.input)
    };
    let input = match &r.source.captured_at {
        Some(at) => format!("{input} · captured {at}"),
        None => input,
    };
    let _ = writeln!(
        o,
        "{} {}",
        p.s(bold(), "day2"),
        p.s(
            dim(),
            &format!("· {} · cloud {}{input}", r.source.kind, r.source.cloud)
        )
    );
    let c = &r.summary.findings;
    let incidents = r.incidents().len();
    let mut line: Vec<Span> = vec![(
        format!(
            "{} · {}: ",
            plural(r.summary.objects, "object", "objects"),
            plural(c.total(), "finding", "findings")
        ),
        Style::new(),
    )];
    for (i, &s) in Severity::ALL_DESC.iter().enumerate() {
        let n = c.get(s);
        let sep = if i == 0 { "" } else { ", " };
        line.push((sep.into(), Style::new()));
        line.push((
            format!("{n} {s}"),
            if n > 0 { sev_style(s) } else { Style::new() },
        ));
    }
    if incidents > 0 {
        line.push((" · ".into(), Style::new()));
        line.push((plural(incidents, "incident", "incidents"), bold()));
    }
    p.para(o, &[], 2, &line);
    o.push('\n');
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        let pass = cl.items.iter().filter(|i| i.status == Status::Pass).count();
        let checks = if cl.items.is_empty() {
            "no checklist items".to_owned()
        } else {
            format!("{pass}/{} checks pass", cl.items.len())
        };
        let worst = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .map(|w| format!(", worst {}", p.s(sev_style(w), w.as_str())))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {} {} {}  {}{worst}",
            p.padded(loop_style(l), l.as_str(), 13),
            p.padded(
                status_style(cl.status),
                &format!("{} {}", mark(cl.status), cl.status.as_str()),
                10
            ),
            pad(&checks, 16),
            plural(fs.len(), "finding", "findings"),
        );
    }
    let groups = incidents_list(r);
    if !groups.is_empty() {
        let _ = writeln!(o, "\n{}", p.s(bold(), "Incidents (root cause ← symptoms)"));
        for line in groups {
            p.para(o, &line.0, 6, &line.1);
        }
    }
}

/// One line per incident for the summary: prefix and text.
fn incidents_list(r: &Report) -> Vec<(Vec<Span>, Vec<Span>)> {
    r.incidents()
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let d = &g[0];
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
                    format!("{} {}{more}", d.symptom.kind, d.symptom.object)
                })
                .collect();
            (
                vec![(format!("  {:>2}. ", i + 1), fg(AnsiColor::Red))],
                if d.unexplained {
                    vec![
                        (UNEXPLAINED.to_owned(), fg(AnsiColor::Yellow)),
                        (format!("  ←  {}", symptoms.join(", ")), Style::new()),
                    ]
                } else {
                    vec![
                        (
                            d.root_cause.loop_.as_str().to_owned(),
                            loop_style(d.root_cause.loop_),
                        ),
                        (" ".into(), Style::new()),
                        (d.root_cause.object.to_string(), bold()),
                        (format!("{rule}  ←  {}", symptoms.join(", ")), Style::new()),
                    ]
                },
            )
        })
        .collect()
}

fn incident(o: &mut String, p: &Paint, n: usize, g: &[Diagnosis]) {
    let d0 = &g[0];
    let rule = d0
        .root_cause
        .rule
        .as_ref()
        .map(|r| format!(" [{r}]"))
        .unwrap_or_default();
    if d0.unexplained {
        let _ = writeln!(
            o,
            "\n{} {} — {}",
            p.s(bold(), &format!("Incident {n}:")),
            p.s(fg(AnsiColor::Yellow), UNEXPLAINED),
            p.s(bold(), &d0.root_cause.object.to_string()),
        );
    } else {
        let _ = writeln!(
            o,
            "\n{} root cause in {} — {}{}",
            p.s(bold(), &format!("Incident {n}:")),
            p.s(
                loop_style(d0.root_cause.loop_),
                d0.root_cause.loop_.as_str()
            ),
            p.s(bold(), &d0.root_cause.object.to_string()),
            sanitize_terminal(&rule),
        );
    }
    for d in g {
        let since = d
            .symptom
            .since
            .as_ref()
            .map(|s| format!(" since {s}"))
            .unwrap_or_default();
        p.para(
            o,
            &Paint::plain("  symptom: ", fg(AnsiColor::Red)),
            BODY,
            &[
                (d.symptom.kind.clone(), bold()),
                (
                    match &d.symptom.workload {
                        Some(w) => format!(" {} of {w} (", d.symptom.object),
                        None => format!(" {} (", d.symptom.object),
                    },
                    Style::new(),
                ),
                (d.symptom.loop_.as_str().into(), loop_style(d.symptom.loop_)),
                (")".into(), Style::new()),
                (since, dim()),
            ],
        );
        for e in d.symptom.evidence.iter().take(3) {
            p.evidence(o, BODY, e);
        }
    }
    // Every diagnosis of an incident carries its chain; show the fullest once.
    let d = g.iter().max_by_key(|d| d.chain.len()).unwrap_or(d0);
    let day = g
        .iter()
        .filter_map(|d| d.symptom.since)
        .min()
        .map(time::day);
    if !d.chain.is_empty() {
        let _ = writeln!(o, "  {}", p.s(bold(), "chain:"));
    }
    for link in &d.chain {
        let prefix = vec![
            (
                format!("  {} ", pad(&time::short_on(link.at, day), 11)),
                dim(),
            ),
            (pad(link.loop_.as_str(), 14), loop_style(link.loop_)),
        ];
        p.para(
            o,
            &prefix,
            CHAIN_TEXT,
            &Paint::plain(&format!("{} — {}", link.object, link.what), Style::new()),
        );
        for e in link.evidence.iter().take(3) {
            p.evidence(o, CHAIN_TEXT + 2, e);
        }
    }
    p.para(
        o,
        &Paint::plain(
            &if d.unexplained {
                format!("  {UNEXPLAINED}: ")
            } else {
                "  root cause: ".to_owned()
            },
            bold(),
        ),
        BODY,
        &Paint::plain(&d.root_cause.summary, Style::new()),
    );
    p.para(
        o,
        &Paint::plain("  fix: ", fg(AnsiColor::Green)),
        BODY,
        &Paint::plain(&d.fix, Style::new()),
    );
    let conf = g.iter().map(|d| d.confidence).max().unwrap_or(d.confidence);
    let _ = writeln!(
        o,
        "  {}",
        p.s(dim(), &format!("confidence: {}", conf_str(conf)))
    );
    let mut same: Vec<&ObjRef> = g.iter().flat_map(|d| &d.also_affected).collect();
    same.sort();
    same.dedup();
    if !same.is_empty() {
        let names: Vec<String> = same.iter().take(8).map(|x| x.to_string()).collect();
        let more = if same.len() > 8 {
            format!(" … +{}", same.len() - 8)
        } else {
            String::new()
        };
        p.para(
            o,
            &Paint::plain("  same cause: ", dim()),
            BODY,
            &Paint::plain(&format!("{}{more}", names.join(", ")), Style::new()),
        );
    }
    let mut missing: Vec<&String> = g.iter().flat_map(|d| &d.missing_evidence).collect();
    missing.sort();
    missing.dedup();
    for m in missing {
        p.para(
            o,
            &Paint::plain("  missing evidence: ", fg(AnsiColor::Yellow)),
            BODY,
            &Paint::plain(m, Style::new()),
        );
    }
}

/// The cross-loop timeline, unless it only repeats the one chain shown above.
fn timeline(o: &mut String, p: &Paint, r: &Report, groups: &[&[Diagnosis]]) {
    if r.timeline.is_empty() || timeline_repeats_chains(r, groups) {
        return;
    }
    let _ = writeln!(o, "\n{}", p.s(bold(), "Timeline"));
    let day = r.timeline.iter().filter_map(|t| t.at).min().map(time::day);
    for t in &r.timeline {
        let prefix = vec![
            (format!("  {} ", pad(&time::short_on(t.at, day), 11)), dim()),
            (pad(t.loop_.as_str(), 14), loop_style(t.loop_)),
        ];
        p.para(
            o,
            &prefix,
            CHAIN_TEXT,
            &Paint::plain(&format!("{} — {}", t.object, t.what), Style::new()),
        );
    }
}

fn findings(o: &mut String, p: &Paint, r: &Report, verbose: bool) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", p.s(bold(), "Findings"));
    for l in Loop::ALL {
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        if fs.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "\n── {} · {} ──",
            p.s(loop_style(l).effects(Effects::BOLD), l.as_str()),
            plural(fs.len(), "finding", "findings")
        );
        for (rule, group) in by_rule(fs) {
            // Identical messages read once, with the objects they are about.
            let same = by_message(&group);
            let n = shown(same.len(), verbose);
            let mut last_fix: Option<&str> = None;
            for g in &same[..n] {
                finding(o, p, g, last_fix != Some(&*g[0].fix), verbose);
                last_fix = Some(&g[0].fix);
            }
            let hidden = &same[n..];
            if !hidden.is_empty() {
                let objects: usize = hidden.iter().map(Vec::len).sum();
                let names: Vec<String> = hidden
                    .iter()
                    .flatten()
                    .take(MORE_NAMES)
                    .map(|f| f.object.to_string())
                    .collect();
                let rest = if objects > names.len() { ", …" } else { "" };
                p.para(
                    o,
                    &Paint::plain(&" ".repeat(BODY), Style::new()),
                    BODY + 2,
                    &Paint::plain(
                        &format!(
                            "… and {objects} more {rule}: {}{rest} (-v shows all)",
                            names.join(", ")
                        ),
                        dim(),
                    ),
                );
            }
        }
    }
}

/// Objects named after "… and N more" before the list is cut.
const MORE_NAMES: usize = 8;

fn finding(o: &mut String, p: &Paint, same: &[&Finding], show_fix: bool, verbose: bool) {
    let f = same[0];
    let loc = f
        .location
        .as_ref()
        .map(|l| format!("  {l}"))
        .unwrap_or_default();
    let others = if same.len() > 1 {
        format!(" and {}", plural(same.len() - 1, "other", "others"))
    } else {
        String::new()
    };
    p.para(
        o,
        &[
            ("  ".into(), Style::new()),
            (
                pad(f.severity.as_str().to_uppercase().as_str(), 8),
                sev_style(f.severity),
            ),
            (" ".into(), Style::new()),
        ],
        BODY + 5,
        &[
            (f.rule.to_string(), bold()),
            (format!(" {}{others}", f.object), Style::new()),
            (pods_suffix(same), Style::new()),
            (loc, dim()),
        ],
    );
    if same.len() > 1 {
        let n = if verbose {
            same.len() - 1
        } else {
            (same.len() - 1).min(MORE_NAMES)
        };
        let names: Vec<String> = same[1..=n].iter().map(|f| f.object.to_string()).collect();
        let rest = if n < same.len() - 1 {
            ", … (-v lists all)"
        } else {
            ""
        };
        p.para(
            o,
            &Paint::plain(&" ".repeat(BODY), Style::new()),
            BODY + 2,
            &Paint::plain(&format!("also {}{rest}", names.join(", ")), dim()),
        );
    }
    p.para(
        o,
        &Paint::plain(&" ".repeat(BODY), Style::new()),
        BODY,
        &Paint::plain(&f.message, Style::new()),
    );
    if show_fix {
        p.para(
            o,
            &[
                (" ".repeat(BODY), Style::new()),
                ("fix: ".into(), fg(AnsiColor::Green)),
            ],
            BODY + 5,
            &Paint::plain(&f.fix, Style::new()),
        );
    }
}

fn notes(o: &mut String, p: &Paint, r: &Report, verbose: bool) {
    if r.notes.is_empty() {
        return;
    }
    const MAX: usize = 10;
    let _ = writeln!(o, "\n{}", p.s(bold(), "Input problems"));
    let n = if verbose {
        r.notes.len()
    } else {
        r.notes.len().min(MAX)
    };
    for note in &r.notes[..n] {
        p.para(
            o,
            &Paint::plain("  ! ", fg(AnsiColor::Yellow)),
            4,
            &Paint::plain(note, Style::new()),
        );
    }
    if r.notes.len() > n {
        let _ = writeln!(
            o,
            "  {}",
            p.s(
                dim(),
                &format!("… and {} more (-v shows all)", r.notes.len() - n)
            )
        );
    }
}

fn checklist(o: &mut String, p: &Paint, r: &Report) {
    let _ = writeln!(o, "\n{}", p.s(bold(), "Cluster Readiness Checklist"));
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let _ = writeln!(
            o,
            "  {} {}",
            p.s(status_style(cl.status), mark(cl.status)),
            p.s(bold(), l.title())
        );
        for item in &cl.items {
            let failing = if item.failing > 0 {
                format!(" — {} failing", item.failing)
            } else {
                String::new()
            };
            let detail = match (item.status, &item.detail) {
                (Status::Unknown, Some(d)) => format!(" ({d})"),
                _ => String::new(),
            };
            p.para(
                o,
                &[
                    ("      ".into(), Style::new()),
                    (mark(item.status).into(), status_style(item.status)),
                    (" ".into(), Style::new()),
                ],
                8,
                &[
                    (item.text.clone(), Style::new()),
                    (failing, status_style(Status::Fail)),
                    (detail, dim()),
                ],
            );
        }
    }
}

pub fn rules(rules: &[RuleInfo], color: bool) -> String {
    let p = Paint {
        on: color,
        width: 0,
        verbose: true,
    };
    let mut o = String::new();
    let name_w = rules
        .iter()
        .map(|r| width(&r.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        o,
        "{}",
        p.s(
            bold(),
            &format!(
                "{} {} {} {} summary",
                pad("code", 6),
                pad("name", name_w),
                pad("loop", 13),
                pad("severity", 8)
            )
        )
    );
    for r in rules {
        let _ = writeln!(
            o,
            "{} {} {} {} {}",
            p.padded(bold(), &r.code, 6),
            pad(&r.name, name_w),
            p.padded(loop_style(r.loop_), r.loop_.as_str(), 13),
            p.padded(sev_style(r.severity), r.severity.as_str(), 8),
            p.spans(&inline(&r.summary))
        );
    }
    let _ = writeln!(
        o,
        "\n{}. `day2 rule CODE` shows one rule's documentation.",
        plural(rules.len(), "rule", "rules")
    );
    o
}

/// Inline Markdown (`**bold**`, `*italic*`, `` `code` ``) as styled spans.
fn inline(md: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut buf = String::new();
    let (mut b, mut i, mut code) = (false, false, false);
    let style = |b: bool, i: bool, code: bool| {
        let mut s = Style::new();
        if b {
            s = s.effects(Effects::BOLD);
        }
        if i {
            s = s.effects(s.get_effects() | Effects::ITALIC);
        }
        if code {
            s = s.fg_color(Some(AnsiColor::Cyan.into()));
        }
        s
    };
    let mut chars = md.chars().peekable();
    let flush = |buf: &mut String, out: &mut Vec<Span>, st: Style| {
        if !buf.is_empty() {
            out.push((std::mem::take(buf), st));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                flush(&mut buf, &mut out, style(b, i, code));
                code = !code;
            }
            '*' if !code && chars.peek() == Some(&'*') => {
                chars.next();
                flush(&mut buf, &mut out, style(b, i, code));
                b = !b;
            }
            '*' if !code && (i || chars.peek().is_some_and(|n| !n.is_whitespace())) => {
                flush(&mut buf, &mut out, style(b, i, code));
                i = !i;
            }
            c => buf.push(c),
        }
    }
    flush(&mut buf, &mut out, style(b, i, code));
    out
}

/// A rule's Markdown docs, made readable on a terminal: headings in bold,
/// paragraphs and list items wrapped, code blocks indented, inline markup
/// turned into style (or dropped without colour).
pub fn rule_doc(rule: &RuleInfo, opts: &RenderOptions) -> String {
    let p = Paint {
        on: opts.color,
        width: opts.width,
        verbose: true,
    };
    let mut o = String::new();
    let mut in_code = false;
    let mut para: Vec<String> = Vec::new();
    let flush = |o: &mut String, para: &mut Vec<String>| {
        if !para.is_empty() {
            let text = para.join(" ");
            p.para(o, &[], 0, &inline(&text));
            para.clear();
        }
    };
    for line in rule.docs.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut o, &mut para);
            in_code = !in_code;
            continue;
        }
        if in_code {
            let _ = writeln!(o, "    {}", p.s(dim(), line).trim_end());
        } else if let Some(h) = line.strip_prefix("# ") {
            flush(&mut o, &mut para);
            let _ = writeln!(o, "{}", p.spans(&restyle(inline(h), bold())));
        } else if let Some(h) = line
            .strip_prefix("## ")
            .or_else(|| line.strip_prefix("### "))
        {
            flush(&mut o, &mut para);
            let _ = writeln!(o, "{}", p.s(bold(), &h.to_uppercase()));
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            flush(&mut o, &mut para);
            p.para(
                &mut o,
                &Paint::plain("  • ", Style::new()),
                4,
                &inline(item),
            );
        } else if line.trim().is_empty() {
            flush(&mut o, &mut para);
            // One blank line between blocks.
            if !o.is_empty() && !o.ends_with("\n\n") {
                o.push('\n');
            }
        } else {
            para.push(line.trim().to_owned());
        }
    }
    flush(&mut o, &mut para);
    while o.ends_with("\n\n") {
        o.pop();
    }
    o
}

fn restyle(spans: Vec<Span>, extra: Style) -> Vec<Span> {
    spans
        .into_iter()
        .map(|(t, s)| (t, s.effects(s.get_effects() | extra.get_effects())))
        .collect()
}
