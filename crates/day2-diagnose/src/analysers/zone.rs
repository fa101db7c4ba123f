//! A zone that stopped answering: most of its nodes lost at once while
//! other zones are healthy, and what that takes down.
//!
//! One lost node is a node problem (`node::not_ready`); most nodes of one
//! zone lost while another zone's nodes are Ready is a zone outage or the
//! network to it, and its reach is wider than the pods on those nodes:
//! workloads with no pod left outside the zone, pods whose volumes live in the
//! zone and cannot follow them elsewhere, volumes still attached to the lost
//! nodes (Multi-Attach for their replacements until force-detach), and zone
//! spread constraints that keep counting the lost zone (upstream's
//! PodTopologySpread counts tainted nodes' domains unless
//! `nodeTaintsPolicy: Honor`).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::facts::ZoneLoss;
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::text::short_list;
use day2_model::topology::{is_zone_key, pv_zones};
use day2_model::{Loop, ObjRef, Res, Workload};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Node;
use rustc_hash::{FxHashMap, FxHashSet};

/// The kubelet stopped reporting: the node lifecycle controller set
/// `Ready=Unknown` (`NodeStatusUnknown`, "Kubelet stopped posting node status.").
pub fn lost(node: &Node) -> bool {
    model::node_condition(node, "Ready").is_some_and(|c| {
        c.status == "Unknown"
            || c.reason.as_deref() == Some("NodeStatusUnknown")
            || c.message
                .as_deref()
                .is_some_and(|m| m.contains("stopped posting node status"))
    })
}

/// Every zone outage in the cluster, by zone.
pub fn losses<'c>(a: &Analysis<'c>) -> FxHashMap<&'c str, ZoneLoss<'c>> {
    let c = a.cluster;
    let mut out = FxHashMap::default();
    let zones: Vec<(&'c str, Vec<&'c Res<Node>>)> =
        c.nodes_by_zone().map(|(z, ns)| (z, ns.collect())).collect();
    for (zone, nodes) in &zones {
        let mut lost_nodes: Vec<&'c Res<Node>> =
            nodes.iter().copied().filter(|n| lost(n)).collect();
        if lost_nodes.len() < 2 || lost_nodes.len() * 2 <= nodes.len() {
            continue;
        }
        let healthy_zones: Vec<&'c str> = zones
            .iter()
            .filter(|(z, ns)| z != zone && ns.iter().any(|n| model::node_ready(n) == Some(true)))
            .map(|(z, _)| *z)
            .collect();
        if healthy_zones.is_empty() {
            continue;
        }
        lost_nodes.sort_by_key(|n| n.name());
        out.insert(
            *zone,
            reach(a, zone, lost_nodes, nodes.len(), healthy_zones),
        );
    }
    out
}

fn reach<'c>(
    a: &Analysis<'c>,
    zone: &'c str,
    lost_nodes: Vec<&'c Res<Node>>,
    total: usize,
    healthy_zones: Vec<&'c str>,
) -> ZoneLoss<'c> {
    let c = a.cluster;
    let names: FxHashSet<&str> = lost_nodes.iter().map(|n| n.name()).collect();
    let times: Vec<Timestamp> = lost_nodes
        .iter()
        .filter_map(|n| model::node_condition(n, "Ready"))
        .filter_map(|r| r.last_transition_time.as_ref().map(|t| t.0))
        .collect();
    let span = times
        .iter()
        .min()
        .zip(times.iter().max())
        .map(|(a, b)| (*a, *b));
    let mut pods = 0;
    let mut affected: FxHashSet<ObjRef> = FxHashSet::default();
    let mut zonal_claims = Vec::new();
    for n in &lost_nodes {
        for p in c.pods_on_node(n.name()).filter(|p| !model::is_terminal(p)) {
            pods += 1;
            affected.insert(model::workload_ref(c, p));
            let ns = p.ns_or_default();
            for claim in p.spec.as_deref().into_iter().flat_map(model::claims) {
                let in_zone = c
                    .pvc(ns, claim)
                    .and_then(|pvc| c.pv_of_claim(pvc))
                    .is_some_and(|pv| pv_zones(pv).contains(&zone));
                if in_zone {
                    zonal_claims.push(format!("{ns}/{claim}"));
                }
            }
        }
    }
    zonal_claims.sort();
    zonal_claims.dedup();
    // Workloads that still run somewhere else.
    let mut elsewhere: FxHashSet<ObjRef> = FxHashSet::default();
    for p in c.pods.iter().filter(|p| !model::is_terminal(p)) {
        let on = day2_model::pod::node_name(p);
        if on.is_some_and(|n| !names.contains(n)) {
            let w = model::workload_ref(c, p);
            if affected.contains(&w) {
                elsewhere.insert(w);
            }
        }
    }
    let mut stranded: Vec<ObjRef> = affected
        .iter()
        .filter(|w| w.kind != "DaemonSet" && w.kind != "Pod" && !elsewhere.contains(*w))
        .cloned()
        .collect();
    stranded.sort();
    let attached = lost_nodes
        .iter()
        .filter_map(|n| n.status.as_ref()?.volumes_attached.as_ref())
        .map(Vec::len)
        .sum();
    let mut spread: Vec<ObjRef> = affected
        .iter()
        .filter(|w| {
            a.workloads_in(w.namespace.as_deref().unwrap_or("default"))
                .iter()
                .find(|x: &&Workload<'_>| x.kind == w.kind && x.name == w.name)
                .is_some_and(|x| zone_spread_blocks(x.spec))
        })
        .cloned()
        .collect();
    spread.sort();
    ZoneLoss {
        zone,
        lost: lost_nodes,
        total,
        healthy_zones,
        span,
        pods,
        stranded,
        zonal_claims,
        attached,
        spread,
    }
}

