//! InterPodAffinity: the pod's required affinity and anti-affinity, and the
//! required anti-affinity of pods already running.

use crate::filter::{Failure, Plugin, Rejection};
use crate::pod::Incoming;
use crate::state::SimNode;

pub const EXISTING_ANTI: Rejection = Rejection::ExistingAntiAffinity;
pub const AFFINITY: Rejection = Rejection::PodAffinity;
pub const ANTI: Rejection = Rejection::PodAntiAffinity;

pub fn filter(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    let st = &pod.affinity;
    // satisfyPodAffinity
    let mut pods_exist = true;
    for t in &st.affinity {
        match node.labels.get(&t.topology_key) {
            Some(v) => {
                if st.affinity_counts.get(&t.topology_key, v) <= 0 {
                    pods_exist = false;
                }
            }
            None => {
                return Some(
                    Failure::new(
                        Plugin::InterPodAffinity,
                        AFFINITY,
                        pod.say(|| format!("node has no {} label", t.topology_key)),
                    )
                    .unresolvable(),
                );
            }
        }
    }
    // The first pod of a group with affinity to itself may go anywhere.
    let first_of_group = st.affinity_counts.is_empty() && st.self_matches_affinity;
    if !pods_exist && !first_of_group {
        return Some(
            Failure::new(
                Plugin::InterPodAffinity,
                AFFINITY,
                "no pod matching the required affinity runs in this node's topology domain",
            )
            .unresolvable(),
        );
    }
    // satisfyPodAntiAffinity
    for t in &st.anti {
        if let Some(v) = node.labels.get(&t.topology_key)
            && st.anti_counts.get(&t.topology_key, v) > 0
        {
            return Some(Failure::new(
                Plugin::InterPodAffinity,
                ANTI,
                pod.say(|| {
                    format!(
                        "a pod the anti-affinity excludes already runs in {}={v}",
                        t.topology_key
                    )
                }),
            ));
        }
    }
    // satisfyExistingPodsAntiAffinity
    if !st.existing_anti_counts.is_empty() {
        for (k, v) in &node.labels {
            if st.existing_anti_counts.get(k, v) > 0 {
                return Some(Failure::new(
                    Plugin::InterPodAffinity,
                    EXISTING_ANTI,
                    pod.say(|| {
                        format!("a pod running in {k}={v} has anti-affinity against this pod")
                    }),
                ));
            }
        }
    }
    None
}
