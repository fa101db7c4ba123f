//! One self-contained HTML page (inline CSS, no scripts, nothing fetched).

use crate::RenderOptions;
use crate::junit::xml_escape as esc;
use day2_model::Loop;
use day2_model::report::{Report, Status};
use std::fmt::Write;

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}\
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%;margin:.5rem 0}\
td,th{border:1px solid #e1e4e8;padding:.3rem .5rem;vertical-align:top;text-align:left}th{background:#f6f8fa}\
.critical,.high{color:#b31d28;font-weight:600}.medium{color:#9a6700}.low,.info{color:#0550ae}\
.pass{color:#1a7f37}.fail{color:#b31d28;font-weight:600}.unknown{color:#9a6700}code{background:#f6f8fa;padding:0 .2rem}\
.chain li{margin:.2rem 0}.muted{color:#667}";

fn status(s: Status) -> String {
    format!("<span class=\"{0}\">{0}</span>", s.as_str())
}

pub fn report(r: &Report, opts: &RenderOptions) -> String {
    let mut o = String::new();
    let c = &r.summary.findings;
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>day2 report</title><style>{CSS}</style></head><body>\n"
    );
    let _ = writeln!(
        o,
        "<h1>day2 report</h1><p class=\"muted\">{} · cloud {} · {} · {} objects · day2 {}</p>",
        esc(&r.source.kind),
        esc(&r.source.cloud),
        esc(&r.source.input),
        r.summary.objects,
        esc(&opts.tool_version)
    );
    let _ = writeln!(
        o,
        "<p><b>{}</b> findings: <span class=\"critical\">{} critical</span>, <span class=\"high\">{} high</span>, <span class=\"medium\">{} medium</span>, <span class=\"low\">{} low</span>, {} info</p>",
        c.total(),
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info
    );
    let _ = writeln!(
        o,
        "<table><tr><th>loop</th><th>checklist</th><th>findings</th></tr>"
    );
    for l in Loop::ALL {
        let n = r.findings.iter().filter(|f| f.loop_ == l).count();
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{n}</td></tr>",
            l.as_str(),
            status(r.checklist.get(l).status)
        );
    }
    o.push_str("</table>\n");
    if !r.diagnoses.is_empty() {
        o.push_str("<h2>Incidents</h2>\n");
        for d in &r.diagnoses {
            let _ = writeln!(
                o,
                "<h3>{} <code>{}</code> → {} <code>{}</code></h3><p>{}</p><ol class=\"chain\">",
                esc(&d.symptom.kind),
                esc(&d.symptom.object.to_string()),
                d.root_cause.loop_,
                esc(&d.root_cause.object.to_string()),
                esc(&d.root_cause.summary)
            );
            for link in &d.chain {
                let _ = writeln!(
                    o,
                    "<li><code>{}</code> <b>{}</b> <code>{}</code> — {}</li>",
                    esc(link.at.as_deref().unwrap_or("?")),
                    link.loop_,
                    esc(&link.object.to_string()),
                    esc(&link.what)
                );
            }
            let _ = writeln!(o, "</ol><p><b>Fix:</b> {}</p>", esc(&d.fix));
        }
    }
    if !r.timeline.is_empty() {
        o.push_str("<h2>Timeline</h2><table><tr><th>time</th><th>loop</th><th>object</th><th>what</th></tr>\n");
        for t in &r.timeline {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(t.at.as_deref().unwrap_or("")),
                t.loop_,
                esc(&t.object.to_string()),
                esc(&t.what)
            );
        }
        o.push_str("</table>\n");
    }
    for l in Loop::ALL {
        let fs: Vec<_> = r.findings.iter().filter(|f| f.loop_ == l).collect();
        if fs.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h2>{} ({})</h2><table><tr><th>severity</th><th>rule</th><th>object</th><th>where</th><th>message</th><th>fix</th></tr>",
            l.title(),
            fs.len()
        );
        for f in fs {
            let loc = f
                .location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<tr><td class=\"{s}\">{s}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.rule),
                esc(&f.object.to_string()),
                esc(&loc),
                esc(&f.message),
                esc(&f.fix),
                s = f.severity.as_str()
            );
        }
        o.push_str("</table>\n");
    }
    if !r.notes.is_empty() {
        o.push_str("<h2>Input problems</h2><ul>\n");
        for n in &r.notes {
            let _ = writeln!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h2>Cluster Readiness Checklist</h2>\n");
    for l in Loop::ALL {
        let cl = r.checklist.get(l);
        let _ = writeln!(o, "<h3>{} — {}</h3><ul>", l.title(), status(cl.status));
        for i in &cl.items {
            let extra = if i.failing > 0 {
                format!(" — {} failing", i.failing)
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "<li>{} {}{}</li>",
                status(i.status),
                esc(&i.text),
                esc(&extra)
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</body></html>\n");
    o
}
