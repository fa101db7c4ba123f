//! The `Cluster`: every object of one source, typed, with the indexes the
//! analyses need. Built once; analyses only read it.

use crate::event::Event;
use crate::object::{K8sObject, Res, Stores};
use crate::pod::Pod;
use crate::selector::{Labels, label_selector_matches, labels_of, map_selector_matches};
use crate::types::{Cloud, ObjRef, Origin};
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, PodSpec};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::ops::Deref;

/// Where the objects came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    #[default]
    Manifests,
    Snapshot,
    Live,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Manifests => "manifests",
            SourceKind::Snapshot => "snapshot",
            SourceKind::Live => "live",
        }
    }
}

/// A problem met while reading the input: shown to the user, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// `file:line:column` or an object or API path.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.at, self.message)
        }
    }
}

/// Log text of one container, as carried by a `kubectl cluster-info dump`.
#[derive(Debug, Clone)]
pub struct PodLog {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    pub source: String,
    pub text: String,
}

/// The controller at the top of a pod's owner chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct WorkloadKey {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl WorkloadKey {
    pub fn objref(&self) -> ObjRef {
        ObjRef::new(self.kind.clone(), Some(&self.namespace), self.name.clone())
    }
}

/// Well-known zone labels, newest first.
pub const ZONE_LABELS: [&str; 5] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
    "topology.ebs.csi.aws.com/zone",
    "topology.disk.csi.azure.com/zone",
    "topology.gke.io/zone",
];

/// The zone of a set of labels, if any.
pub fn zone_of(labels: &Labels) -> Option<&str> {
    ZONE_LABELS
        .iter()
        .find_map(|k| labels.get(*k))
        .map(String::as_str)
}

#[derive(Debug, Default, Clone)]
struct Index {
    node_by_name: FxHashMap<String, u32>,
    pods_by_node: FxHashMap<String, Vec<u32>>,
    pods_by_ns: FxHashMap<String, Vec<u32>>,
    /// namespace → (label key, value) → pods
    pod_labels: FxHashMap<String, FxHashMap<(String, String), Vec<u32>>>,
    /// Per pod: its workload's position in `workloads`, or [`NO_OWNER`].
    pod_owner: Vec<u32>,
    workloads: Vec<WorkloadKey>,
    pods_by_workload: FxHashMap<WorkloadKey, Vec<u32>>,
    pvc_by_key: FxHashMap<(String, String), u32>,
    pv_by_name: FxHashMap<String, u32>,
    sc_by_name: FxHashMap<String, u32>,
    nodes_by_zone: BTreeMap<String, Vec<u32>>,
    events_by_uid: Postings,
    events_by_obj: Postings,
}

/// No workload owns the pod.
const NO_OWNER: u32 = u32::MAX;

/// Event positions by the hash of a key (an involved object's uid, or its
/// kind, namespace and name), in one flat list: no key is stored, so
/// readers check that each event found is about the object they asked for.
#[derive(Debug, Default, Clone)]
struct Postings {
    ranges: FxHashMap<u64, (u32, u32)>,
    positions: Vec<u32>,
}

impl Postings {
    /// From (key hash, position) pairs.
    fn new(mut pairs: Vec<(u64, u32)>) -> Postings {
        pairs.par_sort_unstable();
        let mut ranges = FxHashMap::default();
        let mut start = 0;
        while start < pairs.len() {
            let h = pairs[start].0;
            let len = pairs[start..].iter().take_while(|(k, _)| *k == h).count();
            ranges.insert(h, (start as u32, len as u32));
            start += len;
        }
        Postings {
            ranges,
            positions: pairs.into_iter().map(|(_, i)| i).collect(),
        }
    }

    /// Positions filed under `hash`, in ascending order.
    fn get(&self, hash: u64) -> &[u32] {
        self.ranges.get(&hash).map_or(&[], |&(start, len)| {
            &self.positions[start as usize..(start + len) as usize]
        })
    }
}

fn uid_hash(uid: &str) -> u64 {
    FxBuildHasher.hash_one(uid)
}

fn obj_hash(kind: &str, namespace: &str, name: &str) -> u64 {
    FxBuildHasher.hash_one((kind, namespace, name))
}

/// Every object of one source, indexed.
#[derive(Debug, Default, Clone)]
pub struct Cluster {
    pub stores: Stores,
    pub logs: Vec<PodLog>,
    pub notes: Vec<Note>,
    pub source: SourceKind,
    /// Human description of the input (`3 files`, `snapshot.json.gz`, `live: prod-eu`).
    pub input: String,
    /// When the input was captured: a day2 snapshot's header, the time of a
    /// live read; `None` when the input does not say.
    pub captured_at: Option<jiff::Timestamp>,
    idx: Index,
}

impl Deref for Cluster {
    type Target = Stores;
    fn deref(&self) -> &Stores {
        &self.stores
    }
}

/// Objects above which a cluster is freed on a thread of its own.
const FREE_IN_BACKGROUND: usize = 50_000;

impl Drop for Cluster {
    /// Freeing the objects of a large snapshot takes most of a second (half a
    /// million objects, millions of allocations): a large cluster is freed on
    /// a thread of its own, so that a command done with it need not wait. A
    /// process that ends meanwhile simply ends.
    fn drop(&mut self) {
        if self.stores.len() < FREE_IN_BACKGROUND {
            return;
        }
        let stores = std::mem::take(&mut self.stores);
        let idx = std::mem::take(&mut self.idx);
        // Without a thread, they are freed here as usual.
        let _ = std::thread::Builder::new()
            .name("day2-free".into())
            .spawn(move || drop((stores, idx)));
    }
}

