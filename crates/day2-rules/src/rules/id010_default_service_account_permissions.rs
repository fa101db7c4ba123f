//! ID010: RBAC granted to a namespace's `default` ServiceAccount.

use crate::reads::K;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{K8sObject, Loop, Res, Severity};
use k8s_openapi::api::rbac::v1::{RoleRef, Subject};

pub static META: RuleMeta = RuleMeta {
    code: "ID010",
    name: "default-service-account-permissions",
    loop_: Loop::Identity,
    reads: KindSet::of(&[K::ClusterRoleBinding, K::RoleBinding]),
    severity: Severity::Medium,
    summary: "RoleBinding or ClusterRoleBinding grants permissions to a namespace's `default` ServiceAccount",
    law: law::IDENTITY,
    rationale: "Every pod that names no ServiceAccount runs as `default`. Permissions granted to it are \
granted to all of those pods, present and future, whatever they are: the grant is not scoped to the \
workload that needed it and the audit log cannot tell them apart. Give the workload that needs the \
permissions its own ServiceAccount. (Bindings of `default` to cluster-admin are reported by ID005 as \
critical.)\n\n**Differs from peers.** KubeLinter `default-service-account` flags pods that run as \
`default`, and Checkov CKV_K8S_41 a `default` account that still automounts its token; day2 reports \
the grants to `default`: a default account granted nothing gives its pods nothing (ID007 judges the \
unused token).",
    fix: Fix::generic(
        "Create a ServiceAccount for the workload that needs the permissions, bind the role to it, set `serviceAccountName` on that workload, and remove `default` from the binding.",
    ),
    sources: "Same on every source: every binding in the input.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID010/fire.yaml"),
        silent: include_str!("../../fixtures/ID010/silent.yaml"),
    },
    peers: &[
        "Checkov CKV_K8S_41, CKV_K8S_42",
        "KubeLinter default-service-account (partial: pods using it)",
        "Kubescape C-0189",
    ],
};

fn check<T: K8sObject>(
    b: &Res<T>,
    role_ref: &RoleRef,
    subjects: Option<&Vec<Subject>>,
    ns: Option<&str>,
    sink: &mut Sink<'_>,
) {
    if role_ref.kind == "ClusterRole" && role_ref.name == "cluster-admin" {
        return; // ID005
    }
    for (i, s) in subjects.into_iter().flatten().enumerate() {
        if s.kind != "ServiceAccount" || s.name != "default" {
            continue;
        }
        let sns = s.namespace.as_deref().or(ns).unwrap_or("default");
        sink.report(
            Target::of(b),
            format!(
                "{} {} grants {} `{}` to ServiceAccount {sns}/default: every pod in {sns} without its own ServiceAccount gets it",
                b.obj.kind(),
                b.name(),
                role_ref.kind,
                role_ref.name
            ),
            Some(&format!("/subjects/{i}")),
        );
    }
}

pub struct DefaultServiceAccountPermissions;

impl Rule for DefaultServiceAccountPermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for b in &cx.cluster.role_bindings {
            check(
                b,
                &b.role_ref,
                b.subjects.as_ref(),
                Some(b.ns_or_default()),
                sink,
            );
        }
        for b in &cx.cluster.cluster_role_bindings {
            check(b, &b.role_ref, b.subjects.as_ref(), None, sink);
        }
    }
}
