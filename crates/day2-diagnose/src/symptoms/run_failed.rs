//! `JobFailed` on a pod no Job owns: a run-to-completion pod
//! (`restartPolicy: Never`) that ended `Failed` with a container's non-zero
//! exit. Batch work that is not a Job runs this way: the driver pod of a
//! SparkApplication, a workflow's step, a bare pod a script started. A
//! Job's pods are read through the Job, an evicted pod through its
//! eviction; a failed run its owner has since run again to success (or is
//! running again) is history.

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::Res;
use day2_model::pod::Pod;

pub fn detect<'c>(a: &Analysis<'c>, pod: &'c Res<Pod>) -> Option<Detected<'c>> {
    let status = pod.status.as_ref()?;
    if model::phase(pod) != "Failed" || status.reason.is_some() || model::is_deleting(pod) {
        return None;
    }
    if pod.spec.as_ref()?.restart_policy.as_deref() != Some("Never") {
        return None;
    }
    let owners = pod.metadata.owner_references.as_deref().unwrap_or_default();
    if owners.iter().any(|o| o.kind == "Job") {
        return None;
    }
    let (cs, t) = model::container_statuses(pod).find_map(|cs| {
        let t = cs.state.as_ref()?.terminated.as_ref()?;
        (t.exit_code != 0).then_some((cs, t))
    })?;
    let finished = t.finished_at.as_ref().map(|f| f.0);
    // A later pod of the same owner that succeeded or runs: history.
    if let Some(owner) = owners.first() {
        let again = a.cluster.pods_in_namespace(pod.ns_or_default()).any(|p| {
            p.name() != pod.name()
                && p.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.uid == owner.uid)
                && model::creation(&p.metadata) > model::creation(&pod.metadata)
                && matches!(model::phase(p), "Succeeded" | "Running")
        });
        if again {
            return None;
        }
    }
    let events = a.cluster.events_for_obj(pod);
    let mut d = Detected::new(Kind::JobFailed, pod.objref(), Subject::Pod(pod));
    d.evidence.push(format!(
        "pod Failed (restartPolicy Never): container {} terminated: reason {}, exit code {}",
        cs.name,
        t.reason.as_deref().unwrap_or("?"),
        t.exit_code
    ));
    let warnings: Vec<_> = events.iter().copied().filter(|e| e.is_warning()).collect();
    d.evidence.extend(evidence_of(&warnings, 2));
    d.since = finished.or_else(|| model::creation(&pod.metadata));
    d.detail = Detail::Crash {
        container: cs.name.clone(),
        exit_code: Some(t.exit_code),
        reason: t.reason.clone(),
        restarts: cs.restart_count,
        finished,
    };
    d.events = events;
    Some(d)
}