fn ns_name(meta: &ObjectMeta) -> (String, String) {
    (
        meta.namespace.clone().unwrap_or_else(|| "default".into()),
        meta.name.clone().unwrap_or_default(),
    )
}

impl Cluster {
    /// Index the objects. Events are sorted by time (then by name), while
    /// the other objects are indexed; the events' index comes after.
    pub fn new(mut stores: Stores, source: SourceKind, notes: Vec<Note>) -> Cluster {
        let mut events = std::mem::take(&mut stores.events);
        let (rest, ()) = rayon::join(|| index_objects(&stores), || sort_events(&mut events));
        crate::timings::mark("events sorted, objects indexed");
        stores.events = events;
        let events = index_events(&stores.events);
        Cluster {
            idx: Index::new(rest, events),
            stores,
            logs: Vec::new(),
            notes,
            source,
            input: String::new(),
            captured_at: None,
        }
    }

    // ---- nodes ----

    pub fn node(&self, name: &str) -> Option<&Res<Node>> {
        self.node_index(name).map(|i| &self.stores.nodes[i])
    }

    /// Where [`Cluster::node`] finds the node in `nodes`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.idx.node_by_name.get(name).map(|i| *i as usize)
    }

    /// No two nodes share a name.
    pub fn node_names_unique(&self) -> bool {
        self.idx.node_by_name.len() == self.stores.nodes.len()
    }

    /// Zone → nodes in that zone (nodes without a zone label are absent).
    pub fn nodes_by_zone(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &Res<Node>>)> {
        self.idx.nodes_by_zone.iter().map(|(z, v)| {
            (
                z.as_str(),
                v.iter().map(|i| &self.stores.nodes[*i as usize]),
            )
        })
    }

    pub fn zones(&self) -> Vec<&str> {
        self.idx.nodes_by_zone.keys().map(String::as_str).collect()
    }

    pub fn node_zone<'a>(&self, node: &'a Res<Node>) -> Option<&'a str> {
        zone_of(node.labels())
    }

    // ---- pods ----

    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &Res<Pod>> {
        self.idx
            .pods_by_node
            .get(node)
            .into_iter()
            .flatten()
            .map(|i| &self.stores.pods[*i as usize])
    }

    pub fn pods_in_namespace(&self, ns: &str) -> impl Iterator<Item = &Res<Pod>> {
        self.idx
            .pods_by_ns
            .get(ns)
            .into_iter()
            .flatten()
            .map(|i| &self.stores.pods[*i as usize])
    }

    fn pod_candidates(
        &self,
        ns: &str,
        sel: impl Iterator<Item = (String, String)>,
    ) -> Option<Vec<u32>> {
        let by_label = self.idx.pod_labels.get(ns)?;
        let mut best: Option<&Vec<u32>> = None;
        for kv in sel {
            match by_label.get(&kv) {
                None => return Some(Vec::new()),
                Some(v) if best.is_none_or(|b| v.len() < b.len()) => best = Some(v),
                _ => {}
            }
        }
        best.cloned()
    }

    /// Pods in `ns` matched by a `metav1.LabelSelector` (empty selects all).
    pub fn pods_matching(&self, ns: &str, sel: &LabelSelector) -> Vec<&Res<Pod>> {
        let ml = sel
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()));
        let candidates = match self.pod_candidates(ns, ml) {
            Some(c) => c,
            None if self.idx.pod_labels.contains_key(ns)
                || self.idx.pods_by_ns.contains_key(ns) =>
            {
                self.idx.pods_by_ns.get(ns).cloned().unwrap_or_default()
            }
            None => Vec::new(),
        };
        candidates
            .into_iter()
            .map(|i| &self.stores.pods[i as usize])
            .filter(|p| label_selector_matches(sel, p.labels()))
            .collect()
    }

    /// Pods in `ns` matched by a Service-style selector (empty selects none).
    pub fn pods_matching_map(&self, ns: &str, sel: &Labels) -> Vec<&Res<Pod>> {
        if sel.is_empty() {
            return Vec::new();
        }
        let candidates = self
            .pod_candidates(ns, sel.iter().map(|(k, v)| (k.clone(), v.clone())))
            .unwrap_or_default();
        candidates
            .into_iter()
            .map(|i| &self.stores.pods[i as usize])
            .filter(|p| map_selector_matches(sel, p.labels()))
            .collect()
    }

    /// The controller at the top of the pod's owner chain (Deployment for a
    /// ReplicaSet's pod, StatefulSet, DaemonSet, CronJob for a Job's pod…).
    pub fn pod_owner(&self, pod_index: usize) -> Option<&WorkloadKey> {
        let w = *self.idx.pod_owner.get(pod_index)?;
        self.idx.workloads.get(w as usize)
    }

    pub fn owner_of(&self, pod: &Res<Pod>) -> Option<&WorkloadKey> {
        let idx = self.pod_index(pod)?;
        self.pod_owner(idx)
    }

    fn pod_index(&self, pod: &Res<Pod>) -> Option<usize> {
        let base = self.stores.pods.as_ptr() as usize;
        let p = pod as *const Res<Pod> as usize;
        let size = std::mem::size_of::<Res<Pod>>();
        (p >= base && (p - base).is_multiple_of(size) && (p - base) / size < self.stores.pods.len())
            .then(|| (p - base) / size)
    }

    /// Pods whose owner chain ends at the given workload.
    pub fn pods_of(&self, kind: &str, namespace: &str, name: &str) -> Vec<&Res<Pod>> {
        let key = WorkloadKey {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        };
        self.idx
            .pods_by_workload
            .get(&key)
            .into_iter()
            .flatten()
            .map(|i| &self.stores.pods[*i as usize])
            .collect()
    }

    // ---- storage ----

    pub fn pvc(&self, namespace: &str, name: &str) -> Option<&Res<PersistentVolumeClaim>> {
        self.idx
            .pvc_by_key
            .get(&(namespace.to_owned(), name.to_owned()))
            .map(|i| &self.stores.pvcs[*i as usize])
    }

    pub fn pv(&self, name: &str) -> Option<&Res<PersistentVolume>> {
        self.idx
            .pv_by_name
            .get(name)
            .map(|i| &self.stores.pvs[*i as usize])
    }

    pub fn storage_class(&self, name: &str) -> Option<&Res<StorageClass>> {
        self.idx
            .sc_by_name
            .get(name)
            .map(|i| &self.stores.storage_classes[*i as usize])
    }

    /// The StorageClasses annotated as default.
    pub fn default_storage_classes(&self) -> Vec<&Res<StorageClass>> {
        self.stores
            .storage_classes
            .iter()
            .filter(|sc| {
                [
                    "storageclass.kubernetes.io/is-default-class",
                    "storageclass.beta.kubernetes.io/is-default-class",
                ]
                .iter()
                .any(|a| sc.annotation(a) == Some("true"))
            })
            .collect()
    }

    /// The class a claim uses: its own, or the default class when it names none.
    pub fn class_of_claim(&self, pvc: &PersistentVolumeClaim) -> Option<&Res<StorageClass>> {
        match pvc
            .spec
            .as_ref()
            .and_then(|s| s.storage_class_name.as_deref())
        {
            Some("") => None,
            Some(name) => self.storage_class(name),
            None => self.default_storage_classes().into_iter().next(),
        }
    }

    /// PV bound to a claim (by `spec.volumeName`, or by the PV's claimRef).
    pub fn pv_of_claim(&self, pvc: &Res<PersistentVolumeClaim>) -> Option<&Res<PersistentVolume>> {
        if let Some(v) = pvc.spec.as_ref().and_then(|s| s.volume_name.as_deref())
            && let Some(pv) = self.pv(v)
        {
            return Some(pv);
        }
        let (ns, name) = (pvc.ns_or_default(), pvc.name());
        self.stores.pvs.iter().find(|pv| {
            pv.spec
                .as_ref()
                .and_then(|s| s.claim_ref.as_ref())
                .is_some_and(|r| {
                    r.namespace.as_deref() == Some(ns) && r.name.as_deref() == Some(name)
                })
        })
    }

    // ---- events ----

    /// Events about an object, oldest first: by uid when known, else by kind/namespace/name.
    pub fn events_for(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        uid: Option<&str>,
    ) -> Vec<&Event> {
        let mut out: Vec<u32> = Vec::new();
        if let Some(uid) = uid {
            out.extend(
                self.idx
                    .events_by_uid
                    .get(uid_hash(uid))
                    .iter()
                    .filter(|&&i| {
                        self.stores.events[i as usize].involved_uid.as_deref() == Some(uid)
                    }),
            );
        }
        let ns = namespace.unwrap_or("");
        for i in self.idx.events_by_obj.get(obj_hash(kind, ns, name)) {
            let e = &self.stores.events[*i as usize];
            let about = &e.involved;
            if about.kind != kind
                || about.namespace.as_deref().unwrap_or_default() != ns
                || about.name != name
            {
                continue;
            }
            // Same name, other incarnation: skip when both uids are known and differ.
            // The kubelet refers to its Node with the node's name as uid.
            if uid.is_some()
                && e.involved_uid.is_some()
                && e.involved_uid.as_deref() != uid
                && e.involved_uid.as_deref() != Some(name)
            {
                continue;
            }
            out.push(*i);
        }
        out.sort_unstable();
        out.dedup();
        out.into_iter()
            .map(|i| &self.stores.events[i as usize])
            .collect()
    }

    pub fn events_for_obj<T: K8sObject>(&self, r: &Res<T>) -> Vec<&Event> {
        self.events_for(r.obj.kind(), r.namespace(), r.name(), r.uid())
    }

    // ---- workloads ----

    /// Every pod template in the input, with its owner: Deployments,
    /// StatefulSets, DaemonSets, Jobs, CronJobs, ReplicaSets and
    /// ReplicationControllers not owned by another controller, and pods not
    /// owned by a controller that is present.
    ///
    /// A template is judged once for all its pods. A ReplicaSet whose
    /// Deployment is absent stands for that Deployment (and a Job for its
    /// CronJob); a ReplicaSet scaled to zero is left out while a sibling
    /// runs. Pods whose controller is absent are grouped by the controller at
    /// the top of their owner chain and by their template revision
    /// (`pod-template-hash`, `controller-revision-hash`): one workload per
    /// group, named after that controller, with the group's pod count and a
    /// few pod names. Only pods without any controller stay one each.
    pub fn workloads(&self) -> Vec<Workload<'_>> {
        let s = &self.stores;
        let mut out = Vec::new();
        // Every controller in the input, once: owner lookups stay O(1) on large snapshots.
        let controllers = self.controller_set();
        let present = |meta: &ObjectMeta| -> bool {
            controller_of(meta).is_some_and(|(kind, name)| {
                let ns = meta.namespace.as_deref().unwrap_or("default");
                controllers.contains(&(kind, ns, name))
            })
        };
        // Pods by the controller at the top of their chain.
        let pods_of = |kind: &str, ns: &str, name: &str| -> (u32, [Option<&str>; EXAMPLES]) {
            let key = WorkloadKey {
                kind: kind.to_owned(),
                namespace: ns.to_owned(),
                name: name.to_owned(),
            };
            let pods = self
                .idx
                .pods_by_workload
                .get(&key)
                .map_or(&[][..], Vec::as_slice);
            let mut examples = [None; EXAMPLES];
            for (slot, i) in examples.iter_mut().zip(pods) {
                *slot = s.pods[*i as usize].metadata.name.as_deref();
            }
            (pods.len() as u32, examples)
        };
        // ReplicaSets of an absent Deployment that run pods: their scaled-down
        // siblings are old revisions.
        let running: rustc_hash::FxHashSet<(&str, &str)> = s
            .replica_sets
            .iter()
            .filter(|r| r.obj.spec.replicas.unwrap_or(1) > 0)
            .filter_map(|r| Some((r.ns_or_default(), controller_of(&r.metadata)?.1)))
            .collect();
        macro_rules! templated {
            ($field:ident, $kind:literal, $f:path, $ptr:literal) => {
                for r in &s.$field {
                    if present(&r.metadata) {
                        continue;
                    }
                    let Some((tmpl, replicas)) = $f(&r.obj) else {
                        continue;
                    };
                    let Some(pod_spec) = tmpl.spec.as_ref() else {
                        continue;
                    };
                    let ns = r.ns_or_default();
                    let own = r.metadata.name.as_deref().unwrap_or("");
                    // A ReplicaSet stands for its Deployment, a Job for its CronJob.
                    let (kind, name, api_version) = match ($kind, controller_of(&r.metadata)) {
                        ("ReplicaSet", Some(("Deployment", dep))) => {
                            if replicas == Some(0) && running.contains(&(ns, dep)) {
                                continue;
                            }
                            ("Deployment", dep, "apps/v1")
                        }
                        ("Job", Some(("CronJob", cron))) => ("CronJob", cron, "batch/v1"),
                        _ => ($kind, own, K8sObject::api_version(&r.obj)),
                    };
                    let (pods, examples) = pods_of(kind, ns, name);
                    out.push(Workload {
                        kind,
                        name,
                        meta: &r.metadata,
                        template_meta: tmpl.metadata.as_ref(),
                        spec: pod_spec,
                        replicas,
                        origin: &r.origin,
                        pointer: $ptr,
                        api_version,
                        pods,
                        examples,
                    });
                }
            };
        }
        templated!(deployments, "Deployment", tmpl::dep, "/spec/template/spec");
        templated!(
            stateful_sets,
            "StatefulSet",
            tmpl::sts,
            "/spec/template/spec"
        );
        templated!(daemon_sets, "DaemonSet", tmpl::ds, "/spec/template/spec");
        templated!(replica_sets, "ReplicaSet", tmpl::rs, "/spec/template/spec");
        templated!(
            replication_controllers,
            "ReplicationController",
            tmpl::rc,
            "/spec/template/spec"
        );
        templated!(jobs, "Job", tmpl::job, "/spec/template/spec");
        templated!(
            cron_jobs,
            "CronJob",
            tmpl::cron,
            "/spec/jobTemplate/spec/template/spec"
        );
        // Whether each top-of-chain controller is in the input.
        let top_present: Vec<bool> = self
            .idx
            .workloads
            .iter()
            .map(|k| {
                controllers.contains(&(k.kind.as_str(), k.namespace.as_str(), k.name.as_str()))
            })
            .collect();
        // Pods not covered by a controller in the input: one group per top
        // controller and template revision, in input order.
        let mut groups: FxHashMap<(u32, &str), usize> = FxHashMap::default();
        for (i, p) in s.pods.iter().enumerate() {
            let Some(spec) = p.spec.as_ref() else {
                continue;
            };
            let owner = self.idx.pod_owner.get(i).copied().unwrap_or(NO_OWNER);
            if present(&p.metadata) || top_present.get(owner as usize).copied().unwrap_or(false) {
                continue;
            }
            let bare = Workload {
                kind: "Pod",
                name: p.metadata.name.as_deref().unwrap_or(""),
                meta: &p.metadata,
                template_meta: None,
                spec,
                replicas: Some(1),
                origin: &p.origin,
                pointer: "/spec",
                api_version: "v1",
                pods: 0,
                examples: [None; EXAMPLES],
            };
            let Some(top) = self.idx.workloads.get(owner as usize) else {
                out.push(bare);
                continue;
            };
            let labels = p.labels();
            let revision = labels
                .get("pod-template-hash")
                .or_else(|| labels.get("controller-revision-hash"))
                .map_or("", String::as_str);
            match groups.entry((owner, revision)) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let w = &mut out[*e.get()];
                    if let Some(slot) = w.examples.get_mut(w.pods as usize) {
                        *slot = bare.name.into();
                    }
                    w.pods += 1;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(out.len());
                    let mut examples = [None; EXAMPLES];
                    examples[0] = Some(bare.name);
                    out.push(Workload {
                        kind: top.kind.as_str(),
                        name: top.name.as_str(),
                        api_version: controller_api_version(&top.kind, &p.metadata),
                        pods: 1,
                        examples,
                        ..bare
                    });
                }
            }
        }
        out
    }

    /// (kind, namespace, name) of every object that can own pod templates:
    /// the workload controllers, and objects of kinds we do not model (an
    /// operator's CR owns its pods: it is that operator's template, not ours to
    /// judge twice).
    fn controller_set(&self) -> rustc_hash::FxHashSet<(&str, &str, &str)> {
        let s = &self.stores;
        let mut set = rustc_hash::FxHashSet::default();
        macro_rules! add {
            ($field:ident, $kind:literal) => {
                for r in &s.$field {
                    set.insert((
                        $kind,
                        r.metadata.namespace.as_deref().unwrap_or("default"),
                        r.metadata.name.as_deref().unwrap_or(""),
                    ));
                }
            };
        }
        add!(replica_sets, "ReplicaSet");
        add!(deployments, "Deployment");
        add!(stateful_sets, "StatefulSet");
        add!(daemon_sets, "DaemonSet");
        add!(jobs, "Job");
        add!(cron_jobs, "CronJob");
        add!(replication_controllers, "ReplicationController");
        for r in &s.other {
            set.insert((
                r.kind.as_str(),
                r.metadata.namespace.as_deref().unwrap_or("default"),
                r.metadata.name.as_deref().unwrap_or(""),
            ));
        }
        set
    }

    /// The cloud the cluster runs on, from node providerIDs, StorageClass
    /// provisioners and ServiceAccount annotations.
    pub fn detect_cloud(&self) -> Cloud {
        let mut votes: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut vote = |c: Cloud| *votes.entry(c.as_str()).or_default() += 1;
        for n in &self.stores.nodes {
            let pid = n
                .spec
                .as_ref()
                .and_then(|s| s.provider_id.as_deref())
                .unwrap_or("");
            if pid.starts_with("aws://") {
                vote(Cloud::Aws);
            } else if pid.starts_with("azure://") {
                vote(Cloud::Azure);
            } else if pid.starts_with("gce://") {
                vote(Cloud::Gcp);
            }
        }
        for sc in &self.stores.storage_classes {
            match crate::cloud::provisioner_cloud(&sc.provisioner) {
                Cloud::Generic => {}
                c => vote(c),
            }
        }
        for sa in &self.stores.service_accounts {
            let a = sa.annotations();
            if a.contains_key("eks.amazonaws.com/role-arn") {
                vote(Cloud::Aws);
            }
            if a.contains_key("azure.workload.identity/client-id") {
                vote(Cloud::Azure);
            }
            if a.contains_key("iam.gke.io/gcp-service-account") {
                vote(Cloud::Gcp);
            }
        }
        votes
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .and_then(|(c, _)| Cloud::parse(c))
            .unwrap_or(Cloud::Generic)
    }

    /// Number of objects (events excluded).
    pub fn object_count(&self) -> usize {
        self.stores.len() - self.stores.events.len()
    }
}

