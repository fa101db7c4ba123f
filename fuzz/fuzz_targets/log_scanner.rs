//! day2-logs: line classification (JSON, logfmt, CRI framing, timestamps),
//! field detection, redaction and the report renderers.
#![no_main]

use day2_logs::{FieldConfig, analyze_text, render, scan};
use day2_model::redact::redact;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cfg = FieldConfig::default();
    for line in text.lines().take(64) {
        let _ = scan::classify(line, &cfg);
        let _ = scan::strip_cri(line);
        let _ = scan::strip_timestamp(line);
        let redacted = redact(line);
        // Redaction is idempotent: a redacted line has nothing left to hide.
        assert_eq!(redact(&redacted), redacted, "redact({line:?})");
    }
    let report = analyze_text("fuzz.log", &text, &cfg);
    let _ = render::text(&report);
    let _ = render::json(&report);
    let _ = render::markdown(&report);
    let _ = report.verdict();
});
