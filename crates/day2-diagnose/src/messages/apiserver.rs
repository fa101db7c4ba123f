//! What a program that talks to the Kubernetes API prints when the API (or
//! its client library) refuses it, and the objects such errors name:
//!
//! - authorisation: the API server's `forbidden: User "<user>" cannot <verb>
//!   resource "<resource>" in API group "<group>" in the namespace "<ns>"`
//!   or `… at the cluster scope`
//!   (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go`,
//!   `forbiddenMessage`), prefixed by `<resource> is forbidden: ` or
//!   `<resource> "<name>" is forbidden: ` (`apimachinery/pkg/api/errors`,
//!   `NewForbidden`);
//! - authentication: `Unauthorized` (the status reason of a 401,
//!   `NewUnauthorized`) and client-go's `the server has asked for the client
//!   to provide credentials`;
//! - in-cluster configuration: client-go's `ErrNotInCluster` (`unable to load
//!   in-cluster configuration, KUBERNETES_SERVICE_HOST and
//!   KUBERNETES_SERVICE_PORT must be defined`, `rest/config.go`) and the
//!   token file it reads (`/var/run/secrets/kubernetes.io/serviceaccount/token`)
//!   missing (`no such file or directory`);
//! - objects: `NewNotFound`'s `<resource>[.<group>] "<name>" not found`
//!   (`services "x" not found`, `configmaps "x" not found`), with a
//!   `namespace/name` in the same line naming its namespace, and flannel's
//!   `node "<name>" pod cidr not assigned` (`pkg/subnet/kube/kube.go`);
//! - owner references: the OwnerReferencesPermissionEnforcement admission
//!   plugin's `cannot set blockOwnerDeletion if an ownerReference refers to
//!   a resource you can't set finalizers on`.
//!
//! Loggers escape the quotes of a quoted error (`err="pods is forbidden:
//! User \"system:…\""`, logrus and zap): lines are read with `\"` as `"`.

/// What the API refused, or the object an error names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The Kubernetes API refused a ServiceAccount.
    Forbidden {
        namespace: String,
        service_account: String,
        verb: Option<String>,
        resource: Option<String>,
        /// The API group (`""` for the core group), when the message says it.
        group: Option<String>,
        /// The namespace of the request; `None` at the cluster scope.
        scope: Option<String>,
    },
    /// The Kubernetes API did not accept the client's credentials.
    Unauthorized,
    /// The program says the API server refuses it without naming the
    /// request: ingress-nginx's and the ALB ingress controller's `It seems
    /// the cluster it is running with Authorization enabled (like RBAC) and
    /// there is no permissions for the ingress controller`
    /// (`cmd/nginx/main.go`, `handleFatalInitError`).
    NoPermissions,
    /// The client found no in-cluster configuration.
    InCluster(InCluster),
    /// An object the message names does not exist.
    NotFound {
        kind: &'static str,
        namespace: Option<String>,
        name: String,
    },
    /// A node has no pod CIDR (flannel's `pod cidr not assigned`).
    PodCidrUnassigned { node: String },
    /// The OwnerReferencesPermissionEnforcement admission plugin refused an
    /// object whose owner reference the writer may not set
    /// (`plugin/pkg/admission/gc/gc_admission.go`): the writer lacks
    /// `update` on the owner's `finalizers` subresource (`delete` on the
    /// owner before 1.7's wording changed, or on the object itself).
    OwnerRefRefused {
        /// The resource written (`mutatingwebhookconfigurations.admissionregistration.k8s.io`).
        resource: Option<String>,
        /// The object written.
        name: Option<String>,
        /// `true`: the owner's `finalizers` subresource; `false`: `delete`.
        finalizers: bool,
    },
}

/// Which part of the in-cluster configuration a client could not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InCluster {
    /// `KUBERNETES_SERVICE_HOST` / `KUBERNETES_SERVICE_PORT` are not set.
    Environment,
    /// The ServiceAccount token file is not mounted.
    Token,
}

