//! Pods blocked by topology spread, pod (anti-)affinity, host ports or static volume binding.

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

/// Topology spread, pod (anti-)affinity, host ports, volume binding of static volumes.
pub fn constraints<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, p)) = parts(d) else {
        return vec![];
    };
    let Some(fit) = &p.fit else { return vec![] };
    let total = fit.total.unwrap_or(0).max(1);
    let workload = model::workload_ref(a.cluster, pod);
    let mut out = Vec::new();
    let mut add = |reason: fn(&Reason) -> bool, loop_: Loop, obj: ObjRef, what: &str, fix: &str| {
        // Two reasons can each count a node (both anti-affinity sentences).
        let n = fit.count(reason).min(total);
        if n > 0 {
            let score = if n >= total { 75 } else { 40 };
            out.push(
                Hypothesis::new(score, loop_, obj, format!("{n} of {total} node(s): {what}"))
                    .fix(fix)
                    .links(scheduler_links(d)),
            );
        }
    };
    add(
        |r| *r == Reason::TopologySpread,
        Loop::Compute,
        workload.clone(),
        "the pod's topologySpreadConstraints cannot be met (whenUnsatisfiable: DoNotSchedule)",
        "Add capacity in the under-filled zones, raise maxSkew, or use `whenUnsatisfiable: ScheduleAnyway`.",
    );
    // Only for a pod the anti-affinity refuses: the walk over the
    // namespace's pods is not for every Pending pod.
    let rolling =
        (fit.count(|r| matches!(r, Reason::PodAntiAffinity | Reason::ExistingAntiAffinity)) > 0)
            .then(|| rolling_over_itself(a, pod))
            .flatten();
    let anti_fix = match &rolling {
        Some(old) => format!(
            "The new pod of a rolling update needs a node that no old replica holds ({old} still run), and the required anti-affinity keeps it off each of them: let the update remove an old pod first (`strategy.rollingUpdate: {{maxSurge: 0, maxUnavailable: 1}}`, or `type: Recreate`), use preferredDuringSchedulingIgnoredDuringExecution, or add a node."
        ),
        None => "More replicas than failure domains with required anti-affinity cannot all run: add nodes/zones or use preferred anti-affinity.".to_owned(),
    };
    add(
        |r| matches!(r, Reason::PodAntiAffinity | Reason::ExistingAntiAffinity),
        Loop::Compute,
        workload.clone(),
        if rolling.is_some() {
            "pod anti-affinity rules exclude the node, which a replica of the previous revision holds"
        } else {
            "pod anti-affinity rules exclude the node"
        },
        &anti_fix,
    );
    add(
        |r| *r == Reason::PodAffinity,
        Loop::Compute,
        workload.clone(),
        "the pod's required pod affinity finds no matching pod on the node",
        "Check that the pods it must be co-located with exist and run; use preferred affinity when co-location is an optimisation.",
    );
    add(
        |r| *r == Reason::HostPorts,
        Loop::Compute,
        workload.clone(),
        "the requested hostPort is taken",
        "Drop hostPort (use a Service), or run one replica per node (DaemonSet).",
    );
    add(
        |r| *r == Reason::VolumeBind,
        Loop::Storage,
        workload.clone(),
        "no available PersistentVolume to bind (static or local volumes)",
        "Create PersistentVolumes that match the claim (size, access mode, class, node) or use a dynamic StorageClass.",
    );
    add(
        |r| *r == Reason::StorageCapacity,
        Loop::Storage,
        workload.clone(),
        "the node's storage capacity is too small for the claim",
        "Free space on the node's storage pool or add nodes with storage.",
    );
    add(
        |r| *r == Reason::VolumeLimits,
        Loop::Compute,
        workload.clone(),
        "the node has reached its maximum attached volumes",
        "Use instance types with more volume attachments or spread volume-heavy pods.",
    );
    add(
        |r| *r == Reason::NodeName,
        Loop::Compute,
        workload,
        "the pod names a node (spec.nodeName/hostname affinity) that does not fit",
        "Remove the hard node pin or make room on that node.",
    );
    out
}

/// The running pods of an earlier revision of `pod`'s Deployment (another
/// `pod-template-hash` under the same Deployment), named: a rolling update
/// is under way and they still hold their nodes.
fn rolling_over_itself(a: &Analysis<'_>, pod: &day2_model::Res<day2_model::Pod>) -> Option<String> {
    let own = model::workload_ref(a.cluster, pod);
    if own.kind != "Deployment" {
        return None;
    }
    let hash = pod.labels().get("pod-template-hash")?;
    let old: Vec<&str> = a
        .cluster
        .pods_in_namespace(pod.ns_or_default())
        .filter(|q| model::phase(q) == "Running")
        .filter(|q| {
            q.labels()
                .get("pod-template-hash")
                .is_some_and(|h| h != hash)
        })
        .filter(|q| model::workload_ref(a.cluster, q) == own)
        .map(|q| q.name())
        .collect();
    (!old.is_empty()).then(|| day2_model::text::short_list(&old, 3))
}
