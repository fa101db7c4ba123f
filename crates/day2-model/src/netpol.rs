//! NetworkPolicy semantics shared by the rules and the diagnosis.

use crate::selector::{Labels, label_selector_matches};
use k8s_openapi::api::networking::v1::NetworkPolicy;

/// Whether a policy governs ingress and egress. Without `policyTypes`,
/// Ingress always applies and Egress applies when egress rules are present.
pub fn policy_types(np: &NetworkPolicy) -> (bool, bool) {
    let Some(spec) = np.spec.as_ref() else {
        return (true, false);
    };
    match &spec.policy_types {
        Some(t) if !t.is_empty() => (
            t.iter().any(|x| x == "Ingress"),
            t.iter().any(|x| x == "Egress"),
        ),
        _ => (true, spec.egress.as_ref().is_some_and(|e| !e.is_empty())),
    }
}

/// Whether a policy applies to pods with these labels (its own namespace is
/// the caller's business). An empty or absent `podSelector` selects every pod.
pub fn policy_selects(np: &NetworkPolicy, labels: &Labels) -> bool {
    np.spec
        .as_ref()
        .and_then(|s| s.pod_selector.as_ref())
        .is_none_or(|sel| label_selector_matches(sel, labels))
}
