//! The scheduler's view of the cluster: one [`SimNode`] per node with what is
//! already bound to it (requests, pod count, host ports, CSI volumes), built
//! once from the [`Cluster`] and shared by every pod explained against it.

use crate::amounts::{self, Amounts};
use day2_model::pod::Pod;
use day2_model::selector::{Labels, labels_of, required_pod_anti_affinity};
use day2_model::{Cluster, Res, zone_of};
use k8s_openapi::api::core::v1::{Node, PodSpec, Taint};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// `(hostIP, protocol, hostPort)` of a container port that claims a node port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i32,
}

impl HostPort {
    /// Upstream `HostPortInfo.CheckConflict`: same protocol and port, and the
    /// same IP or either side on 0.0.0.0.
    pub fn conflicts(&self, o: &HostPort) -> bool {
        self.port == o.port
            && self.protocol == o.protocol
            && (self.ip == o.ip || self.ip == "0.0.0.0" || o.ip == "0.0.0.0")
    }
}

/// The host ports a pod claims: app containers and restartable init containers.
pub fn host_ports(spec: &PodSpec) -> Vec<HostPort> {
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| day2_model::resources::is_sidecar(c));
    sidecars
        .chain(spec.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            let port = p.host_port.filter(|hp| *hp > 0)?;
            Some(HostPort {
                ip: p
                    .host_ip
                    .clone()
                    .filter(|ip| !ip.is_empty())
                    .unwrap_or_else(|| "0.0.0.0".to_owned()),
                protocol: p
                    .protocol
                    .clone()
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "TCP".to_owned()),
                port,
            })
        })
        .collect()
}

/// One node as the scheduler's cache holds it.
#[derive(Debug, Clone)]
pub struct SimNode {
    pub name: String,
    pub labels: Labels,
    /// The zone label's value (`topology.kubernetes.io/zone` or the beta key), read once.
    pub zone: Option<String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub allocatable: Amounts,
    pub max_pods: i64,
    /// Sum of the requests of the pods bound to the node.
    pub requested: Amounts,
    /// Indexes (into `Cluster::pods`) of the non-terminal pods bound here.
    pub pods: Vec<u32>,
    pub ports: Vec<HostPort>,
    /// `ports` without repeats: what a pod not bound here is checked
    /// against (replicas of one template on a node claim the same port).
    pub distinct_ports: Vec<HostPort>,
    /// CSI attach limits from the node's CSINode (`driver → count`).
    pub volume_limits: Vec<(String, i64)>,
    /// Unique CSI volumes in use on the node (`driver`, `handle`), only
    /// computed for nodes with limits.
    pub csi_volumes: FxHashSet<(String, String)>,
    /// A node added by a what-if (`--add-node`).
    pub hypothetical: bool,
}

impl SimNode {
    pub fn zone(&self) -> Option<&str> {
        self.zone.as_deref()
    }

    /// Free allocatable: allocatable minus what bound pods request.
    pub fn free(&self) -> Amounts {
        let mut f = self.allocatable.clone();
        f.sub(&self.requested);
        f
    }

    pub fn free_pods(&self) -> i64 {
        self.max_pods - self.pods.len() as i64
    }

    fn from_node(node: &Res<Node>) -> SimNode {
        let (allocatable, max_pods) = amounts::node_allocatable(node);
        let spec = node.spec.as_ref();
        SimNode {
            name: node.name().to_owned(),
            labels: node.labels().clone(),
            zone: zone_of(node.labels()).map(str::to_owned),
            taints: spec.and_then(|s| s.taints.clone()).unwrap_or_default(),
            unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
            allocatable,
            max_pods,
            requested: Amounts::default(),
            pods: Vec::new(),
            ports: Vec::new(),
            distinct_ports: Vec::new(),
            volume_limits: Vec::new(),
            csi_volumes: FxHashSet::default(),
            hypothetical: false,
        }
    }
}

pub use day2_model::pod::is_terminal;

/// What a bound, running pod holds on its node.
struct Bound {
    node: usize,
    ports: Vec<HostPort>,
    /// Its required anti-affinity terms, when it has some.
    anti: Option<Vec<crate::terms::AffinityTerm>>,
    claims: Vec<String>,
}

/// The cluster as the scheduler sees it.
pub struct State<'c> {
    pub cluster: &'c Cluster,
    pub nodes: Vec<SimNode>,
    pub node_index: FxHashMap<String, usize>,
    /// Per pod (by `Cluster::pods` index): its requests, computed once.
    pub pod_requests: Vec<Amounts>,
    /// Bound, non-terminal pods with required pod anti-affinity:
    /// `(pod, node, terms)`, the terms built once.
    pub existing_anti: Vec<(u32, u32, Vec<crate::terms::AffinityTerm>)>,
    /// `(namespace, claim)` → bound, non-terminal pods using it.
    pub claim_users: FxHashMap<(String, String), Vec<u32>>,
    pub namespace_labels: FxHashMap<String, Labels>,
    /// Bound, non-terminal pods on known nodes by namespace: `(pod, node)`.
    pub bound_by_ns: FxHashMap<&'c str, Vec<(u32, u32)>>,
    by_name: FxHashMap<&'c str, FxHashMap<&'c str, u32>>,
}

