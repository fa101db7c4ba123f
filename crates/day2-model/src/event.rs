//! Events in one shape, whichever wire shape they arrived in.
//!
//! core/v1 Events written by legacy recorders carry `count`, `firstTimestamp`
//! and `lastTimestamp`; Events written through events.k8s.io (the scheduler)
//! carry `eventTime` and `series`. Both are normalised here:
//! last = series.lastObservedTime ?? lastTimestamp ?? eventTime ?? creationTimestamp,
//! first = eventTime ?? firstTimestamp ?? last, count = series.count ?? count ?? 1.

use crate::types::{ObjRef, Origin};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event as CoreEvent, ObjectReference};
use k8s_openapi::api::events::v1::Event as EventsEvent;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The object the event is about.
    pub involved: ObjRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub involved_uid: Option<String>,
    /// e.g. `spec.containers{app}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
    /// Upstream's reasons are shared static text; others are owned.
    pub reason: Cow<'static, str>,
    /// Shared with every event that says the same ([`crate::intern`]).
    pub message: Arc<str>,
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub type_: Cow<'static, str>,
    /// Reporting component (`default-scheduler`, `kubelet`, `cluster-autoscaler`, …).
    pub component: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub count: u32,
    /// The Event object's own namespace/name.
    pub namespace: Option<String>,
    pub name: String,
    #[serde(skip)]
    pub origin: Origin,
}

impl Event {
    pub fn is_warning(&self) -> bool {
        self.type_ == "Warning"
    }

    /// The time to order events by.
    pub fn at(&self) -> Option<Timestamp> {
        self.last.or(self.first)
    }

    /// The message without client-go's aggregation prefix.
    pub fn message_text(&self) -> &str {
        self.message
            .strip_prefix("(combined from similar events): ")
            .unwrap_or(&self.message)
    }

    /// One line of evidence: `Warning FailedScheduling (x3, 09:00:01Z–09:04:10Z): message`.
    pub fn evidence(&self) -> String {
        let mut s = format!("{} {}", self.type_, self.reason);
        let mut meta = Vec::new();
        if self.count > 1 {
            meta.push(format!("x{}", self.count));
        }
        match (self.first, self.last) {
            (Some(f), Some(l)) if f != l => meta.push(format!("{f} .. {l}")),
            (_, Some(t)) | (Some(t), None) => meta.push(t.to_string()),
            _ => {}
        }
        if !self.component.is_empty() {
            meta.push(self.component.to_string());
        }
        if !meta.is_empty() {
            s.push_str(&format!(" ({})", meta.join(", ")));
        }
        s.push_str(": ");
        s.push_str(self.message_text());
        s
    }

    pub fn from_core(mut e: CoreEvent, origin: Origin) -> Event {
        let regarding = std::mem::take(&mut e.involved_object);
        let series_last = e
            .series
            .as_ref()
            .and_then(|s| s.last_observed_time.as_ref())
            .map(|t| t.0);
        let event_time = e.event_time.as_ref().map(|t| t.0);
        let created = e.metadata.creation_timestamp.as_ref().map(|t| t.0);
        let last = series_last
            .or(e.last_timestamp.as_ref().map(|t| t.0))
            .or(event_time)
            .or(created);
        let first = event_time
            .or(e.first_timestamp.as_ref().map(|t| t.0))
            .or(last);
        let count = e
            .series
            .as_ref()
            .and_then(|s| s.count)
            .or(e.count)
            .filter(|c| *c > 0)
            .unwrap_or(1) as u32;
        let component = e
            .reporting_component
            .filter(|c| !c.is_empty())
            .or_else(|| e.source.as_mut().and_then(|s| s.component.take()))
            .unwrap_or_default();
        let (involved, involved_uid, field_path) = split_reference(regarding);
        Event {
            involved_uid,
            field_path,
            involved,
            reason: known(e.reason.unwrap_or_default()),
            message: crate::intern::intern(e.message.unwrap_or_default()),
            type_: e.type_.map_or(Cow::Borrowed("Normal"), known),
            component: known(component),
            host: e.source.and_then(|s| s.host),
            first,
            last,
            count,
            namespace: e.metadata.namespace,
            name: e.metadata.name.unwrap_or_default(),
            origin,
        }
    }

