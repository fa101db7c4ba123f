//! A load-balancer controller that has no address to give a Service: every
//! pool used up, or no pool the Service may draw from. MetalLB hands out
//! addresses automatically only from pools with `auto-assign` (`autoAssign`)
//! left on, and an `IPAddressPool` with `serviceAllocation` serves only the
//! namespaces and Services it selects (an empty one selects none,
//! metallb/metallb#2003); a Service that names no pool or address
//! (`loadBalancerIP`, `metallb.universe.tf/address-pool`) gets
//! `no available IPs` from such pools however many addresses they hold
//! (metallb/metallb#599).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::Service;

/// A pool as MetalLB reads it, from the old ConfigMap or its resource.
struct Pool {
    name: String,
    from: ObjRef,
    auto_assign: bool,
    /// `Some(true)`: its `serviceAllocation` admits the Service; `Some(false)`: it does not.
    allocation: Option<bool>,
}

/// MetalLB's old configuration: the ConfigMaps that hold `address-pools:`,
/// with that text.
fn configs<'c>(
    a: &Analysis<'c>,
) -> impl Iterator<Item = (&'c Res<k8s_openapi::api::core::v1::ConfigMap>, &'c str)> {
    a.cluster.config_maps.iter().filter_map(|cm| {
        let text = cm
            .data
            .as_ref()?
            .values()
            .find(|v| v.contains("address-pools"))?;
        Some((cm, text.as_str()))
    })
}

/// The pools of the old `config` ConfigMap (`address-pools:` entries, each
/// `- name:` with an optional `auto-assign: false`).
fn configmap_pools(a: &Analysis<'_>) -> Vec<Pool> {
    let mut out = Vec::new();
    for (cm, text) in configs(a) {
        for line in text.lines() {
            let t = line.trim().trim_start_matches("- ");
            if let Some(name) = t.strip_prefix("name:") {
                out.push(Pool {
                    name: name.trim().trim_matches(['"', '\'']).to_owned(),
                    from: cm.objref(),
                    auto_assign: true,
                    allocation: None,
                });
            } else if let Some(v) = t.strip_prefix("auto-assign:")
                && let Some(p) = out.last_mut()
            {
                p.auto_assign = v.trim() != "false";
            }
        }
    }
    out
}

/// Whether an `IPAddressPool`'s `serviceAllocation` admits the Service:
/// its `namespaces` list; selectors are not read (`None` when it has any).
fn admits(alloc: &serde_json::Value, svc: &Res<Service>) -> Option<bool> {
    let has = |k: &str| {
        alloc
            .get(k)
            .and_then(|v| v.as_array())
            .is_some_and(|v| !v.is_empty())
    };
    if has("namespaceSelectors") || has("serviceSelectors") {
        return None;
    }
    let ns = svc.ns_or_default();
    Some(
        alloc
            .get("namespaces")
            .and_then(|v| v.as_array())
            .is_some_and(|l| l.iter().any(|n| n.as_str() == Some(ns))),
    )
}

fn resource_pools(a: &Analysis<'_>, svc: &Res<Service>) -> Vec<Pool> {
    a.cluster
        .other
        .iter()
        .filter(|o| o.kind == "IPAddressPool" && o.api_version.starts_with("metallb.io/"))
        .map(|o| {
            let spec = o.data.get("spec");
            Pool {
                name: o.name().to_owned(),
                from: o.objref(),
                auto_assign: spec
                    .and_then(|s| s.get("autoAssign"))
                    .and_then(|v| v.as_bool())
                    .unwrap_or(true),
                allocation: spec
                    .and_then(|s| s.get("serviceAllocation"))
                    .filter(|v| !v.is_null())
                    .map(|v| admits(v, svc).unwrap_or(true)),
            }
        })
        .collect()
}

/// The Service asks for an address or a pool of its own.
fn asks(svc: &Res<Service>) -> bool {
    svc.spec
        .as_ref()
        .is_some_and(|s| s.load_balancer_ip.is_some())
        || svc.annotations().keys().any(|k| {
            k.ends_with("/address-pool")
                || k.ends_with("/loadBalancerIPs")
                || k.ends_with("/ip-allocated-from-pool")
        })
}

