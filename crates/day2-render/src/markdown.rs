//! Markdown (GitHub-flavoured) for a pull-request comment: a summary table,
//! the incidents, findings per loop and rule (long lists folded in
//! `<details>`), input problems and the checklist as task-list items.

use crate::html::esc as html;
use crate::{RenderOptions, UNEXPLAINED, by_rule, plural, timeline_repeats_chains};
use day2_model::report::{Report, RuleInfo, Status};
use day2_model::{Finding, Loop};
use std::fmt::Write;

/// Rows of one rule shown before the rest is cut (unless verbose): a
/// pull-request comment has a size limit.
const MAX_ROWS: usize = 25;
/// Rules with more findings than this fold their table into `<details>`.
const FOLD_OVER: usize = 5;
/// GitHub's limit on a pull-request or issue comment, in characters. The
/// report is kept to this many bytes (never more characters than bytes)
/// unless verbose: sections and rows stop where the room ends, never inside
/// a code span, a table row or a `<details>` block.
pub const COMMENT_LIMIT: usize = 65_536;
/// Room kept for the closing line that counts what was left out.
const CLOSING_ROOM: usize = 512;
/// Share of the room incidents and the timeline may take when there are
/// findings after them (the rest is kept for the findings).
const INCIDENTS_SHARE: (usize, usize) = (3, 5);
/// Input problems listed before they are counted (unless verbose).
const MAX_NOTES: usize = 20;

/// Inline text with `code spans` kept: everything else Markdown or HTML
/// would interpret is escaped, bare links and `@mentions` are made code (see
/// [`day2_model::escape::markdown`]).
pub(crate) fn inline(s: &str, table: bool) -> String {
    day2_model::escape::markdown(s, table)
}

/// An object reference or path as inline code.
fn code(s: &str, table: bool) -> String {
    day2_model::escape::markdown_code(s, table)
}

/// Text that may run over several lines (a fix with a YAML snippet) after a
/// label: inline after a space when it is one line, otherwise a fenced block
/// that keeps it verbatim.
fn block(s: &str) -> String {
    if !s.trim_end().contains('\n') {
        return format!(" {}", inline(s.trim_end(), false));
    }
    let s = day2_model::escape::sanitize_terminal(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("\n\n{fence}text\n{}\n{fence}", s.trim_end())
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Unknown => "❔ unknown",
    }
}

/// The Markdown report, within [`COMMENT_LIMIT`] unless verbose.
pub fn report(r: &Report, opts: &RenderOptions) -> String {
    let limit = if opts.verbose {
        usize::MAX
    } else {
        COMMENT_LIMIT
    };
    report_within(r, opts, limit)
}

