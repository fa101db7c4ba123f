//! Admission refused by a policy the input holds: a policy engine's
//! constraint that names itself in the denial (Gatekeeper), and a
//! ValidatingAdmissionPolicy and its binding.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::{Loop, ObjRef};

/// A policy engine's denial that names its constraint: Gatekeeper's
/// `denied the request: [denied by workloads-require-owner] All workloads
/// must have a valid owner label` (or `[workloads-require-owner] …`), the
/// constraint being an object of the input (open-policy-agent/gatekeeper#1167).
pub(super) fn constraint_denied(
    a: &Analysis<'_>,
    message: &str,
    owner: &ObjRef,
) -> Option<Hypothesis> {
    let reason = message.split_once("denied the request: ")?.1.trim();
    let (name, said) = match reason.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((name, said)) => (
            Some(name.trim().trim_start_matches("denied by ").trim()),
            said.trim(),
        ),
        None => (None, reason),
    };
    let constraint = match name {
        Some(name) => a.cluster.other.iter().find(|o| {
            o.name() == name
                && !o.obj.kind.ends_with("WebhookConfiguration")
                && o.obj.kind != "ConstraintTemplate"
        })?,
        // Older Gatekeeper releases do not name the constraint: the only
        // one the input holds is it.
        None if message.contains("gatekeeper.sh") => {
            let mut all = a
                .cluster
                .other
                .iter()
                .filter(|o| o.obj.api_version.starts_with("constraints.gatekeeper.sh"));
            let one = all.next()?;
            if all.next().is_some() {
                return None;
            }
            one
        }
        None => return None,
    };
    let name = constraint.name();
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            constraint.objref(),
            format!("{} {name} refuses the pods of {owner}: \"{said}\"", constraint.obj.kind),
        )
        .fix(format!("Make the pod template of {owner} satisfy {} {name} (\"{said}\"{}), or exempt it in the constraint's `match` (namespaces, labels) if the policy should not apply; the ReplicaSet creates its pods once they pass.", constraint.obj.kind, crate::messages::admission::policy_field(said).map(|f| format!(": set {f}")).unwrap_or_default())),
    )
}

/// A ValidatingAdmissionPolicy's denial in a message (`… is forbidden:
/// ValidatingAdmissionPolicy 'x' with binding 'y' denied request: …`,
/// `k8s.io/apiserver/pkg/admission/plugin/policy/validating`), as the cause
/// in `loop_`: a provisioner's helper pod refused, say (c8s-dev/c8s#210).
pub fn admission_policy_denied(a: &Analysis<'_>, message: &str, loop_: Loop) -> Option<Hypothesis> {
    let rest = message.split_once("ValidatingAdmissionPolicy '")?.1;
    let (policy, rest) = rest.split_once('\'')?;
    let binding = rest
        .split_once("with binding '")
        .and_then(|(_, r)| r.split_once('\''))
        .map(|(b, _)| b);
    let said = rest
        .split_once("denied request: ")
        .map_or("", |(_, r)| r.trim());
    let what = message
        .split_once("pods \"")
        .and_then(|(_, r)| r.split_once('"'))
        .map(|(p, _)| format!("pod {p}"))
        .unwrap_or_else(|| "the object".to_owned());
    let obj = a
        .cluster
        .other
        .iter()
        .find(|o| o.obj.kind == "ValidatingAdmissionPolicy" && o.name() == policy)
        .map_or_else(
            || ObjRef::new("ValidatingAdmissionPolicy", None, policy),
            |o| o.objref(),
        );
    Some(
        Hypothesis::new(
            84,
            loop_,
            obj,
            format!("ValidatingAdmissionPolicy {policy}{} denies {what}: \"{said}\"", binding.map(|b| format!(" (binding {b})")).unwrap_or_default()),
        )
        .fix(format!("Let {what} through ValidatingAdmissionPolicy {policy}: exempt its namespace or its creator in the binding's `matchResources` (a provisioner's helper pods need the hostPath the policy denies), or use a provisioner that needs no such pod.")),
    )
}
