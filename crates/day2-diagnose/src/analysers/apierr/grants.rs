//! The bindings that reach a refused subject, and the grant that would
//! allow the request.

use super::*;

pub(super) fn grants(
    a: &Analysis<'_>,
    r: &Refused<'_>,
    verb: &str,
    group: &str,
    resource: &str,
) -> Vec<Grant> {
    let c = a.cluster;
    let (ns, sa) = (r.namespace, r.service_account);
    let allows = |rules: Option<&Vec<k8s_openapi::api::rbac::v1::PolicyRule>>| {
        rules
            .into_iter()
            .flatten()
            .any(|x| rule_allows_object(x, verb, group, resource, r.name))
    };
    let mut out = Vec::new();
    for b in &c.cluster_role_bindings {
        if b.subjects
            .iter()
            .flatten()
            .any(|s| subject_is(s, None, ns, sa))
        {
            let role = c.cluster_roles.iter().find(|x| x.name() == b.role_ref.name);
            out.push(Grant {
                binding: b.objref(),
                role: ObjRef::new("ClusterRole", None, &b.role_ref.name),
                allows: role.map(|x| allows(x.rules.as_ref())),
            });
        }
    }
    // RoleBindings grant only in their own namespace.
    let Some(scope) = r.scope else { return out };
    for b in c
        .role_bindings
        .iter()
        .filter(|b| b.ns_or_default() == scope)
    {
        if !b
            .subjects
            .iter()
            .flatten()
            .any(|s| subject_is(s, Some(scope), ns, sa))
        {
            continue;
        }
        let name = &b.role_ref.name;
        let (role, allowed) = if b.role_ref.kind == "Role" {
            let x = c
                .roles
                .iter()
                .find(|x| x.ns_or_default() == scope && x.name() == name);
            (
                ObjRef::new("Role", Some(scope), name),
                x.map(|x| allows(x.rules.as_ref())),
            )
        } else {
            let x = c.cluster_roles.iter().find(|x| x.name() == name);
            (
                ObjRef::new("ClusterRole", None, name),
                x.map(|x| allows(x.rules.as_ref())),
            )
        };
        out.push(Grant {
            binding: b.objref(),
            role,
            allows: allowed,
        });
    }
    out
}

/// The refused object's name when the role has a rule for the request that
/// `resourceNames` keeps to other objects.
pub(super) fn named_only<'n>(
    a: &Analysis<'_>,
    g: &Grant,
    verb: &str,
    group: &str,
    resource: &str,
    name: Option<&'n str>,
) -> Option<&'n str> {
    let name = name?;
    let rules = match g.role.kind.as_str() {
        "Role" => a
            .cluster
            .roles
            .iter()
            .find(|x| x.name() == g.role.name && x.metadata.namespace == g.role.namespace)?
            .rules
            .as_ref(),
        _ => a
            .cluster
            .cluster_roles
            .iter()
            .find(|x| x.name() == g.role.name)?
            .rules
            .as_ref(),
    };
    rules
        .into_iter()
        .flatten()
        .any(|x| {
            day2_model::rbac::rule_allows(x, verb, group, resource)
                && x.resource_names.as_ref().is_some_and(|n| !n.is_empty())
        })
        .then_some(name)
}

/// A RoleBinding outside `scope` that binds the ServiceAccount to a role
/// allowing the request, with that role.
pub(super) fn granted_elsewhere<'c>(
    a: &Analysis<'c>,
    r: &Refused<'_>,
    scope: &str,
    verb: &str,
    group: &str,
    resource: &str,
) -> Option<(&'c Res<k8s_openapi::api::rbac::v1::RoleBinding>, ObjRef)> {
    let c = a.cluster;
    c.role_bindings
        .iter()
        .filter(|b| b.ns_or_default() != scope)
        .filter(|b| {
            b.subjects
                .iter()
                .flatten()
                .any(|s| subject_is(s, Some(b.ns_or_default()), r.namespace, r.service_account))
        })
        .find_map(|b| {
            let name = &b.role_ref.name;
            let (role, rules) = if b.role_ref.kind == "Role" {
                // The Role of the binding's namespace; else the one of the
                // namespace refused, which the binding was meant to sit in
                // (a chart rendering it into the release namespace).
                // A Role the API server makes itself may be left out of a
                // snapshot: its built-in rules then stand for it.
                match c
                    .roles
                    .iter()
                    .find(|x| x.ns_or_default() == b.ns_or_default() && x.name() == name)
                    .or_else(|| {
                        c.roles
                            .iter()
                            .find(|x| x.ns_or_default() == scope && x.name() == name)
                    }) {
                    Some(x) => (
                        ObjRef::new("Role", Some(x.ns_or_default()), name),
                        x.rules.clone().unwrap_or_default(),
                    ),
                    None => (
                        ObjRef::new("Role", Some(scope), name),
                        day2_model::rbac::built_in_role_rules(scope, name)?,
                    ),
                }
            } else {
                let x = c.cluster_roles.iter().find(|x| x.name() == name)?;
                (
                    ObjRef::new("ClusterRole", None, name),
                    x.rules.clone().unwrap_or_default(),
                )
            };
            rules
                .iter()
                .any(|x| rule_allows_object(x, verb, group, resource, r.name))
                .then_some((b, role))
        })
}

/// A (Cluster)RoleBinding whose ServiceAccount subject has the refused
/// ServiceAccount's name but another namespace, with that namespace; when
/// several, one that binds a role allowing the request first.
pub(super) fn near_miss(a: &Analysis<'_>, r: &Refused<'_>) -> Option<(ObjRef, String)> {
    let (ns, sa) = (r.namespace, r.service_account);
    // A subject without a namespace means the binding's own (RoleBindings).
    let other = |subjects: Option<&Vec<k8s_openapi::api::rbac::v1::Subject>>, own: Option<&str>| {
        subjects.into_iter().flatten().find_map(|s| {
            let their = s.namespace.as_deref().or(own)?;
            (s.kind == "ServiceAccount" && s.name == sa && their != ns).then(|| their.to_owned())
        })
    };
    a.cluster
        .cluster_role_bindings
        .iter()
        .find_map(|b| other(b.subjects.as_ref(), None).map(|o| (b.objref(), o)))
        .or_else(|| {
            // A RoleBinding grants only in its namespace, and never at the
            // cluster scope.
            let scope = r.scope?;
            a.cluster
                .role_bindings
                .iter()
                .filter(|b| b.ns_or_default() == scope)
                .find_map(|b| {
                    other(b.subjects.as_ref(), Some(b.ns_or_default())).map(|o| (b.objref(), o))
                })
        })
}

/// The commands that create the missing grant.
pub(super) fn create_grant(r: &Refused<'_>, verb: &str, group: &str, resource: &str) -> String {
    let (ns, sa) = (r.namespace, r.service_account);
    let res = if group.is_empty() {
        resource.to_owned()
    } else {
        format!("{resource}.{group}")
    };
    let name = format!("{sa}-{}", resource.replace('/', "-"));
    match r.scope {
        None => format!(
            "`kubectl create clusterrole {name} --verb={verb} --resource={res}` and `kubectl create clusterrolebinding {name} --clusterrole={name} --serviceaccount={ns}:{sa}` (the request is at the cluster scope: a RoleBinding does not reach it)"
        ),
        Some(scope) => format!(
            "`kubectl create role {name} -n {scope} --verb={verb} --resource={res}` and `kubectl create rolebinding {name} -n {scope} --role={name} --serviceaccount={ns}:{sa}`"
        ),
    }
}
