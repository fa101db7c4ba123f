//! Symptom detectors: what hurts, read from pod status, conditions, container
//! states and events. One module per symptom family; each returns
//! [`Detected`] symptoms with the events that show them.

pub mod admission_rejected;
pub mod autoscaling;
pub mod backend_port;
pub mod crash_loop;
pub mod create;
pub mod drain;
pub mod eviction;
pub mod gce_backends;
pub mod image_pull;
pub mod ingress;
pub mod ingress_address;
pub mod ingress_tls;
pub mod init;
pub mod job;
pub mod load_balancer;
pub mod manual_endpoints;
pub mod node;
pub mod pod_pending;
pub mod probe;
pub mod pvc;
pub mod route;
pub mod run_failed;
pub mod scaled_object;
pub mod service;
pub mod start;
pub mod statefulset;
pub mod traefik;
pub mod volume;

use crate::analysis::Analysis;
pub use crate::kind::Kind;
use crate::messages::image::PullClass;
use crate::messages::scheduler::FitError;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, ObjRef, Res};
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Node, PersistentVolumeClaim, PodTemplateSpec, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rayon::prelude::*;

/// What a symptom is about.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'c> {
    Pod(&'c Res<Pod>),
    Pvc(&'c Res<PersistentVolumeClaim>),
    StatefulSet(&'c Res<StatefulSet>),
    Service(&'c Res<Service>),
    Ingress(&'c Res<Ingress>),
    Node(&'c Res<Node>),
    /// A pod controller (ReplicaSet, StatefulSet, Job, DaemonSet,
    /// ReplicationController) and its pod template.
    Controller {
        meta: &'c ObjectMeta,
        template: Option<&'c PodTemplateSpec>,
    },
    Job(&'c Res<Job>),
    Hpa(&'c Res<HorizontalPodAutoscaler>),
    /// A Gateway API route (HTTPRoute, GRPCRoute, …).
    Route(&'c Res<day2_model::object::DynObject>),
    /// A KEDA ScaledObject.
    Scaler(&'c Res<day2_model::object::DynObject>),
}

/// The scheduler's word on a Pending pod.
#[derive(Debug, Clone, Default)]
pub struct PendingDetail {
    /// The message analysed: the PodScheduled condition's (full text) or the latest event's.
    pub message: Option<String>,
    pub fit: Option<FitError>,
}

/// Symptom-specific facts the detector already parsed.
#[derive(Debug, Clone)]
pub enum Detail {
    None,
    Pending(PendingDetail),
    Image {
        container: String,
        image: String,
        /// The runtime's error text, when an event or the waiting message carries it.
        error: Option<String>,
        class: PullClass,
    },
    /// A failing probe of a container that is not crash-looping.
    Probe {
        container: String,
    },
    Crash {
        container: String,
        exit_code: Option<i32>,
        reason: Option<String>,
        restarts: i32,
        finished: Option<Timestamp>,
    },
    Volume {
        message: String,
    },
    Ingress {
        service: String,
        port: Option<String>,
        host: String,
        path: String,
    },
    /// The upstream message the symptom was detected from.
    Message(String),
}

/// One detected symptom.
#[derive(Debug, Clone)]
pub struct Detected<'c> {
    pub kind: Kind,
    pub object: ObjRef,
    pub since: Option<Timestamp>,
    /// Lines shown with the symptom: event evidence, status messages.
    pub evidence: Vec<String>,
    /// Events about the subject, oldest first.
    pub events: Vec<&'c Event>,
    pub subject: Subject<'c>,
    pub detail: Detail,
    /// Evidence that was absent from the input.
    pub missing: Vec<String>,
}

impl<'c> Detected<'c> {
    pub fn new(kind: Kind, object: ObjRef, subject: Subject<'c>) -> Self {
        Detected {
            kind,
            object,
            since: None,
            evidence: Vec::new(),
            events: Vec::new(),
            subject,
            detail: Detail::None,
            missing: Vec::new(),
        }
    }

    pub fn pod(&self) -> Option<&'c Res<Pod>> {
        match self.subject {
            Subject::Pod(p) => Some(p),
            _ => None,
        }
    }

    /// The pod of a crash and the container that crashed, from its spec.
    pub fn crashed(&self) -> Option<(&'c Res<Pod>, &'c k8s_openapi::api::core::v1::Container)> {
        let pod = self.pod()?;
        let Detail::Crash { container, .. } = &self.detail else {
            return None;
        };
        Some((pod, crate::model::spec_container(pod, container)?))
    }

    /// Events of this reason, oldest first.
    pub fn events_with<'s>(&'s self, reason: &'s str) -> impl Iterator<Item = &'c Event> + 's {
        self.events
            .iter()
            .copied()
            .filter(move |e| e.reason == reason)
    }
}

/// Whether a pod could carry a pod-level symptom (cheap pre-filter before
/// its events are looked up).
fn pod_looks_unhealthy(pod: &Pod) -> bool {
    if model::is_deleting(pod) {
        return false;
    }
    if model::is_terminal(pod) {
        // A run that completed although the kernel's OOM killer struck in
        // its container (a child process killed; docker and containerd
        // mark the container OOMKilled, exit code 0): the work may be cut
        // short, and the next run meets the same limit.
        return model::phase(pod) == "Succeeded"
            && model::container_statuses(pod).any(|s| {
                s.state
                    .as_ref()
                    .and_then(|st| st.terminated.as_ref())
                    .is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"))
            });
    }
    match model::phase(pod) {
        "Pending" => true,
        "" => model::condition(pod, "PodScheduled").is_some_and(|c| c.status == "False"),
        // A container waiting, or stopped in a pod that should be running
        // (its node restarted and nothing has started it again).
        _ => model::container_statuses(pod).any(|s| {
            s.state
                .as_ref()
                .is_some_and(|st| st.waiting.is_some() || st.terminated.is_some())
                || s.last_state
                    .as_ref()
                    .and_then(|st| st.terminated.as_ref())
                    .is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"))
        }),
    }
}

/// `day2.dev/ignore: all` on the object: not a symptom either (a namespace-scoped
/// live capture marks the other namespaces' pods this way; they count for
/// node capacity only).
fn ignored_entirely<T: day2_model::K8sObject>(r: &day2_model::Res<T>) -> bool {
    r.annotations()
        .get("day2.dev/ignore")
        .is_some_and(|v| v.split([',', ' ']).any(|c| c.trim() == "all"))
}

/// Pod symptoms (Pending, volumes, images, crashes), detected in parallel.
pub fn detect_pods<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    let cluster = a.cluster;
    cluster
        .pods
        .par_iter()
        .filter(|p| a.included(p.namespace()) && !ignored_entirely(p))
        .filter(|p| pod_looks_unhealthy(p) || probe::candidate(p))
        .flat_map_iter(|p| {
            let events = cluster.events_for_obj(p);
            let mut v = Vec::new();
            v.extend(probe::detect(a, p, &events));
            if !pod_looks_unhealthy(p) {
                return v;
            }
            if let Some(d) = pod_pending::detect(a, p, &events) {
                v.push(d);
            } else if let Some(d) = init::detect(a, p, &events) {
                v.push(d);
            }
            v.extend(volume::detect(a, p, &events));
            v.extend(image_pull::detect(a, p, &events));
            v.extend(crash_loop::detect(a, p, &events));
            v.extend(start::detect(a, p, &events));
            v
        })
        .collect()
}

pub fn detect_claims<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    a.cluster
        .pvcs
        .par_iter()
        .filter(|p| a.included(p.namespace()))
        .filter_map(|p| pvc::detect(a, p))
        .collect()
}

pub fn detect_nodes<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    a.cluster
        .nodes
        .par_iter()
        .flat_map_iter(|n| {
            node::detect(a, n)
                .into_iter()
                .chain(eviction::pressure(a, n))
        })
        .collect()
}

/// Pods the kubelet evicted (phase `Failed`, reason `Evicted`), and
/// run-to-completion pods no Job owns that failed.
pub fn detect_evictions<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    a.cluster
        .pods
        .par_iter()
        .filter(|p| a.included(p.namespace()) && !ignored_entirely(p))
        .filter_map(|p| {
            eviction::detect(a, p)
                .or_else(|| admission_rejected::detect(a, p))
                .or_else(|| run_failed::detect(a, p))
        })
        .collect()
}

/// Controllers whose pods the API server refuses (`FailedCreate`).
pub fn detect_create_failures<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    create::detect(a)
}

/// Services of type LoadBalancer without an address, failed Jobs,
/// HorizontalPodAutoscalers that cannot scale, and cordoned nodes a
/// PodDisruptionBudget keeps from draining.
pub fn detect_controllers<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    let cluster = a.cluster;
    let mut v: Vec<Detected<'c>> = cluster
        .services
        .par_iter()
        .filter(|s| a.included(s.namespace()))
        .filter_map(|s| load_balancer::detect(a, s))
        .collect();
    v.extend(
        cluster
            .jobs
            .iter()
            .filter(|j| a.included(j.namespace()))
            .filter_map(|j| job::detect(a, j)),
    );
    v.extend(
        cluster
            .hpas
            .iter()
            .filter(|h| a.included(h.namespace()))
            .filter_map(|h| autoscaling::detect(a, h)),
    );
    v.extend(
        cluster
            .other
            .iter()
            .filter(|o| a.included(o.metadata.namespace.as_deref()))
            .filter_map(|o| scaled_object::detect(a, o)),
    );
    v.extend(cluster.nodes.iter().filter_map(|n| drain::detect(a, n)));
    v
}

