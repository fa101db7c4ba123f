//! The loop a Secret that is missing, or lacks a key, belongs to: decided by
//! what reads it, not by its kind.
//!
//! - A container that reads it through `env` or `envFrom` cannot be
//!   configured (`CreateContainerConfigError`): the pod's configuration, the
//!   compute loop, like a ConfigMap read the same way.
//! - A volume that mounts it cannot be set up (`MountVolume.SetUp failed`):
//!   the kubelet's volume set-up, the storage loop, unless the Secret is the
//!   serving certificate of an admission webhook the pod serves: then what
//!   is missing is the certificate the API server must trust, the identity
//!   loop.
//!
//! Pull secrets, ServiceAccount tokens and cloud credentials a server
//! refuses are the identity loop's wherever they are read; their analysers
//! say so themselves.

use super::admission;
use crate::analysis::Analysis;
use day2_model::k8s_openapi::api::core::v1::PodSpec;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

/// The loop of a Secret a container reads through `env` or `envFrom`.
pub const ENV: Loop = Loop::Compute;

/// [`ENV`], except for the pods of a CSI driver: what they cannot read is
/// the driver's own configuration (its cloud token, say), and no volume of
/// the driver is served until they run: the storage loop
/// (digitalocean/csi-digitalocean#178).
pub fn env(a: &Analysis<'_>, pod: &Res<Pod>) -> Loop {
    match crate::model::infra_role(a.cluster, pod) {
        Some(r) if r.loop_ == Loop::Storage => Loop::Storage,
        _ => ENV,
    }
}

/// The loop of Secret `secret` that volume `volume` of `pod` mounts.
pub fn volume(a: &Analysis<'_>, pod: &Res<Pod>, volume: &str, secret: &str) -> Loop {
    if serves_webhook(a, pod) {
        return Loop::Identity;
    }
    pod.spec
        .as_deref()
        .map_or(Loop::Storage, |s| in_spec(s, volume, secret))
}

/// [`volume`] from a pod template alone, which no Service selects yet: the
/// names say whether the Secret is a webhook's certificate.
pub fn in_spec(spec: &PodSpec, volume: &str, secret: &str) -> Loop {
    if webhook_certificate(spec, volume, secret) {
        Loop::Identity
    } else {
        Loop::Storage
    }
}

/// A webhook configuration in the input calls a Service that selects `pod`.
fn serves_webhook(a: &Analysis<'_>, pod: &Res<Pod>) -> bool {
    let ns = pod.ns_or_default();
    admission::webhooks(a)
        .filter_map(|(_, h)| admission::webhook_service(h))
        .filter(|(sns, _)| *sns == ns)
        .filter_map(|(_, name)| a.service(ns, name))
        .any(|s| {
            crate::symptoms::service::selected_pods(a, s)
                .iter()
                .any(|p| p.name() == pod.name())
        })
}

/// The Secret, its volume or where a container mounts it is named for a
/// webhook's certificate (controller-runtime serves webhooks from
/// `/tmp/k8s-webhook-server/serving-certs`).
fn webhook_certificate(spec: &PodSpec, volume: &str, secret: &str) -> bool {
    let named = |s: &str| s.to_ascii_lowercase().contains("webhook");
    named(secret)
        || named(volume)
        || spec
            .containers
            .iter()
            .flat_map(|c| c.volume_mounts.iter().flatten())
            .any(|m| m.name == volume && named(&m.mount_path))
}
