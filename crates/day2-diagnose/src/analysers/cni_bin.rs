//! The runtime looks for a CNI plugin's binary in one directory and the
//! plugin's DaemonSet installs it into another: `failed to find plugin
//! "multus" in path [/home/kubernetes/bin]` on GKE, whose Container-Optimized
//! OS nodes keep CNI binaries in `/home/kubernetes/bin`, while the
//! DaemonSet copies its binary to the hostPath `/opt/cni/bin` of upstream
//! manifests. The DaemonSet runs and is Ready; the binary lands where the
//! runtime never looks.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::Loop;

/// The DaemonSet that names the missing plugin (its name, a container's
/// name or image) and mounts a CNI binary directory of the host other than
/// the one searched, with that directory.
pub fn installed_elsewhere(a: &Analysis<'_>, binary: &str, dir: &str) -> Option<Hypothesis> {
    if binary.len() < 3 {
        return None;
    }
    let dir = dir.trim_end_matches('/');
    let searched: Vec<&str> = dir.split(':').map(|d| d.trim_end_matches('/')).collect();
    let (ds, path) = a.cluster.daemon_sets.iter().find_map(|ds| {
        let spec = ds.spec.template.spec.as_ref()?;
        let names = ds.name().contains(binary)
            || spec
                .containers
                .iter()
                .chain(spec.init_containers.iter().flatten())
                .any(|c| {
                    c.name.contains(binary)
                        || c.image.as_deref().is_some_and(|i| i.contains(binary))
                });
        if !names {
            return None;
        }
        let paths: Vec<&str> = spec
            .volumes
            .iter()
            .flatten()
            .filter_map(|v| v.host_path.as_ref())
            .map(|h| h.path.trim_end_matches('/'))
            .filter(|p| p.contains("cni") && p.ends_with("/bin"))
            .collect();
        if paths.iter().any(|p| searched.contains(p)) {
            return None;
        }
        paths.first().map(|p| (ds, p.to_string()))
    })?;
    let name = ds.name();
    let gke = if dir == "/home/kubernetes/bin" {
        "; GKE's Container-Optimized OS nodes keep them there"
    } else {
        ""
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            ds.objref(),
            format!(
                "the runtime looks for the `{binary}` CNI binary in {dir}, and DaemonSet {}/{name} installs it into the host's {path} (its hostPath volume): the binary is never where the runtime looks",
                ds.ns_or_default()
            ),
        )
        .fix(format!(
            "Point DaemonSet {name}'s CNI binary hostPath at {dir} (the directory the node's runtime reads, `bin_dir` of containerd's CRI configuration{gke}) instead of {path}, or install the plugin with the provider's own integration; pods start on the next sandbox retry."
        ))
        .link(Link::new(
            Loop::Network,
            None,
            ds.objref(),
            format!("installs `{binary}` into hostPath {path}"),
        )),
    )
}

/// A plugin binary on the node older than the CNI configuration it is
/// handed: `plugin type="loopback" failed (add): incompatible CNI versions;
/// config is "1.0.0", plugin supports ["0.1.0" … "0.4.0"]` (libcni's
/// version check; containerd 1.6 writes its loopback configuration at
/// 1.0.0, which CNI plugins before 1.0 refuse: containerd/containerd#6876).
/// The binaries in `/opt/cni/bin` are the node's.
pub fn incompatible_version(node: &str, message: &str) -> Option<Hypothesis> {
    let message = &*crate::messages::apiserver::unescape(message);
    let (_, rest) = message.split_once("incompatible CNI versions; config is ")?;
    let config = rest.trim_start_matches('"').split('"').next()?;
    let plugin = message
        .split_once("plugin type=")
        .and_then(|(_, r)| r.trim_start_matches('"').split('"').next())
        .filter(|p| !p.is_empty() && !p.contains(' '));
    let supports = rest
        .split_once("plugin supports ")
        .map(|(_, s)| {
            s.split(']')
                .next()
                .unwrap_or(s)
                .trim_start_matches('[')
                .replace('"', "")
        })
        .unwrap_or_default();
    let which = plugin.map(|p| format!("`{p}` ")).unwrap_or_default();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            day2_model::ObjRef::new("Node", None, node),
            format!(
                "the runtime on node {node} hands the {which}CNI plugin a configuration of CNI version {config}, and the plugin binary on the node supports only {supports}: the node's CNI plugins are older than its runtime expects"
            ),
        )
        .fix(format!(
            "On node {node}, install CNI plugins that support version {config} (containernetworking/plugins v1.0 or later into /opt/cni/bin, or the bin directory the runtime's config names), as the runtime's release notes ask when it is upgraded; or set the configuration's `cniVersion` to one the installed plugins support. New pods start on the next sandbox retry."
        )),
    )
}
