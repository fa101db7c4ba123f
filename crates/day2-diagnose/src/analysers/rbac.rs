//! A crash-looping pod whose ServiceAccount is bound, by a RoleBinding or
//! ClusterRoleBinding, to a Role or ClusterRole that does not exist: the
//! binding's `roleRef` resolves to nothing, so the permissions it was meant
//! to grant are not granted and the controller fails on its first API call
//! (a dangling reference along the binding's edge, whatever the log says).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef};
use k8s_openapi::api::rbac::v1::{RoleRef, Subject};

/// Roles every cluster has, which a capture may leave out.
pub(crate) fn built_in(name: &str) -> bool {
    name.starts_with("system:") || matches!(name, "cluster-admin" | "admin" | "edit" | "view")
}

fn names_account(
    subjects: Option<&Vec<Subject>>,
    ns: &str,
    sa: &str,
    binding_ns: Option<&str>,
) -> bool {
    subjects.into_iter().flatten().any(|s| {
        s.kind == "ServiceAccount"
            && s.name == sa
            && s.namespace.as_deref().or(binding_ns) == Some(ns)
    })
}

/// A roleRef of the wrong kind: it names a ClusterRole the input does not
/// hold where a Role of that name sits in the binding's namespace (or a
/// Role where only a ClusterRole has the name). The API server resolves a
/// roleRef by kind and name, so the binding grants nothing. The role that
/// has the name, when so.
pub(crate) fn other_kind(
    c: &day2_model::Cluster,
    kind: &str,
    name: &str,
    binding_ns: Option<&str>,
) -> Option<ObjRef> {
    let cluster_role = || c.cluster_roles.iter().find(|x| x.name() == name);
    let role = |ns: &str| {
        c.roles
            .iter()
            .find(|x| x.ns_or_default() == ns && x.name() == name)
    };
    match (kind, binding_ns) {
        ("ClusterRole", Some(ns)) if cluster_role().is_none() => role(ns).map(|r| r.objref()),
        ("Role", Some(ns)) if role(ns).is_none() => cluster_role().map(|r| r.objref()),
        _ => None,
    }
}

/// The finding for a binding whose roleRef names the other kind
/// ([`other_kind`]). `refused`: the API server's refusal of the account is
/// in the evidence. When the input holds no role of the kind the roleRef
/// names, that it does not exist is inferred, not seen: without a refusal
/// to back it, the finding is weaker and says what would confirm it.
pub(crate) fn wrong_kind(
    c: &day2_model::Cluster,
    binding: &ObjRef,
    kind: &str,
    name: &str,
    held: &ObjRef,
    subject: &str,
    refused: bool,
) -> Hypothesis {
    let captured = match kind {
        "ClusterRole" => !c.cluster_roles.is_empty(),
        _ => !c.roles.is_empty(),
    };
    let score = match (captured, refused) {
        (true, _) => 86,
        (false, true) => 82,
        (false, false) => 66,
    };
    let h = Hypothesis::new(
        score,
        Loop::Identity,
        binding.clone(),
        format!(
            "{} {} binds {subject} to {kind} {name}, which does not exist, while {} {name} does: the roleRef names the wrong kind, so the binding grants nothing",
            binding.kind, binding.name, held.kind
        ),
    )
    .fix(format!(
        "Recreate {} {} with `roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {}, name: {name}}}` (a roleRef cannot be edited: delete the binding and apply it again), then restart the pods.",
        binding.kind, binding.name, held.kind
    ))
    .link(Link::new(
        Loop::Identity,
        None,
        binding.clone(),
        format!("roleRef {kind} {name} resolves to nothing; {} {name} exists", held.kind),
    ));
    if captured {
        h
    } else {
        h.missing(format!(
            "the {kind}s of the cluster (`kubectl get {} {name}`)",
            kind.to_ascii_lowercase()
        ))
    }
}

