//! What detectors and analysers read: the cluster, the rules' findings, the
//! placement evidence, and the results of earlier phases.

use crate::analysers::pending::PoolStats;
use crate::evidence::{FindingIndex, Hypothesis, Link};
use crate::placement::{Capacity, NodeVerdict, PlacementSource, SimulatedPlacement};
use crate::symptoms::Kind;
use day2_model::report::RootCause;
use day2_model::{Cloud, Cluster, ObjRef, Res, Workload};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A symptom with its best-supported cause and the full chain evidence.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub kind: Kind,
    pub object: ObjRef,
    pub since: Option<Timestamp>,
    pub evidence: Vec<String>,
    pub score: u32,
    pub root: RootCause,
    pub fix: String,
    /// Every link: the symptom's own and its cause's, unordered.
    pub links: Vec<Link>,
    pub missing: Vec<String>,
}

impl Resolved {
    /// The cause of this symptom as a hypothesis for a symptom that depends on it.
    pub fn as_upstream(&self, penalty: u32) -> Hypothesis {
        Hypothesis {
            score: self.score.saturating_sub(penalty),
            root: self.root.clone(),
            links: self.links.clone(),
            fix: self.fix.clone(),
            missing: self.missing.clone(),
        }
    }
}

pub type Key = (String, String);

pub struct Analysis<'c> {
    pub cluster: &'c Cluster,
    pub cloud: Cloud,
    pub findings: FindingIndex<'c>,
    exclude: &'c [String],
    external: Option<&'c dyn PlacementSource>,
    capacity: OnceLock<Capacity>,
    simulator: OnceLock<SimulatedPlacement<'c>>,
    /// Phase one results by pod (namespace, name).
    pub pods: OnceLock<FxHashMap<Key, Resolved>>,
    /// Phase one results by claim (namespace, name).
    pub claims: OnceLock<FxHashMap<Key, Resolved>>,
    /// Phase two results by Service (namespace, name).
    pub services: OnceLock<FxHashMap<Key, Resolved>>,
    slices: OnceLock<FxHashMap<Key, Vec<&'c Res<EndpointSlice>>>>,
    endpoints: OnceLock<FxHashMap<Key, &'c Res<Endpoints>>>,
    service_idx: OnceLock<FxHashMap<Key, &'c Res<Service>>>,
    workloads: OnceLock<FxHashMap<String, Vec<Workload<'c>>>>,
    pools: Mutex<FxHashMap<String, Arc<PoolStats>>>,
    /// Verdicts by scheduling signature: replicas of one template are judged once.
    verdict_cache: Mutex<FxHashMap<String, Option<Arc<Vec<NodeVerdict>>>>>,
}

impl<'c> Analysis<'c> {
    pub fn new(
        cluster: &'c Cluster,
        cloud: Cloud,
        findings: FindingIndex<'c>,
        exclude: &'c [String],
        external: Option<&'c dyn PlacementSource>,
    ) -> Self {
        Analysis {
            cluster,
            cloud,
            findings,
            exclude,
            external,
            capacity: OnceLock::new(),
            simulator: OnceLock::new(),
            pods: OnceLock::new(),
            claims: OnceLock::new(),
            services: OnceLock::new(),
            slices: OnceLock::new(),
            endpoints: OnceLock::new(),
            service_idx: OnceLock::new(),
            verdict_cache: Mutex::new(FxHashMap::default()),
            workloads: OnceLock::new(),
            pools: Mutex::new(FxHashMap::default()),
        }
    }

    pub fn included(&self, ns: Option<&str>) -> bool {
        ns.is_none_or(|ns| !self.exclude.iter().any(|n| n == ns))
    }

    /// Free allocatable per node (computed once, on first use).
    pub fn capacity(&self) -> &Capacity {
        self.capacity.get_or_init(|| Capacity::new(self.cluster))
    }

    /// Per-node verdicts for a pod, from the plugged-in source or the model.
    /// Pods with the same scheduling constraints (replicas of one template)
    /// share one computation.
    pub fn verdicts(&self, pod: &Res<Pod>) -> Option<Arc<Vec<NodeVerdict>>> {
        let key = signature(pod);
        if let Some(k) = &key
            && let Ok(cache) = self.verdict_cache.lock()
            && let Some(v) = cache.get(k)
        {
            return v.clone();
        }
        let v = match self.external {
            Some(p) => p.explain(pod),
            None => self
                .simulator
                .get_or_init(|| SimulatedPlacement::new(self.cluster))
                .explain(pod),
        }
        .map(Arc::new);
        if let Some(k) = key
            && let Ok(mut cache) = self.verdict_cache.lock()
        {
            cache.insert(k, v.clone());
        }
        v
    }

