//! Where a node's kubelet keeps its state when the distribution moves it
//! from `/var/lib/kubelet`: MicroK8s's snap
//! (`/var/snap/microk8s/common/var/lib/kubelet`), k0s
//! (`/var/lib/k0s/kubelet`). A CSI node plugin whose host paths name
//! `/var/lib/kubelet` there registers its socket where the kubelet never
//! looks (longhorn/longhorn#2580; hetznercloud/csi-driver on k0s).

use k8s_openapi::api::core::v1::{Node, PodSpec};

/// The kubelet's root directory on `node`, when its distribution moves it.
pub(crate) fn moved_root(node: &Node) -> Option<&'static str> {
    let labels = node.metadata.labels.as_ref();
    let has = |k: &str| labels.is_some_and(|l| l.contains_key(k));
    let version = node
        .status
        .as_ref()
        .and_then(|s| s.node_info.as_ref())
        .map(|i| i.kubelet_version.as_str())
        .unwrap_or_default();
    if has("microk8s.io/cluster") {
        Some("/var/snap/microk8s/common/var/lib/kubelet")
    } else if has("node.k0sproject.io/role") || version.contains("+k0s") {
        Some("/var/lib/k0s/kubelet")
    } else {
        None
    }
}

/// The host paths of a pod template under the default kubelet root.
pub(crate) fn default_root_paths(spec: &PodSpec) -> Vec<&str> {
    spec.volumes
        .iter()
        .flatten()
        .filter_map(|v| v.host_path.as_ref().map(|h| h.path.as_str()))
        .filter(|p| p.starts_with("/var/lib/kubelet"))
        .collect()
}
