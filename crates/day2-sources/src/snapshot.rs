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
        SnapshotFile { api_version: SNAPSHOT_API_VERSION.into(), kind: "Snapshot".into(), metadata, items, notes }
    }
}

/// Write a snapshot as JSON (one item per line, so diffs and `grep` work).
pub fn write_snapshot(mut w: impl Write, s: &SnapshotFile) -> std::io::Result<()> {
    write!(w, "{{\"apiVersion\":{},\"kind\":\"Snapshot\",\"metadata\":{},\"notes\":{},\"items\":[", serde_json::to_string(&s.api_version)?, serde_json::to_string(&s.metadata)?, serde_json::to_string(&s.notes)?)?;
    for (i, item) in s.items.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut w, item)?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
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