/// The Markdown report in at most `limit` bytes (when the header, the
/// checklist and the closing line fit at all). The checklist and the input
/// problems are written first and kept; incidents, the timeline and the
/// findings take the room that is left, whole incidents and whole table
/// rows, and a closing line counts what did not fit.
pub(crate) fn report_within(r: &Report, opts: &RenderOptions, limit: usize) -> String {
    let tail = closing_sections(r, opts.verbose);
    let mut o = String::new();
    let c = &r.summary.findings;
    let groups = r.incidents();
    let _ = writeln!(o, "## day2 report\n");
    let _ = writeln!(
        o,
        "**{}** · cloud **{}**{} · {} objects · **{} findings**: {} critical, {} high, {} medium, {} low, {} info{}\n",
        inline(&r.source.kind, false),
        inline(&r.source.cloud, false),
        if r.source.input.is_empty() {
            String::new()
        } else {
            format!(" · {}", code(&r.source.input, false))
        } + &r
            .source
            .captured_at
            .as_ref()
            .map(|at| format!(" · captured {}", inline(&at.to_string(), false)))
            .unwrap_or_default(),
        r.summary.objects,
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        if groups.is_empty() {
            String::new()
        } else {
            format!(" · **{}**", plural(groups.len(), "incident", "incidents"))
        }
    );
    let _ = writeln!(
        o,
        "| loop | checklist | checks passing | findings | worst |\n|---|---|---|---|---|"
    );
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        let pass = cl.items.iter().filter(|i| i.status == Status::Pass).count();
        let worst = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .map(|s| s.as_str())
            .unwrap_or("—");
        let _ = writeln!(
            o,
            "| {} | {} | {pass}/{} | {} | {worst} |",
            l.as_str(),
            status(cl.status),
            cl.items.len(),
            fs.len()
        );
    }
    // The room of the body: the limit less the closing sections and line.
    let end = limit
        .saturating_sub(tail.len())
        .saturating_sub(CLOSING_ROOM)
        .max(o.len());
    let incidents_end = if r.findings.is_empty() {
        end
    } else {
        o.len() + (end - o.len()) / INCIDENTS_SHARE.1 * INCIDENTS_SHARE.0
    };
    let mut left_out = LeftOut::default();
    if !groups.is_empty() {
        let _ = writeln!(o, "\n### Incidents");
    }
    for (n, g) in groups.iter().enumerate() {
        let mut one = String::new();
        incident(&mut one, n, g);
        if o.len() + one.len() > incidents_end {
            left_out.incidents = groups.len() - n;
            let _ = writeln!(
                o,
                "\n_… {} not shown here (see the full report)._",
                plural(left_out.incidents, "more incident", "more incidents")
            );
            break;
        }
        o.push_str(&one);
    }
    if !r.timeline.is_empty() && !timeline_repeats_chains(r, &groups) {
        let _ = writeln!(
            o,
            "\n### Timeline\n\n| time | loop | object | what |\n|---|---|---|---|"
        );
        for (k, t) in r.timeline.iter().enumerate() {
            let row = format!(
                "| {} | {} | {} | {} |\n",
                inline(&crate::time::stamp(t.at), true),
                t.loop_,
                code(&t.object.to_string(), true),
                inline(&t.what, true)
            );
            if o.len() + row.len() > incidents_end {
                left_out.events = r.timeline.len() - k;
                let _ = writeln!(
                    o,
                    "\n_… {} not shown here (see the full report)._",
                    plural(left_out.events, "more event", "more events")
                );
                break;
            }
            o.push_str(&row);
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\n### Findings");
    }
    // Every rule with its first rows when they fit; fewer rows per rule
    // (down to one) before rules are left out.
    let room = end.saturating_sub(o.len());
    let caps: &[usize] = if opts.verbose {
        &[usize::MAX]
    } else {
        &[MAX_ROWS, 10, 5, 3, 1]
    };
    let mut best = None;
    for &cap in caps {
        let f = findings(r, cap, room);
        let whole = !f.cut;
        best = Some(f);
        if whole {
            break;
        }
    }
    let (text, shown) = match best {
        Some(f) => {
            left_out.cut |= f.cut || f.fewer;
            (f.text, f.shown)
        }
        None => (String::new(), 0),
    };
    o.push_str(&text);
    left_out.findings = r.findings.len() - shown;
    o.push_str(&tail);
    if left_out.cut || left_out.incidents > 0 || left_out.events > 0 {
        let _ = writeln!(o, "\n{}", left_out.line());
    }
    o
}

/// The findings section with at most `cap` rows per rule, in `room` bytes.
struct Findings {
    text: String,
    /// Findings named by the rows.
    shown: usize,
    /// Rules were left out for room.
    cut: bool,
    /// Rules show fewer rows than they would with room.
    fewer: bool,
}

fn findings(r: &Report, cap: usize, room: usize) -> Findings {
    let mut f = Findings {
        text: String::new(),
        shown: 0,
        cut: false,
        fewer: cap < MAX_ROWS,
    };
    for l in Loop::ALL {
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        if fs.is_empty() {
            continue;
        }
        let mut heading = String::new();
        let _ = writeln!(
            heading,
            "\n#### {} · {}",
            l.as_str(),
            plural(fs.len(), "finding", "findings")
        );
        for (rule, group) in by_rule(fs) {
            let left = room.saturating_sub(f.text.len() + heading.len());
            let Some(g) = rule_group(rule, &group, cap, left) else {
                // No room for this rule: it and the rest are counted at the end.
                f.cut = true;
                let _ = writeln!(
                    f.text,
                    "\n_… the other findings do not fit in a comment; the last line counts them._"
                );
                return f;
            };
            f.text.push_str(&std::mem::take(&mut heading));
            f.text.push_str(&g.text);
            f.shown += g.shown;
            f.fewer |= g.cut;
        }
    }
    f
}

/// What a report cut to fit a comment left out.
#[derive(Default)]
struct LeftOut {
    incidents: usize,
    events: usize,
    /// Findings in no row (cut for room, or past a rule's first rows).
    findings: usize,
    /// The room ran out in the findings.
    cut: bool,
}

impl LeftOut {
    fn line(&self) -> String {
        let mut parts = Vec::new();
        if self.incidents > 0 {
            parts.push(plural(self.incidents, "more incident", "more incidents"));
        }
        if self.events > 0 {
            parts.push(plural(
                self.events,
                "more timeline event",
                "more timeline events",
            ));
        }
        if self.findings > 0 || parts.is_empty() {
            parts.push(plural(self.findings, "more finding", "more findings"));
        }
        format!(
            "… {} not shown; see the full report (`-o html` or `-o json`).",
            parts.join(", ")
        )
    }
}