pub(crate) fn refused(a: &Analysis<'_>, svc: &Res<Service>, message: &str) -> Option<Hypothesis> {
    let l = message.to_ascii_lowercase();
    let exhausted = [
        "no available ip",
        "no more ips",
        "no addresses available",
        "no available addresses",
        "pool exhausted",
        "pool is exhausted",
        "pool is full",
    ]
    .iter()
    .any(|w| l.contains(w));
    if !exhausted {
        return None;
    }
    unusable(a, svc, message).or_else(|| pool_exhausted(a, svc, message))
}

/// Pools exist, and none is one MetalLB may draw from for this Service.
fn unusable(a: &Analysis<'_>, svc: &Res<Service>, message: &str) -> Option<Hypothesis> {
    if asks(svc) {
        return None;
    }
    let mut pools = resource_pools(a, svc);
    if pools.is_empty() {
        pools = configmap_pools(a);
    }
    if pools.is_empty()
        || pools
            .iter()
            .any(|p| p.auto_assign && p.allocation != Some(false))
    {
        return None;
    }
    let ns = svc.ns_or_default();
    let link = Link::new(
        Loop::Network,
        None,
        svc.objref(),
        format!(
            "Service {ns}/{} waits for an address: {}",
            svc.name(),
            day2_model::redact::excerpt(message, 160)
        ),
    );
    let names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
    let first = &pools[0];
    let (summary, fix) = if let Some(p) = pools.iter().find(|p| p.allocation == Some(false)) {
        (
            format!(
                "IPAddressPool {} has a `serviceAllocation` that does not select Service {ns}/{} (an empty one selects no Service), and no other pool gives addresses automatically, so MetalLB answers `no available IPs` whatever the pool holds",
                p.name,
                svc.name()
            ),
            format!(
                "Remove `serviceAllocation` from IPAddressPool {} or give it `namespaces: [{ns}]` (or selectors matching the Service); or name the pool on the Service (`metallb.universe.tf/address-pool: {}`).",
                p.name, p.name
            ),
        )
    } else {
        (
            format!(
                "every address pool ({}) has `auto-assign: false`, and Service {ns}/{} asks for no address or pool of its own, so MetalLB gives it none: `no available IPs` whatever the pools hold",
                names.join(", "),
                svc.name()
            ),
            format!(
                "Name an address on the Service (`spec.loadBalancerIP`, or `metallb.universe.tf/loadBalancerIPs`) or its pool (`metallb.universe.tf/address-pool: {}`), or set `auto-assign: true` (`autoAssign: true`) on pool {} in {} {}.",
                first.name, first.name, first.from.kind, first.from.name
            ),
        )
    };
    let root = pools
        .iter()
        .find(|p| p.allocation == Some(false))
        .unwrap_or(first)
        .from
        .clone();
    Some(
        Hypothesis::new(88, Loop::Network, root, summary)
            .fix(fix)
            .link(link),
    )
}