pub fn detect_services<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    a.cluster
        .services
        .par_iter()
        .filter(|s| a.included(s.namespace()))
        .filter_map(|s| service::detect(a, s))
        .collect()
}

pub fn detect_statefulsets<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    a.cluster
        .stateful_sets
        .par_iter()
        .filter(|s| a.included(s.namespace()))
        .filter_map(|s| statefulset::detect(a, s))
        .collect()
}

pub fn detect_ingresses<'c>(a: &Analysis<'c>) -> Vec<Detected<'c>> {
    let mut v: Vec<Detected<'c>> = a
        .cluster
        .ingresses
        .par_iter()
        .filter(|s| a.included(s.namespace()))
        .filter_map(|s| {
            ingress::detect(a, s)
                .or_else(|| ingress_address::detect(a, s))
                .or_else(|| gce_backends::detect(a, s))
        })
        .collect();
    v.extend(
        a.cluster
            .other
            .iter()
            .filter(|o| a.included(o.metadata.namespace.as_deref()))
            .filter_map(|o| route::detect(a, o)),
    );
    v
}

/// Evidence lines of events (most recent last), at most `max`.
pub fn evidence_of(events: &[&Event], max: usize) -> Vec<String> {
    let skip = events.len().saturating_sub(max);
    events.iter().skip(skip).map(|e| e.evidence()).collect()
}

