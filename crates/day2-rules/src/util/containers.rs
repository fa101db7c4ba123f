//! Containers of a pod spec, their QoS class and effective security context.

use day2_model::security::EffectiveSecurityContext;
use k8s_openapi::api::core::v1::PodSpec;

pub use day2_model::references::{ContainerRef, containers};

/// The image name without registry, tag or digest: `docker.io/library/postgres:16` → `postgres`.
pub fn image_base(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// Whether the pod gets QoS class BestEffort: no CPU or memory request or
/// limit on any container (init containers included) and none at pod level.
pub fn is_best_effort(spec: &PodSpec) -> bool {
    let none = |r: Option<&k8s_openapi::api::core::v1::ResourceRequirements>| {
        r.is_none_or(|r| {
            ["cpu", "memory"].iter().all(|k| {
                r.requests.as_ref().is_none_or(|m| !m.contains_key(*k))
                    && r.limits.as_ref().is_none_or(|m| !m.contains_key(*k))
            })
        })
    };
    none(spec.resources.as_ref())
        && containers(spec)
            .iter()
            .all(|c| none(c.c.resources.as_ref()))
}

/// Windows pods: Linux security-context checks do not apply.
pub fn is_windows(spec: &PodSpec) -> bool {
    spec.os.as_ref().is_some_and(|o| o.name == "windows")
        || spec
            .node_selector
            .as_ref()
            .and_then(|n| n.get("kubernetes.io/os"))
            .is_some_and(|v| v == "windows")
}

/// Every container of a pod spec with its effective security context (the
/// container's settings over the pod's, see [`day2_model::security`]). A
/// Windows pod has none of these Linux settings: none of its containers are
/// listed.
pub fn container_security(spec: &PodSpec) -> Vec<(ContainerRef<'_>, EffectiveSecurityContext<'_>)> {
    if is_windows(spec) {
        return Vec::new();
    }
    containers(spec)
        .into_iter()
        .map(|c| {
            let sc = EffectiveSecurityContext::of(spec, c.c);
            (c, sc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_base_strips_registry_tag_digest() {
        assert_eq!(image_base("postgres"), "postgres");
        assert_eq!(
            image_base("docker.io/library/postgres:16-alpine"),
            "postgres"
        );
        assert_eq!(
            image_base("123.dkr.ecr.us-east-1.amazonaws.com/team/api@sha256:abc"),
            "api"
        );
        assert_eq!(image_base("localhost:5000/redis:7"), "redis");
    }
}
