//! A Pending pod kept off the only nodes it may use by a pod that is being
//! deleted and cannot go: anti-affinity, a host port or a ReadWriteOncePod
//! volume still count the old pod until the kubelet has killed it. Why it
//! cannot is the cause, in whichever loop the kill fails (the CNI's
//! teardown, the runtime, a volume).

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::runtime::{SandboxError, classify_sandbox};
use crate::model;
use crate::placement::Rejection;
use crate::symptoms::Detected;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

pub fn held_by_terminating<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, _p)) = parts(d) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    // Deleted pods of the namespace, where the scheduler placed them.
    let candidates: Vec<(&str, &Res<Pod>)> = a
        .deleting_pods()
        .iter()
        .filter(|p| p.ns_or_default() == ns)
        .filter_map(|p| Some((model::node_name(p)?, *p)))
        .collect();
    if candidates.is_empty() {
        return vec![];
    }
    let Some(v) = a.verdicts(pod) else {
        return vec![];
    };
    if v.any_fits {
        return vec![];
    }
    // Nodes that reject the pod for what another pod there holds.
    let holds = |node: &str| {
        v.iter().any(|nv| {
            nv.name == node
                && nv.reasons.iter().any(|r| {
                    matches!(
                        r,
                        Rejection::PodAntiAffinity
                            | Rejection::ExistingAntiAffinity
                            | Rejection::HostPorts
                            | Rejection::ReadWriteOncePodInUse
                    )
                })
        })
    };
    let stuck = candidates.iter().find_map(|&(node, old)| {
        if !holds(node) {
            return None;
        }
        let kill = a
            .cluster
            .events_for_obj(old)
            .into_iter()
            .rfind(|e| e.reason == "FailedKillPod" && e.is_warning());
        (kill.is_some() || overdue(old, a.observed_at())).then_some((node, old, kill))
    });
    let Some((node, old, kill)) = stuck else {
        return vec![];
    };
    let since = old
        .metadata
        .deletion_timestamp
        .as_ref()
        .map(|t| format!(" since {}", t.0))
        .unwrap_or_default();
    let held = format!(
        "{} cannot be placed: the only node(s) it may use ({node}) still count pod {} of the same namespace, deleted{since} but not gone",
        pod.name(),
        old.name()
    );
    let old_link = Link::new(
        Loop::Compute,
        d.since,
        old.objref(),
        format!("pod {} is stuck terminating on {node}", old.name()),
    );
    let Some(kill) = kill else {
        return vec![
            Hypothesis::new(
                70,
                Loop::Compute,
                old.objref(),
                format!("{held}; the kubelet on {node} has not finished killing it"),
            )
            .fix(format!("Find why the kubelet on {node} cannot stop pod {ns}/{} (`kubectl describe pod -n {ns} {}`, the kubelet's log: a volume that will not unmount, a runtime that does not answer, a finalizer). Once its containers are gone, `kubectl delete pod -n {ns} {} --grace-period=0 --force` releases what it holds.", old.name(), old.name(), old.name()))
            .links(scheduler_links(d))
            .link(old_link),
        ];
    };
    let kill_link = Link::from_event(
        Loop::Compute,
        kill,
        format!("the kubelet cannot kill pod {}", old.name()),
    );
    let h = match classify_sandbox(kill.message_text()) {
        SandboxError::CniUnauthorized { plugin } => {
            let daemons = super::super::start::daemon_pods_on(a, node);
            let mut h = super::super::start::cni_unauthorized(a, node, plugin, &daemons);
            h.root.summary = format!("{held}: tearing down its network fails because {}", h.root.summary);
            h
        }
        _ => Hypothesis::new(
            72,
            Loop::Compute,
            day2_model::ObjRef::new("Node", None, node),
            format!("{held}: the kubelet on {node} fails to kill it: {}", day2_model::redact::excerpt(kill.message_text(), 200)),
        )
        .fix(format!("Fix what the kill fails on, on {node} (the kubelet's and the runtime's logs: `journalctl -u kubelet -u containerd`); once the containers are gone, `kubectl delete pod -n {ns} {} --grace-period=0 --force` releases what it holds.", old.name())),
    };
    vec![h.links(scheduler_links(d)).link(old_link).link(kill_link)]
}

/// Deleted longer ago than its grace period and five minutes more, at the
/// time the input shows the cluster.
fn overdue(old: &Pod, reference: Option<jiff::Timestamp>) -> bool {
    let (Some(now), Some(at)) = (reference, old.metadata.deletion_timestamp.as_ref()) else {
        return false;
    };
    let grace = old.metadata.deletion_grace_period_seconds.unwrap_or(30);
    now.duration_since(at.0).as_secs() > grace + 300
}
