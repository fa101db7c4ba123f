//! An admission webhook the API server cannot reach in time: a
//! NetworkPolicy in front of its pods that admits only pods (the API server
//! is none), or, with the pods Ready and nothing in the cluster in the way,
//! the firewall between the control plane and the nodes on the pods' port.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::netpol::{self, Direction, Peer, Port};
use crate::symptoms::service::selected_pods;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// An address no pod holds: where the API server's calls come from, as a
/// policy sees them (TEST-NET-3, RFC 5737).
const OUTSIDE: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 10));

/// The NetworkPolicy that keeps the control plane (an address no pod
/// holds) from `port` of `pod`: one that isolates the pod for ingress and
/// admits only what a selector names.
pub(crate) fn control_plane_denier<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    port: u16,
) -> Option<&'c Res<NetworkPolicy>> {
    let v = netpol::evaluate(
        a.cluster,
        pod,
        Direction::Ingress,
        Peer::Ip(OUTSIDE),
        Port::tcp(port),
    );
    if v.allowed() {
        return None;
    }
    v.meant(Direction::Ingress, Port::tcp(port))
        .or_else(|| v.denier(Direction::Ingress))
}

pub fn unreachable(
    a: &Analysis<'_>,
    webhook: &str,
    service: Option<&(String, String)>,
) -> Option<Hypothesis> {
    let (ns, name) = service?;
    let svc = a.service(ns, name)?;
    // The API server calls the Service's port 443 unless the configuration
    // says otherwise; the pods see its target port.
    let ports = svc.spec.as_ref()?.ports.as_ref()?;
    let sp = ports.iter().find(|p| p.port == 443).or(ports.first())?;
    // A named target port is the number the selected pods give that name.
    let port = match &sp.target_port {
        Some(IntOrString::Int(p)) => u16::try_from(*p).ok()?,
        Some(IntOrString::String(_)) => selected_pods(a, svc)
            .iter()
            .find_map(|p| crate::model::target_port(sp, p))
            .or_else(|| u16::try_from(sp.port).ok())?,
        None => u16::try_from(sp.port).ok()?,
    };
    // A Service without a selector whose Endpoints list no address: its
    // traffic goes nowhere, and the API server's calls are refused
    // (open-policy-agent/gatekeeper#72).
    let unselected = svc
        .spec
        .as_ref()?
        .selector
        .as_ref()
        .is_none_or(|s| s.is_empty());
    if unselected
        && a.endpoints_of(ns, name).is_none_or(|e| {
            e.subsets
                .iter()
                .flatten()
                .all(|s| s.addresses.as_ref().is_none_or(|a| a.is_empty()))
        })
    {
        let serving: Vec<String> = a
            .cluster
            .pods_in_namespace(ns)
            .filter(|p| {
                p.spec.as_ref().is_some_and(|s| {
                    s.containers
                        .iter()
                        .flat_map(|c| c.ports.iter().flatten())
                        .any(|cp| cp.container_port == i32::from(port))
                })
            })
            .map(|p| {
                let labels: Vec<String> = p
                    .labels()
                    .iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "pod-template-hash" | "controller-revision-hash")
                    })
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                format!("{} ({})", p.name(), labels.join(", "))
            })
            .collect();
        return Some(
            Hypothesis::new(
                86,
                Loop::Network,
                svc.objref(),
                format!("the API server's calls to admission webhook \"{webhook}\" are refused: Service {ns}/{name} has no selector and no endpoint, so nothing behind it answers on port {port}"),
            )
            .fix(format!(
                "Give Service {ns}/{name} a selector that matches the webhook's pods{}, so the endpoints controller lists them; or set failurePolicy: Ignore on webhook \"{webhook}\" until it serves.",
                if serving.is_empty() { String::new() } else { format!(" (pods that serve port {port}: {})", serving.join("; ")) }
            )),
        );
    }
    let pods = selected_pods(a, svc);
    let ready: Vec<_> = pods.iter().filter(|p| crate::model::is_ready(p)).collect();
    if ready.is_empty() {
        return backend_down(a, webhook, svc, pods.is_empty());
    }
    let first = ready.first()?;
    if let Some(policy) = control_plane_denier(a, first, port) {
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                policy.objref(),
                format!("the API server cannot reach admission webhook \"{webhook}\" (Service {ns}/{name}, port {port}): NetworkPolicy {} isolates its pods for ingress and admits only what a selector names, and the API server is not a pod", policy.name()),
            )
            .fix(format!("Let the control plane in: add an ingress rule on port {port} to NetworkPolicy {ns}/{} with an `ipBlock` of the control plane's addresses (or no `from`, for any source), then the API server's calls arrive.", policy.name())),
        );
    }
    if let Some(h) = off_pod_network(a, first, webhook, ns, name, port) {
        return Some(h);
    }
    Some(
        Hypothesis::new(
            70,
            Loop::Network,
            ObjRef::new("Service", Some(ns), name.clone()),
            format!("the API server cannot reach admission webhook \"{webhook}\" in time, while {} of its {} pod(s) behind Service {ns}/{name} are Ready and no NetworkPolicy in the cluster stands in front of their port {port}: the path from the control plane to the nodes on that port is blocked (a firewall rule or security group)", ready.len(), pods.len()),
        )
        .fix(format!("Open port {port} from the control plane to the nodes: on EKS the cluster or node security group, on private GKE a firewall rule from the master range, on AKS the NSG; or set failurePolicy: Ignore on webhook \"{webhook}\" while it is fixed."))
        .missing(format!("the cloud firewall between the control plane and the nodes on port {port}"))
        .unexplained(),
    )
}

