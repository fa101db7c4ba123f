//! Pods waiting for a claim that is missing, unprovisioned, or bound to a missing volume.

use super::{parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

/// The pod waits for a claim: missing, pending (its provisioning failed), or bound to a missing PV.
pub fn unbound_claims<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let fit = p.fit.as_ref();
    let unbound = fit.is_some_and(|f| {
        f.prefilter_is("unbound")
                || f.prefilter_is("persistentvolumeclaim")
                // Before 1.22 a per-node reason: `3 pod has unbound
                // immediate PersistentVolumeClaims`.
                || f.reasons
                    .iter()
                    .any(|(_, r)| r.to_ascii_lowercase().contains("unbound immediate"))
    }) || said(p, |r| *r == Reason::MissingVolume) > 0
        || p.message.as_deref().is_some_and(|m| {
            (m.contains("persistentvolumeclaim") && m.contains("not found"))
                // The scheduler's words without the node count (older
                // releases, and events aggregated: `(repeated 3 times)`).
                || m.contains("unbound immediate PersistentVolumeClaims")
        });
    if !unbound {
        return vec![];
    }
    let ns = pod.ns_or_default();
    let mut out = Vec::new();
    let mut claims: Vec<String> = model::claims(spec).map(str::to_owned).collect();
    // A capture that left out a StatefulSet pod's volumes: its controller
    // names the pod's claims `<template>-<pod>`.
    if claims.is_empty()
        && let Some(w) = a.cluster.owner_of(pod).filter(|w| w.kind == "StatefulSet")
        && let Some(sts) = a
            .cluster
            .stateful_sets
            .iter()
            .find(|s| s.ns_or_default() == ns && s.name() == w.name)
    {
        claims = sts
            .spec
            .volume_claim_templates
            .iter()
            .flatten()
            .filter_map(|t| t.metadata.name.as_deref())
            .map(|t| format!("{t}-{}", pod.name()))
            .collect();
    }
    for c in claims.iter().map(String::as_str) {
        let claim_ref = ObjRef::new("PersistentVolumeClaim", Some(ns), c);
        match a.cluster.pvc(ns, c) {
            None if a.cluster.pvcs.is_empty() => out.push(
                Hypothesis::new(35, Loop::Storage, claim_ref, format!("the pod waits for claim {c}; no claims are in the input to say why"))
                    .fix(format!("Add the claims to the snapshot (`kubectl get pvc -A -o json`), or read `kubectl describe pvc -n {ns} {c}`."))
                    .missing("no PersistentVolumeClaims in the input")
                    .links(scheduler_links(d)),
            ),
            // A claim of a near name exists: the template names the wrong one
            // (a StatefulSet's claims come from its templates, one per pod).
            None if a.cluster.owner_of(pod).is_none_or(|w| w.kind != "StatefulSet")
                && let Some(near) = day2_model::text::near_name(
                c,
                a.cluster.pvcs.iter().filter(|x| x.ns_or_default() == ns).map(|x| x.name()),
            ) => {
                let workload = model::workload_ref(a.cluster, pod);
                out.push(
                    Hypothesis::new(88, Loop::Storage, workload.clone(), format!("the pod mounts claim {ns}/{c}, which does not exist, while claim {ns}/{near} does: {workload}'s pod template names a claim nobody created"))
                        .fix(format!("Set `claimName: {near}` in {workload}'s pod template (or the chart value that renders it, such as `persistence.existingClaim`), or create claim {ns}/{c} if a new volume is meant."))
                        .links(scheduler_links(d)),
                );
            }
            // A StatefulSet's claim (`<template>-<pod>`): its controller
            // creates a pod's missing claims only when it creates the pod, so
            // a pod made while its claim was being deleted waits for good
            // (kubernetes/kubernetes#89910).
            None if a.cluster.owner_of(pod).is_some_and(|w| w.kind == "StatefulSet")
                && c.ends_with(&format!("-{}", pod.name())) => out.push(
                Hypothesis::new(88, Loop::Storage, claim_ref, format!("the pod mounts claim {ns}/{c}, which does not exist: the StatefulSet controller creates a pod's claims from its `volumeClaimTemplates` only when it creates the pod, and this pod was created while the claim was still being deleted"))
                    .fix(format!("Delete pod {ns}/{} (`kubectl delete pod -n {ns} {}`): the StatefulSet controller recreates claim {c} and then the pod.", pod.name(), pod.name()))
                    .links(scheduler_links(d)),
            ),
            None => out.push(
                Hypothesis::new(88, Loop::Storage, claim_ref, format!("the pod mounts claim {ns}/{c}, which does not exist"))
                    .fix(format!("Create the claim {ns}/{c} (or fix `claimName` in the pod template); for StatefulSets the claim comes from `volumeClaimTemplates`."))
                    .links(scheduler_links(d)),
            ),
            Some(pvc) => {
                let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("");
                if phase == "Pending" {
                    if let Some(r) = a.claim_result(ns, c) {
                        let mut h = r.as_upstream(3);
                        h.links.extend(scheduler_links(d));
                        out.push(h);
                    } else {
                        out.push(
                            Hypothesis::new(55, Loop::Storage, pvc.objref(), format!("the pod waits for claim {ns}/{c}, which is still Pending"))
                                .fix(format!("See `kubectl describe pvc -n {ns} {c}`: the provisioner's events say why it is not bound."))
                                .links(scheduler_links(d)),
                        );
                    }
                } else if phase == "Bound" && a.cluster.pv_of_claim(pvc).is_none() && !a.cluster.pvs.is_empty() {
                    let vol = pvc.spec.as_ref().and_then(|s| s.volume_name.clone()).unwrap_or_default();
                    out.push(
                        Hypothesis::new(85, Loop::Storage, pvc.objref(), format!("claim {ns}/{c} is bound to PersistentVolume {vol}, which does not exist"))
                            .fix("Recreate the PV from the disk (same volumeHandle) or delete and recreate the claim; check whether the PV was deleted with reclaimPolicy Delete.")
                            .links(scheduler_links(d)),
                    );
                } else {
                    out.push(
                        Hypothesis::new(20, Loop::Storage, pvc.objref(), format!("the scheduler saw claim {ns}/{c} unbound; it is {phase} now, so that was transient"))
                            .fix("Nothing to change for the claim: the scheduler retries; if the pod stays Pending, its latest FailedScheduling event names the remaining reason.")
                            .links(scheduler_links(d)),
                    );
                }
            }
        }
    }
    out
}
