//! `PodCreateFailed`: a controller (ReplicaSet, StatefulSet, Job, DaemonSet,
//! ReplicationController) whose pods the API server refuses, seen as
//! `FailedCreate` events (`pkg/controller/controller_utils.go`,
//! `pkg/controller/statefulset/stateful_pod_control.go`) while the
//! controller still has fewer pods than it wants. The refusals are
//! classified in [`crate::messages::admission`].

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use day2_model::{K8sObject, Res, SourceKind};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rustc_hash::FxHashSet;

const CONTROLLERS: [&str; 5] = [
    "ReplicaSet",
    "StatefulSet",
    "Job",
    "DaemonSet",
    "ReplicationController",
];

pub fn detect<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    let cluster = a.cluster;
    if cluster.source == SourceKind::Manifests {
        return Vec::new();
    }
    // The controllers with a FailedCreate event, by (kind, namespace, name).
    let wanted: FxHashSet<(&str, &str, &str)> = cluster
        .events
        .iter()
        .filter(|e| e.reason == "FailedCreate" && CONTROLLERS.contains(&e.involved.kind.as_str()))
        .map(|e| {
            (
                e.involved.kind.as_str(),
                e.involved.namespace.as_deref().unwrap_or("default"),
                e.involved.name.as_str(),
            )
        })
        .collect();
    let mut out = custom_controllers(a);
    if wanted.is_empty() {
        return out;
    }
    let mut consider = |meta: &'c ObjectMeta,
                        r: &dyn Fn() -> (day2_model::ObjRef, Vec<&'c day2_model::Event>),
                        kind: &str,
                        template: Option<&'c PodTemplateSpec>,
                        short: bool| {
        let key = (
            kind,
            meta.namespace.as_deref().unwrap_or("default"),
            meta.name.as_deref().unwrap_or(""),
        );
        if !short || !wanted.contains(&key) || !a.included(meta.namespace.as_deref()) {
            return;
        }
        let (obj, events) = r();
        let failed: Vec<_> = events
            .iter()
            .copied()
            .filter(|e| e.reason == "FailedCreate")
            .collect();
        let Some(last) = failed.last() else { return };
        let mut d = Detected::new(
            Kind::PodCreateFailed,
            obj,
            Subject::Controller { meta, template },
        );
        d.evidence = evidence_of(&failed, 3);
        d.since = failed.first().and_then(|e| e.first.or(e.last));
        d.detail = Detail::Message(last.message_text().to_owned());
        d.events = events;
        out.push(d);
    };
    fn refs<'c, T: K8sObject>(
        cluster: &'c day2_model::Cluster,
        r: &'c Res<T>,
    ) -> impl Fn() -> (day2_model::ObjRef, Vec<&'c day2_model::Event>) {
        move || (r.objref(), cluster.events_for_obj(r))
    }
    // The ReplicaSet and ReplicationController managers set `ReplicaFailure`
    // (reason `FailedCreate`) while creations fail
    // (`pkg/controller/replicaset/replica_set_utils.go`, `calculateStatus`),
    // and their status may still count a pod that is being deleted, which
    // they no longer count as theirs (`controller.FilterActivePods`): the
    // condition says the controller is short whatever the counts say.
    fn replica_failure<'x>(
        mut conds: impl Iterator<Item = (&'x str, &'x str, Option<&'x str>)>,
    ) -> bool {
        conds.any(|(t, s, r)| t == "ReplicaFailure" && s == "True" && r == Some("FailedCreate"))
    }
    for r in &cluster.replica_sets {
        let want = r.spec.replicas.unwrap_or(1);
        let have = r.status.as_ref().map_or(0, |s| s.replicas);
        let failing = replica_failure(
            r.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        c.type_.as_deref().unwrap_or(""),
                        c.status.as_deref().unwrap_or(""),
                        c.reason.as_deref(),
                    )
                }),
        );
        // Its active pods in the input, as the manager counts them: the
        // status may still count one that failed or is being deleted. Only
        // for a ReplicaSet with a FailedCreate event: the rest never count.
        let named = wanted.contains(&("ReplicaSet", r.ns_or_default(), r.name()));
        let active = cluster
            .pods_in_namespace(r.ns_or_default())
            .filter(|_| named)
            .filter(|p| {
                p.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.kind == "ReplicaSet" && o.name == r.name())
            })
            .filter(|p| !crate::model::is_terminal(p) && !crate::model::is_deleting(p))
            .count();
        let pods_seen = named
            && cluster
                .pods_in_namespace(r.ns_or_default())
                .next()
                .is_some();
        let t = r.spec.template.as_ref();
        consider(
            &r.metadata,
            &refs(cluster, r),
            "ReplicaSet",
            t,
            want > have || failing || (pods_seen && (active as i32) < want),
        );
    }
    for r in &cluster.stateful_sets {
        let want = r.spec.replicas.unwrap_or(1);
        let have = r.status.as_ref().map_or(0, |s| s.replicas);
        let t = Some(&r.spec.template);
        consider(
            &r.metadata,
            &refs(cluster, r),
            "StatefulSet",
            t,
            want > have,
        );
    }
    for r in &cluster.daemon_sets {
        let short = r
            .status
            .as_ref()
            .is_none_or(|s| s.current_number_scheduled < s.desired_number_scheduled);
        let t = Some(&r.spec.template);
        consider(&r.metadata, &refs(cluster, r), "DaemonSet", t, short);
    }
    for r in &cluster.jobs {
        let finished = r
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| matches!(c.type_.as_str(), "Complete" | "Failed") && c.status == "True");
        let t = r.spec.as_ref().map(|s| &s.template);
        consider(&r.metadata, &refs(cluster, r), "Job", t, !finished);
    }
    for r in &cluster.replication_controllers {
        let want = r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let have = r.status.as_ref().map_or(0, |s| s.replicas);
        let failing = replica_failure(
            r.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_deref())),
        );
        let t = r.spec.as_ref().and_then(|s| s.template.as_ref());
        consider(
            &r.metadata,
            &refs(cluster, r),
            "ReplicationController",
            t,
            want > have || failing,
        );
    }
    out
}

