//! A scheduled pod held `Pending` by an init container that runs and never
//! completes (`Init:0/1` in `kubectl get pods`): the kubelet starts the app
//! containers only after every init container exits 0
//! (`pkg/kubelet/kuberuntime/kuberuntime_manager.go`, `computeInitContainerActions`),
//! so the app containers wait with reason `PodInitializing`. No event says
//! so; the init container's start time against the input's clock does. It
//! is reported as `PodPending` (the pod's phase), with the init container
//! in [`Detail::Message`].

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

/// How long an init container may run before the pod counts as held.
const HELD_AFTER_SECONDS: i64 = 10 * 60;

pub fn detect<'c>(
    a: &Analysis<'c>,
    pod: &'c Res<Pod>,
    events: &[&'c Event],
) -> Option<Detected<'c>> {
    if model::phase(pod) != "Pending" || model::node_name(pod).is_none() {
        return None;
    }
    let status = pod.status.as_ref()?;
    let running = status
        .init_container_statuses
        .iter()
        .flatten()
        .find(|s| s.state.as_ref().is_some_and(|st| st.running.is_some()))?;
    let started = running
        .state
        .as_ref()
        .and_then(|st| st.running.as_ref())
        .and_then(|r| r.started_at.as_ref())
        .map(|t| t.0)?;
    let now = a.observed_at()?;
    let held = now.as_second() - started.as_second();
    if held < HELD_AFTER_SECONDS {
        return None;
    }
    let mut d = Detected::new(Kind::PodPending, pod.objref(), Subject::Pod(pod));
    d.since = Some(started);
    d.evidence.push(format!(
        "init container {} has been running for {} minutes without completing; the app containers wait (PodInitializing)",
        running.name,
        held / 60
    ));
    d.events = events.to_vec();
    d.detail = Detail::Message(running.name.clone());
    Some(d)
}