/// A webhook the API server cannot call because nothing behind its Service
/// is Ready, whatever the error says (`context deadline exceeded`,
/// `connection refused`): the backend's own trouble (its pods' diagnosis,
/// kyverno/kyverno#2962: OOMKilled), or a backend scaled to zero while its
/// fail-closed configuration stays (kyverno/kyverno#3360), which is the
/// admission configuration's to settle.
fn backend_down(
    a: &Analysis<'_>,
    webhook: &str,
    svc: &day2_model::Res<k8s_openapi::api::core::v1::Service>,
    no_pods: bool,
) -> Option<Hypothesis> {
    let (ns, name) = (svc.ns_or_default(), svc.name());
    let selector = svc.spec.as_ref()?.selector.as_ref()?;
    if no_pods {
        let scaled = a.cluster.deployments.iter().find(|d| {
            d.ns_or_default() == ns
                && d.spec.replicas == Some(0)
                && d.spec.template.metadata.as_ref().is_some_and(|m| {
                    let labels = m.labels.as_ref();
                    selector
                        .iter()
                        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
                })
        })?;
        return Some(
            Hypothesis::new(
                84,
                Loop::Identity,
                scaled.objref(),
                format!("admission webhook \"{webhook}\" still intercepts requests while {} behind Service {ns}/{name} is scaled to 0 replicas: nothing serves it, and its failure policy refuses what it cannot check", scaled.objref()),
            )
            .fix(format!("Scale {} back up (`kubectl scale -n {ns} deployment/{} --replicas=1` or more), or, while the webhook is meant to be off, set failurePolicy: Ignore on webhook \"{webhook}\" or delete its configuration (an operator that manages it, as Kyverno does, writes it again when it runs).", scaled.objref(), scaled.name())),
        );
    }
    let upstream = a.service_result(ns, name)?;
    if upstream.unexplained || matches!(&*upstream.root.object.kind, "Service" | "Endpoints") {
        return None;
    }
    Some(
        Hypothesis::new(
            82,
            upstream.root.loop_,
            upstream.root.object.clone(),
            format!("admission webhook \"{webhook}\" has no Ready pod behind Service {ns}/{name}, so the API server's calls fail: {}", upstream.root.summary),
        )
        .fix(format!("{} While its pods are down, failurePolicy: Ignore on webhook \"{webhook}\" (or a namespaceSelector that leaves out the namespaces that must keep working) lets pods be created.", upstream.fix))
        .links(upstream.links.iter().map(|l| crate::evidence::Link::clone(l))),
    )
}

/// Overlay CNIs whose pod addresses only the cluster's nodes can route.
const OVERLAYS: [&str; 4] = ["calico-node", "cilium", "weave-net", "kube-flannel-ds"];

