//! What detectors and analysers read: the cluster, the rules' findings, the
//! placement evidence, and the results of earlier phases.

mod memo;
pub(crate) use memo::Vxlan;
mod verdicts;

use crate::evidence::{FindingIndex, Hypothesis, Link};
use crate::facts::{PoolStats, References, ZoneLoss};
use crate::kind::Kind;
use crate::model::Resources;
use crate::placement::{
    Capacity, KeptVerdicts, NodeVerdict, NodeVerdicts, PlacementSource, SimulatedPlacement,
};
use day2_model::lazy::lazy;
use day2_model::pod::Pod;
use day2_model::report::RootCause;
use day2_model::selector;
use day2_model::{Cloud, Cluster, ObjRef, Res, Workload};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Endpoints, Node, PodSpec, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

/// A symptom with its best-supported cause and the full chain evidence.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub kind: Kind,
    pub object: ObjRef,
    /// The controller of the symptom's pod, when it has one.
    pub workload: Option<ObjRef>,
    pub since: Option<Timestamp>,
    pub evidence: Vec<String>,
    pub score: u32,
    pub root: RootCause,
    pub fix: String,
    /// Every link: the symptom's own and its cause's, unordered. Pods of one
    /// scheduling signature share the links they have in common.
    pub links: Vec<Arc<Link>>,
    pub missing: Vec<String>,
    pub unexplained: bool,
}

impl Resolved {
    /// The cause of this symptom as a hypothesis for a symptom that depends on it.
    pub fn as_upstream(&self, penalty: u32) -> Hypothesis {
        Hypothesis {
            score: self.score.saturating_sub(penalty),
            root: self.root.clone(),
            links: self.links.iter().map(|l| Link::clone(l)).collect(),
            fix: self.fix.clone(),
            missing: self.missing.clone(),
            unexplained: self.unexplained,
        }
    }
}

pub type Key = (String, String);

/// A pod's verdict on every node, shared; `None` when the source cannot judge.
pub type Verdicts<'c> = Option<Arc<NodeVerdicts<'c>>>;

/// Nodes by the taint (described) that keeps a pod off them.
pub type Untolerated<'c> = BTreeMap<String, Vec<&'c Res<Node>>>;

/// What [`Capacity`] says of one node.
#[derive(Debug, Clone, Copy)]
pub struct NodeCapacity {
    pub free: Option<Resources>,
    pub unrequested: (u32, u32),
}

/// A node, when it was created, its zone and the events of its joining.
pub struct NodeJoin<'c> {
    pub node: &'c Res<Node>,
    pub created: Option<Timestamp>,
    pub zone: Option<&'c str>,
    pub evidence: Vec<String>,
}

/// How long a container must have been healthy, by the input's own clock,
/// before the failures that preceded it are history rather than an incident:
/// longer than a readiness probe's default back-off and the kubelet's
/// five-minute crash back-off cap, so a container that still flaps shows.
pub const RECOVERED_AFTER_SECS: i64 = 30 * 60;

