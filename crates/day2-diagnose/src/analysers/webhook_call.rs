//! A program that stops because an admission webhook refuses its own API
//! calls: the words of the API server's refusal in its log (`failed calling
//! webhook "x": … no endpoints available for service "y"`), read as a
//! refused pod creation is. When the program is the pod network's agent
//! and the webhook's own pods wait for that network, neither comes back: a
//! fail-closed webhook on nodes or pods deadlocks the cluster after an
//! outage (projectcapsule/capsule#787: Kube-OVN's agent patching its Node
//! through Capsule's `nodes.capsule.clastix.io`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::admission::{CreateError, WebhookError, classify_create};
use crate::messages::runtime::CNI_PLUGINS;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

pub fn refused_in_crash<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    refused_in_texts(a, d, &texts, &model::workload_ref(a.cluster, pod))
}

/// The webhook refusal in a program's words (`texts`: its termination
/// messages and logs), for the workload `owner`: a crash's, or a failed
/// Job's pods' (a `kubectl apply` or `helm upgrade` Job whose objects a
/// webhook does not answer for, prometheus-community/helm-charts#142).
pub(super) fn refused_in_texts<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    texts: &[String],
    owner: &day2_model::ObjRef,
) -> Vec<Hypothesis> {
    let Some(line) = texts.iter().find_map(|t| {
        t.lines()
            .find(|l| {
                l.contains("failed calling webhook")
                    || l.contains("failed calling admission webhook")
            })
            .map(|l| l.replace("\\\"", "\""))
    }) else {
        return vec![];
    };
    let CreateError::Webhook {
        webhook,
        host,
        error,
    } = classify_create(&line)
    else {
        return vec![];
    };
    if let Some(h) = deadlock(a, &webhook, &error, owner) {
        return vec![h];
    }
    super::admission::webhook_cause(a, d, &webhook, host.as_deref(), &error, owner, vec![])
}

/// A controller whose pods a webhook refuses (`FailedCreate`): the
/// deadlock below when the controller is the pod network's agent.
pub(super) fn refused_create(
    a: &Analysis<'_>,
    message: &str,
    owner: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let CreateError::Webhook { webhook, error, .. } = classify_create(message) else {
        return None;
    };
    deadlock(a, &webhook, &error, owner)
}

/// The pod network's agent (its own crash, or its DaemonSet refused pods
/// for a new node: kyverno/kyverno#4686) refused by a fail-closed webhook
/// whose own pods wait for that network: neither comes back.
fn deadlock(
    a: &Analysis<'_>,
    webhook: &str,
    error: &WebhookError,
    owner: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let config = super::admission::find_webhook(a, webhook);
    let policy = config
        .as_ref()
        .and_then(|c| c.failure_policy)
        .unwrap_or("Fail");
    let down = matches!(
        error,
        WebhookError::NoEndpoints { .. } | WebhookError::Unreachable
    );
    // The pod network's agent, and the webhook's pods without a network.
    let cni = owner.kind == "DaemonSet" && CNI_PLUGINS.iter().any(|(_, n)| *n == owner.name);
    let stuck_backend = config
        .as_ref()
        .and_then(|c| c.service)
        .and_then(|(ns, name)| {
            let backends = super::admission::backend_pods(a, ns, name);
            (!backends.is_empty() && backends.iter().all(|p| !model::is_ready(p))).then(|| {
                (
                    ns.to_owned(),
                    name.to_owned(),
                    backends[0].name().to_owned(),
                )
            })
        });
    if !(down && policy == "Fail" && cni) {
        return None;
    }
    let (Some(c), Some((ns, svc, backend))) = (&config, stuck_backend) else {
        return None;
    };
    let obj = c.obj.clone();
    Some(
        Hypothesis::new(
            90,
            Loop::Identity,
            obj.clone(),
            format!("admission webhook \"{webhook}\" ({obj}) refuses {owner}, the pod network's agent (its pods or its calls), because Service {ns}/{svc} has no ready endpoint; the webhook's own pods ({backend}) wait for the pod network that agent brings up: with failurePolicy {policy} neither comes back (a deadlock after an outage)"),
        )
        .fix(format!("Break the deadlock: set failurePolicy: Ignore on webhook \"{webhook}\" in {obj} (or delete the configuration) until its pods run, then keep the cluster's own agents out of it for good (a namespaceSelector or objectSelector that leaves out kube-system and the CNI's pods, or no rule on nodes)."))
        .link(crate::evidence::Link::new(
            Loop::Identity,
            None,
            obj,
            format!("webhook \"{webhook}\" fails closed with no endpoint behind Service {ns}/{svc}"),
        )),
    )
}