pub fn dangling_role_ref<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    if !matches!(d.detail, Detail::Crash { .. }) {
        return vec![];
    }
    let c = a.cluster;
    let ns = pod.ns_or_default();
    let sa = pod
        .spec
        .as_deref()
        .map_or("default", day2_model::pod::service_account);
    // The role a binding names, when the input shows that kind was captured
    // (at least one of it) and holds none of that name.
    let missing = |r: &RoleRef, binding_ns: Option<&str>| -> bool {
        if built_in(&r.name) {
            return false;
        }
        match (r.kind.as_str(), binding_ns) {
            ("ClusterRole", _) => {
                !c.cluster_roles.is_empty() && !c.cluster_roles.iter().any(|x| x.name() == r.name)
            }
            ("Role", Some(bns)) => {
                let mut in_ns = c
                    .roles
                    .iter()
                    .filter(|x| x.ns_or_default() == bns)
                    .peekable();
                in_ns.peek().is_some() && !in_ns.any(|x| x.name() == r.name)
            }
            _ => false,
        }
    };
    let dangling: Option<(ObjRef, &RoleRef)> = c
        .cluster_role_bindings
        .iter()
        .filter(|b| names_account(b.subjects.as_ref(), ns, sa, None))
        .find(|b| missing(&b.role_ref, None))
        .map(|b| (b.objref(), &b.role_ref))
        .or_else(|| {
            c.role_bindings
                .iter()
                .filter(|b| b.ns_or_default() == ns)
                .filter(|b| names_account(b.subjects.as_ref(), ns, sa, Some(ns)))
                .find(|b| missing(&b.role_ref, Some(ns)))
                .map(|b| (b.objref(), &b.role_ref))
        });
    let subject = format!("system:serviceaccount:{ns}:{sa}");
    let mismatched = c
        .role_bindings
        .iter()
        .filter(|b| b.ns_or_default() == ns)
        .filter(|b| names_account(b.subjects.as_ref(), ns, sa, Some(ns)))
        .find_map(|b| {
            let held = other_kind(c, &b.role_ref.kind, &b.role_ref.name, Some(ns))?;
            Some((b.objref(), &b.role_ref, held))
        });
    // A role of the other kind holding the name says what the binding meant.
    if let Some((binding, role, held)) = mismatched {
        return vec![wrong_kind(
            c, &binding, &role.kind, &role.name, &held, &subject, false,
        )];
    }
    let Some((binding, role)) = dangling else {
        return vec![];
    };
    let workload = model::workload_ref(c, pod);
    let (kind, name) = (role.kind.as_str(), role.name.as_str());
    vec![
        Hypothesis::new(
            83,
            Loop::Identity,
            binding.clone(),
            format!(
                "{} {} binds ServiceAccount {ns}/{sa}, which {workload} runs as, to {kind} {name}, which does not exist: the permissions it should grant are not granted, so the pod fails against the API",
                binding.kind, binding.name
            ),
        )
        .fix(format!(
            "Point the roleRef of {} {} at the {kind} that exists for this workload (a binding's roleRef cannot be edited: delete and recreate the binding), or create {kind} {name}; then restart the pods of {workload}.",
            binding.kind, binding.name
        ))
        .link(Link::new(
            Loop::Identity,
            None,
            binding.clone(),
            format!("roleRef {kind} {name} resolves to nothing"),
        )),
    ]
}

/// The ClusterRoleBindings whose subjects include ServiceAccount `ns/sa`.
pub(crate) fn cluster_bindings_of<'c>(
    cluster: &'c day2_model::Cluster,
    ns: &str,
    sa: &str,
) -> Vec<&'c day2_model::Res<k8s_openapi::api::rbac::v1::ClusterRoleBinding>> {
    cluster
        .cluster_role_bindings
        .iter()
        .filter(|b| {
            b.subjects
                .iter()
                .flatten()
                .any(|s| day2_model::rbac::subject_is(s, None, ns, sa))
        })
        .collect()
}

/// The first binding that names ServiceAccount `ns/sa`: a
/// ClusterRoleBinding, else a RoleBinding of its own namespace.
pub(crate) fn binding_of(cluster: &day2_model::Cluster, ns: &str, sa: &str) -> Option<ObjRef> {
    use day2_model::rbac::subject_is;
    cluster_bindings_of(cluster, ns, sa)
        .first()
        .map(|b| b.objref())
        .or_else(|| {
            cluster
                .role_bindings
                .iter()
                .find(|b| {
                    b.ns_or_default() == ns
                        && b.subjects
                            .iter()
                            .flatten()
                            .any(|s| subject_is(s, Some(ns), ns, sa))
                })
                .map(|b| b.objref())
        })
}

/// The ClusterRoles bound to ServiceAccount `ns/sa` by ClusterRoleBindings,
/// when the input holds every one of them (`None` when one is missing, so a
/// grant cannot be judged absent).
pub(crate) fn bound_cluster_roles<'c>(
    cluster: &'c day2_model::Cluster,
    ns: &str,
    sa: &str,
) -> Option<Vec<&'c day2_model::Res<k8s_openapi::api::rbac::v1::ClusterRole>>> {
    cluster_bindings_of(cluster, ns, sa)
        .into_iter()
        .map(|b| {
            cluster
                .cluster_roles
                .iter()
                .find(|r| r.name() == b.role_ref.name)
        })
        .collect()
}

/// Whether any rule of `roles` allows `verb` on `resource` of `group`.
pub(crate) fn roles_allow(
    roles: &[&day2_model::Res<k8s_openapi::api::rbac::v1::ClusterRole>],
    verb: &str,
    group: &str,
    resource: &str,
) -> bool {
    roles
        .iter()
        .flat_map(|r| r.rules.iter().flatten())
        .any(|rule| day2_model::rbac::rule_allows(rule, verb, group, resource))
}