    /// The resource numbers of the pod's candidate pool, computed once per
    /// scheduling signature.
    pub fn pool_stats(
        &self,
        pod: &Res<Pod>,
        compute: impl FnOnce() -> PoolStats,
    ) -> Arc<PoolStats> {
        let key = signature(pod);
        if let Some(k) = &key
            && let Ok(cache) = self.pools.lock()
            && let Some(v) = cache.get(k)
        {
            return v.clone();
        }
        let v = Arc::new(compute());
        if let Some(k) = key
            && let Ok(mut cache) = self.pools.lock()
        {
            cache.insert(k, v.clone());
        }
        v
    }

    pub fn placement_name(&self) -> &'static str {
        self.external.map_or("model", |p| p.name())
    }

    /// EndpointSlices of a Service (by the `kubernetes.io/service-name` label).
    pub fn slices_of(&self, ns: &str, service: &str) -> &[&'c Res<EndpointSlice>] {
        let idx = self.slices.get_or_init(|| {
            let mut m: FxHashMap<Key, Vec<&'c Res<EndpointSlice>>> = FxHashMap::default();
            for s in &self.cluster.endpoint_slices {
                if let Some(svc) = s.labels().get("kubernetes.io/service-name") {
                    m.entry((s.ns_or_default().to_owned(), svc.clone()))
                        .or_default()
                        .push(s);
                }
            }
            m
        });
        idx.get(&(ns.to_owned(), service.to_owned()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The pod templates of a namespace (with their owners).
    pub fn workloads_in(&self, ns: &str) -> &[Workload<'c>] {
        let idx = self.workloads.get_or_init(|| {
            let mut m: FxHashMap<String, Vec<Workload<'c>>> = FxHashMap::default();
            for w in self.cluster.workloads() {
                m.entry(w.namespace().to_owned()).or_default().push(w);
            }
            m
        });
        idx.get(ns).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A Service by namespace and name.
    pub fn service(&self, ns: &str, name: &str) -> Option<&'c Res<Service>> {
        let idx = self.service_idx.get_or_init(|| {
            self.cluster
                .services
                .iter()
                .map(|e| ((e.ns_or_default().to_owned(), e.name().to_owned()), e))
                .collect()
        });
        idx.get(&(ns.to_owned(), name.to_owned())).copied()
    }

    /// The Endpoints object of a Service.
    pub fn endpoints_of(&self, ns: &str, service: &str) -> Option<&'c Res<Endpoints>> {
        let idx = self.endpoints.get_or_init(|| {
            self.cluster
                .endpoints
                .iter()
                .map(|e| ((e.ns_or_default().to_owned(), e.name().to_owned()), e))
                .collect()
        });
        idx.get(&(ns.to_owned(), service.to_owned())).copied()
    }

    pub fn pod_result(&self, ns: &str, name: &str) -> Option<&Resolved> {
        self.pods.get()?.get(&(ns.to_owned(), name.to_owned()))
    }

    pub fn claim_result(&self, ns: &str, name: &str) -> Option<&Resolved> {
        self.claims.get()?.get(&(ns.to_owned(), name.to_owned()))
    }

    pub fn service_result(&self, ns: &str, name: &str) -> Option<&Resolved> {
        self.services.get()?.get(&(ns.to_owned(), name.to_owned()))
    }
}

/// What the scheduler's filters read of a pod: requests, node selection,
/// tolerations, volumes (namespaced), spread and affinity. `None` when the pod
/// has no spec.
fn signature(pod: &Res<Pod>) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let r = crate::model::pod_requests(spec);
    let claims: Vec<&str> = crate::model::claims(spec).collect();
    Some(format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        if claims.is_empty() {
            ""
        } else {
            pod.ns_or_default()
        },
        claims.join(","),
        r.cpu,
        r.memory,
        json(&spec.node_selector),
        json(&spec.affinity),
        json(&spec.tolerations),
        json(&spec.topology_spread_constraints),
        spec.node_name.as_deref().unwrap_or(""),
    ))
}

/// JSON of a field, for signatures.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
