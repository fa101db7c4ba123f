//! A LoadBalancer Service with `externalTrafficPolicy: Local` that an
//! in-cluster layer-2 announcer never serves: kube-vip (with `svc_enable`)
//! and MetalLB's speaker announce a Local Service's address only from a
//! node that holds one of its endpoints, so an announcer DaemonSet whose
//! pods run on no such node (kube-vip's manifest pinned to control-plane
//! nodes by a `nodeAffinity` on `node-role.kubernetes.io/control-plane`, the
//! application on workers) leaves the address unannounced, and kube-vip
//! never writes it to the Service's status.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;
use std::collections::BTreeSet;

/// Whether a DaemonSet announces Service addresses on layer 2: kube-vip
/// with services enabled, or MetalLB's speaker.
fn announces(ds: &k8s_openapi::api::apps::v1::DaemonSet, name: &str) -> Option<&'static str> {
    let spec = ds.spec.template.spec.as_ref()?;
    let image = |w: &str| {
        spec.containers
            .iter()
            .any(|c| c.image.as_deref().is_some_and(|i| i.contains(w)))
    };
    if image("kube-vip/kube-vip") || name.contains("kube-vip") {
        let services = spec.containers.iter().any(|c| {
            c.env
                .iter()
                .flatten()
                .any(|e| e.name == "svc_enable" && e.value.as_deref() == Some("true"))
        });
        return services.then_some("kube-vip");
    }
    (image("metallb/speaker") || (name.contains("metallb") && name.contains("speaker")))
        .then_some("MetalLB's speaker")
}

pub fn unannounced<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    let local = svc
        .spec
        .as_ref()
        .and_then(|s| s.external_traffic_policy.as_deref())
        == Some("Local");
    if !local {
        return vec![];
    }
    let backends: BTreeSet<&str> = crate::symptoms::service::selected_pods(a, svc)
        .into_iter()
        .filter(|p| !model::is_terminal(p))
        .filter_map(|p| model::node_name(p))
        .collect();
    if backends.is_empty() {
        return vec![];
    }
    let Some((ds, who, nodes)) = a.cluster.daemon_sets.iter().find_map(|ds| {
        let who = announces(ds, ds.name())?;
        let nodes: BTreeSet<&str> = a
            .cluster
            .pods_of("DaemonSet", ds.ns_or_default(), ds.name())
            .into_iter()
            .filter(|p| !model::is_terminal(p))
            .filter_map(|p| model::node_name(p))
            .collect();
        (!nodes.is_empty()).then_some((ds, who, nodes))
    }) else {
        return vec![];
    };
    if nodes.iter().any(|n| backends.contains(n)) {
        return vec![];
    }
    let (ns, name) = (svc.ns_or_default(), svc.name());
    let list = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
    let pinned = ds
        .spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|x| x.node_affinity.as_ref())
        .is_some_and(|x| {
            x.required_during_scheduling_ignored_during_execution
                .is_some()
        })
        || ds
            .spec
            .template
            .spec
            .as_ref()
            .is_some_and(|s| s.node_selector.as_ref().is_some_and(|m| !m.is_empty()));
    let why = if pinned {
        " (its nodeAffinity/nodeSelector admits only those nodes)"
    } else {
        ""
    };
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            ds.objref(),
            format!(
                "Service {ns}/{name} has `externalTrafficPolicy: Local`, so {who} announces its address only from a node that holds one of its endpoints ({}), and DaemonSet {}/{} runs only on {}{why}: no announcer has a local endpoint, so the address is never announced",
                list(&backends),
                ds.ns_or_default(),
                ds.name(),
                list(&nodes)
            ),
        )
        .fix(format!(
            "Let DaemonSet {} run on the nodes that run the Service's pods (widen its nodeAffinity/nodeSelector to the workers, keeping its tolerations), or set `externalTrafficPolicy: Cluster` on Service {ns}/{name} if the clients' source address need not be kept (`kubectl -n {ns} patch svc {name} -p '{{\"spec\":{{\"externalTrafficPolicy\":\"Cluster\"}}}}'`).",
            ds.name()
        ))
        .link(Link::new(
            Loop::Network,
            None,
            ds.objref(),
            format!("runs on {} only", list(&nodes)),
        )),
    ]
}

/// A LoadBalancer Service without an address in a cluster whose only
/// load-balancer implementation is an in-cluster announcer with services
/// enabled (kube-vip's `svc_enable: "true"`), which wrote nothing on it: the
/// announcer is what to look at, not the Service. kube-vip 1.0 in routing
/// table mode with `cp_enable` beside `svc_enable` in one DaemonSet was
/// reported to handle no Service at all (kube-vip/kube-vip#1243).
pub fn silent_announcer(
    a: &Analysis<'_>,
    svc: &day2_model::Res<k8s_openapi::api::core::v1::Service>,
) -> Option<Hypothesis> {
    let (ds, who) = a.cluster.daemon_sets.iter().find_map(|ds| {
        announces(ds, ds.name())
            .filter(|w| *w == "kube-vip")
            .map(|w| (ds, w))
    })?;
    let env = |name: &str| {
        ds.spec
            .template
            .spec
            .as_ref()?
            .containers
            .iter()
            .flat_map(|c| c.env.iter().flatten())
            .find(|e| e.name == name)
            .and_then(|e| e.value.clone())
    };
    let both = env("cp_enable").as_deref() == Some("true");
    let table = env("vip_routingtable").as_deref() == Some("true");
    let (ns, name) = (ds.ns_or_default(), ds.name());
    let mode = if table {
        "routing-table mode"
    } else {
        "ARP/BGP mode"
    };
    Some(
        Hypothesis::new(
            62,
            Loop::Network,
            ds.objref(),
            format!(
                "Service {}/{} of type LoadBalancer has no address, and {who} (DaemonSet {ns}/{name}, services enabled, {mode}{}) is the cluster's load-balancer implementation and wrote nothing on it",
                svc.ns_or_default(),
                svc.name(),
                if both { ", control plane enabled too" } else { "" }
            ),
        )
        .fix(format!(
            "Read {who}'s log (`kubectl logs -n {ns} ds/{name}`) for the Service{}; check its address range (`kubevip` ConfigMap or `loadBalancerIP`) and, where the Service sets `spec.loadBalancerClass`, that it is kube-vip's.",
            if both && table {
                ": kube-vip 1.0 in routing-table mode with `cp_enable` and `svc_enable` both `true` in one DaemonSet is reported to handle no Service (kube-vip/kube-vip#1243); run Services from a second DaemonSet with `svc_enable: \"true\"` and `cp_enable: \"false\"`, or upgrade".to_owned()
            } else {
                String::new()
            }
        ))
        .link(Link::new(
            Loop::Network,
            None,
            svc.objref(),
            "has no address in status.loadBalancer.ingress",
        )),
    )
}
