//! Weave Net's allocation range over the nodes' own network. Weave takes
//! pod addresses from `IPALLOC_RANGE`, 10.32.0.0/12 when unset, and refuses
//! to start when the range overlaps a route the host already has (`Network
//! 10.32.0.0/12 overlaps with existing route 10.42.0.0/24 on host`): its
//! pods crash and, with no pod network, the nodes stay NotReady
//! (weaveworks/weave#2736: nodes at 10.42.0.x under the default range).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected, Kind};
use day2_model::Loop;
use std::net::Ipv4Addr;

pub const KINDS: &[Kind] = &[Kind::NodeNotReady, Kind::CrashLoopBackOff];

/// Weave's range when `IPALLOC_RANGE` is not set.
const DEFAULT_RANGE: &str = "10.32.0.0/12";

/// Weave Net's DaemonSet, its allocation range and whether it was set.
type WeaveSet<'c> = &'c day2_model::Res<k8s_openapi::api::apps::v1::DaemonSet>;

fn weave<'c>(a: &Analysis<'c>) -> Option<(WeaveSet<'c>, String, bool)> {
    a.cluster.daemon_sets.iter().find_map(|ds| {
        let c = ds
            .spec
            .template
            .spec
            .as_ref()?
            .containers
            .iter()
            .find(|c| c.image.as_deref().is_some_and(|i| i.contains("weave-kube")))?;
        let set = c
            .env
            .iter()
            .flatten()
            .find(|e| e.name == "IPALLOC_RANGE")
            .and_then(|e| e.value.clone());
        let given = set.is_some();
        Some((ds, set.unwrap_or_else(|| DEFAULT_RANGE.to_owned()), given))
    })
}

pub fn over_nodes<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    // A crash must be Weave's own; a NotReady node any node.
    if let Detail::Crash { .. } = &d.detail {
        let Some(pod) = d.pod() else { return vec![] };
        let weave_pod = pod.spec.as_ref().is_some_and(|s| {
            s.containers
                .iter()
                .any(|c| c.image.as_deref().is_some_and(|i| i.contains("weave-kube")))
        });
        if !weave_pod {
            return vec![];
        }
    } else if d.kind != Kind::NodeNotReady {
        return vec![];
    }
    let Some((ds, range, given)) = weave(a) else {
        return vec![];
    };
    // Only when Weave is not running everywhere: a range that overlaps
    // nothing that matters leaves its pods ready.
    let crashing = a.cluster.pods_in_namespace(ds.ns_or_default()).any(|p| {
        a.cluster
            .owner_of(p)
            .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds.name())
            && !model::is_ready(p)
    });
    if !crashing {
        return vec![];
    }
    let Some((node, ip)) = a.cluster.nodes.iter().find_map(|n| {
        let ip = day2_model::topology::internal_ip(n)?
            .parse::<Ipv4Addr>()
            .ok()?;
        crate::netpol::cidr_contains(&range, ip.into()).then(|| (n.name(), ip))
    }) else {
        return vec![];
    };
    let whence = if given {
        format!("its `IPALLOC_RANGE` {range}")
    } else {
        format!("its default range {range} (no `IPALLOC_RANGE` set)")
    };
    vec![
        Hypothesis::new(
            88,
            Loop::Network,
            ds.objref(),
            format!(
                "Weave Net ({}/{}) allocates pod addresses from {whence}, which contains the nodes' own network (node {node} is {ip}): Weave refuses to start over a route the host already has, so the nodes get no pod network and stay NotReady",
                ds.ns_or_default(),
                ds.name()
            ),
        )
        .fix(format!(
            "Set `IPALLOC_RANGE` on the weave container of DaemonSet {}/{} to a range that overlaps no node, Service or other network the hosts route (e.g. 10.244.0.0/16 when the nodes are in 10.42.x), keep it the same on every node, and restart the weave pods (`kubectl -n {} rollout restart daemonset {}`); nodes turn Ready once Weave runs.",
            ds.ns_or_default(),
            ds.name(),
            ds.ns_or_default(),
            ds.name()
        ))
        .link(Link::new(
            Loop::Network,
            None,
            ds.objref(),
            format!("Weave's range {range} holds node {node}'s address {ip}"),
        )),
    ]
}
