//! calico-node refusing to start because the address it detected for its
//! node is another node's: `Calico node 'k8s-master' is already using the
//! IPv4 address 10.0.2.15` (`startup.go`). With the default
//! `IP_AUTODETECTION_METHOD=first-found`, nodes with a NAT interface first
//! (VirtualBox's `10.0.2.15` on every VM) all detect the same address
//! (projectcalico/calico#2042). Also calico-node finding no address at
//! all on the node's interfaces with its method (canonical/microk8s#1554).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The other node and the address calico-node says it already uses.
fn taken(text: &str) -> Option<(&str, &str)> {
    let (_, rest) = text.split_once("Calico node '")?;
    let (other, rest) = rest.split_once('\'')?;
    let rest = rest.trim_start().strip_prefix("is already using the IPv")?;
    let (_, rest) = rest.split_once(" address ")?;
    let address = rest
        .split(|c: char| c.is_whitespace())
        .next()?
        .trim_end_matches('.');
    (!address.is_empty()).then_some((other, address))
}

pub fn address_taken<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some((text, (other, address))) = texts.iter().find_map(|t| Some((t.as_str(), taken(t)?)))
    else {
        if let Some(method) = texts.iter().find_map(|t| invalid_method(t)) {
            return vec![method_refused(a, pod, method)];
        }
        return texts
            .iter()
            .find(|t| undetected(t))
            .map(|t| no_address(a, pod, t))
            .into_iter()
            .collect();
    };
    let node = model::node_name(pod).unwrap_or("its node");
    let internal = a
        .cluster
        .node(node)
        .and_then(|n| day2_model::topology::internal_ip(n))
        .filter(|ip| *ip != address);
    let method = if text.contains("first-found") {
        " with IP_AUTODETECTION_METHOD first-found (the default)"
    } else {
        ""
    };
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            86,
            Loop::Network,
            workload.clone(),
            format!("calico-node on node {node} detected {address} as its address{method}, which node {other} already uses{}: two nodes cannot share a BGP/tunnel address, so it stops", internal.map(|ip| format!(", while {node}'s InternalIP is {ip}")).unwrap_or_default()),
        )
        .fix(format!("Set the `IP_AUTODETECTION_METHOD` environment variable of {workload} (container calico-node) to pick the nodes' own network: `interface=<the interface of the nodes' network>` (e.g. `interface=enp0s8` beside VirtualBox's NAT `enp0s3`), `kubernetes-internal-ip` (each node's InternalIP{}), or `can-reach=<an address on that network>`; then delete the calico-node pods.", internal.map(|ip| format!(", {ip} here")).unwrap_or_default())),
    ]
}

/// calico-node found no address to use on its node's interfaces:
/// `Couldn't autodetect an IPv4 address. If auto-detecting, choose a
/// different autodetection method.` (`startup.go`; canonical/microk8s#1554:
/// first-found skips a Wi-Fi interface named `wlo1`).
fn undetected(text: &str) -> bool {
    text.contains("Couldn't autodetect an IPv4 address")
        || text.contains("Couldn't autodetect an IPv6 address")
        || text.contains("Unable to auto-detect an IPv4 address")
}

fn no_address(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    text: &str,
) -> Hypothesis {
    let node = model::node_name(pod).unwrap_or("its node");
    let internal = a
        .cluster
        .node(node)
        .and_then(|n| day2_model::topology::internal_ip(n));
    let workload = model::workload_ref(a.cluster, pod);
    let said = text
        .lines()
        .find(|l| undetected(l))
        .map(|l| day2_model::redact::excerpt(l, 160))
        .unwrap_or_default();
    Hypothesis::new(
        86,
        Loop::Network,
        workload.clone(),
        format!("calico-node on node {node} finds no address to use on the node's interfaces with its autodetection method (`{said}`), so it gives the node no BGP/tunnel address and the pod network there does not start"),
    )
    .fix(format!("Set the `IP_AUTODETECTION_METHOD` environment variable of {workload} (container calico-node) to a method that finds the node's interface: `interface=<name or regex>` (e.g. `interface=wlo.*,eth.*` for an interface the default skips), `kubernetes-internal-ip` (each node's InternalIP{}), or `can-reach=<an address on that network>`; then delete the calico-node pod on {node}.", internal.map(|ip| format!(", {ip} here")).unwrap_or_default()))
}

/// The method calico-node was given and refuses: `Invalid IP autodetection
/// method: eth1` (`startup.go`; projectcalico/calico#2965: an interface
/// name without its `interface=` prefix).
fn invalid_method(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("Invalid IP autodetection method: ")?;
    let method = rest.lines().next()?.trim();
    (!method.is_empty()).then_some(method)
}

fn method_refused(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    method: &str,
) -> Hypothesis {
    let workload = model::workload_ref(a.cluster, pod);
    // A bare name is an interface meant as one.
    let meant = if method.contains('=') || method.contains("first-found") {
        String::new()
    } else {
        format!(" (`interface={method}` for the interface named `{method}`)")
    };
    Hypothesis::new(
        88,
        Loop::Network,
        workload.clone(),
        format!("calico-node refuses its `IP_AUTODETECTION_METHOD` `{method}`: it is none of the methods it knows, so it stops before giving the node an address and the pod network does not start on any node it runs on"),
    )
    .fix(format!("Set the `IP_AUTODETECTION_METHOD` environment variable of {workload} (container calico-node) to one of `first-found`, `interface=<regex>`, `skip-interface=<regex>`, `can-reach=<address>`, `cidr=<cidr>` or `kubernetes-internal-ip`{meant}; the rollout then proceeds."))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_autodetection_method_calico_refuses() {
        let log = "2019-10-30 17:17:34.036 [ERROR][8] startup.go 567: Invalid IP autodetection method: eth1\n2019-10-30 17:17:34.036 [WARNING][8] startup.go 1058: Terminating\n";
        assert_eq!(super::invalid_method(log), Some("eth1"));
        assert_eq!(
            super::invalid_method(
                "startup.go 567: Using autodetected IPv4 address on interface eth1"
            ),
            None
        );
    }

    #[test]
    fn the_address_another_calico_node_holds() {
        assert_eq!(
            super::taken(
                "2018-09-24 03:05:51.249 [WARNING][9] startup.go 802: Calico node 'k8s-master' is already using the IPv4 address 10.0.2.15.\nCalico node failed to start"
            ),
            Some(("k8s-master", "10.0.2.15"))
        );
        assert_eq!(super::taken("Calico node failed to start"), None);
    }

    #[test]
    fn no_address_found_on_the_interfaces() {
        assert!(super::undetected(
            "2020-09-12 10:39:12.582 [WARNING][8] startup/startup.go 447: Couldn't autodetect an IPv4 address. If auto-detecting, choose a different autodetection method. Otherwise provide an explicit address."
        ));
        assert!(!super::undetected(
            "Using autodetected IPv4 address on interface eth0: 10.0.0.4/24"
        ));
    }
}
