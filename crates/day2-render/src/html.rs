//! One self-contained HTML page: inline CSS, no script, nothing fetched (a
//! Content-Security-Policy says so to the browser too). Every string from the
//! report is escaped.

use crate::{RenderOptions, by_rule, incidents, plural, timeline_repeats_chains};
use day2_model::report::{Report, Status};
use day2_model::{Finding, Loop};
use std::fmt::Write;

/// Rules with more findings than this fold their table into `<details>`.
const FOLD_OVER: usize = 5;

const CSS: &str = "\
:root{--fg:#1d2330;--muted:#5b6475;--line:#e1e4e8;--bg2:#f6f8fa;--red:#b31d28;--amber:#9a6700;--green:#1a7f37;--blue:#0550ae}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif;margin:2rem auto;max-width:1150px;color:var(--fg);padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{margin:1.4rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid var(--line);padding:.3rem .5rem;vertical-align:top;text-align:left}th{background:var(--bg2)}
code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg2)}
code{padding:0 .25rem;border-radius:3px}pre{padding:.6rem .8rem;overflow-x:auto;white-space:pre-wrap;border-radius:4px}
.sev{display:inline-block;min-width:5.2rem;font-weight:600;text-transform:uppercase;font-size:.8rem}
.critical{color:#fff;background:var(--red);border-radius:3px;padding:0 .3rem}.high{color:var(--red)}.medium{color:var(--amber)}.low,.info{color:var(--blue)}
.pass{color:var(--green)}.fail{color:var(--red);font-weight:600}.unknown{color:var(--amber)}
.muted{color:var(--muted)}.incident{border-left:4px solid var(--red);padding:.1rem 1rem;margin:1rem 0;background:#fffafa}
.loop{font-weight:600}.identity{color:#8250df}.compute{color:#0a7f8c}.network{color:var(--blue)}.storage{color:var(--amber)}.observability{color:var(--green)}
ul.checklist{list-style:none;padding-left:1rem}summary{cursor:pointer;margin:.4rem 0}
footer{margin-top:3rem;color:var(--muted);font-size:.85rem}.t{white-space:nowrap}
nav a{margin-right:1rem}";

/// Escape for HTML text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // Control characters have no place in a page.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => o.push(c),
        }
    }
    o
}

