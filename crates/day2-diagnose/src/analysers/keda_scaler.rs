//! Why KEDA refuses a ScaledObject ([`crate::symptoms::scaled_object`]): the
//! workload its `scaleTargetRef` names does not exist, or KEDA's operator
//! may not read it. KEDA checks the target with its own ServiceAccount
//! before it makes the HPA, and KEDA 2.1 reports a refused read as
//! `ScaledObject doesn't have correct scaleTargetRef specification`
//! (kedacore/keda#1554: a ClusterRole without `statefulsets`).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, ObjRef};

/// The API group and resource of a workload kind KEDA scales.
fn resource_of(kind: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        "Deployment" => Some(("apps", "deployments")),
        "StatefulSet" => Some(("apps", "statefulsets")),
        "ReplicaSet" => Some(("apps", "replicasets")),
        _ => None,
    }
}

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Scaler(so) = d.subject else {
        return vec![];
    };
    let ns = so.ns_or_default();
    let target = so.data.get("spec").and_then(|s| s.get("scaleTargetRef"));
    let kind = target
        .and_then(|t| t.get("kind"))
        .and_then(|k| k.as_str())
        .unwrap_or("Deployment");
    let Some(name) = target.and_then(|t| t.get("name")).and_then(|n| n.as_str()) else {
        return vec![];
    };
    let Some((group, resource)) = resource_of(kind) else {
        return vec![];
    };
    let said = crate::symptoms::scaled_object::refused(so)
        .map(|(_, m)| m)
        .unwrap_or_default();
    let seen = Link::new(
        Loop::Compute,
        d.since,
        so.objref(),
        format!("KEDA refuses ScaledObject {ns}/{}: {said}", so.name()),
    );
    // The workloads of the target's kind the input holds.
    let held: Vec<(&str, &str)> = match kind {
        "Deployment" => a
            .cluster
            .deployments
            .iter()
            .map(|x| (x.ns_or_default(), x.name()))
            .collect(),
        "StatefulSet" => a
            .cluster
            .stateful_sets
            .iter()
            .map(|x| (x.ns_or_default(), x.name()))
            .collect(),
        _ => a
            .cluster
            .replica_sets
            .iter()
            .map(|x| (x.ns_or_default(), x.name()))
            .collect(),
    };
    if !held.is_empty() && !held.contains(&(ns, name)) {
        return vec![
            Hypothesis::new(
                80,
                Loop::Compute,
                so.objref(),
                format!("ScaledObject {ns}/{} scales {kind} {ns}/{name}, which does not exist: KEDA makes no HPA for it", so.name()),
            )
            .fix(format!("Point `spec.scaleTargetRef` of ScaledObject {ns}/{} at the workload to scale (`kind`, `name`, in namespace {ns}), or create {kind} {ns}/{name}.", so.name()))
            .link(seen),
        ];
    }
    // KEDA's operator: its account, and the roles bound to it, all held.
    let Some((op_ns, sa)) = a
        .workloads_all()
        .iter()
        .find(|w| {
            w.name() == "keda-operator"
                || (w.name().contains("keda") && w.name().contains("operator"))
        })
        .map(|w| (w.namespace(), day2_model::pod::service_account(w.spec)))
    else {
        return vec![];
    };
    let Some(roles) = super::rbac::bound_cluster_roles(a.cluster, op_ns, sa) else {
        return vec![];
    };
    let granted = super::rbac::roles_allow(&roles, "get", group, resource);
    let Some(role) = roles.first().filter(|_| !granted) else {
        return vec![];
    };
    vec![
        Hypothesis::new(
            84,
            Loop::Identity,
            role.objref(),
            format!(
                "KEDA checks {kind} {ns}/{name}, the target of ScaledObject {ns}/{}, as ServiceAccount {op_ns}/{sa}, and ClusterRole {} bound to it does not let it read {resource}: the check fails (`{}`) and KEDA makes no HPA",
                so.name(),
                role.name(),
                day2_model::redact::excerpt(said, 120)
            ),
        )
        .fix(format!(
            "Add `{{apiGroups: [\"{group}\"], resources: [\"{resource}\", \"{resource}/scale\"], verbs: [\"get\", \"list\", \"watch\", \"update\", \"patch\"]}}` to ClusterRole {} (the KEDA release's own chart grants it), then KEDA makes the HPA on its next reconcile; `kubectl auth can-i get {resource}.{group} -n {ns} --as=system:serviceaccount:{op_ns}:{sa}` must answer yes.",
            role.name()
        ))
        .link(seen)
        .link(Link::new(
            Loop::Identity,
            None,
            ObjRef::new("ServiceAccount", Some(op_ns), sa),
            format!("KEDA's operator runs as ServiceAccount {op_ns}/{sa}"),
        )),
    ]
}
