//! Resource amounts as the scheduler counts them: cpu in millicores, every
//! other resource in whole units (bytes for memory and ephemeral storage).

use day2_model::quantity;
use k8s_openapi::api::core::v1::{Container, Node, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// cpu (millicores), memory and ephemeral storage (bytes), and extended
/// resources (`nvidia.com/gpu`, `hugepages-2Mi`, …) by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amounts {
    pub cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    /// Sorted by name; zero entries are dropped.
    pub scalar: Vec<(String, i64)>,
}

impl Amounts {
    /// The amount of one resource by its Kubernetes name.
    pub fn get(&self, resource: &str) -> i64 {
        match resource {
            "cpu" => self.cpu,
            "memory" => self.memory,
            "ephemeral-storage" => self.ephemeral_storage,
            _ => self
                .scalar
                .binary_search_by(|(k, _)| k.as_str().cmp(resource))
                .map(|i| self.scalar[i].1)
                .unwrap_or(0),
        }
    }

    pub fn set(&mut self, resource: &str, v: i64) {
        match resource {
            "cpu" => self.cpu = v,
            "memory" => self.memory = v,
            "ephemeral-storage" => self.ephemeral_storage = v,
            _ => match self
                .scalar
                .binary_search_by(|(k, _)| k.as_str().cmp(resource))
            {
                Ok(i) => self.scalar[i].1 = v,
                Err(i) => self.scalar.insert(i, (resource.to_owned(), v)),
            },
        }
    }

    pub fn add(&mut self, o: &Amounts) {
        self.cpu += o.cpu;
        self.memory += o.memory;
        self.ephemeral_storage += o.ephemeral_storage;
        for (k, v) in &o.scalar {
            let cur = self.get(k);
            self.set(k, cur + v);
        }
    }

    pub fn sub(&mut self, o: &Amounts) {
        self.cpu -= o.cpu;
        self.memory -= o.memory;
        self.ephemeral_storage -= o.ephemeral_storage;
        for (k, v) in &o.scalar {
            let cur = self.get(k);
            self.set(k, cur - v);
        }
    }

    fn max_with(&mut self, o: &Amounts) {
        self.cpu = self.cpu.max(o.cpu);
        self.memory = self.memory.max(o.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(o.ephemeral_storage);
        for (k, v) in &o.scalar {
            let cur = self.get(k);
            self.set(k, cur.max(*v));
        }
    }

    /// Every resource with a non-zero amount, cpu, memory and storage first.
    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        [
            ("cpu", self.cpu),
            ("memory", self.memory),
            ("ephemeral-storage", self.ephemeral_storage),
        ]
        .into_iter()
        .chain(self.scalar.iter().map(|(k, v)| (k.as_str(), *v)))
        .filter(|(_, v)| *v != 0)
    }

    /// From a `ResourceList`; entries that do not parse are skipped.
    pub fn from_list(list: &BTreeMap<String, Quantity>) -> Amounts {
        let mut a = Amounts::default();
        for (k, q) in list {
            if k == "pods" {
                continue;
            }
            if let Some(v) = parse(k, &q.0)
                && v != 0
            {
                a.set(k, v);
            }
        }
        a
    }
}

/// A quantity in the scheduler's unit for the resource.
pub fn parse(resource: &str, value: &str) -> Option<i64> {
    let m = quantity::parse(value)?;
    let v = if resource == "cpu" {
        m.millis()
    } else {
        m.value()
    };
    i64::try_from(v).ok()
}

/// `500m`, `2`, `1.5Gi`, `3` — the amount in the resource's own notation.
pub fn format(resource: &str, v: i64) -> String {
    match resource {
        "cpu" => quantity::format_cpu(v),
        "memory" | "ephemeral-storage" => quantity::format_bytes(v),
        r if r.starts_with("hugepages-") => quantity::format_bytes(v),
        _ => v.to_string(),
    }
}

