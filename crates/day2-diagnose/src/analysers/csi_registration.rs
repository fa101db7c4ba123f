//! A CSI node plugin that is Ready on every node and registered on none.
//! Its registrar drops the driver's registration socket into the DaemonSet's
//! `plugins_registry` hostPath, and the kubelet only watches
//! `<root-dir>/plugins_registry`. When no node's CSINode lists the driver
//! although a Ready plugin pod runs on each, the registrar writes where the
//! kubelets do not look: the kubelet's `--root-dir` is not the directory
//! the DaemonSet mounts (k0s, MicroK8s, a root dir moved to another disk).
//! One DaemonSet setting is wrong, not one pod.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Loop, Pod, Res};
use k8s_openapi::api::apps::v1::DaemonSet;

/// The DaemonSet's hostPath for the kubelet's plugin registry.
fn registry_dir(ds: &DaemonSet) -> Option<&str> {
    ds.spec
        .template
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.host_path.as_ref())
        .map(|h| h.path.as_str())
        .find(|p| p.contains("plugins_registry"))
}

/// A ConfigMap in the DaemonSet's namespace with a key naming the kubelet
/// directory (Rook's `ROOK_CSI_KUBELET_DIR_PATH`, a chart's `kubeletDir`):
/// where the operator or chart takes the path from. (name, key)
fn kubelet_dir_setting<'c>(a: &Analysis<'c>, ns: &str) -> Option<(&'c str, &'c str)> {
    a.cluster.config_maps.iter().find_map(|cm| {
        if cm.ns_or_default() != ns {
            return None;
        }
        let key = cm.data.as_ref()?.keys().find(|k| {
            let l = k.to_ascii_lowercase();
            l.contains("kubelet") && l.contains("dir")
        })?;
        Some((cm.name(), key.as_str()))
    })
}

pub fn unwatched<'c>(
    a: &Analysis<'c>,
    ds: &'c Res<DaemonSet>,
    driver: &str,
    link: Link,
) -> Option<Hypothesis> {
    if a.cluster.csi_nodes.is_empty() {
        return None;
    }
    let pods: Vec<&Res<Pod>> = a
        .cluster
        .pods_of("DaemonSet", ds.ns_or_default(), ds.name());
    // Ready on every node it runs on, and no CSINode of those nodes lists it.
    let nodes: Vec<&str> = pods
        .iter()
        .filter_map(|p| crate::model::node_name(p))
        .collect();
    // A distribution whose kubelet root is not /var/lib/kubelet.
    let distro = nodes.iter().find_map(|n| {
        crate::model::moved_kubelet_root(a.cluster.node(n)?).map(|(root, name)| (name, root))
    });
    let dir = registry_dir(ds).unwrap_or("/var/lib/kubelet/plugins_registry");
    let misplaced = distro.is_some_and(|(_, root)| !dir.starts_with(root));
    if nodes.is_empty()
        || (nodes.len() < 2 && !misplaced)
        || !pods.iter().all(|p| crate::model::is_ready(p))
    {
        return None;
    }
    let registered = a
        .cluster
        .csi_nodes
        .iter()
        .any(|c| nodes.contains(&c.name()) && c.spec.drivers.iter().any(|d| d.name == driver));
    let judged = a
        .cluster
        .csi_nodes
        .iter()
        .filter(|c| nodes.contains(&c.name()))
        .count();
    if registered || judged == 0 || (judged < 2 && !misplaced) {
        return None;
    }
    let ns = ds.ns_or_default();
    let setting = kubelet_dir_setting(a, ns);
    let obj = ds.objref();
    let summary = format!(
        "the {driver} node plugin (DaemonSet {ns}/{}) is Ready on {} nodes and registered on none: its registrar writes to {dir}, a directory those kubelets do not watch, so their root directory (--root-dir) is elsewhere",
        ds.name(),
        nodes.len()
    );
    let found = match distro {
        Some((name, root)) if misplaced => format!("the nodes run {name}, whose kubelet root is {root}"),
        _ => "find the kubelet's root directory on a node (`ps -o args= -C kubelet` shows --root-dir; k0s uses /var/lib/k0s/kubelet, MicroK8s /var/snap/microk8s/common/var/lib/kubelet)".to_owned(),
    };
    let how = match setting {
        Some((cm, key)) => format!(
            "set {key} in ConfigMap {ns}/{cm} to the kubelet's root directory and let the operator redeploy the plugin"
        ),
        None => "set the chart's or operator's kubelet path to it (`kubeletDir`; democratic-csi's `node.kubeletHostPath`), so the DaemonSet's hostPaths and the registrar's --kubelet-registration-path follow".to_owned(),
    };
    Some(
        Hypothesis::new(89, Loop::Storage, obj, summary)
            .fix(format!(
                "The kubelet path is wrong: {found}; {how}; once the plugin registers, `kubectl get csinode` lists {driver} and the mounts proceed."
            ))
            .missing("the kubelet's --root-dir on the nodes (not in the cluster's objects)")
            .link(Link::new(
                Loop::Storage,
                None,
                ds.objref(),
                format!("Ready on {} nodes; no CSINode lists {driver}", nodes.len()),
            ))
            .link(link),
    )
}

