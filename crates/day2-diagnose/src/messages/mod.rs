//! Parsers for the messages upstream components write into events and
//! status fields. Every format, including wording that changed across
//! Kubernetes versions, is matched; the upstream file each one comes from is
//! named next to its parser.

pub mod admission;
pub mod apiserver;
pub mod autoscaler;
pub mod cloud_code;
pub mod cloud_state;
pub mod dns;
pub mod errors;
pub mod fs;
pub mod image;
pub mod karpenter;
pub mod keys;
pub mod mount;
pub mod permission;
pub mod probe;
pub mod runtime;
pub mod said;
pub mod scheduler;
pub mod setting;
pub mod volume;

/// client-go's event aggregator prefixes repeated messages with this
/// (`staging/src/k8s.io/client-go/tools/record/events_cache.go`).
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// A message without the aggregation prefix.
pub fn strip_combined(msg: &str) -> &str {
    msg.trim_start()
        .strip_prefix(COMBINED_PREFIX)
        .unwrap_or(msg)
        .trim()
}

/// Split a histogram list (`1 Insufficient cpu, 2 node(s) had taint {a: b}, that the pod didn't tolerate`)
/// into `(count, reason)` items. Items start with a count; a `, ` not followed
/// by a count belongs to the current reason (old taint wording has one).
pub fn split_counted(list: &str) -> (Option<String>, Vec<(u32, String)>) {
    let mut items: Vec<(u32, String)> = Vec::new();
    let mut head: Option<String> = None;
    for piece in list.split(", ") {
        match leading_count(piece) {
            Some((n, rest)) => items.push((n, rest.trim().to_owned())),
            None => match items.last_mut() {
                Some((_, r)) => {
                    r.push_str(", ");
                    r.push_str(piece);
                }
                None => match &mut head {
                    Some(h) => {
                        h.push_str(", ");
                        h.push_str(piece);
                    }
                    None => head = Some(piece.to_owned()),
                },
            },
        }
    }
    (head, items)
}

/// `12 Insufficient cpu` → (12, `Insufficient cpu`).
fn leading_count(s: &str) -> Option<(u32, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| !c.is_ascii_digit())?;
    if end == 0 || !s[end..].starts_with(' ') {
        return None;
    }
    let n = s[..end].parse().ok()?;
    Some((n, &s[end + 1..]))
}

/// Text between the first pair of double quotes after `marker`.
pub fn quoted_after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &s[s.find(marker)? + marker.len()..];
    let start = rest.find('"')? + 1;
    let end = rest[start..].find('"')? + start;
    Some(&rest[start..end])
}

/// The text quoted right after `marker`, in double or single quotes
/// (upstream messages moved from `%q` to `'%s'` in places: the persistent
/// volume controller's external provisioner, 1.28).
pub fn quoted_either_after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    let rest = s[s.find(marker)? + marker.len()..].trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = &rest[1..];
    Some(&body[..body.find(quote)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_lists_keep_commas_inside_reasons() {
        let (head, items) = split_counted(
            "1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 Insufficient cpu",
        );
        assert_eq!(head, None);
        assert_eq!(
            items,
            vec![
                (
                    1,
                    "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate"
                        .to_owned()
                ),
                (2, "Insufficient cpu".to_owned())
            ]
        );
        let (head, items) = split_counted("pod has unbound immediate PersistentVolumeClaims");
        assert_eq!(
            head.as_deref(),
            Some("pod has unbound immediate PersistentVolumeClaims")
        );
        assert!(items.is_empty());
    }

    #[test]
    fn combined_prefix_is_stripped() {
        assert_eq!(
            strip_combined("(combined from similar events): AttachVolume.Attach failed"),
            "AttachVolume.Attach failed"
        );
    }
}