/// A load-balancer controller that has no address left to hand out
/// (MetalLB `no available IPs`, kube-vip and Cilium LB-IPAM's spellings):
/// the address pool is used up by the Services that hold its addresses, so
/// the pool's configuration is the root; the ConfigMap that declares the
/// pools (MetalLB's `address-pools`) when the input holds it.
fn pool_exhausted(
    a: &Analysis<'_>,
    svc: &Res<k8s_openapi::api::core::v1::Service>,
    message: &str,
) -> Option<Hypothesis> {
    let ns = svc.ns_or_default();
    let holding = a
        .cluster
        .services
        .iter()
        .filter(|s| {
            crate::symptoms::load_balancer::is_load_balancer(s)
                && crate::symptoms::load_balancer::has_address(s)
        })
        .count();
    // The pools of the first ConfigMap that declares any.
    let pools = configmap_pools(a);
    let root = pools
        .first()
        .map_or_else(|| svc.objref(), |p| p.from.clone());
    let names: Vec<&str> = pools
        .iter()
        .filter(|p| p.from == root)
        .map(|p| p.name.as_str())
        .collect();
    let named = if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    };
    // No pool at all in the input: MetalLB 0.13 and later read
    // IPAddressPool objects, and hand out nothing without one.
    let no_pool = pools.is_empty() && !a.cluster.other.iter().any(|o| o.kind == "IPAddressPool");
    let said = day2_model::redact::excerpt(message, 160);
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            root.clone(),
            if no_pool {
                format!("the load-balancer controller has no address to give Service {ns}/{}: the input holds no address pool for it ({holding} LoadBalancer Services hold an address): {said}", svc.name())
            } else {
                format!("the load-balancer controller has no address left for Service {ns}/{}: its address pool{named} is used up ({holding} LoadBalancer Services hold an address): {said}", svc.name())
            },
        )
        .fix(if no_pool {
            "The input holds no address pool: give the controller one. MetalLB 0.13 and later: an `IPAddressPool` with a range of the nodes' network (`spec.addresses: [192.168.1.240-192.168.1.250]`) and an `L2Advertisement` (or BGPAdvertisement) naming it; before 0.13, the `address-pools` of its ConfigMap. The pending Service gets an address on the controller's next sync.".to_owned()
        } else {
            format!(
                "Add addresses to the pool{named} in {} {} (a wider range, another pool), or free some: change Services that need no external address to ClusterIP/NodePort or share one address between Services; the pending Service gets an address on the controller's next sync.",
                root.kind, root.name
            )
        })
        .link(Link::new(
            Loop::Network,
            None,
            svc.objref(),
            format!("Service {ns}/{} waits for an address from the pool", svc.name()),
        )),
    )
}

/// A Service that asks for an address no pool holds (MetalLB's `cannot
/// assign "192.168.0.40" to "kube-system/ingress", no pool owns that IP`,
/// older releases' `"…" is not allowed in config`): the address it names
/// is the fault, a typo as often as not (metallb/metallb#173: `.40` for
/// `.240`).
pub(crate) fn outside_pools(
    a: &Analysis<'_>,
    svc: &Res<Service>,
    message: &str,
) -> Option<Hypothesis> {
    let l = message.to_ascii_lowercase();
    if !(l.contains("no pool owns that ip") || l.contains("is not allowed in config")) {
        return None;
    }
    let (asked, field) = match svc
        .spec
        .as_ref()
        .and_then(|s| s.load_balancer_ip.as_deref())
    {
        Some(ip) => (ip.to_owned(), "spec.loadBalancerIP"),
        None => {
            let (k, v) = svc
                .annotations()
                .iter()
                .find(|(k, _)| k.ends_with("/loadBalancerIPs"))?;
            (v.clone(), k.as_str())
        }
    };
    let mut ranges: Vec<String> = Vec::new();
    for (_, text) in configs(a) {
        let mut name = String::new();
        for line in text.lines() {
            let t = line.trim().trim_start_matches("- ").trim();
            if let Some(n) = t.strip_prefix("name:") {
                name = n.trim().to_owned();
            } else if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                ranges.push(format!("{name} {t}"));
            }
        }
    }
    for o in a.cluster.other.iter().filter(|o| o.kind == "IPAddressPool") {
        for r in o
            .data
            .get("spec")
            .and_then(|s| s.get("addresses"))
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            ranges.push(format!("{} {r}", o.name()));
        }
    }
    let (ns, name) = (svc.ns_or_default(), svc.name());
    let pools = if ranges.is_empty() {
        String::new()
    } else {
        format!(" (the pools hold: {})", ranges.join("; "))
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            svc.objref(),
            format!("Service {ns}/{name} asks for address {asked} in {field}, and no MetalLB address pool holds it{pools}: the controller refuses to assign it, so the Service stays without an external address"),
        )
        .fix(format!("Set {field} of Service {ns}/{name} to an address inside a pool (check it for a typo), or remove it to let MetalLB pick one; or add {asked} to a pool if the address is meant to be served.")),
    )
}
