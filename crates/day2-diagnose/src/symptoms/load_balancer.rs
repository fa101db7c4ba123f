//! `LoadBalancerPending`: a Service of type LoadBalancer without an address
//! in `status.loadBalancer.ingress`. The cloud provider's service controller
//! reports `EnsuringLoadBalancer`, then `EnsuredLoadBalancer` or
//! `SyncLoadBalancerFailed` with the cloud's error
//! (`staging/src/k8s.io/cloud-provider/controllers/service/controller.go`).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::core::v1::Service;

/// A Service of type LoadBalancer.
pub fn is_load_balancer(svc: &Service) -> bool {
    svc.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("LoadBalancer")
}

/// Whether the load balancer has given the Service an address
/// (`status.loadBalancer.ingress`).
pub fn has_address(svc: &Service) -> bool {
    svc.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .is_some_and(|i| !i.is_empty())
}

/// minikube, which gives LoadBalancer Services an address only while its
/// own `minikube tunnel` runs and serves them on their node port meanwhile,
/// by design (its maintainers, kubernetes/minikube#384). kind ships no such
/// part (cloud-provider-kind is installed apart, like MetalLB), so there a
/// Service without an address waits on something nobody installed
/// (istio/istio#40324) and stays a symptom.
fn local_development(c: &day2_model::Cluster) -> bool {
    c.nodes.iter().any(|n| {
        let name = n.name();
        name == "minikube"
            || name == "minikubevm"
            || n.labels().keys().any(|k| k.starts_with("minikube.k8s.io/"))
    })
}

pub fn detect<'c>(a: &Analysis<'c>, svc: &'c Res<Service>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    if !is_load_balancer(svc) || has_address(svc) {
        return None;
    }
    let events = a.cluster.events_for_obj(svc);
    let failed: Vec<_> = events
        .iter()
        .copied()
        .filter(|e| {
            e.reason == "SyncLoadBalancerFailed"
                || (e.is_warning() && e.reason.contains("LoadBalancer"))
        })
        .collect();
    // Nothing failed, on a cluster where waiting is the design.
    if failed.is_empty() && local_development(a.cluster) {
        return None;
    }
    let mut d = Detected::new(
        Kind::LoadBalancerPending,
        svc.objref(),
        Subject::Service(svc),
    );
    d.evidence
        .push("type LoadBalancer, no address in status.loadBalancer.ingress".to_owned());
    d.evidence.extend(evidence_of(&failed, 3));
    d.since = failed
        .first()
        .and_then(|e| e.first.or(e.last))
        .or_else(|| model::creation(&svc.metadata));
    d.detail = Detail::Message(
        failed
            .last()
            .map(|e| e.message_text().to_owned())
            .unwrap_or_default(),
    );
    d.events = events;
    Some(d)
}