/// Restarts from which a container's restarts are a rhythm rather than a
/// stumble at start-up (three restarts while its node's network came up).
const RHYTHM_RESTARTS: i64 = 10;

/// How long a container the kernel killed at its memory limit must have run
/// since: the load that reached the limit (a nightly backup, a daily batch,
/// a traffic peak) comes round again, so an OOM kill stays an incident for
/// a day.
const OOM_RECOVERED_AFTER_SECS: i64 = 24 * 60 * 60;

/// Whether a container's trouble is history: it runs and is Ready now, and
/// its last termination, its current start and every event in `trouble` lie
/// at least [`crate::analysis::RECOVERED_AFTER_SECS`] before the time the
/// input shows the cluster at. A container still waiting or terminated is
/// never recovered, whatever the clocks say. Nor is one that restarts on a
/// rhythm: the quiet since must also be three times the mean time between
/// its restarts over the pod's life (memcached killed 1,255 times in 46
/// days, once an hour, is not recovered 43 minutes after the last). A last
/// termination by the kernel at the memory limit needs
/// [`OOM_RECOVERED_AFTER_SECS`] of quiet instead.
pub fn recovered(
    a: &Analysis<'_>,
    pod: &day2_model::pod::Pod,
    cs: &day2_model::pod::ContainerStatus,
    trouble: &[&Event],
) -> bool {
    let Some(running) = cs.state.as_ref().and_then(|s| s.running.as_ref()) else {
        return false;
    };
    if !cs.ready {
        return false;
    }
    let finished = cs
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .map(|t| t.finished_at.as_ref().map(|t| t.0));
    let started = running.started_at.as_ref().map(|t| t.0);
    let events = trouble.iter().map(|e| e.last.or(e.first));
    // Every time must be known: trouble of unknown age is not history.
    let mut last = None;
    for t in finished.into_iter().chain([started]).chain(events) {
        let Some(t) = t else { return false };
        last = last.max(Some(t));
    }
    let Some(last) = last else { return false };
    let oom = cs
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"));
    let quiet = if oom {
        OOM_RECOVERED_AFTER_SECS
    } else {
        crate::analysis::RECOVERED_AFTER_SECS
    };
    if a.observed_at()
        .is_none_or(|now| now.as_second().saturating_sub(last.as_second()) < quiet)
    {
        return false;
    }
    let restarts = i64::from(cs.restart_count);
    let rhythm = model::creation(&pod.metadata)
        .zip(a.observed_at())
        .filter(|_| restarts >= RHYTHM_RESTARTS)
        .map(|(born, now)| (now.as_second() - born.as_second()).max(0) / restarts);
    a.observed_at().is_some_and(|now| {
        rhythm.is_none_or(|every| now.as_second() - last.as_second() >= 3 * every)
    })
}
