//! An object a controller writes refused for its owner reference: the
//! OwnerReferencesPermissionEnforcement admission plugin
//! (`plugin/pkg/admission/gc/gc_admission.go`, on in OpenShift and in
//! hardened API servers) lets a writer set `blockOwnerDeletion: true` only
//! when it may `update` the owner's `finalizers` subresource (`delete` the
//! owner, in the wording before that). controller-runtime's
//! `SetControllerReference` always sets it, so one missing rule turns every
//! reconcile into a refusal, on these clusters only.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// The garbage collector's admission plugin refused an object the pod
/// writes because of its owner reference
/// ([`ApiError::OwnerRefRefused`]): the pod's ServiceAccount lacks `update`
/// on the owner's `finalizers` subresource (or `delete`, in the older
/// wording). The message names neither the account nor the owner: the
/// account is the one the pod runs as, and a controller usually names its
/// own workload as owner.
pub fn owner_ref_refused(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    resource: Option<&str>,
    name: Option<&str>,
    finalizers: bool,
) -> Hypothesis {
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let workload = crate::model::workload_ref(a.cluster, pod);
    let roles: Vec<String> = super::rbac::cluster_roles_named(a.cluster, ns, sa);
    let written = match (resource, name) {
        (Some(r), Some(n)) => format!("{r} \"{n}\""),
        (Some(r), None) => r.to_owned(),
        (None, Some(n)) => format!("\"{n}\""),
        (None, None) => "an object".to_owned(),
    };
    let own = match workload.kind.as_str() {
        "Deployment" => Some("deployments"),
        "StatefulSet" => Some("statefulsets"),
        "DaemonSet" => Some("daemonsets"),
        _ => None,
    };
    let grant = if finalizers {
        format!(
            "`update` on the `finalizers` subresource of the owner it names{}",
            own.map(|r| format!(
                " (`{r}/finalizers` in API group `apps` when the owner is its own {})",
                workload.kind
            ))
            .unwrap_or_default()
        )
    } else {
        "`delete` on the owner it names".to_owned()
    };
    let bound = if roles.is_empty() {
        String::new()
    } else {
        format!(" (bound to {})", roles.join(", "))
    };
    Hypothesis::new(
        82,
        Loop::Identity,
        ObjRef::new("ServiceAccount", Some(ns), sa),
        format!("{workload} stops because the API server refuses {written}: it sets an owner reference with `blockOwnerDeletion`, and ServiceAccount {ns}/{sa}{bound}, which the pod runs as, lacks {grant} (the OwnerReferencesPermissionEnforcement admission plugin, on in OpenShift and hardened clusters)"),
    )
    .fix(format!("Add a rule granting {grant} to the ClusterRole or Role bound to ServiceAccount {ns}/{sa}{bound} (RBAC), or have the program leave `blockOwnerDeletion` unset; `kubectl auth can-i {} -n {ns} --as=system:serviceaccount:{ns}:{sa}` must answer yes.", match (finalizers, own) {
        (true, Some(r)) => format!("update {r}/finalizers"),
        (true, None) => "update <owner-resource>/finalizers".to_owned(),
        (false, Some(r)) => format!("delete {r}"),
        (false, None) => "delete <owner-resource>".to_owned(),
    }))
}
