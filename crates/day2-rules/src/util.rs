//! Helpers rules share: containers of a pod spec, resources and security
//! context as Kubernetes applies them, images and databases, workloads by
//! selector, and NetworkPolicy semantics.

use day2_model::object::group_of;
use day2_model::security::EffectiveSecurityContext;
use day2_model::selector::{Labels, label_selector_is_empty, label_selector_matches};
use day2_model::{Cluster, K8sObject, ObjRef, Origin, Res, SourceKind, Workload};
use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec, Probe};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::{HashMap, HashSet};

pub use day2_context::index::{ServiceIndex, WorkloadIndex};

/// A container of a pod spec with its JSON pointer (relative to the pod spec).
pub struct ContainerRef<'a> {
    pub c: &'a Container,
    pub pointer: String,
    /// An init container that is not a restartable sidecar.
    pub init: bool,
    /// A restartable init container (`restartPolicy: Always`).
    pub sidecar: bool,
}

/// Every container of a pod spec: init containers (and sidecars) first, then app containers.
pub fn containers(spec: &PodSpec) -> Vec<ContainerRef<'_>> {
    let mut out = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let sidecar = day2_model::resources::is_sidecar(c);
        out.push(ContainerRef {
            c,
            pointer: format!("/initContainers/{i}"),
            init: !sidecar,
            sidecar,
        });
    }
    for (i, c) in spec.containers.iter().enumerate() {
        out.push(ContainerRef {
            c,
            pointer: format!("/containers/{i}"),
            init: false,
            sidecar: false,
        });
    }
    out
}

/// The image name without registry, tag or digest: `docker.io/library/postgres:16` → `postgres`.
pub fn image_base(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// How a container is named in messages.
pub fn container_role(c: &ContainerRef<'_>) -> &'static str {
    if c.init {
        "init container"
    } else if c.sidecar {
        "sidecar"
    } else {
        "container"
    }
}

/// Whether the pod gets QoS class BestEffort: no CPU or memory request or
/// limit on any container (init containers included) and none at pod level.
pub fn is_best_effort(spec: &PodSpec) -> bool {
    let none = |r: Option<&k8s_openapi::api::core::v1::ResourceRequirements>| {
        r.is_none_or(|r| {
            ["cpu", "memory"].iter().all(|k| {
                r.requests.as_ref().is_none_or(|m| !m.contains_key(*k))
                    && r.limits.as_ref().is_none_or(|m| !m.contains_key(*k))
            })
        })
    };
    none(spec.resources.as_ref())
        && containers(spec)
            .iter()
            .all(|c| none(c.c.resources.as_ref()))
}

/// Windows pods: Linux security-context checks do not apply.
pub fn is_windows(spec: &PodSpec) -> bool {
    spec.os.as_ref().is_some_and(|o| o.name == "windows")
        || spec
            .node_selector
            .as_ref()
            .and_then(|n| n.get("kubernetes.io/os"))
            .is_some_and(|v| v == "windows")
}

/// Every container of a pod spec with its effective security context (the
/// container's settings over the pod's, see [`day2_model::security`]). A
/// Windows pod has none of these Linux settings: none of its containers are
/// listed.
pub fn container_security(spec: &PodSpec) -> Vec<(ContainerRef<'_>, EffectiveSecurityContext<'_>)> {
    if is_windows(spec) {
        return Vec::new();
    }
    containers(spec)
        .into_iter()
        .map(|c| {
            let sc = EffectiveSecurityContext::of(spec, c.c);
            (c, sc)
        })
        .collect()
}

// ---------------------------------------------------------------- images

/// The registry host of an image reference, when it names one
/// (`123.dkr.ecr.eu-west-1.amazonaws.com/api:1` → that host; `nginx` → None).
pub fn image_registry(image: &str) -> Option<&str> {
    let (first, rest) = image.split_once('/')?;
    (!rest.is_empty() && (first.contains('.') || first.contains(':') || first == "localhost"))
        .then_some(first)
}

/// Tag and digest of an image reference.
pub fn image_tag(image: &str) -> (Option<&str>, bool) {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    (last.split_once(':').map(|(_, t)| t), digest)
}

/// Database engines recognised by image name, with their default port.
/// Exporters, operators, proxies and UIs have other image names and do not match.
const DATABASES: &[(&str, &str, i32)] = &[
    ("postgres", "PostgreSQL", 5432),
    ("postgresql", "PostgreSQL", 5432),
    ("postgis", "PostgreSQL", 5432),
    ("pgvector", "PostgreSQL", 5432),
    ("timescaledb", "PostgreSQL", 5432),
    ("timescaledb-ha", "PostgreSQL", 5432),
    ("crunchy-postgres", "PostgreSQL", 5432),
    ("mysql", "MySQL", 3306),
    ("mysql-server", "MySQL", 3306),
    ("percona-server", "MySQL", 3306),
    ("percona-xtradb-cluster", "MySQL", 3306),
    ("mariadb", "MariaDB", 3306),
    ("mongo", "MongoDB", 27017),
    ("mongodb", "MongoDB", 27017),
    ("mongodb-community-server", "MongoDB", 27017),
    ("mongodb-enterprise-server", "MongoDB", 27017),
    ("percona-server-mongodb", "MongoDB", 27017),
    ("redis", "Redis", 6379),
    ("redis-stack", "Redis", 6379),
    ("redis-stack-server", "Redis", 6379),
    ("valkey", "Valkey", 6379),
    ("keydb", "KeyDB", 6379),
    ("dragonfly", "Dragonfly", 6379),
    ("elasticsearch", "Elasticsearch", 9200),
    ("opensearch", "OpenSearch", 9200),
    ("kafka", "Kafka", 9092),
    ("cp-kafka", "Kafka", 9092),
    ("cp-server", "Kafka", 9092),
    ("kafka-native", "Kafka", 9092),
    ("redpanda", "Redpanda", 9092),
    ("zookeeper", "ZooKeeper", 2181),
    ("cp-zookeeper", "ZooKeeper", 2181),
    ("etcd", "etcd", 2379),
    ("cassandra", "Cassandra", 9042),
    ("scylla", "ScyllaDB", 9042),
    ("cockroach", "CockroachDB", 26257),
    ("yugabyte", "YugabyteDB", 5433),
    ("clickhouse", "ClickHouse", 9000),
    ("clickhouse-server", "ClickHouse", 9000),
    ("influxdb", "InfluxDB", 8086),
    ("neo4j", "Neo4j", 7687),
    ("couchdb", "CouchDB", 5984),
    ("couchbase", "Couchbase", 8091),
    ("server", "", 0), // placeholder: mcr.microsoft.com/mssql/server, matched by path below
    ("rabbitmq", "RabbitMQ", 5672),
    ("minio", "MinIO", 9000),
    ("solr", "Solr", 8983),
    ("arangodb", "ArangoDB", 8529),
    ("questdb", "QuestDB", 8812),
    ("qdrant", "Qdrant", 6333),
    ("weaviate", "Weaviate", 8080),
    ("milvus", "Milvus", 19530),
];

/// A database engine recognised from an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Database {
    pub engine: &'static str,
    pub port: i32,
}

impl Database {
    /// Engines commonly run as disposable caches (no data to lose).
    pub fn is_cache_capable(&self) -> bool {
        matches!(self.engine, "Redis" | "Valkey" | "KeyDB" | "Dragonfly")
    }
}

/// The database engine an image runs, if it is one.
pub fn database_of_image(image: &str) -> Option<Database> {
    let no_digest = image.split('@').next().unwrap_or(image);
    if no_digest.contains("mssql/server") {
        return Some(Database {
            engine: "SQL Server",
            port: 1433,
        });
    }
    let base = image_base(image).to_ascii_lowercase();
    if base.starts_with("spilo") {
        return Some(Database {
            engine: "PostgreSQL",
            port: 5432,
        });
    }
    DATABASES
        .iter()
        .find(|(n, e, _)| !e.is_empty() && *n == base)
        .map(|(_, engine, port)| Database {
            engine,
            port: *port,
        })
}

/// The first app container of a pod spec that runs a database.
pub fn database_container(spec: &PodSpec) -> Option<(usize, &Container, Database)> {
    spec.containers.iter().enumerate().find_map(|(i, c)| {
        c.image
            .as_deref()
            .and_then(database_of_image)
            .map(|d| (i, c, d))
    })
}

// ---------------------------------------------------------------- ports and probes

/// The ports a container serves: (number, name, protocol).
pub fn container_ports(c: &Container) -> impl Iterator<Item = &ContainerPort> {
    c.ports.iter().flatten()
}

/// Whether any container of the spec declares a port with this name.
pub fn spec_has_port_name(spec: &PodSpec, name: &str) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(container_ports)
        .any(|p| p.name.as_deref() == Some(name))
}

