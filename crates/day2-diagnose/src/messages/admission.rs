//! Why a controller could not create a pod: the `FailedCreate` event's text.
//!
//! The controllers write `Error creating: <err>` (ReplicaSet, Job, DaemonSet:
//! `pkg/controller/controller_utils.go`) or `create Pod <name> in StatefulSet
//! <sts> failed error: <err>` (`pkg/controller/statefulset/stateful_pod_control.go`);
//! `<err>` is the API server's refusal:
//! - ResourceQuota: `exceeded quota: <name>, requested: …, used: …, limited: …`
//!   and `failed quota: <name>: must specify <resources>`
//!   (`staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go`);
//! - LimitRange: `maximum cpu usage per Container is 16, but request is 17`
//!   (`plugin/pkg/admission/limitranger/admission.go`);
//! - Pod Security admission: `violates PodSecurity "restricted:latest": …`
//!   (`staging/src/k8s.io/pod-security-admission/admission/admission.go`);
//! - admission webhooks: `failed calling webhook "<name>": <err>`
//!   (`staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors`),
//!   `failed calling admission webhook "<name>": <err>` before Kubernetes
//!   1.11 (`ErrCallingWebhook` of the `MutatingAdmissionWebhook` and
//!   `GenericAdmissionWebhook` plugins);
//! - the ServiceAccount admission plugin: `error looking up service account
//!   <ns>/<name>: serviceaccount "<name>" not found`
//!   (`plugin/pkg/admission/serviceaccount/admission.go`);
//! - admission plugins refusing a pod whose spec names an object that does
//!   not exist: the Priority plugin's `no PriorityClass with name <name> was
//!   found` (`plugin/pkg/admission/priority/admission.go`) and the
//!   RuntimeClass plugin's `pod rejected: RuntimeClass "<name>" not found`
//!   (`plugin/pkg/admission/runtimeclass/admission.go`).

use super::quoted_after;

/// What went wrong calling an admission webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// `no endpoints available for service "x"`.
    NoEndpoints {
        service: Option<String>,
    },
    /// `x509: certificate has expired or is not yet valid`.
    CertificateExpired {
        not_yet_valid: bool,
    },
    /// `x509: certificate signed by unknown authority`.
    UnknownAuthority,
    /// The serving certificate does not name the host the API server calls
    /// (Go's `x509.HostnameError`): `x509: certificate is valid for A, B,
    /// not H`, `… is not valid for any names, but wanted to match H`,
    /// `… relies on legacy Common Name field, use SANs instead`, or
    /// `cannot validate certificate for IP because it doesn't contain any IP
    /// SANs`.
    CertificateName {
        /// The host name (or address) the API server called.
        wanted: Option<String>,
        /// The names the certificate holds, as the error lists them.
        valid: Option<String>,
    },
    /// `context deadline exceeded`, `i/o timeout`, `connection refused`.
    Unreachable,
    /// `service "x" not found`.
    ServiceNotFound {
        service: Option<String>,
    },
    /// The webhook answered and denied the request.
    Denied,
    Other,
}

/// The class of a `FailedCreate` error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    QuotaExceeded {
        quota: String,
    },
    QuotaRequires {
        quota: String,
        resources: String,
    },
    LimitRange {
        resource: String,
        detail: String,
    },
    PodSecurity {
        level: String,
        violations: String,
    },
    /// PodSecurityPolicy admission (before 1.25): `unable to validate
    /// against any pod security policy: […]`, with what each usable policy
    /// forbids, or `[]` when none may be used.
    PodSecurityPolicy {
        tried: String,
    },
    Webhook {
        webhook: String,
        host: Option<String>,
        error: WebhookError,
    },
    ServiceAccountMissing {
        name: String,
    },
    /// The ServiceAccount admission plugin of older API servers (before
    /// 1.24) waits for the token Secret the token controller creates: `no
    /// API token found for service account "ns/name", retry after the token
    /// is automatically created and added to the service account`.
    TokenMissing {
        namespace: Option<String>,
        name: String,
    },
    /// An admission plugin cannot resolve a cluster-scoped object the pod
    /// spec names (`PriorityClass`, `RuntimeClass`).
    MissingObject {
        kind: &'static str,
        name: String,
    },
    Other,
}

