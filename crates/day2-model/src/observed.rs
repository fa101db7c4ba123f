//! When the cluster was looked at, read from what the input holds.
//!
//! A day2 snapshot and a live read say when they were taken
//! ([`Cluster::captured_at`]). `kubectl get -o json` and `cluster-info dump`
//! do not, but every Ready condition of a Node carries the kubelet's last
//! heartbeat (`lastHeartbeatTime`, renewed at least every five minutes by
//! `nodeStatusReportFrequency`), and every Event its last occurrence: the
//! input was read no earlier than those. The median heartbeat is taken, so
//! one node with a skewed clock does not move the answer; a lost node's stale
//! heartbeat only makes the answer earlier, never later.

use crate::Cluster;
use jiff::Timestamp;

/// The time the input shows the cluster at: its capture time when it says,
/// else the later of the nodes' median heartbeat and the newest event.
pub fn observed_at(c: &Cluster) -> Option<Timestamp> {
    if let Some(t) = c.captured_at {
        return Some(t);
    }
    let mut beats: Vec<Timestamp> = c
        .nodes
        .iter()
        .filter_map(|n| {
            n.status
                .as_ref()?
                .conditions
                .as_ref()?
                .iter()
                .find(|c| c.type_ == "Ready")?
                .last_heartbeat_time
                .as_ref()
                .map(|t| t.0)
        })
        .collect();
    beats.sort_unstable();
    let median = beats.get(beats.len().saturating_sub(1) / 2).copied();
    let newest_event = c.events.iter().filter_map(|e| e.last.or(e.first)).max();
    median.max(newest_event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceKind;

    fn cluster(beats: &[&str], events: &[&str]) -> Cluster {
        let mut items: Vec<serde_json::Value> = beats
            .iter()
            .enumerate()
            .map(|(i, t)| {
                serde_json::json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("n{i}")},
                    "status": {"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": t}]}})
            })
            .collect();
        items.extend(events.iter().enumerate().map(|(i, t)| {
            serde_json::json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": format!("e{i}"), "namespace": "default"},
                "involvedObject": {"kind": "Pod", "namespace": "default", "name": "p"}, "reason": "Pulled",
                "message": "m", "type": "Normal", "lastTimestamp": t})
        }));
        let mut st = crate::Stores::default();
        for v in items {
            st.push(crate::object::decode_value(v, crate::types::Origin::default(), None).unwrap());
        }
        Cluster::new(st, SourceKind::Snapshot, vec![])
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn one_node_with_a_clock_years_ahead_does_not_move_the_answer() {
        let c = cluster(
            &[
                "2024-01-10T23:48:00Z",
                "2024-01-10T23:47:00Z",
                "2031-01-01T00:00:00Z",
            ],
            &[],
        );
        assert_eq!(observed_at(&c), Some(ts("2024-01-10T23:48:00Z")));
    }

    #[test]
    fn a_newer_event_than_the_heartbeats_is_the_answer() {
        let c = cluster(&["2024-01-10T23:48:00Z"], &["2024-01-10T23:50:00Z"]);
        assert_eq!(observed_at(&c), Some(ts("2024-01-10T23:50:00Z")));
    }

    #[test]
    fn the_capture_time_is_the_answer_when_the_input_has_one() {
        let mut c = cluster(&["2024-01-10T23:48:00Z"], &["2024-01-10T23:50:00Z"]);
        c.captured_at = Some(ts("2024-01-11T00:00:00Z"));
        assert_eq!(observed_at(&c), Some(ts("2024-01-11T00:00:00Z")));
    }

    #[test]
    fn an_input_without_clocks_has_no_answer() {
        assert_eq!(observed_at(&cluster(&[], &[])), None);
    }
}
