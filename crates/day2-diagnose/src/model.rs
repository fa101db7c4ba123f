//! Reading the model the way the control loops read it: pod phases and
//! conditions, requests, node allocatable, taints and tolerations, volume zones,
//! node groups.

use day2_model::pod::{ContainerStatus, Pod};
use day2_model::quantity;
use day2_model::resources;
use day2_model::{Cluster, Loop, ObjRef, Res};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Container, Node, PersistentVolume, PodCondition, PodSpec, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// CPU (millicores), memory (bytes) and pod slots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu: i64,
    pub memory: i64,
    pub pods: i64,
}

impl std::ops::Sub for Resources {
    type Output = Resources;
    fn sub(self, o: Resources) -> Resources {
        Resources {
            cpu: self.cpu - o.cpu,
            memory: self.memory - o.memory,
            pods: self.pods - o.pods,
        }
    }
}

impl std::ops::Add for Resources {
    type Output = Resources;
    fn add(self, o: Resources) -> Resources {
        Resources {
            cpu: self.cpu + o.cpu,
            memory: self.memory + o.memory,
            pods: self.pods + o.pods,
        }
    }
}

impl Resources {
    pub fn get(&self, resource: &str) -> Option<i64> {
        match resource {
            "cpu" => Some(self.cpu),
            "memory" => Some(self.memory),
            "pods" => Some(self.pods),
            _ => None,
        }
    }
}

/// An amount with its resource named where the number alone is ambiguous (`1500m cpu`, `2Gi`).
pub fn fmt_res(resource: &str, v: i64) -> String {
    match resource {
        "cpu" => format!("{} cpu", quantity::format_cpu(v)),
        _ => resources::format_amount(resource, v),
    }
}

pub fn creation(meta: &ObjectMeta) -> Option<Timestamp> {
    meta.creation_timestamp.as_ref().map(|t| t.0)
}

// ---------------------------------------------------------------- pods

pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

pub use day2_model::pod::is_terminal;

pub fn is_deleting(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

pub use day2_model::pod::node_name;

pub fn condition<'a>(pod: &'a Pod, type_: &str) -> Option<&'a PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

pub fn condition_since(c: &PodCondition) -> Option<Timestamp> {
    c.last_transition_time
        .as_ref()
        .or(c.last_probe_time.as_ref())
        .map(|t| t.0)
}

/// Ready condition True.
/// Whether a StatefulSet creates and replaces its pods one at a time, in
/// order (`podManagementPolicy: OrderedReady`, the default).
pub fn ordered_ready(sts: &k8s_openapi::api::apps::v1::StatefulSet) -> bool {
    sts.spec
        .pod_management_policy
        .as_deref()
        .unwrap_or("OrderedReady")
        == "OrderedReady"
}

pub fn is_ready(pod: &Pod) -> bool {
    condition(pod, "Ready").is_some_and(|c| c.status == "True")
}

/// Container statuses: init containers first.
pub fn container_statuses(pod: &Pod) -> impl Iterator<Item = &ContainerStatus> {
    let s = pod.status.as_ref();
    s.and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            s.and_then(|s| s.container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
}

/// The pod's requests as the scheduler counts them
/// ([`day2_model::resources::pod_request`]), and the one pod slot it takes.
pub fn pod_requests(spec: &PodSpec) -> Resources {
    let [cpu, memory] = resources::pod_requests(spec, ["cpu", "memory"]);
    requests_from([cpu, memory, 0])
}

/// [`pod_requests`] from the requests the cluster worked out for the pod
/// ([`day2_model::Cluster::pod_requests`]: cpu, memory, ephemeral storage).
pub fn requests_from([cpu, memory, _]: [i64; 3]) -> Resources {
    Resources {
        cpu,
        memory,
        pods: 1,
    }
}

/// Whether any container declares a port with this name.
pub fn declares_port_name(spec: &PodSpec, name: &str) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| c.ports.iter().flatten())
        .any(|p| p.name.as_deref() == Some(name))
}