/// Classify the error of a `FailedCreate` event's message.
pub fn classify_create(message: &str) -> CreateError {
    let m = super::strip_combined(message);
    if let Some(rest) = after(m, "exceeded quota: ") {
        let quota = rest.split([',', ' ']).next().unwrap_or("").to_owned();
        return CreateError::QuotaExceeded { quota };
    }
    if let Some(rest) = after(m, "failed quota: ") {
        let (quota, tail) = rest.split_once(": ").unwrap_or((rest, ""));
        let resources = tail
            .strip_prefix("must specify ")
            .unwrap_or(tail)
            .trim()
            .to_owned();
        return CreateError::QuotaRequires {
            quota: quota.trim().to_owned(),
            resources,
        };
    }
    for bound in ["maximum ", "minimum "] {
        if let Some(i) = m.find(bound)
            && let Some(rest) = m.get(i + bound.len()..)
            && let Some((resource, tail)) = rest.split_once(" usage per ")
            && !resource.contains(' ')
        {
            return CreateError::LimitRange {
                resource: resource.to_owned(),
                detail: format!("{bound}{resource} usage per {}", tail.trim()),
            };
        }
    }
    // `cpu max limit to request ratio per Container is 5, but no request is
    // specified or request is 0` / `…, but provided ratio is 8.000000`.
    if let Some(i) = m.find(" max limit to request ratio per ")
        && let Some(resource) = m.get(..i).and_then(|h| h.rsplit([' ', '[', ':']).next())
        && !resource.is_empty()
    {
        let tail = m.get(i..).unwrap_or("");
        // The clause ends where the next resource's clause starts.
        let clause = tail
            .get(1..)
            .and_then(|t| t.find(" max limit to request ratio per "))
            .and_then(|j| tail.get(..=j))
            .and_then(|h| h.rfind(", ").and_then(|c| tail.get(..c)))
            .unwrap_or(tail);
        return CreateError::LimitRange {
            resource: resource.to_owned(),
            detail: format!("{resource}{}", clause.trim_end_matches(']').trim_end()),
        };
    }
    if let Some(level) = quoted_after(m, "violates PodSecurity ") {
        let violations = m
            .find(&format!("\"{level}\": "))
            .and_then(|i| m.get(i + level.len() + 4..))
            .unwrap_or("")
            .trim()
            .to_owned();
        return CreateError::PodSecurity {
            level: level.to_owned(),
            violations,
        };
    }
    if let Some(rest) = after(m, "unable to validate against any pod security policy") {
        let tried = rest.trim_start_matches(':').trim().to_owned();
        return CreateError::PodSecurityPolicy { tried };
    }
    if let Some(rest) = after(m, "no API token found for service account ") {
        let sa = rest
            .trim_start_matches('"')
            .split(['"', ',', ' '])
            .next()
            .unwrap_or("");
        let (namespace, name) = match sa.split_once('/') {
            Some((ns, n)) => (Some(ns.to_owned()), n.to_owned()),
            None => (None, sa.to_owned()),
        };
        if !name.is_empty() {
            return CreateError::TokenMissing { namespace, name };
        }
    }
    if let Some(webhook) = quoted_after(m, "failed calling webhook ")
        .or_else(|| quoted_after(m, "failed calling admission webhook "))
    {
        let host = after(m, "Post \"https://")
            .or_else(|| after(m, "Post https://"))
            .and_then(|h| h.split([':', '/', '"']).next())
            .map(str::to_owned);
        return CreateError::Webhook {
            webhook: webhook.to_owned(),
            host,
            error: classify_webhook(m),
        };
    }
    if let Some(webhook) = quoted_after(m, "admission webhook ")
        && m.contains("denied the request")
    {
        return CreateError::Webhook {
            webhook: webhook.to_owned(),
            host: None,
            error: WebhookError::Denied,
        };
    }
    if m.contains("error looking up service account")
        && let Some(name) = quoted_after(m, "serviceaccount ")
    {
        return CreateError::ServiceAccountMissing {
            name: name.to_owned(),
        };
    }
    if let Some(rest) = after(m, "no PriorityClass with name ")
        && let Some((name, _)) = rest.split_once(" was found")
        && !name.is_empty()
        && !name.contains(' ')
    {
        return CreateError::MissingObject {
            kind: "PriorityClass",
            name: name.to_owned(),
        };
    }
    if let Some(name) = quoted_after(m, "RuntimeClass ")
        && m.contains(&format!("RuntimeClass \"{name}\" not found"))
    {
        return CreateError::MissingObject {
            kind: "RuntimeClass",
            name: name.to_owned(),
        };
    }
    CreateError::Other
}

