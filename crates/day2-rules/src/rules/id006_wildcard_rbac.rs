//! ID006: Roles and ClusterRoles with wildcard verbs or resources.

use crate::reads::K;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{K8sObject, Loop, Res, Severity};
use k8s_openapi::api::rbac::v1::PolicyRule;

pub static META: RuleMeta = RuleMeta {
    code: "ID006",
    name: "wildcard-rbac",
    loop_: Loop::Identity,
    reads: KindSet::of(&[
        K::Other,
        K::ClusterRole,
        K::ClusterRoleBinding,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::Role,
        K::RoleBinding,
    ]),
    severity: Severity::Medium,
    summary: "Role or ClusterRole grants `*` verbs or `*` resources",
    law: law::IDENTITY,
    rationale: "A wildcard is not scoped: `resources: [\"*\"]` includes Secrets and every resource type added \
later (CRDs included), `verbs: [\"*\"]` includes `escalate`, `bind` and `impersonate`. A role with both on \
the core group or on every group is cluster-admin under another name (high); one wildcard, or both on \
named groups (an operator's own API), is medium; wildcards on the read-only metrics APIs \
(`metrics.k8s.io`, `custom.metrics.k8s.io`, `external.metrics.k8s.io`) or on non-resource URLs (health, \
version and metrics endpoints) are low. Built-in `system:` roles and \
`cluster-admin` itself are not reported (ID005 reports who is bound to them).",
    fix: Fix::generic(
        "List the API groups, resources and verbs the subject needs (`kubectl auth can-i --list --as=system:serviceaccount:NS:SA` shows what it uses today; `audit2rbac` derives a role from audit logs).",
    ),
    sources: "Same on every source: every Role and ClusterRole in the input (aggregated roles are judged by the rules they hold in the input).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID006/fire.yaml"),
        silent: include_str!("../../fixtures/ID006/silent.yaml"),
    },
    peers: &[
        "KubeLinter wildcard-in-rules",
        "Checkov CKV_K8S_49",
        "Kubescape C-0187",
        "Polaris rolebindingClusterAdminRole (partial: bindings to wildcard roles)",
    ],
};

/// API groups whose resources are read-only (the metrics APIs serve only
/// `get`, `list` and `watch`): a wildcard verb there grants reading.
const READ_ONLY_GROUPS: &[&str] = &[
    "metrics.k8s.io",
    "custom.metrics.k8s.io",
    "external.metrics.k8s.io",
];

fn star(v: Option<&Vec<String>>) -> bool {
    v.is_some_and(|v| v.iter().any(|x| x == "*"))
}

fn check_rules<T: K8sObject>(r: &Res<T>, rules: Option<&Vec<PolicyRule>>, sink: &mut Sink<'_>) {
    let name = r.name();
    if name == "cluster-admin" || name.starts_with("system:") {
        return;
    }
    let mut worst = None;
    let mut parts = Vec::new();
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let verbs = star(Some(&rule.verbs));
        let resources = star(rule.resources.as_ref());
        let urls = rule.non_resource_urls.as_ref().filter(|u| !u.is_empty());
        if !verbs && !resources {
            continue;
        }
        let groups: Vec<&str> = rule
            .api_groups
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let what = match urls {
            Some(u) if rule.resources.as_ref().is_none_or(Vec::is_empty) => {
                format!("non-resource URLs [{}]", u.join(","))
            }
            _ => format!(
                "resources [{}] in groups [{}]",
                rule.resources.as_deref().unwrap_or(&[]).join(","),
                groups
                    .iter()
                    .map(|g| if g.is_empty() { "core" } else { g })
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        };
        parts.push(format!(
            "rule {i}: verbs [{}] on {what}",
            rule.verbs.join(",")
        ));
        let sev = if urls.is_some() && rule.resources.as_ref().is_none_or(Vec::is_empty) {
            // Non-resource URLs are health, version, metrics and debug endpoints.
            Severity::Low
        } else if !groups.is_empty() && groups.iter().all(|g| READ_ONLY_GROUPS.contains(g)) {
            // Aggregated APIs that only serve get, list and watch.
            Severity::Low
        } else if verbs && resources && groups.iter().any(|g| g.is_empty() || *g == "*") {
            Severity::High
        } else {
            Severity::Medium
        };
        worst = worst.max(Some((sev, i)));
    }
    if let Some((sev, i)) = worst {
        sink.report_with(
            Target::of(r),
            format!(
                "{} {name} uses wildcards: {}",
                r.obj.kind(),
                parts.join("; ")
            ),
            Some(&format!("/rules/{i}")),
            None,
            Some(sev),
        );
    }
}

pub struct WildcardRbac;

impl Rule for WildcardRbac {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for r in &cx.cluster.cluster_roles {
            check_rules(r, r.rules.as_ref(), sink);
        }
        for r in &cx.cluster.roles {
            check_rules(r, r.rules.as_ref(), sink);
        }
    }
}
