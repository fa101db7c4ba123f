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
