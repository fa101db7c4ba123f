//! A CSI driver the pod's volume names that is not registered on its node.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef, Res};

/// `driver name X not found in the list of registered CSI drivers`: the
/// driver's node plugin is not registered on the pod's node.
pub fn csi_driver<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(node) = model::node_name(pod) else {
        return vec![];
    };
    let Some(e) = d
        .events_with("FailedMount")
        .filter(|e| {
            e.message_text()
                .contains("not found in the list of registered CSI drivers")
        })
        .last()
    else {
        return vec![];
    };
    // A later mount error from the driver itself (`rpc error: …`) means it
    // registered since (the plugin came back after a node reboot): that
    // error is the one to follow.
    let later = e.last.or(e.first);
    if d.events_with("FailedMount").any(|x| {
        x.message_text().contains("rpc error: code =")
            && x.last.or(x.first).zip(later).is_some_and(|(t, l)| t > l)
    }) {
        return vec![];
    }
    let msg = e.message_text();
    let Some(driver) = msg
        .split("driver name ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .filter(|s| !s.is_empty())
    else {
        return vec![];
    };
    let link = Link::from_event(
        Loop::Storage,
        e,
        format!("CSI driver {driver} is not registered on {node}"),
    );
    // The node plugin's DaemonSet: the one whose containers name the driver
    // (`--drivername=`, the registrar's `--kubelet-registration-path`),
    // else the one named after the driver's first label (`efs` → efs-csi-node).
    let stem = driver.split('.').next().unwrap_or(driver);
    let names_driver = |ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>| {
        ds.spec
            .template
            .spec
            .as_ref()
            .is_some_and(|s| model::command_lines_name(s, driver))
    };
    let named: Vec<_> = a
        .cluster
        .daemon_sets
        .iter()
        .filter(|ds| names_driver(ds))
        .collect();
    let candidates: Vec<_> = if named.is_empty() {
        a.cluster
            .daemon_sets
            .iter()
            .filter(|ds| {
                let n = ds.name();
                n.contains(stem) && (n.contains("csi") || n.contains("node"))
            })
            .collect()
    } else {
        named
    };
    // Of several (a Linux and a Windows plugin), the one with a pod on the
    // node, else one whose selection admits the node.
    let runs_here = |ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>| {
        a.cluster.pods_on_node(node).any(|p| {
            a.cluster
                .owner_of(p)
                .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds.name())
        })
    };
    let admits = |ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>| match (
        ds.spec.template.spec.as_ref(),
        a.cluster.node(node),
    ) {
        (Some(s), Some(n)) => model::matches_node_selection(s, n),
        _ => false,
    };
    let ds = candidates
        .iter()
        .find(|ds| runs_here(ds))
        .or_else(|| candidates.iter().find(|ds| admits(ds)))
        .or_else(|| candidates.first())
        .copied();
    if ds.is_none()
        && let Some(h) = registered_under_another_name(a, node, driver, link.clone())
    {
        return vec![h];
    }
    let Some(ds) = ds else {
        return vec![Hypothesis::new(
            60,
            Loop::Storage,
            ObjRef::new("CSIDriver", None, driver),
            format!("CSI driver {driver} is not registered on node {node} and no node-plugin DaemonSet for it is in the input"),
        )
        .fix(format!("Install the {driver} node plugin (its DaemonSet) so it runs on {node}."))
        .missing("the CSI driver's node DaemonSet")
        .link(link)];
    };
    let node_obj = a.cluster.node(node);
    let on_node = a.cluster.pods_on_node(node).find(|p| {
        a.cluster
            .owner_of(p)
            .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds.name())
    });
    let ns = ds.ns_or_default();
    if let Some(h) = crate::analysers::csi_registration::unwatched(a, ds, driver, link.clone()) {
        return vec![h];
    }
    match on_node {
        Some(p) => {
            let trouble = super::pod_trouble(p)
                .unwrap_or_else(|| "it is Ready but has not registered the driver".to_owned());
            let registrar = model::container_statuses(p)
                .find(|s| s.name.contains("registrar") && !s.ready)
                .map(|s| {
                    format!(
                        " (its node-driver-registrar container {} is not ready)",
                        s.name
                    )
                })
                .unwrap_or_default();
            vec![Hypothesis::new(
                88,
                Loop::Storage,
                p.objref(),
                format!("the {driver} node plugin on {node}, pod {} of DaemonSet {}, does not register the driver: {trouble}{registrar}", p.name(), ds.name()),
            )
            .fix(format!("Fix {} on {node}: `kubectl logs -n {ns} {} -c node-driver-registrar --previous` (the registrar registers the driver with the kubelet through /var/lib/kubelet/plugins_registry); the mount succeeds once the plugin is Ready.", p.name(), p.name()))
            .link(Link::new(Loop::Storage, None, p.objref(), trouble))
            .link(link)]
        }
        None => {
            let spec = ds.spec.template.spec.as_ref();
            let why = match (spec, node_obj) {
                (Some(s), Some(n)) if !model::matches_node_selection(s, n) => {
                    let sel = s
                        .node_selector
                        .iter()
                        .flatten()
                        .filter(|(k, v)| n.labels().get(*k) != Some(*v))
                        .map(|(k, v)| {
                            format!(
                                "{k}={v} (node has {})",
                                n.labels().get(k).map_or("none", String::as_str)
                            )
                        })
                        .collect::<Vec<_>>();
                    if sel.is_empty() {
                        "its node affinity excludes the node".to_owned()
                    } else {
                        format!("its nodeSelector {} excludes the node", sel.join(", "))
                    }
                }
                (Some(s), Some(n)) if !model::untolerated_taints(s, n).is_empty() => format!(
                    "it does not tolerate the node's taint {}",
                    model::describe_taint(model::untolerated_taints(s, n)[0])
                ),
                _ => "the DaemonSet has no pod there".to_owned(),
            };
            vec![Hypothesis::new(
                88,
                Loop::Storage,
                ds.objref(),
                format!("DaemonSet {} (the {driver} node plugin) does not run on node {node}: {why}", ds.name()),
            )
            .fix(format!("Let DaemonSet {ns}/{} run on {node}: widen its nodeSelector/affinity (e.g. allow kubernetes.io/arch arm64 when the image is multi-arch) or add the toleration; or keep pods that need {driver} off such nodes with a nodeSelector.", ds.name()))
            .link(link)]
        }
    }
}