/// The port number `pod` serves for Service port `sp`, as kube-proxy sends
/// it there: `targetPort` as a number, a `targetPort` name resolved against
/// the pod's container ports, else the Service port itself. What a
/// NetworkPolicy in front of the pod matches.
pub fn target_port(sp: &k8s_openapi::api::core::v1::ServicePort, pod: &Pod) -> Option<u16> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let n = match sp.target_port.as_ref() {
        None => sp.port,
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(name)) => {
            pod.spec
                .as_ref()?
                .containers
                .iter()
                .flat_map(|c| c.ports.iter().flatten())
                .find(|c| c.name.as_deref() == Some(name.as_str()))?
                .container_port
        }
    };
    u16::try_from(n).ok()
}

/// Claim names the pod mounts.
pub fn claims(spec: &PodSpec) -> impl Iterator<Item = &str> {
    spec.volumes.iter().flatten().filter_map(|v| {
        v.persistent_volume_claim
            .as_ref()
            .map(|c| c.claim_name.as_str())
    })
}

/// The PersistentVolumes bound to the claims `pod` mounts, in volume order.
pub fn claimed_volumes<'c>(
    cluster: &'c Cluster,
    pod: &Res<Pod>,
) -> Vec<&'c Res<k8s_openapi::api::core::v1::PersistentVolume>> {
    let ns = pod.ns_or_default();
    pod.spec
        .as_ref()
        .map(|s| claims(s).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| cluster.pvc(ns, c))
        .filter_map(|c| cluster.pv_of_claim(c))
        .collect()
}

/// A Job's own pods: those it controls directly (under a CronJob the owner
/// chain ends at the CronJob, which owns the pods of every run, so the
/// workload index does not tell one run's pods).
pub fn job_pods<'c>(
    cluster: &'c Cluster,
    job: &Res<k8s_openapi::api::batch::v1::Job>,
) -> Vec<&'c Res<Pod>> {
    cluster
        .pods_in_namespace(job.ns_or_default())
        .filter(|p| {
            p.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.kind == "Job" && o.name == job.name() && o.controller == Some(true))
        })
        .collect()
}

/// A container's command line: its `command`, then its `args`.
pub fn command_line(c: &Container) -> impl Iterator<Item = &String> {
    c.command.iter().flatten().chain(c.args.iter().flatten())
}

/// Whether any container of the spec names `text` in its command line.
pub fn command_lines_name(spec: &PodSpec, text: &str) -> bool {
    spec.containers
        .iter()
        .flat_map(command_line)
        .any(|x| x.contains(text))
}

/// The controller at the top of the pod's owner chain, or the pod itself.
pub fn workload_ref(cluster: &Cluster, pod: &Res<Pod>) -> ObjRef {
    match cluster.owner_of(pod) {
        Some(w) => w.objref(),
        None => ObjRef::new("Pod", Some(pod.ns_or_default()), pod.name()),
    }
}

/// Whether a `NO_PROXY` list spares `host` (Go's `httpproxy`: `*`, the
/// host itself, a domain and its subdomains, `.domain` for subdomains).
pub fn no_proxy_spares(no_proxy: &str, host: &str) -> bool {
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|e| {
            e == "*"
                || e == host
                || (e.starts_with('.') && host.ends_with(e))
                || host.ends_with(&format!(".{e}"))
        })
}

mod node;
pub use node::*;

// ---------------------------------------------------------------- volumes

/// Zones a PV can be used in (see [`day2_model::topology::pv_zones`]).
pub fn pv_zones(pv: &Res<PersistentVolume>) -> Vec<String> {
    day2_model::topology::pv_zones(pv)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Whether a node can use the PV (its node affinity; the legacy zone label).
pub fn pv_allows_node(pv: &Res<PersistentVolume>, node: &Res<Node>) -> bool {
    let has_affinity = pv
        .spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .is_some_and(|a| a.required.is_some());
    if has_affinity {
        return day2_model::topology::pv_node_affinity_admits(pv, node.name(), node.labels());
    }
    let zones = pv_zones(pv);
    zones.is_empty() || node_zone(node).is_some_and(|z| zones.iter().any(|x| x == z))
}

/// The EBS/Azure/PD volume handle of a CSI PV.
pub fn volume_handle(pv: &PersistentVolume) -> Option<&str> {
    pv.spec
        .as_ref()?
        .csi
        .as_ref()
        .map(|c| c.volume_handle.as_str())
}

/// A container of the pod by name, init containers included.
pub fn spec_container<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == name)
}