/// The input problems and the checklist: kept whatever the size of the report.
fn closing_sections(r: &Report, verbose: bool) -> String {
    let mut o = String::new();
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n### Input problems\n");
        let n = if verbose {
            r.notes.len()
        } else {
            r.notes.len().min(MAX_NOTES)
        };
        for note in &r.notes[..n] {
            let _ = writeln!(o, "- {}", inline(note, false));
        }
        if n < r.notes.len() {
            let _ = writeln!(
                o,
                "- … and {} (see the full report)",
                plural(
                    r.notes.len() - n,
                    "more input problem",
                    "more input problems"
                )
            );
        }
    }
    let _ = writeln!(o, "\n### Cluster Readiness Checklist");
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let _ = writeln!(o, "\n**{}** — {}\n", l.title(), status(cl.status));
        if cl.items.is_empty() {
            let _ = writeln!(o, "_no items_");
        }
        for i in &cl.items {
            let mark = if i.status == Status::Pass { "x" } else { " " };
            let extra = match i.status {
                Status::Fail => format!(" — **{} failing**", i.failing),
                Status::Unknown => format!(
                    " — _unknown_{}",
                    i.detail
                        .as_ref()
                        .map(|d| format!(": {}", inline(d, false)))
                        .unwrap_or_default()
                ),
                Status::Pass => String::new(),
            };
            let _ = writeln!(o, "- [{mark}] {}{extra}", inline(&i.text, false));
        }
    }
    o
}

/// ` (ST001)` after a root cause that a rule names, else nothing.
fn rule_suffix(cause: &day2_model::report::RootCause) -> String {
    cause
        .rule
        .as_ref()
        .map(|r| format!(" ({})", inline(r, false)))
        .unwrap_or_default()
}

/// One incident: its symptoms, the longest chain, the root cause and the fix.
fn incident(o: &mut String, n: usize, g: &[day2_model::report::Diagnosis]) {
    let d0 = &g[0];
    if d0.unexplained {
        let _ = writeln!(
            o,
            "\n#### {}. Cause not in the input: {}\n",
            n + 1,
            code(&d0.root_cause.object.to_string(), false),
        );
    } else {
        let _ = writeln!(
            o,
            "\n#### {}. Root cause in the {} loop: {}{}\n",
            n + 1,
            d0.root_cause.loop_,
            code(&d0.root_cause.object.to_string(), false),
            rule_suffix(&d0.root_cause)
        );
    }
    for d in g {
        let since = d
            .symptom
            .since
            .as_ref()
            .map(|s| format!(" since {}", inline(&s.to_string(), false)))
            .unwrap_or_default();
        let also = if d.also_affected.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = d
                .also_affected
                .iter()
                .map(|x| code(&x.to_string(), false))
                .collect();
            format!(" — same on {}", names.join(", "))
        };
        let of = d
            .symptom
            .workload
            .as_ref()
            .map(|w| format!(" of {}", code(&w.to_string(), false)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "- **{}** {}{of} ({}){since}{also}",
            inline(&d.symptom.kind, false),
            code(&d.symptom.object.to_string(), false),
            d.symptom.loop_
        );
        for e in d.symptom.evidence.iter().take(3) {
            let _ = writeln!(o, "  - {}", inline(e, false));
        }
    }
    let d = g.iter().max_by_key(|d| d.chain.len()).unwrap_or(d0);
    if !d.chain.is_empty() {
        let _ = writeln!(o, "\n| time | loop | object | what |\n|---|---|---|---|");
        for link in &d.chain {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                inline(&crate::time::stamp(link.at), true),
                link.loop_,
                code(&link.object.to_string(), true),
                inline(&link.what, true)
            );
        }
    }
    let conf = g.iter().map(|d| d.confidence).max().unwrap_or(d.confidence);
    let _ = writeln!(
        o,
        "\n**{}:** {}\n\n**Fix:**{}\n\n_Confidence: {}_",
        if d.unexplained {
            "Cause not in the input"
        } else {
            "Root cause"
        },
        inline(&d.root_cause.summary, false),
        block(&d.fix),
        serde_json::to_value(conf)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    );
    let mut missing: Vec<&String> = g.iter().flat_map(|d| &d.missing_evidence).collect();
    missing.sort();
    missing.dedup();
    for m in missing {
        let _ = writeln!(o, "\n_Missing evidence:_ {}", inline(m, false));
    }
}

