//! A controller that exits because its informers never sync (`failed to
//! sync cache: timed out waiting for the condition`, client-go's
//! `WaitForCacheSync`), while its ServiceAccount is granted only in some
//! namespaces: a controller that watches every namespace lists and watches
//! at the cluster scope, which RoleBindings do not reach, so every list is
//! refused and the cache never fills (bitnami/charts#4446: external-dns
//! with `rbac.clusterRole=false`).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef};

fn never_synced(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    (l.contains("failed to sync cache")
        || l.contains("caches to sync")
        || l.contains("waitforcachesync"))
        && l.contains("timed out")
}

pub fn namespaced_only<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some(line) = texts.iter().find(|t| never_synced(t)) else {
        return vec![];
    };
    // A refusal the API server spelled out says which grant is missing:
    // the RBAC analysis of that message is the precise one.
    if texts.iter().any(|t| t.contains("is forbidden")) {
        return vec![];
    }
    let ns = pod.ns_or_default();
    let sa = pod
        .spec
        .as_deref()
        .map(day2_model::pod::service_account)
        .unwrap_or("default");
    let is_sa = |s: &k8s_openapi::api::rbac::v1::Subject, own: Option<&str>| {
        s.kind == "ServiceAccount" && s.name == sa && s.namespace.as_deref().or(own) == Some(ns)
    };
    let cluster_wide = a
        .cluster
        .cluster_role_bindings
        .iter()
        .any(|b| b.subjects.iter().flatten().any(|s| is_sa(s, None)));
    let Some(binding) = a.cluster.role_bindings.iter().find(|b| {
        b.subjects
            .iter()
            .flatten()
            .any(|s| is_sa(s, Some(b.ns_or_default())))
    }) else {
        return vec![];
    };
    if cluster_wide {
        return vec![];
    }
    // Without the cluster's bindings in the input, their absence is weaker.
    let held = !a.cluster.cluster_role_bindings.is_empty();
    let workload = crate::model::workload_ref(a.cluster, pod);
    let role = &binding.role_ref;
    let mut h = Hypothesis::new(
        if held { 84 } else { 74 },
        Loop::Identity,
        ObjRef::new("RoleBinding", Some(binding.ns_or_default()), binding.name()),
        format!(
            "container {container} of {workload} exits because its caches never sync, and ServiceAccount {ns}/{sa} is granted only in namespace {} (RoleBinding {} to {} {}), with no ClusterRoleBinding: watching every namespace, it lists at the cluster scope, which a RoleBinding does not reach, so every list is refused",
            binding.ns_or_default(),
            binding.name(),
            role.kind,
            role.name
        ),
    )
    .fix(format!(
        "Grant the lists at the cluster scope: a ClusterRole with the rules of {} {} and a ClusterRoleBinding to ServiceAccount {ns}/{sa} (in a chart, `rbac.clusterRole: true` or `rbac.create: true`); or confine the controller to namespace {} (its `--namespace` flag or the chart's namespaced mode). `kubectl auth can-i list services --all-namespaces --as=system:serviceaccount:{ns}:{sa}` must answer yes.",
        role.kind,
        role.name,
        binding.ns_or_default()
    ))
    .link(
        Link::new(Loop::Compute, d.since, pod.objref(), format!("container {container} reports its caches never synced"))
            .with_evidence([day2_model::redact::excerpt(line.lines().find(|l| never_synced(l)).unwrap_or(line), 200)]),
    );
    if !held {
        h = h.missing("ClusterRoleBindings (`kubectl get clusterrolebindings -o json`), to confirm none grants the ServiceAccount");
    }
    vec![h]
}