/// The kind and name of an object's controller.
fn controller_of(meta: &ObjectMeta) -> Option<(&str, &str)> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| (o.kind.as_str(), o.name.as_str()))
}

/// The apiVersion of a pod's top-of-chain controller: the pod's own owner
/// reference when it names that kind, else the kind's group.
fn controller_api_version<'a>(kind: &str, pod: &'a ObjectMeta) -> &'a str {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "ReplicationController" => "v1",
        _ => pod
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == kind)
            .map_or("", |o| o.api_version.as_str()),
    }
}

/// Pod template and desired replicas of each controller kind.
mod tmpl {
    use k8s_openapi::api::core::v1::PodTemplateSpec;
    use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
    type T<'a> = Option<(&'a PodTemplateSpec, Option<i32>)>;
    pub fn dep(o: &apps::Deployment) -> T<'_> {
        Some((&o.spec.template, Some(o.spec.replicas.unwrap_or(1))))
    }
    pub fn sts(o: &apps::StatefulSet) -> T<'_> {
        Some((&o.spec.template, Some(o.spec.replicas.unwrap_or(1))))
    }
    pub fn ds(o: &apps::DaemonSet) -> T<'_> {
        Some((&o.spec.template, None))
    }
    pub fn rs(o: &apps::ReplicaSet) -> T<'_> {
        o.spec
            .template
            .as_ref()
            .map(|t| (t, Some(o.spec.replicas.unwrap_or(1))))
    }
    pub fn rc(o: &core::ReplicationController) -> T<'_> {
        let s = o.spec.as_ref()?;
        s.template
            .as_ref()
            .map(|t| (t, Some(s.replicas.unwrap_or(1))))
    }
    pub fn job(o: &batch::Job) -> T<'_> {
        let s = o.spec.as_ref()?;
        Some((&s.template, Some(s.parallelism.unwrap_or(1))))
    }
    pub fn cron(o: &batch::CronJob) -> T<'_> {
        let s = o.spec.job_template.spec.as_ref()?;
        Some((&s.template, Some(s.parallelism.unwrap_or(1))))
    }
}

