//! day2's observability lens: does every log line carry the Golden Rule's
//! context — `trace_id`, `pod_name`, `node_name`, `namespace`, `zone`?
//!
//! Reads JSON lines, logfmt and plain text (counted as unstructured), with
//! container-runtime (CRI) prefixes, `kubectl logs --timestamps` prefixes,
//! gzip, and the framed logs of a `kubectl cluster-info dump`. Streams in
//! fixed-size blocks (constant memory), in parallel across blocks and files;
//! malformed, huge and binary lines and truncated archives are counted,
//! never fatal.
//!
//! Depends on `day2-model` only.
#![forbid(unsafe_code)]

pub mod fields;
mod read;
pub mod render;
pub mod scan;

pub use read::{analyze_file, analyze_paths, analyze_text};

pub use fields::{FieldConfig, GOLDEN};
use scan::Kind;
use serde::Serialize;

/// A line longer than this is counted as `huge` and not scanned.
pub const MAX_LINE: usize = 1 << 20;
const BLOCK: usize = 4 << 20;
const EXAMPLES: usize = 3;
const EXAMPLE_CHARS: usize = 200;

/// Lines carrying a field.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Count {
    pub present: u64,
}

/// Coverage per golden field.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Fields {
    pub trace_id: Count,
    pub pod_name: Count,
    pub node_name: Count,
    pub namespace: Count,
    pub zone: Count,
}

impl Fields {
    fn add(&mut self, found: [bool; 5]) {
        let slots = [
            &mut self.trace_id,
            &mut self.pod_name,
            &mut self.node_name,
            &mut self.namespace,
            &mut self.zone,
        ];
        for (slot, f) in slots.into_iter().zip(found) {
            slot.present += u64::from(f);
        }
    }
    fn merge(&mut self, o: &Fields) {
        self.trace_id.present += o.trace_id.present;
        self.pod_name.present += o.pod_name.present;
        self.node_name.present += o.node_name.present;
        self.namespace.present += o.namespace.present;
        self.zone.present += o.zone.present;
    }
    /// Present counts in GOLDEN order.
    pub fn counts(&self) -> [u64; 5] {
        [
            self.trace_id.present,
            self.pod_name.present,
            self.node_name.present,
            self.namespace.present,
            self.zone.present,
        ]
    }
}

/// Counters of one source (a file, or a pod's container).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SourceReport {
    pub source: String,
    pub lines: u64,
    pub structured: u64,
    pub fields: Fields,
    /// Lines that started like JSON but did not parse.
    pub malformed: u64,
    /// Lines over the length limit (not scanned).
    pub huge: u64,
    /// Lines that are not text (invalid UTF-8, NUL bytes).
    pub binary: u64,
    /// Problems reading the source (a truncated gzip…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Lines missing golden fields, truncated and redacted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

impl SourceReport {
    fn new(source: &str) -> Self {
        SourceReport {
            source: source.to_owned(),
            ..Default::default()
        }
    }

    fn line(&mut self, line: &str, cfg: &FieldConfig) {
        self.lines += 1;
        if line.len() > MAX_LINE {
            self.huge += 1;
            return;
        }
        let (kind, found) = scan::classify(line, cfg);
        match kind {
            Kind::Json | Kind::Logfmt => {
                self.structured += 1;
                self.fields.add(found);
            }
            Kind::Malformed => self.malformed += 1,
            Kind::Plain => {}
        }
        if self.examples.len() < EXAMPLES && !found.iter().all(|f| *f) && !line.trim().is_empty() {
            // Redacted whole, then cut: a key cut in half is not recognisable.
            self.examples
                .push(day2_model::redact::excerpt(line, EXAMPLE_CHARS));
        }
    }

    fn merge(&mut self, o: SourceReport) {
        self.lines += o.lines;
        self.structured += o.structured;
        self.fields.merge(&o.fields);
        self.malformed += o.malformed;
        self.huge += o.huge;
        self.binary += o.binary;
        self.errors.extend(o.errors);
        for e in o.examples {
            if self.examples.len() < EXAMPLES {
                self.examples.push(e);
            }
        }
    }

    /// Share (0–100) of lines carrying each field.
    pub fn coverage(&self) -> [f64; 5] {
        self.fields.counts().map(|c| pct(c, self.lines))
    }
}

fn pct(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 * 100.0 / d as f64
    }
}

/// The whole analysis; serialises to the `day2 logs -o json` contract.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct LogReport {
    pub lines: u64,
    pub structured: u64,
    pub fields: Fields,
    pub malformed: u64,
    pub huge: u64,
    pub binary: u64,
    pub sources: Vec<SourceReport>,
}

