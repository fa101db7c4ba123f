//! HorizontalPodAutoscalers by target and the replica bounds they set.

use day2_model::{Cluster, Res, Workload};
use std::collections::HashMap;

/// HPAs by their target (kind, namespace, name).
pub fn hpas_by_target(
    cluster: &Cluster,
) -> HashMap<
    (String, String, String),
    &Res<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>,
> {
    cluster
        .hpas
        .iter()
        .map(|h| {
            let t = &h.spec.scale_target_ref;
            (
                (t.kind.clone(), h.ns_or_default().to_owned(), t.name.clone()),
                h,
            )
        })
        .collect()
}

/// HPAs by their target, as [`hpas_by_target`] builds them.
type ByTarget<'c> = HashMap<
    (String, String, String),
    &'c Res<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>,
>;

/// The HPA that scales `w`, if any.
fn scaler<'c>(
    w: &Workload<'_>,
    hpas: &ByTarget<'c>,
) -> Option<&'c k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerSpec> {
    let key = (
        w.kind.to_owned(),
        w.namespace().to_owned(),
        w.name().to_owned(),
    );
    hpas.get(&key).map(|h| &h.spec)
}

/// Replicas a workload runs with at its low point: the HPA's `minReplicas`
/// (default 1) when an HPA scales it, else `spec.replicas`.
pub fn min_replicas(w: &Workload<'_>, hpas: &ByTarget<'_>) -> Option<i64> {
    match scaler(w, hpas) {
        Some(s) => Some(i64::from(s.min_replicas.unwrap_or(1))),
        None => w.replicas.map(i64::from),
    }
}

/// Replicas a workload may run with at its high point (HPA `maxReplicas`, else `spec.replicas`).
pub fn max_replicas(w: &Workload<'_>, hpas: &ByTarget<'_>) -> Option<i64> {
    match scaler(w, hpas) {
        Some(s) => Some(i64::from(s.max_replicas)),
        None => w.replicas.map(i64::from),
    }
}
