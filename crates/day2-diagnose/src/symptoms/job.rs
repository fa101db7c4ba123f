//! `JobFailed`: a Job the job controller marked `Failed` (reason
//! `BackoffLimitExceeded`, `DeadlineExceeded`, `PodFailurePolicy`; event
//! `BackoffLimitExceeded`: `pkg/controller/job/job_controller.go`).
//!
//! A failed run of a CronJob that a later run of the same CronJob has
//! since completed is history, not an incident: the CronJob controller
//! keeps `failedJobsHistoryLimit` (default 1) failed Jobs around after the
//! schedule recovered (`pkg/controller/cronjob/cronjob_controllerv2.go`).

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
    if completed_since(a, job, failed.last_transition_time.as_ref().map(|t| t.0)) {
        return None;
    }
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

/// Whether a later run of the CronJob that owns `job` completed after it
/// failed (at `failed_at`): another Job of the same CronJob, started after
/// `job`, with `Complete=True` after `failed_at`.
fn completed_since(a: &Analysis<'_>, job: &Res<Job>, failed_at: Option<jiff::Timestamp>) -> bool {
    let Some(failed_at) = failed_at else {
        return false;
    };
    let cron = |j: &Job| {
        j.metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "CronJob" && o.controller == Some(true))
            .map(|o| o.uid.clone())
    };
    let Some(owner) = cron(job) else {
        return false;
    };
    let started = |j: &Job| {
        j.status
            .as_ref()
            .and_then(|s| s.start_time.as_ref())
            .map(|t| t.0)
    };
    let ns = job.ns_or_default();
    a.cluster.jobs.iter().any(|other| {
        other.ns_or_default() == ns
            && other.name() != job.name()
            && cron(other).as_ref() == Some(&owner)
            && started(other) > started(job)
            && other
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .any(|c| {
                    c.type_ == "Complete"
                        && c.status == "True"
                        && c.last_transition_time
                            .as_ref()
                            .is_some_and(|t| t.0 > failed_at)
                })
    })
}