/// A webhook whose pods have addresses of an overlay pod network (outside
/// the node's own network) in a cluster whose control plane runs on none
/// of its nodes (a managed control plane: no node has the control-plane
/// role): the API server cannot route to them at all, whatever the
/// firewall (hashicorp/consul-helm#519: EKS with Calico in place of the
/// VPC CNI). Hosting the webhook on the node's network is the way in.
fn off_pod_network(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    webhook: &str,
    ns: &str,
    name: &str,
    port: u16,
) -> Option<Hypothesis> {
    let pod_ip = pod.status.as_ref()?.pod_ip.as_deref()?;
    let node = a.cluster.node(crate::model::node_name(pod)?)?;
    let host_ip = day2_model::topology::internal_ip(node)?;
    let net = |ip: &str| -> Option<[u8; 2]> {
        let o = ip.parse::<std::net::Ipv4Addr>().ok()?.octets();
        Some([o[0], o[1]])
    };
    if pod_ip == host_ip || net(pod_ip)? == net(host_ip)? {
        return None;
    }
    let control_plane_node = a.cluster.nodes.iter().any(|n| {
        n.labels().keys().any(|k| {
            k == "node-role.kubernetes.io/control-plane" || k == "node-role.kubernetes.io/master"
        })
    });
    if control_plane_node || a.cluster.nodes.is_empty() {
        return None;
    }
    // An overlay must run: a pod range of its own that the cloud routes
    // (GKE's VPC-native alias ranges, Azure CNI) is reachable.
    let cni = a
        .cluster
        .daemon_sets
        .iter()
        .find(|d| OVERLAYS.contains(&d.name()))
        .map(|d| format!(" ({})", d.name()))?;
    if a.cloud == day2_model::Cloud::Gcp {
        return None;
    }
    Some(
        Hypothesis::new(
            74,
            Loop::Network,
            ObjRef::new("Service", Some(ns), name),
            format!("the API server cannot reach admission webhook \"{webhook}\": its pods have addresses of an overlay pod network{cni} ({} at {pod_ip} on node {host_ip}), and no node of the cluster runs the control plane, so a managed control plane outside that network has no route to them", pod.name()),
        )
        .fix(format!("Run the webhook's pods with `hostNetwork: true` (on a free host port, `dnsPolicy: ClusterFirstWithHostNet`) so the control plane reaches them on the nodes' addresses, and allow port {port} from the control plane to the nodes; or give pods addresses the control plane can route (the cloud's own CNI, such as the VPC CNI on EKS, instead of an overlay). Until then, failurePolicy: Ignore on webhook \"{webhook}\" lets pods be created.")),
    )
}

/// Workloads in kube-system that carry the API server's calls to the nodes
/// (webhook calls among them) on managed control planes: AKS's
/// `tunnelfront` and `aks-link`, the Konnectivity agent of GKE, AKS and
/// kubeadm set-ups.
const TUNNELS: [&str; 3] = ["tunnelfront", "aks-link", "konnectivity-agent"];

/// A fail-closed webhook that cannot be reached, refusing the pods of the
/// tunnel its own calls travel through (bank-vaults/bank-vaults#583:
/// `tunnelfront` on AKS): no tunnel pod, no webhook call, no admission.
/// Like a webhook that must admit its own pods, the cause is the webhook's
/// reach, not the path.
pub fn tunnel_refused(owner: &ObjRef, config: &ObjRef, webhook: &str) -> Option<Hypothesis> {
    if owner.namespace.as_deref() != Some("kube-system") {
        return None;
    }
    let tunnel = TUNNELS.iter().find(|t| owner.name.starts_with(**t))?;
    Some(
        Hypothesis::new(
            88,
            Loop::Identity,
            config.clone(),
            format!("admission webhook \"{webhook}\" ({config}) intercepts the pods of {owner}, the {tunnel} the API server's calls to the nodes travel through, webhook calls included: with failurePolicy Fail and the tunnel down, no call reaches the webhook, so it refuses the tunnel's own pods and the tunnel never comes back"),
        )
        .fix(format!("Leave kube-system out of webhook \"{webhook}\": a namespaceSelector that excludes it (`matchExpressions: [{{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}}]`); to recover now, set failurePolicy: Ignore on it (or delete {config}) until the pods of {owner} run.")),
    )
}

/// A webhook configuration that names a Service the cluster does not have,
/// in a namespace that holds no Services at all: a leftover of an install
/// removed or moved (istio/istio#16481: `istio-control`'s injector left
/// behind), which refuses every pod it matches until it is deleted or
/// pointed at the Service that serves it now.
pub fn service_gone(
    a: &Analysis<'_>,
    service: Option<&(String, String)>,
    config: &ObjRef,
    webhook: &str,
) -> Option<Hypothesis> {
    let (ns, name) = service?;
    let gone = a
        .cluster
        .services
        .iter()
        .all(|s| s.ns_or_default() != ns.as_str());
    if !gone || a.cluster.services.is_empty() {
        return None;
    }
    let elsewhere: Vec<String> = a
        .cluster
        .services
        .iter()
        .filter(|s| s.name() == name.as_str())
        .map(|s| s.ns_or_default().to_owned())
        .collect();
    let now = match elsewhere.first() {
        Some(other) => format!(
            ", or point its `clientConfig.service.namespace` at {other}, where Service {name} runs now"
        ),
        None => String::new(),
    };
    Some(
        Hypothesis::new(
            88,
            Loop::Network,
            config.clone(),
            format!("admission webhook \"{webhook}\" ({config}) calls Service {ns}/{name}, and namespace {ns} has no Services at all: the configuration is left over from an install that was removed or moved"),
        )
        .fix(format!("Delete the leftover {config} (`kubectl delete {} {}`){now}; the controllers then create their pods.", config.kind.to_ascii_lowercase(), config.name)),
    )
}