/// The deepest of a container's mounts that holds `path`: the mount point
/// itself, or a path under it.
pub fn mount_holding<'a>(c: &'a Container, path: &str) -> Option<&'a VolumeMount> {
    c.volume_mounts
        .iter()
        .flatten()
        .filter(|m| {
            let dir = m.mount_path.trim_end_matches('/');
            path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
        })
        .max_by_key(|m| m.mount_path.len())
}

/// Whether any argument or command word of any of `pod`'s containers
/// satisfies `f`.
pub fn any_arg(pod: &Pod, f: impl Fn(&str) -> bool) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers.iter().any(|c| {
            c.args
                .iter()
                .chain(c.command.iter())
                .flatten()
                .any(|a| f(a))
        })
    })
}

/// CNI DaemonSets by name.
pub const CNI_DAEMONS: &[&str] = &[
    "aws-node",
    "azure-cns",
    "azure-cni",
    "cilium",
    "calico-node",
    "kube-flannel-ds",
    "weave-net",
    "antrea-agent",
    "kube-router",
    "canal",
];

/// Whether a DaemonSet is one of the CNI agents of [`CNI_DAEMONS`], also
/// under the per-architecture names older manifests gave them
/// (`kube-flannel-ds-amd64`).
pub fn is_cni_daemon(name: &str) -> bool {
    // RKE2 ships its CNIs as charts named `rke2-canal`, `rke2-calico`, ….
    let name = name.strip_prefix("rke2-").unwrap_or(name);
    CNI_DAEMONS.iter().any(|n| {
        name == *n
            || name.strip_prefix(n).is_some_and(|rest| {
                matches!(rest, "-amd64" | "-arm64" | "-arm" | "-ppc64le" | "-s390x")
            })
    })
}

/// What a pod of the cluster's own plumbing does, and the loop that
/// fails with it: whatever stops it, its loop is down.
pub struct InfraRole {
    pub loop_: Loop,
    /// "the cluster DNS", "the pod network (CNI)", …
    pub what: &'static str,
    /// What to read first, with `{ns}` and `{pod}` to fill in.
    pub check: &'static str,
}

/// The plumbing role of `pod`, from its labels, its workload's name and its
/// containers (a CSI driver's pods carry the registrar or provisioner
/// sidecar whatever the driver is called).
pub fn infra_role(cluster: &Cluster, pod: &Res<Pod>) -> Option<InfraRole> {
    let labels = pod.labels();
    let app = labels
        .get("k8s-app")
        .or_else(|| labels.get("app.kubernetes.io/name"))
        .or_else(|| labels.get("app"))
        .map(String::as_str)
        .unwrap_or("");
    let workload = cluster.owner_of(pod).map(|w| w.name.to_string());
    let named = |names: &[&str]| {
        names.contains(&app) || workload.as_deref().is_some_and(|w| names.contains(&w))
    };
    if named(&["kube-dns", "coredns", "node-local-dns", "nodelocaldns"]) {
        return Some(InfraRole {
            loop_: Loop::Network,
            what: "the cluster DNS",
            check: "every lookup in the cluster waits on it. Read why it exits: `kubectl -n {ns} logs {pod} --previous` (a Corefile plugin it cannot parse, a forwarding loop to 127.0.0.x, a resolv.conf without nameserver, or a refused list of Services/EndpointSlices).",
        });
    }
    if named(&["kube-proxy"]) {
        return Some(InfraRole {
            loop_: Loop::Network,
            what: "kube-proxy",
            check: "Service addresses stop working on its node. Read why it exits: `kubectl -n {ns} logs {pod} --previous` (its kubeconfig or API server address, the iptables/IPVS mode, conntrack settings).",
        });
    }
    if named(CNI_DAEMONS)
        || workload.as_deref().is_some_and(is_cni_daemon)
        || named(&["calico", "flannel", "kube-flannel", "canal", "cilium-agent"])
    {
        return Some(InfraRole {
            loop_: Loop::Network,
            what: "the pod network (CNI)",
            check: "no new pod gets an address on its node. Read why it exits: `kubectl -n {ns} logs {pod} --previous` (the datastore or API server it cannot reach, its cloud permissions, an IP pool or subnet).",
        });
    }
    let sidecar = pod.spec.as_ref().is_some_and(|s| {
        s.containers.iter().any(|c| {
            let img = c.image.as_deref().unwrap_or("");
            img.contains("csi-node-driver-registrar")
                || img.contains("csi-provisioner")
                || img.contains("csi-attacher")
        })
    });
    if sidecar {
        return Some(InfraRole {
            loop_: Loop::Storage,
            what: "a CSI driver",
            check: "volumes of its driver are not provisioned, attached or mounted. Read why it exits: `kubectl -n {ns} logs {pod} --previous --all-containers` (its cloud credentials, the socket path under /var/lib/kubelet/plugins).",
        });
    }
    None
}