fn classify_webhook(m: &str) -> WebhookError {
    if m.contains("no endpoints available for service") {
        WebhookError::NoEndpoints {
            service: quoted_after(m, "no endpoints available for service ").map(str::to_owned),
        }
    } else if m.contains("x509: certificate has expired or is not yet valid") {
        WebhookError::CertificateExpired {
            not_yet_valid: m.contains(" is before "),
        }
    } else if m.contains("x509: certificate signed by unknown authority") {
        WebhookError::UnknownAuthority
    } else if let Some(e) = certificate_name(m) {
        e
    } else if m.contains("context deadline exceeded")
        || m.contains("i/o timeout")
        || m.contains("connection refused")
        || m.contains("Client.Timeout exceeded")
        // Go's HTTP client before 1.x's wording of a timeout, and while
        // waiting for a connection: `net/http: request canceled (…)`.
        || m.contains("request canceled")
        || m.contains("Timeout exceeded while awaiting headers")
        // EKS's control plane refusing to dial an address outside the
        // cluster's VPC: a pod of an overlay network
        // (cert-manager/cert-manager#3645).
        || m.contains("Address is not allowed")
    {
        WebhookError::Unreachable
    } else if let Some(service) = quoted_after(m, "service ").filter(|_| m.contains("not found")) {
        WebhookError::ServiceNotFound {
            service: Some(service.to_owned()),
        }
    } else {
        WebhookError::Other
    }
}

/// Go's `x509.HostnameError` in its four spellings (crypto/x509/verify.go).
fn certificate_name(m: &str) -> Option<WebhookError> {
    let word = |s: &str| {
        s.split(|c: char| c.is_whitespace() || c == '"' || c == ',')
            .next()
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_end_matches(['.', ')']).to_owned())
    };
    if let Some(rest) = after(m, "x509: certificate is valid for ") {
        let (valid, wanted) = match rest.rsplit_once(", not ") {
            Some((v, w)) => (Some(v.to_owned()), word(w)),
            None => (None, None),
        };
        return Some(WebhookError::CertificateName { wanted, valid });
    }
    if let Some(rest) = after(
        m,
        "x509: certificate is not valid for any names, but wanted to match ",
    ) {
        return Some(WebhookError::CertificateName {
            wanted: word(rest),
            valid: None,
        });
    }
    if m.contains("x509: certificate relies on legacy Common Name field") {
        // The host is the one in the call's URL ([`CreateError::Webhook`]).
        return Some(WebhookError::CertificateName {
            wanted: None,
            valid: None,
        });
    }
    if let Some(rest) = after(m, "x509: cannot validate certificate for ")
        && rest.contains("because it doesn't contain any IP SANs")
    {
        return Some(WebhookError::CertificateName {
            wanted: word(rest),
            valid: None,
        });
    }
    None
}

fn after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    s.find(marker).and_then(|i| s.get(i + marker.len()..))
}

