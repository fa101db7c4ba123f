//! What a pod requests and what a node offers, counted as Kubernetes counts
//! them. The rules, the diagnosis and the scheduler simulator all read
//! requests and allocatable here, so they cannot disagree.
//!
//! Amounts are `i64` in the unit the scheduler compares: millicores for
//! `cpu`, whole units (bytes for memory, storage and hugepages) for every
//! other resource.
//!
//! Manifests are read before the API server has defaulted them, so the
//! defaulting that changes a pod's requests is applied here as upstream
//! applies it (`pkg/apis/core/v1/defaults.go`): a container's limit without a
//! request is its request (`SetDefaults_Pod`); pod-level requests are
//! defaulted from the containers' requests or from pod-level limits
//! (`defaultPodRequests`, `defaultHugePagePodLimits`); a node without
//! `status.allocatable` offers its capacity (`SetDefaults_NodeStatus`).
//!
//! Requests and allocatable are read from the spec and status in place,
//! without allocating.

use crate::quantity;
use k8s_openapi::api::core::v1::{Container, Node, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// A Kubernetes `ResourceList` as k8s-openapi decodes it.
pub type ResourceList = BTreeMap<String, Quantity>;

/// A quantity in the scheduler's unit for the resource: millicores for `cpu`
/// (upstream's `Quantity.MilliValue()`), else whole units rounded up
/// (`Quantity.Value()`), as the scheduler's `framework.Resource` reads a
/// `ResourceList`. `None` when the quantity does not parse or overflows.
pub fn amount(resource: &str, value: &str) -> Option<i64> {
    let m = quantity::parse(value)?;
    let v = if resource == "cpu" {
        m.millis()
    } else {
        m.value()
    };
    i64::try_from(v).ok()
}

/// `500m`, `2`, `1.5Gi`, `3`: an amount in the resource's own notation.
pub fn format_amount(resource: &str, v: i64) -> String {
    match resource {
        "cpu" => quantity::format_cpu(v),
        "memory" | "ephemeral-storage" => quantity::format_bytes(v),
        r if r.starts_with("hugepages-") => quantity::format_bytes(v),
        _ => v.to_string(),
    }
}

fn list_amount(list: Option<&ResourceList>, resource: &str) -> Option<i64> {
    amount(resource, &list?.get(resource)?.0)
}

/// Whether the resource may be set at pod level (`spec.resources`): cpu,
/// memory and hugepages. Mirrors upstream's
/// `component-helpers/resource.IsSupportedPodLevelResource`.
pub fn is_pod_level_resource(resource: &str) -> bool {
    matches!(resource, "cpu" | "memory") || resource.starts_with("hugepages-")
}

/// Whether requests may be below limits for the resource (everything but
/// hugepages among the pod-level resources). Mirrors
/// `pkg/apis/core/v1/helper.IsOvercommitAllowed` for the resources that can be
/// set at pod level.
fn overcommit_allowed(resource: &str) -> bool {
    !resource.starts_with("hugepages-")
}

/// A restartable init container (`restartPolicy: Always`), a sidecar.
/// Mirrors upstream's `isRestartableInitContainer`.
pub fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// A request after the API server's defaulting: the request as written
/// (an explicit zero stays zero), else the limit.
fn defaulted_request(r: &ResourceRequirements, resource: &str) -> Option<i64> {
    let q = r
        .requests
        .as_ref()
        .and_then(|m| m.get(resource))
        .or_else(|| r.limits.as_ref().and_then(|m| m.get(resource)))?;
    amount(resource, &q.0)
}

/// A container's request for the resource as the API server stores it: the
/// request as written, else the limit (`SetDefaults_Pod` in
/// `pkg/apis/core/v1/defaults.go` copies a limit without a request into the
/// requests). An explicit zero request stays zero.
pub fn container_request(c: &Container, resource: &str) -> Option<i64> {
    defaulted_request(c.resources.as_ref()?, resource)
}

/// A container's request as written in the manifest, without defaulting.
pub fn container_explicit_request(c: &Container, resource: &str) -> Option<i64> {
    list_amount(c.resources.as_ref()?.requests.as_ref(), resource)
}

/// A container's limit for the resource.
pub fn container_limit(c: &Container, resource: &str) -> Option<i64> {
    list_amount(c.resources.as_ref()?.limits.as_ref(), resource)
}

/// The pod-level limit (`spec.resources.limits`) for the resource, as written.
pub fn pod_level_limit(spec: &PodSpec, resource: &str) -> Option<i64> {
    list_amount(spec.resources.as_ref()?.limits.as_ref(), resource)
}

/// Whether any container, init containers included, has a request or a
/// limit for the resource: after defaulting, whether upstream's
/// `AggregateContainerRequests` holds the resource at all.
fn containers_declare(spec: &PodSpec, resource: &str) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter_map(|c| c.resources.as_ref())
        .any(|r| {
            r.requests
                .as_ref()
                .is_some_and(|m| m.contains_key(resource))
                || r.limits.as_ref().is_some_and(|m| m.contains_key(resource))
        })
}