/// Another namespace holding a ConfigMap or Secret named `name` that
/// namespace `ns` lacks: a workload installed in the wrong namespace.
pub fn namespace_holding<'c>(
    c: &'c day2_model::Cluster,
    kind: &str,
    ns: &str,
    name: &str,
) -> Option<&'c str> {
    match kind {
        "ConfigMap" => c
            .config_maps
            .iter()
            .find(|m| m.name() == name && m.ns_or_default() != ns)
            .map(|m| m.ns_or_default()),
        "Secret" => c
            .secrets
            .iter()
            .find(|s| s.name() == name && s.ns_or_default() != ns)
            .map(|s| s.ns_or_default()),
        _ => None,
    }
}

/// The node a pod is bound to, as an object reference (its name as the pod
/// gives it when the input does not hold the Node), and that name.
pub fn pod_node_ref<'p>(cluster: &Cluster, pod: &'p Pod) -> (ObjRef, &'p str) {
    let node = node_name(pod).unwrap_or("its node");
    let r = cluster
        .node(node)
        .map(|n| n.objref())
        .unwrap_or_else(|| ObjRef::new("Node", None, node));
    (r, node)
}

/// The ServiceAccount a pod runs as (`default` when its spec names none).
pub fn pod_service_account(pod: &day2_model::pod::Pod) -> &str {
    pod.spec
        .as_deref()
        .map_or("default", day2_model::pod::service_account)
}

/// Whether any ServiceAccount carries an IAM role (IRSA is in use).
pub fn uses_irsa(c: &day2_model::Cluster) -> bool {
    c.service_accounts.iter().any(|s| {
        s.annotation(day2_model::cloud::AWS_ROLE_ANNOTATION)
            .is_some()
    })
}

/// Whether the nodes are EKS's (its labels, `eks.amazonaws.com/…`).
pub fn on_eks(c: &day2_model::Cluster) -> bool {
    c.nodes.iter().any(|n| {
        n.labels()
            .keys()
            .any(|k| k.starts_with("eks.amazonaws.com/"))
    })
}

/// Every value of a repeated `--name=value` (or `--name value`) flag.
pub fn flag_values<'c>(c: &'c k8s_openapi::api::core::v1::Container, name: &str) -> Vec<&'c str> {
    let long = format!("--{name}");
    let args: Vec<&str> = c
        .command
        .iter()
        .chain(c.args.iter())
        .flatten()
        .map(String::as_str)
        .collect();
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let Some(rest) = a.strip_prefix(&long) else {
            continue;
        };
        if let Some(v) = rest.strip_prefix('=') {
            out.push(v);
        } else if rest.is_empty()
            && let Some(v) = args.get(i + 1).filter(|n| !n.starts_with('-'))
        {
            out.push(v);
        }
    }
    out
}

/// What the kubelet reports of its node's system (kernel, OS image,
/// runtime and kubelet versions).
pub fn node_info(node: &Node) -> Option<&k8s_openapi::api::core::v1::NodeSystemInfo> {
    node.status.as_ref()?.node_info.as_ref()
}

