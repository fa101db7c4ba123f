//! PodSecurityPolicy admission (Kubernetes 1.3 to 1.24) refusing a pod:
//! `unable to validate against any pod security policy: […]`
//! (`plugin/pkg/admission/security/podsecuritypolicy/admission.go`). The
//! plugin tries the policies that either the requester (the controller
//! creating the pod) or the pod's ServiceAccount may `use` (RBAC verb `use`
//! on `podsecuritypolicies`). An empty list means none was authorised; a
//! list of violations means every usable policy forbids something the pod
//! asks for.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Loop, ObjRef};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::rbac::v1::{PolicyRule, Subject};

const KIND: &str = "PodSecurityPolicy";

/// The ServiceAccount kube-controller-manager runs each controller as
/// (`--use-service-account-credentials`, the default of kubeadm and the
/// managed services).
fn controller_account(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "DaemonSet" => "daemon-set-controller",
        "ReplicaSet" => "replicaset-controller",
        "StatefulSet" => "statefulset-controller",
        "Job" => "job-controller",
        "ReplicationController" => "replication-controller",
        _ => return None,
    })
}

/// The policies a rule lets one `use`: `None` for all of them.
fn grants_use(rule: &PolicyRule) -> Option<Option<&[String]>> {
    let any = |v: &[String], w: &str| v.iter().any(|x| x == w || x == "*");
    let groups = rule.api_groups.as_deref().unwrap_or_default();
    let resources = rule.resources.as_deref().unwrap_or_default();
    (any(&rule.verbs, "use")
        && (any(groups, "policy") || any(groups, "extensions"))
        && any(resources, "podsecuritypolicies"))
    .then(|| rule.resource_names.as_deref().filter(|n| !n.is_empty()))
}

/// Whether a binding's subject is one of `accounts` (namespace, name), or a
/// group every one of them is in.
fn reaches(s: &Subject, binding_ns: Option<&str>, accounts: &[(&str, &str)]) -> bool {
    match s.kind.as_str() {
        "ServiceAccount" => {
            let ns = s.namespace.as_deref().or(binding_ns).unwrap_or_default();
            accounts.iter().any(|(n, a)| *n == ns && *a == s.name)
        }
        "Group" => {
            s.name == "system:authenticated"
                || s.name == "system:serviceaccounts"
                || accounts
                    .iter()
                    .any(|(ns, _)| s.name == format!("system:serviceaccounts:{ns}"))
        }
        _ => false,
    }
}

/// Whether any Role or ClusterRole bound to one of `accounts` lets it use a
/// policy.
fn authorised(a: &Analysis<'_>, accounts: &[(&str, &str)]) -> bool {
    let c = a.cluster;
    let role_grants = |kind: &str, name: &str, role_ns: Option<&str>| match kind {
        "ClusterRole" => c
            .cluster_roles
            .iter()
            .find(|r| r.name() == name)
            .is_some_and(|r| r.rules.iter().flatten().any(|x| grants_use(x).is_some())),
        "Role" => c
            .roles
            .iter()
            .find(|r| Some(r.ns_or_default()) == role_ns && r.name() == name)
            .is_some_and(|r| r.rules.iter().flatten().any(|x| grants_use(x).is_some())),
        _ => false,
    };
    let cluster_wide = c.cluster_role_bindings.iter().any(|b| {
        b.subjects
            .iter()
            .flatten()
            .any(|s| reaches(s, None, accounts))
            && role_grants(&b.role_ref.kind, &b.role_ref.name, None)
    });
    cluster_wide
        || c.role_bindings.iter().any(|b| {
            let bns = b.ns_or_default();
            accounts.iter().any(|(n, _)| *n == bns)
                && b.subjects
                    .iter()
                    .flatten()
                    .any(|s| reaches(s, Some(bns), accounts))
                && role_grants(&b.role_ref.kind, &b.role_ref.name, Some(bns))
        })
}

/// Whether the pod asks for what only a privileged policy allows.
fn wants_privilege(spec: Option<&PodSpec>) -> bool {
    spec.is_some_and(|s| {
        s.host_network == Some(true)
            || s.host_pid == Some(true)
            || s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
                .any(|c| c.security_context.as_ref().and_then(|x| x.privileged) == Some(true))
    })
}

