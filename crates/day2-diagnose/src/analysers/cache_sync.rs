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
    ((l.contains("failed to sync cache")
        || l.contains("caches to sync")
        || l.contains("waitforcachesync"))
        && l.contains("timed out"))
        // external-dns 0.13 and later: `failed to sync *v1.Service: context deadline exceeded`.
        || (l.contains("failed to sync *") && l.contains("context deadline exceeded"))
}

/// The pod of a crash-loop whose container says its caches never synced,
/// the container, and the link to that line. `None` when the API server's
/// refusal is in its words too: the RBAC analysis of that message is the
/// precise one.
fn unsynced<'c, 'd>(
    a: &Analysis<'c>,
    d: &'d Detected<'c>,
) -> Option<(&'c day2_model::Res<day2_model::Pod>, &'d str, Link)> {
    let pod = d.pod()?;
    let Detail::Crash { container, .. } = &d.detail else {
        return None;
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let line = texts.iter().find(|t| never_synced(t))?;
    if texts.iter().any(|t| t.contains("is forbidden")) {
        return None;
    }
    let link = Link::new(
        Loop::Compute,
        d.since,
        pod.objref(),
        format!("container {container} reports its caches never synced"),
    )
    .with_evidence([day2_model::redact::excerpt(
        line.lines().find(|l| never_synced(l)).unwrap_or(line),
        200,
    )]);
    Some((pod, container.as_str(), link))
}

pub fn namespaced_only<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, container, link)) = unsynced(a, d) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
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
    .link(link);
    if !held {
        h = h.missing("ClusterRoleBindings (`kubectl get clusterrolebindings -o json`), to confirm none grants the ServiceAccount");
    }
    vec![h]
}

/// What external-dns lists and watches for each `--source`, as its chart's
/// ClusterRole grants it (`charts/external-dns/templates/clusterrole.yaml`):
/// `(source, API groups any of which serves it, resource, needs watch)`.
/// The service source reads nodes for NodePort targets; from v0.7 through
/// an informer, so it watches them too (kubernetes-sigs/external-dns#961).
const EXTERNAL_DNS: &[(&str, &[&str], &str)] = &[
    ("service", &[""], "services"),
    ("service", &[""], "endpoints"),
    ("service", &[""], "pods"),
    ("service", &[""], "nodes"),
    ("ingress", &["networking.k8s.io", "extensions"], "ingresses"),
    ("node", &[""], "nodes"),
    ("pod", &[""], "pods"),
    ("istio-gateway", &["networking.istio.io"], "gateways"),
    ("istio-gateway", &[""], "services"),
    (
        "istio-virtualservice",
        &["networking.istio.io"],
        "virtualservices",
    ),
    ("istio-virtualservice", &["networking.istio.io"], "gateways"),
    ("crd", &["externaldns.k8s.io"], "dnsendpoints"),
    ("contour-httpproxy", &["projectcontour.io"], "httpproxies"),
    (
        "gateway-httproute",
        &["gateway.networking.k8s.io"],
        "httproutes",
    ),
    (
        "gateway-httproute",
        &["gateway.networking.k8s.io"],
        "gateways",
    ),
    (
        "traefik-proxy",
        &["traefik.io", "traefik.containo.us"],
        "ingressroutes",
    ),
];

