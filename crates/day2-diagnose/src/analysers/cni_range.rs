//! A CNI agent that refuses to start because its pod network overlaps a
//! route the node already has: Weave Net's `Network 10.32.0.0/12 overlaps
//! with existing route 10.0.0.0/8 on host` (weaveworks/weave#3211: a
//! corporate 10/8 route; weaveworks/weave#3987: a route an earlier CNI
//! left on one node). Routing the same addresses two ways would cut the
//! node off, so the agent exits and the node's pods get no network.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// `(pod network, route)` from the agent's words.
fn overlap(text: &str) -> Option<(&str, &str)> {
    let (head, tail) = text.split_once(" overlaps with existing route ")?;
    let net = head.rsplit(' ').next()?;
    let route = tail.split_whitespace().next()?;
    (net.contains('/') && route.contains('/')).then_some((net, route))
}

pub fn overlapping<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some((net, route)) = texts.iter().find_map(|t| overlap(t)) else {
        return vec![];
    };
    let owner = model::workload_ref(a.cluster, pod);
    let node = model::node_name(pod).unwrap_or("its node");
    let setting = model::spec_container(pod, container)
        .and_then(|c| {
            c.env
                .iter()
                .flatten()
                .find(|e| e.name == "IPALLOC_RANGE")
                .map(|e| {
                    format!(
                        "its IPALLOC_RANGE (now {})",
                        e.value.as_deref().unwrap_or("unset")
                    )
                })
        })
        .unwrap_or_else(|| {
            if owner.name.contains("weave") {
                "its IPALLOC_RANGE environment variable (unset: 10.32.0.0/12)".to_owned()
            } else {
                "its pod network range".to_owned()
            }
        });
    vec![
        Hypothesis::new(
            86,
            Loop::Network,
            owner.clone(),
            format!(
                "the CNI agent {} on {node} refuses to start: its pod network {net} overlaps the route {route} the node already has, and routing the same addresses two ways would cut the node off",
                pod.name()
            ),
        )
        .fix(format!(
            "Give {owner} a pod network that overlaps no route of the nodes, through {setting} (and the cluster's pod CIDR to match), or, when {route} is a leftover of an earlier network add-on on {node}, remove it there (`ip route del {route}`, and the old add-on's interfaces) and restart the pod."
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::overlap;

    #[test]
    fn the_network_and_the_route_are_read() {
        assert_eq!(
            overlap("Network 10.32.0.0/12 overlaps with existing route 10.0.0.0/8 on host\n"),
            Some(("10.32.0.0/12", "10.0.0.0/8"))
        );
        assert_eq!(overlap("route 10.0.0.0/8 added on host"), None);
    }
}
