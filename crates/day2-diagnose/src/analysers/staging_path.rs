//! A CSI node plugin told to stage a volume under a path it does not
//! mount: the kubelet names its staging path under its own root directory
//! (`staging path /cm/local/apps/kubernetes/var/kubelet/plugins/kubernetes.io/csi/pv/…/globalmount
//! does not exist on node`, a Bright cluster whose kubelet root is
//! `/cm/local/apps/kubernetes/var/kubelet`: ceph/ceph-csi#2779), while the
//! plugin's host paths are the default `/var/lib/kubelet`. The plugin looks
//! in its own mount of the host and finds nothing there.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::{Loop, Pod, Res};

const CSI_DIR: &str = "/plugins/kubernetes.io/csi/";

/// The kubelet root a staging or publish path names, and the path.
fn kubelet_root(message: &str) -> Option<(&str, &str)> {
    let at = message.find(CSI_DIR)?;
    let start = message[..at].rfind(|c: char| c.is_whitespace() || c == '"' || c == '\'')? + 1;
    let end = message[at..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
        .map_or(message.len(), |e| at + e);
    let root = &message[start..at];
    root.starts_with('/')
        .then_some((root, &message[start..end]))
}

pub(crate) fn outside_plugin(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
) -> Option<Hypothesis> {
    if !message.contains("does not exist") && !message.contains("no such file or directory") {
        return None;
    }
    let (root, path) = kubelet_root(message)?;
    let driver = model::claimed_volumes(a.cluster, pod)
        .into_iter()
        .find_map(|pv| pv.spec.as_ref()?.csi.as_ref().map(|c| c.driver.clone()))?;
    let ds = super::csi_registration::node_plugin(a, &driver)?;
    let spec = ds.spec.template.spec.as_ref()?;
    let host_paths: Vec<&str> = spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.host_path.as_ref().map(|h| h.path.trim_end_matches('/')))
        .collect();
    // Some host path of the plugin holds the staging path: it sees it.
    if host_paths
        .iter()
        .any(|h| path.starts_with(h) && !h.is_empty())
    {
        return None;
    }
    let theirs: Vec<&str> = host_paths
        .iter()
        .copied()
        .filter(|h| h.contains("kubelet"))
        .collect();
    let ds_ref = ds.objref();
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            ds_ref.clone(),
            format!("the kubelet stages the volume under its root directory {root} (`{}`), and {driver}'s node plugin {ds_ref} mounts none of it from the host (its kubelet paths: {}): it looks in its own mount and finds nothing", day2_model::redact::excerpt(path, 160), day2_model::text::short_list(&theirs, 4)),
        )
        .fix(format!("Point {ds_ref}'s host paths at the kubelet's root {root}: the chart's kubelet directory (`kubeletDir: {root}` in ceph-csi's charts; other drivers' kubelet-dir value), so the plugin, pods and registration dirs are {root}/plugins, {root}/pods and {root}/plugins_registry; then restart the plugin pods.")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubelet_root_a_staging_path_names() {
        let m = "rpc error: code = InvalidArgument desc = staging path /cm/local/apps/kubernetes/var/kubelet/plugins/kubernetes.io/csi/pv/pvc-1/globalmount does not exist on node";
        assert_eq!(
            kubelet_root(m),
            Some((
                "/cm/local/apps/kubernetes/var/kubelet",
                "/cm/local/apps/kubernetes/var/kubelet/plugins/kubernetes.io/csi/pv/pvc-1/globalmount"
            ))
        );
        assert_eq!(kubelet_root("mount failed: exit status 32"), None);
    }
}