pub struct Analysis<'c> {
    pub cluster: &'c Cluster,
    pub cloud: Cloud,
    pub findings: FindingIndex<'c>,
    exclude: &'c [String],
    external: Option<&'c dyn PlacementSource<'c>>,
    /// Every workload of the cluster (the rules' list, computed once per run).
    all_workloads: &'c [Workload<'c>],
    capacity: OnceLock<Capacity>,
    newest_node: OnceLock<Option<Timestamp>>,
    observed_at: OnceLock<Option<Timestamp>>,
    simulator: OnceLock<SimulatedPlacement<'c>>,
    /// Phase one results by pod (namespace, name), shared with the list of all results.
    pub pods: OnceLock<FxHashMap<Key, Arc<Resolved>>>,
    /// Phase one results by claim (namespace, name).
    pub claims: OnceLock<FxHashMap<Key, Arc<Resolved>>>,
    /// Phase one results by node ("", name).
    pub nodes: OnceLock<FxHashMap<Key, Arc<Resolved>>>,
    /// Phase two results by Service (namespace, name).
    pub services: OnceLock<FxHashMap<Key, Arc<Resolved>>>,
    slices: OnceLock<FxHashMap<Key, Vec<&'c Res<EndpointSlice>>>>,
    /// Ready pods whose arguments name an ingress class or controller.
    ingress_controllers: OnceLock<Vec<&'c Res<Pod>>>,
    /// Lists computed once, on first use ([`memo::Memo`]).
    pub(crate) memo: memo::Memo<'c>,
    endpoints: OnceLock<FxHashMap<Key, &'c Res<Endpoints>>>,
    service_idx: OnceLock<FxHashMap<Key, &'c Res<Service>>>,
    workloads: OnceLock<FxHashMap<String, Vec<Workload<'c>>>>,
    pools: Mutex<FxHashMap<Arc<str>, Arc<PoolStats<'c>>>>,
    /// Per node: its creation, zone and the evidence of its joining.
    joins: OnceLock<Vec<NodeJoin<'c>>>,
    /// Largest allocatable cpu and memory of any node.
    max_alloc: OnceLock<[i64; 2]>,
    /// Per node, in the cluster's order: what [`Capacity`] says of it.
    node_capacity: OnceLock<Vec<NodeCapacity>>,
    /// Nodes by the first taint a set of tolerations does not tolerate, per set met.
    untolerated: Mutex<FxHashMap<String, Arc<Untolerated<'c>>>>,
    /// Nodes a node selection (nodeSelector and required node affinity) admits, per selection met.
    selected: Mutex<FxHashMap<String, Arc<Vec<&'c Res<Node>>>>>,
    /// Verdicts by scheduling signature: replicas of one template are judged once.
    verdict_cache: Mutex<FxHashMap<Arc<str>, Verdicts<'c>>>,
    /// Verdicts an earlier evaluation of the same nodes and pods worked out
    /// ([`crate::Memo`]), and those worked out here, for the next.
    kept: Option<&'c FxHashMap<Arc<str>, Option<Arc<KeptVerdicts>>>>,
    worked_out: Mutex<FxHashMap<Arc<str>, Option<Arc<KeptVerdicts>>>>,
    /// Each node's name and zone, in the cluster's order.
    node_names: OnceLock<Vec<(&'c str, Option<&'c str>)>>,
    /// Some pod has required pod anti-affinity.
    anti_affinity: OnceLock<bool>,
    /// [`Analysis::signature`] per pod (by the pod's address in the cluster):
    /// the analysers of one pod ask for it several times.
    signatures: Mutex<FxHashMap<usize, Option<Arc<str>>>>,
    /// Zones most of whose nodes are lost, with what that takes down.
    zone_losses: OnceLock<FxHashMap<&'c str, ZoneLoss<'c>>>,
    /// The objects pod references point at, by name.
    references: OnceLock<References<'c>>,
    /// Why a provisioner's pods crash-loop, by its workload: every claim
    /// waiting for it asks.
    provisioner_crashes: Mutex<FxHashMap<String, Option<Hypothesis>>>,
    /// Pods named after a volume (`pvc-<uid>-…`), by the volume's name.
    volume_pods: OnceLock<FxHashMap<&'c str, Vec<&'c Res<Pod>>>>,
    /// Pods being deleted, in the cluster's order.
    deleting: OnceLock<Vec<&'c Res<Pod>>>,
    /// The nodes of each node group (by the group's name; `""` for the
    /// nodes in none), found once.
    node_groups: OnceLock<FxHashMap<&'c str, Vec<&'c Res<Node>>>>,
}

