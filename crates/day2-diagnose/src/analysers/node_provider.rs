//! Nodes the cloud controller manager never initialised: no
//! `spec.providerID`, so a cloud CSI driver cannot match them to the
//! machines of its cloud (kubernetes-sigs/vsphere-csi-driver#196, #113:
//! `Failed to get shared datastores in kubernetes cluster. Error: Empty List
//! of Node VMs returned from nodeManager` while two control-plane nodes had
//! no providerID).

use day2_model::{Loop, ObjRef};

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;

/// A provisioner that finds no machine for the cluster's nodes while some
/// nodes carry a provider ID and others none (or still the cloud
/// provider's `uninitialized` taint).
pub(super) fn unmatched_nodes(
    a: &Analysis<'_>,
    provisioner: &str,
    claim: &str,
    msg: &str,
) -> Option<Hypothesis> {
    let l = msg.to_ascii_lowercase();
    if !(l.contains("node")
        && (l.contains("vm") || l.contains("instance") || l.contains("providerid")))
    {
        return None;
    }
    let (names, example) = a
        .memo
        .unmatched_nodes
        .get_or_init(|| unmatched(a))
        .as_ref()?;
    let example = *example;
    let first = *names.first()?;
    let scheme = example.split("://").next().unwrap_or("the cloud");
    let ccm = a
        .workloads_all()
        .iter()
        .find(|w| w.name().contains("cloud-controller-manager"))
        .map(|w| format!("{} {}/{}", w.kind, w.namespace(), w.name()))
        .unwrap_or_else(|| "the cloud controller manager".to_owned());
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            ObjRef::new("Node", None, first),
            format!(
                "{provisioner} cannot provision {claim} (\"{}\"): node(s) {} have no providerID (others carry `{example}`), so the driver cannot match them to machines of its cloud",
                day2_model::redact::excerpt(msg.rsplit("desc = ").next().unwrap_or(msg), 140),
                day2_model::text::short_list(names, 6)
            ),
        )
        .fix(format!(
            "Let {ccm} initialise node(s) {}: it sets spec.providerID ({scheme}://…) and removes the node.cloudprovider.kubernetes.io/uninitialized taint once it finds each machine (kubelet started with --cloud-provider=external; on vSphere the VMs need disk.EnableUUID=TRUE). A providerID cannot be changed once set: re-join a node whose ID is wrong. Then the provisioner retries.",
            day2_model::text::short_list(names, 6)
        )),
    )
}

/// [`unmatched_nodes`]'s nodes, read once per run.
fn unmatched<'c>(a: &Analysis<'c>) -> Option<(Vec<&'c str>, &'c str)> {
    let nodes = &a.cluster.nodes;
    fn id(n: &day2_model::Res<k8s_openapi::api::core::v1::Node>) -> Option<&str> {
        n.spec
            .as_ref()
            .and_then(|s| s.provider_id.as_deref())
            .filter(|p| !p.is_empty())
    }
    let tainted = |n: &day2_model::Res<k8s_openapi::api::core::v1::Node>| {
        n.spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .is_some_and(|t| {
                t.iter()
                    .any(|t| t.key == "node.cloudprovider.kubernetes.io/uninitialized")
            })
    };
    let example = nodes.iter().find_map(id)?;
    let names: Vec<&str> = nodes
        .iter()
        .filter(|n| id(n).is_none() || tainted(n))
        .map(|n| n.name())
        .collect();
    (!names.is_empty()).then_some((names, example))
}