/// Objects named in a row before the list is cut (unless verbose).
const MORE_NAMES: usize = 8;

/// A rule's findings as written.
struct Group {
    text: String,
    /// Findings named by its rows.
    shown: usize,
    /// Rows were left out for room (not only past [`MAX_ROWS`]).
    cut: bool,
}

/// One rule's findings: a heading, the fix when shared, a table of rows
/// (identical messages share a row), folded when long. `None` when not even
/// the heading and one row fit in `room` bytes.
fn rule_group(rule: &str, group: &[&Finding], cap: usize, room: usize) -> Option<Group> {
    let verbose = cap == usize::MAX;
    let mut o = String::new();
    let f0 = group[0];
    let same_fix = group.iter().all(|f| f.fix == f0.fix);
    let _ = writeln!(
        o,
        "\n**{}** `{}` · {} · {}",
        inline(rule, false),
        f0.name.replace('`', "'"),
        f0.severity,
        plural(group.len(), "object", "objects")
    );
    if same_fix {
        let _ = writeln!(o, "\nFix:{}", block(&f0.fix));
    }
    let fold = group.len() > FOLD_OVER;
    if fold {
        let _ = writeln!(
            o,
            "\n<details><summary>{} {} findings</summary>",
            html(rule),
            group.len()
        );
    }
    let _ = writeln!(
        o,
        "\n| object | where | message |{}\n|---|---|---|{}",
        if same_fix { "" } else { " fix |" },
        if same_fix { "" } else { "---|" }
    );
    // What closes the group: the count of rows left out and `</details>`.
    const CLOSE: usize = 96;
    // Identical messages share one row naming their objects.
    let rows = crate::by_message(group);
    let n = rows.len().min(cap);
    let mut shown_rows = 0;
    let mut shown = 0;
    for same in &rows[..n] {
        let row = row(same, same_fix, verbose);
        if o.len() + row.len() + CLOSE > room {
            break;
        }
        o.push_str(&row);
        shown_rows += 1;
        shown += same.len();
    }
    if shown_rows == 0 {
        return None;
    }
    if rows.len() > shown_rows {
        let _ = writeln!(
            o,
            "\n… and {} more (`-v` lists every object)",
            group.len() - shown
        );
    }
    if fold {
        let _ = writeln!(o, "\n</details>");
    }
    Some(Group {
        text: o,
        shown,
        cut: shown_rows < n,
    })
}

/// One table row: the object (and the others with the same message), where,
/// the message, and the fix unless the rule's findings share it.
fn row(same: &[&Finding], same_fix: bool, verbose: bool) -> String {
    let f = same[0];
    let loc = f
        .location
        .as_ref()
        .map(|l| code(&l.to_string(), true))
        .unwrap_or_default();
    let fix = if same_fix {
        String::new()
    } else {
        format!(" {} |", inline(&f.fix, true))
    };
    let others = match same.len() {
        1 => String::new(),
        k => {
            let shown = if verbose {
                k - 1
            } else {
                (k - 1).min(MORE_NAMES)
            };
            let names: Vec<String> = same[1..=shown]
                .iter()
                .map(|f| code(&f.object.to_string(), true))
                .collect();
            let rest = if shown < k - 1 {
                format!(" and {} more", k - 1 - shown)
            } else {
                String::new()
            };
            format!(" and {}{rest}", names.join(", "))
        }
    };
    format!(
        "| {}{others}{} | {loc} | {} |{fix}\n",
        code(&f.object.to_string(), true),
        inline(&crate::pods_suffix(same), true),
        inline(&f.message, true)
    )
}

pub fn rules(rules: &[RuleInfo]) -> String {
    let mut o =
        String::from("| code | name | loop | severity | summary |\n|---|---|---|---|---|\n");
    for r in rules {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            inline(&r.code, true),
            code(&r.name, true),
            r.loop_,
            r.severity,
            inline(&r.summary, true)
        );
    }
    o
}

/// Incidents a job summary names at most.
const SUMMARY_INCIDENTS: usize = 10;
/// Rules a job summary lists at most.
const SUMMARY_RULES: usize = 15;

