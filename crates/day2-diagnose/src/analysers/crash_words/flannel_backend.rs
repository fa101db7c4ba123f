//! flannel's VXLAN backend on a node whose kernel has no `vxlan` module:
//! flanneld reads its network config (`Backend type: vxlan`), creates the
//! VXLAN device and the kernel answers `operation not supported`
//! (`Error registering network: operation not supported`,
//! flannel-io/flannel#1747: Ubuntu 22.04's Raspberry Pi kernels ship the
//! module in `linux-modules-extra-raspi`). The node's kernel is the cause;
//! the pod network never starts there.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// Whether flanneld's log says its VXLAN device was refused.
fn vxlan_refused(text: &str) -> bool {
    text.contains("Error registering network: operation not supported")
        && (text.contains("Backend type: vxlan") || text.contains("VXLAN config"))
}

pub fn without_vxlan<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    if !texts.iter().any(|t| vxlan_refused(t)) {
        return vec![];
    }
    let (on_node, node) = model::pod_node_ref(a.cluster, pod);
    let kernel = a
        .cluster
        .node(node)
        .and_then(|n| model::node_info(n))
        .map(|i| format!(" ({}, {})", i.kernel_version, i.os_image))
        .unwrap_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            on_node,
            format!("flannel's VXLAN backend cannot create its device on node {node}: the kernel{kernel} answers `operation not supported`, it has no vxlan module, so {workload} exits and the node's pod network never starts"),
        )
        .fix(format!("On node {node}, load the vxlan kernel module (`sudo modprobe vxlan`; install the distribution's extra modules for the running kernel, `linux-modules-extra-$(uname -r)`, on Ubuntu for Raspberry Pi `linux-modules-extra-raspi`, then reboot), or switch flannel's backend in `net-conf.json` of its ConfigMap to `host-gw` where every node shares one L2 network; then delete the flannel pod on the node.")),
    ]
}

/// The interface flanneld was told to use (`--iface`, canal's
/// `canal_iface`), which the node does not have: `Could not find valid
/// interface matching enp35s0.4000: error looking up interface …: no such
/// network interface`, then `Failed to find interface to use that matches
/// the interfaces and/or regexes provided` (`main.go`; rancher/rke2#1889:
/// one interface name for nodes whose interfaces are named differently).
fn missing_iface(text: &str) -> Option<&str> {
    if !text.contains("Failed to find interface to use that matches") {
        return None;
    }
    let (_, rest) = text.split_once("Could not find valid interface matching ")?;
    let name = rest.split([':', ' ', '\n']).next()?.trim();
    (!name.is_empty()).then_some(name)
}

pub fn iface_absent<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some(iface) = texts.iter().find_map(|t| missing_iface(t)) else {
        return vec![];
    };
    let node = model::node_name(pod).unwrap_or("its node");
    let workload = model::workload_ref(a.cluster, pod);
    // The ConfigMap that sets it, when one in the pod's namespace does.
    let set_in = a
        .cluster
        .config_maps
        .iter()
        .filter(|c| c.ns_or_default() == pod.ns_or_default())
        .find_map(|c| {
            let data = c.data.as_ref()?;
            let key = data.iter().find(|(_, v)| v.trim() == iface)?.0;
            Some(format!(
                " (key `{key}` of ConfigMap {}/{})",
                c.ns_or_default(),
                c.name()
            ))
        })
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            86,
            Loop::Network,
            workload.clone(),
            format!("flanneld on node {node} is told to use interface `{iface}`{set_in}, which node {node} does not have, so {workload} exits there and the node's pod network never starts"),
        )
        .fix(format!("Name an interface every node has, or match each node's: flannel's `--iface-regex` (canal's `canal_iface_regex`, e.g. `enp[0-9]+s0\\.4000`) or `--iface-can-reach=<an address on the nodes' network>` instead of the single name `{iface}`{set_in}; then delete the flannel pod on {node}.")),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn flannels_interface_absent_on_the_node() {
        let log = "I0929 main.go:314] Could not find valid interface matching enp35s0.4000: error looking up interface enp35s0.4000: route ip+net: no such network interface\nE0929 main.go:334] Failed to find interface to use that matches the interfaces and/or regexes provided\n";
        assert_eq!(super::missing_iface(log), Some("enp35s0.4000"));
        // A name it skipped on the way to one it found is no failure.
        assert_eq!(
            super::missing_iface(
                "I0929 main.go:314] Could not find valid interface matching eth9: no such network interface\nI0929 main.go:350] Using interface with name eth0\n"
            ),
            None
        );
    }

    #[test]
    fn flannels_vxlan_device_refused() {
        let log = "I0322 main.go:542] Found network config - Backend type: vxlan\nE0322 main.go:334] Error registering network: operation not supported\n";
        assert!(super::vxlan_refused(log));
        // Another backend refused so is not the vxlan module.
        assert!(!super::vxlan_refused(
            "I0322 main.go:542] Found network config - Backend type: wireguard\nE0322 main.go:334] Error registering network: operation not supported\n"
        ));
    }
}
