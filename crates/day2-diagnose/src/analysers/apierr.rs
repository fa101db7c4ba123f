//! A workload the Kubernetes API refuses ([`crate::messages::apiserver`]),
//! followed to the identity object that decides it:
//!
//! - `forbidden` → the bindings that reach the ServiceAccount, the roles
//!   they name and whether a rule allows the request; the missing Role or
//!   ClusterRole binding is named with the commands that create it;
//! - `Unauthorized` → the ServiceAccount's token (deleted account, token
//!   from another cluster, a token written by an agent that expired);
//! - no in-cluster configuration → `automountServiceAccountToken: false`
//!   on the pod or its ServiceAccount, and a policy that may set it.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::apiserver::InCluster;
use day2_model::pod::{Pod, TokenAutomount, service_account, token_automount};
use day2_model::rbac::{rule_allows_object, subject_is};
use day2_model::{Loop, ObjRef, Res};

mod grants;
use grants::{create_grant, granted_elsewhere, grants, named_only, near_miss};

/// What the API server refused, as its message says.
pub struct Refused<'a> {
    pub namespace: &'a str,
    pub service_account: &'a str,
    pub verb: Option<&'a str>,
    pub resource: Option<&'a str>,
    pub group: Option<&'a str>,
    /// The request's namespace; `None` at the cluster scope.
    pub scope: Option<&'a str>,
    /// A role a binding names that the authoriser found missing, as the
    /// refusal's `RBAC:` suffix says (`RBAC: clusterrole.rbac.authorization.k8s.io
    /// "ingress-controller" not found`): (kind, name).
    pub missing_role: Option<(&'static str, &'a str)>,
    /// The object the request was for, as the message quotes it (a rule
    /// with `resourceNames` allows only those objects).
    pub name: Option<&'a str>,
}