/// Requests with the API server's defaulting: a limit without a request
/// counts as the request (manifests are read before defaulting); an
/// explicit zero request stays zero.
fn defaulted(r: &ResourceRequirements) -> Amounts {
    let mut a = r
        .limits
        .as_ref()
        .map(Amounts::from_list)
        .unwrap_or_default();
    for (k, q) in r.requests.iter().flatten() {
        if k != "pods"
            && let Some(v) = parse(k, &q.0)
        {
            a.set(k, v);
        }
    }
    a.scalar.retain(|(_, v)| *v != 0);
    a
}

fn container_requests(c: &Container) -> Amounts {
    c.resources.as_ref().map(defaulted).unwrap_or_default()
}

/// The pod's requests as `resourcehelper.PodRequests` computes them:
/// app containers plus restartable (sidecar) init containers, at least the
/// peak of the init sequence; pod-level cpu/memory requests replace the
/// containers' sum; then the RuntimeClass overhead.
pub fn pod_requests(spec: &PodSpec) -> Amounts {
    let mut reqs = Amounts::default();
    for c in &spec.containers {
        reqs.add(&container_requests(c));
    }
    let mut sidecars = Amounts::default();
    let mut init_peak = Amounts::default();
    for c in spec.init_containers.iter().flatten() {
        let r = container_requests(c);
        if c.restart_policy.as_deref() == Some("Always") {
            reqs.add(&r);
            sidecars.add(&r);
            init_peak.max_with(&sidecars);
        } else {
            let mut use_ = r;
            use_.add(&sidecars);
            init_peak.max_with(&use_);
        }
    }
    reqs.max_with(&init_peak);
    if let Some(r) = spec.resources.as_ref() {
        // Pod-level requests, defaulted from pod-level limits.
        let pod_level = defaulted(r);
        for res in ["cpu", "memory"] {
            let v = pod_level.get(res);
            if v > 0 {
                reqs.set(res, v);
            }
        }
        for (k, v) in pod_level.scalar {
            if k.starts_with("hugepages-") {
                reqs.set(&k, v);
            }
        }
    }
    if let Some(o) = &spec.overhead {
        reqs.add(&Amounts::from_list(o));
    }
    reqs.scalar.retain(|(_, v)| *v != 0);
    reqs
}

/// A node's allocatable resources and pod slots (`status.allocatable`,
/// falling back to `status.capacity`).
pub fn node_allocatable(node: &Node) -> (Amounts, i64) {
    let Some(status) = node.status.as_ref() else {
        return (Amounts::default(), 0);
    };
    let list = status.allocatable.as_ref().or(status.capacity.as_ref());
    let Some(list) = list else {
        return (Amounts::default(), 0);
    };
    let pods = list
        .get("pods")
        .and_then(|q| parse("pods", &q.0))
        .unwrap_or(0);
    (Amounts::from_list(list), pods)
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::pod::Pod;

    fn spec(v: serde_json::Value) -> PodSpec {
        let p: Pod = serde_json::from_value(serde_json::json!({"spec": v})).unwrap_or_default();
        p.spec.unwrap_or_default()
    }

    #[test]
    fn init_containers_sidecars_overhead_and_pod_level() {
        let s = spec(serde_json::json!({
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                {"name": "b", "resources": {"limits": {"cpu": "250m", "nvidia.com/gpu": "1"}}}
            ],
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                {"name": "migrate", "resources": {"requests": {"cpu": "2", "memory": "512Mi"}}}
            ],
            "overhead": {"cpu": "50m"}
        }));
        let r = pod_requests(&s);
        // max(500+250+100, 2000+100) + 50
        assert_eq!(r.cpu, 2150);
        assert_eq!(r.memory, 1 << 30);
        assert_eq!(r.get("nvidia.com/gpu"), 1);

        let s = spec(serde_json::json!({
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}],
            "resources": {"requests": {"cpu": "3"}}
        }));
        let r = pod_requests(&s);
        assert_eq!((r.cpu, r.memory), (3000, 1 << 30));
    }

    #[test]
    fn explicit_zero_request_is_not_defaulted_from_limit() {
        let s = spec(
            serde_json::json!({"containers": [{"name": "a", "resources": {
            "requests": {"cpu": "0"}, "limits": {"cpu": "2"}}}]}),
        );
        assert_eq!(pod_requests(&s).cpu, 0);
    }
}
