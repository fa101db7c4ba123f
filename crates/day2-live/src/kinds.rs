//! The kinds day2 reads from a live cluster.
//!
//! One table drives discovery, listing, the progress display, the notes that
//! name a loop, and the test that checks `deploy/rbac.yaml` grants all of it.

use day2_model::Loop;

/// One resource day2 lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    /// API group (`""` for the core group).
    pub group: &'static str,
    /// Versions day2 understands, preferred first. Older versions are
    /// normalised by the model's decoder (`policy/v1beta1` → `policy/v1`, …).
    pub versions: &'static [&'static str],
    /// Plural resource name, as in RBAC rules and URLs.
    pub resource: &'static str,
    /// The kind its objects have.
    pub kind: &'static str,
    /// The loop whose analyses need it (named in notes).
    pub loop_: Loop,
    /// Namespaced, when discovery cannot tell.
    pub namespaced: bool,
    /// A custom resource: listed only when discovery shows it.
    pub custom: bool,
    /// Listed only when this `(group, resource)` is not served.
    pub instead_of: Option<(&'static str, &'static str)>,
}

impl KindSpec {
    /// `group/resource` (`pods`, `apps/deployments`), for messages.
    pub fn display(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_owned()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    pub fn is_secret(&self) -> bool {
        self.group.is_empty() && self.resource == "secrets"
    }
}

const fn k(
    group: &'static str,
    versions: &'static [&'static str],
    resource: &'static str,
    kind: &'static str,
    loop_: Loop,
    namespaced: bool,
) -> KindSpec {
    KindSpec {
        group,
        versions,
        resource,
        kind,
        loop_,
        namespaced,
        custom: false,
        instead_of: None,
    }
}

const fn crd(
    group: &'static str,
    versions: &'static [&'static str],
    resource: &'static str,
    kind: &'static str,
    loop_: Loop,
    namespaced: bool,
) -> KindSpec {
    KindSpec {
        custom: true,
        ..k(group, versions, resource, kind, loop_, namespaced)
    }
}

const V1: &[&str] = &["v1"];
use Loop::{Compute, Identity, Network, Observability, Storage};

