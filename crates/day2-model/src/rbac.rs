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

/// Whether the rule allows the request for the object named `name` (`None`:
/// a request for no one object, such as `list` or `create`): a rule with
/// `resourceNames` allows only requests for those objects
/// (`rbac.ResourceNameMatches`).
pub fn rule_allows_object(
    rule: &PolicyRule,
    verb: &str,
    group: &str,
    resource: &str,
    name: Option<&str>,
) -> bool {
    rule_allows(rule, verb, group, resource)
        && match rule.resource_names.as_deref() {
            None | Some([]) => true,
            Some(names) => name.is_some_and(|n| names.iter().any(|x| x == n)),
        }
}

/// The object a `Forbidden` message is about: `customresourcedefinitions.apiextensions.k8s.io
/// "serviceimports.multicluster.x-k8s.io" is forbidden: User …`
/// (`forbiddenMessage` in the API server's `responsewriters`), quotes
/// escaped or not; `None` for a request without a name.
pub fn forbidden_object(line: &str) -> Option<&str> {
    let (before, _) = line.split_once(" is forbidden: ")?;
    let before = before.strip_suffix('"')?.trim_end_matches('\\');
    let (head, name) = before.rsplit_once('"')?;
    let head = head.trim_end_matches('\\');
    (head.ends_with(' ') && !name.is_empty() && !name.contains(' ')).then_some(name)
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
    fn a_rule_with_resource_names_allows_only_those_objects() {
        let rule = PolicyRule {
            api_groups: Some(vec!["apiextensions.k8s.io".into()]),
            resources: Some(vec!["customresourcedefinitions".into()]),
            resource_names: Some(vec!["ciliumnodes.cilium.io".into()]),
            verbs: vec!["update".into()],
            ..PolicyRule::default()
        };
        let crd = |name| {
            rule_allows_object(
                &rule,
                "update",
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                name,
            )
        };
        assert!(crd(Some("ciliumnodes.cilium.io")));
        assert!(!crd(Some("serviceimports.multicluster.x-k8s.io")));
        assert!(!crd(None));
        let line = r#"unable to create CRDs: customresourcedefinitions.apiextensions.k8s.io \"serviceimports.multicluster.x-k8s.io\" is forbidden: User \"system:serviceaccount:kube-system:cilium-operator\" cannot update resource"#;
        assert_eq!(
            forbidden_object(line),
            Some("serviceimports.multicluster.x-k8s.io")
        );
        let plain = r#"pods "web-0" is forbidden: User "system:serviceaccount:a:b" cannot get resource "pods""#;
        assert_eq!(forbidden_object(plain), Some("web-0"));
        let list =
            r#"pods is forbidden: User "system:serviceaccount:a:b" cannot list resource "pods""#;
        assert_eq!(forbidden_object(list), None);
    }

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
