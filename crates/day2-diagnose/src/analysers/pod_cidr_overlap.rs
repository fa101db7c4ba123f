//! A pod network whose addresses overlap the nodes' own network: a Calico
//! IPPool (or `CALICO_IPV4POOL_CIDR`) that contains the nodes' addresses
//! (`192.168.0.0/16` on nodes at 192.168.50.x: kubernetes/dashboard#3709;
//! `172.16.213.0/24` for nodes in that very subnet:
//! kubernetes-sigs/metrics-server#1154). Traffic to a node and to a pod
//! then takes the same routes, so pods time out reaching the API server,
//! and the API server reaches no pod (an aggregated API such as
//! metrics.k8s.io fails its discovery).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef};
use std::net::Ipv4Addr;

/// The pod pool that holds a node's address: (the pool, its CIDR, the
/// node, its address).
fn overlap(a: &Analysis<'_>) -> Option<(ObjRef, String, String, Ipv4Addr)> {
    let pools = a
        .cluster
        .other
        .iter()
        .filter(|o| o.obj.kind == "IPPool")
        .filter_map(|o| {
            let cidr = o.obj.data.get("spec")?.get("cidr")?.as_str()?;
            Some((o.objref(), cidr.to_owned()))
        })
        .chain(a.cluster.daemon_sets.iter().filter_map(|ds| {
            let spec = ds.spec.template.spec.as_ref()?;
            let cidr = spec
                .containers
                .iter()
                .flat_map(|c| c.env.iter().flatten())
                .find(|e| e.name == "CALICO_IPV4POOL_CIDR")?
                .value
                .clone()?;
            Some((ds.objref(), cidr))
        }));
    for (pool, cidr) in pools {
        for n in &a.cluster.nodes {
            let ip = day2_model::topology::internal_ip(n).and_then(|x| x.parse::<Ipv4Addr>().ok());
            if let Some(ip) = ip
                && crate::netpol::cidr_contains(&cidr, ip.into())
            {
                return Some((pool, cidr, n.name().to_owned(), ip));
            }
        }
    }
    None
}

fn hypothesis(a: &Analysis<'_>, score: u32, what: String) -> Option<Hypothesis> {
    let (pool, cidr, node, ip) = overlap(a)?;
    Some(
        Hypothesis::new(
            score,
            Loop::Network,
            pool.clone(),
            format!(
                "{what}: the pod network {cidr} ({} {}) contains the nodes' own addresses (node {node} is {ip}), so traffic between pods and nodes (the API server among them) is routed as pod traffic and lost",
                pool.kind, pool.name
            ),
        )
        .fix(format!(
            "Give pods a range apart from the nodes' network: create an IPPool with a CIDR that overlaps no node or Service range (e.g. 10.244.0.0/16), disable {} {} (`disabled: true`), and recreate the pods so they take addresses from the new pool; set the same range as kubeadm's `--pod-network-cidr` (the controller-manager's `--cluster-cidr`). Creating the cluster anew with a non-overlapping range is the clean way.",
            pool.kind, pool.name
        ))
        .link(Link::new(
            Loop::Network,
            None,
            pool,
            format!("pod range {cidr} holds node {node}'s address {ip}"),
        )),
    )
}

/// A crash whose words say a connection timed out.
pub fn crash<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let timed_out = super::follow::crash_texts(a, d, pod, container)
        .iter()
        .any(|t| {
            let l = t.to_ascii_lowercase();
            l.contains("i/o timeout") || l.contains("deadline exceeded") || l.contains("timed out")
        });
    if !timed_out {
        return vec![];
    }
    // Below what the connection's own path shows (a policy that denies
    // it), above the crash's generic readings.
    hypothesis(
        a,
        78,
        format!(
            "container {container} of pod {} times out on its connections",
            pod.name()
        ),
    )
    .into_iter()
    .collect()
}

/// An autoscaler that gets no metrics: the metrics API's pods unreachable.
pub fn metrics<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let unreachable = d.events.iter().any(|e| {
        let m = e.message_text();
        m.contains("unable to fetch metrics") || m.contains("unable to get metrics")
    });
    if !unreachable {
        return vec![];
    }
    // Above a metrics-server that serves nothing: the overlap is in the
    // input and explains why the API server reaches none of its pods.
    hypothesis(
        a,
        87,
        format!(
            "{} gets no metrics: the API server cannot reach the metrics API's pods",
            d.object
        ),
    )
    .into_iter()
    .collect()
}
