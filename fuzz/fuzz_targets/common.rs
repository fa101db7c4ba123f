//! Shared by the targets that read sources.

use day2_model::SourceKind;
use day2_sources::{LoadOptions, load_bytes};

/// Smaller limits than the CLI's, so a compressed bomb is refused quickly
/// instead of exhausting the fuzzer's memory limit.
pub fn options() -> LoadOptions {
    LoadOptions {
        max_file_bytes: 8 << 20,
        max_doc_bytes: 1 << 20,
        max_held_bytes: 32 << 20,
        progress: None,
    }
}

/// Load `bytes` as the file `name`; whatever happens, every note names where.
pub fn load(name: &str, bytes: &[u8]) {
    match load_bytes(name, bytes, SourceKind::Snapshot, &options()) {
        Ok(cluster) => {
            for n in &cluster.notes {
                assert!(n.at.starts_with(name), "note without its file: {n}");
            }
        }
        Err(e) => {
            // The message is what the user reads: it must render.
            let _ = e.to_string();
        }
    }
}
