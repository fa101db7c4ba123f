//! The context an analysis reads.

use crate::config::Config;
use crate::index::{ServiceIndex, WorkloadIndex};
use day2_model::{Cloud, Cluster, Workload};

/// What an analysis reads: the cluster, the configuration, the cloud it
/// runs on, and the workload and Service indexes, each built once on first
/// use and shared by every rule and the diagnosis.
pub struct Context<'a> {
    pub cluster: &'a Cluster,
    pub cloud: Cloud,
    pub config: &'a Config,
    /// Workloads in included namespaces, computed once for every rule.
    workloads: std::sync::OnceLock<Vec<Workload<'a>>>,
    all_workloads: std::sync::OnceLock<Vec<Workload<'a>>>,
    /// The included workloads by namespace and pod label, and the Services
    /// selecting each: built once, shared by every rule that matches selectors.
    workload_index: std::sync::OnceLock<WorkloadIndex<'a>>,
    service_index: std::sync::OnceLock<ServiceIndex<'a, 'a>>,
}

impl<'a> Context<'a> {
    pub fn new(cluster: &'a Cluster, config: &'a Config) -> Self {
        let cloud = config.cloud.unwrap_or_else(|| cluster.detect_cloud());
        Context {
            cluster,
            cloud,
            config,
            workloads: std::sync::OnceLock::new(),
            all_workloads: std::sync::OnceLock::new(),
            workload_index: std::sync::OnceLock::new(),
            service_index: std::sync::OnceLock::new(),
        }
    }

    /// Whether objects in this namespace are analysed.
    pub fn namespace_included(&self, ns: Option<&str>) -> bool {
        ns.is_none_or(|ns| !self.config.exclude_namespaces.iter().any(|n| n == ns))
    }

    /// Workloads in included namespaces (computed once; each call copies the list of references).
    pub fn workloads(&self) -> Vec<Workload<'a>> {
        self.workload_slice().to_vec()
    }

    /// The same, borrowed.
    pub fn workload_slice(&self) -> &[Workload<'a>] {
        // Not `get_or_init`: the full list it filters may be built on the
        // thread pool (see `day2_model::lazy`).
        day2_model::lazy::lazy(&self.workloads, || {
            self.all_workloads()
                .iter()
                .filter(|w| self.namespace_included(Some(w.namespace())))
                .cloned()
                .collect()
        })
        .as_slice()
    }

    /// The included workloads, indexed by namespace and pod label (built once).
    pub fn workload_index(&self) -> &WorkloadIndex<'a> {
        self.workload_index
            .get_or_init(|| WorkloadIndex::new(self.workloads()))
    }

    /// The Services of the input and the workloads each selects, by
    /// position in [`Context::workload_index`] (built once).
    pub fn service_index(&self) -> &ServiceIndex<'a, 'a> {
        self.service_index
            .get_or_init(|| ServiceIndex::new(self.cluster, self.workload_index()))
    }

    /// Every workload of the cluster, excluded namespaces included (computed once).
    pub fn all_workloads(&self) -> &[Workload<'a>] {
        day2_model::lazy::lazy(&self.all_workloads, || self.cluster.workloads()).as_slice()
    }
}
