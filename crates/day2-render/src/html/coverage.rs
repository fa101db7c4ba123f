//! `day2 logs -o html`: Golden-Rule field coverage, overall and per source,
//! as bars against the pass threshold. The caller hands the figures over;
//! this only draws them.

use super::util::T;
use maud::{Markup, html};

/// What the logs page shows.
#[derive(Debug, Clone, Default)]
pub struct LogsView {
    /// `pass`, `fail` or `unknown`.
    pub verdict: String,
    pub lines: u64,
    pub structured_pct: f64,
    pub malformed: u64,
    pub huge: u64,
    pub binary: u64,
    /// A field passes at or above this share of lines (percent).
    pub field_threshold: f64,
    /// Lines must be structured at or above this share (percent).
    pub structured_threshold: f64,
    /// Field names, in column order.
    pub fields: Vec<String>,
    /// Coverage of each field over every line (percent), as `fields`.
    pub coverage: Vec<f64>,
    /// Sources, worst first.
    pub sources: Vec<LogsSource>,
    /// How to fix a failing verdict.
    pub fix: String,
}

#[derive(Debug, Clone, Default)]
pub struct LogsSource {
    pub name: String,
    pub lines: u64,
    pub structured_pct: f64,
    /// Coverage per field (percent), as [`LogsView::fields`].
    pub coverage: Vec<f64>,
    /// Lines missing golden fields (already redacted and cut by the caller).
    pub examples: Vec<String>,
    /// Problems reading the source.
    pub errors: Vec<String>,
}

/// Sources listed at most.
const SOURCES: usize = 500;

/// A bar of `pct` percent with the threshold marked; the number beside it.
fn bar(label: &str, pct: f64, threshold: f64) -> Markup {
    let ok = pct >= threshold;
    html! {
        span.cov {
            svg.bar viewBox="0 0 100 10" role="img" aria-label=(format!("{label}: {pct:.1}%, {}", if ok { "passes" } else { "below the threshold" })) {
                rect.track x="0" y="0" width="100" height="10" {}
                rect class={ "fill " (if ok { "ok" } else { "bad" }) } x="0" y="0" width=(format!("{:.1}", pct.clamp(0.0, 100.0))) height="10" {}
                line.threshold x1=(threshold) y1="0" x2=(threshold) y2="10" {}
            }
            " " span class=(if ok { "st-pass" } else { "st-fail" }) { (if ok { "✓ " } else { "✗ " }) (format!("{pct:.1}%")) }
        }
    }
}

/// The logs page.
pub fn logs(v: &LogsView, tool_version: &str) -> String {
    let shown = &v.sources[..v.sources.len().min(SOURCES)];
    let body = html! {
        header.top {
            h1 { "day2 logs · Golden Rule" }
            p.totals {
                span class={ "st st-" (T(&v.verdict)) } { (T(&v.verdict)) } " "
                (v.lines) " lines in " (v.sources.len()) " sources · "
                (format!("{:.1}", v.structured_pct)) "% structured (JSON or logfmt) · "
                (v.malformed) " malformed, " (v.huge) " huge, " (v.binary) " binary"
            }
        }
        main #main {
            section #coverage aria-labelledby="h-coverage" {
                h2 #h-coverage { "Field coverage" }
                p.muted { "Share of lines carrying each field; the mark is the pass threshold (" (v.field_threshold) "%)." }
                table.compact.coverage {
                    thead { tr { th scope="col" { "field" } th scope="col" { "lines with it" } } }
                    tbody {
                        tr { th scope="row" { "structured" } td { (bar("structured", v.structured_pct, v.structured_threshold)) } }
                        @for (f, c) in v.fields.iter().zip(&v.coverage) {
                            tr { th scope="row" { code { (T(f)) } } td { (bar(f, *c, v.field_threshold)) } }
                        }
                    }
                }
                @if v.verdict != "pass" { p { strong { "Fix: " } (T(&v.fix)) } }
            }
            @if !shown.is_empty() {
                section #sources aria-labelledby="h-sources" {
                    h2 #h-sources { "Sources " span.muted { "· worst first" } }
                    table.compact.sources {
                        thead {
                            tr {
                                th scope="col" { "source" } th scope="col" { "lines" } th scope="col" { "structured" }
                                @for f in &v.fields { th scope="col" { code { (T(f)) } } }
                            }
                        }
                        tbody {
                            @for s in shown {
                                tr {
                                    th scope="row" {
                                        code { (T(&s.name)) }
                                        @for e in &s.errors { br; span.st-unknown { "! " (T(e)) } }
                                        @for e in &s.examples { br; span.muted { "e.g. " (T(e)) } }
                                    }
                                    td { (s.lines) }
                                    td { (bar("structured", s.structured_pct, v.structured_threshold)) }
                                    @for (f, c) in v.fields.iter().zip(&s.coverage) { td { (bar(f, *c, v.field_threshold)) } }
                                }
                            }
                        }
                    }
                    @if shown.len() < v.sources.len() {
                        p.muted { (v.sources.len() - shown.len()) " more sources are in the JSON report (" code { "-o json" } ")." }
                    }
                }
            }
        }
        footer { "day2 " (T(tool_version)) }
    };
    super::page("day2 logs", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_page_draws_a_bar_per_field_and_source_and_escapes() {
        let v = LogsView {
            verdict: "fail".into(),
            lines: 10,
            structured_pct: 50.0,
            field_threshold: 95.0,
            structured_threshold: 90.0,
            fields: vec!["trace_id".into(), "zone".into()],
            coverage: vec![100.0, 20.0],
            sources: vec![LogsSource {
                name: "shop/<web>".into(),
                lines: 10,
                structured_pct: 50.0,
                coverage: vec![100.0, 20.0],
                examples: vec![],
                errors: vec!["truncated gzip".into()],
            }],
            fix: "log JSON".into(),
            ..Default::default()
        };
        let h = logs(&v, "0.0.0-test");
        assert!(h.contains("<code>shop/&lt;web&gt;</code>"));
        assert_eq!(h.matches("<svg class=\"bar\"").count(), 3 + 3);
        assert!(h.contains("aria-label=\"zone: 20.0%, below the threshold\""));
        assert!(h.contains("aria-label=\"trace_id: 100.0%, passes\""));
        assert!(h.contains("width=\"20.0\""));
        assert!(h.contains("truncated gzip"));
        assert!(h.contains("default-src 'none'"));
    }
}
