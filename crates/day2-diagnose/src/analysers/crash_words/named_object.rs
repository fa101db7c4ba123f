//! A crash whose own words name an object of the input that the program
//! reads at start: a custom resource named by the last word of its kind
//! and its quoted name, the kind's words in the same text (Velero's `some
//! backup storage locations are invalid: backup store for location
//! "default" is invalid: … NoSuchBucket`, vmware-tanzu/velero#2412). The
//! object's spec is what to change, not the program's Deployment, unless
//! the line says a cause of a family of its own (`NoCredentialProviders`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// A kind's words, lower case (`BackupStorageLocation` → backup, storage,
/// location).
fn words(kind: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in kind.chars() {
        match out.last_mut() {
            Some(w) if !c.is_ascii_uppercase() => w.push(c),
            _ => out.push(c.to_ascii_lowercase().to_string()),
        }
    }
    out
}

/// The line of `text` that names `name` by its kind's last word, when the
/// text also holds every word of the kind; a kind of one word must be
/// followed by its name alone.
fn naming_line<'t>(text: &'t str, kind: &str, name: &str) -> Option<&'t str> {
    let w = words(kind);
    let lower = text.to_ascii_lowercase();
    if w.len() < 2 || !w.iter().all(|x| lower.contains(x.as_str())) {
        return None;
    }
    let last = w.last()?;
    let quoted = format!("{last} \"{}\"", name.to_ascii_lowercase());
    let at = lower.find(&quoted)?;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    Some(text[start..end].trim())
}

/// The loop an object of `kind` belongs to, by what its kind says it is.
fn loop_of(kind: &str) -> Loop {
    let k = kind.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| k.contains(x));
    if has(&[
        "storage", "volume", "backup", "snapshot", "bucket", "restore",
    ]) {
        Loop::Storage
    } else if has(&[
        "certificate",
        "issuer",
        "identity",
        "role",
        "secret",
        "credential",
        "account",
    ]) {
        Loop::Identity
    } else if has(&[
        "route", "gateway", "ingress", "service", "policy", "dns", "network", "listener",
    ]) {
        Loop::Network
    } else {
        Loop::Compute
    }
}

pub fn names_object<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let found = a
        .cluster
        .other
        .iter()
        .filter(|o| o.namespace().is_none_or(|n| n == ns))
        .find_map(|o| {
            texts
                .iter()
                .find_map(|t| naming_line(t, &o.kind, o.name()))
                .map(|line| (o, line.to_owned()))
        });
    // A refusal of another family on that line (a cloud identity refused,
    // a host unreachable) is that family's, whatever object it was about.
    let Some((o, line)) =
        found.filter(|(_, l)| crate::messages::errors::classify_line(l).is_none())
    else {
        return vec![];
    };
    let obj = o.objref();
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            80,
            loop_of(&o.kind),
            obj.clone(),
            format!(
                "{workload} exits at start-up on {obj}, which it reads and refuses: `{}`",
                day2_model::redact::excerpt(&line, 240)
            ),
        )
        .fix(format!(
            "Correct {obj} to what its error names (`kubectl edit {} -n {ns} {}`: the value the error quotes, such as a bucket, region or credential, must exist and be reachable); the pods of {workload} start once it is valid.",
            o.kind.to_ascii_lowercase(),
            o.name()
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_naming_an_object_by_kind_and_name() {
        assert_eq!(
            words("BackupStorageLocation"),
            ["backup", "storage", "location"]
        );
        let log = "time=x level=info msg=\"Checking that all backup storage locations are valid\"\nAn error occurred: some backup storage locations are invalid: backup store for location \"default\" is invalid: rpc error: code = Unknown desc = NoSuchBucket: The specified bucket does not exist\n";
        assert!(
            naming_line(log, "BackupStorageLocation", "default")
                .is_some_and(|l| l.starts_with("An error occurred") && l.contains("NoSuchBucket"))
        );
        // Another object of the kind, or a kind whose words are not there.
        assert_eq!(naming_line(log, "BackupStorageLocation", "secondary"), None);
        assert_eq!(naming_line(log, "VolumeSnapshotLocation", "default"), None);
        assert_eq!(loop_of("BackupStorageLocation"), Loop::Storage);
        assert_eq!(loop_of("ClusterIssuer"), Loop::Identity);
    }
}
