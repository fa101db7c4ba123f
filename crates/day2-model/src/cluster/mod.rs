//! The `Cluster`: every object of one source, typed, with the indexes the
//! analyses need. Built once; analyses only read it.

mod index;
mod reuse;
mod workloads;

pub use reuse::Reuse;

pub use workloads::{Workload, controller_of};

use crate::event::Event;
use crate::object::{K8sObject, Res, Stores};
use crate::pod::Pod;
use crate::selector::{Labels, label_selector_matches, map_selector_matches};
use crate::topology::zone_of;
use crate::types::{Cloud, ObjRef};
use index::{Index, index_events, index_objects, obj_hash, sort_events, uid_hash};
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

/// The StorageClass a claim names, as Kubernetes reads it: the beta
/// annotation `volume.beta.kubernetes.io/storage-class` when set (older
/// charts and manifests still write it), else `spec.storageClassName`.
/// `Some("")` asks for no class.
pub fn claim_class_name(pvc: &PersistentVolumeClaim) -> Option<&str> {
    beta_class(&pvc.metadata).or_else(|| pvc.spec.as_ref()?.storage_class_name.as_deref())
}

/// The size a claim asks for (`spec.resources.requests.storage`), as
/// written (`40Gi`).
pub fn claim_size(pvc: &PersistentVolumeClaim) -> Option<&str> {
    let requests = pvc.spec.as_ref()?.resources.as_ref()?.requests.as_ref()?;
    requests.get("storage").map(|q| q.0.as_str())
}

/// The StorageClass a volume belongs to, read the same way.
pub fn volume_class_name(pv: &PersistentVolume) -> Option<&str> {
    beta_class(&pv.metadata).or_else(|| pv.spec.as_ref()?.storage_class_name.as_deref())
}

