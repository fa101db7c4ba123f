//! A Kubernetes Event on the affected object when a new diagnosis appears
//!
//! `kubectl describe` and `kubectl events` then show the cause beside the
//! symptom. Each diagnosis is announced once per symptom and object: before
//! writing, the agent looks for an Event of its own with the same reason and
//! message on the object, so a restart or a new leader does not repeat it.

use day2_model::report::Diagnosis;
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::api::{Api, ListParams, PostParams};

/// The Event's reason.
pub const REASON: &str = "Day2Diagnosis";
/// The Event's source component.
pub const COMPONENT: &str = "day2";
/// The API server's limit on an Event message (`validation.go`,
/// `NoteLengthLimit` in k8s.io/kubernetes/pkg/apis/core/validation).
const MESSAGE_LIMIT: usize = 1024;

/// A diagnosis's identity: the same symptom on the same object.
pub fn key(d: &Diagnosis) -> String {
    let o = &d.symptom.object;
    format!(
        "{}/{}/{}/{}",
        d.symptom.kind,
        o.kind,
        o.namespace.as_deref().unwrap_or(""),
        o.name
    )
}

/// The Event announcing `d` (`instance`: this replica's name).
pub fn event(d: &Diagnosis, instance: &str, now: jiff::Timestamp) -> Event {
    let o = &d.symptom.object;
    let cause = if d.unexplained {
        "cause not found in what day2 can read".to_owned()
    } else {
        format!(
            "root cause in the {} loop: {}",
            d.root_cause.loop_.as_str(),
            d.root_cause.summary
        )
    };
    let mut message = format!("{}: {cause}", d.symptom.kind);
    if !d.fix.is_empty() {
        message.push_str(". Fix: ");
        message.push_str(&d.fix);
    }
    day2_model::redact::redact_in_place(&mut message);
    if message.len() > MESSAGE_LIMIT {
        let mut cut = MESSAGE_LIMIT - 3;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push_str("...");
    }
    let namespace = o.namespace.clone().unwrap_or_else(|| "default".into());
    Event {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}.", o.name)),
            namespace: Some(namespace),
            ..ObjectMeta::default()
        },
        involved_object: ObjectReference {
            api_version: o.api_version.clone(),
            kind: Some(o.kind.clone()),
            namespace: o.namespace.clone(),
            name: Some(o.name.clone()),
            ..ObjectReference::default()
        },
        reason: Some(REASON.into()),
        message: Some(message),
        type_: Some("Warning".into()),
        source: Some(EventSource {
            component: Some(COMPONENT.into()),
            host: None,
        }),
        reporting_component: Some(COMPONENT.into()),
        reporting_instance: Some(instance.to_owned()),
        first_timestamp: Some(Time(now)),
        last_timestamp: Some(Time(now)),
        count: Some(1),
        ..Event::default()
    }
}

/// Post `ev` unless the object already carries the same announcement.
/// Returns whether an Event was created.
pub async fn announce(client: &kube::Client, ev: &Event) -> Result<bool, kube::Error> {
    let ns = ev.metadata.namespace.as_deref().unwrap_or("default");
    let api: Api<Event> = Api::namespaced(client.clone(), ns);
    let o = &ev.involved_object;
    let fields = format!(
        "involvedObject.kind={},involvedObject.name={},reason={REASON}",
        o.kind.as_deref().unwrap_or(""),
        o.name.as_deref().unwrap_or("")
    );
    let existing = api.list(&ListParams::default().fields(&fields)).await?;
    if existing.items.iter().any(|e| e.message == ev.message) {
        return Ok(false);
    }
    api.create(&PostParams::default(), ev).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::report::{Confidence, RootCause, Symptom};
    use day2_model::{Loop, ObjRef};

    fn diagnosis(unexplained: bool, fix: String) -> Diagnosis {
        let svc = ObjRef::new("Service", Some("shop"), "web");
        Diagnosis {
            symptom: Symptom {
                kind: "ServiceWithoutReadyEndpoints".into(),
                loop_: Loop::Network,
                object: svc.clone(),
                workload: None,
                since: None,
                evidence: Vec::new(),
            },
            root_cause: RootCause {
                loop_: Loop::Network,
                rule: Some("NW001".into()),
                summary: "the selector app=wbe matches no pod".into(),
                object: svc,
            },
            chain: Vec::new(),
            fix,
            confidence: Confidence::High,
            also_affected: Vec::new(),
            missing_evidence: Vec::new(),
            unexplained,
            incident: 1,
        }
    }

    #[test]
    fn the_event_names_the_object_the_symptom_and_the_cause() {
        let d = diagnosis(false, "set the selector to app=web".into());
        let e = event(&d, "day2-0", jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(e.metadata.namespace.as_deref(), Some("shop"));
        assert_eq!(e.involved_object.kind.as_deref(), Some("Service"));
        assert_eq!(e.involved_object.name.as_deref(), Some("web"));
        assert_eq!(e.reason.as_deref(), Some(REASON));
        assert_eq!(e.type_.as_deref(), Some("Warning"));
        assert_eq!(
            e.message.as_deref(),
            Some(
                "ServiceWithoutReadyEndpoints: root cause in the network loop: the selector \
                 app=wbe matches no pod. Fix: set the selector to app=web"
            )
        );
    }

    #[test]
    fn an_unexplained_diagnosis_blames_no_loop_and_a_long_fix_is_cut_to_the_api_limit() {
        let d = diagnosis(true, "é".repeat(2000));
        let e = event(&d, "day2-0", jiff::Timestamp::UNIX_EPOCH);
        let m = e.message.unwrap_or_default();
        assert!(
            m.starts_with("ServiceWithoutReadyEndpoints: cause not found"),
            "{m}"
        );
        assert!(!m.contains("network loop"), "{m}");
        assert!(m.len() <= MESSAGE_LIMIT, "{}", m.len());
        assert!(m.ends_with("..."));
    }
}