/// Golden-rule thresholds: every field on ≥ 95% of lines, ≥ 90% of lines structured.
pub const FIELD_THRESHOLD: f64 = 95.0;
pub const STRUCTURED_THRESHOLD: f64 = 90.0;

/// Checklist verdict of the logs lens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Unknown,
}

impl LogReport {
    pub fn merge(&mut self, other: LogReport) {
        self.lines += other.lines;
        self.structured += other.structured;
        self.fields.merge(&other.fields);
        self.malformed += other.malformed;
        self.huge += other.huge;
        self.binary += other.binary;
        self.sources.extend(other.sources);
    }

    fn push(&mut self, s: SourceReport) {
        self.lines += s.lines;
        self.structured += s.structured;
        self.fields.merge(&s.fields);
        self.malformed += s.malformed;
        self.huge += s.huge;
        self.binary += s.binary;
        self.sources.push(s);
    }

    /// Share (0–100) of all lines carrying each field, in GOLDEN order.
    pub fn coverage(&self) -> [f64; 5] {
        self.fields.counts().map(|c| pct(c, self.lines))
    }

    pub fn structured_share(&self) -> f64 {
        pct(self.structured, self.lines)
    }

    /// Pass when every field is on ≥ 95% of lines and ≥ 90% of lines are structured.
    pub fn verdict(&self) -> Verdict {
        if self.lines == 0 {
            return Verdict::Unknown;
        }
        let fields_ok = self.coverage().iter().all(|c| *c >= FIELD_THRESHOLD);
        if fields_ok && self.structured_share() >= STRUCTURED_THRESHOLD {
            Verdict::Pass
        } else {
            Verdict::Fail
        }
    }

    /// The lowest per-field coverage (for `--fail-under`).
    pub fn min_coverage(&self) -> f64 {
        self.coverage().into_iter().fold(f64::INFINITY, f64::min)
    }

