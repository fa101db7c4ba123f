//! `LoadBalancerPending` on an Ingress: an Ingress of a class whose
//! controller builds a cloud load balancer for it (the AWS Load Balancer
//! Controller's `alb`, GKE's `gce` and `gce-internal`, Azure's Application
//! Gateway) has no address in `status.loadBalancer.ingress`. Those
//! controllers write the load balancer's name there once it exists, so an
//! Ingress without one has nothing in front of it. Judged when the
//! controller reports a Warning on the Ingress, or ten minutes after the
//! Ingress was created.

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use day2_model::{Pod, Res, SourceKind};
use k8s_openapi::api::networking::v1::Ingress;

/// Seconds an Ingress may wait for its load balancer before that counts.
const PROVISIONING_SECS: i64 = 600;

/// The IngressClass controllers and legacy class names of the controllers
/// that provision a cloud load balancer per Ingress.
const CONTROLLERS: [&str; 3] = [
    "ingress.k8s.aws/alb",
    "networking.gke.io/ingress-gce",
    "azure/application-gateway",
];
const CLASSES: [&str; 4] = ["alb", "gce", "gce-internal", "azure/application-gateway"];

/// Whether the Ingress's class is served by a controller that provisions
/// a load balancer for it.
pub fn provisioned<'c>(a: &Analysis<'c>, ing: &'c Ingress) -> Option<&'c str> {
    // On GKE an Ingress without a class (and no default IngressClass) is
    // GKE's own controller's: it builds a load balancer for it.
    let Some(class) = super::ingress::class_name(a, ing) else {
        return (a.cloud == day2_model::Cloud::Gcp).then_some("gce");
    };
    let controller = a
        .cluster
        .ingress_classes
        .iter()
        .find(|c| c.name() == class)
        .and_then(|c| c.spec.as_ref())
        .and_then(|s| s.controller.as_deref());
    (CLASSES.contains(&class) || controller.is_some_and(|c| CONTROLLERS.contains(&c)))
        .then_some(class)
}

/// The arguments with which an in-cluster controller writes an address on
/// every Ingress it serves: ingress-nginx's `--publish-service` and
/// `--publish-status-address`, Traefik's
/// `providers.kubernetesingress.ingressendpoint.*`.
fn publishes(arg: &str) -> bool {
    let l = arg.to_ascii_lowercase();
    l.contains("--publish-service=")
        || l.contains("--publish-status-address=")
        || l.contains("ingressendpoint.publishedservice=")
        || l.contains("ingressendpoint.ip=")
        || l.contains("ingressendpoint.hostname=")
}

/// The Ingress's class and the Ready pod of its in-cluster controller, when
/// that controller is told to publish an address on the Ingresses it serves.
pub fn published<'c>(a: &Analysis<'c>, ing: &'c Ingress) -> Option<(&'c str, &'c Res<Pod>)> {
    let class = super::ingress::class_name(a, ing)?;
    let pod = super::ingress::controller_pods(a, class)
        .into_iter()
        .find(|p| crate::model::any_arg(p, publishes))?;
    Some((class, pod))
}

pub fn detect<'c>(a: &Analysis<'c>, ing: &'c Res<Ingress>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    if super::ingress::has_address(ing) {
        return None;
    }
    let (class, what) = match provisioned(a, ing) {
        Some(class) => (
            class,
            "whose controller builds a load balancer per Ingress".to_owned(),
        ),
        None => {
            let (class, pod) = published(a, ing)?;
            (
                class,
                format!(
                    "whose controller ({}/{}) writes its published address on every Ingress it serves",
                    pod.ns_or_default(),
                    pod.name()
                ),
            )
        }
    };
    let events = a.cluster.events_for_obj(ing);
    let warnings: Vec<_> = events.iter().copied().filter(|e| e.is_warning()).collect();
    let created = crate::model::creation(&ing.metadata);
    let waited = created
        .zip(a.observed_at())
        .is_some_and(|(c, now)| now.as_second() - c.as_second() >= PROVISIONING_SECS);
    if warnings.is_empty() && !waited {
        return None;
    }
    let mut d = Detected::new(
        Kind::LoadBalancerPending,
        ing.objref(),
        Subject::Ingress(ing),
    );
    d.evidence.push(format!(
        "class {class}, {what}; no address in status.loadBalancer.ingress"
    ));
    d.evidence.extend(evidence_of(&warnings, 3));
    d.since = warnings
        .first()
        .and_then(|e| e.first.or(e.last))
        .or(created);
    d.detail = Detail::Message(
        warnings
            .last()
            .map(|e| e.message_text().to_owned())
            .unwrap_or_default(),
    );
    d.events = events;
    Some(d)
}
