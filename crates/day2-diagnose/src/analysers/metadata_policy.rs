//! A mesh sidecar on Google Cloud whose egress the NetworkPolicies close to
//! the node's metadata server (169.254.169.254, often carved out of an
//! otherwise open `0.0.0.0/0` rule on purpose): Istio's pilot-agent asks
//! the metadata server for the project and zone when it starts, waits on it,
//! and the proxy is not ready before the `pilot-agent wait` post-start hook
//! gives up, so the kubelet kills it (istio/istio#39950). The policy, not
//! the sidecar, is what to change.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::netpol::{self, Direction, Peer, Port};
use crate::symptoms::Detected;
use day2_model::Loop;
use std::net::{IpAddr, Ipv4Addr};

/// The link-local address every cloud serves its metadata on.
const METADATA: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254));

pub fn sidecar_cut_off<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let on_gce = crate::model::node_name(pod)
        .and_then(|n| a.cluster.node(n))
        .and_then(|n| n.spec.as_ref()?.provider_id.as_deref())
        .is_some_and(|p| p.starts_with("gce://"));
    if !on_gce {
        return vec![];
    }
    // The sidecar that restarts: Istio's proxy, whose agent asks.
    let Some(sidecar) = crate::model::container_statuses(pod).find(|s| {
        s.restart_count > 0 && (s.name == "istio-proxy" || s.image.contains("/proxyv2:"))
    }) else {
        return vec![];
    };
    let v = netpol::evaluate(
        a.cluster,
        pod,
        Direction::Egress,
        Peer::Ip(METADATA),
        Port::tcp(80),
    );
    if v.allowed() {
        return vec![];
    }
    let Some(policy) = v.denier(Direction::Egress) else {
        return vec![];
    };
    let named = policy
        .spec
        .as_ref()
        .and_then(|s| s.egress.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|r| r.to.iter().flatten())
        .filter_map(|p| p.ip_block.as_ref())
        .any(|b| {
            b.except
                .iter()
                .flatten()
                .any(|e| e.starts_with("169.254.169.254"))
        });
    let how = if named {
        "its egress rule excepts 169.254.169.254".to_owned()
    } else {
        "no egress rule admits 169.254.169.254".to_owned()
    };
    let ns = pod.ns_or_default();
    vec![
        Hypothesis::new(
            74,
            Loop::Network,
            policy.objref(),
            format!(
                "NetworkPolicy {ns}/{} shuts pod {} out of the GCE metadata server ({how}): container {}'s pilot-agent asks it for the project and zone at start-up, so the proxy is not ready before the `pilot-agent wait` hook gives up and the kubelet kills it",
                policy.name(),
                pod.name(),
                sidecar.name
            ),
        )
        .fix(format!(
            "Allow egress to the metadata server in NetworkPolicy {ns}/{}: a rule `to: [{{ipBlock: {{cidr: 169.254.169.254/32}}}}]` on port 80 (or drop it from the `except` list); if the metadata server must stay closed, tell the sidecar the platform through the proxy's environment instead (`CLOUD_PLATFORM: none` in the mesh's proxy config).",
            policy.name()
        ))
        .link(Link::new(
            Loop::Network,
            d.since,
            policy.objref(),
            format!(
                "NetworkPolicy {} selects pod {} for egress and admits nothing to 169.254.169.254:80",
                policy.name(),
                pod.name()
            ),
        )),
    ]
}
