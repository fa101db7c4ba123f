//! ID006: Roles and ClusterRoles with wildcard verbs or resources.

use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{K8sObject, Loop, Res, Severity};
use k8s_openapi::api::rbac::v1::PolicyRule;

pub static META: RuleMeta = RuleMeta {
    code: "ID006",
    name: "wildcard-rbac",
    loop_: Loop::Identity,
    severity: Severity::Medium,
    summary: "Role or ClusterRole grants `*` verbs or `*` resources",
    law: law::IDENTITY,
    rationale: "A wildcard is not scoped: `resources: [\"*\"]` includes Secrets and every resource type added \
later (CRDs included), `verbs: [\"*\"]` includes `escalate`, `bind` and `impersonate`. A role with both is \
cluster-admin under another name (high); one wildcard is medium. Built-in `system:` roles and \
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
        if !verbs && !resources {
            continue;
        }
        let groups = rule
            .api_groups
            .as_ref()
            .map(|g| {
                g.iter()
                    .map(|x| if x.is_empty() { "core" } else { x.as_str() })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        parts.push(format!(
            "rule {i}: verbs [{}] on resources [{}] in groups [{groups}]",
            rule.verbs.join(","),
            rule.resources.as_deref().unwrap_or(&[]).join(",")
        ));
        let sev = if verbs && resources {
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