    pub fn from_events_v1(mut e: EventsEvent, origin: Origin) -> Event {
        let regarding = e.regarding.take().unwrap_or_default();
        let series_last = e.series.as_ref().map(|s| s.last_observed_time.0);
        let event_time = e.event_time.as_ref().map(|t| t.0);
        let created = e.metadata.creation_timestamp.as_ref().map(|t| t.0);
        let last = series_last
            .or(e.deprecated_last_timestamp.as_ref().map(|t| t.0))
            .or(event_time)
            .or(created);
        let first = event_time
            .or(e.deprecated_first_timestamp.as_ref().map(|t| t.0))
            .or(last);
        let count = e
            .series
            .as_ref()
            .map(|s| s.count)
            .or(e.deprecated_count)
            .filter(|c| *c > 0)
            .unwrap_or(1) as u32;
        let component = e
            .reporting_controller
            .filter(|c| !c.is_empty())
            .or_else(|| {
                e.deprecated_source
                    .as_mut()
                    .and_then(|s| s.component.take())
            })
            .unwrap_or_default();
        let (involved, involved_uid, field_path) = split_reference(regarding);
        Event {
            involved_uid,
            field_path,
            involved,
            reason: known(e.reason.unwrap_or_default()),
            message: crate::intern::intern(e.note.unwrap_or_default()),
            type_: e.type_.map_or(Cow::Borrowed("Normal"), known),
            component: known(component),
            host: e.deprecated_source.and_then(|s| s.host),
            first,
            last,
            count,
            namespace: e.metadata.namespace,
            name: e.metadata.name.unwrap_or_default(),
            origin,
        }
    }
}

/// Event types, reporting components and the reasons of the kubelet,
/// scheduler, controllers and cluster-autoscaler: most events carry one of
/// these, so they are kept as shared static text.
const KNOWN: &[&str] = &[
    "Normal",
    "Warning",
    "kubelet",
    "default-scheduler",
    "cluster-autoscaler",
    "karpenter",
    "deployment-controller",
    "replicaset-controller",
    "statefulset-controller",
    "daemonset-controller",
    "job-controller",
    "cronjob-controller",
    "node-controller",
    "persistentvolume-controller",
    "attachdetach-controller",
    "endpoint-controller",
    "endpoint-slice-controller",
    "service-controller",
    "taint-eviction-controller",
    "ebs.csi.aws.com",
    "disk.csi.azure.com",
    "pd.csi.storage.gke.io",
    "Scheduled",
    "FailedScheduling",
    "NotTriggerScaleUp",
    "TriggeredScaleUp",
    "ScaleDown",
    "Pulling",
    "Pulled",
    "Created",
    "Started",
    "Killing",
    "BackOff",
    "Failed",
    "FailedMount",
    "FailedAttachVolume",
    "SuccessfulAttachVolume",
    "Unhealthy",
    "ProbeWarning",
    "Evicted",
    "OOMKilling",
    "Preempted",
    "NodeReady",
    "NodeNotReady",
    "RegisteredNode",
    "RemovingNode",
    "Starting",
    "NodeHasSufficientMemory",
    "NodeHasNoDiskPressure",
    "NodeHasSufficientPID",
    "NodeAllocatableEnforced",
    "SuccessfulCreate",
    "SuccessfulDelete",
    "ScalingReplicaSet",
    "FailedCreate",
    "ProvisioningSucceeded",
    "ProvisioningFailed",
    "ExternalProvisioning",
    "WaitForFirstConsumer",
    "WaitForPodScheduled",
    "VolumeResizeFailed",
    "FailedBinding",
    "SandboxChanged",
    "FailedCreatePodSandBox",
    "FailedKillPod",
    "Completed",
    "SawCompletedJob",
    "SuccessfulRescale",
    "FailedGetResourceMetric",
    "InvalidDiskCapacity",
    "Rebooted",
    "NetworkNotReady",
];

