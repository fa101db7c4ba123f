//! A controller whose object the API server refuses to create pods or
//! claims from: the spec is invalid (`… is invalid: FIELD: …`), and when an
//! operator writes the controller, the operator or its resource is what to
//! correct, not the controller, which it would overwrite.

use crate::evidence::{Hypothesis, Link};
use day2_model::{Event, Loop, ObjRef, Res};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// A StatefulSet's refusal, with its volumeClaimTemplates read for the
/// unnamed one that makes claims named `-<sts>-N`.
pub fn statefulset(sts: &Res<StatefulSet>, pod: &str, e: &Event) -> Option<Hypothesis> {
    let unnamed: Vec<usize> = sts
        .spec
        .volume_claim_templates
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, t)| t.metadata.name.as_deref().is_none_or(str::is_empty))
        .map(|(i, _)| i)
        .collect();
    let note = match unnamed.as_slice() {
        [] => None,
        [i] => Some(format!(
            "its volumeClaimTemplate #{i} has no metadata.name, so the claim it makes is named `-{}-N`",
            sts.name()
        )),
        _ => Some(format!(
            "{} of its volumeClaimTemplates have no metadata.name",
            unnamed.len()
        )),
    };
    controller(&sts.objref(), &sts.metadata, pod, e.message_text(), note).map(|h| {
        h.link(Link::from_event(
            Loop::Compute,
            e,
            format!("StatefulSet could not create {pod}"),
        ))
    })
}

/// Any controller's refusal: `obj` could not create `pod` because the API
/// server finds `message`'s field invalid; `note` says what in the spec
/// makes it so, when that is known.
pub fn controller(
    obj: &ObjRef,
    meta: &ObjectMeta,
    pod: &str,
    message: &str,
    note: Option<String>,
) -> Option<Hypothesis> {
    let (refused, field_error) = message.split_once(" is invalid: ")?;
    // The object refused is a claim a StatefulSet's (or an operator's)
    // claim template makes: what is wrong is the storage it asks for.
    let claim = refused.contains("PersistentVolumeClaim \"");
    let loop_ = if claim { Loop::Storage } else { Loop::Compute };
    let size = if claim && field_error.contains("spec.resources[storage]") {
        " (a claim's size goes under `resources.requests.storage`, not `resources.storage`)"
    } else {
        ""
    };
    let ns = obj.namespace.as_deref().unwrap_or("default");
    let excerpt = day2_model::redact::excerpt(field_error, 200);
    let note = note.map(|n| format!("; {n}")).unwrap_or_default();
    let summary = format!(
        "{} {ns}/{} cannot create {pod}: the API server rejects what its spec makes ({excerpt}){note}",
        obj.kind, obj.name
    );
    // A Deployment's ReplicaSet, a CronJob's Job: the spec to correct is
    // the owner's, written by people; any other owner is an operator.
    let top;
    let (obj, owner) = match day2_model::cluster::controller_of(meta) {
        Some((kind, name)) if matches!(kind, "Deployment" | "CronJob") => {
            top = ObjRef::new(kind, Some(ns), name);
            (&top, None)
        }
        Some((kind, name)) if kind != obj.kind || name != obj.name => (obj, Some((kind, name))),
        _ => (obj, None),
    };
    // A mount of a volume the pod does not declare (`volumeMounts[0].name:
    // Not found: "data"`): the volume, or a StatefulSet's claim template,
    // is missing (thanos-io/kube-thanos#255): the storage the container
    // expects.
    if owner.is_none()
        && let Some(vol) = field_error
            .split_once(".volumeMounts[")
            .and_then(|(_, r)| r.split_once("].name: Not found: \""))
            .and_then(|(_, r)| r.split('"').next())
    {
        let template = if obj.kind == "StatefulSet" {
            format!(
                "a volumeClaimTemplate named {vol} (`volumeClaimTemplates: [{{metadata: {{name: {vol}}}, spec: …}}]`; templates cannot change in place: delete the StatefulSet with `--cascade=orphan` and create it again), or "
            )
        } else {
            String::new()
        };
        return Some(
            Hypothesis::new(84, Loop::Storage, obj.clone(), format!("{summary}: a container mounts volume {vol}, which the pod declares nowhere"))
                .fix(format!("Give {} {ns}/{} {template}a volume named {vol} in its pod template (an `emptyDir: {{}}` for scratch data, a persistentVolumeClaim for data to keep), or remove the mount.", obj.kind, obj.name)),
        );
    }
    Some(match owner {
        Some((kind, name)) => Hypothesis::new(
            82,
            loop_,
            ObjRef::new(kind, Some(ns), name),
            format!("{summary}; the {} is written by {kind} {name} and its operator", obj.kind),
        )
        .fix(format!(
            "{} {} is rendered by the operator of {kind} {ns}/{name}: an edit by hand is overwritten. Compare the operator's version with its CRDs and release notes (a rendering bug is fixed by an upgrade), and correct the {kind}'s spec where it feeds the field the API server names{}{size}.",
            obj.kind,
            obj.name,
            if note.contains("volumeClaimTemplate") { " (the volumeClaimTemplate's name)" } else { "" }
        )),
        None => Hypothesis::new(82, loop_, obj.clone(), summary).fix(format!(
            "Correct the field the API server names in {} {ns}/{}'s spec{}{size}.",
            obj.kind,
            obj.name,
            if note.contains("volumeClaimTemplate") {
                " (give each volumeClaimTemplate a metadata.name; volumeClaimTemplates cannot change in place: delete the StatefulSet with `--cascade=orphan` and create it again)"
            } else {
                ""
            }
        )),
    })
}
