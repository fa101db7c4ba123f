//! `docs/rules.md` is generated from the rules' metadata; this test fails
//! when it is stale. Regenerate with `DAY2_UPDATE_DOCS=1 cargo test -p day2-rules --test docs`.

use std::path::Path;

#[test]
fn rules_md_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let want = day2_rules::registry::markdown();
    if std::env::var_os("DAY2_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run `DAY2_UPDATE_DOCS=1 cargo test -p day2-rules --test docs`"
    );
}

#[test]
fn every_rule_is_documented_with_its_per_source_behaviour() {
    let md = day2_rules::registry::markdown();
    for r in day2_rules::all() {
        let m = r.meta();
        assert!(
            md.contains(&format!("### {} {}", m.code, m.name)),
            "{}",
            m.code
        );
        assert!(
            !m.sources.trim().is_empty(),
            "{} says how it behaves per source",
            m.code
        );
        assert!(m.docs().contains("## Example that fires"), "{}", m.code);
    }
}