/// A line with logger-escaped quotes read as the error it quotes. Quotes
/// escaped more than once (a JSON body printed as a Python bytes literal,
/// `User \\"system:…\\"`) lose every backslash before them.
pub fn unescape(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("\\\"") {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut slashes = 0;
    for ch in line.chars() {
        match ch {
            '\\' => slashes += 1,
            '"' => {
                slashes = 0;
                out.push('"');
            }
            c => {
                out.extend(std::iter::repeat_n('\\', slashes));
                slashes = 0;
                out.push(c);
            }
        }
    }
    out.extend(std::iter::repeat_n('\\', slashes));
    std::borrow::Cow::Owned(out)
}

/// The API server refused a ServiceAccount (`forbidden: User "system:serviceaccount:…"`).
pub fn forbidden(line: &str) -> Option<ApiError> {
    const USER: &str = "forbidden: User \"system:serviceaccount:";
    // A user left out of the message (`User ""`, as a log shipper or a
    // reporter blanks it): the account is the pod's own, which the caller
    // knows; an empty namespace and name say so.
    const BLANK: &str = "forbidden: User \"\"";
    let (namespace, sa, after) = match (line.find(USER), line.find(BLANK)) {
        (Some(at), _) => {
            let rest = &line[at + USER.len()..];
            let user = &rest[..rest.find('"')?];
            let (namespace, sa) = user.split_once(':')?;
            (namespace, sa, &rest[user.len() + 1..])
        }
        (None, Some(at)) => ("", "", &line[at + BLANK.len()..]),
        (None, None) => return kubelet_forbidden(line).or_else(|| access_review(line)),
    };
    let verb = after
        .trim_start()
        .strip_prefix("cannot ")
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_owned);
    // Before 1.14 the resource was not quoted: `cannot watch configmaps at
    // the cluster scope`, `cannot list pods in the namespace "ops"`.
    let resource = super::quoted_after(after, "resource")
        .or_else(|| {
            let words = after.trim_start().strip_prefix("cannot ")?;
            let mut words = words.split_whitespace().skip(1);
            words
                .next()
                .filter(|w| !w.contains('"') && *w != "resource")
        })
        .map(str::to_owned);
    let group = super::quoted_after(after, "in API group").map(str::to_owned);
    let scope = super::quoted_after(after, "in the namespace").map(str::to_owned);
    Some(ApiError::Forbidden {
        namespace: namespace.to_owned(),
        service_account: sa.to_owned(),
        verb,
        resource,
        group,
        scope,
    })
}