/// A controller whose caches never sync while its ServiceAccount is not
/// granted what it watches: a binding whose subject names the account in
/// another namespace (so nothing reaches it), or bound roles that lack a
/// resource its flags make it watch (external-dns's sources). The API
/// server refuses each list, client-go retries until `WaitForCacheSync`
/// gives up, and the program exits.
pub fn ungranted<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    use day2_model::rbac::{rule_allows, subject_is};
    // The input holds the cluster's RBAC (its ClusterRoles at least).
    if a.cluster.cluster_roles.is_empty() {
        return vec![];
    }
    let Some((pod, container, link)) = unsynced(a, d) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let workload = crate::model::workload_ref(a.cluster, pod);
    let bound = super::rbac::cluster_bindings_of(a.cluster, ns, sa);
    let namespaced = a.cluster.role_bindings.iter().any(|b| {
        b.subjects
            .iter()
            .flatten()
            .any(|s| subject_is(s, Some(b.ns_or_default()), ns, sa))
    });
    if bound.is_empty() && !namespaced {
        // The account's name, bound in another namespace.
        let Some((b, other)) = super::rbac::cluster_binding_elsewhere(a.cluster, ns, sa) else {
            // Bound to nothing at all (a chart installed with
            // `rbac.create=false`, running as `default`).
            let held = !a.cluster.cluster_role_bindings.is_empty();
            let mut h = Hypothesis::new(
                    if held { 84 } else { 74 },
                    Loop::Identity,
                    ObjRef::new("ServiceAccount", Some(ns), sa),
                    format!("container {container} of {workload} exits because its caches never sync: no ClusterRoleBinding or RoleBinding grants ServiceAccount {ns}/{sa}, which the pod runs as, anything, so every list and watch is refused"),
                )
                .fix(format!("Give {workload} the RBAC its program needs: a ClusterRole with get/list/watch on what it watches and a ClusterRoleBinding to ServiceAccount {ns}/{sa} (a chart's `rbac.create: true`, which also creates a ServiceAccount of its own); `kubectl auth can-i list services --all-namespaces --as=system:serviceaccount:{ns}:{sa}` must answer yes."))
                .link(link);
            if !held {
                h = h.missing("ClusterRoleBindings (`kubectl get clusterrolebindings -o json`), to confirm none grants the ServiceAccount");
            }
            return vec![h];
        };
        return vec![
            Hypothesis::new(
                86,
                Loop::Identity,
                b.objref(),
                format!(
                    "container {container} of {workload} exits because its caches never sync: ClusterRoleBinding {} grants {} {} to ServiceAccount {other}/{sa}, not to {ns}/{sa}, which the pod runs as, so every list is refused",
                    b.name(),
                    b.role_ref.kind,
                    b.role_ref.name
                ),
            )
            .fix(format!(
                "Set the subject's namespace of ClusterRoleBinding {} to `{ns}` (`subjects: [{{kind: ServiceAccount, name: {sa}, namespace: {ns}}}]`), or add that subject; `kubectl auth can-i list services --all-namespaces --as=system:serviceaccount:{ns}:{sa}` must answer yes.",
                b.name()
            ))
            .link(link),
        ];
    }
    let rules: Vec<&k8s_openapi::api::rbac::v1::PolicyRule> = bound
        .iter()
        .filter_map(|b| {
            let r = a
                .cluster
                .cluster_roles
                .iter()
                .find(|r| r.name() == b.role_ref.name)?;
            Some(r.rules.iter().flatten())
        })
        .flatten()
        .collect();
    let roles: Vec<&str> = bound.iter().map(|b| b.role_ref.name.as_str()).collect();
    let Some(role) = roles.first().copied() else {
        return vec![];
    };
    if !a.cluster.cluster_roles.iter().any(|r| r.name() == role) {
        return vec![];
    }
    // The type the program names (`failed to sync *v1.EndpointSlice`),
    // when it is a built-in one: the roles must let it list and watch it.
    let texts = super::follow::crash_texts(a, d, pod, container);
    if let Some((kind, group, resource)) = texts.iter().find_map(|t| synced_type(t))
        && let missing = ["list", "watch"]
            .into_iter()
            .filter(|v| !rules.iter().any(|r| rule_allows(r, v, group, resource)))
            .collect::<Vec<&str>>()
        && !missing.is_empty()
    {
        let g = if group.is_empty() {
            String::new()
        } else {
            format!(" (API group {group})")
        };
        return vec![
            Hypothesis::new(
                86,
                Loop::Identity,
                ObjRef::new("ClusterRole", None, role),
                format!(
                    "container {container} of {workload} exits because its cache of {kind} never syncs: ServiceAccount {ns}/{sa} is bound to ClusterRole {}, which does not grant {} on {resource}{g}",
                    day2_model::text::short_list(&roles, 3),
                    missing.join("/")
                ),
            )
            .fix(format!(
                "Add `{{apiGroups: [\"{group}\"], resources: [\"{resource}\"], verbs: [\"get\", \"list\", \"watch\"]}}` to ClusterRole {role} (a newer release of the program watches {resource}; its chart's or release's RBAC has the rule); `kubectl auth can-i watch {resource} --all-namespaces --as=system:serviceaccount:{ns}:{sa}` must answer yes."
            ))
            .link(link),
        ];
    }
    // What the program watches, by its flags.
    let Some(c) = crate::model::spec_container(pod, container) else {
        return vec![];
    };
    let image = c.image.as_deref().unwrap_or("");
    if !image.contains("external-dns") {
        return vec![];
    }
    let version = crate::messages::image::tag_version(image);
    let sources = crate::model::flag_values(c, "source");
    let mut lacking: Vec<String> = Vec::new();
    for (source, groups, resource) in EXTERNAL_DNS {
        if !sources.contains(source) {
            continue;
        }
        // Before v0.7 the service source listed nodes without a watch.
        let old = version.is_some_and(|v| v < (0, 7));
        let verbs: &[&str] = if *resource == "nodes" && *source == "service" && old {
            &["list"]
        } else {
            &["list", "watch"]
        };
        let missing: Vec<&str> = verbs
            .iter()
            .copied()
            .filter(|v| {
                !groups
                    .iter()
                    .any(|g| rules.iter().any(|r| rule_allows(r, v, g, resource)))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let group = match groups[0] {
            "" => String::new(),
            g => format!(" ({g})"),
        };
        let said = format!(
            "{} {resource}{group} for --source={source}",
            missing.join("/")
        );
        if !lacking.contains(&said) {
            lacking.push(said);
        }
    }
    if lacking.is_empty() {
        return vec![];
    }
    vec![
        Hypothesis::new(
            84,
            Loop::Identity,
            ObjRef::new("ClusterRole", None, role),
            format!(
                "container {container} of {workload} exits because its caches never sync: ServiceAccount {ns}/{sa} is bound to ClusterRole {}, which does not grant {}",
                day2_model::text::short_list(&roles, 3),
                lacking.join(", ")
            ),
        )
        .fix(format!(
            "Add the missing rules to ClusterRole {role}: {} (external-dns's chart grants them for the sources it is given; with a newer external-dns, compare the ClusterRole with its release's).",
            lacking.join(", ")
        ))
        .link(link),
    ]
}

/// The built-in type a client-go cache failed to sync, and its API group and
/// resource: `failed to sync *v1.EndpointSlice` (external-dns 0.13 on),
/// `Failed to watch *v1.Ingress`.
fn synced_type(text: &str) -> Option<(&'static str, &'static str, &'static str)> {
    const TYPES: &[(&str, &str, &str)] = &[
        ("Service", "", "services"),
        ("Endpoints", "", "endpoints"),
        ("EndpointSlice", "discovery.k8s.io", "endpointslices"),
        ("Pod", "", "pods"),
        ("Node", "", "nodes"),
        ("Namespace", "", "namespaces"),
        ("ConfigMap", "", "configmaps"),
        ("Secret", "", "secrets"),
        ("Ingress", "networking.k8s.io", "ingresses"),
        ("IngressClass", "networking.k8s.io", "ingressclasses"),
        ("Deployment", "apps", "deployments"),
        ("StatefulSet", "apps", "statefulsets"),
        ("DaemonSet", "apps", "daemonsets"),
        ("ReplicaSet", "apps", "replicasets"),
        ("Lease", "coordination.k8s.io", "leases"),
    ];
    let rest = text
        .split_once("failed to sync *")
        .or_else(|| text.split_once("Failed to watch *"))?
        .1;
    let name = rest.split_once('.')?.1;
    let name: String = name
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    TYPES
        .iter()
        .find(|(k, _, _)| *k == name)
        .map(|&(k, g, r)| (k, g, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_a_cache_failed_to_sync_is_read() {
        // rwlove/home-ops#12186 (external-dns 0.21).
        assert_eq!(
            synced_type(
                r#"level=fatal msg="failed to sync *v1.EndpointSlice after 1m0s: context deadline exceeded""#
            ),
            Some(("EndpointSlice", "discovery.k8s.io", "endpointslices"))
        );
        assert_eq!(
            synced_type("failed to sync *v1.Service: context deadline exceeded"),
            Some(("Service", "", "services"))
        );
        assert_eq!(synced_type("failed to sync *v1alpha1.DNSEndpoint"), None);
    }

    #[test]
    fn sources_and_versions_are_read_from_the_container() {
        let c = k8s_openapi::api::core::v1::Container {
            args: Some(vec![
                "--source=service".into(),
                "--source".into(),
                "istio-gateway".into(),
                "--provider=aws".into(),
            ]),
            ..Default::default()
        };
        assert_eq!(
            crate::model::flag_values(&c, "source"),
            vec!["service", "istio-gateway"]
        );
        assert_eq!(
            crate::messages::image::tag_version("registry.k8s.io/external-dns/external-dns:v0.7.4"),
            Some((0, 7))
        );
        assert_eq!(
            crate::messages::image::tag_version("bitnami/external-dns:0.13.1-debian-11-r0"),
            Some((0, 13))
        );
        assert_eq!(crate::messages::image::tag_version("external-dns"), None);
    }

    #[test]
    fn client_go_and_external_dns_spell_an_unsynced_cache() {
        assert!(never_synced(
            r#"level=fatal msg="failed to sync cache: timed out waiting for the condition""#
        ));
        assert!(never_synced(
            r#"level=fatal msg="failed to sync *v1.Service: context deadline exceeded""#
        ));
        assert!(!never_synced("failed to sync record: timed out"));
    }
}
