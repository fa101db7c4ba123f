//! A rollout that raised a request: the new revision's pods fit no node
//! while the previous revision's run with less.

use crate::analysis::Analysis;
use crate::model;
use day2_model::Res;
use day2_model::pod::Pod;

/// What the previous revision asked for, beside the pending pod's revision.
pub struct Raised<'c> {
    /// The largest `res` request among the previous revision's running pods.
    pub before: i64,
    /// One of those pods.
    pub running: &'c Res<Pod>,
}

/// The pod's Deployment has running pods of another ReplicaSet (an earlier
/// revision, still serving while the rollout waits) that request less `res`
/// than the pod does: the rollout raised the request, and the raise is what
/// no node has room for. `None` for other owners, or when no earlier
/// revision runs with less.
pub fn raised_by_rollout<'c>(a: &Analysis<'c>, pod: &'c Res<Pod>, res: &str) -> Option<Raised<'c>> {
    let owner = a.cluster.owner_of(pod)?;
    if owner.kind != "Deployment" {
        return None;
    }
    let need = model::pod_requests(pod.spec.as_ref()?).get(res)?;
    let own_rs = replica_set(pod)?;
    a.cluster
        .pods_of(&owner.kind, &owner.namespace, &owner.name)
        .into_iter()
        .filter(|p| replica_set(p).is_some_and(|rs| rs != own_rs))
        .filter(|p| model::phase(p) == "Running" && !model::is_deleting(p))
        .filter_map(|p| {
            let before = model::pod_requests(p.spec.as_ref()?).get(res).unwrap_or(0);
            (before < need).then_some(Raised { before, running: p })
        })
        .max_by_key(|r| r.before)
}

/// The ReplicaSet that controls a pod.
fn replica_set(pod: &Pod) -> Option<&str> {
    day2_model::cluster::controller_of(&pod.metadata)
        .filter(|(kind, _)| *kind == "ReplicaSet")
        .map(|(_, name)| name)
}