/// The fields and values PodSecurityPolicy validation refuses, without
/// repeats: `spec.initContainers[0].securityContext.capabilities.add:
/// Invalid value: "NET_ADMIN"` becomes `capabilities.add "NET_ADMIN" (in
/// spec.initContainers[0])`.
fn forbidden(tried: &str) -> Vec<String> {
    const MARK: &str = ": Invalid value: ";
    let mut out: Vec<String> = Vec::new();
    let mut rest = tried;
    while let Some(at) = rest.find(MARK) {
        let field = rest[..at]
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .trim_start_matches('[');
        let after = &rest[at + MARK.len()..];
        let value = after.split(": ").next().unwrap_or("").trim();
        rest = after;
        let (holder, leaf) = match field.split_once(".securityContext.") {
            Some((h, l)) => (h, l),
            None => ("", field),
        };
        let item = if holder.is_empty() {
            format!("`{leaf}` {value}")
        } else {
            format!("`{leaf}` {value} (in {holder})")
        };
        if !leaf.is_empty() && !out.contains(&item) && out.len() < 6 {
            out.push(item);
        }
    }
    out
}

/// Why PodSecurityPolicy admission refuses the pods of `owner`. `tried`:
/// what the message lists after the colon (`[]`, or the violations).
pub(crate) fn refused(
    a: &Analysis<'_>,
    owner: &ObjRef,
    controller_kind: &str,
    spec: Option<&PodSpec>,
    tried: &str,
    links: Vec<Link>,
) -> Hypothesis {
    let ns = owner.namespace.as_deref().unwrap_or("default");
    let sa = spec.map_or("default", day2_model::pod::service_account);
    let policies: Vec<ObjRef> = a
        .cluster
        .other
        .iter()
        .filter(|o| o.kind == KIND)
        .map(|o| o.objref())
        .collect();
    let eks = policies.iter().any(|p| p.name == "eks.privileged");
    let tried = tried.trim();
    if !tried.is_empty() && tried != "[]" {
        return Hypothesis::new(
            82,
            Loop::Identity,
            owner.clone(),
            format!(
                "PodSecurityPolicy admission refuses the pods of {owner}: every policy ServiceAccount {ns}/{sa} may use forbids something the pod template asks for: {}",
                day2_model::redact::excerpt(tried, 240)
            ),
        )
        .fix(format!(
            "Change {owner}'s pod template to what the policies allow{}, or grant ServiceAccount {ns}/{sa} `use` of a policy that allows it (`kubectl create role psp-use -n {ns} --verb=use --resource=podsecuritypolicies.policy --resource-name=<policy>` and a RoleBinding to the ServiceAccount).",
            match forbidden(tried).as_slice() {
                [] => " (the list says what each forbids)".to_owned(),
                f => format!(": they forbid {}", f.join(", ")),
            }
        ))
        .links(links);
    }
    let controller = controller_account(controller_kind);
    let mut accounts = vec![(ns, sa)];
    if let Some(c) = controller {
        accounts.push(("kube-system", c));
    }
    let granted = authorised(a, &accounts);
    // The policy meant for it: a privileged one for a pod that asks for
    // privilege, else the first the cluster has.
    let privileged = wants_privilege(spec);
    let meant = policies
        .iter()
        .find(|p| !privileged || p.name.contains("privileged"))
        .or(policies.first())
        .cloned();
    let who = match controller {
        Some(c) => format!(
            "ServiceAccount {ns}/{sa} or the {controller_kind} controller (kube-system/{c})"
        ),
        None => format!("ServiceAccount {ns}/{sa}"),
    };
    let policy = meant
        .as_ref()
        .map_or_else(|| "<policy>".to_owned(), |p| p.name.clone());
    let eks_note = if eks {
        " On EKS the grant every pod relies on is ClusterRole eks:podsecuritypolicy:privileged (`use` of eks.privileged) bound to group system:authenticated by ClusterRoleBinding eks:podsecuritypolicy:authenticated: re-create both if an upgrade or a cleanup removed them."
    } else {
        ""
    };
    let summary = if granted {
        format!(
            "PodSecurityPolicy admission refuses the pods of {owner} with no policy to try: {who} is bound to a role that grants `use`, but none of the policies it names is in the cluster"
        )
    } else {
        format!(
            "PodSecurityPolicy admission refuses the pods of {owner} with no policy to try: no Role or ClusterRole granting `use` on podsecuritypolicies is bound to {who}{}",
            if policies.is_empty() {
                String::new()
            } else {
                format!(
                    " (the cluster has {})",
                    policies
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        )
    };
    let root = meant.unwrap_or_else(|| ObjRef::new("ServiceAccount", Some(ns), sa));
    Hypothesis::new(if granted { 70 } else { 84 }, Loop::Identity, root, summary)
        .fix(format!(
            "Grant `use` of PodSecurityPolicy {policy} to ServiceAccount {ns}/{sa}: `kubectl create clusterrole psp-{policy} --verb=use --resource=podsecuritypolicies.policy --resource-name={policy}` and `kubectl create rolebinding psp-{policy} -n {ns} --clusterrole=psp-{policy} --serviceaccount={ns}:{sa}`; the controller retries on its own.{eks_note} PodSecurityPolicy was removed in 1.25; Pod Security admission replaces it."
        ))
        .links(links)
}

/// OpenShift's SecurityContextConstraints admission refusing a pod:
/// `unable to validate against any security context constraint: [provider
/// "anyuid": Forbidden: not usable by user or serviceaccount, …,
/// spec.containers[0].securityContext.runAsUser: Invalid value: 1001: must
/// be in the ranges: […]]` (openshift/apiserver-library-go's
/// `sccadmission`). The constraints the ServiceAccount may use refuse what
/// the template asks; the others it may not use at all
/// (cloudnative-pg/cloudnative-pg#143: a fixed `runAsUser: 1001`).
pub fn scc_refused(owner: &ObjRef, message: &str) -> Option<Hypothesis> {
    let (_, list) =
        message.split_once("unable to validate against any security context constraint")?;
    // What the usable constraints refuse: the entries that are not a
    // provider the account may not use.
    let refusals: Vec<&str> = list
        .trim_start_matches([':', ' ', '['])
        .trim_end_matches(']')
        .split(", ")
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.contains("not usable by user or serviceaccount"))
        .collect();
    let what = if refusals.is_empty() {
        "no constraint is usable by the pod's ServiceAccount or by the controller".to_owned()
    } else {
        format!(
            "the constraints it may use refuse `{}`",
            day2_model::redact::excerpt(&refusals.join(", "), 240)
        )
    };
    let run_as_user = refusals.iter().any(|r| r.contains("runAsUser"));
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            owner.clone(),
            format!("OpenShift's SecurityContextConstraints refuse the pods of {owner}: {what}"),
        )
        .fix(format!(
            "{}Or let the pod's ServiceAccount use a constraint that allows it (`oc adm policy add-scc-to-user nonroot -z <serviceaccount> -n <namespace>`, or a Role granting `use` on that SecurityContextConstraints); the controller retries.",
            if run_as_user {
                format!("Drop the fixed `runAsUser` (and `fsGroup`) from {owner}'s securityContext so the restricted constraint assigns one from the namespace's range. ")
            } else {
                format!("Change {owner}'s securityContext to what the restricted constraint allows (no fixed user, no privileges, no host namespaces). ")
            }
        )),
    )
}

