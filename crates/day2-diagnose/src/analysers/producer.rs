//! A Secret nobody created because the custom resource that writes it
//! fails: an ExternalSecret, a SealedSecret, a cert-manager Certificate, a
//! Vault secret. The resource names the Secret (its own name,
//! `spec.target.name`, `spec.secretName`) and says why in its status. The
//! consumer's missing Secret is rooted there, and an AWS refusal in that
//! status is followed to the pods of the controller that made the call.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::object::DynObject;
use day2_model::{Loop, Res};
use serde_json::Value;

/// The texts a resource's status holds: a string status, `message`,
/// `reason`, and its conditions' messages.
fn status_texts(o: &DynObject) -> Vec<&str> {
    let mut out = Vec::new();
    let Some(status) = o.data.get("status") else {
        return out;
    };
    match status {
        Value::String(s) => out.push(s.as_str()),
        Value::Object(m) => {
            for k in ["status", "message", "reason", "error"] {
                if let Some(Value::String(s)) = m.get(k) {
                    out.push(s.as_str());
                }
            }
            if let Some(Value::Array(cs)) = m.get("conditions") {
                for c in cs {
                    if c.get("status").and_then(Value::as_str) == Some("False")
                        && let Some(msg) = c.get("message").and_then(Value::as_str)
                    {
                        out.push(msg);
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn writes(o: &DynObject, secret: &str) -> bool {
    let spec = o.data.get("spec");
    let named = |path: &[&str]| {
        spec.and_then(|s| path.iter().try_fold(s, |v, k| v.get(*k)))
            .and_then(Value::as_str)
            == Some(secret)
    };
    o.metadata.name.as_deref() == Some(secret)
        || named(&["target", "name"])
        || named(&["secretName"])
        || named(&["template", "metadata", "name"])
}

/// `ExternalSecret` → `external-secret`.
fn kebab(kind: &str) -> String {
    let mut s = String::new();
    for (i, c) in kind.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            s.push('-');
        }
        s.push(c.to_ascii_lowercase());
    }
    s
}

pub fn failing(a: &Analysis<'_>, ns: &str, secret: &str, link: Option<Link>) -> Option<Hypothesis> {
    let (o, text) = a.cluster.other.iter().find_map(|o: &Res<DynObject>| {
        if o.ns_or_default() != ns || !writes(o, secret) {
            return None;
        }
        let text = status_texts(o).into_iter().find(|t| {
            let l = t.to_ascii_lowercase();
            [
                "error",
                "fail",
                "denied",
                "not authorized",
                "forbidden",
                "invalid",
            ]
            .iter()
            .any(|w| l.contains(w))
        })?;
        Some((o, text))
    })?;
    let said = day2_model::redact::excerpt(text, 240);
    let seen = Link::new(
        Loop::Identity,
        None,
        o.objref(),
        format!(
            "{} {ns}/{} does not write Secret {secret}: {said}",
            o.kind,
            o.name()
        ),
    );
    // The controller of that kind: a workload named after it.
    let stem = kebab(&o.kind);
    let controller_pod = a
        .workloads_all()
        .iter()
        .filter(|w| w.name().contains(&stem))
        .flat_map(|w| a.cluster.pods_of(w.kind, w.namespace(), w.name()))
        .next();
    if let Some(pod) = controller_pod
        && let Some(h) = super::irsa::node_role_used(a, pod, text)
    {
        return Some(h.link(seen).links(link));
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            o.objref(),
            format!("Secret {ns}/{secret} does not exist because {} {ns}/{}, which writes it, fails: {said}", o.kind, o.name()),
        )
        .fix(format!(
            "Fix what {} {} reports (`kubectl describe {} -n {ns} {}`); its controller{} then writes Secret {secret} and the pods start.",
            o.kind,
            o.name(),
            o.kind.to_ascii_lowercase(),
            o.name(),
            controller_pod
                .map(|p| format!(" ({}, `kubectl logs -n {} {}`)", crate::model::workload_ref(a.cluster, p), p.ns_or_default(), p.name()))
                .unwrap_or_default()
        ))
        .link(seen)
        .links(link),
    )
}
