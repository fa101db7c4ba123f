//! What a symptom says of itself, as the first link of its chain, and the
//! answer when no analyser explains it.

use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detected, Kind};

/// The symptom itself as the chain's link.
pub fn symptom_link(d: &Detected<'_>) -> Link {
    let what = match d.kind {
        Kind::PodPending if d.pod().and_then(|p| crate::model::node_name(p)).is_some() => {
            "pod is Pending on its node: its containers have not started".to_owned()
        }
        Kind::PodPending => "pod is Pending: the scheduler cannot place it".to_owned(),
        Kind::ImagePullBackOff | Kind::ErrImagePull => "image cannot be pulled".to_owned(),
        Kind::CrashLoopBackOff => "container crash-loops".to_owned(),
        Kind::OomKilled => "container is OOMKilled".to_owned(),
        Kind::PvcPending => "claim stays Pending".to_owned(),
        Kind::VolumeNodeAffinityConflict => {
            "disk is in another zone than the pod's node".to_owned()
        }
        Kind::MultiAttach => "volume is attached elsewhere (Multi-Attach)".to_owned(),
        Kind::FailedAttachVolume => "volume cannot be attached".to_owned(),
        Kind::FailedMount => "volume cannot be mounted".to_owned(),
        Kind::StatefulSetRolloutStuck => "StatefulSet rollout is stuck".to_owned(),
        Kind::ServiceWithoutReadyEndpoints => "Service has no ready endpoints".to_owned(),
        Kind::IngressBackendMissing => "Ingress routes to a backend that does not exist".to_owned(),
        Kind::IngressBackendUnavailable => {
            "Ingress backend is unavailable: clients get 502/503, or 504 when a policy shuts the controller out".to_owned()
        }
        Kind::NodeNotReady => "node is NotReady".to_owned(),
        Kind::PodCreateFailed => "controller cannot create its pods (FailedCreate)".to_owned(),
        Kind::SandboxCreateFailed => {
            "pod sandbox cannot be created (FailedCreatePodSandBox)".to_owned()
        }
        Kind::CreateContainerConfigError => {
            "container configuration refers to something missing".to_owned()
        }
        Kind::Evicted => "pod was evicted by the kubelet".to_owned(),
        Kind::NodePressure => "node is under resource pressure".to_owned(),
        Kind::LoadBalancerPending => match d.subject {
            crate::symptoms::Subject::Ingress(_) => "the Ingress's load balancer has no address".to_owned(),
            _ => "LoadBalancer Service has no address".to_owned(),
        },
        Kind::JobFailed => "Job failed".to_owned(),
        Kind::HpaLimited => "HorizontalPodAutoscaler cannot scale as asked".to_owned(),
        Kind::ProbeFailing => "a container's probe fails".to_owned(),
        Kind::DrainBlocked => "the cordoned node cannot be drained".to_owned(),
    };
    Link::new(d.kind.loop_(), d.since, d.object.clone(), what)
        .with_evidence(d.evidence.iter().take(3).cloned())
}

/// No analyser could explain the symptom: say so, with what was seen.
pub(super) fn fallback(d: &Detected<'_>) -> Hypothesis {
    Hypothesis::new(
        10,
        d.kind.loop_(),
        d.object.clone(),
        format!(
            "no analyser could explain this {} from the input; see the evidence",
            d.kind.as_str()
        ),
    )
    .fix("Inspect the object with `kubectl describe` and its events; capture a snapshot with events, nodes, claims and volumes (`day2 snapshot`) so the cause can be traced.")
    .missing("evidence pointing to a cause in any loop")
    .unexplained()
}
