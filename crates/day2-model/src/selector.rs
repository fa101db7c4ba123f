//! Label and node selectors with Kubernetes semantics.

use k8s_openapi::api::core::v1::{
    NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, PodSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

static EMPTY: Labels = BTreeMap::new();

/// The labels of an object, or an empty map.
pub fn labels_of(labels: &Option<Labels>) -> &Labels {
    labels.as_ref().unwrap_or(&EMPTY)
}

/// `metav1.LabelSelector` semantics (kubernetes/apimachinery
/// `pkg/apis/meta/v1/helpers.go` `LabelSelectorAsSelector`, `pkg/labels/selector.go`
/// `Requirement.Matches`): an empty selector matches everything; all
/// requirements are ANDed. A selector upstream refuses to build (an unknown
/// operator, `In`/`NotIn` without values, `Exists`/`DoesNotExist` with
/// values) matches nothing.
pub fn label_selector_matches(sel: &LabelSelector, labels: &Labels) -> bool {
    if let Some(ml) = &sel.match_labels {
        for (k, v) in ml {
            if labels.get(k) != Some(v) {
                return false;
            }
        }
    }
    if let Some(exprs) = &sel.match_expressions {
        for e in exprs {
            if !label_requirement_matches(e, labels) {
                return false;
            }
        }
    }
    true
}

/// True when the selector has no requirements at all (selects everything).
pub fn label_selector_is_empty(sel: &LabelSelector) -> bool {
    sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|m| m.is_empty())
}

fn label_requirement_matches(r: &LabelSelectorRequirement, labels: &Labels) -> bool {
    let values = r.values.as_deref().unwrap_or(&[]);
    match r.operator.as_str() {
        // NewRequirement: "for 'in', 'notin' operators, values set can't be empty".
        "In" | "NotIn" if values.is_empty() => false,
        "In" => labels.get(&r.key).is_some_and(|v| values.contains(v)),
        "NotIn" => labels.get(&r.key).is_none_or(|v| !values.contains(v)),
        // NewRequirement: "values set must be empty for exists and does not exist".
        "Exists" | "DoesNotExist" if !values.is_empty() => false,
        "Exists" => labels.contains_key(&r.key),
        "DoesNotExist" => !labels.contains_key(&r.key),
        _ => false,
    }
}

/// A Service-style selector (`map[string]string`): an empty or absent selector
/// selects nothing (Services without selectors are managed by hand).
pub fn map_selector_matches(sel: &Labels, labels: &Labels) -> bool {
    !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Node-affinity semantics: terms are ORed, requirements within a term ANDed;
/// a term with no requirements matches nothing.
/// The pod's required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`).
pub fn required_node_affinity(spec: &PodSpec) -> Option<&NodeSelector> {
    spec.affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
}

/// The pod's required pod affinity terms (none when it has none).
pub fn required_pod_affinity(spec: &PodSpec) -> &[PodAffinityTerm] {
    spec.affinity
        .as_ref()
        .and_then(|a| a.pod_affinity.as_ref())
        .and_then(|p| {
            p.required_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or_default()
}

/// The pod's required pod anti-affinity terms (none when it has none).
pub fn required_pod_anti_affinity(spec: &PodSpec) -> &[PodAffinityTerm] {
    spec.affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|p| {
            p.required_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or_default()
}

/// Whether the pod's `nodeSelector` and required node affinity admit a node
/// with this name and labels (the scheduler's NodeAffinity filter).
pub fn node_selection_admits(spec: &PodSpec, node_name: &str, labels: &Labels) -> bool {
    spec.node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v))
        && required_node_affinity(spec).is_none_or(|r| node_selector_matches(r, node_name, labels))
}

pub fn node_selector_matches(sel: &NodeSelector, node_name: &str, labels: &Labels) -> bool {
    sel.node_selector_terms
        .iter()
        .any(|t| node_selector_term_matches(t, node_name, labels))
}

pub fn node_selector_term_matches(t: &NodeSelectorTerm, node_name: &str, labels: &Labels) -> bool {
    let exprs = t.match_expressions.as_deref().unwrap_or(&[]);
    let fields = t.match_fields.as_deref().unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs
        .iter()
        .all(|r| node_requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields.iter().all(|r| {
            let v = (r.key == "metadata.name").then_some(node_name);
            node_requirement_matches(r, v)
        })
}

/// Whether a node's value for the requirement's key satisfies it.
pub fn node_requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or(&[]);
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if r.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// Human form of a label selector: `app=web,tier in (a,b)`.
pub fn describe_label_selector(sel: &LabelSelector) -> String {
    let mut parts = Vec::new();
    if let Some(ml) = &sel.match_labels {
        parts.extend(ml.iter().map(|(k, v)| format!("{k}={v}")));
    }
    if let Some(exprs) = &sel.match_expressions {
        for e in exprs {
            let vals = e.values.as_deref().unwrap_or(&[]).join(",");
            parts.push(match e.operator.as_str() {
                "Exists" => e.key.clone(),
                "DoesNotExist" => format!("!{}", e.key),
                op => format!("{} {} ({vals})", e.key, op.to_lowercase()),
            });
        }
    }
    if parts.is_empty() {
        "<all>".into()
    } else {
        parts.join(",")
    }
}

pub fn describe_map_selector(sel: &Labels) -> String {
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn empty_label_selector_selects_all() {
        assert!(label_selector_matches(
            &LabelSelector::default(),
            &l(&[("a", "b")])
        ));
        assert!(label_selector_matches(&LabelSelector::default(), &l(&[])));
    }

    #[test]
    fn requirements_are_anded() {
        let sel = LabelSelector {
            match_labels: Some(l(&[("app", "web")])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: Some(vec!["db".into()]),
            }]),
        };
        assert!(label_selector_matches(&sel, &l(&[("app", "web")])));
        assert!(!label_selector_matches(
            &sel,
            &l(&[("app", "web"), ("tier", "db")])
        ));
        assert!(!label_selector_matches(&sel, &l(&[("tier", "fe")])));
    }

    #[test]
    fn service_selector_empty_selects_nothing() {
        assert!(!map_selector_matches(&l(&[]), &l(&[("a", "b")])));
        assert!(map_selector_matches(
            &l(&[("a", "b")]),
            &l(&[("a", "b"), ("c", "d")])
        ));
    }

    #[test]
    fn node_terms_or_and_gt() {
        let term = |k: &str, op: &str, v: &[&str]| NodeSelectorTerm {
            match_expressions: Some(vec![NodeSelectorRequirement {
                key: k.into(),
                operator: op.into(),
                values: Some(v.iter().map(|s| s.to_string()).collect()),
            }]),
            match_fields: None,
        };
        let sel = NodeSelector {
            node_selector_terms: vec![term("zone", "In", &["a"]), term("cores", "Gt", &["8"])],
        };
        assert!(node_selector_matches(&sel, "n", &l(&[("zone", "a")])));
        assert!(node_selector_matches(
            &sel,
            "n",
            &l(&[("zone", "b"), ("cores", "16")])
        ));
        assert!(!node_selector_matches(
            &sel,
            "n",
            &l(&[("zone", "b"), ("cores", "4")])
        ));
        assert!(!node_selector_term_matches(
            &NodeSelectorTerm::default(),
            "n",
            &l(&[])
        ));
    }
}