/// How many pod names a workload keeps as examples.
pub const EXAMPLES: usize = 3;

/// A pod template and the object that owns it.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    /// The controller's kind: the object's own, the kind of the controller
    /// it stands for (a ReplicaSet's Deployment), or `Pod` for a bare pod.
    pub kind: &'a str,
    pub api_version: &'a str,
    /// The controller's name (for a ReplicaSet standing for its Deployment,
    /// the Deployment's).
    pub name: &'a str,
    /// The metadata of the object the template was read from: the
    /// controller, a ReplicaSet, or the first pod of a group.
    pub meta: &'a ObjectMeta,
    pub template_meta: Option<&'a ObjectMeta>,
    pub spec: &'a PodSpec,
    /// Desired replicas (None for DaemonSets).
    pub replicas: Option<i32>,
    pub origin: &'a Origin,
    /// JSON pointer of the pod spec inside the object.
    pub pointer: &'static str,
    /// Pods in the input this template stands for (0 for a bare pod, or a
    /// controller whose pods are not in the input).
    pub pods: u32,
    /// The first few of those pods' names.
    pub examples: [Option<&'a str>; EXAMPLES],
}

impl<'a> Workload<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }
    pub fn namespace(&self) -> &'a str {
        self.meta.namespace.as_deref().unwrap_or("default")
    }
    pub fn objref(&self) -> ObjRef {
        ObjRef::new(self.kind, Some(self.namespace()), self.name())
            .with_api_version(self.api_version)
    }
    /// Labels the pods get.
    pub fn pod_labels(&self) -> &'a Labels {
        match self.template_meta {
            Some(t) => labels_of(&t.labels),
            None => labels_of(&self.meta.labels),
        }
    }
    pub fn pod_annotations(&self) -> &'a Labels {
        match self.template_meta {
            Some(t) => labels_of(&t.annotations),
            None => labels_of(&self.meta.annotations),
        }
    }
    /// A field of the pod spec as a JSON pointer into the owner object.
    pub fn ptr(&self, rest: &str) -> String {
        format!("{}{rest}", self.pointer)
    }
}