impl<'a> Refused<'a> {
    /// The refusal an API `Forbidden` error carries.
    pub fn of(e: &'a crate::messages::apiserver::ApiError) -> Option<Refused<'a>> {
        match e {
            crate::messages::apiserver::ApiError::Forbidden {
                namespace,
                service_account,
                verb,
                resource,
                group,
                scope,
            } => Some(Refused {
                namespace,
                service_account,
                verb: verb.as_deref(),
                resource: resource.as_deref(),
                group: group.as_deref(),
                scope: scope.as_deref(),
                missing_role: None,
                name: None,
            }),
            _ => None,
        }
    }

    /// With the role the authoriser's `RBAC:` suffix of `line` names as not found.
    pub fn with_line(mut self, line: &'a str) -> Self {
        self.name = self.name.or(day2_model::rbac::forbidden_object(line));
        let (_, rbac) = match line.split_once("RBAC: ") {
            Some(x) => x,
            None => return self,
        };
        for (kind, marker) in [
            ("ClusterRole", "clusterrole.rbac.authorization.k8s.io \""),
            ("Role", "role.rbac.authorization.k8s.io \""),
        ] {
            if let Some(at) = rbac.find(marker)
                && (kind == "ClusterRole" || !rbac[..at].ends_with("cluster"))
            {
                let rest = &rbac[at + marker.len()..];
                if let Some((name, after)) = rest.split_once('"')
                    && after.trim_start().starts_with("not found")
                {
                    self.missing_role = Some((kind, name));
                    return self;
                }
            }
        }
        self
    }
}

/// A binding that reaches the ServiceAccount and applies to the request,
/// with the role it names (when the input holds it) and whether it allows.
struct Grant {
    binding: ObjRef,
    role: ObjRef,
    /// `None`: the role is not in the input.
    allows: Option<bool>,
}

/// The API server refuses a ServiceAccount: no binding grants the request,
/// a binding names a role that is gone, or the bound roles lack the rule.
pub fn rbac(a: &Analysis<'_>, r: &Refused<'_>) -> Hypothesis {
    let (ns, sa) = (r.namespace, r.service_account);
    let subject = format!("system:serviceaccount:{ns}:{sa}");
    let verb = r.verb.unwrap_or("<verb>");
    let resource = r.resource.unwrap_or("<resource>");
    let group = r.group.unwrap_or("");
    let at = match r.scope {
        Some(s) => format!("in namespace {s}"),
        None => "at the cluster scope".to_owned(),
    };
    let what = format!(
        "`{verb}` on {resource}{} {at}",
        if group.is_empty() {
            String::new()
        } else {
            format!(" (API group {group})")
        }
    );
    let check = format!("`kubectl auth can-i {verb} {resource} --as={subject}`");
    let create = create_grant(r, verb, group, resource);
    let rbac_held = !a.cluster.cluster_role_bindings.is_empty()
        || !a.cluster.role_bindings.is_empty()
        || !a.cluster.cluster_roles.is_empty();
    let found = grants(a, r, verb, group, resource);
    // A binding to a role the input shows is gone (it holds roles of that kind).
    let roles_held = |kind: &str| match kind {
        "Role" => !a.cluster.roles.is_empty(),
        _ => !a.cluster.cluster_roles.is_empty(),
    };
    if let Some((g, held)) = found.iter().filter(|g| g.allows.is_none()).find_map(|g| {
        let held = super::rbac::other_kind(
            a.cluster,
            &g.role.kind,
            &g.role.name,
            g.binding.namespace.as_deref(),
        )?;
        Some((g, held))
    }) {
        return super::rbac::wrong_kind(
            a.cluster,
            &g.binding,
            &g.role.kind,
            &g.role.name,
            &held,
            &subject,
            true,
        );
    }
    // A built-in ClusterRole a capture left out is not missing.
    // The authoriser's own word that a bound role is missing stands for
    // a capture that holds no roles of its kind.
    let said_missing = |g: &Grant| {
        r.missing_role
            .is_some_and(|(k, n)| k == g.role.kind && n == g.role.name)
    };
    if let Some(g) = found.iter().find(|g| {
        g.allows.is_none()
            && (roles_held(&g.role.kind) || said_missing(g))
            && !(g.role.kind == "ClusterRole" && super::rbac::built_in(&g.role.name))
    }) {
        return Hypothesis::new(
            82,
            Loop::Identity,
            g.role.clone(),
            format!(
                "{} {} binds {subject} to {} {}, which does not exist, so {what} is refused",
                g.binding.kind, g.binding.name, g.role.kind, g.role.name
            ),
        )
        .fix(format!(
            "Create {} {} with a rule allowing {what}, or bind an existing role: {create}; {check} must answer yes.",
            g.role.kind, g.role.name
        ))
        .link(Link::new(Loop::Identity, None, g.binding.clone(), format!("binds {subject} to the missing {} {}", g.role.kind, g.role.name)));
    }
    // Refused in a namespace the grant does not reach: a RoleBinding
    // elsewhere binds the ServiceAccount to a role that allows the request,
    // and RoleBindings grant only in their own namespace, so the same
    // binding is missing in the namespace asked about (an operator watching
    // other namespaces). The cluster-wide roles were never meant to grant it.
    // The API server's authentication reader bound outside kube-system is
    // that mistake whatever else the input grants: the refusal happened.
    if let Some(scope) = r.scope
        && let Some((b, role)) = granted_elsewhere(a, r, scope, verb, group, resource)
        && (!found.iter().any(|g| g.allows == Some(true))
            || role.name == "extension-apiserver-authentication-reader")
    {
        let missing = ObjRef::new("RoleBinding", Some(scope), b.name());
        let bind = match role.kind.as_str() {
            "ClusterRole" => format!("--clusterrole={}", role.name),
            _ => format!(
                "--role={} (after copying Role {} into {scope})",
                role.name, role.name
            ),
        };
        return Hypothesis::new(
            86,
            Loop::Identity,
            missing,
            format!(
                "{subject} is refused {what}: RoleBinding {}/{} grants it through {} {}, but only in namespace {}; namespace {scope} has no such RoleBinding",
                b.ns_or_default(), b.name(), role.kind, role.name, b.ns_or_default()
            ),
        )
        .fix(format!(
            "Create the RoleBinding in namespace {scope}: `kubectl create rolebinding {} -n {scope} {bind} --serviceaccount={ns}:{sa}` (an operator's chart does it for each watched namespace it is told about, e.g. `watchNamespaces`); or stop watching {scope}. {check} must answer yes.",
            b.name()
        ))
        .link(Link::new(Loop::Identity, None, b.objref(), format!("grants {what} only in namespace {}", b.ns_or_default())));
    }
    if let Some(g) = found.iter().find(|g| g.allows == Some(true)) {
        return Hypothesis::new(
            40,
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), sa),
            format!(
                "the API server refused {subject} {what}, yet {} {} (by {} {}) allows it in the input: the binding is newer than the refusal, or another authoriser refuses",
                g.role.kind, g.role.name, g.binding.kind, g.binding.name
            ),
        )
        .fix(format!("Check it now with {check}; if it answers yes, restart the pod; if no, look for a webhook authoriser or an aggregated role that changed."));
    }
    if let Some(g) = found.iter().find(|g| g.allows == Some(false)) {
        return Hypothesis::new(
            84,
            Loop::Identity,
            g.role.clone(),
            format!(
                "{} {} bound to {subject} (by {} {}) does not allow {what}",
                g.role.kind, g.role.name, g.binding.kind, g.binding.name
            ),
        )
        .fix(format!(
            "Add the rule (apiGroups [\"{group}\"], resources [{resource}], verbs [{verb}]{}) to {} {} ({check} says no today); for a component's own role, re-apply its manifest or chart (a release whose role predates what the program now asks, or a feature that makes it ask more, e.g. a CRD it installs). Or grant it separately: {create}.",
            named_only(a, g, verb, group, resource, r.name)
                .map(|n| format!(", resourceNames [{n}]: the role's rule for {verb} names only other objects"))
                .unwrap_or_default(),
            g.role.kind, g.role.name
        ));
    }
    // A binding meant for this ServiceAccount that names it in another
    // namespace (a chart that hard-codes `default` where the release
    // namespace belongs): the subject matches nothing, so nothing is granted.
    if let Some((b, other)) = near_miss(a, r) {
        return Hypothesis::new(
            86,
            Loop::Identity,
            b.clone(),
            format!(
                "{subject} is refused {what}: {} {} binds ServiceAccount {sa} of namespace {other}, not of {ns}, where the pod runs; a subject names its namespace, so the binding grants this ServiceAccount nothing",
                b.kind,
                b.name
            ),
        )
        .fix(format!(
            "Set the subject's namespace to {ns} in {} {} (`subjects: [{{kind: ServiceAccount, name: {sa}, namespace: {ns}}}]`; in a chart, `namespace: {{{{ .Release.Namespace }}}}`), or run the workload in {other}. {check} must answer yes.",
            b.kind, b.name
        ));
    }
    if let Some(scope) = r.scope
        && let Some((e, said, ur, policy)) = super::rbac::failed_generation(a, scope, ns, sa)
        && let Some(inner) = Refused::of(&e)
    {
        let mut h = rbac(a, &inner.with_line(said));
        h.root.summary = format!(
            "{subject} is refused {what}: the binding Kyverno policy {policy} generates in namespace {scope} was never created, as UpdateRequest {ur} failed; {}",
            h.root.summary
        );
        return h.link(Link::new(
            Loop::Identity,
            None,
            ur,
            format!("it failed: {}", day2_model::redact::excerpt(said, 160)),
        ));
    }
    // Only RoleBindings in other namespaces: they do not reach this request.
    let elsewhere: Vec<String> = a
        .cluster
        .role_bindings
        .iter()
        .filter(|b| Some(b.ns_or_default()) != r.scope)
        .filter(|b| {
            b.subjects
                .iter()
                .flatten()
                .any(|s| subject_is(s, Some(b.ns_or_default()), ns, sa))
        })
        .map(|b| format!("{}/{}", b.ns_or_default(), b.name()))
        .collect();
    let noted = if elsewhere.is_empty() {
        String::new()
    } else {
        format!(
            " (RoleBinding {} grants only in its own namespace)",
            elsewhere.join(", ")
        )
    };
    let own = if sa == "default" {
        " Better, give the workload a ServiceAccount of its own (`serviceAccountName`) and bind that; a chart that creates one has a value for it (`serviceAccount.create`, `rbac.create`)."
    } else {
        ""
    };
    let mut h = Hypothesis::new(
        if rbac_held { 84 } else { 80 },
        Loop::Identity,
        ObjRef::new("ServiceAccount", Some(ns), sa),
        format!(
            "no {} binds {subject} to a role allowing {what}{noted}",
            if r.scope.is_some() {
                "RoleBinding or ClusterRoleBinding"
            } else {
                "ClusterRoleBinding"
            }
        ),
    )
    .fix(format!("Grant it: {create}; {check} must answer yes.{own}"));
    if !rbac_held {
        h = h.missing("RoleBindings and ClusterRoleBindings (`kubectl get clusterrolebindings,rolebindings -A -o json`)");
    }
    h
}

