//! CP016: objects written with an API version the target Kubernetes no longer serves.

use crate::reads::K;
use crate::util::dyn_target;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_context::config::KubeVersion;
use day2_model::KindSet;
use day2_model::object::group_of;
use day2_model::{Cluster, K8sObject, Loop, Res, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP016",
    name: "removed-api-version",
    loop_: Loop::Compute,
    reads: KindSet::of(&[
        K::Other,
        K::CSIDriver,
        K::CSINode,
        K::ClusterRole,
        K::ClusterRoleBinding,
        K::CronJob,
        K::DaemonSet,
        K::Deployment,
        K::EndpointSlice,
        K::HorizontalPodAutoscaler,
        K::Ingress,
        K::IngressClass,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::Node,
        K::PodDisruptionBudget,
        K::PriorityClass,
        K::ReplicaSet,
        K::Role,
        K::RoleBinding,
        K::StatefulSet,
        K::StorageClass,
        K::VolumeAttachment,
    ]),
    severity: Severity::High,
    summary: "Object uses an API version removed in (or deprecated before) the target Kubernetes version, or one no version serves",
    law: law::COMPUTE,
    rationale: "The API server refuses an object whose `apiVersion` it no longer serves (`no matches for kind \
\"Ingress\" in version \"extensions/v1beta1\"`): the manifest that applied yesterday fails after the \
control-plane upgrade, and a GitOps sync stops half-way. The upgrade check people run Pluto or kubent \
for: each object's written `apiVersion` is compared with the removals in the upstream deprecation \
guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/) for the target version — \
removed is high, deprecated but still served is low. A built-in kind under a Kubernetes group that \
never served it (`v1` Deployment, `apps/v1` Ingress), an object under a group without a dot that is \
not Kubernetes' own (`app/v1`: custom resources' groups are domains) and a kind a dotless Kubernetes \
group does not serve (`apps/v1` Deploymnet) are high too: no version accepts them. day2 reads \
such objects as the current version for the other rules where it can; those it cannot read are \
reported here so that they are not silently missing from the analysis.",
    fix: Fix::generic(
        "Rewrite the object with the replacement `apiVersion` (`kubectl convert` from the kubectl-convert plugin does it for built-in kinds; check the fields that changed, such as an Ingress backend's `service.name`/`service.port`), and render Helm charts for the target version (`helm template --kube-version`).",
    ),
    sources: "Same on every source, on the `apiVersion` each object was written with. The target is `--kube-version` (or `kube-version:` in `.day2.yaml`); without it, the cluster's version as its nodes report it (snapshot, live), else the latest release: every removal applies.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP016/fire.yaml"),
        silent: include_str!("../../fixtures/CP016/silent.yaml"),
    },
    peers: &[
        "kube-score stable-version (partial: a fixed list of versions)",
        "KubeLinter no-extensions-v1beta (partial: extensions/v1beta1 only)",
    ],
};

/// One row of the upstream deprecation guide: `group/version`, the kinds it
/// served, the minor release that deprecated it (when the guide says), the
/// minor release that stopped serving it, and the replacement.
struct Removal {
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated: Option<u32>,
    removed: u32,
    use_instead: &'static str,
}

const fn r(
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated: Option<u32>,
    removed: u32,
    use_instead: &'static str,
) -> Removal {
    Removal {
        api_version,
        kinds,
        deprecated,
        removed,
        use_instead,
    }
}