type PodIndexes = (
    FxHashMap<String, u32>,
    FxHashMap<String, Vec<u32>>,
    FxHashMap<String, Vec<u32>>,
    FxHashMap<String, FxHashMap<(String, String), Vec<u32>>>,
);

/// Events by time, then name (a stable sort). The order is sorted as indexes
/// and applied in one pass: each event is moved once, not at every step of a
/// merge sort.
fn sort_events(events: &mut [Event]) {
    const DONE: u32 = u32::MAX;
    let Ok(n) = u32::try_from(events.len()) else {
        events.sort_by(|a, b| a.at().cmp(&b.at()).then_with(|| a.name.cmp(&b.name)));
        return;
    };
    // Sort (time, position) pairs in parallel, reading an event's name only
    // to break a tie in time; the position keeps the sort stable.
    let mut keys: Vec<(Option<jiff::Timestamp>, u32)> =
        events.iter().zip(0..n).map(|(e, i)| (e.at(), i)).collect();
    {
        use rayon::slice::ParallelSliceMut;
        let ev: &[Event] = events;
        keys.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| ev[a.1 as usize].name.cmp(&ev[b.1 as usize].name))
                .then(a.1.cmp(&b.1))
        });
    }
    let mut order: Vec<u32> = keys.into_iter().map(|(_, i)| i).collect();
    // Position i receives the event at order[i]: follow each cycle once.
    for start in 0..order.len() {
        let mut cur = start;
        while order[cur] != DONE {
            let next = order[cur] as usize;
            order[cur] = DONE;
            if next == start {
                break;
            }
            events.swap(cur, next);
            cur = next;
        }
    }
}

