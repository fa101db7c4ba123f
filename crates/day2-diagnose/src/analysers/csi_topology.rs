//! The external-provisioner's `error generating accessibility requirements:
//! no available topology found` (kubernetes-csi/external-provisioner,
//! `pkg/controller/topology.go`): the driver registered topology keys in
//! the nodes' CSINode objects, and no node carries a label for every key, so
//! the provisioner has no topology to ask the driver for. The nodes'
//! labels are what is missing (openebs/mayastor#1507: `openebs.io/csi-node`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::Loop;

pub fn unlabelled(a: &Analysis<'_>, driver: &str, msg: &str) -> Option<Hypothesis> {
    if !msg.contains("no available topology found") {
        return None;
    }
    // The keys the driver registered, and the nodes lacking any of them.
    let mut keys: Vec<&str> = Vec::new();
    let mut lacking: Vec<&str> = Vec::new();
    for csi in &a.cluster.csi_nodes {
        let Some(d) = csi.spec.drivers.iter().find(|d| d.name == driver) else {
            continue;
        };
        let want: Vec<&str> = d
            .topology_keys
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let node = a.cluster.node(csi.name());
        if want
            .iter()
            .any(|k| node.is_some_and(|n| !n.labels().contains_key(*k)))
        {
            lacking.push(csi.name());
        }
        for k in want {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty()
        && !a
            .cluster
            .csi_nodes
            .iter()
            .any(|c| c.spec.drivers.iter().any(|d| d.name == driver))
    {
        return unregistered(a, driver);
    }
    if keys.is_empty() || lacking.is_empty() {
        return None;
    }
    // The value the driver's own objects use for the key, when one does
    // (Mayastor's node DaemonSet is labelled `openebs.io/csi-node: mayastor`).
    let value = |k: &str| {
        a.cluster
            .daemon_sets
            .iter()
            .find_map(|d| d.metadata.labels.as_ref()?.get(k).cloned())
            .unwrap_or_else(|| "<value>".to_owned())
    };
    let label = keys
        .iter()
        .map(|k| format!("{k}={}", value(k)))
        .collect::<Vec<_>>()
        .join(" ");
    let first = lacking[0];
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            day2_model::ObjRef::new("Node", None, first),
            format!(
                "{driver} registers topology key(s) {} on its nodes, and {} of them ({}) carry no such label: the provisioner finds no topology to ask the driver for, so no volume is made",
                keys.join(", "),
                lacking.len(),
                day2_model::text::short_list(&lacking, 4)
            ),
        )
        .fix(format!(
            "Label the storage nodes with the driver's topology key: `kubectl label node {} {label}` (every node that should hold volumes); the driver's install guide names the label its node plugin expects.",
            lacking.join(" ")
        )),
    )
}

/// No node lists the driver: its node plugin registers it where this
/// distribution's kubelet does not look (`/var/lib/kubelet` on MicroK8s,
/// whose kubelet lives in its snap: openebs/zfs-localpv#235).
fn unregistered(a: &Analysis<'_>, driver: &str) -> Option<Hypothesis> {
    let (root, distribution) = a
        .cluster
        .nodes
        .iter()
        .find_map(|n| crate::model::moved_kubelet_root(n))?;
    // Its node plugin: the DaemonSet naming the driver, else the one running
    // a node-driver-registrar named after the driver's first label.
    let stem = driver.split('.').next().unwrap_or(driver);
    let ds = a.cluster.daemon_sets.iter().find(|ds| {
        ds.spec.template.spec.as_ref().is_some_and(|s| {
            let registrar = s.containers.iter().any(|c| {
                c.name.contains("registrar")
                    || c.image
                        .as_deref()
                        .is_some_and(|i| i.contains("node-driver-registrar"))
            });
            (crate::model::command_lines_name(s, driver)
                || (registrar && stem.len() >= 3 && ds.name().contains(stem)))
                && s.volumes.iter().flatten().any(|v| {
                    v.host_path
                        .as_ref()
                        .is_some_and(|h| h.path.starts_with("/var/lib/kubelet"))
                })
        })
    })?;
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            ds.objref(),
            format!("no node lists CSI driver {driver}: its node plugin, DaemonSet {}, registers it under /var/lib/kubelet, but the {distribution} kubelet reads {root}, so the driver never registers and the provisioner finds no node to place a volume on", ds.name()),
        )
        .fix(format!("Install the driver with the kubelet directory of {distribution}: its chart's kubelet-dir value set to `{root}` (the registrar's `--kubelet-registration-path` and the plugin's hostPath volumes under it), then check `kubectl get csinode` lists {driver}.")),
    )
}
