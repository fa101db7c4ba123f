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
    // KEDA scales its HPA's target between zero and one itself; its HPA
    // says ScalingDisabled while the target rests at zero, by design.
    if unable.is_none()
        && pinned.is_none()
        && cond.reason.as_deref() == Some("ScalingDisabled")
        && keda_managed(hpa)
    {
        return None;
    }
    if unable.is_none() && inactive.is_some() && first_samples_pending(a, cond) {
        return None;
    }
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

/// An HPA KEDA made for a ScaledObject: owned by it, or labelled so by the
/// operator (`scaledobject.keda.sh/name`, `app.kubernetes.io/managed-by:
/// keda-operator`).
pub fn keda_managed(hpa: &HorizontalPodAutoscaler) -> bool {
    let m = &hpa.metadata;
    m.owner_references
        .iter()
        .flatten()
        .any(|o| o.kind == "ScaledObject")
        || m.labels.as_ref().is_some_and(|l| {
            l.contains_key("scaledobject.keda.sh/name")
                || l.get("app.kubernetes.io/managed-by").map(String::as_str)
                    == Some("keda-operator")
        })
}

/// How long the resource metrics pipeline may take to have a sample of a
/// new pod: metrics-server scrapes every 60 s by default, and OpenShift's
/// pipeline about five minutes (knative/serving#11562).
const FIRST_SAMPLES: i64 = 300;

/// An HPA that has not had its first samples yet: its `ScalingActive` went
/// False for want of metrics (`no metrics returned from resource metrics
/// API`, `did not receive metrics for any ready pods`) less than
/// [`FIRST_SAMPLES`] before the snapshot, while the metrics API itself is
/// not reported unavailable. `kubectl get hpa` shows `<unknown>` for those
/// minutes on every healthy cluster.
fn first_samples_pending(
    a: &Analysis<'_>,
    cond: &k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerCondition,
) -> bool {
    let msg = cond.message.as_deref().unwrap_or("");
    let waiting = msg.contains("no metrics returned from resource metrics API")
        || msg.contains("did not receive metrics for any ready pods");
    let api_down = metrics_api(a).is_some_and(|o| {
        o.conditions().any(|c| {
            c.get("type").and_then(serde_json::Value::as_str) == Some("Available")
                && c.get("status").and_then(serde_json::Value::as_str) == Some("False")
        })
    });
    let since = cond.last_transition_time.as_ref().map(|t| t.0);
    let young = match (since, a.observed_at()) {
        (Some(s), Some(now)) => now.as_second() - s.as_second() < FIRST_SAMPLES,
        _ => false,
    };
    waiting && young && !api_down
}

/// The resource metrics API's registration (`APIService
/// v1beta1.metrics.k8s.io`), when the input holds it.
pub fn metrics_api<'c>(a: &Analysis<'c>) -> Option<&'c Res<day2_model::object::DynObject>> {
    a.cluster
        .other
        .iter()
        .find(|o| o.obj.kind == "APIService" && o.name() == "v1beta1.metrics.k8s.io")
}
