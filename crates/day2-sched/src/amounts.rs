//! Resource amounts as the scheduler counts them: cpu in millicores, every
//! other resource in whole units (bytes for memory and ephemeral storage).

use day2_model::resources;
use k8s_openapi::api::core::v1::{Node, PodSpec, ResourceRequirements};
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
            if let Some(v) = resources::amount(k, &q.0)
                && v != 0
            {
                a.set(k, v);
            }
        }
        a
    }
}

/// A requirements' requests and limits.
fn lists(r: Option<&ResourceRequirements>) -> impl Iterator<Item = &BTreeMap<String, Quantity>> {
    r.into_iter()
        .flat_map(|r| r.requests.iter().chain(r.limits.iter()))
}

/// Whether the resource has a field of its own in [`Amounts`].
fn is_named(resource: &str) -> bool {
    matches!(resource, "cpu" | "memory" | "ephemeral-storage" | "pods")
}

/// The pod's requests for every resource it names, each as
/// [`resources::pod_request`] counts it (upstream's `PodRequests`): cpu,
/// memory and ephemeral storage, then the extended resources and hugepages
/// of its containers, overhead and pod-level resources.
pub fn pod_requests(spec: &PodSpec) -> Amounts {
    pod_requests_from(
        spec,
        resources::pod_requests(spec, ["cpu", "memory", "ephemeral-storage"]),
    )
}

/// [`pod_requests`], with the pod's cpu, memory and ephemeral-storage
/// requests already worked out ([`day2_model::Cluster::pod_requests`]).
pub fn pod_requests_from(spec: &PodSpec, [cpu, memory, ephemeral_storage]: [i64; 3]) -> Amounts {
    let mut a = Amounts {
        cpu,
        memory,
        ephemeral_storage,
        scalar: Vec::new(),
    };
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| lists(c.resources.as_ref()));
    let pod_level = lists(spec.resources.as_ref());
    let names = containers
        .chain(pod_level)
        .chain(spec.overhead.iter())
        .flat_map(|m| m.keys());
    for k in names {
        if is_named(k)
            || a.scalar
                .binary_search_by(|(n, _)| n.as_str().cmp(k))
                .is_ok()
        {
            continue;
        }
        let v = resources::pod_request(spec, k);
        if v != 0 {
            a.set(k, v);
        }
    }
    a
}

/// A node's allocatable resources and pod slots
/// ([`resources::node_allocatable`]: `status.allocatable`, falling back to
/// `status.capacity`).
pub fn node_allocatable(node: &Node) -> (Amounts, i64) {
    let Some(list) = resources::node_allocatable(node) else {
        return (Amounts::default(), 0);
    };
    let pods = list
        .get("pods")
        .and_then(|q| resources::amount("pods", &q.0))
        .unwrap_or(0);
    (Amounts::from_list(list), pods)
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::pod::Pod;

    fn spec(v: serde_json::Value) -> PodSpec {
        let p: Pod = serde_json::from_value(serde_json::json!({"spec": v})).unwrap_or_default();
        p.spec.map(|s| (*s).clone()).unwrap_or_default()
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

    /// A pod-level limit without a pod-level request: the API server
    /// defaults the request to the containers' aggregate when they ask for
    /// the resource (`defaultPodRequests`), so the containers' 500m counts,
    /// not the 4-cpu limit. Memory, which no container asks for, defaults to
    /// the pod-level limit.
    #[test]
    fn pod_level_limit_defaults_to_the_containers_request() {
        let s = spec(serde_json::json!({
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}}],
            "resources": {"limits": {"cpu": "4", "memory": "1Gi"}}
        }));
        let r = pod_requests(&s);
        assert_eq!((r.cpu, r.memory), (500, 1 << 30));
    }

    /// An explicit pod-level zero is a pod-level request
    /// (`applyPodLevelResources` copies it as set).
    #[test]
    fn explicit_pod_level_zero_counts() {
        let s = spec(serde_json::json!({
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}}],
            "resources": {"requests": {"cpu": "0"}}
        }));
        assert_eq!(pod_requests(&s).cpu, 0);
    }

    /// Extended resources and hugepages, from containers, overhead and
    /// pod-level hugepages; pod-level extended resources are ignored.
    #[test]
    fn extended_resources_and_hugepages() {
        let s = spec(serde_json::json!({
            "containers": [{"name": "a", "resources": {"limits": {"nvidia.com/gpu": "2", "hugepages-2Mi": "4Mi"}}}],
            "initContainers": [{"name": "i", "resources": {"requests": {"example.com/dongle": "1"}}}],
            "resources": {"requests": {"hugepages-2Mi": "8Mi", "nvidia.com/gpu": "5"}},
            "overhead": {"example.com/dongle": "1"}
        }));
        let r = pod_requests(&s);
        assert_eq!(r.get("nvidia.com/gpu"), 2);
        assert_eq!(r.get("hugepages-2Mi"), 8 << 20);
        assert_eq!(r.get("example.com/dongle"), 2);
        assert_eq!(r.scalar.len(), 3);
    }
}