impl<'c> Analysis<'c> {
    pub fn new(
        cluster: &'c Cluster,
        cloud: Cloud,
        findings: FindingIndex<'c>,
        exclude: &'c [String],
        external: Option<&'c dyn PlacementSource<'c>>,
        all_workloads: &'c [Workload<'c>],
    ) -> Self {
        Analysis {
            cluster,
            all_workloads,
            cloud,
            findings,
            exclude,
            external,
            capacity: OnceLock::new(),
            newest_node: OnceLock::new(),
            observed_at: OnceLock::new(),
            simulator: OnceLock::new(),
            pods: OnceLock::new(),
            claims: OnceLock::new(),
            services: OnceLock::new(),
            nodes: OnceLock::new(),
            slices: OnceLock::new(),
            ingress_controllers: OnceLock::new(),
            memo: memo::Memo::default(),
            endpoints: OnceLock::new(),
            service_idx: OnceLock::new(),
            verdict_cache: Mutex::new(FxHashMap::default()),
            kept: None,
            worked_out: Mutex::new(FxHashMap::default()),
            node_names: OnceLock::new(),
            anti_affinity: OnceLock::new(),
            signatures: Mutex::new(FxHashMap::default()),
            provisioner_crashes: Mutex::new(FxHashMap::default()),
            workloads: OnceLock::new(),
            pools: Mutex::new(FxHashMap::default()),
            joins: OnceLock::new(),
            max_alloc: OnceLock::new(),
            node_capacity: OnceLock::new(),
            untolerated: Mutex::new(FxHashMap::default()),
            selected: Mutex::new(FxHashMap::default()),
            zone_losses: OnceLock::new(),
            references: OnceLock::new(),
            volume_pods: OnceLock::new(),
            deleting: OnceLock::new(),
            node_groups: OnceLock::new(),
        }
    }

    /// Every pod template of the cluster with its owner.
    pub fn workloads_all(&self) -> &'c [Workload<'c>] {
        self.all_workloads
    }

    /// ConfigMaps, Secrets and ServiceAccounts by (namespace, name), built on first use.
    pub fn references(&self) -> &References<'c> {
        self.references
            .get_or_init(|| References::new(self.cluster))
    }

    /// The ServiceAccount `ns/name`, when the input holds it.
    pub fn service_account(
        &self,
        ns: &str,
        name: &str,
    ) -> Option<&'c day2_model::Res<k8s_openapi::api::core::v1::ServiceAccount>> {
        self.references().service_accounts.get(&(ns, name)).copied()
    }

    /// Zones most of whose nodes are lost while others are healthy
    /// (computed once, by `compute`, on first use).
    pub fn zone_losses(
        &self,
        compute: impl FnOnce() -> FxHashMap<&'c str, ZoneLoss<'c>>,
    ) -> &FxHashMap<&'c str, ZoneLoss<'c>> {
        self.zone_losses.get_or_init(compute)
    }

    /// The pods a storage system runs for one volume and names after it
    /// (`pvc-<uid>-ctrl-…`, `pvc-<uid>-rep-1-…`, `pvc-<uid>-target-…`), by
    /// the volume's name: built once, from the pods whose name begins with
    /// a provisioned volume's `pvc-` and a UID.
    pub fn volume_pods(&self, volume: &str) -> &[&'c Res<Pod>] {
        self.volume_pods
            .get_or_init(|| {
                let mut by: FxHashMap<&'c str, Vec<&'c Res<Pod>>> = FxHashMap::default();
                for p in &self.cluster.pods {
                    let name = p.name();
                    // `pvc-` and a 36-character UID, then `-`.
                    if name.starts_with("pvc-")
                        && name.len() > 41
                        && name.as_bytes()[40] == b'-'
                        && let Some(volume) = name.get(..40)
                    {
                        by.entry(volume).or_default().push(p);
                    }
                }
                by
            })
            .get(volume)
            .map_or(&[], Vec::as_slice)
    }

    /// The nodes of the group `group` names (`None`: the nodes in no group).
    pub fn group_nodes(&self, group: Option<&str>) -> &[&'c Res<Node>] {
        self.node_groups
            .get_or_init(|| {
                let mut by: FxHashMap<&'c str, Vec<&'c Res<Node>>> = FxHashMap::default();
                for n in &self.cluster.nodes {
                    by.entry(crate::model::node_group(n).unwrap_or(""))
                        .or_default()
                        .push(n);
                }
                by
            })
            .get(group.unwrap_or(""))
            .map_or(&[], Vec::as_slice)
    }

    /// The pods being deleted (a deletionTimestamp set), found once.
    pub fn deleting_pods(&self) -> &[&'c Res<Pod>] {
        self.deleting.get_or_init(|| {
            self.cluster
                .pods
                .iter()
                .filter(|p| p.metadata.deletion_timestamp.is_some())
                .collect()
        })
    }

    pub fn included(&self, ns: Option<&str>) -> bool {
        ns.is_none_or(|ns| !self.exclude.iter().any(|n| n == ns))
    }

    /// Free allocatable per node (computed once, on first use).
    pub fn capacity(&self) -> &Capacity {
        lazy(&self.capacity, || Capacity::new(self.cluster))
    }

    /// The resource numbers of the pod's candidate pool, computed once per
    /// scheduling signature.
    pub fn pool_stats(
        &self,
        pod: &'c Res<Pod>,
        compute: impl FnOnce() -> PoolStats<'c>,
    ) -> Arc<PoolStats<'c>> {
        match self.signature(pod) {
            Some(k) => memo(&self.pools, k, || Arc::new(compute())),
            None => Arc::new(compute()),
        }
    }

    /// Every node in order, with its creation, zone and the events of its
    /// joining (computed once: each Pending pod lists the nodes that joined
    /// after it).
    pub fn node_joins(&self) -> &[NodeJoin<'c>] {
        self.joins.get_or_init(|| {
            self.cluster
                .nodes
                .iter()
                .map(|n| NodeJoin {
                    node: n,
                    created: crate::model::creation(&n.metadata),
                    zone: crate::model::node_zone(n),
                    evidence: crate::model::node_events(self.cluster, n)
                        .iter()
                        .filter(|e| {
                            matches!(&*e.reason, "RegisteredNode" | "NodeReady" | "Starting")
                        })
                        .take(2)
                        .map(|e| e.evidence())
                        .collect(),
                })
                .collect()
        })
    }

    /// Per node, in the cluster's order: its free allocatable and its pods
    /// without requests (the [`Capacity`] numbers, looked up once).
    pub fn node_capacity(&self) -> &[NodeCapacity] {
        lazy(&self.node_capacity, || {
            let cap = self.capacity();
            self.cluster
                .nodes
                .iter()
                .map(|n| NodeCapacity {
                    free: cap.free(n.name()),
                    unrequested: cap.unrequested(n.name()),
                })
                .collect()
        })
        .as_slice()
    }

    /// The index in the cluster's nodes of the node verdict `i` is about
    /// ([`Cluster::node`] of its name): verdicts come in the cluster's order,
    /// so with unique names the position, checked by name, says it.
    pub fn verdict_node(&self, i: usize, v: &NodeVerdict<'_>) -> Option<usize> {
        let nodes = &self.cluster.nodes;
        if self.cluster.node_names_unique()
            && nodes
                .get(i)
                .is_some_and(|n| std::ptr::eq(n.name(), &*v.name) || n.name() == &*v.name)
        {
            return Some(i);
        }
        self.cluster.node_index(&v.name)
    }

    /// The largest allocatable `cpu` or `memory` of any node (0 when none says).
    pub fn max_allocatable(&self, res: &str) -> i64 {
        let [cpu, memory] = *lazy(&self.max_alloc, || {
            let cap = self.capacity();
            ["cpu", "memory"].map(|res| {
                self.cluster
                    .nodes
                    .iter()
                    .filter_map(|n| cap.allocatable(n.name()).and_then(|x| x.get(res)))
                    .max()
                    .unwrap_or(0)
            })
        });
        match res {
            "cpu" => cpu,
            "memory" => memory,
            _ => 0,
        }
    }

    /// Nodes with a NoSchedule/NoExecute taint the pod does not tolerate, by
    /// the first such taint (described), computed once per set of tolerations.
    pub fn untolerated(&self, spec: &PodSpec) -> Arc<Untolerated<'c>> {
        memo(&self.untolerated, json(&spec.tolerations), || {
            let mut by_key: Untolerated<'c> = BTreeMap::new();
            for n in &self.cluster.nodes {
                if let Some(t) = crate::model::untolerated_taints(spec, n).first() {
                    by_key
                        .entry(crate::model::describe_taint(t))
                        .or_default()
                        .push(n);
                }
            }
            Arc::new(by_key)
        })
    }

    /// The nodes the pod's nodeSelector and required node affinity admit,
    /// computed once per selection.
    pub fn selected_nodes(&self, spec: &PodSpec) -> Arc<Vec<&'c Res<Node>>> {
        let key = json(&(&spec.node_selector, selector::required_node_affinity(spec)));
        memo(&self.selected, key, || {
            Arc::new(
                self.cluster
                    .nodes
                    .iter()
                    .filter(|n| crate::model::matches_node_selection(spec, n))
                    .collect(),
            )
        })
    }

    /// The creation time of the newest node (none when no node has one).
    pub fn newest_node(&self) -> Option<Timestamp> {
        *self.newest_node.get_or_init(|| {
            self.cluster
                .nodes
                .iter()
                .filter_map(|n| n.metadata.creation_timestamp.as_ref().map(|t| t.0))
                .max()
        })
    }

    /// When the input shows the cluster ([`day2_model::observed::observed_at`]).
    pub fn observed_at(&self) -> Option<Timestamp> {
        *self
            .observed_at
            .get_or_init(|| day2_model::observed::observed_at(self.cluster))
    }

    /// Whether trouble last seen at `last` is history: the input shows the
    /// cluster at least [`RECOVERED_AFTER_SECS`] later. Only asked about objects
    /// that are healthy now (a Ready, running container), so a wrong clock
    /// can hide no trouble that is still there.
    pub fn is_history(&self, last: Timestamp) -> bool {
        self.observed_at().is_some_and(|now| {
            now.as_second().saturating_sub(last.as_second()) >= RECOVERED_AFTER_SECS
        })
    }

    /// The placement evidence in a user's words: the scheduler simulator
    /// built in, or the named source plugged in instead.
    pub fn placement_source(&self) -> Cow<'static, str> {
        match self.external {
            Some(p) => Cow::Owned(format!("the {} placement source", p.name())),
            None => Cow::Borrowed("the scheduler simulator"),
        }
    }

    /// EndpointSlices of a Service (by the `kubernetes.io/service-name` label).
    /// The Ready pods whose container arguments name an ingress class
    /// (`--ingress-class=…`, `…ingressclass=…`) or an IngressClass's
    /// controller (`--controller-class=k8s.io/ingress-nginx`): the candidates
    /// for serving Ingresses, found in one pass over the pods.
    pub fn ingress_controllers(&self) -> &[&'c Res<Pod>] {
        self.ingress_controllers.get_or_init(|| {
            let controllers: Vec<String> = self
                .cluster
                .ingress_classes
                .iter()
                .filter_map(|c| c.spec.as_ref()?.controller.as_deref())
                .map(|c| format!("={c}"))
                .collect();
            let names = |arg: &str| {
                arg.contains("ingress-class=")
                    || arg.contains("ingressclass=")
                    || controllers.iter().any(|c| arg.ends_with(c.as_str()))
            };
            self.cluster
                .pods
                .iter()
                .filter(|p| crate::model::any_arg(p, names))
                .filter(|p| crate::model::is_ready(p))
                .collect()
        })
    }

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
            for w in self.all_workloads {
                m.entry(w.namespace().to_owned()).or_default().push(*w);
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

    /// Why the pods of provisioner workload `key` crash-loop, worked out once.
    pub fn provisioner_crash(
        &self,
        key: String,
        compute: impl FnOnce() -> Option<Hypothesis>,
    ) -> Option<Hypothesis> {
        memo(&self.provisioner_crashes, key, compute)
    }

    pub fn pod_result(&self, ns: &str, name: &str) -> Option<&Resolved> {
        self.pods
            .get()?
            .get(&(ns.to_owned(), name.to_owned()))
            .map(|r| &**r)
    }

    pub fn claim_result(&self, ns: &str, name: &str) -> Option<&Resolved> {
        self.claims
            .get()?
            .get(&(ns.to_owned(), name.to_owned()))
            .map(|r| &**r)
    }

    /// Why the node a pod runs on is not Ready, when it is not: a pod there
    /// cannot be Ready whatever its own state says.
    pub fn node_result_of(&self, pod: &Res<Pod>) -> Option<&Resolved> {
        let node = day2_model::pod::node_name(pod)?;
        self.nodes
            .get()?
            .get(&(String::new(), node.to_owned()))
            .map(|r| &**r)
    }

    pub fn service_result(&self, ns: &str, name: &str) -> Option<&Resolved> {
        self.services
            .get()?
            .get(&(ns.to_owned(), name.to_owned()))
            .map(|r| &**r)
    }
}

