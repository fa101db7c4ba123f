//! Lists that analysers of many symptoms read, each computed once per run
//! on first use, so that a reading asked for every pod does not walk the
//! whole cluster each time.

use day2_model::object::DynObject;
use day2_model::pod::Pod;
use day2_model::{Event, Res};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolume};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

#[derive(Default)]
pub(crate) struct Memo<'c> {
    /// Ready pods running Traefik's image: every IngressRoute asks.
    pub(crate) traefik_controllers: OnceLock<Vec<&'c Res<Pod>>>,
    /// Pods whose containers set an HTTP proxy (their env, or a ConfigMap they read).
    pub(crate) proxied: OnceLock<Vec<&'c Res<Pod>>>,
    /// ConfigMaps that carry an HTTP proxy's variables, by namespace and name.
    pub(crate) proxy_maps: OnceLock<FxHashMap<(&'c str, &'c str), &'c Res<ConfigMap>>>,
    /// Warning events of cluster-autoscaler's refused scale-ups.
    pub(crate) scale_up_failures: OnceLock<Vec<&'c Event>>,
    /// Warning events about objects other than pods, volumes and claims
    /// that name a kernel module.
    pub(crate) module_warnings: OnceLock<Vec<&'c Event>>,
    /// A CephCluster that has not come up, with its state and message.
    pub(crate) ceph_down: OnceLock<Option<(&'c Res<DynObject>, &'c str, &'c str)>>,
    /// PersistentVolumes no claim is bound to, by each of their labels.
    pub(crate) unbound_by_label: OnceLock<ByLabel<'c>>,
    /// The agent that writes legacy iptables rules on nodes whose iptables
    /// is nftables: its workload, what is wrong, and the fix.
    pub(crate) legacy_iptables: OnceLock<Option<(day2_model::ObjRef, String, String)>>,
    /// Nodes without a provider ID (or still tainted uninitialised) while
    /// another carries one, with that one's ID.
    pub(crate) unmatched_nodes: OnceLock<Option<(Vec<&'c str>, &'c str)>>,
    /// The last label of every node's name, when they all share one.
    pub(crate) nodes_tld: OnceLock<Option<&'c str>>,
    /// The pod network's VXLAN, when it carries traffic between nodes in
    /// one: every DNS lookup that times out across nodes asks.
    pub(crate) vxlan: OnceLock<Option<Vxlan<'c>>>,
    /// Whether two nodes report another kernel, OS image, container runtime
    /// or kubelet: replicas that fail on some nodes only ask.
    pub(crate) node_versions_differ: OnceLock<bool>,
}

/// A pod network's VXLAN: what it is, its agent's DaemonSet, the device it
/// creates on each node, and how to turn that device's checksum offload off.
pub(crate) struct Vxlan<'c> {
    pub(crate) what: &'static str,
    pub(crate) agent: Option<&'c Res<DaemonSet>>,
    pub(crate) device: &'static str,
    pub(crate) off: &'static str,
}

/// Objects by one of their labels, `(key, value)`.
pub(crate) type ByLabel<'c> = FxHashMap<(&'c str, &'c str), Vec<&'c Res<PersistentVolume>>>;
