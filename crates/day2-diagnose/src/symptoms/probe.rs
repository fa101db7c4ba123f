//! `ProbeFailing`: a container whose readiness, liveness or startup probe
//! fails, on a pod that is not Ready or restarts.
//!
//! The kubelet's events (kubernetes/kubernetes `pkg/kubelet/prober/prober.go`):
//! `Unhealthy` `Readiness probe failed: ...` (also `Liveness`, `Startup`), and
//! `Killing` `Container <c> failed liveness probe, will be restarted`. Message
//! formats in [`crate::messages::probe`]. A container that crash-loops is
//! reported as `CrashLoopBackOff` and its probes are analysed there.

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::messages::probe::{ProbeKind, parse_killing, parse_unhealthy};
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

/// Whether a running pod may have failing probes: a container not ready or restarted.
pub fn candidate(pod: &Pod) -> bool {
    if model::is_deleting(pod) || model::is_terminal(pod) {
        return false;
    }
    model::container_statuses(pod).any(|s| !completed(s) && (!s.ready || s.restart_count > 0))
}

/// An init container that ran to its end: it has no probe, and its
/// `ready: false` says nothing of the pod.
fn completed(s: &day2_model::pod::ContainerStatus) -> bool {
    s.state
        .as_ref()
        .and_then(|st| st.terminated.as_ref())
        .is_some_and(|t| t.exit_code == 0)
}

/// Whether an event is one of the kubelet's probe events about container `name`.
pub fn is_probe_event(e: &Event, name: &str) -> bool {
    let field = format!("{{{name}}}");
    let mine = e.field_path.as_deref().is_none_or(|f| f.ends_with(&field));
    match &*e.reason {
        "Unhealthy" => mine && parse_unhealthy(e.message_text()).is_some(),
        "Killing" => parse_killing(e.message_text()).is_some_and(|(c, _)| c == name),
        _ => false,
    }
}

pub fn detect<'c>(a: &Analysis<'c>, pod: &'c Res<Pod>, events: &[&'c Event]) -> Vec<Detected<'c>> {
    let mut out = Vec::new();
    if !candidate(pod) {
        return out;
    }
    for cs in model::container_statuses(pod) {
        if (cs.ready && cs.restart_count == 0) || completed(cs) {
            continue;
        }
        let crashing = cs
            .state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"));
        let oom = [
            cs.last_state.as_ref().and_then(|s| s.terminated.as_ref()),
            cs.state.as_ref().and_then(|s| s.terminated.as_ref()),
        ]
        .iter()
        .flatten()
        .any(|t| t.reason.as_deref() == Some("OOMKilled"));
        if crashing || oom {
            // CrashLoopBackOff / OOMKilled carry it, with the same probe analyser.
            continue;
        }
        let mine: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| is_probe_event(e, &cs.name))
            .collect();
        if mine.is_empty() {
            continue;
        }
        if super::recovered(a, pod, cs, &mine) {
            // Failures that stopped long before the input was read, on a
            // container Ready since: a past start-up, not an incident.
            continue;
        }
        // A Ready container that restarted once: only failures of its current
        // run (or the kill that ended the previous one) count, not old events.
        let started = cs
            .state
            .as_ref()
            .and_then(|s| s.running.as_ref())
            .and_then(|r| r.started_at.as_ref())
            .map(|t| t.0);
        if cs.ready
            && let Some(start) = started
            && !mine.iter().any(|e| {
                e.last
                    .or(e.first)
                    .is_some_and(|l| l.as_second() >= start.as_second() - 120)
            })
        {
            continue;
        }
        let only_readiness = mine.iter().all(|e| {
            parse_unhealthy(e.message_text()).is_some_and(|p| p.kind == ProbeKind::Readiness)
        });
        // A Ready container whose readiness failed fewer times than the
        // probe's failureThreshold (3 unless set): the kubelet never took
        // it out of its Services for them.
        let threshold = model::spec_container(pod, &cs.name)
            .and_then(|c| c.readiness_probe.as_ref()?.failure_threshold)
            .unwrap_or(3);
        let failures: u32 = mine.iter().map(|e| e.count.max(1)).sum();
        if cs.ready && only_readiness && i64::from(failures) < i64::from(threshold) {
            continue;
        }
        if only_readiness && cs.restart_count == 0 && standby(a, pod) {
            // A leader-elected controller's standby: only the leader serves.
            continue;
        }
        if only_readiness && cs.restart_count == 0 && behind_empty_service(a, pod) {
            // ServiceWithoutReadyEndpoints carries it, and traces what the readiness waits for.
            continue;
        }
        let mut d = Detected::new(Kind::ProbeFailing, pod.objref(), Subject::Pod(pod));
        d.since = mine
            .iter()
            .filter_map(|e| e.first)
            .min()
            .or_else(|| model::creation(&pod.metadata));
        d.evidence = evidence_of(&mine, 3);
        d.evidence.push(format!(
            "container {} ready: {}, {} restart(s)",
            cs.name, cs.ready, cs.restart_count
        ));
        d.events = mine;
        d.detail = Detail::Probe {
            container: cs.name.clone(),
        };
        out.push(d);
    }
    out
}

/// Whether the pod is a standby of a leader-elected controller: a Lease of
/// its namespace is held by a Ready pod of the same workload (client-go's
/// `holderIdentity` is the pod's name, or its name and a suffix), and only
/// the leader serves what the readiness probe asks (argoproj/argo-workflows#8441:
/// the metrics endpoint of the non-leaders refuses connections by design).
fn standby(a: &Analysis<'_>, pod: &Res<Pod>) -> bool {
    let ns = pod.ns_or_default();
    let Some(owner) = a.cluster.owner_of(pod) else {
        return false;
    };
    let siblings = a
        .cluster
        .pods_of(&owner.kind, &owner.namespace, &owner.name);
    a.cluster
        .other
        .iter()
        .filter(|o| o.kind == "Lease" && o.ns_or_default() == ns)
        .filter_map(|l| l.data.get("spec")?.get("holderIdentity")?.as_str())
        .any(|holder| {
            !holder.starts_with(pod.name())
                && siblings.iter().any(|s| {
                    s.name() != pod.name() && holder.starts_with(s.name()) && model::is_ready(s)
                })
        })
}

/// Whether a Service selecting the pod has no ready endpoint at all.
fn behind_empty_service(a: &Analysis<'_>, pod: &Res<Pod>) -> bool {
    a.cluster
        .services
        .iter()
        .filter(|s| s.ns_or_default() == pod.ns_or_default())
        .any(|svc| {
            let pods = super::service::selected_pods(a, svc);
            pods.iter().any(|p| p.name() == pod.name())
                && super::service::endpoint_state(a, svc, &pods).ready == 0
        })
}
