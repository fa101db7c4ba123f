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
    let Some(line) = texts.iter().find_map(|t| {
        t.lines()
            .find(|l| l.contains("failed calling webhook"))
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
    let owner = model::workload_ref(a.cluster, pod);
    let config = super::admission::find_webhook(a, &webhook);
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
    if down
        && policy == "Fail"
        && cni
        && let (Some(c), Some((ns, svc, backend))) = (&config, stuck_backend)
    {
        let obj = c.obj.clone();
        return vec![
            Hypothesis::new(
                90,
                Loop::Identity,
                obj.clone(),
                format!("admission webhook \"{webhook}\" ({obj}) refuses the calls of {owner}, the pod network's agent, because Service {ns}/{svc} has no ready endpoint; the webhook's own pods ({backend}) wait for the pod network that agent brings up: with failurePolicy {policy} neither comes back (a deadlock after an outage)"),
            )
            .fix(format!("Break the deadlock: set failurePolicy: Ignore on webhook \"{webhook}\" in {obj} (or delete the configuration) until its pods run, then keep the cluster's own agents out of it for good (a namespaceSelector or objectSelector that leaves out kube-system and the CNI's pods, or no rule on nodes)."))
            .link(crate::evidence::Link::new(
                Loop::Identity,
                None,
                obj,
                format!("webhook \"{webhook}\" fails closed with no endpoint behind Service {ns}/{svc}"),
            )),
        ];
    }
    super::admission::webhook_cause(a, d, &webhook, host.as_deref(), &error, &owner, vec![])
}