/// Everything day2 lists, in the order objects appear in a capture.
pub const KINDS: &[KindSpec] = &[
    // compute
    k("", V1, "namespaces", "Namespace", Compute, false),
    k("", V1, "nodes", "Node", Compute, false),
    k("", V1, "pods", "Pod", Compute, true),
    k("", V1, "configmaps", "ConfigMap", Compute, true),
    k(
        "",
        V1,
        "replicationcontrollers",
        "ReplicationController",
        Compute,
        true,
    ),
    k("", V1, "limitranges", "LimitRange", Compute, true),
    k("", V1, "resourcequotas", "ResourceQuota", Compute, true),
    k("apps", V1, "deployments", "Deployment", Compute, true),
    k("apps", V1, "replicasets", "ReplicaSet", Compute, true),
    k("apps", V1, "statefulsets", "StatefulSet", Compute, true),
    k("apps", V1, "daemonsets", "DaemonSet", Compute, true),
    k("batch", V1, "jobs", "Job", Compute, true),
    k(
        "batch",
        &["v1", "v1beta1"],
        "cronjobs",
        "CronJob",
        Compute,
        true,
    ),
    k(
        "autoscaling",
        &["v2", "v2beta2", "v1"],
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        Compute,
        true,
    ),
    k(
        "policy",
        &["v1", "v1beta1"],
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        Compute,
        true,
    ),
    k(
        "scheduling.k8s.io",
        V1,
        "priorityclasses",
        "PriorityClass",
        Compute,
        false,
    ),
    // network
    k("", V1, "services", "Service", Network, true),
    k("", V1, "endpoints", "Endpoints", Network, true),
    k(
        "discovery.k8s.io",
        V1,
        "endpointslices",
        "EndpointSlice",
        Network,
        true,
    ),
    k(
        "networking.k8s.io",
        V1,
        "ingresses",
        "Ingress",
        Network,
        true,
    ),
    k(
        "networking.k8s.io",
        V1,
        "ingressclasses",
        "IngressClass",
        Network,
        false,
    ),
    k(
        "networking.k8s.io",
        V1,
        "networkpolicies",
        "NetworkPolicy",
        Network,
        true,
    ),
    // storage
    k(
        "",
        V1,
        "persistentvolumes",
        "PersistentVolume",
        Storage,
        false,
    ),
    k(
        "",
        V1,
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        Storage,
        true,
    ),
    k(
        "storage.k8s.io",
        V1,
        "storageclasses",
        "StorageClass",
        Storage,
        false,
    ),
    k("storage.k8s.io", V1, "csinodes", "CSINode", Storage, false),
    k(
        "storage.k8s.io",
        V1,
        "csidrivers",
        "CSIDriver",
        Storage,
        false,
    ),
    k(
        "storage.k8s.io",
        V1,
        "volumeattachments",
        "VolumeAttachment",
        Storage,
        false,
    ),
    // identity
    k("", V1, "serviceaccounts", "ServiceAccount", Identity, true),
    k("", V1, "secrets", "Secret", Identity, true),
    k(
        "rbac.authorization.k8s.io",
        V1,
        "roles",
        "Role",
        Identity,
        true,
    ),
    k(
        "rbac.authorization.k8s.io",
        V1,
        "clusterroles",
        "ClusterRole",
        Identity,
        false,
    ),
    k(
        "rbac.authorization.k8s.io",
        V1,
        "rolebindings",
        "RoleBinding",
        Identity,
        true,
    ),
    k(
        "rbac.authorization.k8s.io",
        V1,
        "clusterrolebindings",
        "ClusterRoleBinding",
        Identity,
        false,
    ),
    // observability
    k("", V1, "events", "Event", Observability, true),
    KindSpec {
        instead_of: Some(("", "events")),
        ..k("events.k8s.io", V1, "events", "Event", Observability, true)
    },
    crd(
        "monitoring.coreos.com",
        V1,
        "servicemonitors",
        "ServiceMonitor",
        Observability,
        true,
    ),
    crd(
        "monitoring.coreos.com",
        V1,
        "podmonitors",
        "PodMonitor",
        Observability,
        true,
    ),
    crd(
        "operator.victoriametrics.com",
        &["v1beta1"],
        "vmservicescrapes",
        "VMServiceScrape",
        Observability,
        true,
    ),
    crd(
        "operator.victoriametrics.com",
        &["v1beta1"],
        "vmpodscrapes",
        "VMPodScrape",
        Observability,
        true,
    ),
    crd(
        "monitoring.googleapis.com",
        V1,
        "podmonitorings",
        "PodMonitoring",
        Observability,
        true,
    ),
    crd(
        "monitoring.googleapis.com",
        V1,
        "clusterpodmonitorings",
        "ClusterPodMonitoring",
        Observability,
        false,
    ),
    // policy engines' findings (Kyverno, Trivy operator, …)
    crd(
        "wgpolicyk8s.io",
        &["v1alpha2", "v1beta1"],
        "policyreports",
        "PolicyReport",
        Identity,
        true,
    ),
    crd(
        "wgpolicyk8s.io",
        &["v1alpha2", "v1beta1"],
        "clusterpolicyreports",
        "ClusterPolicyReport",
        Identity,
        false,
    ),
    crd(
        "openreports.io",
        &["v1alpha1"],
        "reports",
        "Report",
        Identity,
        true,
    ),
    crd(
        "openreports.io",
        &["v1alpha1"],
        "clusterreports",
        "ClusterReport",
        Identity,
        false,
    ),
];

/// Every API group day2 reads (core group as `""`), in table order.
pub fn groups() -> Vec<&'static str> {
    let mut v: Vec<&str> = Vec::new();
    for k in KINDS {
        if !v.contains(&k.group) {
            v.push(k.group);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_appears_once() {
        let mut seen = std::collections::BTreeSet::new();
        for k in KINDS {
            assert!(seen.insert((k.group, k.resource)), "{} twice", k.display());
        }
    }

    #[test]
    fn every_kind_the_model_types_is_listed() {
        // Each typed store of the model must be fed by the live source.
        let kinds: Vec<&str> = KINDS.iter().map(|k| k.kind).collect();
        for kind in [
            "Pod",
            "Node",
            "Namespace",
            "Service",
            "Endpoints",
            "ServiceAccount",
            "ConfigMap",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "ReplicationController",
            "LimitRange",
            "ResourceQuota",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "CronJob",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "PriorityClass",
            "StorageClass",
            "CSINode",
            "CSIDriver",
            "VolumeAttachment",
            "Ingress",
            "IngressClass",
            "NetworkPolicy",
            "EndpointSlice",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "Secret",
            "Event",
        ] {
            assert!(kinds.contains(&kind), "{kind} is not listed");
        }
    }
}