/// `map[key].push(i)`, allocating the key only when it is new.
fn push_at<Q>(map: &mut FxHashMap<Q::Owned, Vec<u32>>, key: &Q, i: u32)
where
    Q: ToOwned + std::hash::Hash + Eq + ?Sized,
    Q::Owned: std::hash::Hash + Eq + std::borrow::Borrow<Q>,
{
    match map.get_mut(key) {
        Some(v) => v.push(i),
        None => {
            map.insert(key.to_owned(), vec![i]);
        }
    }
}

fn index_pods(s: &Stores) -> PodIndexes {
    let mut node_by_name = FxHashMap::default();
    for (i, n) in s.nodes.iter().enumerate() {
        node_by_name.insert(n.name().to_owned(), i as u32);
    }
    let mut by_node: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut by_ns: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    // Built with borrowed keys (one allocation per distinct label, not per pod), then owned.
    let mut labels: FxHashMap<&str, FxHashMap<(&str, &str), Vec<u32>>> = FxHashMap::default();
    for (i, p) in s.pods.iter().enumerate() {
        let i = i as u32;
        if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            push_at(&mut by_node, n, i);
        }
        let ns = p.ns_or_default();
        push_at(&mut by_ns, ns, i);
        let per_ns = labels.entry(ns).or_default();
        for (k, v) in p.labels() {
            per_ns.entry((k.as_str(), v.as_str())).or_default().push(i);
        }
    }
    let labels = labels
        .into_iter()
        .map(|(ns, m)| {
            let m = m
                .into_iter()
                .map(|((k, v), pods)| ((k.to_owned(), v.to_owned()), pods))
                .collect();
            (ns.to_owned(), m)
        })
        .collect();
    (node_by_name, by_node, by_ns, labels)
}

/// (kind, name) of the controller owning each object of a kind, by (namespace, name).
fn controllers_of<'s, T: K8sObject + 's>(
    objects: impl Iterator<Item = &'s Res<T>>,
) -> FxHashMap<(&'s str, &'s str), (&'s str, &'s str)> {
    objects
        .filter_map(|r| {
            let m = r.obj.meta();
            let o = m
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true))?;
            Some((
                (
                    m.namespace.as_deref().unwrap_or("default"),
                    m.name.as_deref().unwrap_or_default(),
                ),
                (o.kind.as_str(), o.name.as_str()),
            ))
        })
        .collect()
}

type OwnerIndexes = (Vec<u32>, Vec<WorkloadKey>, FxHashMap<WorkloadKey, Vec<u32>>);