/// The node plugin DaemonSet of CSI driver `driver`: one whose pod template
/// runs the node-driver-registrar and names the driver (its arguments or
/// environment), or whose name carries the driver's first label other than
/// `csi` and `node` (`ebs-csi-node` for `ebs.csi.aws.com`,
/// `trident-node-linux` for `csi.trident.netapp.io`).
pub(crate) fn node_plugin<'c>(a: &Analysis<'c>, driver: &str) -> Option<&'c Res<DaemonSet>> {
    // The first label that is not `csi` (`trident` for `csi.trident.netapp.io`).
    let short = driver.split('.').find(|l| *l != "csi").unwrap_or(driver);
    a.cluster.daemon_sets.iter().find(|ds| {
        let Some(spec) = ds.spec.template.spec.as_ref() else {
            return false;
        };
        let registrar = spec.containers.iter().any(|c| {
            c.image
                .as_deref()
                .is_some_and(|i| i.contains("node-driver-registrar"))
        });
        let names = spec.containers.iter().any(|c| {
            c.args.iter().flatten().any(|x| x.contains(driver))
                || c.env
                    .iter()
                    .flatten()
                    .any(|e| e.value.as_deref().is_some_and(|v| v.contains(driver)))
        });
        (registrar && names) || (ds.name().contains(short) && ds.name().contains("node"))
    })
}

