//! Namespaces and objects: system namespaces, inert and cluster-scoped kinds,
//! LimitRange defaults, workloads and finding targets.

use day2_model::object::group_of;
use day2_model::{Cluster, ObjRef, Origin, Res, SourceKind, Workload};
use std::collections::HashSet;

/// Namespaces Kubernetes itself runs in.
pub fn is_system_namespace(ns: &str) -> bool {
    matches!(ns, "kube-system" | "kube-public" | "kube-node-lease")
}

pub use day2_model::netpol::NamespaceLabels;

/// Kinds of custom resources known not to create pods or Services.
const INERT_KINDS: &[&str] = &[
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "Probe",
    "ScrapeConfig",
    "PodMonitoring",
    "ExternalSecret",
    "SealedSecret",
    "SecretStore",
    "SecretProviderClass",
    "Certificate",
    "CertificateRequest",
    "Issuer",
    "VirtualService",
    "DestinationRule",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TCPRoute",
    "TLSRoute",
    "ReferenceGrant",
    "ServiceEntry",
    "PeerAuthentication",
    "AuthorizationPolicy",
    "RequestAuthentication",
    "Sidecar",
    "EnvoyFilter",
    "VerticalPodAutoscaler",
    "ScaledObject",
    "TriggerAuthentication",
    "Middleware",
    "IngressRoute",
    "BackendConfig",
    "FrontendConfig",
    "ManagedCertificate",
    "PodSecurityPolicy",
    "CiliumNetworkPolicy",
    "NetworkAttachmentDefinition",
];

/// What the LimitRanges of a namespace default at admission for containers
/// that set nothing: resources given a request (`defaultRequest`, or
/// `default`, which Kubernetes also uses as the request) and resources given
/// a limit (`default`).
#[derive(Default)]
pub struct LimitRangeDefaults<'c> {
    requests: HashSet<(&'c str, &'c str)>,
    limits: HashSet<(&'c str, &'c str)>,
}

impl<'c> LimitRangeDefaults<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        let mut d = LimitRangeDefaults::default();
        for lr in &cluster.limit_ranges {
            let ns = lr.ns_or_default();
            for l in lr.spec.iter().flat_map(|s| &s.limits) {
                if l.type_ != "Container" {
                    continue;
                }
                for k in l.default_request.iter().flat_map(|m| m.keys()) {
                    d.requests.insert((ns, k.as_str()));
                }
                for k in l.default.iter().flat_map(|m| m.keys()) {
                    d.requests.insert((ns, k.as_str()));
                    d.limits.insert((ns, k.as_str()));
                }
            }
        }
        d
    }

    /// Whether a container without a request for `resource` gets one in `ns`.
    pub fn request(&self, ns: &str, resource: &str) -> bool {
        self.requests.contains(&(ns, resource))
    }

    /// Whether a container without a limit for `resource` gets one in `ns`.
    pub fn limit(&self, ns: &str, resource: &str) -> bool {
        self.limits.contains(&(ns, resource))
    }

    /// Whether the namespace defaults anything at all.
    pub fn any(&self, ns: &str) -> bool {
        self.requests.iter().any(|(n, _)| *n == ns)
    }
}

/// Whether the workload's pods run to completion (a Job, a CronJob, a pod
/// with `restartPolicy` other than `Always`): their resources are held for
/// minutes, not for the life of the node.
pub fn runs_to_completion(w: &Workload<'_>) -> bool {
    matches!(w.kind, "Job" | "CronJob")
        || (w.kind == "Pod"
            && w.spec
                .restart_policy
                .as_deref()
                .is_some_and(|p| p != "Always"))
}

/// Whether a Service exposes only metrics: every port is named for metrics
/// (`metrics`, `http-metrics`, `prometheus`), or the Service is named so
/// (`…-metrics`). Nothing but a scraper calls it.
pub fn is_metrics_service(s: &Res<k8s_openapi::api::core::v1::Service>) -> bool {
    let metrics = |n: &str| {
        let n = n.to_ascii_lowercase();
        n.contains("metrics") || n.contains("prometheus") || n == "prom"
    };
    let ports: Vec<&str> = s
        .spec
        .iter()
        .flat_map(|sp| sp.ports.iter().flatten())
        .map(|p| p.name.as_deref().unwrap_or(""))
        .collect();
    metrics(s.name().rsplit('-').next().unwrap_or(""))
        || (!ports.is_empty() && ports.iter().all(|p| metrics(p)))
}