/// The API server does not accept the token the pod presents.
pub fn unauthorized(a: &Analysis<'_>, pod: &Res<Pod>) -> Hypothesis {
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let held = a.references().service_accounts.contains_key(&(ns, sa));
    let why = if held || a.cluster.service_accounts.is_empty() {
        "the token it presents is not accepted: it was issued for a ServiceAccount that was deleted and recreated, by another cluster, or it has expired (a bound token read once at start-up and never re-read)"
    } else {
        "its ServiceAccount no longer exists, so the token issued for it is rejected"
    };
    Hypothesis::new(
        72,
        Loop::Identity,
        ObjRef::new("ServiceAccount", Some(ns), sa),
        format!("the Kubernetes API answers Unauthorized to pod {} as {ns}/{sa}: {why}", pod.name()),
    )
    .fix(format!(
        "Restart the pod so it gets a fresh projected token (`kubectl delete pod -n {ns} {}`); make sure ServiceAccount {ns}/{sa} exists, and that the client re-reads the token file (client-go does since v0.21; older clients and copied tokens expire after an hour).",
        pod.name()
    ))
}

/// The API server's refusal quoted in a controller's or driver's message
/// (`… is forbidden: User "system:serviceaccount:ns:sa" cannot create
/// resource …`), followed to the ServiceAccount's grants.
pub fn forbidden_in(a: &Analysis<'_>, message: &str) -> Option<Hypothesis> {
    let e = crate::messages::apiserver::forbidden(message)?;
    Some(rbac(a, &Refused::of(&e)?))
}