/// The external-provisioner's `no topology key found on CSINode <node>`:
/// the scheduler chose a node (WaitForFirstConsumer) whose CSINode does not
/// list the driver, because the driver's node plugin does not run there. A
/// taint on the node its DaemonSet does not tolerate is the usual reason
/// (kubernetes-sigs/aws-ebs-csi-driver#848).
pub fn node_without_plugin(
    a: &Analysis<'_>,
    provisioner: &str,
    message: &str,
) -> Option<Hypothesis> {
    // The provisioner's `no topology key found on CSINode X`, or the
    // attacher's `CSINode X does not contain driver D`
    // (longhorn/longhorn#8065), which names the driver itself.
    let (node_name, provisioner) = match message.split_once("no topology key found on CSINode ") {
        Some((_, rest)) => (rest, provisioner),
        None => {
            let (_, rest) = message.split_once("CSINode ")?;
            let (node, driver) = rest.split_once(" does not contain driver ")?;
            let driver = driver
                .split(|c: char| c.is_whitespace() || c == '"' || c == ',')
                .next()
                .filter(|d| !d.is_empty())?;
            (node, driver)
        }
    };
    let node_name = node_name
        .split(|c: char| c.is_whitespace() || c == '"' || c == ',')
        .next()
        .filter(|n| !n.is_empty())?;
    let node = a.cluster.node(node_name);
    let Some(ds) = node_plugin(a, provisioner) else {
        return Some(
            Hypothesis::new(
                70,
                Loop::Storage,
                day2_model::ObjRef::new("Node", None, node_name),
                format!("{provisioner}'s node plugin is not registered on node {node_name} (its CSINode lists no such driver), and the provisioner needs it there to place the volume"),
            )
            .fix(format!("Run {provisioner}'s node plugin DaemonSet on node {node_name} too (its tolerations and node selection must admit the node), or keep the workload off nodes without it.")),
        );
    };
    let spec = ds.spec.template.spec.as_ref()?;
    let taints: Vec<String> = node
        .map(|n| {
            crate::model::untolerated_taints(spec, n)
                .iter()
                .map(|t| {
                    format!(
                        "{}={}:{}",
                        t.key,
                        t.value.as_deref().unwrap_or(""),
                        t.effect
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let ds_ref = ds.objref();
    // The plugin runs and registers where the kubelet does not look.
    if taints.is_empty()
        && let Some(h) = unwatched(
            a,
            ds,
            provisioner,
            Link::new(
                Loop::Storage,
                None,
                day2_model::ObjRef::new("CSINode", None, node_name),
                format!("CSINode {node_name} has no {provisioner}"),
            ),
        )
    {
        return Some(h);
    }
    // The plugin's own node selection leaves the node out: on purpose, a
    // node the driver cannot serve (hetznercloud/csi-driver#400: a
    // dedicated root server outside the cloud, `is-root-server NotIn
    // [true]`); the pods that need its volumes must stay off it.
    let excluded = node.is_some_and(|n| {
        taints.is_empty()
            && !day2_model::selector::node_selection_admits(spec, node_name, n.labels())
    });
    let class = a
        .cluster
        .stores
        .storage_classes
        .iter()
        .find(|c| c.provisioner == provisioner)
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|| "<class>".to_owned());
    let (why, fix) = match taints.first() {
        None if excluded => (
            format!(
                ", as the driver's node plugin does not run there, because {ds_ref}'s node selection leaves the node out on purpose"
            ),
            format!(
                "Keep the pods that use {provisioner}'s volumes off node {node_name}, which the driver does not serve: a required nodeAffinity on the workload that matches {ds_ref}'s own (the node's labels it excludes), or limit StorageClass {class} to the nodes that run the plugin with `allowedTopologies`; then the claim is provisioned on a node that can attach it."
            ),
        ),
        Some(t) => (
            format!(
                ", as the driver's node plugin does not run there, because {ds_ref} does not tolerate the node's taint {t}"
            ),
            format!(
                "Let {ds_ref} tolerate the taints of the nodes that run volumes: add `tolerations: [{{key: {}, operator: Exists}}]` to its pod template (the aws-ebs-csi-driver chart: `node.tolerateAllTaints: true` or `node.tolerations`); its pod then registers on {node_name} and the claim provisions.",
                t.split('=').next().unwrap_or(t)
            ),
        ),
        None if let Some((root, _)) = node.and_then(|n| crate::model::moved_kubelet_root(n))
            && let Some(path) = spec
                .volumes
                .iter()
                .flatten()
                .filter_map(|v| v.host_path.as_ref().map(|h| h.path.as_str()))
                .find(|p| p.starts_with("/var/lib/kubelet")) =>
        {
            (
                format!(
                    ": its node plugin {ds_ref} mounts host paths under /var/lib/kubelet ({path}) while this node's kubelet root directory is {root}, so it cannot register where the kubelet looks"
                ),
                format!(
                    "Point {ds_ref}'s host paths at the kubelet root {root} (the registration dir {root}/plugins_registry, the plugin dir {root}/plugins, the pods dir {root}/pods): the driver's kubelet-dir setting (Longhorn: `KUBELET_ROOT_DIR={root}` on longhorn-driver-deployer, `csi.kubeletRootDir` in its chart; other charts' `kubeletDir`), then restart the plugin pods."
                ),
            )
        }
        None => (
            ", as the driver's node plugin does not run there".to_owned(),
            format!(
                "Make {ds_ref} run on node {node_name} (its nodeSelector and affinity must admit the node); its pod then registers the driver in the node's CSINode."
            ),
        ),
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            ds_ref.clone(),
            format!("{provisioner} cannot place the volume on node {node_name}: its CSINode lists no {provisioner}{why}"),
        )
        .fix(fix)
        .link(Link::new(
            Loop::Storage,
            None,
            day2_model::ObjRef::new("CSINode", None, node_name),
            format!("CSINode {node_name} has no {provisioner}"),
        )),
    )
}

/// A pod whose nodeSelector admits only nodes that lack the topology label
/// its CSI volume is pinned by: the driver's node plugin sets that label
/// when it registers on a node, and its DaemonSet does not run there for a
/// taint it does not tolerate (hetznercloud/csi-driver#119: a tainted
/// database node without `csi.hetzner.cloud/location`).
pub fn label_never_set(
    a: &Analysis<'_>,
    spec: &k8s_openapi::api::core::v1::PodSpec,
    pv: &k8s_openapi::api::core::v1::PersistentVolume,
) -> Option<Hypothesis> {
    let driver = pv.spec.as_ref()?.csi.as_ref()?.driver.as_str();
    let prefix = format!("{driver}/");
    let key = day2_model::topology::pv_required_terms(pv)
        .iter()
        .flat_map(|t| t.match_expressions.iter().flatten())
        .map(|e| e.key.as_str())
        .find(|k| k.starts_with(&prefix))?;
    let wanted = spec.node_selector.as_ref()?;
    let ds = node_plugin(a, driver)?;
    let ds_spec = ds.spec.template.spec.as_ref()?;
    let node = a.cluster.nodes.iter().find(|n| {
        let labels = n.labels();
        wanted.iter().all(|(k, v)| labels.get(k) == Some(v)) && !labels.contains_key(key)
    })?;
    let taint = crate::model::untolerated_taints(ds_spec, node)
        .into_iter()
        .next()?;
    let ds_ref = ds.objref();
    let t = format!(
        "{}={}:{}",
        taint.key,
        taint.value.as_deref().unwrap_or(""),
        taint.effect
    );
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            ds_ref.clone(),
            format!("the pod's nodeSelector admits node {}, which has no `{key}` label, so the volume's node affinity rules it out: {driver}'s node plugin sets that label when it registers, and {ds_ref} does not run there because it does not tolerate the node's taint {t}", node.name()),
        )
        .fix(format!("Let {ds_ref} tolerate the taint of the nodes that run volumes: add `tolerations: [{{key: {}, operator: Exists}}]` to its pod template; its pod then registers {driver} on {} (CSINode and the `{key}` label) and the pod schedules.", taint.key, node.name()))
        .link(Link::new(
            Loop::Storage,
            None,
            day2_model::ObjRef::new("CSINode", None, node.name()),
            format!("CSINode {} has no {driver}", node.name()),
        )),
    )
}

/// A CSI node plugin asked to mount under a kubelet root its hostPaths do
/// not hold: the kubelet's target (`<root-dir>/pods/<uid>/volumes/…`) is on
/// a root the distribution moved (MicroK8s' snap), the plugin mounts
/// `/var/lib/kubelet/pods`, so its `mkdir` of the target finds no parent
/// (kubernetes-csi/csi-driver-host-path#527: `create target path: mkdir
/// /var/snap/microk8s/common/var/lib/kubelet/pods/…: no such file or
/// directory`).
pub fn target_outside<'c>(a: &Analysis<'c>, d: &crate::symptoms::Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(node) = crate::model::node_name(pod) else {
        return vec![];
    };
    let Some((event, root)) = d.events_with("FailedMount").find_map(|e| {
        let m = e.message_text();
        let (_, rest) = m.split_once("mkdir ")?;
        let (path, _) = rest.split_once(": no such file or directory")?;
        let (root, _) = path.split_once("/pods/")?;
        path.contains("/volumes/kubernetes.io~csi/")
            .then_some((e, root.to_owned()))
    }) else {
        return vec![];
    };
    // The plugin on the node: a pod whose hostPaths hold a kubelet
    // directory, none of them under the root the kubelet uses.
    let kubelet_paths = |p: &Res<Pod>| -> Vec<String> {
        p.spec
            .iter()
            .flat_map(|s| s.volumes.iter().flatten())
            .filter_map(|v| v.host_path.as_ref().map(|h| h.path.clone()))
            .filter(|h| h.contains("/kubelet"))
            .collect()
    };
    let Some((plugin, paths)) = a.cluster.pods_on_node(node).find_map(|p| {
        let paths = kubelet_paths(p);
        let outside: Vec<String> = paths
            .into_iter()
            .filter(|h| !h.starts_with(root.as_str()))
            .filter(|h| h.ends_with("/pods") || h.ends_with("/kubelet") || h.ends_with("/plugins"))
            .collect();
        (!outside.is_empty()).then_some((p, outside))
    }) else {
        return vec![];
    };
    let owner = crate::model::workload_ref(a.cluster, plugin);
    vec![
        Hypothesis::new(
            88,
            Loop::Storage,
            owner.clone(),
            format!(
                "the kubelet on {node} keeps its pods under {root}, but the CSI node plugin {} mounts {} from the node: the target the kubelet asks it to create is outside what the plugin sees, so `mkdir` finds no parent",
                plugin.name(),
                paths.join(", ")
            ),
        )
        .fix(format!(
            "Point the plugin's kubelet hostPaths at {root} (its `/pods` and `/plugins` volumes, with `mountPropagation: Bidirectional`): the chart's `kubeletDir` value, or for csi-driver-host-path deploy with `KUBELET_DATA_DIR={root}`; then restart {owner} and the waiting pods mount."
        ))
        .link(Link::from_event(
            Loop::Storage,
            event,
            format!("the kubelet asks for a mount under {root}"),
        )),
    ]
}