/// https://kubernetes.io/docs/reference/using-api/deprecation-guide/ (1.16 to 1.32).
const REMOVALS: &[Removal] = &[
    r(
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        None,
        16,
        "apps/v1",
    ),
    r(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        None,
        16,
        "networking.k8s.io/v1",
    ),
    r(
        "extensions/v1beta1",
        &["PodSecurityPolicy"],
        None,
        16,
        "policy/v1beta1",
    ),
    r(
        "apps/v1beta1",
        &[
            "Deployment",
            "StatefulSet",
            "ReplicaSet",
            "ControllerRevision",
        ],
        None,
        16,
        "apps/v1",
    ),
    r(
        "apps/v1beta2",
        &[
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ControllerRevision",
        ],
        None,
        16,
        "apps/v1",
    ),
    r(
        "extensions/v1beta1",
        &["Ingress"],
        Some(14),
        22,
        "networking.k8s.io/v1",
    ),
    r(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        Some(19),
        22,
        "networking.k8s.io/v1",
    ),
    r(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        Some(16),
        22,
        "admissionregistration.k8s.io/v1",
    ),
    r(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        Some(16),
        22,
        "apiextensions.k8s.io/v1",
    ),
    r(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        Some(19),
        22,
        "apiregistration.k8s.io/v1",
    ),
    r(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        Some(19),
        22,
        "certificates.k8s.io/v1",
    ),
    r(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        Some(19),
        22,
        "coordination.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        Some(17),
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1alpha1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        Some(17),
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        Some(14),
        22,
        "scheduling.k8s.io/v1",
    ),
    r(
        "scheduling.k8s.io/v1alpha1",
        &["PriorityClass"],
        Some(14),
        22,
        "scheduling.k8s.io/v1",
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        Some(19),
        22,
        "storage.k8s.io/v1",
    ),
    r("batch/v1beta1", &["CronJob"], Some(21), 25, "batch/v1"),
    r(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        Some(21),
        25,
        "discovery.k8s.io/v1",
    ),
    r(
        "events.k8s.io/v1beta1",
        &["Event"],
        Some(19),
        25,
        "events.k8s.io/v1",
    ),
    r(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        Some(22),
        25,
        "autoscaling/v2",
    ),
    r(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        Some(21),
        25,
        "policy/v1",
    ),
    r(
        "policy/v1beta1",
        &["PodSecurityPolicy"],
        Some(21),
        25,
        "Pod Security Admission (no replacement kind)",
    ),
    r(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        Some(20),
        25,
        "node.k8s.io/v1",
    ),
    r(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        Some(23),
        26,
        "autoscaling/v2",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        &["FlowSchema", "PriorityLevelConfiguration"],
        Some(23),
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        Some(24),
        27,
        "storage.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        &["FlowSchema", "PriorityLevelConfiguration"],
        Some(26),
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        &["FlowSchema", "PriorityLevelConfiguration"],
        Some(29),
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// Built-in kinds and the one `apiVersion` that serves them today.
const SERVED: &[(&str, &str)] = &[
    ("Pod", "v1"),
    ("Service", "v1"),
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("ServiceAccount", "v1"),
    ("Namespace", "v1"),
    ("PersistentVolumeClaim", "v1"),
    ("PersistentVolume", "v1"),
    ("LimitRange", "v1"),
    ("ResourceQuota", "v1"),
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("ReplicaSet", "apps/v1"),
    ("Job", "batch/v1"),
    ("CronJob", "batch/v1"),
    ("Ingress", "networking.k8s.io/v1"),
    ("IngressClass", "networking.k8s.io/v1"),
    ("NetworkPolicy", "networking.k8s.io/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v2"),
    ("PodDisruptionBudget", "policy/v1"),
    ("PriorityClass", "scheduling.k8s.io/v1"),
    ("StorageClass", "storage.k8s.io/v1"),
    ("Role", "rbac.authorization.k8s.io/v1"),
    ("ClusterRole", "rbac.authorization.k8s.io/v1"),
    ("RoleBinding", "rbac.authorization.k8s.io/v1"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
    ("CustomResourceDefinition", "apiextensions.k8s.io/v1"),
    (
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
    ),
    (
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
    ),
    ("APIService", "apiregistration.k8s.io/v1"),
];

/// Kubernetes' API groups without a dot in their name. Every other group is a
/// domain: the API server refuses a CustomResourceDefinition whose group has no
/// dot ("should be a domain with at least one dot"), so an object under another
/// dotless group (`app/v1`) is served by nothing.
const DOTLESS_GROUPS: &[&str] = &["", "apps", "batch", "extensions", "policy", "autoscaling"];

/// The kinds Kubernetes' dotless groups serve or served (`extensions` is
/// removed whole), for mistyped kinds (`apps/v1` `Deploymnet`).
const GROUP_KINDS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "Event",
            "LimitRange",
            "Namespace",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "Service",
            "ServiceAccount",
        ],
    ),
    (
        "apps",
        &[
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ControllerRevision",
        ],
    ),
    ("batch", &["Job", "CronJob"]),
    ("autoscaling", &["HorizontalPodAutoscaler"]),
    (
        "policy",
        &["PodDisruptionBudget", "PodSecurityPolicy", "Eviction"],
    ),
];

