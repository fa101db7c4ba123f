//! A volume whose server is a cluster Service name, mounted from the node:
//! `mount.nfs: Failed to resolve server nfs-server.default.svc.cluster.local:
//! Name or service not known`. The mount runs in the node's network, in the
//! kubelet (in-tree NFS) or in a CSI node plugin on the host network, and
//! unless that plugin's pods use `dnsPolicy: ClusterFirstWithHostNet` it
//! resolves with the node's resolver, which knows no Service
//! (kubernetes-csi/csi-driver-nfs#359, fixed by making that the chart's
//! default in #440).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::{Loop, Pod, Res};

/// The cluster Service name a resolution failure names.
fn unresolved_service(message: &str) -> Option<&str> {
    let lower = message.to_ascii_lowercase();
    let failed = [
        "failed to resolve",
        "name or service not known",
        "could not resolve",
        "no such host",
    ]
    .iter()
    .any(|m| lower.contains(m));
    if !failed {
        return None;
    }
    message
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '(' | ')'))
        .map(|t| t.trim_end_matches([':', '.']))
        .map(|t| t.split(':').next().unwrap_or(t))
        .find(|t| t.contains(".svc") && t.split('.').count() >= 3)
}

pub(crate) fn unresolved(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    let host = unresolved_service(message)?;
    let pv = model::claimed_volumes(a.cluster, pod)
        .into_iter()
        .find(|pv| message.contains(pv.name()))?;
    let node = model::node_name(pod).unwrap_or("its node");
    let ip = {
        let mut labels = host.split('.');
        let (name, svc_ns) = (labels.next()?, labels.next()?);
        a.cluster
            .services
            .iter()
            .find(|s| s.name() == name && s.ns_or_default() == svc_ns)
            .and_then(|s| s.spec.as_ref()?.cluster_ip.clone())
            .map(|ip| format!(" ({ip})"))
            .unwrap_or_default()
    };
    let csi = pv.spec.as_ref().and_then(|s| s.csi.as_ref());
    let link = Link::new(
        Loop::Storage,
        None,
        pv.objref(),
        format!("PersistentVolume {} names server {host}", pv.name()),
    );
    let Some(csi) = csi else {
        // In-tree: the kubelet mounts from the node itself.
        return Some(
            Hypothesis::new(
                82,
                Loop::Storage,
                pv.objref(),
                format!("the kubelet on {node} mounts PersistentVolume {} from server {host}, a cluster Service name, and the node's resolver knows no Service names", pv.name()),
            )
            .fix(format!("Point the volume at the Service's ClusterIP{ip} instead of {host} (PersistentVolume {}'s server; the field is immutable, so re-create the volume), or at a name the nodes' DNS resolves.", pv.name()))
            .link(link),
        );
    };
    let ds = super::csi_registration::node_plugin(a, &csi.driver)?;
    let spec = ds.spec.template.spec.as_ref()?;
    let policy = spec.dns_policy.as_deref().unwrap_or("ClusterFirst");
    if spec.host_network != Some(true) || policy == "ClusterFirstWithHostNet" {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            ds.objref(),
            format!("CSI driver {}'s node plugin (DaemonSet {}/{}) mounts PersistentVolume {} from server {host}, a cluster Service name, but runs on the host network with `dnsPolicy: {policy}`, so it resolves with node {node}'s resolver, which knows no Service names", csi.driver, ds.ns_or_default(), ds.name(), pv.name()),
        )
        .fix(format!("Set `dnsPolicy: ClusterFirstWithHostNet` in DaemonSet {}/{}'s pod template (the driver chart's dnsPolicy value), so the plugin resolves cluster names; or point the volume at the Service's ClusterIP{ip} instead of {host}.", ds.ns_or_default(), ds.name()))
        .link(link),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_name_that_does_not_resolve() {
        assert_eq!(
            unresolved_service(
                "mount.nfs: Failed to resolve server nfs-server.default.svc.cluster.local: Name or service not known"
            ),
            Some("nfs-server.default.svc.cluster.local")
        );
        assert_eq!(
            unresolved_service("mount.nfs: Connection timed out to nfs.example.com"),
            None
        );
        assert_eq!(
            unresolved_service(
                "Failed to resolve server files.corp.example: Name or service not known"
            ),
            None
        );
    }
}
