//! A container that cannot bind its port because another socket holds it:
//! in a pod's own network namespace another container of the pod, and on
//! the host network (`hostNetwork: true`) any pod on the same node that
//! declares the port on the host (its `hostPort`, or a container port of
//! another host-network pod). With nothing in the cluster holding it, a
//! process of the node's own does (kubernetes/kops#9245: node-local-dns's
//! health port 8080 and the API server's health-check sidecar on the
//! masters); the workload's port is still what the cluster can move
//! (metallb/metallb#581: memberlist's 7946 held by Docker Swarm).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::{Loop, Pod, Res};
use k8s_openapi::api::core::v1::Service;

/// The containers of `pod` (other than `skip`) that declare `port`; on the
/// host, only ports the pod takes there.
fn declares(pod: &Pod, port: u16, on_host: bool, skip: Option<&str>) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let host_net = spec.host_network == Some(true);
    spec.containers.iter().find_map(|c| {
        if Some(c.name.as_str()) == skip {
            return None;
        }
        c.ports.iter().flatten().find_map(|p| {
            let held = if on_host {
                p.host_port == Some(i32::from(port))
                    || (host_net && p.container_port == i32::from(port))
            } else {
                p.container_port == i32::from(port)
            };
            held.then(|| c.name.clone())
        })
    })
}

pub(crate) fn in_use(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    port: Option<u16>,
) -> Option<Hypothesis> {
    let port = port?;
    let workload = model::workload_ref(a.cluster, pod);
    let host_net = pod.spec.as_ref()?.host_network == Some(true);
    let node = model::node_name(pod);
    // Another container of the pod: they share one network namespace.
    if let Some(other) = declares(pod, port, false, Some(container)) {
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                workload.clone(),
                format!("container {container} of {} cannot bind port {port}: container {other} of the same pod declares it, and a pod's containers share one network namespace", pod.name()),
            )
            .fix(format!("Give one of them another port in {workload} (the containers of a pod reach each other on localhost, so two cannot listen on {port})")),
        );
    }
    if !host_net {
        return None;
    }
    let node = node?;
    let holder = a
        .cluster
        .pods_on_node(node)
        .filter(|p| p.name() != pod.name() && !model::is_terminal(p))
        .find_map(|p| declares(p, port, true, None).map(|c| (p, c)));
    let Some((other, c)) = holder else {
        if let Some(h) = external_ip_holder(a, pod, container, node, port, &workload) {
            return Some(h);
        }
        return Some(
            Hypothesis::new(
                60,
                Loop::Network,
                workload.clone(),
                format!("container {container} of {} runs on the host network of {node} and cannot bind port {port}: no pod in the input declares it there, so a process of the node's own holds it", pod.name()),
            )
            .fix(format!("Find the process on {node}: `ss -ltnup 'sport = :{port}'`; stop it, or move {workload}'s port (its arguments or configuration)."))
            .missing(format!("the sockets open on {node} (`ss -ltnup` there)")),
        );
    };
    let other_ref = model::workload_ref(a.cluster, other);
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            workload.clone(),
            format!("container {container} of {} runs on the host network of {node} and cannot bind port {port}: pod {}/{} (container {c}) holds port {port} on that node", pod.name(), other.ns_or_default(), other.name()),
        )
        .fix(format!("Move one of them off port {port} on the host: {workload}'s port (its arguments, or the ConfigMap it reads, e.g. a health or metrics listener), or {other_ref}'s; host-network pods and hostPorts share the node's ports."))
        .link(Link::new(
            Loop::Network,
            None,
            other.objref(),
            format!("{}/{} declares port {port} on {node} (container {c})", other.ns_or_default(), other.name()),
        )),
    )
}

/// A Service with `externalIPs` on the port: kube-proxy holds a Service's
/// external IP and port open on a node that has the address, so no other
/// process can take it (kubernetes/ingress-nginx#2062: the controller on the
/// host network, its own Service given the node's address as an external IP,
/// `Port 80 is already in use`). Only a Service that selects the pod itself,
/// or whose external IPs include the node's own address.
fn external_ip_holder(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    node: &str,
    port: u16,
    workload: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let addresses: Vec<&str> = a
        .cluster
        .node(node)
        .and_then(|n| n.status.as_ref()?.addresses.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|x| x.address.as_str())
        .collect();
    let ns = pod.ns_or_default();
    let held = |s: &Res<Service>| -> Option<String> {
        let spec = s.spec.as_ref()?;
        let ips = spec.external_ips.as_deref().filter(|ips| !ips.is_empty())?;
        spec.ports
            .iter()
            .flatten()
            .any(|p| p.port == i32::from(port) && p.protocol.as_deref().unwrap_or("TCP") == "TCP")
            .then_some(())?;
        let own = s.ns_or_default() == ns
            && spec.selector.as_ref().is_some_and(|sel| {
                !sel.is_empty() && day2_model::selector::map_selector_matches(sel, pod.labels())
            });
        (own || ips.iter().any(|ip| addresses.contains(&ip.as_str()))).then(|| ips.join(", "))
    };
    let (svc, ips) = a
        .cluster
        .services
        .iter()
        .find_map(|s| held(s).map(|ips| (s, ips)))?;
    let sref = svc.objref();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            sref.clone(),
            format!("container {container} of {} runs on the host network of {node} and cannot bind port {port}: Service {}/{} has `externalIPs: [{ips}]` on port {port}, and kube-proxy holds an external IP's port open on the node that has the address, so the host-network pod finds it taken", pod.name(), svc.ns_or_default(), svc.name()),
        )
        .fix(format!("Remove `externalIPs` from Service {}/{} (a host-network pod already answers on the node's addresses; or run {workload} off the host network behind the Service), then delete the crashing pod.", svc.ns_or_default(), svc.name()))
        .link(Link::new(
            Loop::Network,
            None,
            sref,
            format!("Service {}/{} has externalIPs [{ips}] on port {port}", svc.ns_or_default(), svc.name()),
        )),
    )
}
