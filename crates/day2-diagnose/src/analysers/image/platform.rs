//! An image without a build for the node's platform.

use super::*;

/// A node's OS and architecture: its well-known labels, else `nodeInfo`.
fn platform_of(n: &Node) -> (String, String) {
    let label = |keys: [&str; 2]| {
        n.metadata
            .labels
            .as_ref()
            .and_then(|l| keys.iter().find_map(|k| l.get(*k)))
            .cloned()
    };
    let info = n.status.as_ref().and_then(|s| s.node_info.as_ref());
    (
        label(["kubernetes.io/os", "beta.kubernetes.io/os"])
            .or_else(|| info.map(|i| i.operating_system.clone()))
            .unwrap_or_default(),
        label(["kubernetes.io/arch", "beta.kubernetes.io/arch"])
            .or_else(|| info.map(|i| i.architecture.clone()))
            .unwrap_or_default(),
    )
}

/// The image exists but has no build for the node's platform (`no
/// matching manifest for windows/amd64 in the manifest list entries`, `no
/// match for platform in manifest`): the pod landed on a node of an OS or
/// architecture the image does not ship, and the fix is where it runs (a
/// nodeSelector on the platform the other nodes have), not the tag.
pub(super) fn platform_missing(
    a: &Analysis<'_>,
    p: &Pull<'_>,
    workload: &ObjRef,
) -> Option<Hypothesis> {
    let err = p.error?;
    let node = node_of(a, p.pod);
    let wanted = if let Some((_, rest)) = err.split_once("no matching manifest for ") {
        let plat = rest.split_whitespace().next()?;
        let (os, arch) = plat.split_once('/')?;
        (
            os.to_owned(),
            arch.split('/').next().unwrap_or(arch).to_owned(),
        )
    } else if err.contains("no match for platform in manifest") {
        platform_of(node?)
    } else {
        return None;
    };
    let (os, arch) = wanted;
    // Where the platform could be told apart: Ready nodes of another one.
    let mut other_os: Vec<String> = Vec::new();
    let mut other_arch: Vec<String> = Vec::new();
    for n in a.cluster.nodes.iter() {
        if model::node_ready(n) != Some(true) {
            continue;
        }
        let (o, r) = platform_of(n);
        if !o.is_empty() && o != os && !other_os.contains(&o) {
            other_os.push(o);
        } else if o == os && !r.is_empty() && r != arch && !other_arch.contains(&r) {
            other_arch.push(r);
        }
    }
    let spec = p.pod.spec.as_ref()?;
    let selects = |key: &str| {
        spec.node_selector
            .as_ref()
            .is_some_and(|s| s.contains_key(key) || s.contains_key(&format!("beta.{key}")))
    };
    let on = node
        .map(|n| format!(" on node {}", n.name()))
        .unwrap_or_default();
    let summary = format!(
        "image {} has no build for {os}/{arch}, the platform of the node it was scheduled to{on}: the tag exists, the pod runs where the image cannot",
        p.image
    );
    let fix = match (other_os.first(), other_arch.first()) {
        (Some(o), _) if !selects("kubernetes.io/os") => format!(
            "Keep {workload} off {os} nodes: add `nodeSelector: {{kubernetes.io/os: {o}}}` to its pod template (the other nodes run {}), or use an image that ships a {os}/{arch} build.",
            other_os.join(", ")
        ),
        (_, Some(r)) if !selects("kubernetes.io/arch") => format!(
            "Keep {workload} on nodes its image supports: add `nodeSelector: {{kubernetes.io/arch: {r}}}` to its pod template, or use a multi-arch image with a {os}/{arch} build."
        ),
        _ => format!(
            "Use an image of {workload} that ships a {os}/{arch} build (a multi-platform manifest list), or schedule it, with a `kubernetes.io/os`/`kubernetes.io/arch` nodeSelector, on nodes of a platform the image has."
        ),
    };
    Some(Hypothesis::new(90, Loop::Compute, workload.clone(), summary).fix(fix))
}