/// The pod-spec field a policy's own words are about (Gatekeeper's library,
/// Azure Policy's and Kyverno's messages: `Privilege escalation container is
/// not allowed: minio` is `allowPrivilegeEscalation`), to name in the fix.
pub fn policy_field(said: &str) -> Option<&'static str> {
    let l = said.to_ascii_lowercase();
    const FIELDS: [(&[&str], &str); 8] = [
        (
            &["privilege escalation", "allowprivilegeescalation"],
            "securityContext.allowPrivilegeEscalation: false",
        ),
        (&["privileged"], "securityContext.privileged: false"),
        (
            &[
                "run as non-root",
                "runasnonroot",
                "run as nonroot",
                "as root",
            ],
            "securityContext.runAsNonRoot: true (and a non-zero runAsUser)",
        ),
        (
            &["read-only root", "readonlyrootfilesystem", "read only root"],
            "securityContext.readOnlyRootFilesystem: true",
        ),
        (
            &["capabilit"],
            "securityContext.capabilities (drop: [\"ALL\"], add only what the policy allows)",
        ),
        (
            &["hostnetwork", "host network", "hostport", "host port"],
            "no hostNetwork or hostPort",
        ),
        (&["hostpath", "host path"], "no hostPath volumes"),
        (
            &["limits", "resource limit"],
            "resources.limits (cpu and memory) on every container",
        ),
    ];
    FIELDS
        .iter()
        .find(|(words, _)| words.iter().any(|w| l.contains(w)))
        .map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_policys_words_name_the_field_to_set() {
        assert_eq!(
            policy_field("Privilege escalation container is not allowed: minio"),
            Some("securityContext.allowPrivilegeEscalation: false")
        );
        assert_eq!(
            policy_field(
                "Privileged container is not allowed: app, securityContext: {\"privileged\": true}"
            ),
            Some("securityContext.privileged: false")
        );
        assert_eq!(policy_field("image registry not allowed"), None);
    }

    use super::*;

    #[test]
    fn admission_naming_a_missing_object() {
        // plugin/pkg/admission/priority/admission.go, through the StatefulSet controller.
        let m = r#"create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: no PriorityClass with name high-priority was found"#;
        assert_eq!(
            classify_create(m),
            CreateError::MissingObject {
                kind: "PriorityClass",
                name: "high-priority".into()
            }
        );
        // plugin/pkg/admission/runtimeclass/admission.go, through the ReplicaSet controller.
        let m = r#"Error creating: pods "web-5d8f-" is forbidden: pod rejected: RuntimeClass "kata" not found"#;
        assert_eq!(
            classify_create(m),
            CreateError::MissingObject {
                kind: "RuntimeClass",
                name: "kata".into()
            }
        );
        // Other PriorityClass refusals do not name a missing object.
        let m = r#"Error creating: pods "x-" is forbidden: pods with system-node-critical priorityClass is not permitted in default namespace"#;
        assert_eq!(classify_create(m), CreateError::Other);
        let m = "Error creating: failed to get PriorityClass with name high: etcdserver: request timed out";
        assert_eq!(classify_create(m), CreateError::Other);
    }

    #[test]
    fn upstream_refusals_are_classified() {
        // kubernetes/kubernetes#88843-style quota refusal.
        assert_eq!(
            classify_create(
                "(combined from similar events): Error creating: pods \"a-2wm8j\" is forbidden: exceeded quota: namespace-quota, requested: limits.cpu=1, used: limits.cpu=6, limited: limits.cpu=6"
            ),
            CreateError::QuotaExceeded {
                quota: "namespace-quota".into()
            }
        );
        assert_eq!(
            classify_create(
                "create Pod es-0 in StatefulSet es failed error: pods \"es-0\" is forbidden: failed quota: fpl-quota: must specify requests.cpu,requests.memory"
            ),
            CreateError::QuotaRequires {
                quota: "fpl-quota".into(),
                resources: "requests.cpu,requests.memory".into()
            }
        );
        assert!(matches!(
            classify_create("Error creating: pods \"x-\" is forbidden: maximum cpu usage per Container is 16, but request is 17"),
            CreateError::LimitRange { resource, .. } if resource == "cpu"
        ));
        // limitranger's limitRequestRatioConstraint, werf/kubedog#216.
        assert_eq!(
            classify_create("Error creating: pods \"amazing-app-5b4c58fbb9-8gsvl\" is forbidden: [cpu max limit to request ratio per Container is 5, but no request is specified or request is 0, memory max limit to request ratio per Container is 5, but no request is specified or request is 0]"),
            CreateError::LimitRange {
                resource: "cpu".into(),
                detail: "cpu max limit to request ratio per Container is 5, but no request is specified or request is 0".into()
            }
        );
        assert!(matches!(
            classify_create("Error creating: pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"runtime\" must set securityContext.allowPrivilegeEscalation=false)"),
            CreateError::PodSecurity { level, violations } if level == "restricted:latest" && violations.starts_with("allowPrivilegeEscalation")
        ));
        assert_eq!(
            classify_create(
                "Error creating: Internal error occurred: failed calling webhook \"w.example.io\": failed to call webhook: Post \"https://webhook-svc.gmsa.svc:443/mutate?timeout=30s\": no endpoints available for service \"webhook-svc\""
            ),
            CreateError::Webhook {
                webhook: "w.example.io".into(),
                host: Some("webhook-svc.gmsa.svc".into()),
                error: WebhookError::NoEndpoints {
                    service: Some("webhook-svc".into())
                }
            }
        );
        assert!(matches!(
            classify_create(
                "Error creating: Internal error occurred: failed calling webhook \"w\": Post \"https://s.ns.svc:443/inject\": x509: certificate has expired or is not yet valid: current time 2022-10-17T12:39:46+02:00 is before 2022-10-17T10:40:00Z"
            ),
            CreateError::Webhook {
                error: WebhookError::CertificateExpired {
                    not_yet_valid: true
                },
                ..
            }
        ));
        // Kubernetes 1.9/1.10's spelling (istio/istio#6186).
        assert_eq!(
            classify_create(
                "Error creating: Internal error occurred: failed calling admission webhook \"sidecar-injector.istio.io\": Post https://istio-sidecar-injector.istio-system.svc:443/inject: x509: certificate signed by unknown authority"
            ),
            CreateError::Webhook {
                webhook: "sidecar-injector.istio.io".into(),
                host: Some("istio-sidecar-injector.istio-system.svc".into()),
                error: WebhookError::UnknownAuthority
            }
        );
        assert_eq!(
            classify_create(
                "Error creating: pods \"c-\" is forbidden: error looking up service account kube-system/rke-job-deployer: serviceaccount \"rke-job-deployer\" not found"
            ),
            CreateError::ServiceAccountMissing {
                name: "rke-job-deployer".into()
            }
        );
        assert_eq!(
            classify_create("Error creating: something else"),
            CreateError::Other
        );
    }

    #[test]
    fn a_serving_certificate_without_the_called_name() {
        // The four spellings of Go's x509.HostnameError (crypto/x509/verify.go).
        let call = |e: &str| {
            format!(
                "Error creating: Internal error occurred: failed calling webhook \"w.example.io\": Post \"https://hook.sys.svc:443/mutate?timeout=30s\": {e}"
            )
        };
        let name = |m: &str| match classify_create(m) {
            CreateError::Webhook { error, .. } => error,
            other => panic!("not a webhook error: {other:?}"),
        };
        assert_eq!(
            name(&call(
                "x509: certificate is not valid for any names, but wanted to match hook.sys.svc"
            )),
            WebhookError::CertificateName {
                wanted: Some("hook.sys.svc".into()),
                valid: None
            }
        );
        assert_eq!(
            name(&call(
                "x509: certificate is valid for hook, hook.sys, not hook.sys.svc"
            )),
            WebhookError::CertificateName {
                wanted: Some("hook.sys.svc".into()),
                valid: Some("hook, hook.sys".into())
            }
        );
        assert_eq!(
            name(&call(
                "x509: certificate relies on legacy Common Name field, use SANs instead"
            )),
            WebhookError::CertificateName {
                wanted: None,
                valid: None
            }
        );
        assert_eq!(
            name(&call(
                "x509: cannot validate certificate for 10.96.4.2 because it doesn't contain any IP SANs"
            )),
            WebhookError::CertificateName {
                wanted: Some("10.96.4.2".into()),
                valid: None
            }
        );
    }

    #[test]
    fn a_service_account_without_its_token() {
        // plugin/pkg/admission/serviceaccount/admission.go before 1.24.
        assert_eq!(
            classify_create(
                "Error creating: pods \"nginx-\" is forbidden: no API token found for service account default/default, retry after the token is automatically created and added to the service account"
            ),
            CreateError::TokenMissing {
                namespace: Some("default".into()),
                name: "default".into()
            }
        );
        assert_eq!(
            classify_create(
                "Error creating: pods \"x-\" is forbidden: no API token found for service account \"kube-system/dns\", retry after the token is automatically created"
            ),
            CreateError::TokenMissing {
                namespace: Some("kube-system".into()),
                name: "dns".into()
            }
        );
    }
}
