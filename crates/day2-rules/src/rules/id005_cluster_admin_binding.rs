//! ID005: bindings that grant cluster-admin.

use crate::reads::K;
use crate::util::subject_display;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{Loop, Severity};
use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};
use std::collections::{BTreeSet, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "ID005",
    name: "cluster-admin-binding",
    loop_: Loop::Identity,
    reads: KindSet::of(&[
        K::Other,
        K::ClusterRole,
        K::ClusterRoleBinding,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::Role,
        K::RoleBinding,
    ]),
    severity: Severity::High,
    summary: "ClusterRoleBinding or RoleBinding grants cluster-admin (or an equivalent `*/*/*` role)",
    law: law::IDENTITY,
    rationale: "\"ClusterRoleBinding: audit weekly — too many cluster-admins = no security model.\" Every \
subject bound to cluster-admin can read every Secret, impersonate anyone and change anything; for a \
ServiceAccount that means any compromise of its pods is a compromise of the cluster. Bindings to \
`system:authenticated`, `system:unauthenticated`, `system:anonymous`, `system:serviceaccounts` or a \
namespace's `default` ServiceAccount hand cluster-admin to everyone (or to every pod that names no \
ServiceAccount) and are critical. The message counts how many subjects hold cluster-admin in total. The \
built-in `system:masters` and `kubeadm:cluster-admins` groups are not reported.",
    fix: Fix {
        generic: "Replace the binding with a Role (or ClusterRole) granting only the verbs and resources the subject needs; keep cluster-admin for a break-glass group, and review the list on a schedule.",
        aws: Some(
            "On EKS grant humans access through access entries with scoped policies (`AmazonEKSViewPolicy`, `AmazonEKSEditPolicy` per namespace) instead of cluster-admin bindings, and keep `AmazonEKSClusterAdminPolicy` for a break-glass role.",
        ),
        azure: Some(
            "On AKS use Entra ID with Azure RBAC for Kubernetes and grant `Azure Kubernetes Service RBAC Reader/Writer` scoped to namespaces; reserve `Cluster Admin` for a break-glass group and disable local accounts (`--disable-local-accounts`).",
        ),
        gcp: Some(
            "On GKE grant `roles/container.developer` or namespace-scoped RBAC to Google groups (Google Groups for RBAC) instead of cluster-admin bindings.",
        ),
    },
    sources: "Same on every source: every binding in the input is read. On manifests only the bindings in the files are counted; on a snapshot or live cluster the count covers the whole cluster.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID005/fire.yaml"),
        silent: include_str!("../../fixtures/ID005/silent.yaml"),
    },
    peers: &[
        "KubeLinter cluster-admin-role-binding",
        "Polaris clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole, rolebindingClusterAdminRole",
        "Kubescape C-0035, C-0262, C-0272",
    ],
};

/// Built-in admin groups that are not an audit finding.
const BUILTIN: &[&str] = &["system:masters", "kubeadm:cluster-admins"];

/// Subjects that make an admin binding critical.
fn is_everyone(s: &Subject) -> bool {
    match s.kind.as_str() {
        "Group" => {
            matches!(
                s.name.as_str(),
                "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts"
            ) || s.name.starts_with("system:serviceaccounts:")
        }
        "User" => s.name == "system:anonymous",
        "ServiceAccount" => s.name == "default",
        _ => false,
    }
}

/// A rule that grants everything.
fn is_star(r: &PolicyRule) -> bool {
    let has = |v: Option<&Vec<String>>| v.is_some_and(|v| v.iter().any(|x| x == "*"));
    has(Some(&r.verbs)) && has(r.resources.as_ref()) && has(r.api_groups.as_ref())
}

pub struct ClusterAdminBinding;

impl Rule for ClusterAdminBinding {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let admin_cluster_roles: HashSet<&str> = std::iter::once("cluster-admin")
            .chain(
                c.cluster_roles
                    .iter()
                    .filter(|r| r.rules.iter().flatten().any(is_star))
                    .map(|r| r.name()),
            )
            .collect();
        let admin_roles: HashSet<(&str, &str)> = c
            .roles
            .iter()
            .filter(|r| r.rules.iter().flatten().any(is_star))
            .map(|r| (r.ns_or_default(), r.name()))
            .collect();
        let is_admin = |rr: &RoleRef, ns: Option<&str>| match rr.kind.as_str() {
            "ClusterRole" => admin_cluster_roles.contains(rr.name.as_str()),
            "Role" => ns.is_some_and(|ns| admin_roles.contains(&(ns, rr.name.as_str()))),
            _ => false,
        };
        fn relevant(subjects: Option<&Vec<Subject>>) -> Vec<&Subject> {
            subjects
                .into_iter()
                .flatten()
                .filter(|s| !(s.kind == "Group" && BUILTIN.contains(&s.name.as_str())))
                .collect()
        }
        // Everyone holding cluster-wide admin, for the count.
        let mut holders: BTreeSet<String> = BTreeSet::new();
        for b in &c.cluster_role_bindings {
            if is_admin(&b.role_ref, None) {
                for s in relevant(b.subjects.as_ref()) {
                    holders.insert(subject_display(s, None));
                }
            }
        }
        let total = holders.len();
        let severity_of = |subjects: &[&Subject], cluster_wide: bool| {
            if subjects.iter().any(|s| is_everyone(s)) {
                Severity::Critical
            } else if subjects.iter().any(|s| s.kind == "ServiceAccount") {
                Severity::High
            } else if cluster_wide {
                Severity::Medium
            } else {
                Severity::Low
            }
        };
        for b in &c.cluster_role_bindings {
            if !is_admin(&b.role_ref, None) {
                continue;
            }
            let subjects = relevant(b.subjects.as_ref());
            if subjects.is_empty() {
                continue;
            }
            let names: Vec<String> = subjects.iter().map(|s| subject_display(s, None)).collect();
            let everyone = subjects.iter().any(|s| is_everyone(s));
            sink.report_with(
                Target::of(b),
                format!(
                    "ClusterRoleBinding {} grants {} cluster-wide to {}{}; {total} subject(s) hold cluster-admin in the input",
                    b.name(),
                    b.role_ref.name,
                    names.join(", "),
                    if everyone { " — that is every caller or every pod without its own ServiceAccount" } else { "" },
                ),
                Some("/subjects"),
                None,
                Some(severity_of(&subjects, true)),
            );
        }
        for b in &c.role_bindings {
            let ns = b.ns_or_default();
            if !is_admin(&b.role_ref, Some(ns)) {
                continue;
            }
            let subjects = relevant(b.subjects.as_ref());
            if subjects.is_empty() {
                continue;
            }
            let names: Vec<String> = subjects
                .iter()
                .map(|s| subject_display(s, Some(ns)))
                .collect();
            sink.report_with(
                Target::of(b),
                format!(
                    "RoleBinding {} grants {} over namespace {ns} (every Secret and object in it) to {}",
                    b.name(),
                    b.role_ref.name,
                    names.join(", ")
                ),
                Some("/subjects"),
                None,
                Some(severity_of(&subjects, false)),
            );
        }
    }
}
