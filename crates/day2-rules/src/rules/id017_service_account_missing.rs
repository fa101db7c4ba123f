//! ID017: pods that name a ServiceAccount that does not exist.

use crate::reads::{self, K};
use crate::util::sees_whole_cluster;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::pod::service_account;
use day2_model::{Loop, Severity};
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    code: "ID017",
    name: "service-account-missing",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::ServiceAccount]),
    severity: Severity::High,
    summary: "Pod template names a ServiceAccount that does not exist in its namespace",
    law: law::IDENTITY,
    rationale: "The ServiceAccount admission plugin rejects a pod whose ServiceAccount does not exist: the \
ReplicaSet or StatefulSet reports `FailedCreate … serviceaccount \"x\" not found` and no pod appears. The \
workload identity hangs off the ServiceAccount too (IRSA role, Workload Identity client id), so a \
missing or misspelt account is a broken identity before it is anything else.\n\n**Differs from \
peers.** KubeLinter `non-existent-service-account` reports any account missing from the input; on \
manifests day2 judges only namespaces for which the input defines ServiceAccounts.",
    fix: Fix::generic(
        "Create the ServiceAccount (with its workload identity annotations) in the workload's namespace, or fix `serviceAccountName`.",
    ),
    sources: "Snapshot/live: judged when the input carries ServiceAccounts at all. Manifests: judged only in namespaces for which the input defines ServiceAccounts (an application's account may come from elsewhere). `default` always exists.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID017/fire.yaml"),
        silent: include_str!("../../fixtures/ID017/silent.yaml"),
    },
    peers: &[
        "KubeLinter non-existent-service-account",
        "Kubescape C-0307",
    ],
};

pub struct ServiceAccountMissing;

impl Rule for ServiceAccountMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let sas: HashSet<(&str, &str)> = cx
            .cluster
            .service_accounts
            .iter()
            .map(|s| (s.ns_or_default(), s.name()))
            .collect();
        if sas.is_empty() {
            return;
        }
        let namespaces: HashSet<&str> = sas.iter().map(|(ns, _)| *ns).collect();
        let whole = sees_whole_cluster(cx.cluster);
        for w in cx.workloads() {
            let ns = w.namespace();
            let sa = service_account(w.spec);
            if sa == "default" || sas.contains(&(ns, sa)) || !(whole || namespaces.contains(ns)) {
                continue;
            }
            sink.report(
                Target::workload(&w),
                format!(
                    "ServiceAccount `{sa}` does not exist in namespace {ns}: pod creation is rejected (FailedCreate)"
                ),
                Some(&w.ptr("/serviceAccountName")),
            );
        }
    }
}