/// The containers' request for one resource: app containers plus
/// restartable init containers (sidecars), at least the peak of the init
/// sequence, where each init container runs beside the sidecars started
/// before it. Requests are defaulted from limits ([`container_request`]); no
/// overhead and no pod-level resources. Mirrors upstream's
/// `component-helpers/resource.AggregateContainerRequests` (the sidecar
/// formula of KEP-753) for one resource.
pub fn aggregate_container_request(spec: &PodSpec, resource: &str) -> i64 {
    let [v] = aggregate_container_requests(spec, [resource]);
    v
}

/// [`aggregate_container_request`] for several resources in one pass over
/// the containers.
pub fn aggregate_container_requests<const N: usize>(
    spec: &PodSpec,
    resources: [&str; N],
) -> [i64; N] {
    let request = |c: &Container| {
        let r = c.resources.as_ref();
        resources.map(|res| r.and_then(|r| defaulted_request(r, res)).unwrap_or(0))
    };
    let mut sum = [0i64; N];
    for c in &spec.containers {
        let r = request(c);
        for i in 0..N {
            sum[i] += r[i];
        }
    }
    let (mut sidecars, mut init_peak) = ([0i64; N], [0i64; N]);
    for c in spec.init_containers.iter().flatten() {
        let r = request(c);
        let sidecar = is_sidecar(c);
        for i in 0..N {
            if sidecar {
                sum[i] += r[i];
                sidecars[i] += r[i];
                init_peak[i] = init_peak[i].max(sidecars[i]);
            } else {
                init_peak[i] = init_peak[i].max(r[i] + sidecars[i]);
            }
        }
    }
    for i in 0..N {
        sum[i] = sum[i].max(init_peak[i]);
    }
    sum
}

/// The pod-level request (`spec.resources.requests`) for the resource after
/// the API server's defaulting, `None` when the pod has none for it.
///
/// Mirrors `defaultPodRequests` (and, for hugepages, `defaultHugePagePodLimits`)
/// in `pkg/apis/core/v1/defaults.go`: a pod-level request as written wins;
/// defaulting runs only when pod-level limits are set; then a cpu or memory
/// request defaults to the containers' aggregate request when any container
/// asks for the resource, else to the pod-level limit; a hugepages request
/// defaults to the pod-level limit, itself defaulted from the containers'
/// hugepages limits (which validation makes equal to their requests).
/// Only cpu, memory and hugepages are pod-level resources.
pub fn pod_level_request(spec: &PodSpec, resource: &str) -> Option<i64> {
    if !is_pod_level_resource(resource) {
        return None;
    }
    let r = spec.resources.as_ref()?;
    if let Some(q) = r.requests.as_ref().and_then(|m| m.get(resource)) {
        return amount(resource, &q.0);
    }
    let limits = r.limits.as_ref().filter(|m| !m.is_empty());
    if overcommit_allowed(resource) {
        // defaultPodRequests runs only with pod-level limits; the hugepages
        // limit defaulting may have added one.
        let limits_set = limits.is_some() || hugepages_limit_defaulted(spec, r);
        if !limits_set {
            return None;
        }
        if containers_declare(spec, resource) {
            return Some(aggregate_container_request(spec, resource));
        }
        return list_amount(limits, resource);
    }
    // Hugepages: the pod-level limit, as written or defaulted from the
    // containers' limits when the pod has pod-level resources at all.
    if let Some(q) = limits.and_then(|m| m.get(resource)) {
        return amount(resource, &q.0);
    }
    let any_pod_level = limits.is_some() || r.requests.as_ref().is_some_and(|m| !m.is_empty());
    let from_containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .any(|c| container_limit(c, resource).is_some());
    (any_pod_level && from_containers).then(|| aggregate_container_request(spec, resource))
}

