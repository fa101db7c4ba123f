//! `HpaLimited` on a KEDA ScaledObject that KEDA refuses: its `Ready`
//! condition is `False` with KEDA's reason (`ScaledObjectCheckFailed`), so
//! KEDA makes no HPA for it and the workload never scales
//! (kedacore/keda#1554: `ScaledObject doesn't have correct scaleTargetRef
//! specification` when the operator may not read a StatefulSet).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use day2_model::Res;
use day2_model::object::DynObject;

/// The `Ready` condition of a KEDA ScaledObject when it is `False`:
/// (reason, message).
pub fn refused(o: &DynObject) -> Option<(&str, &str)> {
    if o.kind != "ScaledObject" || !o.api_version.starts_with("keda.sh/") {
        return None;
    }
    let conditions = o.data.get("status")?.get("conditions")?.as_array()?;
    conditions.iter().find_map(|c| {
        let ready = c.get("type")?.as_str()? == "Ready";
        let not = c.get("status")?.as_str()? == "False";
        let message = c.get("message").and_then(|m| m.as_str()).unwrap_or("");
        (ready && not && !message.is_empty()).then(|| {
            (
                c.get("reason").and_then(|r| r.as_str()).unwrap_or(""),
                message,
            )
        })
    })
}

pub fn detect<'c>(a: &Analysis<'c>, o: &'c Res<DynObject>) -> Option<Detected<'c>> {
    let (reason, message) = refused(o)?;
    let events = a.cluster.events_for_obj(o);
    let warnings: Vec<_> = events.iter().copied().filter(|e| e.is_warning()).collect();
    let mut d = Detected::new(Kind::HpaLimited, o.objref(), Subject::Scaler(o));
    d.evidence
        .push(format!("ScaledObject Ready=False ({reason}): {message}"));
    d.evidence.extend(evidence_of(&warnings, 2));
    d.since = warnings
        .first()
        .and_then(|e| e.first.or(e.last))
        .or_else(|| crate::model::creation(&o.metadata));
    d.detail = Detail::Message(message.to_owned());
    d.events = events;
    Some(d)
}
