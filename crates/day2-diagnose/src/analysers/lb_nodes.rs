//! A load balancer the cloud controller cannot point at the nodes because
//! the nodes carry no cloud identity: `spec.providerID` is set by the cloud
//! controller manager when a node registers with the kubelet's
//! `--cloud-provider=external` (which holds it back until initialised).
//! Nodes that joined before that flag was set keep an empty providerID, and
//! the controller cannot map them to servers (`hcops/providerIDToServerID:
//! missing prefix hcloud://`, hetznercloud/hcloud-cloud-controller-manager#50).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::Loop;

/// Whether the cloud's error is about mapping nodes to its servers.
fn about_provider_id(msg: &str) -> bool {
    let l = msg.to_ascii_lowercase();
    l.contains("providerid") || l.contains("missing prefix") || l.contains("provider id")
}

pub fn unidentified<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    let Detail::Message(msg) = &d.detail else {
        return vec![];
    };
    if !about_provider_id(msg) {
        return vec![];
    }
    let bare: Vec<_> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| model::provider_id(n).is_none())
        .collect();
    if bare.is_empty() {
        return vec![];
    }
    let names: Vec<&str> = bare.iter().map(|n| n.name()).collect();
    // Their node group when they share one; else the first of them, which
    // the summary lists with the rest.
    let pool = model::node_pool_ref(bare.iter().copied());
    let root = if bare.len() > 1 && !pool.name.starts_with('(') {
        pool
    } else {
        bare[0].objref()
    };
    let link = d.events_with("SyncLoadBalancerFailed").last().map(|e| {
        Link::from_event(
            Loop::Network,
            e,
            "the cloud controller cannot map the nodes to its servers",
        )
    });
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            root,
            format!(
                "the load balancer of Service {}/{} cannot target the nodes: {} of {} node(s) ({}) have no spec.providerID, so the cloud controller manager cannot tell which server each is",
                svc.ns_or_default(),
                svc.name(),
                bare.len(),
                a.cluster.nodes.len(),
                day2_model::text::short_list(&names, 4)
            ),
        )
        .fix("Start every kubelet with `--cloud-provider=external` before it registers, so the cloud controller manager initialises the node and sets its providerID (`<provider>://<server id>`); nodes that joined without it must be removed and joined again (`kubectl delete node`, restart the kubelet), as providerID cannot be changed once set.")
        .links(link),
    ]
}