/// Whether any container of the spec declares this port number.
pub fn spec_has_port_number(spec: &PodSpec, number: i32) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(container_ports)
        .any(|p| p.container_port == number)
}

/// Whether any container of the spec declares any port.
pub fn spec_declares_ports(spec: &PodSpec) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .any(|c| c.ports.as_ref().is_some_and(|p| !p.is_empty()))
}

/// The port a probe checks: an `IntOrString` for HTTP/TCP, a number for gRPC.
/// `None` for exec probes and HTTP probes of another host.
pub fn probe_port(p: &Probe) -> Option<IntOrString> {
    if let Some(h) = &p.http_get {
        if h.host.as_deref().is_some_and(|h| !h.is_empty()) {
            return None;
        }
        return Some(h.port.clone());
    }
    if let Some(t) = &p.tcp_socket {
        if t.host.as_deref().is_some_and(|h| !h.is_empty()) {
            return None;
        }
        return Some(t.port.clone());
    }
    p.grpc.as_ref().map(|g| IntOrString::Int(g.port))
}

/// `IntOrString` for messages.
pub fn ios(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// An `IntOrString` count or percentage scaled against `total`, rounded up
/// or down as the controllers do. `None` for malformed values.
pub fn scaled(v: &IntOrString, total: i64, round_up: bool) -> Option<i64> {
    match v {
        IntOrString::Int(i) => Some(i64::from(*i)),
        IntOrString::String(s) => match s.strip_suffix('%') {
            Some(p) => {
                let pct: i64 = p.trim().parse().ok()?;
                let num = pct * total;
                Some(if round_up {
                    (num + 99).div_euclid(100)
                } else {
                    num.div_euclid(100)
                })
            }
            None => s.trim().parse().ok(),
        },
    }
}

// ---------------------------------------------------------------- namespaces, objects

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

// ---------------------------------------------------------------- HPAs

/// HPAs by their target (kind, namespace, name).
pub fn hpas_by_target(
    cluster: &Cluster,
) -> HashMap<
    (String, String, String),
    &Res<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>,
> {
    cluster
        .hpas
        .iter()
        .map(|h| {
            let t = &h.spec.scale_target_ref;
            (
                (t.kind.clone(), h.ns_or_default().to_owned(), t.name.clone()),
                h,
            )
        })
        .collect()
}

/// Replicas a workload runs with at its low point: the HPA's `minReplicas`
/// (default 1) when an HPA scales it, else `spec.replicas`.
pub fn min_replicas(
    w: &Workload<'_>,
    hpas: &HashMap<
        (String, String, String),
        &Res<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>,
    >,
) -> Option<i64> {
    let key = (
        w.kind.to_owned(),
        w.namespace().to_owned(),
        w.name().to_owned(),
    );
    match hpas.get(&key).map(|h| &h.spec) {
        Some(s) => Some(i64::from(s.min_replicas.unwrap_or(1))),
        None => w.replicas.map(i64::from),
    }
}

/// Replicas a workload may run with at its high point (HPA `maxReplicas`, else `spec.replicas`).
pub fn max_replicas(
    w: &Workload<'_>,
    hpas: &HashMap<
        (String, String, String),
        &Res<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>,
    >,
) -> Option<i64> {
    let key = (
        w.kind.to_owned(),
        w.namespace().to_owned(),
        w.name().to_owned(),
    );
    match hpas.get(&key).map(|h| &h.spec) {
        Some(s) => Some(i64::from(s.max_replicas)),
        None => w.replicas.map(i64::from),
    }
}

// ---------------------------------------------------------------- NetworkPolicy semantics

pub use day2_model::netpol::{policy_selects, policy_types};

/// Whether a policy selects every pod of its namespace.
pub fn policy_selects_all(np: &NetworkPolicy) -> bool {
    np.spec
        .as_ref()
        .and_then(|s| s.pod_selector.as_ref())
        .is_none_or(label_selector_is_empty)
}

/// How far a set of peers reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breadth {
    /// Specific pods or addresses.
    Restricted,
    /// Every pod of the namespaces named.
    Namespaces(Vec<String>),
    /// Every pod in the cluster.
    AllPods,
    /// Every pod and every address (no `from`, or `0.0.0.0/0`).
    Everyone,
}

