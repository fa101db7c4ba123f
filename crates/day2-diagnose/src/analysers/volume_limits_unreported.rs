//! An attach the cloud refuses at the machine's volume limit, on a node
//! whose CSINode gives the driver no `allocatable.count`: the driver does
//! not report the limit (CSI `NodeGetInfo`'s `max_volumes_per_node`), so
//! the scheduler's NodeVolumeLimits cannot hold pods back from a full node
//! and places them where the attach must fail (hetznercloud/csi-driver#197:
//! 1.5.1 reported none, and a server takes 16 volumes).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::PersistentVolume;

/// The number in the cloud's `limit of N volumes` (or `… N volumes per …`).
fn stated_limit(err: &str) -> Option<u32> {
    let l = err.to_ascii_lowercase();
    let at = l.find(" volumes")?;
    let digits: String = l[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

pub fn attach_limit(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    pv: Option<&Res<PersistentVolume>>,
    err: &str,
) -> Option<Hypothesis> {
    let driver = pv?.spec.as_ref()?.csi.as_ref()?.driver.as_str();
    let node = model::node_name(pod)?;
    let csi_node = a.cluster.csi_nodes.iter().find(|c| c.name() == node)?;
    let entry = csi_node.spec.drivers.iter().find(|d| d.name == driver)?;
    if entry.allocatable.as_ref().and_then(|x| x.count).is_some() {
        return None;
    }
    let attached = a
        .cluster
        .volume_attachments
        .iter()
        .filter(|v| v.spec.node_name == node && v.spec.attacher == driver)
        .filter(|v| v.status.as_ref().is_some_and(|s| s.attached))
        .count();
    let limit = stated_limit(err);
    let plugin = super::csi_registration::node_plugin(a, driver);
    let root = ObjRef::new("CSINode", None, node);
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            root,
            format!(
                "the cloud refuses to attach another volume to node {node}{}, and {attached} {driver} volume(s) are attached there: CSINode {node} gives {driver} no `allocatable.count`, so the driver does not report its per-node volume limit and the scheduler placed {} where no attach can succeed",
                limit.map(|n| format!(" (its limit is {n} volumes)")).unwrap_or_default(),
                pod.name()
            ),
        )
        .fix(format!(
            "Upgrade the {driver} driver{} to a release that reports its maximum volumes per node (CSINode `allocatable.count`), so the scheduler counts attachments and says `node(s) exceed max volume count` instead; until then spread volume-heavy pods (topologySpreadConstraints) and move {} to a node with room (`kubectl delete pod -n {} {}` once another node has fewer than {} volumes).",
            plugin
                .map(|p| format!(" (DaemonSet {}/{})", p.ns_or_default(), p.name()))
                .unwrap_or_default(),
            pod.name(),
            pod.ns_or_default(),
            pod.name(),
            limit.map_or_else(|| "the limit of".to_owned(), |n| n.to_string())
        )),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_limit_the_cloud_states() {
        assert_eq!(
            super::stated_limit(
                "max_volumes_per_server_reached (limit of 16 volumes per server reached)"
            ),
            Some(16)
        );
        assert_eq!(super::stated_limit("AttachmentLimitExceeded"), None);
    }
}
