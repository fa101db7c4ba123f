//! `HpaLimited`: a HorizontalPodAutoscaler that cannot read or update its
//! target's scale (`AbleToScale=False`, reasons `FailedGetScale`,
//! `FailedUpdateScale`), cannot compute a recommendation
//! (`ScalingActive=False`, events `FailedGetResourceMetric`,
//! `FailedComputeMetricsReplicas`) or is pinned at `maxReplicas`
//! (`ScalingLimited=True`, reason `TooManyReplicas`):
//! `pkg/controller/podautoscaler/horizontal.go`.

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

pub fn detect<'c>(a: &Analysis<'c>, hpa: &'c Res<HorizontalPodAutoscaler>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    let status = hpa.status.as_ref()?;
    let conds = status.conditions.as_deref().unwrap_or(&[]);
    let unable = conds.iter().find(|c| {
        c.type_ == "AbleToScale"
            && c.status == "False"
            && c.reason.as_deref().is_some_and(|r| r.starts_with("Failed"))
    });
    let inactive = conds
        .iter()
        .find(|c| c.type_ == "ScalingActive" && c.status == "False");
    let max = hpa.spec.max_replicas;
    let pinned = conds
        .iter()
        .find(|c| {
            c.type_ == "ScalingLimited"
                && c.status == "True"
                && c.reason.as_deref() == Some("TooManyReplicas")
        })
        .filter(|_| status.current_replicas.unwrap_or(0) >= max);
    let cond = unable.or(inactive).or(pinned)?;
    let events = a.cluster.events_for_obj(hpa);
    let mut d = Detected::new(Kind::HpaLimited, hpa.objref(), Subject::Hpa(hpa));
    d.evidence.push(format!(
        "{}={} ({}): {}; {} of max {} replicas",
        cond.type_,
        cond.status,
        cond.reason.as_deref().unwrap_or(""),
        cond.message.as_deref().unwrap_or(""),
        status.current_replicas.unwrap_or(0),
        max
    ));
    let warnings: Vec<_> = events.iter().copied().filter(|e| e.is_warning()).collect();
    d.evidence.extend(evidence_of(&warnings, 2));
    d.since = cond.last_transition_time.as_ref().map(|t| t.0);
    d.detail = Detail::Message(
        warnings
            .last()
            .map(|e| e.message_text().to_owned())
            .or_else(|| cond.message.clone())
            .unwrap_or_default(),
    );
    d.events = events;
    Some(d)
}
