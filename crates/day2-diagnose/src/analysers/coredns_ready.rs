//! CoreDNS Running but not Ready, its readiness endpoint answering 503:
//! CoreDNS's `ready` plugin answers 503 while any plugin is not ready, and
//! the `kubernetes` plugin is not ready until it has listed Services and
//! Endpoints from the API server (`plugin/ready`, `plugin/kubernetes`'s
//! `HasSynced`). So CoreDNS cannot read the API: its ServiceAccount is not
//! bound to a role that lets it list, or the path from its nodes to the
//! API server's address is cut (kubernetes/kubernetes#86762: CoreDNS on a
//! subnet that cannot reach the control plane's).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::{Event, Loop, ObjRef, Pod, Res};

fn is_coredns(pod: &Pod) -> bool {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("k8s-app"))
        .is_some_and(|v| v == "kube-dns")
        && pod.spec.as_ref().is_some_and(|s| {
            s.containers
                .iter()
                .any(|c| c.image.as_deref().is_some_and(|i| i.contains("coredns")))
        })
}

/// The cause when `pod` is CoreDNS and its readiness probe got 503.
pub(crate) fn not_synced(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    output: &str,
    failed: &Event,
) -> Option<Hypothesis> {
    if !is_coredns(pod) || !output.contains("statuscode: 503") {
        return None;
    }
    let ns = pod.ns_or_default();
    let sa = pod
        .spec
        .as_ref()
        .map_or("default", |s| day2_model::pod::service_account(s));
    let bound = a.cluster.cluster_role_bindings.iter().any(|b| {
        b.subjects.iter().flatten().any(|s| {
            s.kind == "ServiceAccount" && s.name == sa && s.namespace.as_deref() == Some(ns)
        })
    });
    let workload = model::workload_ref(a.cluster, pod);
    let seen = Link::from_event(
        Loop::Network,
        failed,
        format!(
            "{} answers its readiness probe with 503: a CoreDNS plugin is not ready",
            pod.name()
        ),
    );
    let logs = format!(
        "`kubectl logs -n {ns} {} | grep -E 'plugin/(kubernetes|ready)'`",
        pod.name()
    );
    if !bound && !a.cluster.cluster_role_bindings.is_empty() {
        return Some(
            Hypothesis::new(
                76,
                Loop::Identity,
                ObjRef::new("ServiceAccount", Some(ns), sa),
                format!("CoreDNS ({workload}) never becomes Ready: its kubernetes plugin cannot list Services and Endpoints, and no ClusterRoleBinding binds its ServiceAccount {ns}/{sa} (kubeadm's system:coredns)"),
            )
            .fix(format!("Bind ServiceAccount {ns}/{sa} to ClusterRole system:coredns (list and watch endpoints, services, pods, namespaces, endpointslices): `kubectl create clusterrolebinding system:coredns --clusterrole=system:coredns --serviceaccount={ns}:{sa}`; {logs} shows the refusal."))
            .link(seen),
        );
    }
    Some(
        Hypothesis::new(
            58,
            Loop::Network,
            workload.clone(),
            format!("CoreDNS ({workload}) runs but never becomes Ready: its ready plugin answers 503 while the kubernetes plugin has not listed Services and Endpoints, so CoreDNS cannot reach the API server from its nodes; the path between them is outside the cluster's objects"),
        )
        .fix(format!("{logs} shows `Failed to list … dial tcp <kubernetes Service IP>:443: i/o timeout` when the API server is out of reach. Check the route and firewall between the subnet of CoreDNS's nodes and the API server (and the upstream resolvers), kube-proxy on those nodes, and the CNI's routes; running CoreDNS on nodes that reach the control plane works around it."))
        .missing(format!("the logs of {} (the plugin that is not ready, and why)", pod.name()))
        .link(seen)
        .unexplained(),
    )
}