fn beta_class(meta: &ObjectMeta) -> Option<&str> {
    meta.annotations
        .as_ref()?
        .get("volume.beta.kubernetes.io/storage-class")
        .map(String::as_str)
}

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
    /// Each pod's cpu, memory and ephemeral-storage requests, in `pods`'
    /// order ([`Cluster::pod_requests`]), worked out on first use.
    requests: std::sync::OnceLock<Arc<[[i64; 3]]>>,
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
    /// Index the objects. Events are sorted by time (then by name and namespace), while
    /// the other objects are indexed; the events' index comes after.
    pub fn new(mut stores: Stores, source: SourceKind, notes: Vec<Note>) -> Cluster {
        let mut events = std::mem::take(&mut stores.events);
        let (rest, ()) = rayon::join(|| index_objects(&stores), || sort_events(&mut events));
        crate::timings::mark("events sorted, objects indexed");
        stores.events = events;
        let events = index_events(&stores.events);
        let lens = index::lens(&stores);
        Cluster::indexed(stores, source, notes, Index::new(rest, events, lens))
    }

    /// A cluster of `stores` with its index built.
    fn indexed(stores: Stores, source: SourceKind, notes: Vec<Note>, idx: Index) -> Cluster {
        Cluster {
            idx,
            stores,
            logs: Vec::new(),
            notes,
            source,
            input: String::new(),
            captured_at: None,
            requests: Default::default(),
        }
    }

    // ---- nodes ----

    pub fn node(&self, name: &str) -> Option<&Res<Node>> {
        self.node_index(name).map(|i| &self.stores.nodes[i])
    }

    /// Where [`Cluster::node`] finds the node in `nodes`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.idx.pods.node_by_name.get(name).map(|i| *i as usize)
    }

    /// No two nodes share a name.
    pub fn node_names_unique(&self) -> bool {
        self.idx.pods.node_by_name.len() == self.stores.nodes.len()
    }

    /// Zone → nodes in that zone (nodes without a zone label are absent).
    pub fn nodes_by_zone(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &Res<Node>>)> {
        self.idx.misc.nodes_by_zone.iter().map(|(z, v)| {
            (
                z.as_str(),
                v.iter().map(|i| &self.stores.nodes[*i as usize]),
            )
        })
    }

    pub fn zones(&self) -> Vec<&str> {
        self.idx
            .misc
            .nodes_by_zone
            .keys()
            .map(String::as_str)
            .collect()
    }

    pub fn node_zone<'a>(&self, node: &'a Res<Node>) -> Option<&'a str> {
        zone_of(node.labels())
    }

    // ---- pods ----

    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &Res<Pod>> {
        self.idx
            .pods
            .pods_by_node
            .get(node)
            .into_iter()
            .flatten()
            .map(|i| &self.stores.pods[*i as usize])
    }

    pub fn pods_in_namespace(&self, ns: &str) -> impl Iterator<Item = &Res<Pod>> {
        self.idx
            .pods
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
        let by_label = self.idx.pods.pod_labels.get(ns)?;
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
            None if self.idx.pods.pod_labels.contains_key(ns)
                || self.idx.pods.pods_by_ns.contains_key(ns) =>
            {
                self.idx
                    .pods
                    .pods_by_ns
                    .get(ns)
                    .cloned()
                    .unwrap_or_default()
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
        let w = *self.idx.owners.pod_owner.get(pod_index)?;
        self.idx.owners.workloads.get(w as usize)
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
            .owners
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
            .misc
            .pvc_by_key
            .get(&(namespace.to_owned(), name.to_owned()))
            .map(|i| &self.stores.pvcs[*i as usize])
    }

    pub fn pv(&self, name: &str) -> Option<&Res<PersistentVolume>> {
        self.idx
            .misc
            .pv_by_name
            .get(name)
            .map(|i| &self.stores.pvs[*i as usize])
    }

    pub fn storage_class(&self, name: &str) -> Option<&Res<StorageClass>> {
        self.idx
            .misc
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
        match claim_class_name(pvc) {
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
                    .events
                    .by_uid
                    .get(uid_hash(uid))
                    .iter()
                    .filter(|&&i| {
                        self.stores.events[i as usize].involved_uid.as_deref() == Some(uid)
                    }),
            );
        }
        let ns = namespace.unwrap_or("");
        for i in self.idx.events.by_obj.get(obj_hash(kind, ns, name)) {
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
            .map(|i| &*self.stores.events[i as usize])
            .collect()
    }

    pub fn events_for_obj<T: K8sObject>(&self, r: &Res<T>) -> Vec<&Event> {
        self.events_for(r.obj.kind(), r.namespace(), r.name(), r.uid())
    }

    // ---- workloads ----

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
            match crate::cloud::provider_id_cloud(pid) {
                Cloud::Generic => {}
                c => vote(c),
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
            if a.contains_key(crate::cloud::AWS_ROLE_ANNOTATION) {
                vote(Cloud::Aws);
            }
            if a.contains_key(crate::cloud::AZURE_CLIENT_ANNOTATION) {
                vote(Cloud::Azure);
            }
            if a.contains_key(crate::cloud::GKE_GSA_ANNOTATION) {
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

/// How many pod names a workload keeps as examples.
pub const EXAMPLES: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{Object, decode_value};
    use crate::types::Origin;
    use index::Postings;
    use serde_json::json;

    fn cluster(values: Vec<serde_json::Value>) -> Cluster {
        let mut st = Stores::default();
        for v in values {
            st.push(decode_value(v, Origin::default(), None).unwrap());
        }
        Cluster::new(st, SourceKind::Snapshot, vec![])
    }

    /// The beta annotation names the class before `spec.storageClassName`
    /// (older charts write only the annotation), as Kubernetes reads it.
    #[test]
    fn a_claims_class_is_its_beta_annotation_first() {
        let c = cluster(vec![
            json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "default", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "kubernetes.io/azure-disk"}),
            json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "scazure"}, "provisioner": "kubernetes.io/azure-disk"}),
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "a", "namespace": "d", "annotations": {"volume.beta.kubernetes.io/storage-class": "scazure"}}, "spec": {"accessModes": ["ReadWriteOnce"]}}),
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "b", "namespace": "d"}, "spec": {"accessModes": ["ReadWriteOnce"]}}),
        ]);
        let class = |name: &str| {
            let pvc = c.pvc("d", name).map(|p| &**p);
            pvc.and_then(|p| c.class_of_claim(p))
                .map(|s| s.name().to_owned())
        };
        assert_eq!(class("a").as_deref(), Some("scazure"));
        assert_eq!(class("b").as_deref(), Some("default"));
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
        c.idx.events.by_obj = Postings::new(vec![
            (obj_hash("Pod", "x", "a"), 0),
            (obj_hash("Pod", "x", "a"), 1),
        ]);
        c.idx.events.by_uid = Postings::new(vec![(uid_hash("ua"), 0), (uid_hash("ua"), 1)]);
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
