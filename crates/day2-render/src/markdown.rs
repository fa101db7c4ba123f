//! Markdown for a pull-request comment.

use day2_model::Loop;
use day2_model::report::{Report, RuleInfo, Status};
use std::fmt::Write;

/// Escape text for a Markdown table cell or inline text.
pub(crate) fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => o.push_str("\\|"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Unknown => "❔ unknown",
    }
}

pub fn report(r: &Report) -> String {
    let mut o = String::new();
    let c = &r.summary.findings;
    let _ = writeln!(o, "## day2 report\n");
    let _ = writeln!(
        o,
        "Source: **{}** (cloud: {}){} · {} objects · **{}** findings ({} critical, {} high, {} medium, {} low, {} info)\n",
        r.source.kind,
        r.source.cloud,
        if r.source.input.is_empty() {
            String::new()
        } else {
            format!(" `{}`", md(&r.source.input))
        },
        r.summary.objects,
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info
    );
    let _ = writeln!(o, "| loop | checklist | findings |\n|---|---|---|");
    for l in Loop::ALL {
        let n = r.findings.iter().filter(|f| f.loop_ == l).count();
        let _ = writeln!(
            o,
            "| {} | {} | {n} |",
            l.as_str(),
            status(r.checklist.get(l).status)
        );
    }
    if !r.diagnoses.is_empty() {
        let _ = writeln!(o, "\n### Incidents\n");
        for d in &r.diagnoses {
            let _ = writeln!(
                o,
                "#### {} `{}` → root cause in **{}**: `{}`\n",
                md(&d.symptom.kind),
                md(&d.symptom.object.to_string()),
                d.root_cause.loop_,
                md(&d.root_cause.object.to_string())
            );
            let _ = writeln!(o, "{}\n", md(&d.root_cause.summary));
            for link in &d.chain {
                let _ = writeln!(
                    o,
                    "1. `{}` **{}** `{}` — {}",
                    link.at.as_deref().unwrap_or("?"),
                    link.loop_,
                    md(&link.object.to_string()),
                    md(&link.what)
                );
            }
            let _ = writeln!(o, "\n**Fix:** {}\n", md(&d.fix));
            if !d.also_affected.is_empty() {
                let names: Vec<String> = d
                    .also_affected
                    .iter()
                    .map(|x| format!("`{}`", md(&x.to_string())))
                    .collect();
                let _ = writeln!(o, "Same cause: {}\n", names.join(", "));
            }
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\n### Findings\n");
    }
    for l in Loop::ALL {
        let fs: Vec<_> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        if fs.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<details><summary><b>{}</b> — {} finding(s)</summary>\n",
            l.as_str(),
            fs.len()
        );
        let _ = writeln!(
            o,
            "| severity | rule | object | where | message | fix |\n|---|---|---|---|---|---|"
        );
        for f in fs {
            let loc = f
                .location
                .as_ref()
                .map(|l| format!("`{}`", md(&l.to_string())))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "| {} | {} | `{}` | {loc} | {} | {} |",
                f.severity,
                f.rule,
                md(&f.object.to_string()),
                md(&f.message),
                md(&f.fix)
            );
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n### Input problems\n");
        for n in &r.notes {
            let _ = writeln!(o, "- {}", md(n));
        }
    }
    let _ = writeln!(o, "\n### Cluster Readiness Checklist\n");
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let _ = writeln!(o, "**{}** — {}\n", l.title(), status(cl.status));
        for i in &cl.items {
            let mark = if i.status == Status::Pass { "x" } else { " " };
            let extra = match i.status {
                Status::Fail => format!(" — {} failing", i.failing),
                Status::Unknown => format!(
                    " — unknown{}",
                    i.detail
                        .as_ref()
                        .map(|d| format!(": {}", md(d)))
                        .unwrap_or_default()
                ),
                Status::Pass => String::new(),
            };
            let _ = writeln!(o, "- [{mark}] {}{extra}", md(&i.text));
        }
        o.push('\n');
    }
    o
}

pub fn rules(rules: &[RuleInfo]) -> String {
    let mut o =
        String::from("| code | name | loop | severity | summary |\n|---|---|---|---|---|\n");
    for r in rules {
        let _ = writeln!(
            o,
            "| {} | `{}` | {} | {} | {} |",
            r.code,
            r.name,
            r.loop_,
            r.severity,
            md(&r.summary)
        );
    }
    o
}
