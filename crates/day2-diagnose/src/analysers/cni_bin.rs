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
