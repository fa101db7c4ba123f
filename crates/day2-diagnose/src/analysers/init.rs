//! Why an init container never completes. What it waits for is in its log,
//! which a snapshot rarely holds; the cluster side of one common case is
//! checked: HashiCorp Vault's agent injector (`vault-agent-init`, injected
//! by hashicorp/vault-k8s for pods annotated
//! `vault.hashicorp.com/agent-inject: "true"`) logs in with the pod's
//! ServiceAccount token through Vault's Kubernetes auth method, which asks
//! the API server to review that token (TokenReview). The identity Vault
//! reviews with must hold `system:auth-delegator`, or every login is
//! refused and the init container retries for ever.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected, Kind};
use day2_model::{Loop, ObjRef};

const VAULT_INIT: &str = "vault-agent-init";
const VAULT_INJECT: &str = "vault.hashicorp.com/agent-inject";
const AUTH_DELEGATOR: &str = "system:auth-delegator";

pub fn held<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    if d.kind != Kind::PodPending {
        return vec![];
    }
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Message(container) = &d.detail else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    let logs = format!("kubectl logs -n {ns} {} -c {container}", pod.name());
    let vault = container == VAULT_INIT
        || pod
            .annotations()
            .get(VAULT_INJECT)
            .is_some_and(|v| v == "true");
    if let Some(h) = host_network_dns(a, pod, container) {
        return vec![h];
    }
    if !vault && let Some(h) = super::init_wait::waits(a, pod, container) {
        return vec![h];
    }
    if !vault {
        return vec![
            Hypothesis::new(
                45,
                Loop::Compute,
                workload,
                format!(
                    "init container {container} of pod {} runs without completing, so the pod's containers never start; what it waits for is in its log",
                    pod.name()
                ),
            )
            .fix(format!("Read what it waits for: `{logs}`."))
            .missing(format!("the init container's log (`{logs}`)"))
            .unexplained(),
        ];
    }
    if let Some(h) = super::follow::policy_on_awaited_peers(a, pod, container) {
        return vec![h];
    }
    let rbac_known = !a.cluster.cluster_role_bindings.is_empty();
    let delegators: Vec<String> = a
        .cluster
        .cluster_role_bindings
        .iter()
        .filter(|b| b.role_ref.kind == "ClusterRole" && b.role_ref.name == AUTH_DELEGATOR)
        .flat_map(|b| b.subjects.iter().flatten())
        .map(|s| match &s.namespace {
            Some(n) => format!("{} {n}/{}", s.kind, s.name),
            None => format!("{} {}", s.kind, s.name),
        })
        .collect();
    if rbac_known && delegators.is_empty() {
        return vec![
            Hypothesis::new(
                72,
                Loop::Identity,
                ObjRef::new("ClusterRole", None, AUTH_DELEGATOR),
                format!(
                    "{VAULT_INIT} of pod {} never completes: Vault's Kubernetes auth reviews the pod's token with a TokenReview, and no ServiceAccount of the cluster is bound to {AUTH_DELEGATOR}, so the API server refuses Vault's tokenreviews and every login fails",
                    pod.name()
                ),
            )
            .fix(format!(
                "Bind {AUTH_DELEGATOR} to the ServiceAccount whose token Vault's auth/kubernetes config uses as token reviewer (`kubectl create clusterrolebinding vault-tokenreview --clusterrole={AUTH_DELEGATOR} --serviceaccount=<namespace>:<reviewer>`; the Vault chart's `server.authDelegator.enabled` does it for Vault's own ServiceAccount); then the agent's next login succeeds. `{logs}` shows the refusal."
            )),
        ];
    }
    let held_by = if delegators.is_empty() {
        String::new()
    } else {
        format!(" ({} holds {AUTH_DELEGATOR})", delegators.join(", "))
    };
    vec![
        Hypothesis::new(
            50,
            Loop::Identity,
            workload,
            format!(
                "{VAULT_INIT} of pod {} never completes: its login to Vault's Kubernetes auth is refused or unanswered, and the cluster side of that auth is in place{held_by}; the cause is Vault's configuration",
                pod.name()
            ),
        )
        .fix(format!(
            "Check Vault's side: `vault read auth/kubernetes/config` (kubernetes_host, CA, token_reviewer_jwt, issuer) and the role the pod logs in with (`vault read auth/kubernetes/role/<role>`: bound_service_account_names and bound_service_account_namespaces must name ServiceAccount {ns}/{}); `{logs}` shows Vault's answer.",
            pod.spec
                .as_deref()
                .map(day2_model::pod::service_account)
                .unwrap_or("default")
        ))
        .missing(format!("Vault's auth/kubernetes configuration and the agent's log (`{logs}`)"))
        .unexplained(),
    ]
}

/// A pod on the host network keeps the node's resolv.conf unless its
/// `dnsPolicy` is `ClusterFirstWithHostNet` (`ClusterFirst`, the default,
/// falls back to the node's for such a pod): an init container that waits
/// for a Service by name never resolves it.
fn host_network_dns(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    container: &str,
) -> Option<Hypothesis> {
    let spec = pod.spec.as_deref()?;
    if spec.host_network != Some(true)
        || spec
            .dns_policy
            .as_deref()
            .is_some_and(|p| p != "ClusterFirst")
    {
        return None;
    }
    let c = model::spec_container(pod, container)?;
    let text = model::command_line(c)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let ns = pod.ns_or_default();
    let name = text
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '-'))
        .find(|token| {
            let mut labels = token.split('.');
            let svc = labels.next().unwrap_or("");
            let in_ns = labels.next().unwrap_or(ns);
            !svc.is_empty()
                && a.service(in_ns, svc).is_some()
                && (token.contains('.') || text.contains(&format!(" {token}")))
        })?
        .to_owned();
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            82,
            Loop::Network,
            workload.clone(),
            format!(
                "init container {container} of pod {} waits for {name}, a Service name only the cluster DNS resolves, but the pod runs on the host network with dnsPolicy ClusterFirst, so it resolves names with the node's resolv.conf",
                pod.name()
            ),
        )
        .fix(format!(
            "Set `dnsPolicy: ClusterFirstWithHostNet` in the pod template of {workload} (a host-network pod needs it to use the cluster DNS), or drop `hostNetwork: true` if the pod does not need it."
        )),
    )
}
