//! A crash-looping controller whose ServiceAccount no binding names, while
//! the input shows where its grant went:
//!
//! - a binding names a ServiceAccount of the same name in another
//!   namespace: the binding was meant for it, and a second install of the
//!   same manifest under the same binding name moved its subject away
//!   (rancher/local-path-provisioner#211: upstream `local-path-storage`
//!   applied on k3s replaced `local-path-provisioner-bind`'s subject);
//! - a sibling account of the same application (its name with one word
//!   changed, in the same namespace) is bound while this one is not: the
//!   account's own role and binding are missing (Azure/aad-pod-identity#835:
//!   NMI's ClusterRole and binding deleted, MIC's kept).
//!
//! Read only when the container leaves no words of its own (a `forbidden`
//! it logged would be read as such) and the input holds bindings at all.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

pub const KINDS: &[crate::symptoms::Kind] = &[crate::symptoms::Kind::CrashLoopBackOff];

/// The words of a ServiceAccount's name (`aad-pod-id-nmi-service-account`).
fn words(name: &str) -> Vec<&str> {
    name.split('-').collect()
}

/// Two account names of one application: as many words, all but one the same.
fn siblings(a: &str, b: &str) -> bool {
    let (x, y) = (words(a), words(b));
    x.len() == y.len() && x.len() >= 3 && x.iter().zip(&y).filter(|(p, q)| p != q).count() == 1
}

pub fn unbound<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let c = a.cluster;
    if c.cluster_role_bindings.is_empty() && c.role_bindings.is_empty() {
        return vec![];
    }
    let (ns, sa) = (pod.ns_or_default(), model::pod_service_account(pod));
    if sa == "default"
        || pod
            .spec
            .as_ref()
            .and_then(|s| s.automount_service_account_token)
            == Some(false)
        || super::rbac::binding_of(c, ns, sa).is_some()
    {
        return vec![];
    }
    let said = super::follow::crash_texts(a, d, pod, container)
        .iter()
        .any(|t| crate::messages::said::decisive(t).is_some());
    if said {
        return vec![];
    }
    let workload = model::workload_ref(c, pod);
    let account = day2_model::ObjRef::new("ServiceAccount", Some(ns), sa);
    // A binding whose subject is an account of this name elsewhere, and
    // whose own name or role's names the application (`controller` in
    // two namespaces may be two applications).
    let app = sa
        .trim_end_matches("-service-account")
        .trim_end_matches("-serviceaccount")
        .trim_end_matches("-sa");
    let moved = c.cluster_role_bindings.iter().find_map(|b| {
        if !(b.name().contains(app) || b.role_ref.name.contains(app)) {
            return None;
        }
        let other = b.subjects.iter().flatten().find(|s| {
            s.kind == "ServiceAccount" && s.name == sa && s.namespace.as_deref() != Some(ns)
        })?;
        Some((b, other.namespace.clone().unwrap_or_default()))
    });
    if let Some((b, elsewhere)) = moved {
        let role = &b.role_ref.name;
        return vec![
            Hypothesis::new(
                80,
                Loop::Identity,
                b.objref(),
                format!(
                    "{workload} runs as ServiceAccount {ns}/{sa}, which no binding names, and crashes without a word; ClusterRoleBinding {} grants ClusterRole {role} to {elsewhere}/{sa}, an account of the same name in another namespace: the binding meant for it names another install's account (a second install of the same manifest replaces a binding of the same name)",
                    b.name()
                ),
            )
            .fix(format!(
                "Bind ClusterRole {role} to {ns}/{sa} as well: add `{{kind: ServiceAccount, name: {sa}, namespace: {ns}}}` to the subjects of ClusterRoleBinding {}, or give the other install its own binding name so they stop replacing each other (run one provisioner, not two); the pods start once the grant is there.",
                b.name()
            ))
            .link(Link::new(Loop::Identity, None, account, format!("ServiceAccount {ns}/{sa} is bound by no RoleBinding or ClusterRoleBinding"))),
        ];
    }
    // A sibling account of the same application that is bound.
    let sibling = c
        .service_accounts
        .iter()
        .filter(|s| s.ns_or_default() == ns && s.name() != sa && siblings(s.name(), sa))
        .find_map(|s| {
            let bound = super::rbac::binding_of(c, ns, s.name())?;
            Some((s.name(), bound))
        });
    let Some((other, bound)) = sibling else {
        return vec![];
    };
    vec![
        // Above a liveness probe's slow start: a controller whose calls are
        // all refused never syncs, and never serves its health endpoint.
        Hypothesis::new(
            84,
            Loop::Identity,
            account.clone(),
            format!(
                "{workload} runs as ServiceAccount {ns}/{sa}, which no RoleBinding or ClusterRoleBinding names, and crashes without a word, while {ns}/{other} of the same application is bound ({} {}): the account's own role and binding are missing, so every call it makes to the API server is forbidden",
                bound.kind, bound.name
            ),
        )
        .fix(format!(
            "Re-create the ClusterRole and ClusterRoleBinding the application's manifests give {ns}/{sa} (as {} {} does for {other}), e.g. by re-applying its chart or manifest; `kubectl auth can-i --list --as=system:serviceaccount:{ns}:{sa}` shows what the account may do now.",
            bound.kind, bound.name
        ))
        .link(Link::new(Loop::Identity, None, account, format!("ServiceAccount {ns}/{sa} is bound by no RoleBinding or ClusterRoleBinding"))),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn sibling_account_names() {
        assert!(super::siblings(
            "aad-pod-id-nmi-service-account",
            "aad-pod-id-mic-service-account"
        ));
        assert!(!super::siblings("controller", "webhook"));
        assert!(!super::siblings("app-a-sa", "other-b-sa"));
    }
}