    /// Sources ordered worst first (lowest minimum coverage).
    pub fn worst_sources(&self) -> Vec<&SourceReport> {
        let mut v: Vec<&SourceReport> = self.sources.iter().collect();
        let min = |s: &SourceReport| s.coverage().into_iter().fold(f64::INFINITY, f64::min);
        v.sort_by(|a, b| {
            min(a)
                .total_cmp(&min(b))
                .then_with(|| a.source.cmp(&b.source))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::*;
    use std::io::Write;

    #[test]
    fn counts_lines_by_kind_and_field() {
        let text = concat!(
            "{\"trace_id\":\"a\",\"pod_name\":\"p\",\"node_name\":\"n\",\"namespace\":\"x\",\"zone\":\"z\"}\n",
            "level=info pod=p trace_id=t\n",
            "plain text line\n",
            "{broken\n",
            "2026-01-01T09:00:00.1Z stdout P {\"trace_id\":\n",
            "2026-01-01T09:00:00.1Z stdout F \"t\",\"pod\":\"q\"}\n",
        );
        let r = analyze_text("app", text, &FieldConfig::default());
        assert_eq!(r.lines, 5, "the CRI partial joins its final part");
        assert_eq!(r.structured, 3);
        assert_eq!(r.malformed, 1);
        assert_eq!(r.fields.trace_id.present, 3);
        assert_eq!(r.fields.pod_name.present, 3);
        assert_eq!(r.fields.zone.present, 1);
        assert_eq!(r.verdict(), Verdict::Fail);
        assert!(!r.sources[0].examples.is_empty());
    }

    #[test]
    fn dump_framing_is_not_a_line_and_binary_is_counted() {
        let mut bytes =
            b"==== START logs for container c of pod ns/p ====\n{\"pod\":\"p\"}\n".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe, b'\n', b'a', 0, b'b', b'\n']);
        bytes.extend_from_slice(b"==== END logs for container c of pod ns/p ====\n");
        let s = block("x", &bytes, &FieldConfig::default());
        assert_eq!(s.lines, 3);
        assert_eq!(s.binary, 2);
        assert_eq!(s.structured, 1);
    }

    #[test]
    fn files_gzip_truncated_and_empty() {
        let dir = tempfile::tempdir().unwrap();
        let line = "{\"trace_id\":\"a\",\"k8s.pod.name\":\"p\",\"k8s.node.name\":\"n\",\"k8s.namespace.name\":\"x\",\"cloud.availability_zone\":\"z\"}\n";
        std::fs::write(dir.path().join("a.log"), line.repeat(1000)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(line.repeat(5000).as_bytes()).unwrap();
        let bytes = gz.finish().unwrap();
        std::fs::write(dir.path().join("b.log.gz"), &bytes).unwrap();
        std::fs::write(dir.path().join("c.log.gz"), &bytes[..bytes.len() / 2]).unwrap();
        std::fs::write(dir.path().join("empty.log"), b"").unwrap();
        let r = analyze_paths(
            &[dir.path().to_path_buf()],
            false,
            &FieldConfig::default(),
            None,
        );
        assert_eq!(r.sources.len(), 4);
        let by = |n: &str| r.sources.iter().find(|s| s.source.ends_with(n)).unwrap();
        assert_eq!(by("a.log").lines, 1000);
        assert_eq!(by("b.log.gz").lines, 5000);
        assert!(
            by("c.log.gz").lines > 0 && by("c.log.gz").lines < 5000,
            "a truncated gzip keeps what it read"
        );
        assert!(!by("c.log.gz").errors.is_empty());
        assert_eq!(by("empty.log").lines, 0);
        assert_eq!(r.verdict(), Verdict::Pass, "every line carries every field");
    }

    #[test]
    fn huge_lines_are_counted_not_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = "x".repeat(MAX_LINE + 10);
        text.push('\n');
        text.push_str("{\"pod\":\"p\"}\n");
        std::fs::write(dir.path().join("h.log"), &text).unwrap();
        let s = analyze_file(&dir.path().join("h.log"), &FieldConfig::default());
        assert_eq!(s.lines, 2);
        assert_eq!(s.huge, 1);
        assert_eq!(s.structured, 1);
    }

    #[test]
    fn configured_spellings() {
        let cfg = FieldConfig::with_config(
            &serde_json::json!({"fields": {"trace_id": ["x-request-trace"]}}),
        )
        .unwrap();
        let r = analyze_text("s", "{\"x-request-trace\":\"t\"}\n", &cfg);
        assert_eq!(r.fields.trace_id.present, 1);
        assert!(
            FieldConfig::with_config(&serde_json::json!({"fields": {"trace": ["x"]}})).is_err()
        );
    }

    #[test]
    fn a_line_without_newline_counts_once_and_nul_data_is_binary() {
        let dir = tempfile::tempdir().unwrap();
        // 20 MiB with no newline at all: one line, not one per block.
        std::fs::write(dir.path().join("long.log"), "x".repeat(20 << 20)).unwrap();
        let s = analyze_file(&dir.path().join("long.log"), &FieldConfig::default());
        assert_eq!((s.lines, s.huge, s.binary), (1, 1, 0));
        // 10 MiB of NUL bytes, then a real line: binary, then counted normally.
        let mut nul = vec![0u8; 10 << 20];
        nul.extend_from_slice(b"\n{\"pod\":\"p\"}\n");
        std::fs::write(dir.path().join("nul.log"), &nul).unwrap();
        let s = analyze_file(&dir.path().join("nul.log"), &FieldConfig::default());
        assert_eq!((s.lines, s.binary, s.huge, s.structured), (2, 1, 0, 1));
    }

    #[test]
    fn a_source_stops_at_its_byte_limit_and_says_so() {
        let text = "{\"pod\":\"p\"}\n".repeat(1000);
        let s = stream_within("s", text.as_bytes(), &FieldConfig::default(), 1300);
        assert_eq!(
            s.lines, 108,
            "the whole lines within the limit (12 bytes each)"
        );
        assert_eq!(
            s.errors,
            vec!["stopped after 1300 bytes (the limit for one source); the rest is not counted"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_refused_and_symlink_loops_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), "{\"pod\":\"p\"}\n").unwrap();
        let fifo = dir.path().join("pipe.log");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        // Two links to the folder itself and one to each other.
        std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();
        std::os::unix::fs::symlink("loop-b", dir.path().join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", dir.path().join("loop-b")).unwrap();
        std::os::unix::fs::symlink("a.log", dir.path().join("again.log")).unwrap();
        let r = analyze_paths(
            &[dir.path().to_path_buf()],
            false,
            &FieldConfig::default(),
            None,
        );
        let names: Vec<&str> = r
            .sources
            .iter()
            .map(|s| s.source.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(
            names,
            vec!["a.log", "loop-a", "loop-b", "pipe.log"],
            "a.log once (not again through its link or the folder's)"
        );
        assert_eq!(r.lines, 1);
        let by = |n: &str| r.sources.iter().find(|s| s.source.ends_with(n)).unwrap();
        assert_eq!(
            by("pipe.log").errors,
            vec!["a FIFO is not a regular file, skipped (give its contents on stdin with `-`)"]
        );
        assert!(
            by("loop-a").errors[0].starts_with("cannot read"),
            "{:?}",
            by("loop-a")
        );
        // Given directly, too.
        let s = analyze_file(&fifo, &FieldConfig::default());
        assert_eq!(s.lines, 0);
        assert!(s.errors[0].contains("FIFO"));
    }
}
