//! A program that asks the cloud's metadata service (169.254.169.254) from
//! a node that is no cloud machine: the cluster mixes cloud servers (their
//! nodes carry `spec.providerID`) with others (a dedicated root server, an
//! on-premises host), and the pod landed on one of the others, where
//! nothing answers at that address (hetznercloud/csi-driver#457: the CSI
//! controller on a Robot server, `failed to fetch server ID from metadata
//! service`).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::{Loop, ObjRef, Res, pod::Pod};
use std::net::{IpAddr, Ipv4Addr};

const METADATA: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254));

pub(super) fn metadata_off_cloud(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    ip: IpAddr,
    what: &str,
) -> Option<Hypothesis> {
    if ip != METADATA {
        return None;
    }
    let node = a.cluster.node(model::node_name(pod)?)?;
    if model::provider_id(node).is_some() {
        return None;
    }
    let cloud: Vec<&Res<k8s_openapi::api::core::v1::Node>> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| model::provider_id(n).is_some())
        .collect();
    if cloud.is_empty() {
        return None;
    }
    // A label of this node no cloud node carries: what an affinity can
    // keep the pod off by.
    let own = node.labels().iter().find(|(k, v)| {
        !k.starts_with("kubernetes.io/")
            && !k.starts_with("beta.kubernetes.io/")
            && !k.starts_with("node.kubernetes.io/")
            && cloud
                .iter()
                .all(|c| c.labels().get(*k).is_none_or(|cv| cv != *v))
    });
    let workload = model::workload_ref(a.cluster, pod);
    let spec = pod.spec.as_ref()?;
    let csi = spec.containers.iter().any(|c| {
        c.name.starts_with("csi-") || c.image.as_deref().is_some_and(|i| i.contains("csi"))
    });
    let hcloud = spec
        .containers
        .iter()
        .any(|c| c.image.as_deref().is_some_and(|i| i.contains("hcloud")));
    let names: Vec<&str> = cloud.iter().take(3).map(|n| n.name()).collect();
    let affinity = match own {
        Some((k, v)) => format!("a required nodeAffinity `{k} NotIn [\"{v}\"]`"),
        None => format!(
            "a required nodeAffinity that leaves node {} out",
            node.name()
        ),
    };
    let settings = if hcloud {
        ", or give the driver the location it would read there (`HCLOUD_VOLUME_DEFAULT_LOCATION`)"
    } else {
        ", or configure the program with what it would read there"
    };
    Some(
        Hypothesis::new(
            82,
            if csi { Loop::Storage } else { Loop::Compute },
            workload.clone(),
            format!("{what}: node {} is no cloud machine (no spec.providerID, unlike {}), so the cloud's metadata service the program asks is not there: {workload} has no affinity that keeps it on the cloud's servers", node.name(), names.join(", ")),
        )
        .fix(format!("Keep {workload} on the cloud's servers with {affinity} in its pod template{settings}; then its pod runs where the metadata service answers."))
        .link(Link::new(
            Loop::Compute,
            None,
            ObjRef::new("Node", None, node.name()),
            format!("node {} has no spec.providerID", node.name()),
        )),
    )
}