/// Controllers of other kinds that create pods (Tekton's TaskRun, Argo's
/// Workflow, the Spark operator's SparkApplication) and report the API
/// server's refusal of a pod on themselves: `pods "<name>" is forbidden:
/// …` in a Warning event about the object (tektoncd/pipeline's
/// `Failed … pods "…-pod-ab2d42" is forbidden: maximum memory usage per
/// Pod is 8Gi, but limit is 17179869184`), or their own failure to build
/// it from an object that is not there (`failed to create task run pod
/// "x": translating TaskSpec to Pod: secrets "y" not found`,
/// tektoncd/pipeline#7760).
fn custom_controllers<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    let cluster = a.cluster;
    let refused = |m: &str| {
        (m.contains("pods \"") && m.contains("\" is forbidden: "))
            || (m.starts_with("failed to create ")
                && m.contains(" pod ")
                && (m.contains("\" not found") || m.contains("\" is invalid: ")))
    };
    let named: FxHashSet<(&str, &str, &str)> = cluster
        .events
        .iter()
        .filter(|e| {
            e.is_warning()
                && !CONTROLLERS.contains(&e.involved.kind.as_str())
                && e.involved.kind != "Pod"
        })
        .filter(|e| refused(e.message_text()))
        .map(|e| {
            (
                e.involved.kind.as_str(),
                e.involved.namespace.as_deref().unwrap_or("default"),
                e.involved.name.as_str(),
            )
        })
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for o in &cluster.other {
        if !named.contains(&(o.kind.as_str(), o.ns_or_default(), o.name()))
            || !a.included(o.namespace())
        {
            continue;
        }
        let events = cluster.events_for_obj(o);
        let failed: Vec<_> = events
            .iter()
            .copied()
            .filter(|e| e.is_warning() && refused(e.message_text()))
            .collect();
        let Some(last) = failed.last() else { continue };
        // The refusal as the API server wrote it, from `pods "…"` on.
        let msg = last.message_text();
        let at = msg
            .find("pods \"")
            .filter(|_| msg.contains("\" is forbidden: "))
            .unwrap_or(0);
        let mut d = Detected::new(
            Kind::PodCreateFailed,
            o.objref(),
            Subject::Controller {
                meta: &o.metadata,
                template: None,
            },
        );
        d.evidence = evidence_of(&failed, 3);
        d.since = failed.first().and_then(|e| e.first.or(e.last));
        d.detail = Detail::Message(msg[at..].to_owned());
        d.events = events;
        out.push(d);
    }
    out
}