/// The program says it lacks RBAC permissions without naming the request
/// ([`ApiError::NoPermissions`]): what its ServiceAccount is bound to.
pub fn no_permissions(a: &Analysis<'_>, pod: &Res<Pod>) -> Hypothesis {
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let workload = crate::model::workload_ref(a.cluster, pod);
    let roles: Vec<String> = super::rbac::cluster_roles_named(a.cluster, ns, sa);
    let held = !a.cluster.cluster_role_bindings.is_empty();
    let bound = if roles.is_empty() && held {
        format!("no ClusterRoleBinding names ServiceAccount {ns}/{sa}, which the pod runs as")
    } else if roles.is_empty() {
        format!(
            "ServiceAccount {ns}/{sa}, which the pod runs as, lacks what the controller reads (the input holds no bindings to check)"
        )
    } else {
        format!(
            "ServiceAccount {ns}/{sa}, which the pod runs as, is bound to {} only",
            roles.join(", ")
        )
    };
    Hypothesis::new(
        80,
        Loop::Identity,
        ObjRef::new("ServiceAccount", Some(ns), sa),
        format!("{workload} stops because the API server refuses it (it says: Authorization enabled (like RBAC) and no permissions): {bound}"),
    )
    .fix(format!("Apply the controller's RBAC manifest (its ClusterRole and a ClusterRoleBinding with subject `{{kind: ServiceAccount, name: {sa}, namespace: {ns}}}`), or set `serviceAccountName` on {workload} to the ServiceAccount that manifest binds; `kubectl auth can-i list ingresses --all-namespaces --as=system:serviceaccount:{ns}:{sa}` must answer yes."))
}

