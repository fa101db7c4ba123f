//! A cloud identity made for a workload that does not run as it: the
//! namespace holds a ServiceAccount bound to a cloud identity (IRSA's
//! `eks.amazonaws.com/role-arn`, GKE's `iam.gke.io/gcp-service-account`,
//! Azure's `azure.workload.identity/client-id`) that no pod or pod template
//! of the namespace names, while the failing pod runs as a ServiceAccount
//! with no binding. Such a pod gets the node's identity or none, and its
//! cloud calls fail however the bound account is set up
//! (GoogleCloudPlatform/cloud-sql-proxy#407: a Deployment that never set
//! `serviceAccountName`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;
use day2_model::cloud::{AWS_ROLE_ANNOTATION, AZURE_CLIENT_ANNOTATION, GKE_GSA_ANNOTATION};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The cloud identity a ServiceAccount's annotations bind it to.
fn binding(meta: &ObjectMeta) -> Option<(&'static str, &str)> {
    let ann = meta.annotations.as_ref()?;
    [
        AWS_ROLE_ANNOTATION,
        GKE_GSA_ANNOTATION,
        AZURE_CLIENT_ANNOTATION,
    ]
    .into_iter()
    .find_map(|k| {
        ann.get(k)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (k, v.as_str()))
    })
}

pub fn unused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let own = day2_model::pod::service_account(spec);
    if a.service_account(ns, own)
        .is_some_and(|sa| binding(&sa.metadata).is_some())
    {
        return vec![];
    }
    let named = |sa: &str| {
        a.workloads_in(ns)
            .iter()
            .any(|w| day2_model::pod::service_account(w.spec) == sa)
            || a.cluster
                .pods_in_namespace(ns)
                .filter_map(|p| p.spec.as_ref())
                .any(|s| day2_model::pod::service_account(s) == sa)
    };
    let unused: Vec<_> = a
        .cluster
        .service_accounts
        .iter()
        .filter(|sa| sa.ns_or_default() == ns && sa.name() != own)
        .filter_map(|sa| binding(&sa.metadata).map(|b| (sa, b)))
        .filter(|(sa, _)| !named(sa.name()))
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    // One candidate: with several, which one the workload meant is a guess.
    let [(sa, (annotation, identity))] = unused.as_slice() else {
        return unbound_rbac(a, pod, own, &workload, &named);
    };
    let name = sa.name();
    vec![
        Hypothesis::new(
            56,
            Loop::Identity,
            workload.clone(),
            format!("{workload} runs as ServiceAccount {ns}/{own}, which is bound to no cloud identity, while ServiceAccount {ns}/{name} ({annotation}: {identity}) is bound to one and nothing runs as it: the pod's cloud calls get the node's identity or none"),
        )
        .fix(format!("Set `serviceAccountName: {name}` in the pod template of {workload} (then let its pods restart), or bind {ns}/{own} to the identity it needs."))
        .link(crate::evidence::Link::new(
            Loop::Identity,
            None,
            sa.objref(),
            format!("ServiceAccount {ns}/{name} carries {annotation}: {identity}, and no pod or pod template of {ns} names it"),
        )),
    ]
}

/// The RBAC side of the same mistake: the pod runs as a ServiceAccount no
/// binding names, while a ServiceAccount named after its workload is bound
/// (a ClusterRoleBinding or a RoleBinding of the namespace) and nothing
/// runs as it: the template lost its `serviceAccountName` (the kube-dns
/// add-on of kubernetes/kubernetes#50799 running as `kube-system/default`).
fn unbound_rbac(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    own: &str,
    workload: &day2_model::ObjRef,
    named: &dyn Fn(&str) -> bool,
) -> Vec<Hypothesis> {
    let ns = pod.ns_or_default();
    let bound = |sa: &str| super::rbac::binding_of(a.cluster, ns, sa);
    if bound(own).is_some() || own == workload.name {
        return vec![];
    }
    let sa = workload.name.as_str();
    let Some(binding) = bound(sa).filter(|_| !named(sa)) else {
        return vec![];
    };
    vec![
        Hypothesis::new(
            60,
            Loop::Identity,
            workload.clone(),
            format!("{workload} runs as ServiceAccount {ns}/{own}, which no binding grants anything, while ServiceAccount {ns}/{sa}, named after it, is granted by {} {} and nothing runs as it: every API call of the pod is refused", binding.kind, binding.name),
        )
        .fix(format!("Set `serviceAccountName: {sa}` in the pod template of {workload} (the manifest or chart dropped it), then let its pods restart."))
        .link(crate::evidence::Link::new(
            Loop::Identity,
            None,
            binding,
            format!("grants ServiceAccount {ns}/{sa}, which no pod of {ns} runs as"),
        )),
    ]
}