/// A client's own check of its permissions before it starts, as
/// prometheus-operator's `k8sutil.IsAllowed` words what a
/// SelfSubjectAccessReview denied (also in the OpenTelemetry target
/// allocator, open-telemetry/opentelemetry-operator#3086): `missing "list"
/// permission on resource "namespaces" (group: "") for all namespaces`. The
/// account is the pod's own (left blank here, as [`forbidden`] does).
fn access_review(line: &str) -> Option<ApiError> {
    let at = line.find("missing \"")? + "missing \"".len();
    let rest = &line[at..];
    let (verb, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(" permission on resource \"")?;
    let (resource, rest) = rest.split_once('"')?;
    let group = super::quoted_after(rest, "(group:").map(str::to_owned);
    let scope = super::quoted_after(rest, "in namespace").map(str::to_owned);
    Some(ApiError::Forbidden {
        namespace: String::new(),
        service_account: String::new(),
        verb: Some(verb.to_owned()),
        resource: Some(resource.to_owned()),
        group,
        scope,
    })
}

/// The kubelet's own authoriser refusing an account (`pkg/kubelet/server`'s
/// `Forbidden (user=system:serviceaccount:ns:sa, verb=get, resource=nodes,
/// subresource=proxy)`): the kubelet asks the API server with a
/// SubjectAccessReview, so the missing rule is the account's RBAC on
/// `nodes/<subresource>` (node-feature-discovery's `configz`,
/// metrics-server's `metrics`, a Prometheus scraping `/metrics/cadvisor`).
fn kubelet_forbidden(line: &str) -> Option<ApiError> {
    let (_, rest) = line.split_once("Forbidden (user=system:serviceaccount:")?;
    let rest = rest.split(')').next()?;
    let mut fields = rest.split(", ");
    let (namespace, sa) = fields.next()?.split_once(':')?;
    let mut verb = None;
    let mut resource = None;
    let mut sub = None;
    for f in fields {
        match f.split_once('=') {
            Some(("verb", v)) => verb = Some(v.to_owned()),
            Some(("resource", r)) => resource = Some(r.to_owned()),
            Some(("subresource", r)) => sub = Some(r.to_owned()),
            _ => {}
        }
    }
    let resource = match (resource, sub) {
        (Some(r), Some(s)) if !s.is_empty() => Some(format!("{r}/{s}")),
        (r, _) => r,
    };
    Some(ApiError::Forbidden {
        namespace: namespace.to_owned(),
        service_account: sa.to_owned(),
        verb,
        resource,
        group: Some(String::new()),
        scope: None,
    })
}

/// [`ApiError::NoPermissions`], in the spellings of the ingress
/// controllers that print it.
pub fn no_permissions(line: &str) -> Option<ApiError> {
    (line.contains("Authorization enabled (like RBAC)")
        || line.contains("there is no permissions for the ingress controller"))
    .then_some(ApiError::NoPermissions)
}

/// The API server did not accept the client's credentials. `Unauthorized`
/// alone is every HTTP server's word: it counts only beside a sign that the
/// Kubernetes API was asked (its address, an `/api` path, a client's words).
pub fn unauthorized(line: &str) -> Option<ApiError> {
    if line.contains("the server has asked for the client to provide credentials") {
        return Some(ApiError::Unauthorized);
    }
    let said = line.contains(": Unauthorized") || line.contains("\"Unauthorized\"");
    let api = line.contains("/api/")
        || line.contains("/apis/")
        || line.contains("kubernetes.default")
        || line.contains("KUBERNETES_SERVICE")
        || line.contains("k8s.io/client-go")
        || line.contains("Failed to watch")
        || line.contains("Failed to list")
        || line.contains("failed to list")
        || line.contains("connection is unauthorized");
    (said && api).then_some(ApiError::Unauthorized)
}

/// The client found no in-cluster configuration.
pub fn in_cluster(line: &str) -> Option<ApiError> {
    if line.contains("unable to load in-cluster configuration")
        || line.contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        || line.contains("Service host/port is not set")
    {
        return Some(ApiError::InCluster(InCluster::Environment));
    }
    let lower = line.to_ascii_lowercase();
    // clientcmd's `ErrEmptyConfig`: neither the in-cluster configuration
    // (no token mounted) nor a kubeconfig was found.
    if (lower.contains("secrets/kubernetes.io/serviceaccount/token")
        && (lower.contains("no such file or directory") || lower.contains("not found")))
        || line.contains("invalid configuration: no configuration has been provided")
    {
        return Some(ApiError::InCluster(InCluster::Token));
    }
    None
}

/// The kinds a `NotFound` names by resource (`services` → `Service`).
const RESOURCES: [(&str, &str); 10] = [
    ("services", "Service"),
    ("configmaps", "ConfigMap"),
    ("secrets", "Secret"),
    ("serviceaccounts", "ServiceAccount"),
    ("nodes", "Node"),
    ("namespaces", "Namespace"),
    ("persistentvolumeclaims", "PersistentVolumeClaim"),
    ("deployments.apps", "Deployment"),
    ("statefulsets.apps", "StatefulSet"),
    ("ingressclasses.networking.k8s.io", "IngressClass"),
];

/// `services "x" not found` (and the other kinds of [`RESOURCES`]); a
/// `ns/x` in the line gives the namespace.
pub fn not_found(line: &str) -> Option<ApiError> {
    for (resource, kind) in RESOURCES {
        let marker = format!("{resource} \"");
        let Some(at) = line.find(&marker) else {
            continue;
        };
        let rest = &line[at + marker.len()..];
        let Some(end) = rest.find('"') else { continue };
        let name = &rest[..end];
        if !rest[end + 1..].trim_start().starts_with("not found") || name.is_empty() {
            continue;
        }
        let suffix = format!("/{name}");
        let namespace = line
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '=' | '(' | ')'))
            .find_map(|t| {
                let ns = t
                    .trim_end_matches([':', '.'])
                    .strip_suffix(suffix.as_str())?;
                (!ns.is_empty() && is_name(ns)).then(|| ns.to_owned())
            });
        return Some(ApiError::NotFound {
            kind,
            namespace,
            name: name.to_owned(),
        });
    }
    None
}

/// flannel's `node "x" pod cidr not assigned`, and Antrea's `CIDR string
/// is empty for node x` (`pkg/agent/agent.go`).
pub fn pod_cidr(line: &str) -> Option<ApiError> {
    if let Some((_, rest)) = line.split_once("CIDR string is empty for ") {
        let node = rest
            .strip_prefix("node ")
            .or_else(|| rest.strip_prefix("Node "))?
            .split(|c: char| c.is_whitespace() || c == '"')
            .next()
            .filter(|n| !n.is_empty() && is_name(n))?;
        return Some(ApiError::PodCidrUnassigned {
            node: node.to_owned(),
        });
    }
    let at = line.find("pod cidr not assigned")?;
    let node = super::quoted_after(&line[..at], "node")?;
    Some(ApiError::PodCidrUnassigned {
        node: node.to_owned(),
    })
}

