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

#[cfg(test)]
mod tests {
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