/// Groups of Kubernetes itself: a built-in kind under another of these is a mistake, not a CRD.
fn kubernetes_group(group: &str) -> bool {
    matches!(
        group,
        "" | "apps" | "batch" | "extensions" | "policy" | "autoscaling"
    ) || group.ends_with(".k8s.io")
}

/// The minor release all removals are judged against: the configured one,
/// else the newest kubelet among the nodes, else every removal applies.
fn target(cx: &Context<'_>) -> Option<KubeVersion> {
    cx.config
        .kube_version
        .or_else(|| cluster_version(cx.cluster))
}

fn cluster_version(c: &Cluster) -> Option<KubeVersion> {
    c.nodes
        .iter()
        .filter_map(|n| {
            let info = n.status.as_ref()?.node_info.as_ref()?;
            KubeVersion::parse(&info.kubelet_version)
        })
        .max()
}

/// What is wrong with writing `kind` as `api_version`, judged at `target`.
fn verdict(
    api_version: &str,
    kind: &str,
    target: Option<KubeVersion>,
) -> Option<(String, Severity)> {
    let minor = |v: Option<KubeVersion>| {
        v.map_or(u32::MAX, |v| if v.major > 1 { u32::MAX } else { v.minor })
    };
    let at = minor(target);
    let on = target.map_or_else(
        || "the latest Kubernetes".to_owned(),
        |t| format!("Kubernetes {t}"),
    );
    if let Some(rm) = REMOVALS
        .iter()
        .find(|r| r.api_version == api_version && r.kinds.contains(&kind))
    {
        if at >= rm.removed {
            return Some((
                format!(
                    "{kind} is written as {api_version}, which Kubernetes 1.{} stopped serving: {on} refuses it; use {}",
                    rm.removed, rm.use_instead
                ),
                Severity::High,
            ));
        }
        if rm.deprecated.is_some_and(|d| at >= d) {
            return Some((
                format!(
                    "{kind} is written as {api_version}, deprecated and removed in Kubernetes 1.{}: {on} still serves it; use {}",
                    rm.removed, rm.use_instead
                ),
                Severity::Low,
            ));
        }
        return None;
    }
    let group = group_of(api_version);
    let served = SERVED.iter().find(|(k, _)| *k == kind).map(|(_, v)| *v);
    if !group.contains('.') && !DOTLESS_GROUPS.contains(&group) {
        let hint = served.map_or_else(String::new, |v| format!("; {kind} is {v}"));
        return Some((
            format!(
                "{kind} is written as {api_version}, which no Kubernetes version serves (`{group}` is not a Kubernetes API group, and a custom resource's group is a domain such as `example.com`): the API server refuses it with `no matches for kind \"{kind}\" in version \"{api_version}\"`{hint}"
            ),
            Severity::High,
        ));
    }
    let Some(served) = served else {
        let (_, kinds) = GROUP_KINDS.iter().find(|(g, _)| *g == group)?;
        if kinds.contains(&kind) {
            return None;
        }
        let version = if group.is_empty() { "v1" } else { group };
        return Some((
            format!(
                "{kind} is not a kind of {version} ({}): the API server refuses it with `no matches for kind \"{kind}\" in version \"{api_version}\"`",
                kinds.join(", ")
            ),
            Severity::High,
        ));
    };
    if served == api_version || !kubernetes_group(group) {
        return None;
    }
    // Older versions of a group that still serves the kind (autoscaling/v1) are fine.
    if group_of(served) == group_of(api_version)
        && !REMOVALS.iter().any(|r| r.api_version == api_version)
    {
        return None;
    }
    Some((
        format!(
            "{kind} is written as {api_version}, which no Kubernetes version serves: the API server refuses it; {kind} is {served}"
        ),
        Severity::High,
    ))
}

