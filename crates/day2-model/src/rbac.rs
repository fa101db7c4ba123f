//! RBAC as the API server's authoriser reads it
//! (`plugin/pkg/auth/authorizer/rbac/rbac.go`): which bindings reach a
//! ServiceAccount, and whether a rule allows a request.

use k8s_openapi::api::rbac::v1::{PolicyRule, Subject};

/// Whether a binding's subject is the ServiceAccount `ns/name`: the account
/// itself (its namespace defaults to the binding's), or a group every
/// ServiceAccount (of the namespace) is in (`appliesToUser`).
pub fn subject_is(s: &Subject, binding_ns: Option<&str>, ns: &str, name: &str) -> bool {
    match s.kind.as_str() {
        "ServiceAccount" => {
            s.name == name && s.namespace.as_deref().or(binding_ns).unwrap_or("default") == ns
        }
        "Group" => {
            s.name == "system:serviceaccounts"
                || s.name == "system:authenticated"
                || s.name.strip_prefix("system:serviceaccounts:") == Some(ns)
        }
        "User" => s.name == format!("system:serviceaccount:{ns}:{name}"),
        _ => false,
    }
}

/// Whether a rule allows `verb` on `resource` (`res` or `res/sub`) in API
/// group `group` (`RuleAllows`: verbs, groups and resources match exactly
/// or by `*`; `*/sub` matches a subresource of any resource).
pub fn rule_allows(rule: &PolicyRule, verb: &str, group: &str, resource: &str) -> bool {
    let has = |list: Option<&Vec<String>>, want: &str| {
        list.is_some_and(|l| l.iter().any(|x| x == "*" || x == want))
    };
    let resource_ok = rule.resources.as_ref().is_some_and(|l| {
        l.iter().any(|r| {
            r == "*"
                || r == resource
                || resource
                    .split_once('/')
                    .is_some_and(|(_, sub)| r.strip_prefix("*/") == Some(sub))
        })
    });
    rule.verbs.iter().any(|v| v == "*" || v == verb)
        && has(rule.api_groups.as_ref(), group)
        && resource_ok
}

/// The rules of a Role the API server creates itself in `ns`, which a
/// snapshot may leave out (`bootstrappolicy.NamespaceRoles`):
/// `extension-apiserver-authentication-reader` in kube-system, which lets
/// aggregated API servers read the front-proxy settings.
pub fn built_in_role_rules(ns: &str, name: &str) -> Option<Vec<PolicyRule>> {
    (ns == "kube-system" && name == "extension-apiserver-authentication-reader").then(|| {
        vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["configmaps".into()]),
            resource_names: Some(vec!["extension-apiserver-authentication".into()]),
            verbs: vec!["get".into(), "list".into(), "watch".into()],
            ..PolicyRule::default()
        }]
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_api_servers_own_reader_role_allows_its_config_map_only_in_kube_system() {
        let rules = built_in_role_rules("kube-system", "extension-apiserver-authentication-reader");
        assert!(rules.is_some_and(|r| r.iter().any(|x| rule_allows(x, "get", "", "configmaps"))));
        assert!(built_in_role_rules("keda", "extension-apiserver-authentication-reader").is_none());
    }

    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
        PolicyRule {
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            api_groups: Some(groups.iter().map(|s| s.to_string()).collect()),
            resources: Some(resources.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }
    }

    #[test]
    fn rules_match_verbs_groups_and_resources() {
        let r = rule(&["get", "list"], &[""], &["pods"]);
        assert!(rule_allows(&r, "list", "", "pods"));
        assert!(!rule_allows(&r, "delete", "", "pods"));
        assert!(!rule_allows(&r, "list", "apps", "pods"));
        assert!(!rule_allows(&r, "list", "", "pods/log"));
        assert!(rule_allows(
            &rule(&["*"], &["*"], &["*"]),
            "watch",
            "apps",
            "deployments"
        ));
        assert!(rule_allows(
            &rule(&["get"], &[""], &["*/status"]),
            "get",
            "",
            "pods/status"
        ));
    }

    #[test]
    fn subjects_reach_accounts_and_their_groups() {
        let sa = |ns: Option<&str>| Subject {
            kind: "ServiceAccount".into(),
            name: "app".into(),
            namespace: ns.map(str::to_owned),
            ..Default::default()
        };
        assert!(subject_is(&sa(Some("shop")), None, "shop", "app"));
        assert!(subject_is(&sa(None), Some("shop"), "shop", "app"));
        assert!(!subject_is(&sa(Some("other")), None, "shop", "app"));
        let group = Subject {
            kind: "Group".into(),
            name: "system:serviceaccounts:shop".into(),
            ..Default::default()
        };
        assert!(subject_is(&group, None, "shop", "app"));
        assert!(!subject_is(&group, None, "web", "app"));
    }
}
