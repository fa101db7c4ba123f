//! A volume whose backend runs in the cluster and is down: storage systems
//! that serve each volume from pods of their own (OpenEBS Jiva and cStor
//! controllers and replicas, and the like) name those pods after the
//! volume. When they crash or are not ready, a mount of the volume fails
//! whatever the node does: the backend is the cause.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

pub fn backend_down<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    for claim in model::claims(spec) {
        let Some(pvc) = a.cluster.pvc(ns, claim) else {
            continue;
        };
        let Some(volume) = pvc.spec.as_ref().and_then(|s| s.volume_name.as_deref()) else {
            continue;
        };
        let backend = a.volume_pods(volume);
        let down: Vec<(&Res<Pod>, String)> = backend
            .iter()
            .filter(|p| !model::is_terminal(p) && !model::is_ready(p))
            .filter_map(|p| trouble(p).map(|t| (*p, t)))
            .collect();
        let Some((first, why)) = down.first() else {
            continue;
        };
        let owner = a
            .cluster
            .owner_of(first)
            .map_or_else(|| first.objref(), |w| w.objref());
        let names: Vec<&str> = down.iter().map(|(p, _)| p.name()).collect();
        return vec![
            Hypothesis::new(
                84,
                Loop::Storage,
                owner,
                format!(
                    "volume {volume} of claim {ns}/{claim} is served by {} pod(s) in the cluster, and {} of them are down ({}): {why}; with its backend down the volume cannot be mounted, whatever the node does",
                    backend.len(),
                    down.len(),
                    day2_model::text::short_list(&names, 3),
                ),
            )
            .fix(format!(
                "Bring the volume's backend back before the mount can succeed: `kubectl logs -n {} {} --previous` says why it stops ({why}). Follow the storage system's recovery for that state (its replicas and controller for {volume}); the kubelet retries the mount once the backend serves.",
                first.ns_or_default(),
                first.name(),
            ))
            .links(d.events_with("FailedMount").last().map(|e| {
                Link::from_event(Loop::Storage, e, format!("mounting {volume} fails"))
            }))
            .link(Link::new(
                Loop::Storage,
                None,
                first.objref(),
                format!("backend pod {} of volume {volume} is down", first.name()),
            )),
        ];
    }
    vec![]
}

/// Why a backend pod is down: its container's last exit message, else its
/// waiting reason.
fn trouble(p: &Pod) -> Option<String> {
    model::container_statuses(p).find_map(|s| {
        let exit = s
            .last_state
            .as_ref()
            .and_then(|st| st.terminated.as_ref())
            .and_then(|t| t.message.as_deref())
            .filter(|m| !m.trim().is_empty())
            .map(|m| day2_model::redact::excerpt(m.trim(), 200));
        let waiting = s
            .state
            .as_ref()
            .and_then(|st| st.waiting.as_ref())
            .and_then(|w| w.reason.clone());
        exit.or(waiting.map(|w| format!("container {} is {w}", s.name)))
    })
}
