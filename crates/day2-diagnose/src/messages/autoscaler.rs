//! cluster-autoscaler's pod events.
//!
//! Source, kubernetes/autoscaler:
//! `cluster-autoscaler/processors/status/eventing_scale_up_processor.go`:
//! - `TriggeredScaleUp` `pod triggered scale-up: %v` with ScaleUpInfos printed
//!   as `[{<group> 37->38 (max: 39)}]`; old releases
//!   `pod triggered scale-up, group: <id>, sizes (current/new): 3/4`.
//! - `NotTriggerScaleUp` `pod didn't trigger scale-up: %s`, the reasons
//!   `"%d %s"` per aggregated reason (count of node groups), unsorted, or
//!   `max total nodes in cluster reached`; old releases insert
//!   ` (it wouldn't fit if a new node is added)`. Skipped reasons come from
//!   `core/scaleup/orchestrator/skippedreasons.go`.

use super::{split_counted, strip_combined};

/// One node group the autoscaler grew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleUp {
    pub group: String,
    pub from: Option<u32>,
    pub to: Option<u32>,
    pub max: Option<u32>,
}

/// Node groups of a `TriggeredScaleUp` message.
pub fn parse_triggered(msg: &str) -> Option<Vec<ScaleUp>> {
    let msg = strip_combined(msg);
    if let Some(rest) = msg.strip_prefix("pod triggered scale-up: ") {
        let mut out = Vec::new();
        for item in rest.split('{').skip(1) {
            let item = item.split('}').next().unwrap_or(item).trim();
            // `<group> 3->4 (max: 6)`; group names have no spaces.
            let mut parts = item.split_whitespace();
            let group = parts.next().unwrap_or_default().to_owned();
            let sizes = parts.next().unwrap_or_default();
            let (from, to) = sizes
                .split_once("->")
                .map(|(a, b)| (a.parse().ok(), b.parse().ok()))
                .unwrap_or((None, None));
            let max = item
                .split("(max: ")
                .nth(1)
                .and_then(|m| m.trim_end_matches(')').trim().parse().ok());
            out.push(ScaleUp {
                group,
                from,
                to,
                max,
            });
        }
        return Some(out);
    }
    let rest = msg.strip_prefix("pod triggered scale-up, group: ")?;
    let (group, sizes) = rest.split_once(", sizes (current/new): ")?;
    let (from, to) = sizes
        .split_once('/')
        .map(|(a, b)| (a.trim().parse().ok(), b.trim().parse().ok()))
        .unwrap_or((None, None));
    Some(vec![ScaleUp {
        group: group.trim().to_owned(),
        from,
        to,
        max: None,
    }])
}

/// Why the autoscaler would not help.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoScaleUp {
    /// (node groups, reason) — scheduler reasons against the group templates
    /// and skipped reasons such as `max node group size reached`.
    pub reasons: Vec<(u32, String)>,
    /// `max total nodes in cluster reached`.
    pub cluster_max: bool,
}

impl NoScaleUp {
    /// Reasons that are autoscaler limits rather than pod constraints.
    pub fn limits(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .reasons
            .iter()
            .filter(|(_, r)| is_limit(r))
            .map(|(n, r)| format!("{n} {r}"))
            .collect();
        if self.cluster_max {
            v.insert(0, "max total nodes in cluster reached".into());
        }
        v
    }
}

/// A skipped reason of `skippedreasons.go` (or the cluster-wide maximum).
pub fn is_limit(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("max node group size reached")
        || r.contains("max total nodes")
        || (r.contains("max cluster") && r.contains("limit reached"))
        || r.contains("in backoff after failed scale-up")
        || r.contains("not ready for scale-up")
        || r.contains("can be vertically scaled")
}

pub fn parse_not_triggered(msg: &str) -> Option<NoScaleUp> {
    let msg = strip_combined(msg);
    let rest = msg.strip_prefix("pod didn't trigger scale-up")?;
    let rest = rest
        .strip_prefix(" (it wouldn't fit if a new node is added)")
        .unwrap_or(rest);
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
    let rest = rest.trim_end_matches('.');
    let (head, reasons) = split_counted(rest);
    let cluster_max = head
        .as_deref()
        .is_some_and(|h| h.contains("max total nodes in cluster reached"));
    Some(NoScaleUp {
        reasons,
        cluster_max,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggered_both_wordings() {
        // kubernetes/autoscaler#923
        let g = parse_triggered(
            "pod triggered scale-up: [{1.default.nodes.ASG-XXXXXX 37->38 (max: 39)}]",
        )
        .unwrap();
        assert_eq!(
            g,
            vec![ScaleUp {
                group: "1.default.nodes.ASG-XXXXXX".into(),
                from: Some(37),
                to: Some(38),
                max: Some(39)
            }]
        );
        let g = parse_triggered(
            "pod triggered scale-up, group: nodes.example, sizes (current/new): 3/4",
        )
        .unwrap();
        assert_eq!(g[0].group, "nodes.example");
        assert_eq!((g[0].from, g[0].to), (Some(3), Some(4)));
    }

    #[test]
    fn not_triggered_reasons_and_limits() {
        // kubernetes/autoscaler#5692 (GKE)
        let n = parse_not_triggered("pod didn't trigger scale-up: 12 node(s) didn't match Pod's node affinity/selector, 3 max node group size reached").unwrap();
        assert_eq!(n.reasons.len(), 2);
        assert_eq!(n.limits(), vec!["3 max node group size reached".to_owned()]);
        // aerospike-kubernetes-operator#80 (old wording)
        let n = parse_not_triggered("pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 node(s) had volume node affinity conflict, 2 node(s) didn't match node selector").unwrap();
        assert_eq!(
            n.reasons[0],
            (1, "node(s) had volume node affinity conflict".into())
        );
        assert!(n.limits().is_empty());
        let n =
            parse_not_triggered("pod didn't trigger scale-up: max total nodes in cluster reached")
                .unwrap();
        assert!(n.cluster_max);
    }
}