fn judge<'a, T: K8sObject>(
    r: &'a Res<T>,
    target: Option<KubeVersion>,
    sink: &mut Sink<'_>,
    to: impl FnOnce(&'a Res<T>) -> Target<'a>,
) {
    let written = r
        .origin
        .written_api_version
        .as_deref()
        .unwrap_or_else(|| r.obj.api_version());
    if written.is_empty() {
        return;
    }
    if let Some((message, severity)) = verdict(written, r.obj.kind(), target) {
        let mut t = to(r);
        t.object.api_version = Some(written.to_owned());
        sink.report_with(t, message, Some("/apiVersion"), None, Some(severity));
    }
}

pub struct RemovedApiVersion;

impl Rule for RemovedApiVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let t = target(cx);
        let c = cx.cluster;
        macro_rules! each {
            ($($store:ident),*) => {
                $( for r in &c.$store { judge(r, t, sink, Target::of); } )*
            };
        }
        // The stores of kinds that ever had another version (the rest never did).
        each!(
            deployments,
            stateful_sets,
            daemon_sets,
            replica_sets,
            cron_jobs,
            hpas,
            pdbs,
            priority_classes,
            storage_classes,
            csi_drivers,
            csi_nodes,
            volume_attachments,
            ingresses,
            ingress_classes,
            network_policies,
            endpoint_slices,
            roles,
            cluster_roles,
            role_bindings,
            cluster_role_bindings
        );
        // Kinds without a model: a namespace-less one is in `default`, like
        // the rest of its file, unless its kind is cluster-scoped.
        for r in &c.other {
            judge(r, t, sink, |r| dyn_target(c, r));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<KubeVersion> {
        KubeVersion::parse(s)
    }

    #[test]
    fn removed_deprecated_and_never_served() {
        let (m, s) = verdict("extensions/v1beta1", "Ingress", None).unwrap();
        assert_eq!(s, Severity::High);
        assert!(
            m.contains("1.22") && m.contains("networking.k8s.io/v1"),
            "{m}"
        );
        // Before its removal a deprecated version is still served: low.
        assert_eq!(
            verdict("extensions/v1beta1", "Ingress", v("1.21"))
                .unwrap()
                .1,
            Severity::Low
        );
        assert_eq!(verdict("batch/v1beta1", "CronJob", v("1.20")), None);
        assert_eq!(verdict("v1", "Deployment", None).unwrap().1, Severity::High);
        assert_eq!(
            verdict("autoscaling/v1", "HorizontalPodAutoscaler", None),
            None
        );
        assert_eq!(verdict("apps/v1", "Deployment", None), None);
        // A custom group may reuse a built-in kind name.
        assert_eq!(verdict("example.com/v1", "Deployment", None), None);
        assert_eq!(verdict("serving.knative.dev/v1", "Service", None), None);
    }

    #[test]
    fn mistyped_groups_and_kinds_are_served_by_nothing() {
        // No custom resource has a dotless group: `app/v1` is a typo of `apps/v1`.
        let (m, s) = verdict("app/v1", "Deployment", None).unwrap();
        assert_eq!(s, Severity::High);
        assert!(
            m.contains("no matches for kind \"Deployment\" in version \"app/v1\"")
                && m.ends_with("Deployment is apps/v1"),
            "{m}"
        );
        assert_eq!(
            verdict("app/v1", "Widget", v("1.30")).unwrap().1,
            Severity::High
        );
        let (m, _) = verdict("apps/v1", "Deploymnet", None).unwrap();
        assert!(
            m.starts_with("Deploymnet is not a kind of apps (Deployment, "),
            "{m}"
        );
        assert!(verdict("v1", "Servce", None).is_some());
        for (api_version, kind) in [
            ("v1", "Endpoints"),
            ("apps/v1", "ControllerRevision"),
            ("policy/v1", "PodDisruptionBudget"),
            ("batch/v1", "Job"),
            ("example.com/v1", "Widget"),
        ] {
            assert_eq!(
                verdict(api_version, kind, None),
                None,
                "{api_version} {kind}"
            );
        }
    }
}
