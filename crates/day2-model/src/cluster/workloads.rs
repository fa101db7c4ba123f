//! Workloads: every pod template in the input with the object that owns
//! it, and the pods that run it, found through owner references even when
//! the controller itself was not captured.

use super::index::NO_OWNER;
use super::{Cluster, EXAMPLES, WorkloadKey};
use crate::object::K8sObject;
use crate::selector::{Labels, labels_of};
use crate::types::{ObjRef, Origin};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rustc_hash::FxHashMap;

/// The kind and name of an object's controller (its owner reference with
/// `controller: true`).
pub fn controller_of(meta: &ObjectMeta) -> Option<(&str, &str)> {
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

impl Cluster {
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
                .owners
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
                        _ => ($kind, own, K8sObject::api_version(&*r.obj)),
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
            .owners
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
            let owner = self
                .idx
                .owners
                .pod_owner
                .get(i)
                .copied()
                .unwrap_or(NO_OWNER);
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
            let Some(top) = self.idx.owners.workloads.get(owner as usize) else {
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
}
