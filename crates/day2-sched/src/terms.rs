//! Label selectors and pod (anti-)affinity terms with the scheduler's
//! semantics, including `matchLabelKeys` / `mismatchLabelKeys` merging.

use day2_model::selector::{
    Labels, label_selector_is_empty, label_selector_matches, required_pod_affinity,
    required_pod_anti_affinity,
};
use k8s_openapi::api::core::v1::PodAffinityTerm;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// `metav1.LabelSelectorAsSelector` plus merged `key=value` / `key!=value`
/// requirements. An absent selector matches nothing.
#[derive(Debug, Clone)]
pub struct Selector {
    pub base: Option<LabelSelector>,
    pub equal: Vec<(String, String)>,
    pub not_equal: Vec<(String, String)>,
}

impl Selector {
    pub fn new(base: Option<&LabelSelector>) -> Selector {
        Selector {
            base: base.cloned(),
            equal: Vec::new(),
            not_equal: Vec::new(),
        }
    }

    /// Merge `matchLabelKeys` (as `key in (value)`) from the pod's labels.
    pub fn merge_keys(&mut self, keys: Option<&Vec<String>>, labels: &Labels, negate: bool) {
        for k in keys.into_iter().flatten() {
            if let Some(v) = labels.get(k) {
                let pair = (k.clone(), v.clone());
                if negate {
                    self.not_equal.push(pair);
                } else {
                    self.equal.push(pair);
                }
            }
        }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        let Some(base) = &self.base else {
            return false;
        };
        label_selector_matches(base, labels)
            && self.equal.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.not_equal.iter().all(|(k, v)| labels.get(k) != Some(v))
    }

    /// `labels.Selector.Empty()`: selects everything without saying so.
    pub fn is_everything(&self) -> bool {
        self.base.as_ref().is_some_and(label_selector_is_empty)
            && self.equal.is_empty()
            && self.not_equal.is_empty()
    }
}

/// One required pod (anti-)affinity term (`framework.AffinityTerm`).
#[derive(Debug, Clone)]
pub struct AffinityTerm {
    pub namespaces: Vec<String>,
    pub namespace_selector: Option<Selector>,
    pub selector: Selector,
    pub topology_key: String,
}

impl AffinityTerm {
    /// Built for a pod in `ns` with `labels`.
    pub fn new(t: &PodAffinityTerm, ns: &str, labels: &Labels) -> AffinityTerm {
        let mut selector = Selector::new(t.label_selector.as_ref());
        selector.merge_keys(t.match_label_keys.as_ref(), labels, false);
        selector.merge_keys(t.mismatch_label_keys.as_ref(), labels, true);
        let mut namespaces = t.namespaces.clone().unwrap_or_default();
        let namespace_selector = t
            .namespace_selector
            .as_ref()
            .map(|s| Selector::new(Some(s)));
        if namespaces.is_empty() && namespace_selector.is_none() {
            namespaces.push(ns.to_owned());
        }
        AffinityTerm {
            namespaces,
            namespace_selector,
            selector,
            topology_key: t.topology_key.clone(),
        }
    }

    /// `AffinityTerm.Matches`: the pod's namespace is covered and its labels
    /// match.
    pub fn matches(&self, pod_ns: &str, pod_labels: &Labels, ns_labels: &Labels) -> bool {
        let ns_ok = self.namespaces.iter().any(|n| n == pod_ns)
            || self
                .namespace_selector
                .as_ref()
                .is_some_and(|s| s.matches(ns_labels));
        ns_ok && self.selector.matches(pod_labels)
    }
}

/// Required affinity and anti-affinity terms of a pod spec.
pub fn required_terms(
    spec: &k8s_openapi::api::core::v1::PodSpec,
    ns: &str,
    labels: &Labels,
) -> (Vec<AffinityTerm>, Vec<AffinityTerm>) {
    let build = |terms: &[PodAffinityTerm]| -> Vec<AffinityTerm> {
        terms
            .iter()
            .map(|t| AffinityTerm::new(t, ns, labels))
            .collect()
    };
    (
        build(required_pod_affinity(spec)),
        build(required_pod_anti_affinity(spec)),
    )
}
