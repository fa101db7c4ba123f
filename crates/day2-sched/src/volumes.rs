//! A pod's claims resolved the way the volume plugins resolve them: bound
//! claims and their PersistentVolumes, claims waiting for their first
//! consumer, and the PreFilter errors the scheduler reports before any node
//! is looked at.

use day2_model::pod::Pod;
use day2_model::selector::{label_selector_matches, labels_of};
use day2_model::{Cluster, Res};
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;
use rustc_hash::FxHashMap;

/// Claim names a pod uses: `persistentVolumeClaim` volumes and generic
/// ephemeral volumes (`<pod>-<volume>`).
pub fn claim_names(p: &Pod) -> Vec<String> {
    let Some(spec) = p.spec.as_ref() else {
        return Vec::new();
    };
    let pod_name = p.metadata.name.as_deref().unwrap_or("");
    spec.volumes
        .iter()
        .flatten()
        .filter_map(|v| {
            if let Some(c) = &v.persistent_volume_claim {
                Some(c.claim_name.clone())
            } else {
                v.ephemeral
                    .as_ref()
                    .map(|_| format!("{pod_name}-{}", v.name))
            }
        })
        .collect()
}

/// `pv.kubernetes.io/bind-completed` or a Bound phase: the PV controller
/// finished binding. A claim that only names a volume is still pre-bound.
pub fn fully_bound(pvc: &PersistentVolumeClaim) -> bool {
    let named = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .is_some_and(|v| !v.is_empty());
    named
        && (pvc
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key("pv.kubernetes.io/bind-completed"))
            || pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound"))
}

pub fn volume_name(pvc: &PersistentVolumeClaim) -> Option<&str> {
    pvc.spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .filter(|v| !v.is_empty())
}

pub fn delayed_binding(sc: Option<&StorageClass>) -> bool {
    sc.and_then(|s| s.volume_binding_mode.as_deref()) == Some("WaitForFirstConsumer")
}

/// The CSI volumes `(driver, handle)` a bound pod holds on its node.
pub fn csi_volumes(cluster: &Cluster, p: &Res<Pod>) -> Vec<(String, String)> {
    let ns = p.ns_or_default();
    claim_names(p)
        .iter()
        .filter_map(|c| {
            let pvc = cluster.pvc(ns, c)?;
            let pv = cluster.pv(volume_name(pvc)?)?;
            let csi = pv.spec.as_ref()?.csi.as_ref()?;
            Some((csi.driver.clone(), csi.volume_handle.clone()))
        })
        .collect()
}

/// A claim already bound to a volume.
#[derive(Debug, Clone)]
pub struct BoundClaim<'c> {
    pub claim: String,
    pub volume: String,
    pub pv: Option<&'c Res<PersistentVolume>>,
}

/// A claim of a WaitForFirstConsumer class that is not bound yet.
#[derive(Debug, Clone)]
pub struct DelayedClaim<'c> {
    pub pvc: &'c Res<PersistentVolumeClaim>,
    pub class: Option<&'c Res<StorageClass>>,
    /// Available PVs that match everything but node affinity, in the
    /// cluster's order: computed once per pod, checked per node.
    pub candidates: Vec<&'c Res<PersistentVolume>>,
}

/// Everything the volume plugins need about the pod's claims.
#[derive(Debug, Clone, Default)]
pub struct PodVolumes<'c> {
    /// A PreFilter rejection: a missing claim, or unbound Immediate claims.
    pub prefilter: Option<String>,
    /// A ReadWriteOncePod claim is in use by another pod.
    pub rwop_conflict: Option<String>,
    pub bound: Vec<BoundClaim<'c>>,
    pub delayed: Vec<DelayedClaim<'c>>,
    /// `(topology key, allowed values, PV)` from bound PVs' zone/region labels.
    pub zone_labels: Vec<(String, Vec<String>, String)>,
    /// CSI volumes the pod would attach `(driver, unique handle)`.
    pub csi: Vec<(String, String)>,
    /// ReadWriteOnce claims in use on another node (the attach would fail
    /// with Multi-Attach even though the scheduler places the pod).
    pub rwo_elsewhere: Vec<(String, String)>,
}

const TOPOLOGY_LABELS: [&str; 4] = [
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
];

pub fn topology_labels() -> &'static [&'static str] {
    &TOPOLOGY_LABELS
}

fn access_modes(pvc: &PersistentVolumeClaim) -> &[String] {
    pvc.spec
        .as_ref()
        .and_then(|s| s.access_modes.as_deref())
        .unwrap_or(&[])
}

