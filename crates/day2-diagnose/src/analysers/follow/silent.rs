//! A container that exits without saying why, whose configuration names
//! peers in the cluster that a NetworkPolicy keeps it from: the policy is
//! evidence the cluster holds, whatever the process would have said.

use super::connect::{Target, connect_cause, peers_of, resolve_host};
use super::*;
use crate::messages::errors::ConnectFailure;
use crate::symptoms::service::selected_pods;

pub(crate) fn policy_on_configured_peers(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Option<Hypothesis> {
    let what = format!("container {container} exits without saying why");
    peer_cut_off(a, pod, container, &what)
}

/// An init container that runs without completing, whose configuration
/// names a peer a NetworkPolicy keeps it from (Vault's agent waiting for
/// Vault: hashicorp/vault-helm#944).
pub(crate) fn policy_on_awaited_peers(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Option<Hypothesis> {
    let what = format!("init container {container} runs without completing");
    peer_cut_off(a, pod, container, &what)
}

/// A container that runs but never becomes Ready, whose configuration names
/// a peer a NetworkPolicy keeps it from (a mesh sidecar and its control
/// plane: Istio's `CA_ADDR` to istiod, istio/istio#27548).
pub(crate) fn policy_on_unready_peers(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Option<Hypothesis> {
    let what = format!("container {container} runs but never becomes Ready");
    peer_cut_off(a, pod, container, &what)
}

fn peer_cut_off(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    what: &str,
) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    // Without a policy in the cluster no path is cut off by one.
    if a.cluster.network_policies.is_empty() {
        return None;
    }
    peers_of(a, pod, container)
        .into_iter()
        .find_map(|(host, port)| {
            // A peer pod named without a port: the port it declares.
            let port = port.or_else(|| match resolve_host(a, ns, &host) {
                Target::Pod(p) => p
                    .spec
                    .as_ref()?
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.iter().flatten())
                    .find(|cp| cp.protocol.as_deref().unwrap_or("TCP") == "TCP")
                    .and_then(|cp| u16::try_from(cp.container_port).ok()),
                _ => None,
            });
            let mut h = connect_cause(a, pod, &host, port, ConnectFailure::Timeout)?;
            if h.root.object.kind != "NetworkPolicy" || h.unexplained {
                return None;
            }
            h.score = h.score.min(74);
            h.root.summary = format!(
                "{what}, and the peer its configuration names ({host}) is out of its reach: {}",
                h.root.summary
            );
            Some(h)
        })
}

/// A container that runs but never becomes Ready, whose configuration names
/// a Service none of whose pods is ready: the peer is down, and the
/// container waits for it (a mesh sidecar whose control plane istiod was
/// evicted and cannot be placed again: `config not received from Pilot (is
/// Pilot running?)`, istio/istio#23410). The peer's workload, with why its
/// pod does not run.
pub(crate) fn unready_peer_down(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    peers_of(a, pod, container).into_iter().find_map(|(host, _)| {
        let Target::Service(svc) = resolve_host(a, ns, &host) else {
            return None;
        };
        let pods = selected_pods(a, svc);
        if pods.iter().any(|p| model::is_ready(p)) || pods.iter().any(|p| p.name() == pod.name()) {
            return None;
        }
        // The pod that stands for the peer: one not finished, else any.
        let peer = pods
            .iter()
            .find(|p| !model::is_terminal(p))
            .or_else(|| pods.first())?;
        let workload = model::workload_ref(a.cluster, peer);
        let phase = peer
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Unknown");
        // The scheduler's or the kubelet's last word on it.
        let why = a
            .cluster
            .events_for_obj(*peer)
            .into_iter()
            .rfind(|e| e.type_ == "Warning")
            .map(|e| format!(": {}", day2_model::redact::excerpt(&e.message, 200)))
            .unwrap_or_default();
        Some(
            Hypothesis::new(
                78,
                Loop::Network,
                workload.clone(),
                format!("container {container} of {} runs but never becomes Ready: the peer its configuration names, {host}, is Service {}/{} with no ready pod ({} is {phase}{why})", pod.name(), svc.ns_or_default(), svc.name(), peer.name()),
            )
            .fix(format!("Bring {workload} back first; {container} becomes Ready once it reaches {host}. Why its pod {} is {phase}: `kubectl describe pod -n {} {}` (for a Pending pod, free or add the capacity it asks for; for an evicted one, raise its memory request to its real use).", peer.name(), peer.ns_or_default(), peer.name()))
            .link(Link::new(
                Loop::Network,
                None,
                svc.objref(),
                format!("Service {}/{} has no ready endpoint", svc.ns_or_default(), svc.name()),
            )),
        )
    })
}
