//! A controller whose leader election can never take its lock: its
//! ServiceAccount's roles let it create neither the ConfigMap nor the Lease
//! (`coordination.k8s.io`) client-go's election writes, so no replica ever
//! leads and none acts, while every pod runs and says nothing in the API
//! (kubernetes-sigs/aws-load-balancer-controller#245: `configmaps is
//! forbidden`; kube-vip/kube-vip#177: a ClusterRole without `leases`).
//! Judged only when the input holds the ClusterRoles bound.

use crate::analysis::Analysis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::rbac::{rule_allows, subject_is};
use day2_model::{ObjRef, Res};
use k8s_openapi::api::rbac::v1::ClusterRole;

/// The ClusterRole bound to the pod's ServiceAccount that would have to
/// grant the lock, when none of its ClusterRoles does and no Role binding
/// in its namespace could.
pub(crate) fn refused<'c>(a: &Analysis<'c>, pod: &Res<Pod>) -> Option<&'c Res<ClusterRole>> {
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let roles = super::rbac::bound_cluster_roles(a.cluster, ns, sa)?;
    let role = *roles.first()?;
    let local = a.cluster.role_bindings.iter().any(|b| {
        b.ns_or_default() == ns
            && b.subjects
                .iter()
                .flatten()
                .any(|s| subject_is(s, Some(ns), ns, sa))
    });
    let can_lock = roles
        .iter()
        .flat_map(|r| r.rules.iter().flatten())
        .any(|r| {
            rule_allows(r, "create", "", "configmaps")
                || rule_allows(r, "create", "coordination.k8s.io", "leases")
        });
    (!can_lock && !local).then_some(role)
}

/// Whether a container runs with leader election on: a `--leader-elect` /
/// `--leader-election` flag not set to false, or an environment variable
/// whose name says leader election set to `true` (kube-vip's
/// `vip_leaderelection`).
pub(crate) fn elects(pod: &Pod) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    spec.containers.iter().any(|c| {
        let flag = model::command_line(c).any(|x| {
            let x = x.trim_start_matches('-');
            (x.starts_with("leader-elect") || x.starts_with("enable-leader-election"))
                && !x.ends_with("=false")
                && !x.contains("namespace")
                && !x.contains("-id")
                && !x.contains("duration")
        });
        let env = c.env.iter().flatten().any(|e| {
            let n = e.name.to_ascii_lowercase().replace(['_', '-'], "");
            n.contains("leaderelect") && e.value.as_deref() == Some("true")
        });
        flag || env
    })
}

/// The pods that announce load-balancer addresses (their roles may update
/// `services/status`, where a Service's address is written) and elect a
/// leader they cannot lock: a Service of type LoadBalancer waits for them.
pub(crate) fn lb_announcers<'c>(a: &Analysis<'c>) -> Vec<(&'c Res<Pod>, &'c Res<ClusterRole>)> {
    let mut out: Vec<(&Res<Pod>, &Res<ClusterRole>)> = Vec::new();
    let mut seen: Vec<ObjRef> = Vec::new();
    for pod in a.cluster.pods.iter().filter(|p| elects(p)) {
        let ns = pod.ns_or_default();
        let sa = model::pod_service_account(pod);
        let writes_status = super::rbac::bound_cluster_roles(a.cluster, ns, sa)
            .into_iter()
            .flatten()
            .flat_map(|r| r.rules.iter().flatten())
            .any(|r| {
                rule_allows(r, "update", "", "services/status")
                    || rule_allows(r, "patch", "", "services/status")
            });
        if !writes_status {
            continue;
        }
        let workload = model::workload_ref(a.cluster, pod);
        if seen.contains(&workload) {
            continue;
        }
        if let Some(role) = refused(a, pod) {
            seen.push(workload);
            out.push((pod, role));
        }
    }
    out
}