/// The client found no in-cluster configuration: the token is not mounted
/// (automountServiceAccountToken: false) or the environment is not set.
pub fn in_cluster(a: &Analysis<'_>, pod: &Res<Pod>, what: InCluster) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    let ns = pod.ns_or_default();
    let sa_name = service_account(spec);
    let sa = a
        .cluster
        .service_accounts
        .iter()
        .find(|s| s.ns_or_default() == ns && s.name() == sa_name);
    let decided = token_automount(spec, sa.map(|s| &*s.obj));
    let owner = crate::model::workload_ref(a.cluster, pod);
    match decided {
        TokenAutomount::Pod(false) => Some(
            Hypothesis::new(
                84,
                Loop::Identity,
                owner.clone(),
                format!("the pod template of {owner} sets `automountServiceAccountToken: false`, so no API token is mounted and the client cannot load its in-cluster configuration"),
            )
            .fix(format!("Set `automountServiceAccountToken: true` on the pod template of {owner} (or remove the field), or mount a projected serviceAccountToken volume at /var/run/secrets/kubernetes.io/serviceaccount.")),
        ),
        TokenAutomount::ServiceAccount(false) => {
            let policy = super::rbac::mutating_policy(a);
            let by = policy
                .as_ref()
                .map(|p| format!("; {} {} sets it on ServiceAccounts", p.kind, p.name))
                .unwrap_or_default();
            let mut h = Hypothesis::new(
                84,
                Loop::Identity,
                ObjRef::new("ServiceAccount", Some(ns), sa_name),
                format!("ServiceAccount {ns}/{sa_name} sets `automountServiceAccountToken: false` and the pod does not override it, so no API token is mounted{by}"),
            )
            .fix(format!(
                "Set `automountServiceAccountToken: true` on the pod template of {owner} (the pod's field wins over the ServiceAccount's){}; or give the workload its own ServiceAccount.",
                policy
                    .as_ref()
                    .map(|p| format!(", or exclude this workload from {} {}, which keeps resetting ServiceAccount {sa_name}", p.kind, p.name))
                    .unwrap_or_default()
            ));
            if let Some(p) = policy {
                h = h.link(Link::new(Loop::Identity, None, p, "mutates ServiceAccounts to `automountServiceAccountToken: false`"));
            }
            Some(h)
        }
        // The token is mounted: the environment is what is missing.
        _ if what == InCluster::Environment => Some(
            Hypothesis::new(
                55,
                Loop::Compute,
                owner.clone(),
                format!("the client in {owner} finds no KUBERNETES_SERVICE_HOST/PORT although the token is mounted: it runs outside a pod's environment (an exec'd process with a cleared environment, `enableServiceLinks` is not the cause)"),
            )
            .fix("Run the client with the container's environment, or give it a kubeconfig; `kubectl exec <pod> -- env | grep KUBERNETES_SERVICE` shows what the container sees."),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Refused;

    fn refused() -> Refused<'static> {
        Refused {
            namespace: "ingress-controller",
            service_account: "ingress-controller",
            verb: Some("get"),
            resource: Some("services"),
            group: Some(""),
            scope: Some("ingress-controller"),
            missing_role: None,
            name: None,
        }
    }

    #[test]
    fn the_authorisers_missing_role() {
        // jcmoraisjr/haproxy-ingress#505.
        let line = r#"F0120 11:55:17.401773 6 launch.go:177] no service with name ingress-controller/ingress-default-backend found: services "ingress-default-backend" is forbidden: User "system:serviceaccount:ingress-controller:ingress-controller" cannot get resource "services" in API group "" in the namespace "ingress-controller": RBAC: clusterrole.rbac.authorization.k8s.io "ingress-controller" not found"#;
        assert_eq!(
            refused().with_line(line).missing_role,
            Some(("ClusterRole", "ingress-controller"))
        );
        let role =
            r#"… in the namespace "x": RBAC: role.rbac.authorization.k8s.io "reader" not found"#;
        assert_eq!(
            refused().with_line(role).missing_role,
            Some(("Role", "reader"))
        );
        // No suffix, or a suffix that says something else: nothing missing.
        let plain =
            r#"pods is forbidden: User "system:serviceaccount:a:b" cannot list resource "pods""#;
        assert_eq!(refused().with_line(plain).missing_role, None);
    }
}
