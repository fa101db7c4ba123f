//! Building clusters from YAML text, for rule fixtures and tests of other
//! crates (the `testing` feature, off by default: enabled by dev-dependencies
//! only). Not the manifest loader of this crate: no positions, no partial
//! results; malformed fixtures are a bug and return an error.

use day2_model::object::{Stores, decode_value};
use day2_model::{Cluster, Origin, SourceKind};

/// Parse multi-document YAML (with `List`s expanded) into a cluster.
pub fn cluster_from_yaml(yaml: &str, kind: SourceKind) -> Result<Cluster, String> {
    let docs: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(yaml).map_err(|e| e.to_string())?;
    let mut stores = Stores::default();
    let mut push = |v: serde_json::Value, hint: Option<(String, String)>| -> Result<(), String> {
        let hint = hint.as_ref().map(|(a, k)| (a.as_str(), k.as_str()));
        stores.push(decode_value(v, Origin::default(), hint).map_err(|e| e.to_string())?);
        Ok(())
    };
    for doc in docs {
        if doc.is_null() {
            continue;
        }
        let kind = doc
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_owned();
        match (
            kind.strip_suffix("List"),
            doc.get("items").and_then(|i| i.as_array()),
        ) {
            (Some(item_kind), Some(items)) => {
                let av = doc
                    .get("apiVersion")
                    .and_then(|a| a.as_str())
                    .unwrap_or("v1")
                    .to_owned();
                let hint = (!item_kind.is_empty()).then(|| (av, item_kind.to_owned()));
                for item in items {
                    push(item.clone(), hint.clone())?;
                }
            }
            _ => push(doc, None)?,
        }
    }
    Ok(Cluster::new(stores, kind, Vec::new()))
}

/// The source a fixture stands for: manifests, unless its first line is
/// `# source: snapshot` or `# source: live` (cluster-level rules judge only
/// whole clusters).
pub fn fixture_source(text: &str) -> SourceKind {
    match text
        .lines()
        .next()
        .and_then(|l| l.trim().strip_prefix("# source:"))
        .map(str::trim)
    {
        Some("snapshot") => SourceKind::Snapshot,
        Some("live") => SourceKind::Live,
        _ => SourceKind::Manifests,
    }
}

/// `c` with `stores` in place of its objects: the same source, notes,
/// logs, input and capture time, indexed again.
pub fn with_stores(c: &Cluster, stores: day2_model::Stores) -> Cluster {
    let mut out = Cluster::new(stores, c.source, c.notes.clone());
    out.logs = c.logs.clone();
    out.input = c.input.clone();
    out.captured_at = c.captured_at;
    out
}

/// `c` without the objects of `kinds`.
pub fn without(c: &Cluster, kinds: day2_model::KindSet) -> Cluster {
    let mut stores = c.stores.clone();
    stores.clear_kinds(kinds);
    with_stores(c, stores)
}