/// The node registers a driver of another name with the same distinctive
/// word (`csi-hostpath` where the volume asks `hostpath.csi.k8s.io`): the
/// node plugin installed is a version that registers an older name, or the
/// class names the driver by a name the plugin never used. The plugin's
/// workload is the one whose containers name the registered driver (its
/// registration path), else the node's CSINode.
fn registered_under_another_name(
    a: &Analysis<'_>,
    node: &str,
    driver: &str,
    link: Link,
) -> Option<Hypothesis> {
    let generic = ["csi", "k8s", "io", "com", "org", "net", "driver", "plugin"];
    let words: Vec<&str> = driver
        .split(['.', '-', '_'])
        .filter(|w| w.len() > 3 && !generic.contains(w))
        .collect();
    let csi_node = a.cluster.csi_nodes.iter().find(|n| n.name() == node)?;
    let other = csi_node
        .spec
        .drivers
        .iter()
        .map(|d| d.name.as_str())
        .find(|d| *d != driver && words.iter().any(|w| d.contains(w)))?;
    let plugin = a.workloads_all().iter().find(|w| {
        w.spec.containers.iter().any(|c| {
            c.args
                .iter()
                .flatten()
                .any(|x| x.contains(&format!("/{other}/")) || x.ends_with(&format!("={other}")))
        })
    });
    let root = plugin.map_or_else(
        || csi_node.objref(),
        |w| ObjRef::new(w.kind, Some(w.namespace()), w.name()),
    );
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            root.clone(),
            format!("the volume asks for CSI driver {driver}, but the node plugin on {node} registers it as `{other}` ({root}): a plugin version that registers another driver name"),
        )
        .fix(format!("Make the names agree: upgrade the node plugin ({root}) to a version that registers the driver name `{driver}` (the driver was renamed), or use a StorageClass whose provisioner is `{other}` for this plugin; `kubectl get csinode {node} -o yaml` lists the registered names."))
        .link(link),
    )
}
