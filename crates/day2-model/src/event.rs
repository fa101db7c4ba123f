//! Events in one shape, whichever wire shape they arrived in.
//!
//! core/v1 Events written by legacy recorders carry `count`, `firstTimestamp`
//! and `lastTimestamp`; Events written through events.k8s.io (the scheduler)
//! carry `eventTime` and `series`. Both are normalised here:
//! last = series.lastObservedTime ?? lastTimestamp ?? eventTime ?? creationTimestamp,
//! first = eventTime ?? firstTimestamp ?? last, count = series.count ?? count ?? 1.

use crate::types::{ObjRef, Origin};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event as CoreEvent, EventSource, ObjectReference};
use k8s_openapi::api::events::v1::Event as EventsEvent;
use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize};
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
        let (first, last, count) = span(Span {
            series_last,
            last_timestamp: e.last_timestamp.as_ref().map(|t| t.0),
            event_time: e.event_time.as_ref().map(|t| t.0),
            created: e.metadata.creation_timestamp.as_ref().map(|t| t.0),
            first_timestamp: e.first_timestamp.as_ref().map(|t| t.0),
            count: e.series.as_ref().and_then(|s| s.count).or(e.count),
        });
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
        let (first, last, count) = span(Span {
            series_last,
            last_timestamp: e.deprecated_last_timestamp.as_ref().map(|t| t.0),
            event_time: e.event_time.as_ref().map(|t| t.0),
            created: e.metadata.creation_timestamp.as_ref().map(|t| t.0),
            first_timestamp: e.deprecated_first_timestamp.as_ref().map(|t| t.0),
            count: e.series.as_ref().map(|s| s.count).or(e.deprecated_count),
        });
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

/// The times and count an event's writer filled, in whichever fields.
struct Span {
    series_last: Option<Timestamp>,
    last_timestamp: Option<Timestamp>,
    event_time: Option<Timestamp>,
    created: Option<Timestamp>,
    first_timestamp: Option<Timestamp>,
    /// `series.count`, else `count`.
    count: Option<i32>,
}

/// First seen, last seen and how often, by the rule in the module's head.
fn span(s: Span) -> (Option<Timestamp>, Option<Timestamp>, u32) {
    let last = s
        .series_last
        .or(s.last_timestamp)
        .or(s.event_time)
        .or(s.created);
    let first = s.event_time.or(s.first_timestamp).or(last);
    let count = s.count.filter(|c| *c > 0).unwrap_or(1) as u32;
    (first, last, count)
}

/// A core/v1 Event as a snapshot holds it, read for the fields day2 uses and
/// nothing else: the message is interned straight from the decoder's text
/// (borrowed, or unescaped into its scratch buffer), so a message seen
/// before costs no allocation, and metadata other than the name, namespace
/// and creation time is stepped over. Typed as k8s-openapi's `Event` has
/// them (a missing or null `metadata` or `involvedObject` is empty there
/// too), so text it refuses for these fields is refused here too.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEvent {
    metadata: Option<WireMeta>,
    involved_object: Option<ObjectReference>,
    reason: Option<Known>,
    message: Option<Interned>,
    #[serde(rename = "type")]
    type_: Option<Known>,
    reporting_component: Option<Known>,
    source: Option<EventSource>,
    first_timestamp: Option<Timestamp>,
    last_timestamp: Option<Timestamp>,
    event_time: Option<Timestamp>,
    count: Option<i32>,
    series: Option<WireSeries>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireMeta {
    name: Option<String>,
    namespace: Option<String>,
    creation_timestamp: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSeries {
    count: Option<i32>,
    last_observed_time: Option<Timestamp>,
}

/// A string handed to a function as the decoder holds it (borrowed from the
/// input, or unescaped into the decoder's scratch buffer): nothing is copied
/// unless the function copies it.
struct ReadStr<T>(fn(&str) -> T);

impl<T> Visitor<'_> for ReadStr<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
        Ok((self.0)(s))
    }
}

/// Text kept as shared static text when it is a known value, copied only otherwise.
struct Known(Cow<'static, str>);

impl<'de> Deserialize<'de> for Known {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ReadStr(|s| {
            Known(match KNOWN.iter().find(|k| **k == s) {
                Some(k) => Cow::Borrowed(k),
                None => Cow::Owned(s.to_owned()),
            })
        }))
    }
}

/// Text interned as the decoder hands it over ([`crate::intern::intern_str`]).
struct Interned(Arc<str>);

impl<'de> Deserialize<'de> for Interned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ReadStr(|s| Interned(crate::intern::intern_str(s))))
    }
}

