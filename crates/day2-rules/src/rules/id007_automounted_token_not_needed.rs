//! ID007: API tokens mounted into pods that have no use for them.

use crate::reads::{self, K};
use crate::util::BoundServiceAccounts;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::pod::{service_account, token_automount};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::ServiceAccount;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ID007",
    name: "automounted-token-not-needed",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::ServiceAccount]),
    severity: Severity::Low,
    summary: "Pod automounts a ServiceAccount token although no RBAC binding grants that ServiceAccount anything",
    law: law::IDENTITY,
    rationale: "Every pod gets a Kubernetes API token at `/var/run/secrets/kubernetes.io/serviceaccount` \
unless it opts out. A token nobody uses is still a credential: whoever gets code execution in the pod \
can use it to talk to the API server (discovery, any permissions granted to all authenticated users, \
and any added later). When no RoleBinding or ClusterRoleBinding grants the ServiceAccount anything, the \
token is not needed. Cloud workload identity (IRSA, AKS/GKE Workload Identity) uses its own projected \
token and does not need the automounted one.\n\n**Differs from peers.** Polaris \
`automountServiceAccountToken`, Checkov CKV_K8S_38 and Kubescape C-0034 want every pod to opt out of \
the token; day2 reports only tokens that no binding gives a use.",
    fix: Fix::generic(
        "Set `automountServiceAccountToken: false` on the pod template (or on the ServiceAccount); pods that do call the API keep it and get a binding.",
    ),
    sources: "Manifests: only bindings in the input count, so a ServiceAccount bound elsewhere looks unbound (the finding is low; suppress it on that workload). Snapshot/live: every binding of the cluster counts, including group bindings to `system:serviceaccounts`.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID007/fire.yaml"),
        silent: include_str!("../../fixtures/ID007/silent.yaml"),
    },
    peers: &[
        "Polaris automountServiceAccountToken",
        "Checkov CKV_K8S_38",
        "Kubescape C-0034, C-0190, C-0261",
    ],
};

pub struct AutomountedTokenNotNeeded;

impl Rule for AutomountedTokenNotNeeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let bound = BoundServiceAccounts::new(cx.cluster);
        let sas: HashMap<(&str, &str), &ServiceAccount> = cx
            .cluster
            .service_accounts
            .iter()
            .map(|s| ((s.ns_or_default(), s.name()), &*s.obj))
            .collect();
        for w in cx.workloads() {
            let ns = w.namespace();
            let sa = service_account(w.spec);
            let automount = token_automount(w.spec, sas.get(&(ns, sa)).copied()).mounted();
            if !automount || bound.is_bound(ns, sa) {
                continue;
            }
            sink.report(
                Target::workload(&w),
                format!(
                    "pods mount an API token for ServiceAccount `{sa}`, which no RoleBinding or ClusterRoleBinding in the input grants anything"
                ),
                Some(&w.ptr("/automountServiceAccountToken")),
            );
        }
    }
}
