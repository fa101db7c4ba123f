//! The JSON report written as it is serialised, its findings and diagnoses
//! serialised on every core: a large cluster's report is a hundred megabytes
//! of JSON, which one thread takes most of a second to write.
//!
//! The bytes are exactly `serde_json::to_writer_pretty`'s. Each finding (and
//! diagnosis) is serialised on its own and indented to its place: JSON text
//! holds no raw newline but the ones pretty-printing puts between lines (a
//! newline inside a string is written `\n`), so indenting after each newline
//! is all that placing it takes. Items go out in chunks, so memory holds one
//! chunk of text, not the report.

use day2_model::Report;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// Items serialised per chunk (bounded memory, enough work per thread).
const CHUNK: usize = 256;
/// Below this many items, one thread writes the whole report.
const PARALLEL_FROM: usize = 4096;

/// Write `report` as `serde_json::to_writer_pretty` does, then a newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.findings.len() + report.diagnoses.len() < PARALLEL_FROM {
        serde_json::to_writer_pretty(&mut *out, report)?;
        return out.write_all(b"\n");
    }
    // The report without its two long arrays, which are written in their place.
    let shell = Report {
        schema: report.schema.clone(),
        source: report.source.clone(),
        findings: Vec::new(),
        diagnoses: Vec::new(),
        checklist: report.checklist.clone(),
        summary: report.summary.clone(),
        timeline: report.timeline.clone(),
        notes: report.notes.clone(),
    };
    let text = serde_json::to_string_pretty(&shell)?;
    let rest = splice(&text, "findings", out, |o| items(&report.findings, o))?;
    let rest = splice(rest, "diagnoses", out, |o| items(&report.diagnoses, o))?;
    out.write_all(rest.as_bytes())?;
    out.write_all(b"\n")
}

/// Write `text` up to the empty array of top-level `key`, then the array
/// `fill` writes in its place; returns the text after it.
fn splice<'t>(
    text: &'t str,
    key: &str,
    out: &mut dyn Write,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<&'t str> {
    // A top-level key is the only line indented by exactly two spaces.
    let empty = format!("\n  \"{key}\": []");
    let Some(at) = text.find(&empty) else {
        return Err(io::Error::other(format!("report has no top-level `{key}`")));
    };
    let open = at + empty.len() - 2;
    out.write_all(&text.as_bytes()[..open])?;
    fill(out)?;
    Ok(&text[open + 2..])
}

/// The array `[...]` of `items` as the second level of a pretty report.
fn items<T: Serialize + Sync>(items: &[T], out: &mut dyn Write) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[\n")?;
    for (n, chunk) in items.chunks(CHUNK).enumerate() {
        let texts: Vec<io::Result<Vec<u8>>> = chunk.par_iter().map(indented).collect();
        for (i, t) in texts.into_iter().enumerate() {
            if n > 0 || i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(&t?)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// One item, pretty, every line indented four spaces.
fn indented<T: Serialize>(item: &T) -> io::Result<Vec<u8>> {
    let text = serde_json::to_vec_pretty(item)?;
    // Line by line, each copied whole: a pretty item has a newline every
    // few dozen bytes, and a report has hundreds of thousands of items.
    let mut out = Vec::with_capacity(text.len() + text.len() / 4 + 4);
    out.extend_from_slice(b"    ");
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', &text) {
        out.extend_from_slice(&text[start..=i]);
        out.extend_from_slice(b"    ");
        start = i + 1;
    }
    out.extend_from_slice(&text[start..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    /// A report long enough to be written in parallel and in several
    /// chunks, with text that tests the indenting: newlines, quotes and
    /// braces inside strings.
    fn long_report() -> Report {
        let mut r = sample::report();
        let base = r.findings.clone();
        let mut n = 0;
        while r.findings.len() < PARALLEL_FROM + 17 {
            for f in &base {
                let mut f = f.clone();
                f.message = format!("{} #{n}\nsecond line \"quoted\" {{ [ ]", f.message);
                r.findings.push(f);
                n += 1;
            }
        }
        let d = r.diagnoses.clone();
        assert!(!d.is_empty(), "the sample report has diagnoses");
        while r.diagnoses.len() < CHUNK + 3 {
            r.diagnoses.extend(d.iter().cloned());
        }
        r
    }

    #[test]
    fn a_long_report_is_written_byte_for_byte_as_serde_writes_it() {
        let r = long_report();
        assert!(r.findings.len() + r.diagnoses.len() >= PARALLEL_FROM);
        let mut ours = Vec::new();
        write(&r, &mut ours).unwrap();
        let mut theirs = serde_json::to_vec_pretty(&r).unwrap();
        theirs.push(b'\n');
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }

    #[test]
    fn a_long_report_without_diagnoses_or_findings_is_written_as_serde_writes_it() {
        for (keep_findings, keep_diagnoses) in [(true, false), (false, true)] {
            let mut r = long_report();
            if !keep_findings {
                r.findings.clear();
                while r.diagnoses.len() < PARALLEL_FROM {
                    let d = r.diagnoses.clone();
                    r.diagnoses.extend(d);
                }
            }
            if !keep_diagnoses {
                r.diagnoses.clear();
            }
            let mut ours = Vec::new();
            write(&r, &mut ours).unwrap();
            let mut theirs = serde_json::to_vec_pretty(&r).unwrap();
            theirs.push(b'\n');
            assert!(
                ours == theirs,
                "findings {keep_findings}, diagnoses {keep_diagnoses}"
            );
        }
    }
}