fn is_any_cidr(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0")
}

/// The breadth of one peer of a policy in `policy_ns`; `namespaces` lists the
/// namespaces known with their labels (to resolve namespace selectors).
pub fn peer_breadth(
    peer: &NetworkPolicyPeer,
    policy_ns: &str,
    ns_labels: &NamespaceLabels,
    namespaces: &[&str],
) -> Breadth {
    if let Some(b) = &peer.ip_block {
        return if is_any_cidr(&b.cidr) {
            Breadth::Everyone
        } else {
            Breadth::Restricted
        };
    }
    let pods_all = peer
        .pod_selector
        .as_ref()
        .is_none_or(label_selector_is_empty);
    match (&peer.namespace_selector, &peer.pod_selector) {
        (None, Some(ps)) if label_selector_is_empty(ps) => {
            Breadth::Namespaces(vec![policy_ns.to_owned()])
        }
        (None, _) => Breadth::Restricted,
        (Some(ns), _) if label_selector_is_empty(ns) && pods_all => Breadth::AllPods,
        (Some(ns), _) if pods_all => {
            let hit: Vec<String> = namespaces
                .iter()
                .filter(|n| label_selector_matches(ns, &ns_labels.get(n)))
                .map(|n| (*n).to_owned())
                .collect();
            if hit.is_empty() {
                Breadth::Restricted
            } else {
                Breadth::Namespaces(hit)
            }
        }
        _ => Breadth::Restricted,
    }
}

/// The breadth of a rule's peer list (`from`/`to`): no peers means everyone.
pub fn peers_breadth(
    peers: Option<&Vec<NetworkPolicyPeer>>,
    policy_ns: &str,
    ns_labels: &NamespaceLabels,
    namespaces: &[&str],
) -> Breadth {
    let Some(peers) = peers.filter(|p| !p.is_empty()) else {
        return Breadth::Everyone;
    };
    let mut best = Breadth::Restricted;
    let mut nss: Vec<String> = Vec::new();
    for p in peers {
        match peer_breadth(p, policy_ns, ns_labels, namespaces) {
            Breadth::Namespaces(v) => nss.extend(v),
            b => best = best.max(b),
        }
    }
    if best >= Breadth::AllPods {
        return best;
    }
    if !nss.is_empty() {
        nss.sort();
        nss.dedup();
        return Breadth::Namespaces(nss);
    }
    best
}

