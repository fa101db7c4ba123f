//! Helpers rules share: containers of a pod spec, resources, images.

use day2_model::quantity;
use k8s_openapi::api::core::v1::{Container, PodSpec};

/// A container of a pod spec with its JSON pointer (relative to the pod spec).
pub struct ContainerRef<'a> {
    pub c: &'a Container,
    pub pointer: String,
    /// An init container that is not a restartable sidecar.
    pub init: bool,
    /// A restartable init container (`restartPolicy: Always`).
    pub sidecar: bool,
}

/// Every container of a pod spec: init containers (and sidecars) first, then app containers.
pub fn containers(spec: &PodSpec) -> Vec<ContainerRef<'_>> {
    let mut out = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let sidecar = c.restart_policy.as_deref() == Some("Always");
        out.push(ContainerRef {
            c,
            pointer: format!("/initContainers/{i}"),
            init: !sidecar,
            sidecar,
        });
    }
    for (i, c) in spec.containers.iter().enumerate() {
        out.push(ContainerRef {
            c,
            pointer: format!("/containers/{i}"),
            init: false,
            sidecar: false,
        });
    }
    out
}

/// A container's request for a resource (`cpu` millicores or `memory` bytes).
/// A limit without a request counts as the request, as the API server defaults it.
pub fn request(c: &Container, resource: &str) -> Option<i64> {
    let r = c.resources.as_ref()?;
    let q = r
        .requests
        .as_ref()
        .and_then(|m| m.get(resource))
        .or_else(|| r.limits.as_ref().and_then(|m| m.get(resource)))?;
    parse_resource(resource, &q.0)
}

pub fn limit(c: &Container, resource: &str) -> Option<i64> {
    let q = c.resources.as_ref()?.limits.as_ref()?.get(resource)?;
    parse_resource(resource, &q.0)
}

pub fn parse_resource(resource: &str, value: &str) -> Option<i64> {
    if resource == "cpu" {
        quantity::cpu_millis(value)
    } else {
        quantity::bytes(value)
    }
}

/// Pod-level resources (`spec.resources`), which cover every container.
pub fn pod_level_request(spec: &PodSpec, resource: &str) -> Option<i64> {
    let r = spec.resources.as_ref()?;
    let q = r
        .requests
        .as_ref()
        .and_then(|m| m.get(resource))
        .or_else(|| r.limits.as_ref().and_then(|m| m.get(resource)))?;
    parse_resource(resource, &q.0)
}

/// The image name without registry, tag or digest: `docker.io/library/postgres:16` → `postgres`.
pub fn image_base(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// Whether a pod spec mounts, projects or reads (env/envFrom) the Secret `name`.
pub fn uses_secret(spec: &PodSpec, name: &str) -> bool {
    let in_volumes = spec.volumes.iter().flatten().any(|v| {
        v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) == Some(name)
            || v.projected.as_ref().is_some_and(|p| {
                p.sources
                    .iter()
                    .flatten()
                    .any(|s| s.secret.as_ref().is_some_and(|s| s.name == name))
            })
    });
    in_volumes
        || containers(spec).iter().any(|c| {
            c.c.env_from
                .iter()
                .flatten()
                .any(|e| e.secret_ref.as_ref().is_some_and(|s| s.name == name))
                || c.c.env.iter().flatten().any(|e| {
                    e.value_from
                        .as_ref()
                        .and_then(|v| v.secret_key_ref.as_ref())
                        .is_some_and(|s| s.name == name)
                })
        })
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