impl Event {
    /// A core/v1 Event from its JSON text ([`WireEvent`]).
    pub fn from_json(raw: &str, origin: Origin) -> Result<Event, serde_json::Error> {
        let e: WireEvent = serde_json::from_str(raw)?;
        let meta = e.metadata.unwrap_or_default();
        let (first, last, count) = span(Span {
            series_last: e.series.as_ref().and_then(|s| s.last_observed_time),
            last_timestamp: e.last_timestamp,
            event_time: e.event_time,
            created: meta.creation_timestamp,
            first_timestamp: e.first_timestamp,
            count: e.series.as_ref().and_then(|s| s.count).or(e.count),
        });
        let mut source = e.source.unwrap_or_default();
        let component = match e.reporting_component {
            Some(Known(c)) if !c.is_empty() => c,
            _ => known(source.component.take().unwrap_or_default()),
        };
        let (involved, involved_uid, field_path) =
            split_reference(e.involved_object.unwrap_or_default());
        Ok(Event {
            involved_uid,
            field_path,
            involved,
            reason: e.reason.map_or(Cow::Borrowed(""), |k| k.0),
            message: e.message.map_or_else(|| Arc::from(""), |m| m.0),
            type_: e.type_.map_or(Cow::Borrowed("Normal"), |k| k.0),
            component,
            host: source.host,
            first,
            last,
            count,
            namespace: meta.namespace,
            name: meta.name.unwrap_or_default(),
            origin,
        })
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

    /// The lean read and k8s-openapi's agree on every shape a snapshot
    /// holds, and refuse the same malformed fields.
    #[test]
    fn the_lean_read_is_the_typed_read() {
        let shapes = [
            serde_json::json!({
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": "web.1", "namespace": "shop", "creationTimestamp": "2026-01-01T09:00:00Z",
                             "uid": "x", "resourceVersion": "9", "managedFields": [{"manager": "kubelet", "fieldsV1": {"f:count": {}}}]},
                "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web", "uid": "u1", "fieldPath": "spec.containers{app}", "apiVersion": "v1"},
                "reason": "BackOff", "message": "Back-off pulling image \"x\" \u{e9}\n", "type": "Normal",
                "source": {"component": "kubelet", "host": "n1"},
                "firstTimestamp": "2026-01-01T09:00:00Z", "lastTimestamp": "2026-01-01T09:05:00Z", "count": 7,
                "eventTime": null, "reportingComponent": "", "reportingInstance": ""
            }),
            serde_json::json!({
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": "db-0.2", "namespace": "db"},
                "involvedObject": {"kind": "Pod", "namespace": "db", "name": "db-0"},
                "reason": "SomethingNew", "type": "Warning", "action": "Scheduling",
                "message": "0/3 nodes are available: 3 Insufficient cpu.",
                "reportingComponent": "my-operator", "source": {},
                "firstTimestamp": null, "lastTimestamp": null,
                "eventTime": "2026-01-01T09:00:00.123456Z",
                "series": {"count": 4, "lastObservedTime": "2026-01-01T09:10:00.000001Z"}
            }),
            serde_json::json!({"metadata": {"name": "bare"}, "involvedObject": {}, "count": 0, "series": null}),
            serde_json::json!({"involvedObject": null, "message": null}),
            serde_json::json!({"metadata": null}),
        ];
        for v in shapes {
            let typed: CoreEvent = serde_json::from_value(v.clone()).unwrap();
            let typed = serde_json::to_value(Event::from_core(typed, Origin::default())).unwrap();
            let lean = Event::from_json(&v.to_string(), Origin::default()).unwrap();
            assert_eq!(serde_json::to_value(lean).unwrap(), typed, "{v}");
        }
        let refused = [
            r#"{"metadata": {"name": "a"}, "involvedObject": {}, "count": "7"}"#,
            r#"{"metadata": {"name": "a"}, "involvedObject": {}, "lastTimestamp": "yesterday"}"#,
            r#"{"metadata": {"name": "a"}, "involvedObject": {}, "message": 42}"#,
            r#"{"metadata": {"name": "a"}, "involvedObject": {"name": 1}}"#,
            r#"{"metadata": {"name": ["a"]}}"#,
            r#"{"metadata": {"creationTimestamp": "noon"}}"#,
            r#"{"series": {"count": 1.5}}"#,
            r#"{"source": {"host": false}}"#,
            r#"{"reason": {}}"#,
        ];
        for raw in refused {
            assert!(serde_json::from_str::<CoreEvent>(raw).is_err(), "{raw}");
            assert!(Event::from_json(raw, Origin::default()).is_err(), "{raw}");
        }
    }

    #[test]
    fn a_message_seen_before_is_the_same_copy() {
        let raw =
            r#"{"metadata": {"name": "a"}, "involvedObject": {}, "message": "lean \"read\" test"}"#;
        let a = Event::from_json(raw, Origin::default()).unwrap();
        let b = Event::from_json(raw, Origin::default()).unwrap();
        assert!(Arc::ptr_eq(&a.message, &b.message));
        assert_eq!(&*a.message, "lean \"read\" test");
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