/// Whether a peer admits a pod (namespace, namespace labels, pod labels).
/// IP blocks admit pods only when they cover every address (pod IPs are not
/// known from manifests).
pub fn peer_admits(
    peer: &NetworkPolicyPeer,
    policy_ns: &str,
    pod_ns: &str,
    pod_ns_labels: &Labels,
    pod_labels: &Labels,
) -> bool {
    if let Some(b) = &peer.ip_block {
        return is_any_cidr(&b.cidr);
    }
    match (&peer.namespace_selector, &peer.pod_selector) {
        (None, Some(ps)) => pod_ns == policy_ns && label_selector_matches(ps, pod_labels),
        (Some(ns), ps) => {
            label_selector_matches(ns, pod_ns_labels)
                && ps
                    .as_ref()
                    .is_none_or(|ps| label_selector_matches(ps, pod_labels))
        }
        (None, None) => false,
    }
}

pub use day2_model::netpol::ports_admit;

/// NetworkPolicies by namespace.
pub fn policies_by_namespace(cluster: &Cluster) -> HashMap<&str, Vec<&Res<NetworkPolicy>>> {
    let mut m: HashMap<&str, Vec<&Res<NetworkPolicy>>> = HashMap::new();
    for np in &cluster.network_policies {
        m.entry(np.ns_or_default()).or_default().push(np);
    }
    m
}

/// Kinds of policy objects day2 cannot evaluate that apply cluster-wide.
const CLUSTER_POLICY_KINDS: &[&str] = &[
    "GlobalNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "ClusterNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
];

/// Whether the input holds cluster-wide policies of a CNI (Calico, Cilium,
/// Antrea, AdminNetworkPolicy) that day2 does not evaluate.
pub fn has_cluster_wide_cni_policies(cluster: &Cluster) -> bool {
    cluster
        .other
        .iter()
        .any(|o| CLUSTER_POLICY_KINDS.contains(&o.kind.as_str()))
}

/// Namespaces holding namespaced CNI policies day2 does not evaluate
/// (Calico `NetworkPolicy` of `projectcalico.org`, `CiliumNetworkPolicy`).
pub fn namespaces_with_cni_policies(cluster: &Cluster) -> HashSet<&str> {
    cluster
        .other
        .iter()
        .filter(|o| {
            o.kind == "CiliumNetworkPolicy"
                || (o.kind == "NetworkPolicy" && o.api_version.contains("projectcalico.org"))
        })
        .map(|o| o.ns_or_default())
        .collect()
}

// ---------------------------------------------------------------- RBAC

/// A subject of a binding, for messages.
pub fn subject_display(
    s: &k8s_openapi::api::rbac::v1::Subject,
    binding_ns: Option<&str>,
) -> String {
    match s.kind.as_str() {
        "ServiceAccount" => format!(
            "ServiceAccount {}/{}",
            s.namespace.as_deref().or(binding_ns).unwrap_or("default"),
            s.name
        ),
        k => format!("{k} {}", s.name),
    }
}

/// ServiceAccounts (namespace, name) and SA groups that RBAC bindings grant anything to.
pub struct BoundServiceAccounts {
    accounts: HashSet<(String, String)>,
    namespaces: HashSet<String>,
    all: bool,
}

impl BoundServiceAccounts {
    pub fn new(cluster: &Cluster) -> Self {
        let mut b = BoundServiceAccounts {
            accounts: HashSet::new(),
            namespaces: HashSet::new(),
            all: false,
        };
        let mut add = |subjects: Option<&Vec<k8s_openapi::api::rbac::v1::Subject>>,
                       ns: Option<&str>| {
            for s in subjects.into_iter().flatten() {
                match s.kind.as_str() {
                    "ServiceAccount" => {
                        let sns = s.namespace.as_deref().or(ns).unwrap_or("default");
                        b.accounts.insert((sns.to_owned(), s.name.clone()));
                    }
                    "Group"
                        if s.name == "system:serviceaccounts"
                            || s.name == "system:authenticated" =>
                    {
                        b.all = true
                    }
                    "Group" => {
                        if let Some(n) = s.name.strip_prefix("system:serviceaccounts:") {
                            b.namespaces.insert(n.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        };
        for rb in &cluster.role_bindings {
            add(rb.subjects.as_ref(), Some(rb.ns_or_default()));
        }
        for crb in &cluster.cluster_role_bindings {
            add(crb.subjects.as_ref(), None);
        }
        b
    }

    pub fn is_bound(&self, ns: &str, name: &str) -> bool {
        self.all
            || self.namespaces.contains(ns)
            || self.accounts.contains(&(ns.to_owned(), name.to_owned()))
    }
}

// ---------------------------------------------------------------- Secret references

/// How a pod spec reads a Secret.
#[derive(Debug, Clone)]
pub struct SecretRef<'a> {
    pub name: &'a str,
    /// `volume`, `envFrom` or `env NAME`.
    pub how: String,
    /// JSON pointer relative to the pod spec.
    pub pointer: String,
}

/// Every Secret a pod spec mounts, projects or reads into env.
pub fn secret_refs(spec: &PodSpec) -> Vec<SecretRef<'_>> {
    let mut out = Vec::new();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        if let Some(n) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
            out.push(SecretRef {
                name: n,
                how: format!("volume `{}`", v.name),
                pointer: format!("/volumes/{i}"),
            });
        }
        for src in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(s) = &src.secret {
                out.push(SecretRef {
                    name: &s.name,
                    how: format!("projected volume `{}`", v.name),
                    pointer: format!("/volumes/{i}"),
                });
            }
        }
    }
    for c in containers(spec) {
        for (j, e) in c.c.env_from.iter().flatten().enumerate() {
            if let Some(s) = &e.secret_ref {
                out.push(SecretRef {
                    name: &s.name,
                    how: format!("envFrom in {} `{}`", container_role(&c), c.c.name),
                    pointer: format!("{}/envFrom/{j}", c.pointer),
                });
            }
        }
        for (j, e) in c.c.env.iter().flatten().enumerate() {
            if let Some(k) = e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            {
                out.push(SecretRef {
                    name: &k.name,
                    how: format!("env `{}` of {} `{}`", e.name, container_role(&c), c.c.name),
                    pointer: format!("{}/env/{j}", c.pointer),
                });
            }
        }
    }
    out
}