/// The garbage collector's admission plugin refusing an owner reference:
/// `<resource> "<name>" is forbidden: cannot set blockOwnerDeletion if an
/// ownerReference refers to a resource you can't set finalizers on: …`, its
/// older `… you can't delete: …`, and `cannot set an ownerRef on a resource
/// you can't delete`.
pub fn owner_ref_refused(line: &str) -> Option<ApiError> {
    const PHRASES: [(&str, bool); 3] = [
        (
            "cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on",
            true,
        ),
        (
            "cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't delete",
            false,
        ),
        (
            "cannot set an ownerRef on a resource you can't delete",
            false,
        ),
    ];
    let (at, finalizers) = PHRASES
        .iter()
        .find_map(|(p, f)| line.find(p).map(|at| (at, *f)))?;
    let before = line[..at].trim_end().strip_suffix("is forbidden:");
    let (resource, name) = match before {
        Some(b) => {
            let b = b.trim_end();
            let (head, name) = match b.strip_suffix('"').and_then(|b| b.rsplit_once('"')) {
                Some((head, name)) => (head.trim_end(), Some(name.to_owned())),
                None => (b, None),
            };
            let resource = head
                .rsplit(|c: char| c.is_whitespace() || matches!(c, '"' | ':' | '='))
                .next()
                .filter(|r| !r.is_empty() && is_name(r))
                .map(str::to_owned);
            (resource, name)
        }
        None => (None, None),
    };
    Some(ApiError::OwnerRefRefused {
        resource,
        name,
        finalizers,
    })
}

