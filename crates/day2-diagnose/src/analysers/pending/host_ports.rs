//! A Pending pod whose hostPorts are held, on every node its selection
//! admits, by a pod of another workload. The scheduler's NodePorts filter
//! (kubernetes/kubernetes `pkg/scheduler/framework/plugins/nodeports`,
//! `node(s) didn't have free ports for the requested pod ports`) refuses a
//! node where a pod already uses the same hostPort, protocol and host IP;
//! the holder, not the Pending pod's placement, is what to change.

use super::{parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;
use day2_model::pod::Pod;
use std::collections::BTreeSet;

/// `(hostPort, protocol, hostIP)` a pod asks for; an empty or `0.0.0.0`
/// host IP is every address.
fn host_ports(pod: &Pod) -> Vec<(i32, String, String)> {
    pod.spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            let hp = p.host_port.filter(|h| *h > 0)?;
            Some((
                hp,
                p.protocol.clone().unwrap_or_else(|| "TCP".to_owned()),
                p.host_ip.clone().unwrap_or_default(),
            ))
        })
        .collect()
}

fn conflicts(a: &(i32, String, String), b: &(i32, String, String)) -> bool {
    let any = |ip: &str| ip.is_empty() || ip == "0.0.0.0";
    a.0 == b.0 && a.1 == b.1 && (any(&a.2) || any(&b.2) || a.2 == b.2)
}

pub fn host_ports_held<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    if said(p, |r| *r == Reason::HostPorts) == 0 {
        return vec![];
    }
    let wanted = host_ports(pod);
    if wanted.is_empty() {
        return vec![];
    }
    let own = model::workload_ref(a.cluster, pod);
    let nodes = a.selected_nodes(spec);
    if nodes.is_empty() {
        return vec![];
    }
    let mut holders = Vec::new();
    for n in nodes.iter() {
        let held: Vec<_> = a
            .cluster
            .pods_on_node(n.name())
            .filter(|q| !model::is_terminal(q) && q.name() != pod.name())
            .filter_map(|q| {
                let ports: BTreeSet<i32> = host_ports(q)
                    .iter()
                    .filter(|hp| wanted.iter().any(|w| conflicts(w, hp)))
                    .map(|hp| hp.0)
                    .collect();
                (!ports.is_empty()).then_some((q, ports))
            })
            .collect();
        // A node whose ports are free is refused for another reason.
        let Some(first) = held.into_iter().next() else {
            return vec![];
        };
        holders.push((n.name(), first));
    }
    // Replicas of one workload competing for the ports are a question of
    // replicas and nodes (`constraints`), not of another workload; for a
    // DaemonSet that surges, of its update strategy.
    if holders
        .iter()
        .any(|(_, (q, _))| model::workload_ref(a.cluster, q) == own)
    {
        return surging(a, pod, &own, &holders)
            .map(|h| h.links(scheduler_links(d)))
            .into_iter()
            .collect();
    }
    let Some((node, (holder, ports))) = holders.first() else {
        return vec![];
    };
    let holder_ref = model::workload_ref(a.cluster, holder);
    let ports_text = ports
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let node_names: Vec<&str> = holders.iter().map(|(n, _)| *n).collect();
    if let (Some(mine), Some(theirs)) = (service_lb_of(a, pod), service_lb_of(a, holder)) {
        // The same Service's ports, held by a ServiceLB DaemonSet other than
        // the pod's own: one an older k3s made (`svclb-<service>`, before the
        // hashed names of 1.24) that the upgrade left behind.
        let owner =
            |p: &day2_model::Res<Pod>| a.cluster.owner_of(p).filter(|o| o.kind == "DaemonSet");
        if mine == theirs
            && let (Some(own), Some(old)) = (owner(pod), owner(holder))
            && own.name != old.name
        {
            let stale = day2_model::ObjRef::new("DaemonSet", Some(&old.namespace), &old.name);
            return vec![
                Hypothesis::new(
                    86,
                    Loop::Network,
                    stale.clone(),
                    format!("the ServiceLB pods of {mine} cannot take hostPort {ports_text}: {stale}, an older ServiceLB DaemonSet for the same Service (left by an earlier k3s), still holds it on {}", node_names.join(", ")),
                )
                .fix(format!("Delete the leftover {stale} (`kubectl delete daemonset -n {} {}`); the current ServiceLB DaemonSet {} then runs and the Service gets its address.", old.namespace, old.name, own.name))
                .links(scheduler_links(d)),
            ];
        }
        return vec![
            two_services_one_port(&mine, &theirs, &ports_text, &node_names)
                .links(scheduler_links(d)),
        ];
    }
    vec![
        Hypothesis::new(
            78,
            Loop::Compute,
            holder_ref.clone(),
            format!(
                "{} needs hostPort {ports_text} on one of the node(s) its selection admits ({}), and there pod {}/{} of {holder_ref} already holds it",
                pod.name(),
                node_names.join(", "),
                holder.ns_or_default(),
                holder.name()
            ),
        )
        .fix(format!(
            "Free hostPort {ports_text} on {}: remove or disable {holder_ref} if it is not needed (another component exposing the same ports), or move it to other ports; or give {own} other ports, or admit more nodes in its selection.",
            node_names.join(", ")
        ))
        .link(Link::new(
            Loop::Compute,
            None,
            holder.objref(),
            format!("pod {} holds hostPort {ports_text} on node {node}", holder.name()),
        ))
        .links(scheduler_links(d)),
    ]
}