impl<'c> State<'c> {
    pub fn new(cluster: &'c Cluster) -> State<'c> {
        let mut nodes: Vec<SimNode> = cluster.nodes.iter().map(SimNode::from_node).collect();
        let node_index: FxHashMap<String, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        // Requests per pod, and pods by name, are independent of the rest.
        let (pod_requests, by_name) = rayon::join(
            || -> Vec<Amounts> {
                cluster
                    .pods
                    .par_iter()
                    .zip(cluster.pod_requests())
                    .map(|(p, r)| {
                        p.spec
                            .as_ref()
                            .map(|s| amounts::pod_requests_from(s, *r))
                            .unwrap_or_default()
                    })
                    .collect()
            },
            || {
                let mut by_name: FxHashMap<&'c str, FxHashMap<&'c str, u32>> = FxHashMap::default();
                for (i, p) in cluster.pods.iter().enumerate() {
                    by_name
                        .entry(p.ns_or_default())
                        .or_default()
                        .insert(p.name(), i as u32);
                }
                by_name
            },
        );
        let mut existing_anti = Vec::new();
        let mut claim_users: FxHashMap<(String, String), Vec<u32>> = FxHashMap::default();
        let mut bound_by_ns: FxHashMap<&'c str, Vec<(u32, u32)>> = FxHashMap::default();
        // What each bound, running pod holds on its node, read in parallel;
        // then added up in the pods' order.
        let bound: Vec<Option<Bound>> = cluster
            .pods
            .par_iter()
            .map(|p| {
                if is_terminal(p) {
                    return None;
                }
                let spec = p.spec.as_ref()?;
                let &ni = day2_model::pod::node_name(p).and_then(|n| node_index.get(n))?;
                let has_anti = !required_pod_anti_affinity(spec).is_empty();
                Some(Bound {
                    node: ni,
                    ports: host_ports(spec),
                    anti: has_anti.then(|| {
                        crate::terms::required_terms(
                            spec,
                            p.ns_or_default(),
                            labels_of(&p.metadata.labels),
                        )
                        .1
                    }),
                    claims: crate::volumes::claim_names(p),
                })
            })
            .collect();
        for (i, (p, b)) in cluster.pods.iter().zip(bound).enumerate() {
            let Some(b) = b else {
                continue;
            };
            let ni = b.node;
            bound_by_ns
                .entry(p.ns_or_default())
                .or_default()
                .push((i as u32, ni as u32));
            let n = &mut nodes[ni];
            n.requested.add(&pod_requests[i]);
            n.pods.push(i as u32);
            n.ports.extend(b.ports);
            if let Some(terms) = b.anti {
                existing_anti.push((i as u32, ni as u32, terms));
            }
            for claim in b.claims {
                claim_users
                    .entry((p.ns_or_default().to_owned(), claim))
                    .or_default()
                    .push(i as u32);
            }
        }
        for n in nodes.iter_mut().filter(|n| !n.ports.is_empty()) {
            let mut distinct = n.ports.clone();
            distinct.sort_unstable();
            distinct.dedup();
            n.distinct_ports = distinct;
        }
        for csi in &cluster.csi_nodes {
            let Some(&ni) = node_index.get(csi.name()) else {
                continue;
            };
            let limits: Vec<(String, i64)> = csi
                .spec
                .drivers
                .iter()
                .filter_map(|d| {
                    let c = d.allocatable.as_ref()?.count?;
                    Some((d.name.clone(), i64::from(c)))
                })
                .collect();
            nodes[ni].volume_limits = limits;
        }
        let mut state = State {
            bound_by_ns,
            by_name,
            cluster,
            nodes,
            node_index,
            pod_requests,
            existing_anti,
            claim_users,
            namespace_labels: cluster
                .namespaces
                .iter()
                .map(|n| (n.name().to_owned(), n.labels().clone()))
                .collect(),
        };
        state.count_csi_volumes();
        state
    }

    /// CSI volumes in use on nodes that have attach limits: those of the
    /// pods bound there and those of VolumeAttachments to the node.
    fn count_csi_volumes(&mut self) {
        let cluster = self.cluster;
        for n in self
            .nodes
            .iter_mut()
            .filter(|n| !n.volume_limits.is_empty())
        {
            let mut set = FxHashSet::default();
            for &pi in &n.pods {
                let p = &cluster.pods[pi as usize];
                for v in crate::volumes::csi_volumes(cluster, p) {
                    set.insert(v);
                }
            }
            for va in &cluster.volume_attachments {
                if va.spec.node_name != n.name {
                    continue;
                }
                let handle = va
                    .spec
                    .source
                    .persistent_volume_name
                    .as_deref()
                    .and_then(|pv| cluster.pv(pv))
                    .and_then(|pv| pv.spec.as_ref()?.csi.as_ref())
                    .map(|c| c.volume_handle.clone());
                if let Some(h) = handle {
                    set.insert((va.spec.attacher.clone(), h));
                }
            }
            n.csi_volumes = set;
        }
    }

    /// Add a hypothetical node (what-if).
    pub fn add_node(&mut self, node: SimNode) {
        self.node_index.insert(node.name.clone(), self.nodes.len());
        self.nodes.push(node);
    }

    /// The index of the cluster's pod `ns/name`.
    pub fn pod_index(&self, ns: &str, name: &str) -> Option<u32> {
        self.by_name.get(ns)?.get(name).copied()
    }

    pub fn pod(&self, i: u32) -> &'c Res<Pod> {
        &self.cluster.pods[i as usize]
    }

    pub fn ns_labels(&self, ns: &str) -> &Labels {
        static EMPTY: Labels = Labels::new();
        self.namespace_labels.get(ns).unwrap_or(&EMPTY)
    }

    pub fn pod_labels(&self, i: u32) -> &'c Labels {
        labels_of(&self.pod(i).metadata.labels)
    }
}