/// A ClusterRoleBinding naming ServiceAccount `sa` in another namespace
/// than `ns`, with that namespace: a binding rendered without the release's
/// namespace (`helm template` without `--namespace` binds `default`'s).
pub(crate) fn cluster_binding_elsewhere<'c>(
    cluster: &'c day2_model::Cluster,
    ns: &str,
    sa: &str,
) -> Option<(
    &'c day2_model::Res<k8s_openapi::api::rbac::v1::ClusterRoleBinding>,
    String,
)> {
    cluster.cluster_role_bindings.iter().find_map(|b| {
        let s = b.subjects.iter().flatten().find(|s| {
            s.kind == "ServiceAccount" && s.name == sa && s.namespace.as_deref() != Some(ns)
        })?;
        Some((b, s.namespace.clone().unwrap_or_default()))
    })
}

/// The roles ClusterRoleBindings bind ServiceAccount `ns/sa` to, as
/// `ClusterRole <name>`.
pub(crate) fn cluster_roles_named(c: &day2_model::Cluster, ns: &str, sa: &str) -> Vec<String> {
    cluster_bindings_of(c, ns, sa)
        .into_iter()
        .map(|b| format!("{} {}", b.role_ref.kind, b.role_ref.name))
        .collect()
}

/// Whether ServiceAccount `ns/sa` may `verb` `resource` of `group` in
/// namespace `ns`, by the ClusterRoleBindings and `ns`'s RoleBindings that
/// name it: `None` when the input cannot say (no bindings at all, or a role
/// a binding names is not in it).
pub(crate) fn may(
    c: &day2_model::Cluster,
    ns: &str,
    sa: &str,
    verb: &str,
    group: &str,
    resource: &str,
) -> Option<bool> {
    use day2_model::rbac::{rule_allows, subject_is};
    if c.cluster_role_bindings.is_empty() && c.role_bindings.is_empty() {
        return None;
    }
    let allows = |rules: Option<&Vec<k8s_openapi::api::rbac::v1::PolicyRule>>| {
        rules
            .into_iter()
            .flatten()
            .any(|x| rule_allows(x, verb, group, resource))
    };
    let cluster_role = |name: &str| c.cluster_roles.iter().find(|x| x.name() == name);
    let mut known = true;
    let mut allowed = false;
    for b in cluster_bindings_of(c, ns, sa) {
        match cluster_role(&b.role_ref.name) {
            Some(r) => allowed |= allows(r.rules.as_ref()),
            None => known = false,
        }
    }
    for b in c.role_bindings.iter().filter(|b| {
        b.ns_or_default() == ns
            && b.subjects
                .iter()
                .flatten()
                .any(|s| subject_is(s, Some(ns), ns, sa))
    }) {
        let rules = if b.role_ref.kind == "Role" {
            c.roles
                .iter()
                .find(|x| x.ns_or_default() == ns && x.name() == b.role_ref.name)
                .map(|x| x.rules.as_ref())
        } else {
            cluster_role(&b.role_ref.name).map(|x| x.rules.as_ref())
        };
        match rules {
            Some(r) => allowed |= allows(r),
            None => known = false,
        }
    }
    if allowed {
        Some(true)
    } else {
        known.then_some(false)
    }
}

/// A policy object (Kyverno, Gatekeeper) that writes
/// `automountServiceAccountToken: false`, by what its spec says.
pub(super) fn mutating_policy(a: &Analysis<'_>) -> Option<ObjRef> {
    a.cluster.other.iter().find_map(|o| {
        let text = serde_json::to_string(&o.obj.data).ok()?;
        (text.contains("\"automountServiceAccountToken\":false") && text.contains("ServiceAccount"))
            .then(|| o.objref())
    })
}

/// A failed Kyverno `UpdateRequest` that generates for namespace `scope`,
/// refused itself for another ServiceAccount than `ns/sa`: the refusal, its
/// message, the request and its policy (kyverno/kyverno#11358: the
/// background controller's ClusterRole cannot create rolebindings, so the
/// RoleBinding a generate policy makes never exists).
pub(super) fn failed_generation<'c>(
    a: &Analysis<'c>,
    scope: &str,
    ns: &str,
    sa: &str,
) -> Option<(
    crate::messages::apiserver::ApiError,
    &'c str,
    ObjRef,
    &'c str,
)> {
    a.cluster.other.iter().find_map(|o| {
        if o.kind != "UpdateRequest" || o.data["status"]["state"].as_str() != Some("Failed") {
            return None;
        }
        let spec = &o.data["spec"];
        let resource = &spec["resource"];
        let for_scope = resource["namespace"].as_str() == Some(scope)
            || (resource["kind"].as_str() == Some("Namespace")
                && resource["name"].as_str() == Some(scope));
        let message = o.data["status"]["message"].as_str().filter(|_| for_scope)?;
        let error = crate::messages::apiserver::forbidden(message)?;
        // The generator's own refusal, not this one again.
        let crate::messages::apiserver::ApiError::Forbidden {
            namespace,
            service_account,
            ..
        } = &error
        else {
            return None;
        };
        if (namespace.as_str(), service_account.as_str()) == (ns, sa) {
            return None;
        }
        Some((
            error,
            message,
            o.objref(),
            spec["policy"].as_str().unwrap_or("?"),
        ))
    })
}
