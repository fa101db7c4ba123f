//! A claim of a class that provisions nothing (`kubernetes.io/no-provisioner`,
//! the class of local and hand-made volumes) with no PersistentVolume of
//! that class free to bind: the scheduler's VolumeBinding plugin finds none
//! on any node (`didn't find available persistent volumes to bind`), and
//! nothing will ever create one. Nodes refused for other reasons (an
//! unreachable node's taint) would refuse it as well: the volumes are what
//! is missing (scylladb/scylla-operator#523).

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;

const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

pub fn static_volumes<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let Some(fit) = &p.fit else { return vec![] };
    if fit.count(|r| *r == Reason::VolumeBind) == 0 {
        return vec![];
    }
    let ns = pod.ns_or_default();
    let mut out = Vec::new();
    for c in model::claims(spec) {
        let Some(pvc) = a.cluster.pvc(ns, c) else {
            continue;
        };
        if pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound") {
            continue;
        }
        let Some(class) = a.cluster.class_of_claim(pvc) else {
            continue;
        };
        if class.provisioner != NO_PROVISIONER {
            continue;
        }
        let free = a
            .cluster
            .pvs
            .iter()
            .filter(|pv| {
                pv.spec
                    .as_ref()
                    .and_then(|s| s.storage_class_name.as_deref())
                    == Some(class.name())
                    && pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Available")
            })
            .count();
        if free > 0 {
            continue;
        }
        let asked = day2_model::cluster::claim_size(pvc)
            .map(|q| format!(" of {q}"))
            .unwrap_or_default();
        out.push(
            Hypothesis::new(
                82,
                Loop::Storage,
                class.objref(),
                format!(
                    "claim {ns}/{c} asks StorageClass {} for a volume{asked}, and the class provisions nothing ({NO_PROVISIONER}): it binds only PersistentVolumes made beforehand, and the cluster has no Available one of that class",
                    class.name()
                ),
            )
            .fix(format!(
                "Create a PersistentVolume of class {} for the claim (a `local` volume with the node's path and a nodeAffinity to that node, of at least the claim's size and its access mode), one per replica, or run a local volume provisioner (sig-storage-local-static-provisioner, OpenEBS LocalPV, local-path-provisioner) that makes them; or point the claim at a class that provisions.",
                class.name()
            ))
            .links(scheduler_links(d)),
        );
    }
    out
}