/// A `DoNotSchedule` spread over zones that counts tainted nodes' zones.
fn zone_spread_blocks(spec: &k8s_openapi::api::core::v1::PodSpec) -> bool {
    spec.topology_spread_constraints.iter().flatten().any(|t| {
        is_zone_key(&t.topology_key)
            && t.when_unsatisfiable == "DoNotSchedule"
            && t.node_taints_policy.as_deref() != Some("Honor")
    })
}

/// NodeNotReady on a node of a zone that is lost as a whole.
pub fn outage<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Node(node) = d.subject else {
        return vec![];
    };
    if !lost(node) {
        return vec![];
    }
    let Some(zone) = model::node_zone(node) else {
        return vec![];
    };
    let losses = a.zone_losses(|| losses(a));
    let Some(z) = losses.get(zone) else {
        return vec![];
    };
    let lost_names: Vec<&str> = z.lost.iter().map(|n| n.name()).collect();
    let within = z
        .span
        .map(|(f, l)| {
            let mins = (l.as_second() - f.as_second()) / 60;
            if mins < 1 {
                " within a minute".to_owned()
            } else {
                format!(" within {mins} minutes")
            }
        })
        .unwrap_or_default();
    let mut reach = vec![format!("{} pod(s) on them are unreachable", z.pods)];
    if !z.stranded.is_empty() {
        let names: Vec<String> = z.stranded.iter().map(ObjRef::to_string).collect();
        reach.push(format!(
            "{} workload(s) have no pod left in another zone ({})",
            names.len(),
            short_list(&names, 4)
        ));
    }
    if !z.zonal_claims.is_empty() {
        reach.push(format!(
            "{} claim(s) have their volume in {} and cannot follow their pods to another zone ({})",
            z.zonal_claims.len(),
            z.zone,
            short_list(&z.zonal_claims, 4)
        ));
    }
    if z.attached > 0 {
        reach.push(format!(
            "{} volume(s) are still attached to the lost nodes (replacement pods see Multi-Attach until they are force-detached)",
            z.attached
        ));
    }
    if !z.spread.is_empty() {
        let names: Vec<String> = z.spread.iter().map(ObjRef::to_string).collect();
        reach.push(format!(
            "{} workload(s) spread over zones with DoNotSchedule, which still counts {}: their replacements can stay Pending ({})",
            names.len(),
            z.zone,
            short_list(&names, 4)
        ));
    }
    let summary = format!(
        "zone {}: {} of its {} nodes stopped reporting{within} while {} stayed Ready — the zone, or the network to it, is down; {}",
        z.zone,
        z.lost.len(),
        z.total,
        short_list(&z.healthy_zones, 3),
        reach.join("; ")
    );
    let links = z.lost.iter().take(8).map(|n| {
        let r = model::node_condition(n, "Ready");
        Link::new(
            Loop::Compute,
            r.and_then(|r| r.last_transition_time.as_ref()).map(|t| t.0),
            n.objref(),
            format!("node {} in {} stopped reporting", n.name(), z.zone),
        )
        .with_evidence(r.map(model::condition_evidence))
    });
    let mut fix = format!(
        "Check the cloud's status for {zone} and the network between the control plane and the zone. Until it returns: run replicas in the healthy zones ({}); `kubectl taint node <node> node.kubernetes.io/out-of-service=nodeshutdown:NoExecute` on nodes confirmed down releases their volumes and pods at once",
        short_list(&z.healthy_zones, 3)
    );
    if !z.spread.is_empty() {
        fix.push_str("; set `nodeTaintsPolicy: Honor` on zone spread constraints (or `whenUnsatisfiable: ScheduleAnyway`) so a lost zone does not block placement");
    }
    if !z.zonal_claims.is_empty() {
        fix.push_str(&format!(
            "; zonal volumes wait for {zone}: restore them from snapshots in another zone, or use a regional class (GCP `replication-type: regional-pd`, Azure ZRS `skuName: Premium_ZRS`; AWS EBS has no cross-zone volume — replicate at the application)"
        ));
    }
    fix.push('.');
    let root = ObjRef::new(
        "Node",
        None,
        lost_names.first().copied().unwrap_or(node.name()),
    );
    vec![
        Hypothesis::new(80, Loop::Compute, root, summary)
            .fix(fix)
            .links(links),
    ]
}
