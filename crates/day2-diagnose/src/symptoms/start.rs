//! Pods scheduled to a node that cannot start them: `SandboxCreateFailed`
//! (the runtime cannot create the pod sandbox, mostly its network: event
//! `FailedCreatePodSandBox` from `pkg/kubelet/kuberuntime/kuberuntime_manager.go`)
//! and `CreateContainerConfigError` (a container's configuration refers to
//! something missing: the waiting reason set in
//! `pkg/kubelet/kuberuntime/kuberuntime_container.go`; its sibling
//! `CreateContainerError`, the runtime refusing to create the container, a
//! mount source missing on the node, is read under the same kind). Message formats in
//! [`crate::messages::runtime`].

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

pub fn detect<'c>(_a: &Analysis<'c>, pod: &'c Res<Pod>, events: &[&'c Event]) -> Vec<Detected<'c>> {
    let mut out = Vec::new();
    if model::node_name(pod).is_none() {
        return out;
    }
    // A container waiting on its configuration.
    if let Some(s) = model::container_statuses(pod).find(|s| {
        s.state
            .as_ref()
            .and_then(|st| st.waiting.as_ref())
            .is_some_and(|w| {
                matches!(
                    w.reason.as_deref(),
                    Some("CreateContainerConfigError" | "CreateContainerError")
                )
            })
    }) {
        let failed: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| e.reason == "Failed" && e.is_warning())
            .collect();
        let waiting = s
            .state
            .as_ref()
            .and_then(|st| st.waiting.as_ref())
            .and_then(|w| w.message.clone())
            .filter(|m| !m.is_empty());
        let message = waiting
            .clone()
            .or_else(|| failed.last().map(|e| e.message_text().to_owned()))
            .unwrap_or_default();
        let mut d = Detected::new(
            Kind::CreateContainerConfigError,
            pod.objref(),
            Subject::Pod(pod),
        );
        let reason = s
            .state
            .as_ref()
            .and_then(|st| st.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .unwrap_or("CreateContainerConfigError");
        d.evidence.push(format!(
            "container {} waits: {reason}{}",
            s.name,
            waiting.map(|m| format!(": {m}")).unwrap_or_default()
        ));
        d.evidence.extend(evidence_of(&failed, 2));
        d.since = failed
            .first()
            .and_then(|e| e.first.or(e.last))
            .or_else(|| model::creation(&pod.metadata));
        d.events = events.to_vec();
        d.detail = Detail::Message(message);
        out.push(d);
    }
    // The sandbox cannot be created, and no container has started since.
    // (Kubelets before 1.8 reported it as `FailedSync`: `failed to
    // "SetupNetwork" for "<pod>" with SetupNetworkError: …` before 1.6,
    // `failed to "CreatePodSandbox" for "<pod>" with CreatePodSandboxError:
    // …` from 1.6, the pod worker's `Error syncing pod, skipping: …`.)
    let sandbox: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| sandbox_failure(e))
        .collect();
    let started = model::container_statuses(pod).any(|s| {
        s.state.as_ref().is_some_and(|st| st.running.is_some())
            || s.last_state
                .as_ref()
                .is_some_and(|st| st.terminated.is_some())
    });
    // Every container still waits to be created: a first start (phase
    // Pending), or a sandbox made again (the phase stays Running).
    let creating = {
        let mut all = model::container_statuses(pod).peekable();
        all.peek().is_some()
            && all.all(|s| {
                s.state
                    .as_ref()
                    .and_then(|st| st.waiting.as_ref())
                    .is_some_and(|w| w.reason.as_deref() == Some("ContainerCreating"))
            })
    };
    // The node came back (a reboot, a runtime restart) and no container is
    // running: the kubelet makes a new sandbox first, and it fails after
    // the containers last stopped (the phase may still say Running).
    let restarting = sandbox.last().is_some_and(|last| {
        let mut none_running = true;
        let mut stopped = None;
        for s in model::container_statuses(pod) {
            let st = s.state.as_ref();
            none_running &= st.is_none_or(|st| st.running.is_none());
            let finished = st
                .and_then(|st| st.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref())
                .map(|t| t.0);
            stopped = stopped.max(finished);
        }
        none_running
            && model::phase(pod) != "Succeeded"
            && model::phase(pod) != "Failed"
            && stopped.is_some_and(|at| last.last.or(last.first).is_some_and(|e| e >= at))
    });
    if let Some(last) = sandbox.last()
        && ((!started && model::phase(pod) == "Pending") || creating || restarting)
    {
        let mut d = Detected::new(Kind::SandboxCreateFailed, pod.objref(), Subject::Pod(pod));
        d.evidence = evidence_of(&sandbox, 3);
        d.since = sandbox.first().and_then(|e| e.first.or(e.last));
        d.events = events.to_vec();
        d.detail = Detail::Message(last.message_text().to_owned());
        out.push(d);
    }
    out
}

/// A kubelet event saying a pod's sandbox could not be made:
/// `FailedCreatePodSandBox`, or the `FailedSync` of kubelets before 1.8
/// (`SetupNetworkError` before 1.6, `CreatePodSandboxError` from 1.6).
pub(crate) fn sandbox_failure(e: &Event) -> bool {
    e.reason == "FailedCreatePodSandBox"
        || (e.reason == "FailedSync"
            && (e.message_text().contains("SetupNetworkError")
                || e.message_text().contains("CreatePodSandboxError")))
}