/// A DNS-1123 name.
fn is_name(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_s_own_access_review_is_a_refusal_of_its_account() {
        // open-telemetry/opentelemetry-operator#3086.
        let line = r#"Failed to create namespace informer in promOperator CRD watcher: missing list/watch permissions on the 'namespaces' resource: missing "list" permission on resource "namespaces" (group: "") for all namespaces"#;
        assert_eq!(
            forbidden(line),
            Some(ApiError::Forbidden {
                namespace: String::new(),
                service_account: String::new(),
                verb: Some("list".into()),
                resource: Some("namespaces".into()),
                group: Some(String::new()),
                scope: None,
            })
        );
        assert_eq!(forbidden("missing \"config\" in values"), None);
    }

    #[test]
    fn an_owner_reference_refused_names_what_was_written() {
        // knative/eventing#1129: the webhook registering its configuration.
        let line = unescape(
            r#"{"level":"error","msg":"failed to register webhook","error":"failed to create a webhook: mutatingwebhookconfigurations.admissionregistration.k8s.io \"webhook.eventing.knative.dev\" is forbidden: cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: no RBAC policy matched, <nil>"}"#,
        );
        assert_eq!(
            owner_ref_refused(&line),
            Some(ApiError::OwnerRefRefused {
                resource: Some("mutatingwebhookconfigurations.admissionregistration.k8s.io".into()),
                name: Some("webhook.eventing.knative.dev".into()),
                finalizers: true,
            })
        );
        // The plugin's wording before it asked for the `finalizers`
        // subresource, asking `delete` on the owner.
        assert_eq!(
            owner_ref_refused(
                "reconcilePods error pods \"w-0\" is forbidden: cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't delete: no RBAC policy matched, <nil>"
            ),
            Some(ApiError::OwnerRefRefused {
                resource: Some("pods".into()),
                name: Some("w-0".into()),
                finalizers: false,
            })
        );
        // A refusal of another kind is not this one.
        assert_eq!(
            owner_ref_refused(r#"pods "x" is forbidden: exceeded quota: compute"#),
            None
        );
    }

    #[test]
    fn the_kubelets_refusal_names_the_nodes_subresource() {
        // kubernetes-sigs/node-feature-discovery#1098.
        assert_eq!(
            forbidden(
                "F0327 15:25:37.787116       1 main.go:86] failed to get kubelet config from configz endpoint: Forbidden (user=system:serviceaccount:node-feature-discovery:node-feature-discovery-topology-updater, verb=get, resource=nodes, subresource=proxy)"
            ),
            Some(ApiError::Forbidden {
                namespace: "node-feature-discovery".into(),
                service_account: "node-feature-discovery-topology-updater".into(),
                verb: Some("get".into()),
                resource: Some("nodes/proxy".into()),
                group: Some(String::new()),
                scope: None,
            })
        );
        assert_eq!(
            forbidden("Forbidden (user=system:anonymous, verb=get)"),
            None
        );
    }

    #[test]
    fn forbidden_names_the_account_verb_resource_group_and_scope() {
        // helm/charts#14405, as logrus escapes it.
        let line = unescape(
            r#"level=error msg="failed to terminate victim" err="pods is forbidden: User \"system:serviceaccount:chaoskube:default\" cannot list resource \"pods\" in API group \"\" at the cluster scope""#,
        );
        assert_eq!(
            forbidden(&line),
            Some(ApiError::Forbidden {
                namespace: "chaoskube".into(),
                service_account: "default".into(),
                verb: Some("list".into()),
                resource: Some("pods".into()),
                group: Some(String::new()),
                scope: None,
            })
        );
        assert_eq!(
            forbidden(
                r#"leases.coordination.k8s.io "lock" is forbidden: User "system:serviceaccount:ops:ctl" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "ops""#
            ),
            Some(ApiError::Forbidden {
                namespace: "ops".into(),
                service_account: "ctl".into(),
                verb: Some("get".into()),
                resource: Some("leases".into()),
                group: Some("coordination.k8s.io".into()),
                scope: Some("ops".into()),
            })
        );
        // helm/charts#6142: the Kubernetes Python client prints the
        // response body as a bytes literal, its quotes escaped twice, in the
        // words of a 1.10 API server (the resource not yet quoted).
        let line = unescape(
            r#"HTTP response body: b'{"kind":"Status","message":"configmaps is forbidden: User \\"system:serviceaccount:esi-monitoring:someserviceaccount\\" cannot watch configmaps at the cluster scope","code":403}\n'"#,
        );
        assert_eq!(
            forbidden(&line),
            Some(ApiError::Forbidden {
                namespace: "esi-monitoring".into(),
                service_account: "someserviceaccount".into(),
                verb: Some("watch".into()),
                resource: Some("configmaps".into()),
                group: None,
                scope: None,
            })
        );
        // A person, not a ServiceAccount: not the workload's identity.
        assert_eq!(
            forbidden(r#"pods is forbidden: User "alice" cannot list resource "pods""#),
            None
        );
    }

    #[test]
    fn unauthorized_only_from_the_kubernetes_api() {
        assert_eq!(
            unauthorized(
                "error getting ClusterInformation: connection is unauthorized: Unauthorized"
            ),
            Some(ApiError::Unauthorized)
        );
        assert_eq!(
            unauthorized(
                "Failed to watch *v1.Pod: failed to list *v1.Pod: the server has asked for the client to provide credentials"
            ),
            Some(ApiError::Unauthorized)
        );
        assert_eq!(
            unauthorized("POST https://api.stripe.com/v1/charges: Unauthorized"),
            None
        );
    }

    #[test]
    fn in_cluster_configuration_missing() {
        assert_eq!(
            in_cluster(
                "panic: unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"
            ),
            Some(ApiError::InCluster(InCluster::Environment))
        );
        assert_eq!(
            in_cluster(
                "open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory"
            ),
            Some(ApiError::InCluster(InCluster::Token))
        );
        assert_eq!(
            in_cluster(
                r#"time="2019-05-17T00:32:12Z" level=fatal msg="invalid configuration: no configuration has been provided""#
            ),
            Some(ApiError::InCluster(InCluster::Token))
        );
        assert_eq!(
            in_cluster("open /etc/app/config.yaml: no such file or directory"),
            None
        );
    }

    #[test]
    fn not_found_names_kind_name_and_namespace() {
        // samsung-cnct/k2-charts#67
        assert_eq!(
            not_found(
                r#"F0216 main.go:121] no service with name default/default-http-backend found: services "default-http-backend" not found"#
            ),
            Some(ApiError::NotFound {
                kind: "Service",
                namespace: Some("default".into()),
                name: "default-http-backend".into()
            })
        );
        assert_eq!(
            not_found(r#"configmaps "app-config" not found"#),
            Some(ApiError::NotFound {
                kind: "ConfigMap",
                namespace: None,
                name: "app-config".into()
            })
        );
        assert_eq!(
            not_found(r#"pods "web-0" is forbidden: unable to validate"#),
            None
        );
        assert_eq!(
            pod_cidr(
                r#"Error registering network: failed to acquire lease: node "k8s-master" pod cidr not assigned"#
            ),
            Some(ApiError::PodCidrUnassigned {
                node: "k8s-master".into()
            })
        );
        assert_eq!(
            pod_cidr(
                "F0312 07:22:10.853819       1 main.go:58] Error running agent: error initializing agent: CIDR string is empty for node 10-23-184-141"
            ),
            Some(ApiError::PodCidrUnassigned {
                node: "10-23-184-141".into()
            })
        );
    }
}
