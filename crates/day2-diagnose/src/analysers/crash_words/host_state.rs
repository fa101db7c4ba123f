//! A node agent that stops on what its host holds or lacks, outside the
//! API: a `flannel.1` interface left with an address of an earlier network
//! (`link has incompatible addresses. Remove additional addresses and try
//! again`, flannel-io/flannel#1060), or a host without the iSCSI tools
//! Longhorn's manager checks for at start (`Failed environment check,
//! please make sure you have iscsiadm/open-iscsi installed on the host`,
//! longhorn/longhorn#7233). The fix is on the hosts, so the diagnosis says
//! so rather than blame the agent's DaemonSet.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// What the host holds or lacks, and the fix, from the agent's words.
fn read(text: &str) -> Option<(&'static str, &'static str)> {
    if text.contains("link has incompatible addresses") && text.contains("flannel.1") {
        return Some((
            "the host's `flannel.1` interface keeps an address flanneld did not give it (from an earlier network or lease), and flanneld refuses to reuse the link",
            "On each affected node delete the stale interface (`sudo ip link delete flannel.1`; also `cni0` if it holds an old subnet) and let flanneld recreate it: delete the flannel pod there.",
        ));
    }
    if text.contains("Failed environment check")
        && (text.contains("iscsiadm") || text.contains("open-iscsi"))
    {
        return Some((
            "the host has no iSCSI initiator (`iscsiadm` is not found), which Longhorn's manager requires on every node before it starts",
            "Install open-iscsi on every node Longhorn runs on (`apt install open-iscsi` / `dnf install iscsi-initiator-utils`, then `systemctl enable --now iscsid`; Longhorn's `longhorn-iscsi-installation` DaemonSet does it), then delete the crashing longhorn-manager pods.",
        ));
    }
    None
}

pub fn host_state<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some((what, fix)) = texts.iter().find_map(|t| read(t)) else {
        return vec![];
    };
    let (on_node, node) = model::pod_node_ref(a.cluster, pod);
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            88,
            Loop::Compute,
            on_node,
            format!("{workload} stops on node {node} because of the host's own state: {what}"),
        )
        .fix(fix)
        .missing(format!(
            "the state of node {node} itself (its interfaces and packages)"
        ))
        .unexplained(),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_the_host_holds_or_lacks() {
        assert!(super::read("E0527 main.go:289] Error registering network: failed to configure interface flannel.1: failed to ensure address of interface flannel.1: link has incompatible addresses. Remove additional addresses and try again.").is_some());
        assert!(super::read(r#"level=fatal msg="Error starting manager: Failed environment check, please make sure you have iscsiadm/open-iscsi installed on the host: failed to execute: /usr/bin/nsenter""#).is_some());
        // Another of flanneld's refusals is not the host's interface.
        assert!(super::read("Error registering network: operation not supported").is_none());
    }
}
