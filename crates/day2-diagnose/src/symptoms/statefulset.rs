//! `StatefulSetRolloutStuck`: a StatefulSet whose pods do not all become ready,
//! or whose rollout does not progress.
//!
//! There is no dedicated event (kubernetes/kubernetes
//! `pkg/controller/statefulset`): the signals are `status.readyReplicas <
//! spec.replicas`, `status.currentRevision != status.updateRevision` with
//! `updatedReplicas < replicas`, and a missing or unready pod. With
//! `podManagementPolicy: OrderedReady` the lowest unready ordinal blocks the rest.

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use crate::model;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::apps::v1::StatefulSet;

pub fn detect<'c>(a: &Analysis<'c>, sts: &'c Res<StatefulSet>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    let status = sts.status.as_ref()?;
    let want = sts.spec.replicas.unwrap_or(1);
    if want == 0 {
        return None;
    }
    let ready = status.ready_replicas.unwrap_or(0);
    let rolling = status.update_revision.is_some()
        && status.current_revision != status.update_revision
        && status.updated_replicas.unwrap_or(0) < want;
    if ready >= want && !rolling {
        return None;
    }
    let pods = a
        .cluster
        .pods_of("StatefulSet", sts.ns_or_default(), sts.name());
    let unready: Vec<_> = pods
        .iter()
        .filter(|p| !model::is_ready(p))
        .copied()
        .collect();
    if unready.is_empty() && pods.len() as i32 >= want {
        return None;
    }
    let mut d = Detected::new(
        Kind::StatefulSetRolloutStuck,
        sts.objref(),
        Subject::StatefulSet(sts),
    );
    d.evidence.push(format!(
        "{ready}/{want} ready, {} updated; currentRevision {}, updateRevision {}; podManagementPolicy {}",
        status.updated_replicas.unwrap_or(0),
        status.current_revision.as_deref().unwrap_or("?"),
        status.update_revision.as_deref().unwrap_or("?"),
        sts.spec.pod_management_policy.as_deref().unwrap_or("OrderedReady"),
    ));
    d.since = super::service::unready_since(a, &unready).or_else(|| model::creation(&sts.metadata));
    d.events = a.cluster.events_for_obj(sts);
    d.detail = Detail::None;
    Some(d)
}
