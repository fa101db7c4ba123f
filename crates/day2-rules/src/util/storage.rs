//! Storage: claims of a pod spec, StatefulSets by name and zone placement.

use day2_model::{K8sObject, Res, Workload};
use k8s_openapi::api::core::v1::PodSpec;
use std::collections::HashMap;

/// Claims a pod spec mounts by name: (volume index, volume name, claim name).
pub fn claim_volumes(spec: &PodSpec) -> Vec<(usize, &str, &str)> {
    spec.volumes
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| (i, v.name.as_str(), c.claim_name.as_str()))
        })
        .collect()
}

/// Objects looked up by (namespace, name), built once per rule so that
/// per-workload lookups stay O(1) on large snapshots.
pub struct ByName<'c, T> {
    map: HashMap<(&'c str, &'c str), &'c Res<T>>,
}

impl<'c, T: K8sObject> ByName<'c, T> {
    pub fn new(items: &'c [Res<T>]) -> Self {
        ByName {
            map: items
                .iter()
                .map(|r| ((r.ns_or_default(), r.name()), r))
                .collect(),
        }
    }

    pub fn get(&self, ns: &str, name: &str) -> Option<&'c Res<T>> {
        self.map.get(&(ns, name)).copied()
    }
}

/// StatefulSets by (namespace, name).
pub type StatefulSets<'c> = ByName<'c, k8s_openapi::api::apps::v1::StatefulSet>;

/// The StatefulSet object behind a workload of kind StatefulSet.
pub fn stateful_set_of<'c>(
    sets: &StatefulSets<'c>,
    w: &Workload<'_>,
) -> Option<&'c Res<k8s_openapi::api::apps::v1::StatefulSet>> {
    if w.kind != "StatefulSet" {
        return None;
    }
    sets.get(w.namespace(), w.name())
}

/// Whether a workload keeps data on persistent volumes (claim templates or claims).
pub fn has_persistent_storage(sets: &StatefulSets<'_>, w: &Workload<'_>) -> bool {
    !claim_volumes(w.spec).is_empty()
        || stateful_set_of(sets, w).is_some_and(|s| {
            s.spec
                .volume_claim_templates
                .as_ref()
                .is_some_and(|t| !t.is_empty())
        })
}

/// Access modes of a claim that only one node may mount.
pub fn single_node_modes(modes: Option<&Vec<String>>) -> Option<&'static str> {
    let modes = modes?;
    if modes.is_empty() {
        return None;
    }
    if modes.iter().all(|m| m == "ReadWriteOncePod") {
        return Some("ReadWriteOncePod");
    }
    modes
        .iter()
        .all(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod")
        .then_some("ReadWriteOnce")
}

pub use day2_model::topology::is_zone_key;

/// Whether the pod spec spreads (or anti-affines) its pods across zones.
pub fn spreads_across_zones(spec: &PodSpec) -> bool {
    let spread = spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .any(|t| is_zone_key(&t.topology_key));
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|a| {
            a.required_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .any(|t| is_zone_key(&t.topology_key))
                || a.preferred_during_scheduling_ignored_during_execution
                    .iter()
                    .flatten()
                    .any(|t| is_zone_key(&t.pod_affinity_term.topology_key))
        });
    spread || anti
}

/// Whether the pod spec pins its pods to a single zone (nodeSelector or required affinity).
pub fn pinned_to_one_zone(spec: &PodSpec) -> bool {
    if spec
        .node_selector
        .iter()
        .flatten()
        .any(|(k, _)| is_zone_key(k))
    {
        return true;
    }
    day2_model::selector::required_node_affinity(spec).is_some_and(|r| {
        !r.node_selector_terms.is_empty()
            && r.node_selector_terms.iter().all(|t| {
                t.match_expressions.iter().flatten().any(|e| {
                    is_zone_key(&e.key)
                        && e.operator == "In"
                        && e.values.as_ref().is_some_and(|v| v.len() == 1)
                })
            })
    })
}
