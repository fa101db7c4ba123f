//! `JobFailed`: a Job the job controller marked `Failed` (reason
//! `BackoffLimitExceeded`, `DeadlineExceeded`, `PodFailurePolicy`; event
//! `BackoffLimitExceeded`: `pkg/controller/job/job_controller.go`).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use day2_model::Res;
use k8s_openapi::api::batch::v1::Job;

pub fn detect<'c>(a: &Analysis<'c>, job: &'c Res<Job>) -> Option<Detected<'c>> {
    let failed = job
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "Failed" && c.status == "True")?;
    let events = a.cluster.events_for_obj(job);
    let mut d = Detected::new(Kind::JobFailed, job.objref(), Subject::Job(job));
    d.evidence.push(format!(
        "Failed=True ({}): {}",
        failed.reason.as_deref().unwrap_or(""),
        failed.message.as_deref().unwrap_or("")
    ));
    let warnings: Vec<_> = events.iter().copied().filter(|e| e.is_warning()).collect();
    d.evidence.extend(evidence_of(&warnings, 2));
    d.since = failed.last_transition_time.as_ref().map(|t| t.0);
    d.detail = Detail::Message(failed.reason.clone().unwrap_or_default());
    d.events = events;
    Some(d)
}