/// Secret names used as volumes (volume name → Secret name).
pub fn secret_volumes(spec: &PodSpec) -> HashMap<&str, &str> {
    let mut m = HashMap::new();
    for v in spec.volumes.iter().flatten() {
        if let Some(n) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
            m.insert(v.name.as_str(), n);
        }
        for src in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(s) = &src.secret {
                m.insert(v.name.as_str(), s.name.as_str());
            }
        }
    }
    m
}

/// Normalised identifier: lowercase alphanumerics only (`AWS_SECRET_ACCESS_KEY` → `awssecretaccesskey`).
pub fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Environment variable names that only ever carry static cloud credentials.
pub fn static_credential_env(name: &str) -> Option<day2_model::secret::CredentialKind> {
    use day2_model::secret::CredentialKind as K;
    match norm(name).as_str() {
        "awsaccesskeyid" => Some(K::AwsAccessKeyId),
        "awssecretaccesskey" | "awssessiontoken" => Some(K::AwsSecretAccessKey),
        "azureclientsecret" | "armclientsecret" | "aadclientsecret" => Some(K::AzureClientSecret),
        "azurestorageaccountkey" | "azurestoragekey" | "azurestorageaccesskey" => {
            Some(K::AzureStorageKey)
        }
        "gcpserviceaccountkey"
        | "googlecredentialsjson"
        | "gcpcredentialsjson"
        | "googleapplicationcredentialsjson" => Some(K::GcpServiceAccountKey),
        _ => None,
    }
}