/// `--summary`: a GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`): the
/// checklist per loop, the incidents in one line each, the rules that fire
/// most, counted, never the objects one by one. Bounded whatever the size of
/// the cluster.
pub fn summary(r: &Report) -> String {
    let mut o = String::new();
    let c = &r.summary.findings;
    let groups = r.incidents();
    let _ = writeln!(
        o,
        "### day2 · {} · {} findings{}\n",
        if r.source.input.is_empty() {
            inline(&r.source.kind, false)
        } else {
            code(&r.source.input, false)
        },
        c.total(),
        if groups.is_empty() {
            String::new()
        } else {
            format!(" · {}", plural(groups.len(), "incident", "incidents"))
        }
    );
    let _ = writeln!(
        o,
        "{} critical · {} high · {} medium · {} low · {} info · cloud {} · {} objects\n",
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        inline(&r.source.cloud, false),
        r.summary.objects
    );
    let _ = writeln!(
        o,
        "| loop | checklist | failing checks | findings |\n|---|---|---:|---:|"
    );
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let failing = cl.items.iter().filter(|i| i.status == Status::Fail).count();
        let _ = writeln!(
            o,
            "| {} | {} | {failing}/{} | {} |",
            l.as_str(),
            status(cl.status),
            cl.items.len(),
            r.summary.loops.get(l.as_str()).copied().unwrap_or(0)
        );
    }
    if !groups.is_empty() {
        let _ = writeln!(o, "\n**Incidents**\n");
        for (n, g) in groups.iter().take(SUMMARY_INCIDENTS).enumerate() {
            let d0 = &g[0];
            let mut kinds: Vec<&str> = g.iter().map(|d| d.symptom.kind.as_str()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            if d0.unexplained {
                let _ = writeln!(
                    o,
                    "{}. {} ← {UNEXPLAINED}: {}",
                    n + 1,
                    inline(&kinds.join(", "), false),
                    code(&d0.root_cause.object.to_string(), false),
                );
                continue;
            }
            let _ = writeln!(
                o,
                "{}. {} ← root cause in {}: {}{}",
                n + 1,
                inline(&kinds.join(", "), false),
                d0.root_cause.loop_,
                code(&d0.root_cause.object.to_string(), false),
                rule_suffix(&d0.root_cause)
            );
        }
        if groups.len() > SUMMARY_INCIDENTS {
            let _ = writeln!(
                o,
                "\n…and {} more incidents.",
                groups.len() - SUMMARY_INCIDENTS
            );
        }
    }
    let mut rules = by_rule(&r.findings);
    if !rules.is_empty() {
        // Worst first, then most objects.
        rules.sort_by(|a, b| {
            let sev = |g: &[&Finding]| g.iter().map(|f| f.severity).max();
            sev(&b.1)
                .cmp(&sev(&a.1))
                .then(b.1.len().cmp(&a.1.len()))
                .then(a.0.cmp(b.0))
        });
        let _ = writeln!(
            o,
            "\n| rule | severity | loop | objects |\n|---|---|---|---:|"
        );
        for (rule, g) in rules.iter().take(SUMMARY_RULES) {
            let _ = writeln!(
                o,
                "| {} {} | {} | {} | {} |",
                inline(rule, true),
                inline(&g[0].name, true),
                g[0].severity.as_str(),
                g[0].loop_.as_str(),
                g.len()
            );
        }
        if rules.len() > SUMMARY_RULES {
            let rest: usize = rules[SUMMARY_RULES..].iter().map(|(_, g)| g.len()).sum();
            let _ = writeln!(
                o,
                "\n…and {} more rules on {rest} objects.",
                rules.len() - SUMMARY_RULES
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::{block, inline};

    #[test]
    fn escapes_markup_outside_code_and_pipes_everywhere_in_tables() {
        assert_eq!(inline("a | b", true), "a \\| b");
        assert_eq!(inline("`a|b` c", true), "`a\\|b` c");
        assert_eq!(inline("`a|b`", false), "`a|b`");
        assert_eq!(
            inline("<script>alert(1)</script> *x* _y_ [l](u)", false),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\_y\\_ \\[l\\](u)"
        );
        assert_eq!(inline("`<none>` & more", false), "`<none>` &amp; more");
        assert_eq!(inline("odd ` tick", false), "odd \\` tick");
        assert_eq!(inline("1. not a list", false), "1\\. not a list");
        assert_eq!(inline("- not a list", false), "\\- not a list");
        assert_eq!(inline("two\nlines", true), "two<br>lines");
        assert_eq!(inline("# not a heading", false), "\\# not a heading");
    }

    #[test]
    fn multi_line_text_is_fenced_longer_than_its_backticks() {
        let b = block("fix it:\n```\nkind: X\n```");
        assert!(
            b.contains("\n````text\nfix it:\n```\nkind: X\n```\n````"),
            "{b}"
        );
        assert_eq!(block("one line"), " one line");
    }
}