/// The Services (namespace, name) the API server itself calls, as the input
/// declares them: admission webhooks, CRD conversion webhooks and aggregated
/// APIs (`APIService`). Their requests are the API server's, which records
/// their rate, errors and latency (`apiserver_admission_webhook_*`,
/// `apiserver_crd_conversion_webhook_*`, `aggregator_*`).
pub fn api_server_backends(cluster: &Cluster) -> HashSet<(String, String)> {
    let mut out = HashSet::new();
    let mut add = |svc: Option<&serde_json::Value>| {
        if let Some(svc) = svc
            && let Some(name) = svc.get("name").and_then(|n| n.as_str())
        {
            let ns = svc
                .get("namespace")
                .and_then(|n| n.as_str())
                .unwrap_or("default");
            out.insert((ns.to_owned(), name.to_owned()));
        }
    };
    for o in &cluster.other {
        match o.kind.as_str() {
            "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
                for w in o
                    .data
                    .get("webhooks")
                    .and_then(|w| w.as_array())
                    .into_iter()
                    .flatten()
                {
                    add(w.pointer("/clientConfig/service"));
                }
            }
            "CustomResourceDefinition" => {
                add(o
                    .data
                    .get("spec")
                    .and_then(|s| s.pointer("/conversion/webhook/clientConfig/service")));
            }
            "APIService" => add(o.data.get("spec").and_then(|s| s.get("service"))),
            _ => {}
        }
    }
    out
}

/// Built-in kinds day2 has no typed model for that are cluster-scoped.
const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "CustomResourceDefinition",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "CertificateSigningRequest",
    "ClusterTrustBundle",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "PodSecurityPolicy",
    "StorageVersionMigration",
    "VolumeAttributesClass",
    "DeviceClass",
    "IPAddress",
    "ServiceCIDR",
];

/// Whether objects of `kind` (of an object without a namespace) are
/// cluster-scoped: a built-in cluster-scoped kind, a kind a
/// CustomResourceDefinition of the input declares `scope: Cluster`, or, when
/// the input has no definition for it, a `Cluster…` kind (ClusterIssuer,
/// ClusterPolicy, ClusterSecretStore: the convention for cluster-scoped
/// custom resources).
pub fn is_cluster_scoped(cluster: &Cluster, kind: &str) -> bool {
    if CLUSTER_SCOPED_KINDS.contains(&kind) {
        return true;
    }
    let declared = cluster.other.iter().find_map(|o| {
        (o.kind == "CustomResourceDefinition"
            && o.data
                .get("spec")
                .and_then(|s| s.pointer("/names/kind"))
                .and_then(|k| k.as_str())
                == Some(kind))
        .then(|| {
            o.data
                .get("spec")
                .and_then(|s| s.get("scope"))
                .and_then(|s| s.as_str())
                == Some("Cluster")
        })
    });
    declared.unwrap_or_else(|| kind.starts_with("Cluster"))
}

/// Whether the input holds, in this namespace, objects of kinds day2 does not
/// model that may create pods or Services (an operator's custom resources).
/// Rules that would report "selects nothing" on manifests stay silent then.
/// Cluster-scoped objects (CustomResourceDefinitions, ClusterIssuers,
/// webhook configurations) are in no namespace: they do not count for
/// `default`, where namespace-less objects of a manifest land. Nor do objects
/// under a group without a dot: custom resources' groups are domains, so such
/// an object is a Kubernetes kind day2 does not model (`v1` Endpoints) or one
/// no server accepts (`app/v1` Deployment, reported by CP016).
pub fn namespace_has_operator_objects(cluster: &Cluster, ns: &str) -> bool {
    cluster.other.iter().any(|o| {
        !INERT_KINDS.contains(&o.kind.as_str())
            && group_of(&o.api_version).contains('.')
            && match o.namespace() {
                Some(n) => n == ns,
                None => ns == "default" && !is_cluster_scoped(cluster, &o.kind),
            }
    })
}

/// The target of an object of a kind day2 does not model (a custom resource,
/// a mistyped kind). Without a namespace it is reported in `default`, where
/// the API server puts it and where the file's Services and workloads are
/// reported, unless its kind is cluster-scoped.
pub fn dyn_target<'a>(cluster: &Cluster, r: &'a Res<day2_model::DynObject>) -> crate::Target<'a> {
    let mut t = crate::Target::of(r);
    if t.object.namespace.is_none() && !is_cluster_scoped(cluster, &r.kind) {
        t.object.namespace = Some("default".to_owned());
    }
    t
}

/// A target for findings about something that is not one object in the input
/// (a namespace without a Namespace object, the cluster).
pub fn synthetic_target<'a>(
    origin: &'a Origin,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
) -> crate::Target<'a> {
    crate::Target {
        object: ObjRef::new(kind, namespace, name),
        origin,
        annotations: [None, None],
        pods: 0,
        examples: Default::default(),
    }
}

/// Whether the source shows the whole cluster (a snapshot or the live API),
/// as opposed to manifests that may be one application among many.
pub fn sees_whole_cluster(cluster: &Cluster) -> bool {
    cluster.source != SourceKind::Manifests
}

/// `Kind/name` of a workload for messages.
pub fn wname(w: &Workload<'_>) -> String {
    format!("{}/{}", w.kind, w.name())
}