fn index_owners(s: &Stores) -> OwnerIndexes {
    let rs_owner = controllers_of(s.replica_sets.iter());
    let job_owner = controllers_of(s.jobs.iter());
    // Each pod's workload as borrowed (kind, namespace, name); owned once per workload.
    let mut owners: Vec<Option<(&str, &str, &str)>> = Vec::with_capacity(s.pods.len());
    let mut by_workload: FxHashMap<(&str, &str, &str), Vec<u32>> = FxHashMap::default();
    for (i, p) in s.pods.iter().enumerate() {
        let ns = p.ns_or_default();
        let owner = p
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true))
            .map(|o| {
                let (mut kind, mut name) = (o.kind.as_str(), o.name.as_str());
                if kind == "ReplicaSet" {
                    if let Some((k, n)) = rs_owner.get(&(ns, name)) {
                        (kind, name) = (k, n);
                    } else if let Some(hash) = p.labels().get("pod-template-hash")
                        && let Some(dep) = name
                            .strip_suffix(hash.as_str())
                            .and_then(|n| n.strip_suffix('-'))
                    {
                        // The ReplicaSet is not in the input; its name tells its Deployment.
                        (kind, name) = ("Deployment", dep);
                    }
                } else if kind == "Job"
                    && let Some((k, n)) = job_owner.get(&(ns, name))
                {
                    (kind, name) = (k, n);
                }
                (kind, ns, name)
            });
        if let Some(o) = owner {
            by_workload.entry(o).or_default().push(i as u32);
        }
        owners.push(owner);
    }
    let key = |(kind, namespace, name): (&str, &str, &str)| WorkloadKey {
        kind: kind.to_owned(),
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    // Each workload once; pods refer to it by position.
    let mut position: FxHashMap<(&str, &str, &str), u32> = FxHashMap::default();
    let mut workloads = Vec::with_capacity(by_workload.len());
    let owners = owners
        .into_iter()
        .map(|o| {
            o.map_or(NO_OWNER, |o| {
                *position.entry(o).or_insert_with(|| {
                    workloads.push(key(o));
                    workloads.len() as u32 - 1
                })
            })
        })
        .collect();
    let by_workload = by_workload
        .into_iter()
        .map(|(k, pods)| (key(k), pods))
        .collect();
    (owners, workloads, by_workload)
}

/// Every index but the events'.
type ObjectIndexes = (PodIndexes, OwnerIndexes, MiscIndexes);

fn index_objects(s: &Stores) -> ObjectIndexes {
    let ((pods, owners), misc) = rayon::join(
        || rayon::join(|| index_pods(s), || index_owners(s)),
        || index_misc(s),
    );
    (pods, owners, misc)
}

impl Index {
    fn new((pods, owners, misc): ObjectIndexes, events: EventIndexes) -> Index {
        let (node_by_name, pods_by_node, pods_by_ns, pod_labels) = pods;
        let (pod_owner, workloads, pods_by_workload) = owners;
        let (events_by_uid, events_by_obj) = events;
        let (pvc_by_key, pv_by_name, sc_by_name, nodes_by_zone) = misc;
        Index {
            node_by_name,
            pods_by_node,
            pods_by_ns,
            pod_labels,
            pod_owner,
            workloads,
            pods_by_workload,
            pvc_by_key,
            pv_by_name,
            sc_by_name,
            nodes_by_zone,
            events_by_uid,
            events_by_obj,
        }
    }
}

type EventIndexes = (Postings, Postings);

fn index_events(events: &[Event]) -> EventIndexes {
    let (by_uid, by_obj) = rayon::join(
        || {
            events
                .par_iter()
                .enumerate()
                .filter_map(|(i, e)| Some((uid_hash(e.involved_uid.as_deref()?), i as u32)))
                .collect()
        },
        || {
            events
                .par_iter()
                .enumerate()
                .map(|(i, e)| {
                    let o = &e.involved;
                    let ns = o.namespace.as_deref().unwrap_or_default();
                    (obj_hash(&o.kind, ns, &o.name), i as u32)
                })
                .collect()
        },
    );
    (Postings::new(by_uid), Postings::new(by_obj))
}

type MiscIndexes = (
    FxHashMap<(String, String), u32>,
    FxHashMap<String, u32>,
    FxHashMap<String, u32>,
    BTreeMap<String, Vec<u32>>,
);

