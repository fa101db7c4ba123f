//! day2's own snapshot file.
//!
//! ```json
//! {"apiVersion": "day2.dev/v1", "kind": "Snapshot",
//!  "metadata": {"capturedAt": "2026-01-01T09:10:00Z", "context": "prod", "server": "https://…", "namespace": null},
//!  "items": [ …objects as the API returns them, each with apiVersion and kind… ],
//!  "notes": ["storage loop: no permission to list persistentvolumes (403)"]}
//! ```
//!
//! Secrets appear value-free: `{"apiVersion": "v1", "kind": "Secret", "metadata":
//! {…, "annotations": {"day2.dev/redacted": "true"}}, "type": "Opaque", "keys":
//! [{"name": "id", "class": "aws-access-key-id", "len": 20}]}`. A `.gz` name
//! compresses the file. `--snapshot` reads it back like any `List`.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

pub const SNAPSHOT_API_VERSION: &str = "day2.dev/v1";

/// Annotation marking a Secret whose values were removed.
pub const REDACTED_ANNOTATION: &str = "day2.dev/redacted";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotMeta {
    pub captured_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotFile {
    pub api_version: String,
    pub kind: String,
    pub metadata: SnapshotMeta,
    pub items: Vec<serde_json::Value>,
    #[serde(default)]
    pub notes: Vec<String>,
}

impl SnapshotFile {
    pub fn new(metadata: SnapshotMeta, items: Vec<serde_json::Value>, notes: Vec<String>) -> Self {
        SnapshotFile {
            api_version: SNAPSHOT_API_VERSION.into(),
            kind: "Snapshot".into(),
            metadata,
            items,
            notes,
        }
    }
}

/// Writes a snapshot one item at a time (a live capture streams objects as
/// they arrive and never holds the whole cluster as JSON values).
pub struct SnapshotWriter<W: Write> {
    w: W,
    first: bool,
}

impl<W: Write> SnapshotWriter<W> {
    /// Write the header.
    pub fn new(mut w: W, metadata: &SnapshotMeta) -> std::io::Result<Self> {
        write!(
            w,
            "{{\"apiVersion\":{},\"kind\":\"Snapshot\",\"metadata\":",
            serde_json::to_string(SNAPSHOT_API_VERSION)?
        )?;
        serde_json::to_writer(&mut w, metadata)?;
        w.write_all(b",\"items\":[")?;
        Ok(SnapshotWriter { w, first: true })
    }

    /// One object, on its own line.
    pub fn item(&mut self, item: &impl Serialize) -> std::io::Result<()> {
        self.w.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.w, item)?;
        Ok(())
    }

    /// Close the items and write the notes; returns the writer.
    pub fn finish(mut self, notes: &[String]) -> std::io::Result<W> {
        self.w.write_all(b"\n],\"notes\":")?;
        serde_json::to_writer(&mut self.w, notes)?;
        self.w.write_all(b"}\n")?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Write a snapshot as JSON (one item per line, so diffs and `grep` work).
pub fn write_snapshot(w: impl Write, s: &SnapshotFile) -> std::io::Result<()> {
    let mut sw = SnapshotWriter::new(w, &s.metadata)?;
    for item in &s.items {
        sw.item(item)?;
    }
    sw.finish(&s.notes).map(drop)
}

/// Write to a file; a name ending in `.gz` is compressed.
pub fn write_snapshot_file(path: &Path, s: &SnapshotFile) -> std::io::Result<()> {
    let f = std::io::BufWriter::new(std::fs::File::create(path)?);
    if path.extension().is_some_and(|e| e == "gz") {
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
        write_snapshot(&mut gz, s)?;
        gz.finish()?.flush()
    } else {
        write_snapshot(f, s)
    }
}
