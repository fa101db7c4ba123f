//! The symptom kinds of the `day2/v1` contract and the loop each shows in.

use day2_model::Loop;

/// The symptom kinds of the `day2/v1` contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    NodeNotReady,
    PvcPending,
    PodPending,
    VolumeNodeAffinityConflict,
    MultiAttach,
    FailedAttachVolume,
    FailedMount,
    ErrImagePull,
    ImagePullBackOff,
    OomKilled,
    CrashLoopBackOff,
    StatefulSetRolloutStuck,
    ServiceWithoutReadyEndpoints,
    IngressBackendMissing,
    IngressBackendUnavailable,
    // Controllers, pod start-up, evictions and autoscaling.
    PodCreateFailed,
    SandboxCreateFailed,
    CreateContainerConfigError,
    Evicted,
    NodePressure,
    LoadBalancerPending,
    JobFailed,
    HpaLimited,
    /// A container's readiness, liveness or startup probe fails.
    ProbeFailing,
    /// A cordoned node that cannot be drained: a PodDisruptionBudget allows
    /// no eviction of a pod still on it.
    DrainBlocked,
}

impl Kind {
    #[cfg(test)]
    pub const ALL: [Kind; 25] = [
        Kind::NodeNotReady,
        Kind::PvcPending,
        Kind::PodPending,
        Kind::VolumeNodeAffinityConflict,
        Kind::MultiAttach,
        Kind::FailedAttachVolume,
        Kind::FailedMount,
        Kind::ErrImagePull,
        Kind::ImagePullBackOff,
        Kind::OomKilled,
        Kind::CrashLoopBackOff,
        Kind::StatefulSetRolloutStuck,
        Kind::ServiceWithoutReadyEndpoints,
        Kind::IngressBackendMissing,
        Kind::IngressBackendUnavailable,
        Kind::PodCreateFailed,
        Kind::SandboxCreateFailed,
        Kind::CreateContainerConfigError,
        Kind::Evicted,
        Kind::NodePressure,
        Kind::LoadBalancerPending,
        Kind::JobFailed,
        Kind::HpaLimited,
        Kind::ProbeFailing,
        Kind::DrainBlocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NodeNotReady => "NodeNotReady",
            Kind::PvcPending => "PvcPending",
            Kind::PodPending => "PodPending",
            Kind::VolumeNodeAffinityConflict => "VolumeNodeAffinityConflict",
            Kind::MultiAttach => "MultiAttach",
            Kind::FailedAttachVolume => "FailedAttachVolume",
            Kind::FailedMount => "FailedMount",
            Kind::ErrImagePull => "ErrImagePull",
            Kind::ImagePullBackOff => "ImagePullBackOff",
            Kind::OomKilled => "OOMKilled",
            Kind::CrashLoopBackOff => "CrashLoopBackOff",
            Kind::StatefulSetRolloutStuck => "StatefulSetRolloutStuck",
            Kind::ServiceWithoutReadyEndpoints => "ServiceWithoutReadyEndpoints",
            Kind::IngressBackendMissing => "IngressBackendMissing",
            Kind::IngressBackendUnavailable => "IngressBackendUnavailable",
            Kind::PodCreateFailed => "PodCreateFailed",
            Kind::SandboxCreateFailed => "SandboxCreateFailed",
            Kind::CreateContainerConfigError => "CreateContainerConfigError",
            Kind::Evicted => "Evicted",
            Kind::NodePressure => "NodePressure",
            Kind::LoadBalancerPending => "LoadBalancerPending",
            Kind::JobFailed => "JobFailed",
            Kind::HpaLimited => "HpaLimited",
            Kind::ProbeFailing => "ProbeFailing",
            Kind::DrainBlocked => "DrainBlocked",
        }
    }

    /// The loop the symptom is seen in.
    pub fn loop_(self) -> Loop {
        match self {
            Kind::NodeNotReady
            | Kind::PodPending
            | Kind::OomKilled
            | Kind::CrashLoopBackOff
            | Kind::PodCreateFailed
            | Kind::CreateContainerConfigError
            | Kind::Evicted
            | Kind::NodePressure
            | Kind::JobFailed
            | Kind::HpaLimited
            | Kind::ProbeFailing
            | Kind::DrainBlocked => Loop::Compute,
            Kind::SandboxCreateFailed | Kind::LoadBalancerPending => Loop::Network,
            Kind::ErrImagePull | Kind::ImagePullBackOff => Loop::Identity,
            Kind::PvcPending
            | Kind::VolumeNodeAffinityConflict
            | Kind::MultiAttach
            | Kind::FailedAttachVolume
            | Kind::FailedMount
            | Kind::StatefulSetRolloutStuck => Loop::Storage,
            Kind::ServiceWithoutReadyEndpoints
            | Kind::IngressBackendMissing
            | Kind::IngressBackendUnavailable => Loop::Network,
        }
    }
}