/// Cloud credentials a pod spec receives from Secrets (or from files of
/// mounted Secrets named by `GOOGLE_APPLICATION_CREDENTIALS` /
/// `AWS_SHARED_CREDENTIALS_FILE`): (what, how, pointer). `secret_kinds`
/// gives the classified cloud credentials of Secrets in the input.
pub fn static_cloud_credentials<'a>(
    spec: &'a PodSpec,
    secret_kinds: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for r in secret_refs(spec) {
        if let Some(kinds) = secret_kinds(r.name)
            && seen.insert((r.name.to_owned(), r.how.clone()))
        {
            out.push((
                format!("Secret `{}` ({kinds})", r.name),
                r.how.clone(),
                r.pointer.clone(),
            ));
        }
    }
    let vols = secret_volumes(spec);
    for c in containers(spec) {
        for (j, e) in c.c.env.iter().flatten().enumerate() {
            let from_secret = e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref());
            if let (Some(k), Some(kind)) = (from_secret, static_credential_env(&e.name)) {
                if secret_kinds(&k.name).is_some() {
                    continue; // already reported with the Secret's classification
                }
                out.push((
                    format!("{} from Secret `{}`", kind.describe(), k.name),
                    format!("env `{}` of {} `{}`", e.name, container_role(&c), c.c.name),
                    format!("{}/env/{j}", c.pointer),
                ));
            }
            let file_var = matches!(
                e.name.as_str(),
                "GOOGLE_APPLICATION_CREDENTIALS" | "AWS_SHARED_CREDENTIALS_FILE"
            );
            if let (true, Some(path)) = (file_var, e.value.as_deref()) {
                for m in c.c.volume_mounts.iter().flatten() {
                    let Some(secret) = vols.get(m.name.as_str()) else {
                        continue;
                    };
                    if path.starts_with(m.mount_path.trim_end_matches('/'))
                        && secret_kinds(secret).is_none()
                    {
                        let what = if e.name.starts_with("GOOGLE") {
                            "GCP service-account JSON key"
                        } else {
                            "AWS shared credentials file"
                        };
                        out.push((
                            format!("{what} file from Secret `{secret}`"),
                            format!("env `{}` of {} `{}`", e.name, container_role(&c), c.c.name),
                            format!("{}/env/{j}", c.pointer),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Classified cloud credentials of every Secret, by (namespace, name).
pub fn cloud_secret_kinds(cluster: &Cluster) -> HashMap<(String, String), String> {
    cluster
        .secrets
        .iter()
        .filter_map(|s| {
            let kinds: Vec<&str> = s
                .credential_kinds()
                .into_iter()
                .filter(|k| k.is_cloud())
                .map(|k| k.describe())
                .collect();
            (!kinds.is_empty()).then(|| {
                (
                    (s.ns_or_default().to_owned(), s.name().to_owned()),
                    kinds.join(", "),
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------- Services

/// The container ports a Service port's `targetPort` reaches in a pod spec:
/// indices of the app containers serving it (by port name or number).
pub fn serving_containers(spec: &PodSpec, target: &IntOrString) -> Vec<usize> {
    spec.containers
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            container_ports(c).any(|p| match target {
                IntOrString::Int(n) => p.container_port == *n,
                IntOrString::String(s) => p.name.as_deref() == Some(s.as_str()),
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// A Service port's effective target port (`targetPort`, defaulting to `port`).
pub fn target_port(p: &k8s_openapi::api::core::v1::ServicePort) -> IntOrString {
    p.target_port.clone().unwrap_or(IntOrString::Int(p.port))
}

// ---------------------------------------------------------------- namespace isolation

/// Which namespaces the input lets day2 judge for NetworkPolicy isolation,
/// and which of them have an ingress default deny.
pub struct Isolation<'c> {
    pub policies: HashMap<&'c str, Vec<&'c Res<NetworkPolicy>>>,
    /// Namespaces whose isolation can be judged (see NW004).
    pub judged: Vec<String>,
    /// Namespaces with CNI-specific policies day2 does not evaluate.
    pub cni: HashSet<&'c str>,
    /// The input holds cluster-wide CNI policies: nothing is judged.
    pub cluster_wide: bool,
}

impl<'c> Isolation<'c> {
    pub fn new(cluster: &'c Cluster, index: &WorkloadIndex<'_>) -> Self {
        let policies = policies_by_namespace(cluster);
        let cni = namespaces_with_cni_policies(cluster);
        let cluster_wide = has_cluster_wide_cni_policies(cluster);
        let mut judged: Vec<String> = if sees_whole_cluster(cluster) {
            index.namespaces().map(str::to_owned).collect()
        } else {
            cluster
                .namespaces
                .iter()
                .map(|n| n.name().to_owned())
                .collect()
        };
        judged.retain(|n| !is_system_namespace(n) && !cni.contains(n.as_str()));
        if cluster_wide {
            judged.clear();
        }
        judged.sort();
        judged.dedup();
        Isolation {
            policies,
            judged,
            cni,
            cluster_wide,
        }
    }

    /// Whether the isolation of a namespace can be judged (NW004).
    pub fn is_judged(&self, ns: &str) -> bool {
        self.judged.binary_search_by(|j| j.as_str().cmp(ns)).is_ok()
    }

    pub fn policies_in(&self, ns: &str) -> &[&'c Res<NetworkPolicy>] {
        self.policies.get(ns).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a namespace has a policy isolating every pod for ingress
    /// without admitting every pod or address.
    pub fn has_default_deny(
        &self,
        ns: &str,
        ns_labels: &NamespaceLabels,
        namespaces: &[&str],
    ) -> bool {
        self.policies_in(ns).iter().any(|np| {
            policy_selects_all(np)
                && policy_types(np).0
                && np
                    .spec
                    .as_ref()
                    .and_then(|s| s.ingress.as_ref())
                    .into_iter()
                    .flatten()
                    .all(|r| {
                        peers_breadth(r.from.as_ref(), ns, ns_labels, namespaces) < Breadth::AllPods
                    })
        })
    }

    /// Ingress policies of `ns` selecting pods with these labels.
    pub fn ingress_policies_for(&self, ns: &str, labels: &Labels) -> Vec<&'c Res<NetworkPolicy>> {
        self.policies_in(ns)
            .iter()
            .copied()
            .filter(|np| policy_types(np).0 && policy_selects(np, labels))
            .collect()
    }

    /// Egress policies of `ns` selecting pods with these labels.
    pub fn egress_policies_for(&self, ns: &str, labels: &Labels) -> Vec<&'c Res<NetworkPolicy>> {
        if self.policies_in(ns).is_empty() {
            return Vec::new();
        }
        self.policies_in(ns)
            .iter()
            .copied()
            .filter(|np| policy_types(np).1 && policy_selects(np, labels))
            .collect()
    }

    /// Whether the CNI policies of the input leave `ns` unjudgeable.
    pub fn opaque(&self, ns: &str) -> bool {
        self.cluster_wide || self.cni.contains(ns)
    }
}

// ---------------------------------------------------------------- storage

/// Claims a pod spec mounts by name: (volume index, volume name, claim name).
pub fn claim_volumes(spec: &PodSpec) -> Vec<(usize, &str, &str)> {
    spec.volumes
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| (i, v.name.as_str(), c.claim_name.as_str()))
        })
        .collect()
}

/// Objects looked up by (namespace, name), built once per rule so that
/// per-workload lookups stay O(1) on large snapshots.
pub struct ByName<'c, T> {
    map: HashMap<(&'c str, &'c str), &'c Res<T>>,
}

impl<'c, T: K8sObject> ByName<'c, T> {
    pub fn new(items: &'c [Res<T>]) -> Self {
        ByName {
            map: items
                .iter()
                .map(|r| ((r.ns_or_default(), r.name()), r))
                .collect(),
        }
    }

    pub fn get(&self, ns: &str, name: &str) -> Option<&'c Res<T>> {
        self.map.get(&(ns, name)).copied()
    }
}

/// StatefulSets by (namespace, name).
pub type StatefulSets<'c> = ByName<'c, k8s_openapi::api::apps::v1::StatefulSet>;

/// The StatefulSet object behind a workload of kind StatefulSet.
pub fn stateful_set_of<'c>(
    sets: &StatefulSets<'c>,
    w: &Workload<'_>,
) -> Option<&'c Res<k8s_openapi::api::apps::v1::StatefulSet>> {
    if w.kind != "StatefulSet" {
        return None;
    }
    sets.get(w.namespace(), w.name())
}

/// Whether a workload keeps data on persistent volumes (claim templates or claims).
pub fn has_persistent_storage(sets: &StatefulSets<'_>, w: &Workload<'_>) -> bool {
    !claim_volumes(w.spec).is_empty()
        || stateful_set_of(sets, w).is_some_and(|s| {
            s.spec
                .volume_claim_templates
                .as_ref()
                .is_some_and(|t| !t.is_empty())
        })
}

/// Access modes of a claim that only one node may mount.
pub fn single_node_modes(modes: Option<&Vec<String>>) -> Option<&'static str> {
    let modes = modes?;
    if modes.is_empty() {
        return None;
    }
    if modes.iter().all(|m| m == "ReadWriteOncePod") {
        return Some("ReadWriteOncePod");
    }
    modes
        .iter()
        .all(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod")
        .then_some("ReadWriteOnce")
}

/// Zone topology keys.
pub fn is_zone_key(k: &str) -> bool {
    matches!(
        k,
        "topology.kubernetes.io/zone" | "failure-domain.beta.kubernetes.io/zone"
    )
}

/// Whether the pod spec spreads (or anti-affines) its pods across zones.
pub fn spreads_across_zones(spec: &PodSpec) -> bool {
    let spread = spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .any(|t| is_zone_key(&t.topology_key));
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|a| {
            a.required_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .any(|t| is_zone_key(&t.topology_key))
                || a.preferred_during_scheduling_ignored_during_execution
                    .iter()
                    .flatten()
                    .any(|t| is_zone_key(&t.pod_affinity_term.topology_key))
        });
    spread || anti
}

/// Whether the pod spec pins its pods to a single zone (nodeSelector or required affinity).
pub fn pinned_to_one_zone(spec: &PodSpec) -> bool {
    if spec
        .node_selector
        .iter()
        .flatten()
        .any(|(k, _)| is_zone_key(k))
    {
        return true;
    }
    day2_model::selector::required_node_affinity(spec).is_some_and(|r| {
        !r.node_selector_terms.is_empty()
            && r.node_selector_terms.iter().all(|t| {
                t.match_expressions.iter().flatten().any(|e| {
                    is_zone_key(&e.key)
                        && e.operator == "In"
                        && e.values.as_ref().is_some_and(|v| v.len() == 1)
                })
            })
    })
}

// ---------------------------------------------------------------- metrics scraping

/// What a scrape configuration selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonitorTarget {
    /// ServiceMonitor, VMServiceScrape: Services by label.
    Services,
    /// PodMonitor, VMPodScrape, PodMonitoring, ClusterPodMonitoring: pods by label.
    Pods,
}

/// A port an endpoint of a monitor scrapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorPort {
    Name(String),
    Number(i32),
    Any,
}

/// A Prometheus-operator-style scrape configuration (also VictoriaMetrics and
/// Google Managed Prometheus kinds), parsed from its custom resource.
#[derive(Debug, Clone)]
pub struct Monitor<'c> {
    pub object: &'c Res<day2_model::DynObject>,
    pub target: MonitorTarget,
    pub namespace: String,
    /// `namespaceSelector.any`, or a cluster-scoped kind.
    pub any_namespace: bool,
    pub namespaces: Vec<String>,
    pub selector: LabelSelector,
    pub ports: Vec<MonitorPort>,
}

impl Monitor<'_> {
    pub fn watches_namespace(&self, ns: &str) -> bool {
        if self.any_namespace {
            return true;
        }
        if self.namespaces.is_empty() {
            return self.namespace == ns;
        }
        self.namespaces.iter().any(|n| n == ns)
    }

    /// Whether an endpoint port matches a port (number, optional name).
    pub fn port_matches(&self, number: i32, name: Option<&str>) -> bool {
        self.ports.is_empty()
            || self.ports.iter().any(|p| match p {
                MonitorPort::Any => true,
                MonitorPort::Number(n) => *n == number,
                MonitorPort::Name(s) => Some(s.as_str()) == name,
            })
    }
}

fn json_port(v: &serde_json::Value) -> Option<MonitorPort> {
    match v {
        serde_json::Value::String(s) => Some(match s.parse::<i32>() {
            Ok(n) => MonitorPort::Number(n),
            Err(_) => MonitorPort::Name(s.clone()),
        }),
        serde_json::Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(MonitorPort::Number),
        _ => None,
    }
}

/// Every scrape configuration of the input.
pub fn monitors(cluster: &Cluster) -> Vec<Monitor<'_>> {
    cluster
        .other
        .iter()
        .filter_map(|o| {
            let (target, cluster_scoped, endpoints_key) = match o.kind.as_str() {
                "ServiceMonitor" | "VMServiceScrape" => {
                    (MonitorTarget::Services, false, "endpoints")
                }
                "PodMonitor" | "VMPodScrape" => (MonitorTarget::Pods, false, "podMetricsEndpoints"),
                "PodMonitoring" => (MonitorTarget::Pods, false, "endpoints"),
                "ClusterPodMonitoring" => (MonitorTarget::Pods, true, "endpoints"),
                _ => return None,
            };
            let spec = o.data.get("spec")?;
            let selector: LabelSelector = spec
                .get("selector")
                .and_then(|s| serde_json::from_value(s.clone()).ok())
                .unwrap_or_default();
            let ns_sel = spec.get("namespaceSelector");
            let any_namespace = cluster_scoped
                || ns_sel
                    .and_then(|n| n.get("any"))
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false);
            let namespaces = ns_sel
                .and_then(|n| n.get("matchNames"))
                .and_then(serde_json::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let ports = spec
                .get(endpoints_key)
                .and_then(serde_json::Value::as_array)
                .map(|eps| {
                    eps.iter()
                        .map(|e| {
                            e.get("port")
                                .and_then(json_port)
                                .or_else(|| e.get("portNumber").and_then(json_port))
                                .or_else(|| e.get("targetPort").and_then(json_port))
                                .unwrap_or(MonitorPort::Any)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Monitor {
                object: o,
                target,
                namespace: o.ns_or_default().to_owned(),
                any_namespace,
                namespaces,
                selector,
                ports,
            })
        })
        .collect()
}

/// Whether a pod template declares a port a pod monitor scrapes.
pub fn pod_monitor_matches_ports(m: &Monitor<'_>, spec: &PodSpec) -> bool {
    m.ports.is_empty()
        || spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .flat_map(container_ports)
            .any(|p| m.port_matches(p.container_port, p.name.as_deref()))
        || m.ports.contains(&MonitorPort::Any)
}

/// Whether a ServiceMonitor-style monitor scrapes a Service.
pub fn service_monitor_matches(
    m: &Monitor<'_>,
    svc: &Res<k8s_openapi::api::core::v1::Service>,
) -> bool {
    m.target == MonitorTarget::Services
        && m.watches_namespace(svc.ns_or_default())
        && label_selector_matches(&m.selector, svc.labels())
        && svc.spec.iter().flat_map(|s| s.ports.iter().flatten()).any(|p| {
            m.port_matches(p.port, p.name.as_deref())
                || matches!(target_port(p), IntOrString::Int(n) if m.ports.contains(&MonitorPort::Number(n)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn databases_are_recognised_by_image_not_by_substring() {
        let engine = |i: &str| database_of_image(i).map(|d| d.engine);
        assert_eq!(engine("postgres:16"), Some("PostgreSQL"));
        assert_eq!(engine("bitnami/postgresql:16.4.0"), Some("PostgreSQL"));
        assert_eq!(
            engine("ghcr.io/zalando/spilo-16:3.3-p1"),
            Some("PostgreSQL")
        );
        assert_eq!(
            engine("mcr.microsoft.com/mssql/server:2022-latest"),
            Some("SQL Server")
        );
        assert_eq!(
            engine("docker.elastic.co/elasticsearch/elasticsearch:8.15.0"),
            Some("Elasticsearch")
        );
        assert_eq!(engine("confluentinc/cp-kafka:7.7.0"), Some("Kafka"));
        for not_db in [
            "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
            "oliver006/redis_exporter:v1.62.0",
            "mongo-express:1.0",
            "edoburu/pgbouncer:1.23",
            "provectuslabs/kafka-ui:v0.7.2",
            "ghcr.io/cloudnative-pg/cloudnative-pg:1.24.0",
            "memcached:1.6",
            "nginx:1.27",
        ] {
            assert_eq!(engine(not_db), None, "{not_db}");
        }
    }

    #[test]
    fn image_references() {
        assert_eq!(image_tag("nginx"), (None, false));
        assert_eq!(image_tag("registry:5000/a/b:1.2"), (Some("1.2"), false));
        assert_eq!(image_tag("registry:5000/a/b"), (None, false));
        assert_eq!(image_tag("a/b@sha256:00"), (None, true));
        assert_eq!(image_registry("nginx:1"), None);
        assert_eq!(image_registry("library/nginx:1"), None);
        assert_eq!(image_registry("localhost/app:1"), Some("localhost"));
        assert_eq!(
            image_registry("1.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
            Some("1.dkr.ecr.eu-west-1.amazonaws.com")
        );
    }

    #[test]
    fn scaled_values_round_like_the_controllers() {
        let pct = |s: &str| IntOrString::String(s.into());
        assert_eq!(scaled(&pct("25%"), 3, true), Some(1));
        assert_eq!(scaled(&pct("25%"), 3, false), Some(0));
        assert_eq!(scaled(&pct("90%"), 3, true), Some(3));
        assert_eq!(scaled(&IntOrString::Int(2), 3, true), Some(2));
        assert_eq!(scaled(&pct("x%"), 3, true), None);
    }

    #[test]
    fn image_base_strips_registry_tag_digest() {
        assert_eq!(image_base("postgres"), "postgres");
        assert_eq!(
            image_base("docker.io/library/postgres:16-alpine"),
            "postgres"
        );
        assert_eq!(
            image_base("123.dkr.ecr.us-east-1.amazonaws.com/team/api@sha256:abc"),
            "api"
        );
        assert_eq!(image_base("localhost:5000/redis:7"), "redis");
    }
}