fn index_misc(s: &Stores) -> MiscIndexes {
    let pvc = s
        .pvcs
        .iter()
        .enumerate()
        .map(|(i, p)| (ns_name(&p.metadata), i as u32))
        .collect();
    let pv = s
        .pvs
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name().to_owned(), i as u32))
        .collect();
    let sc = s
        .storage_classes
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name().to_owned(), i as u32))
        .collect();
    let mut zones: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (i, n) in s.nodes.iter().enumerate() {
        if let Some(z) = zone_of(n.labels()) {
            zones.entry(z.to_owned()).or_default().push(i as u32);
        }
    }
    (pvc, pv, sc, zones)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{Object, decode_value};
    use serde_json::json;

    fn cluster(values: Vec<serde_json::Value>) -> Cluster {
        let mut st = Stores::default();
        for v in values {
            st.push(decode_value(v, Origin::default(), None).unwrap());
        }
        Cluster::new(st, SourceKind::Snapshot, vec![])
    }

    #[test]
    fn owner_chain_and_selectors() {
        let c = cluster(vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-abc", "namespace": "shop", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d", "controller": true}]}, "spec": {"selector": {"matchLabels": {"app": "web"}}}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-abc-1", "namespace": "shop", "labels": {"app": "web", "pod-template-hash": "abc"}, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": "r", "controller": true}]}, "spec": {"nodeName": "n1", "containers": [{"name": "c"}]}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "orphan-xyz-1", "namespace": "shop", "labels": {"app": "orphan", "pod-template-hash": "xyz"}, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "orphan-xyz", "uid": "r2", "controller": true}]}, "spec": {"containers": [{"name": "c"}]}}),
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "us-east-1a"}}, "spec": {"providerID": "aws:///us-east-1a/i-1"}}),
        ]);
        assert_eq!(c.pods_of("Deployment", "shop", "web").len(), 1);
        assert_eq!(
            c.pods_of("Deployment", "shop", "orphan").len(),
            1,
            "owner inferred from pod-template-hash"
        );
        assert_eq!(c.owner_of(&c.pods[0]).map(|o| o.name.as_str()), Some("web"));
        assert_eq!(c.pods_on_node("n1").count(), 1);
        let sel: Labels = [("app".to_string(), "web".to_string())].into();
        assert_eq!(c.pods_matching_map("shop", &sel).len(), 1);
        assert_eq!(c.pods_matching_map("other", &sel).len(), 0);
        assert_eq!(c.pods_matching("shop", &LabelSelector::default()).len(), 2);
        assert_eq!(c.zones(), vec!["us-east-1a"]);
        assert_eq!(c.detect_cloud(), Cloud::Aws);
        // The Deployment's template is the workload; its pods and ReplicaSet
        // are not repeated. A pod whose ReplicaSet and Deployment are both
        // absent stands for that Deployment, with its pod counted.
        let w: Vec<_> = c
            .workloads()
            .iter()
            .map(|w| {
                format!(
                    "{}/{} pods={} {:?}",
                    w.kind,
                    w.name(),
                    w.pods,
                    w.examples[0]
                )
            })
            .collect();
        assert_eq!(
            w,
            vec![
                "Deployment/web pods=1 Some(\"web-abc-1\")",
                "Deployment/orphan pods=1 Some(\"orphan-xyz-1\")"
            ]
        );
    }

    #[test]
    fn events_sort_by_time_then_name_stably() {
        let event = |name: &str, at: &str, reason: &str| {
            decode_value(
                json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "x"}, "involvedObject": {"kind": "Pod", "name": "p"}, "reason": reason, "lastTimestamp": at}),
                Origin::default(),
                None,
            )
            .unwrap()
        };
        let mut st = Stores::default();
        let mut want = Vec::new();
        for i in 0..200u32 {
            // Many equal times and names: the order among equals is the input's.
            let at = format!("2026-01-01T09:{:02}:00Z", (i * 7919) % 13);
            let name = format!("e{}", i % 5);
            st.push(event(&name, &at, &i.to_string()));
            want.push((at, name, i.to_string()));
        }
        want.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let c = Cluster::new(st, SourceKind::Snapshot, vec![]);
        let got: Vec<String> = c.events.iter().map(|e| e.reason.to_string()).collect();
        let want: Vec<String> = want.into_iter().map(|(_, _, r)| r).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn events_by_uid_and_name() {
        let c = cluster(vec![
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "b", "namespace": "x"}, "involvedObject": {"kind": "Pod", "namespace": "x", "name": "p", "uid": "u2"}, "reason": "New", "lastTimestamp": "2026-01-01T10:00:00Z"}),
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "a", "namespace": "x"}, "involvedObject": {"kind": "Pod", "namespace": "x", "name": "p", "uid": "u1"}, "reason": "Old", "lastTimestamp": "2026-01-01T09:00:00Z"}),
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "c", "namespace": "x"}, "involvedObject": {"kind": "Pod", "namespace": "x", "name": "p"}, "reason": "NoUid", "lastTimestamp": "2026-01-01T11:00:00Z"}),
        ]);
        let reasons = |uid| {
            c.events_for("Pod", Some("x"), "p", uid)
                .iter()
                .map(|e| e.reason.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(reasons(Some("u2")), vec!["New", "NoUid"]);
        assert_eq!(reasons(None), vec!["Old", "New", "NoUid"], "sorted by time");
        // Kubelet events name their Node by name in the uid field.
        let c = cluster(vec![
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "n", "namespace": "default"}, "involvedObject": {"kind": "Node", "name": "worker-1", "uid": "worker-1"}, "reason": "NodeNotReady", "lastTimestamp": "2026-01-01T10:00:00Z"}),
        ]);
        assert_eq!(
            c.events_for("Node", None, "worker-1", Some("0b6c-real-uid"))
                .len(),
            1
        );
        let _ = Object::Event; // keep the import meaningful
    }

    #[test]
    fn events_filed_under_one_hash_are_told_apart() {
        let mut c = cluster(vec![
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "a", "namespace": "x"}, "involvedObject": {"kind": "Pod", "namespace": "x", "name": "a", "uid": "ua"}, "reason": "AboutA", "lastTimestamp": "2026-01-01T09:00:00Z"}),
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "b", "namespace": "x"}, "involvedObject": {"kind": "Pod", "namespace": "x", "name": "b", "uid": "ub"}, "reason": "AboutB", "lastTimestamp": "2026-01-01T10:00:00Z"}),
        ]);
        // As if pod b's keys hashed like pod a's: the index keeps no keys,
        // so the lookup must check each event it finds.
        c.idx.events_by_obj = Postings::new(vec![
            (obj_hash("Pod", "x", "a"), 0),
            (obj_hash("Pod", "x", "a"), 1),
        ]);
        c.idx.events_by_uid = Postings::new(vec![(uid_hash("ua"), 0), (uid_hash("ua"), 1)]);
        let reasons = |name, uid| {
            c.events_for("Pod", Some("x"), name, uid)
                .iter()
                .map(|e| e.reason.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(reasons("a", Some("ua")), vec!["AboutA"]);
        assert_eq!(reasons("a", None), vec!["AboutA"]);
    }
}