/// Whether `defaultHugePagePodLimits` gives a pod without pod-level limits
/// one: pod-level requests are set and some container has a hugepages limit
/// that the pod-level requests do not name.
fn hugepages_limit_defaulted(spec: &PodSpec, r: &ResourceRequirements) -> bool {
    let Some(requests) = r.requests.as_ref().filter(|m| !m.is_empty()) else {
        return false;
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter_map(|c| c.resources.as_ref()?.limits.as_ref())
        .flat_map(|m| m.keys())
        .any(|k| k.starts_with("hugepages-") && !requests.contains_key(k))
}

/// The pod's overhead (`spec.overhead`, set from its RuntimeClass) for the
/// resource.
pub fn pod_overhead(spec: &PodSpec, resource: &str) -> i64 {
    list_amount(spec.overhead.as_ref(), resource).unwrap_or(0)
}

/// The pod's request for one resource as the scheduler and the kubelet count
/// it: the pod-level request when the pod has one for the resource
/// ([`pod_level_request`]), else the containers' aggregate
/// ([`aggregate_container_request`]); plus the pod overhead. Mirrors
/// upstream's `k8s.io/component-helpers/resource.PodRequests` (Kubernetes
/// 1.32+, PodLevelResources enabled, default options) on a pod the API
/// server has defaulted. `0` when nothing asks for the resource.
pub fn pod_request(spec: &PodSpec, resource: &str) -> i64 {
    let [v] = pod_requests(spec, [resource]);
    v
}

/// [`pod_request`] for several resources, reading the containers once.
pub fn pod_requests<const N: usize>(spec: &PodSpec, resources: [&str; N]) -> [i64; N] {
    let mut out = aggregate_container_requests(spec, resources);
    for (v, res) in out.iter_mut().zip(resources) {
        if spec.resources.is_some()
            && let Some(p) = pod_level_request(spec, res)
        {
            *v = p;
        }
        *v += pod_overhead(spec, res);
    }
    out
}

/// What a node offers the scheduler: `status.allocatable`, or
/// `status.capacity` when the node reports no allocatable (the API server's
/// `SetDefaults_NodeStatus` copies the whole capacity in that case). `None`
/// when the node reports neither.
pub fn node_allocatable(node: &Node) -> Option<&ResourceList> {
    let st = node.status.as_ref()?;
    st.allocatable.as_ref().or(st.capacity.as_ref())
}

/// One resource of [`node_allocatable`] (`pods` is the node's pod slots),
/// in the scheduler's unit ([`amount`]).
pub fn node_allocatable_amount(node: &Node, resource: &str) -> Option<i64> {
    list_amount(node_allocatable(node), resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: serde_json::Value) -> PodSpec {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn sidecars_init_peak_and_overhead() {
        let s = spec(serde_json::json!({
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                {"name": "b", "resources": {"limits": {"cpu": "250m"}}}
            ],
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                {"name": "migrate", "resources": {"requests": {"cpu": "2", "memory": "512Mi"}}}
            ],
            "overhead": {"cpu": "50m"}
        }));
        assert_eq!(pod_request(&s, "cpu"), 2150);
        assert_eq!(pod_request(&s, "memory"), 1 << 30);
        assert_eq!(pod_request(&s, "nvidia.com/gpu"), 0);
    }

    #[test]
    fn pod_level_requests_win_and_overhead_is_added() {
        let s = spec(serde_json::json!({
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}],
            "resources": {"requests": {"cpu": "3"}},
            "overhead": {"cpu": "100m"}
        }));
        assert_eq!(pod_request(&s, "cpu"), 3100);
        assert_eq!(pod_request(&s, "memory"), 1 << 30);
    }

    /// A pod-level limit without a pod-level request defaults the request to
    /// the containers' aggregate when they ask for the resource
    /// (`defaultPodRequests`), not to the limit.
    #[test]
    fn pod_level_limit_defaults_the_request_to_the_containers_first() {
        let s = spec(serde_json::json!({
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}}],
            "resources": {"limits": {"cpu": "4", "memory": "2Gi"}}
        }));
        assert_eq!(pod_level_request(&s, "cpu"), Some(500));
        assert_eq!(pod_request(&s, "cpu"), 500);
        // No container asks for memory: the pod-level limit is the request.
        assert_eq!(pod_request(&s, "memory"), 2 << 30);
        // Extended resources are never pod-level.
        assert_eq!(pod_level_request(&s, "nvidia.com/gpu"), None);
    }

    #[test]
    fn explicit_zero_request_is_not_defaulted_from_the_limit() {
        let s = spec(
            serde_json::json!({"containers": [{"name": "a", "resources": {
            "requests": {"cpu": "0"}, "limits": {"cpu": "2"}}}]}),
        );
        assert_eq!(pod_request(&s, "cpu"), 0);
    }

    #[test]
    fn allocatable_falls_back_to_capacity_as_a_whole() {
        let n: Node = serde_json::from_value(serde_json::json!({"status": {
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}))
        .unwrap_or_default();
        assert_eq!(node_allocatable_amount(&n, "cpu"), Some(4000));
        assert_eq!(node_allocatable_amount(&n, "pods"), Some(110));
        // Allocatable set: capacity is not read, even for a missing key.
        let n: Node = serde_json::from_value(serde_json::json!({"status": {
            "allocatable": {"cpu": "3500m"}, "capacity": {"cpu": "4", "memory": "8Gi"}}}))
        .unwrap_or_default();
        assert_eq!(node_allocatable_amount(&n, "cpu"), Some(3500));
        assert_eq!(node_allocatable_amount(&n, "memory"), None);
        assert_eq!(node_allocatable(&Node::default()), None);
    }
}