/// A node, and the pod there holding the ports with those it holds.
type Holder<'c> = (&'c str, (&'c day2_model::Res<Pod>, BTreeSet<i32>));

/// A DaemonSet rolling with `maxSurge` above zero whose pods take
/// hostPorts: the surge pod starts beside the old one on the same node, and
/// the old one holds the ports until the new one is ready, which it never
/// is (kubernetes/kubernetes#106417; the DaemonSet documentation: a
/// DaemonSet with hostPorts cannot surge).
fn surging(
    a: &Analysis<'_>,
    pod: &day2_model::Res<Pod>,
    own: &day2_model::ObjRef,
    holders: &[Holder<'_>],
) -> Option<Hypothesis> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    if own.kind != "DaemonSet" {
        return None;
    }
    let ds =
        a.cluster.daemon_sets.iter().find(|x| {
            x.name() == own.name && Some(x.ns_or_default()) == own.namespace.as_deref()
        })?;
    let surge = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.max_surge.as_ref())?;
    let positive = match surge {
        IntOrString::Int(n) => *n > 0,
        IntOrString::String(s) => s
            .trim_end_matches('%')
            .trim()
            .parse::<u32>()
            .is_ok_and(|n| n > 0),
    };
    if !positive {
        return None;
    }
    let shown = match surge {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    };
    let (node, (old, ports)) = holders.first()?;
    // The holder is of another revision (when both say theirs).
    let revision = |p: &day2_model::Res<Pod>| p.labels().get("controller-revision-hash").cloned();
    if let (Some(mine), Some(theirs)) = (revision(pod), revision(old))
        && mine == theirs
    {
        return None;
    }
    let ports_text = ports
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            own.clone(),
            format!(
                "{own} rolls with maxSurge {shown}, so its new pod {} starts beside the old one on each node, and the old pod {} still holds hostPort {ports_text} on {node}: a DaemonSet whose pods take hostPorts cannot surge",
                pod.name(),
                old.name()
            ),
        )
        .fix(format!(
            "Set `spec.updateStrategy.rollingUpdate` of {own} to `maxSurge: 0` and `maxUnavailable: 1` (or more), so each old pod goes before its replacement starts; the Pending pods then schedule as the old ones are deleted (`kubectl -n {} delete pod {}` moves the first one on now).",
            own.namespace.as_deref().unwrap_or("default"),
            old.name()
        ))
        .link(Link::new(
            Loop::Compute,
            None,
            old.objref(),
            format!("pod {} of the previous revision holds hostPort {ports_text} on node {node}", old.name()),
        )),
    )
}

/// The LoadBalancer Service a k3s ServiceLB (klipper-lb) pod serves: its
/// DaemonSet `svclb-<service>` (with a hash suffix from k3s 1.24, in
/// kube-system, labelled `svccontroller.k3s.cattle.io/svcname` and
/// `…/svcnamespace`), found among the Services of type LoadBalancer.
fn service_lb_of(a: &Analysis<'_>, pod: &day2_model::Res<Pod>) -> Option<day2_model::ObjRef> {
    let labels = pod.labels();
    let named = labels.get("svccontroller.k3s.cattle.io/svcname");
    let app = labels.get("app").and_then(|v| v.strip_prefix("svclb-"));
    let ns = labels
        .get("svccontroller.k3s.cattle.io/svcnamespace")
        .map_or(pod.ns_or_default(), String::as_str);
    a.cluster
        .services
        .iter()
        .filter(|s| {
            s.spec.as_ref().and_then(|sp| sp.type_.as_deref()) == Some("LoadBalancer")
                && s.ns_or_default() == ns
        })
        .find(|s| match (named, app) {
            (Some(n), _) => s.name() == n,
            (None, Some(svc)) => {
                svc == s.name()
                    || svc
                        .strip_prefix(s.name())
                        .is_some_and(|r| r.starts_with('-'))
            }
            _ => false,
        })
        .map(|s| s.objref())
}

/// Two LoadBalancer Services under k3s ServiceLB asking for one port: each
/// Service port becomes a hostPort of its ServiceLB pods on every node, so
/// the later Service's pods cannot run and its external IP stays pending.
fn two_services_one_port(
    mine: &day2_model::ObjRef,
    theirs: &day2_model::ObjRef,
    ports: &str,
    nodes: &[&str],
) -> Hypothesis {
    Hypothesis::new(
        84,
        Loop::Network,
        mine.clone(),
        format!(
            "k3s ServiceLB gives each port of a LoadBalancer Service a hostPort on the nodes: {mine} asks for port {ports}, which the ServiceLB pods of {theirs} already hold on {}, so its ServiceLB pod stays Pending and its external IP <pending>",
            nodes.join(", ")
        ),
    )
    .fix(format!(
        "Give {mine} a port no other LoadBalancer Service uses (its `spec.ports[].port`), or expose it through an Ingress of {theirs}'s controller instead of a second LoadBalancer on port {ports}; a LoadBalancer implementation with its own addresses (MetalLB) lifts the limit."
    ))
}
