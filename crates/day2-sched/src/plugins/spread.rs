//! PodTopologySpread (`whenUnsatisfiable: DoNotSchedule`).

use crate::filter::{Failure, Plugin, Rejection};
use crate::pod::Incoming;
use crate::state::SimNode;

pub const NOT_MATCH: Rejection = Rejection::TopologySpread;
pub const MISSING_LABEL: Rejection = Rejection::TopologySpreadMissingLabel;

pub fn filter(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    for c in &pod.spread {
        let Some(value) = node.labels.get(&c.topology_key) else {
            return Some(
                Failure::new(
                    Plugin::PodTopologySpread,
                    MISSING_LABEL,
                    pod.say(|| format!("node has no {} label", c.topology_key)),
                )
                .unresolvable(),
            );
        };
        let here = c.counts.get(value).copied().unwrap_or(0);
        let skew = here + i64::from(c.self_match) - c.min;
        if skew > c.max_skew {
            return Some(Failure::new(
                Plugin::PodTopologySpread,
                NOT_MATCH,
                pod.say(|| format!(
                    "{}={value} already has {here} matching pod(s), the least-loaded domain {}; maxSkew is {}",
                    c.topology_key, c.min, c.max_skew
                )),
            ));
        }
    }
    None
}