/// Escaped text with `code spans` as `<code>`; several lines as `<pre>`.
fn rich(s: &str) -> String {
    let s = s.trim_end();
    if s.contains('\n') {
        return format!("<pre>{}</pre>", esc(s));
    }
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unmatched backtick: no code spans.
        return esc(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

fn status(s: Status) -> String {
    let mark = match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Unknown => "?",
    };
    format!("<span class=\"{0}\">{mark} {0}</span>", s.as_str())
}

fn loop_tag(l: Loop) -> String {
    format!("<span class=\"loop {0}\">{0}</span>", l.as_str())
}

pub fn report(r: &Report, opts: &RenderOptions) -> String {
    let mut o = String::new();
    let c = &r.summary.findings;
    let groups = incidents(&r.diagnoses);
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>day2 report · {}</title><style>\n{CSS}\n</style></head><body>\n",
        esc(if r.source.input.is_empty() {
            &r.source.kind
        } else {
            &r.source.input
        })
    );
    let _ = writeln!(
        o,
        "<header><h1>day2 report</h1><p class=\"muted\">{} · cloud {}{} · {} objects</p></header>",
        esc(&r.source.kind),
        esc(&r.source.cloud),
        if r.source.input.is_empty() {
            String::new()
        } else {
            format!(" · <code>{}</code>", esc(&r.source.input))
        },
        r.summary.objects,
    );
    let _ = writeln!(
        o,
        "<p><b>{} findings</b>: <span class=\"sev critical\">{} critical</span> <span class=\"sev high\">{} high</span> <span class=\"sev medium\">{} medium</span> <span class=\"sev low\">{} low</span> <span class=\"sev info\">{} info</span>{}</p>",
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        if groups.is_empty() {
            String::new()
        } else {
            format!(
                " · <b>{}</b>",
                plural(groups.len(), "incident", "incidents")
            )
        }
    );
    o.push_str("<table><tr><th>loop</th><th>checklist</th><th>checks passing</th><th>findings</th><th>worst</th></tr>\n");
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        let pass = cl.items.iter().filter(|i| i.status == Status::Pass).count();
        let worst = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .map(|s| format!("<span class=\"sev {0}\">{0}</span>", s.as_str()))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{pass}/{}</td><td>{}</td><td>{worst}</td></tr>",
            if fs.is_empty() {
                loop_tag(l)
            } else {
                // In-page link to the loop's findings.
                format!("<a href=\"#{}\">{}</a>", l.as_str(), loop_tag(l))
            },
            status(cl.status),
            cl.items.len(),
            fs.len()
        );
    }
    o.push_str("</table>\n");

    if !groups.is_empty() {
        o.push_str("<h2 id=\"incidents\">Incidents</h2>\n");
    }
    for (n, g) in groups.iter().enumerate() {
        let d0 = g[0];
        let _ = writeln!(
            o,
            "<section class=\"incident\"><h3>{}. Root cause in {}: <code>{}</code>{}</h3><ul>",
            n + 1,
            loop_tag(d0.root_cause.loop_),
            esc(&d0.root_cause.object.to_string()),
            d0.root_cause
                .rule
                .as_ref()
                .map(|r| format!(" ({})", esc(r)))
                .unwrap_or_default()
        );
        for d in g {
            let _ = write!(
                o,
                "<li><b>{}</b> <code>{}</code> ({}){}",
                esc(&d.symptom.kind),
                esc(&d.symptom.object.to_string()),
                loop_tag(d.symptom.loop_),
                d.symptom
                    .since
                    .as_ref()
                    .map(|s| format!(" <span class=\"muted\">since {}</span>", esc(s)))
                    .unwrap_or_default()
            );
            if !d.also_affected.is_empty() {
                let names: Vec<String> = d
                    .also_affected
                    .iter()
                    .map(|x| format!("<code>{}</code>", esc(&x.to_string())))
                    .collect();
                let _ = write!(o, " — same on {}", names.join(", "));
            }
            for e in d.symptom.evidence.iter().take(3) {
                let _ = write!(o, "<br><span class=\"muted\">{}</span>", esc(e));
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ul>\n");
        let d = g
            .iter()
            .max_by_key(|d| d.chain.len())
            .copied()
            .unwrap_or(d0);
        if !d.chain.is_empty() {
            o.push_str("<table><tr><th>time</th><th>loop</th><th>object</th><th>what</th></tr>\n");
            for link in &d.chain {
                let evidence: String = link
                    .evidence
                    .iter()
                    .map(|e| format!("<br><span class=\"muted\">{}</span>", esc(e)))
                    .collect();
                let _ = writeln!(
                    o,
                    "<tr><td class=\"t\"><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}{evidence}</td></tr>",
                    esc(link.at.as_deref().unwrap_or("?")),
                    loop_tag(link.loop_),
                    esc(&link.object.to_string()),
                    rich(&link.what)
                );
            }
            o.push_str("</table>\n");
        }
        let conf = g.iter().map(|d| d.confidence).max().unwrap_or(d.confidence);
        let _ = writeln!(
            o,
            "<p><b>Root cause:</b> {}</p><p><b>Fix:</b> {}</p><p class=\"muted\">confidence: {}</p>",
            rich(&d.root_cause.summary),
            rich(&d.fix),
            esc(serde_json::to_value(conf)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
                .as_str())
        );
        let mut missing: Vec<&String> = g.iter().flat_map(|d| &d.missing_evidence).collect();
        missing.sort();
        missing.dedup();
        for m in missing {
            let _ = writeln!(o, "<p class=\"unknown\">Missing evidence: {}</p>", esc(m));
        }
        o.push_str("</section>\n");
    }

    if !r.timeline.is_empty() && !timeline_repeats_chains(r, &groups) {
        o.push_str("<h2 id=\"timeline\">Timeline</h2><table><tr><th>time</th><th>loop</th><th>object</th><th>what</th></tr>\n");
        for t in &r.timeline {
            let _ = writeln!(
                o,
                "<tr><td class=\"t\"><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(t.at.as_deref().unwrap_or("?")),
                loop_tag(t.loop_),
                esc(&t.object.to_string()),
                rich(&t.what)
            );
        }
        o.push_str("</table>\n");
    }

    for l in Loop::ALL {
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        if fs.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h2 id=\"{}\">{} <span class=\"muted\">· {}</span></h2>",
            l.as_str(),
            esc(l.title()),
            plural(fs.len(), "finding", "findings")
        );
        for (rule, group) in by_rule(fs) {
            rule_group(&mut o, rule, &group);
        }
    }

    if !r.notes.is_empty() {
        o.push_str("<h2 id=\"input-problems\">Input problems</h2><ul>\n");
        for n in &r.notes {
            let _ = writeln!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h2 id=\"checklist\">Cluster Readiness Checklist</h2>\n");
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let _ = writeln!(
            o,
            "<h3>{} — {}</h3><ul class=\"checklist\">",
            esc(l.title()),
            status(cl.status)
        );
        for i in &cl.items {
            let extra = match (i.status, &i.detail) {
                (Status::Fail, _) => format!(" — <b>{} failing</b>", i.failing),
                (Status::Unknown, Some(d)) => format!(" <span class=\"muted\">({})</span>", esc(d)),
                _ => String::new(),
            };
            let _ = writeln!(o, "<li>{} {}{extra}</li>", status(i.status), esc(&i.text));
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(
        o,
        "<footer>day2 {} · report schema {}</footer>\n</body></html>",
        esc(&opts.tool_version),
        esc(&r.schema)
    );
    o
}

fn rule_group(o: &mut String, rule: &str, group: &[&Finding]) {
    let f0 = group[0];
    let same_fix = group.iter().all(|f| f.fix == f0.fix);
    let _ = writeln!(
        o,
        "<h3><span class=\"sev {sev}\">{sev}</span> {} <code>{}</code> <span class=\"muted\">· {}</span></h3>",
        esc(rule),
        esc(&f0.name),
        plural(group.len(), "object", "objects"),
        sev = f0.severity.as_str(),
    );
    if same_fix {
        let _ = writeln!(o, "<p><b>Fix:</b> {}</p>", rich(&f0.fix));
    }
    let fold = group.len() > FOLD_OVER;
    if fold {
        let _ = writeln!(
            o,
            "<details><summary>{} findings of {}</summary>",
            group.len(),
            esc(rule)
        );
    }
    let _ = writeln!(
        o,
        "<table><tr><th>object</th><th>where</th><th>message</th>{}</tr>",
        if same_fix { "" } else { "<th>fix</th>" }
    );
    for f in group {
        let loc = f
            .location
            .as_ref()
            .map(|l| format!("<code>{}</code>", esc(&l.to_string())))
            .unwrap_or_default();
        let fix = if same_fix {
            String::new()
        } else {
            format!("<td>{}</td>", rich(&f.fix))
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{loc}</td><td>{}</td>{fix}</tr>",
            esc(&f.object.to_string()),
            rich(&f.message)
        );
    }
    o.push_str("</table>\n");
    if fold {
        o.push_str("</details>\n");
    }
}