/// The value cached under `key`, or `compute`'s, then cached. The lock is
/// not held while computing: two threads may compute the same value once
/// each, and the cache keeps one.
fn memo<K: Hash + Eq, V: Clone>(
    cache: &Mutex<FxHashMap<K, V>>,
    key: K,
    compute: impl FnOnce() -> V,
) -> V {
    if let Ok(known) = cache.lock()
        && let Some(v) = known.get(&key)
    {
        return v.clone();
    }
    let v = compute();
    if let Ok(mut known) = cache.lock() {
        known.insert(key, v.clone());
    }
    v
}

/// JSON of a field, for signatures.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use super::*;
    use day2_model::SourceKind;

    const NODES: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {kubernetes.io/hostname: n1, topology.kubernetes.io/zone: z1}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Node, metadata: {name: n2, labels: {kubernetes.io/hostname: n2, topology.kubernetes.io/zone: z2}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
"#;

    /// A Pending pod `ns/name` labelled `app`, with extra spec fields.
    fn pending(ns: &str, name: &str, app: &str, extra: &str) -> String {
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: {ns}, uid: u-{ns}-{name}, labels: {{app: {app}}}}}, spec: {{{extra}containers: [{{name: c, image: x:1, resources: {{requests: {{cpu: 100m}}}}}}]}}, status: {{phase: Pending}}}}\n"
        )
    }

    fn cluster(pods: &[String], more: &str) -> Cluster {
        let yaml = format!("{NODES}{}{more}", pods.concat());
        let docs = format!(
            "apiVersion: v1\nkind: List\nitems:\n{}",
            yaml.trim_start_matches('\n')
        );
        day2_sources::testing::cluster_from_yaml(&docs, SourceKind::Snapshot).unwrap()
    }

    fn analysis(c: &Cluster) -> Analysis<'_> {
        Analysis::new(c, Cloud::Generic, FindingIndex::new(&[]), &[], None, &[])
    }

    fn pod<'c>(c: &'c Cluster, ns: &str, name: &str) -> &'c Res<Pod> {
        c.pods
            .iter()
            .find(|p| p.namespace() == Some(ns) && p.name() == name)
            .unwrap()
    }

    const SOFT_SPREAD: &str = "topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: APP}}}], ";
    const PREFERRED: &str = "affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 10, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: APP}}}}]}}, ";
    const HARD_SPREAD: &str = "topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: APP}}}], ";

    #[test]
    fn pods_that_differ_only_in_preferences_share_one_verdict() {
        let c = cluster(
            &[
                pending("a", "web", "web", &SOFT_SPREAD.replace("APP", "web")),
                pending("b", "api", "api", &PREFERRED.replace("APP", "api")),
                pending("b", "plain", "plain", ""),
                pending(
                    "a",
                    "strict",
                    "strict",
                    &HARD_SPREAD.replace("APP", "strict"),
                ),
            ],
            "",
        );
        let a = analysis(&c);
        let key = |ns, name| a.signature(pod(&c, ns, name)).unwrap();
        // ScheduleAnyway spread and preferred anti-affinity only score nodes.
        assert_eq!(key("a", "web"), key("b", "plain"));
        assert_eq!(key("b", "api"), key("b", "plain"));
        // A DoNotSchedule constraint filters nodes: its own verdict.
        assert_ne!(key("a", "strict"), key("b", "plain"));
    }

    #[test]
    fn another_pods_anti_affinity_tells_namespaces_apart() {
        // guard (namespace a, on n1) keeps pods labelled app=web of its own
        // namespace off its node; the same pod in namespace b may go there.
        let guard = r#"- {apiVersion: v1, kind: Pod, metadata: {name: guard, namespace: a, uid: u-guard, labels: {app: guard}}, spec: {nodeName: n1, affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}]}}, containers: [{name: c, image: x:1}]}, status: {phase: Running}}
"#;
        let c = cluster(
            &[
                pending("a", "web-1", "web", ""),
                pending("b", "web-2", "web", ""),
            ],
            guard,
        );
        let a = analysis(&c);
        let fits_n1 = |ns, name| {
            let v = a.verdicts(pod(&c, ns, name)).unwrap();
            v.iter().find(|n| n.name == "n1").unwrap().fits
        };
        assert!(!fits_n1("a", "web-1"), "guard's anti-affinity rejects n1");
        assert!(fits_n1("b", "web-2"), "guard's terms only see namespace a");
        assert_ne!(
            a.signature(pod(&c, "a", "web-1")),
            a.signature(pod(&c, "b", "web-2"))
        );
    }
}
