//! RBAC: subjects as messages name them and the ServiceAccounts bindings reach.

use day2_model::Cluster;
use std::collections::HashSet;

/// A subject of a binding, for messages.
pub fn subject_display(
    s: &k8s_openapi::api::rbac::v1::Subject,
    binding_ns: Option<&str>,
) -> String {
    match s.kind.as_str() {
        "ServiceAccount" => format!(
            "ServiceAccount {}/{}",
            s.namespace.as_deref().or(binding_ns).unwrap_or("default"),
            s.name
        ),
        k => format!("{k} {}", s.name),
    }
}

/// ServiceAccounts (namespace, name) and SA groups that RBAC bindings grant anything to.
pub struct BoundServiceAccounts {
    accounts: HashSet<(String, String)>,
    namespaces: HashSet<String>,
    all: bool,
}

impl BoundServiceAccounts {
    pub fn new(cluster: &Cluster) -> Self {
        let mut b = BoundServiceAccounts {
            accounts: HashSet::new(),
            namespaces: HashSet::new(),
            all: false,
        };
        let mut add = |subjects: Option<&Vec<k8s_openapi::api::rbac::v1::Subject>>,
                       ns: Option<&str>| {
            for s in subjects.into_iter().flatten() {
                match s.kind.as_str() {
                    "ServiceAccount" => {
                        let sns = s.namespace.as_deref().or(ns).unwrap_or("default");
                        b.accounts.insert((sns.to_owned(), s.name.clone()));
                    }
                    "Group"
                        if s.name == "system:serviceaccounts"
                            || s.name == "system:authenticated" =>
                    {
                        b.all = true
                    }
                    "Group" => {
                        if let Some(n) = s.name.strip_prefix("system:serviceaccounts:") {
                            b.namespaces.insert(n.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        };
        for rb in &cluster.role_bindings {
            add(rb.subjects.as_ref(), Some(rb.ns_or_default()));
        }
        for crb in &cluster.cluster_role_bindings {
            add(crb.subjects.as_ref(), None);
        }
        b
    }

    pub fn is_bound(&self, ns: &str, name: &str) -> bool {
        self.all
            || self.namespaces.contains(ns)
            || self.accounts.contains(&(ns.to_owned(), name.to_owned()))
    }
}