impl<'c> PodVolumes<'c> {
    /// `claim_users` lists, per claim (namespace, name), the positions in
    /// `cluster.pods` of the pods that use it.
    pub fn resolve(
        cluster: &'c Cluster,
        claim_users: &FxHashMap<(String, String), Vec<u32>>,
        pod: &Pod,
        self_idx: Option<u32>,
    ) -> PodVolumes<'c> {
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let mut out = PodVolumes::default();
        let mut unbound_immediate = false;
        let own_node = day2_model::pod::node_name(pod);
        for claim in claim_names(pod) {
            let Some(pvc) = cluster.pvc(ns, &claim) else {
                out.prefilter
                    .get_or_insert_with(|| format!("persistentvolumeclaim \"{claim}\" not found"));
                continue;
            };
            if pvc.metadata.deletion_timestamp.is_some() {
                out.prefilter.get_or_insert_with(|| {
                    format!("persistentvolumeclaim \"{claim}\" is being deleted")
                });
                continue;
            }
            let users: Vec<u32> = claim_users
                .get(&(ns.to_owned(), claim.clone()))
                .map(|u| u.iter().copied().filter(|i| Some(*i) != self_idx).collect())
                .unwrap_or_default();
            let modes = access_modes(pvc);
            if modes.iter().any(|m| m == "ReadWriteOncePod") && !users.is_empty() {
                out.rwop_conflict.get_or_insert(claim.clone());
            }
            if modes.len() == 1 && modes[0] == "ReadWriteOnce" {
                for u in &users {
                    if let Some(n) = cluster
                        .pods
                        .get(*u as usize)
                        .and_then(|p| day2_model::pod::node_name(p))
                        && Some(n) != own_node
                    {
                        out.rwo_elsewhere.push((claim.clone(), n.to_owned()));
                        break;
                    }
                }
            }
            let class = cluster.class_of_claim(pvc);
            if fully_bound(pvc) {
                let volume = volume_name(pvc).unwrap_or_default().to_owned();
                let pv = cluster.pv(&volume);
                if let Some(pv) = pv {
                    let labels = pv.labels();
                    for key in TOPOLOGY_LABELS {
                        if let Some(v) = labels.get(key) {
                            out.zone_labels.push((
                                key.to_owned(),
                                v.split("__").map(str::to_owned).collect(),
                                volume.clone(),
                            ));
                        }
                    }
                    if let Some(csi) = pv.spec.as_ref().and_then(|s| s.csi.as_ref()) {
                        out.csi
                            .push((csi.driver.clone(), csi.volume_handle.clone()));
                    }
                }
                out.bound.push(BoundClaim { claim, volume, pv });
            } else if delayed_binding(class.map(|c| &*c.obj)) {
                if let Some(c) = class {
                    out.csi
                        .push((c.provisioner.clone(), format!("{ns}/{claim}")));
                }
                let candidates = candidate_volumes(cluster, pvc, class);
                out.delayed.push(DelayedClaim {
                    pvc,
                    class,
                    candidates,
                });
            } else {
                unbound_immediate = true;
            }
        }
        if out.prefilter.is_none() && unbound_immediate {
            out.prefilter = Some("pod has unbound immediate PersistentVolumeClaims".to_owned());
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.bound.is_empty() && self.delayed.is_empty()
    }
}

pub use day2_model::topology::pv_node_affinity_admits as pv_admits;

fn claim_request(pvc: &PersistentVolumeClaim) -> i64 {
    pvc.spec
        .as_ref()
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
        .and_then(|q| day2_model::resources::amount("storage", &q.0))
        .unwrap_or(0)
}

/// Available PVs that could bind the claim somewhere (`findMatchingVolumes`
/// without node affinity: pre-binding, class, capacity, access modes, volume
/// mode, selector).
fn candidate_volumes<'c>(
    cluster: &'c Cluster,
    pvc: &PersistentVolumeClaim,
    class: Option<&'c Res<StorageClass>>,
) -> Vec<&'c Res<PersistentVolume>> {
    let spec = pvc.spec.as_ref();
    let class = class.map(|c| c.name()).unwrap_or("");
    let want = claim_request(pvc);
    let modes = access_modes(pvc);
    let mode = spec
        .and_then(|s| s.volume_mode.as_deref())
        .unwrap_or("Filesystem");
    let sel = spec.and_then(|s| s.selector.as_ref());
    let ns = pvc.metadata.namespace.as_deref().unwrap_or("default");
    let pinned = volume_name(pvc);
    cluster
        .pvs
        .iter()
        .filter(|pv| {
            let Some(s) = pv.spec.as_ref() else {
                return false;
            };
            if let Some(p) = pinned
                && pv.name() != p
            {
                return false;
            }
            if pv.metadata.deletion_timestamp.is_some() {
                return false;
            }
            if let Some(r) = &s.claim_ref {
                let mine = r.name.as_deref() == pvc.metadata.name.as_deref()
                    && r.namespace.as_deref().unwrap_or("default") == ns;
                if !mine {
                    return false;
                }
            }
            if day2_model::cluster::volume_class_name(pv).unwrap_or("") != class {
                return false;
            }
            let cap = s
                .capacity
                .as_ref()
                .and_then(|c| c.get("storage"))
                .and_then(|q| day2_model::resources::amount("storage", &q.0))
                .unwrap_or(0);
            if cap < want {
                return false;
            }
            let pv_modes = s.access_modes.as_deref().unwrap_or(&[]);
            if !modes.iter().all(|m| pv_modes.contains(m)) {
                return false;
            }
            if s.volume_mode.as_deref().unwrap_or("Filesystem") != mode {
                return false;
            }
            sel.is_none_or(|sel| label_selector_matches(sel, labels_of(&pv.metadata.labels)))
        })
        .collect()
}

/// An available PV that could bind the delayed claim on this node: the
/// first candidate whose node affinity admits the node.
pub fn matching_volume<'c>(
    claim: &DelayedClaim<'c>,
    node: &str,
    labels: &day2_model::selector::Labels,
) -> Option<&'c Res<PersistentVolume>> {
    claim
        .candidates
        .iter()
        .copied()
        .find(|pv| pv_admits(pv, node, labels))
}

/// Whether the class could provision a volume reachable from this node
/// (`checkVolumeProvisions`: a provisioner, and allowedTopologies).
pub fn can_provision(class: Option<&StorageClass>, labels: &day2_model::selector::Labels) -> bool {
    let Some(c) = class else {
        return false;
    };
    if c.provisioner == "kubernetes.io/no-provisioner" {
        return false;
    }
    let Some(terms) = c.allowed_topologies.as_ref().filter(|t| !t.is_empty()) else {
        return true;
    };
    terms.iter().any(|t| {
        t.match_label_expressions.iter().flatten().all(|e| {
            labels
                .get(&e.key)
                .is_some_and(|v| e.values.iter().any(|x| x == v))
        })
    })
}