/// The kubelet root directory of a node's distribution when it moves it
/// from `/var/lib/kubelet`: MicroK8s (its nodes' label) keeps it in its
/// snap, k0s (its role label, or `+k0s` in the kubelet version) under its
/// data directory. `(root, distribution)`.
pub fn moved_kubelet_root(node: &Node) -> Option<(&'static str, &'static str)> {
    let labels = node.metadata.labels.as_ref();
    let has = |k: &str| labels.is_some_and(|l| l.contains_key(k));
    let version = node
        .status
        .as_ref()
        .and_then(|s| s.node_info.as_ref())
        .map_or("", |i| i.kubelet_version.as_str());
    if has("microk8s.io/cluster") {
        Some(("/var/snap/microk8s/common/var/lib/kubelet", "MicroK8s"))
    } else if has("node.k0sproject.io/role") || version.contains("+k0s") {
        Some(("/var/lib/k0s/kubelet", "k0s"))
    } else {
        None
    }
}

/// Whether a claim may be mounted by one node (or pod) at a time:
/// `ReadWriteOnce` or `ReadWriteOncePod`.
pub fn single_node_claim(pvc: &k8s_openapi::api::core::v1::PersistentVolumeClaim) -> bool {
    pvc.spec
        .as_ref()
        .and_then(|s| s.access_modes.as_ref())
        .is_some_and(|m| {
            m.iter()
                .any(|x| x == "ReadWriteOnce" || x == "ReadWriteOncePod")
        })
}

/// A Deployment's rollout strategy (`RollingUpdate` when unset).
pub fn deployment_strategy(spec: &k8s_openapi::api::apps::v1::DeploymentSpec) -> &str {
    spec.strategy
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Taint, Toleration};

    #[test]
    fn no_proxy_spares_hosts_as_go_reads_it() {
        let list = "localhost,127.0.0.1,10.96.0.1";
        assert!(!no_proxy_spares(
            list,
            "istio-sidecar-injector.istio-system.svc"
        ));
        assert!(no_proxy_spares(
            "localhost,.svc",
            "istio-sidecar-injector.istio-system.svc"
        ));
        assert!(no_proxy_spares("svc", "injector.istio-system.svc"));
        assert!(no_proxy_spares("*", "anything.example"));
        assert!(!no_proxy_spares(".svc", "svc"));
        assert!(!no_proxy_spares("example.svc", "injector.istio-system.svc"));
    }

    /// A node without `status.allocatable` offers its capacity, as the API
    /// server defaults it (`SetDefaults_NodeStatus`); a node that reports no
    /// `pods` has no pod slots, as the scheduler reads it.
    #[test]
    fn allocatable_falls_back_to_capacity_and_has_no_default_pod_slots() {
        let n: Node = serde_json::from_value(serde_json::json!({"status": {
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "58"}}}))
        .unwrap_or_default();
        assert_eq!(
            allocatable(&n),
            Some(Resources {
                cpu: 4000,
                memory: 8 << 30,
                pods: 58
            })
        );
        let n: Node = serde_json::from_value(serde_json::json!({"status": {
            "allocatable": {"cpu": "3500m", "memory": "7Gi"}}}))
        .unwrap_or_default();
        assert_eq!(allocatable(&n).map(|a| a.pods), Some(0));
        assert_eq!(allocatable(&Node::default()), None);
    }

    fn taint(key: &str, value: Option<&str>, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.map(Into::into),
            effect: effect.into(),
            time_added: None,
        }
    }

    #[test]
    fn toleration_semantics() {
        let t = taint("dedicated", Some("db"), "NoSchedule");
        let tol = |key: Option<&str>,
                   op: Option<&str>,
                   value: Option<&str>,
                   effect: Option<&str>| Toleration {
            key: key.map(Into::into),
            operator: op.map(Into::into),
            value: value.map(Into::into),
            effect: effect.map(Into::into),
            toleration_seconds: None,
        };
        assert!(tolerates(
            &tol(Some("dedicated"), None, Some("db"), None),
            &t
        ));
        assert!(!tolerates(
            &tol(Some("dedicated"), None, Some("web"), None),
            &t
        ));
        assert!(tolerates(
            &tol(Some("dedicated"), Some("Exists"), None, Some("NoSchedule")),
            &t
        ));
        assert!(!tolerates(
            &tol(Some("dedicated"), Some("Exists"), None, Some("NoExecute")),
            &t
        ));
        assert!(
            tolerates(&tol(None, Some("Exists"), None, None), &t),
            "empty key + Exists tolerates everything"
        );
    }
}
