//! Facts about the cluster that [`Analysis`](crate::analysis::Analysis)
//! computes once per run and the analysers share: the shapes only, so the
//! analysis does not depend on the analysers that fill them.

use day2_model::secret::SecretInfo;
use day2_model::{Cluster, ObjRef, Res};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{ConfigMap, Container, Node, ServiceAccount};
use rustc_hash::{FxHashMap, FxHashSet};

/// The nodes a pod could use were it not for resources, and their numbers.
pub struct PoolStats<'c> {
    pub pool_ref: ObjRef,
    /// Pods on the pool's nodes without a cpu / memory request.
    pub neighbours: (u32, u32),
    pub res: Vec<ResStats<'c>>,
}

pub struct ResStats<'c> {
    pub res: &'static str,
    /// Largest allocatable of any node.
    pub max_alloc: i64,
    /// Largest allocatable of the nodes the pod may run on by their fixed
    /// traits: not cordoned, its node selection, taints it tolerates.
    pub pool_max_alloc: Option<i64>,
    /// Free amount per pool node.
    pub frees: Vec<(&'c str, i64)>,
    pub sum: i64,
    pub max_free: i64,
    /// Some pool node has less free than the pod requests.
    pub short: bool,
}

/// A zone most of whose nodes are lost while another zone has Ready nodes.
pub struct ZoneLoss<'c> {
    pub zone: &'c str,
    /// The lost nodes, by name.
    pub lost: Vec<&'c Res<Node>>,
    pub total: usize,
    pub healthy_zones: Vec<&'c str>,
    /// When the first and the last of them went.
    pub span: Option<(Timestamp, Timestamp)>,
    pub pods: usize,
    /// Workloads whose every running pod was on the lost nodes.
    pub stranded: Vec<ObjRef>,
    /// Claims of pods on the lost nodes whose volume is in the zone.
    pub zonal_claims: Vec<String>,
    pub attached: usize,
    /// Workloads on the lost nodes with a `DoNotSchedule` zone spread.
    pub spread: Vec<ObjRef>,
}

type ByName<'c, T> = FxHashMap<(&'c str, &'c str), &'c Res<T>>;

/// The objects references point at, by (namespace, name), built once.
pub struct References<'c> {
    pub config_maps: ByName<'c, ConfigMap>,
    pub secrets: ByName<'c, SecretInfo>,
    pub service_accounts: ByName<'c, ServiceAccount>,
    /// Namespaces the input holds any object of each kind in: a reference is
    /// only "to nothing" where the input shows that kind was captured.
    pub held: FxHashSet<(&'static str, &'c str)>,
    /// The input's log entries by pod (namespace, name), in input order:
    /// every crash of a pod asks for them.
    pub logs: FxHashMap<(&'c str, &'c str), Vec<&'c day2_model::PodLog>>,
}

/// One environment variable of a container, with the value the input holds
/// for it.
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// The ConfigMap the value comes from (`configMapKeyRef`, `envFrom`).
    pub config_map: Option<String>,
}

impl<'c> References<'c> {
    /// The environment variables of container `c` of a pod in `ns` whose
    /// value the input holds: literal `value`s and `configMapKeyRef`s in
    /// `env` order, then the keys of each `envFrom` ConfigMap (with its
    /// prefix). A ConfigMap the input lacks gives nothing.
    pub fn env(&self, ns: &str, c: &Container) -> Vec<EnvVar> {
        let data = |name: &str| {
            self.config_maps
                .get(&(ns, name))
                .and_then(|cm| cm.data.as_ref())
        };
        let mut out = Vec::new();
        for e in c.env.iter().flatten() {
            if let Some(v) = &e.value {
                out.push(EnvVar {
                    name: e.name.clone(),
                    value: v.clone(),
                    config_map: None,
                });
            } else if let Some(r) = e
                .value_from
                .as_ref()
                .and_then(|f| f.config_map_key_ref.as_ref())
                && let Some(v) = data(&r.name).and_then(|d| d.get(&r.key))
            {
                out.push(EnvVar {
                    name: e.name.clone(),
                    value: v.clone(),
                    config_map: Some(r.name.clone()),
                });
            }
        }
        for ef in c.env_from.iter().flatten() {
            let Some(r) = &ef.config_map_ref else {
                continue;
            };
            let prefix = ef.prefix.as_deref().unwrap_or_default();
            for (k, v) in data(&r.name).into_iter().flatten() {
                out.push(EnvVar {
                    name: format!("{prefix}{k}"),
                    value: v.clone(),
                    config_map: Some(r.name.clone()),
                });
            }
        }
        out
    }

    pub fn new(c: &'c Cluster) -> References<'c> {
        let mut held = FxHashSet::default();
        held.extend(
            c.config_maps
                .iter()
                .map(|r| ("ConfigMap", r.ns_or_default())),
        );
        held.extend(c.secrets.iter().map(|r| ("Secret", r.ns_or_default())));
        held.extend(
            c.service_accounts
                .iter()
                .map(|r| ("ServiceAccount", r.ns_or_default())),
        );
        held.extend(
            c.pvcs
                .iter()
                .map(|r| ("PersistentVolumeClaim", r.ns_or_default())),
        );
        let mut logs: FxHashMap<_, Vec<_>> = FxHashMap::default();
        for l in &c.logs {
            logs.entry((l.namespace.as_str(), l.pod.as_str()))
                .or_default()
                .push(l);
        }
        References {
            held,
            logs,
            config_maps: c
                .config_maps
                .iter()
                .map(|r| ((r.ns_or_default(), r.name()), r))
                .collect(),
            secrets: c
                .secrets
                .iter()
                .map(|r| ((r.ns_or_default(), r.name()), r))
                .collect(),
            service_accounts: c
                .service_accounts
                .iter()
                .map(|r| ((r.ns_or_default(), r.name()), r))
                .collect(),
        }
    }
}