/// `s` as shared static text when it is a known value.
fn known(s: String) -> Cow<'static, str> {
    match KNOWN.iter().find(|k| **k == s) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(s),
    }
}

/// The object an event is about, its uid and field path, moved out of the reference.
fn split_reference(r: ObjectReference) -> (ObjRef, Option<String>, Option<String>) {
    (
        ObjRef {
            api_version: r.api_version,
            kind: r.kind.unwrap_or_default(),
            namespace: r.namespace.filter(|n| !n.is_empty()),
            name: r.name.unwrap_or_default(),
        },
        r.uid.filter(|u| !u.is_empty()),
        r.field_path,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_shape() {
        let e: CoreEvent = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "web.1", "namespace": "shop", "creationTimestamp": "2026-01-01T09:00:00Z"},
            "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web", "uid": "u1"},
            "reason": "BackOff", "message": "Back-off pulling image \"x\"", "type": "Normal",
            "source": {"component": "kubelet", "host": "n1"},
            "firstTimestamp": "2026-01-01T09:00:00Z", "lastTimestamp": "2026-01-01T09:05:00Z", "count": 7,
            "eventTime": null
        }))
        .unwrap();
        let ev = Event::from_core(e, Origin::default());
        assert_eq!(ev.count, 7);
        assert_eq!(ev.component, "kubelet");
        assert_eq!(ev.first.unwrap().to_string(), "2026-01-01T09:00:00Z");
        assert_eq!(ev.last.unwrap().to_string(), "2026-01-01T09:05:00Z");
        assert_eq!(ev.involved_uid.as_deref(), Some("u1"));
        // Upstream's reasons and components are shared, not copied per event.
        assert!(matches!(ev.reason, Cow::Borrowed("BackOff")));
        assert!(matches!(ev.component, Cow::Borrowed("kubelet")));
    }

    #[test]
    fn series_shape_read_through_core() {
        let e: CoreEvent = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "db-0.2", "namespace": "db"},
            "involvedObject": {"kind": "Pod", "namespace": "db", "name": "db-0"},
            "reason": "FailedScheduling", "type": "Warning", "action": "Scheduling",
            "message": "0/3 nodes are available: 3 Insufficient cpu.",
            "reportingComponent": "default-scheduler", "source": {},
            "firstTimestamp": null, "lastTimestamp": null,
            "eventTime": "2026-01-01T09:00:00.123456Z",
            "series": {"count": 4, "lastObservedTime": "2026-01-01T09:10:00.000001Z"}
        }))
        .unwrap();
        let ev = Event::from_core(e, Origin::default());
        assert_eq!(ev.count, 4);
        assert_eq!(ev.component, "default-scheduler");
        assert_eq!(ev.first.unwrap().to_string(), "2026-01-01T09:00:00.123456Z");
        assert_eq!(ev.last.unwrap().to_string(), "2026-01-01T09:10:00.000001Z");
    }

    #[test]
    fn events_v1_shape() {
        let e: EventsEvent = serde_json::from_value(serde_json::json!({
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "x", "namespace": "db"},
            "regarding": {"kind": "Pod", "namespace": "db", "name": "db-0", "uid": "u"},
            "reason": "FailedScheduling", "type": "Warning", "note": "0/3 nodes are available",
            "reportingController": "default-scheduler", "reportingInstance": "s-1",
            "eventTime": "2026-01-01T09:00:00.000000Z"
        }))
        .unwrap();
        let ev = Event::from_events_v1(e, Origin::default());
        assert_eq!(ev.count, 1);
        assert_eq!(&*ev.message, "0/3 nodes are available");
        assert_eq!(ev.first, ev.last);
    }
}
