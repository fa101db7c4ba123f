//! Print the diagnoses of a snapshot file (a YAML or JSON `List`) as JSON:
//! `cargo run -p day2-diagnose --example diagnose -- tests/snapshots/<case>.yaml`.
//! Without an argument, the bundled demo cluster.

use day2_model::SourceKind;
use day2_rules::{Config, Context};

fn main() -> Result<(), String> {
    let text = match std::env::args().nth(1) {
        Some(p) => std::fs::read_to_string(&p).map_err(|e| format!("{p}: {e}"))?,
        None => day2_diagnose::DEMO_CLUSTER.to_owned(),
    };
    let cluster = day2_sources::testing::cluster_from_yaml(&text, SourceKind::Snapshot)?;
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    let findings = day2_rules::run(&cx);
    let out = day2_diagnose::diagnose(&cx, &findings);
    let json = serde_json::json!({"diagnoses": out.diagnoses, "timeline": out.timeline});
    println!(
        "{}",
        serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
    );
    Ok(())
}