#[cfg(test)]
mod tests {
    use day2_model::ObjRef;

    #[test]
    fn security_context_constraints_that_refuse_a_fixed_user() {
        let owner = ObjRef::new("Deployment", Some("cnpg-system"), "cnpg-controller-manager");
        let msg = r#"Error creating: pods "cnpg-controller-manager-74d87d659-" is forbidden: unable to validate against any security context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount, spec.containers[0].securityContext.runAsUser: Invalid value: 1001: must be in the ranges: [1000770000, 1000779999], provider "privileged": Forbidden: not usable by user or serviceaccount]"#;
        let h = super::scc_refused(&owner, msg).expect("an SCC refusal");
        assert!(
            h.root.summary.contains("runAsUser: Invalid value: 1001"),
            "{}",
            h.root.summary
        );
        assert!(h.fix.contains("Drop the fixed `runAsUser`"), "{}", h.fix);
        // PodSecurityPolicy's words are not OpenShift's.
        assert!(
            super::scc_refused(
                &owner,
                "unable to validate against any pod security policy: []"
            )
            .is_none()
        );
    }

    #[test]
    fn what_the_policies_forbid_once_each() {
        // linkerd/linkerd2#4189: linkerd-init under a restricted policy.
        let tried = r#"[spec.initContainers[0].securityContext.capabilities.add: Invalid value: "NET_ADMIN": capability may not be added spec.initContainers[0].securityContext.capabilities.add: Invalid value: "NET_ADMIN": capability may not be added spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used]"#;
        assert_eq!(
            super::forbidden(tried),
            vec![
                r#"`capabilities.add` "NET_ADMIN" (in spec.initContainers[0])"#.to_owned(),
                "`spec.containers[0].hostPort` 80".to_owned(),
            ]
        );
        assert!(super::forbidden("[]").is_empty());
    }
}
