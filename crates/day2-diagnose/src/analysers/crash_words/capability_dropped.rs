//! A container refused by the kernel for a capability its own
//! securityContext drops: iptables run as root that answers `Permission
//! denied (you must be root)` because `NET_RAW` (or `NET_ADMIN`) is in
//! `capabilities.drop`, which wins over `add`. Mesh injectors copy the
//! application container's securityContext onto their init container, so
//! an app that drops `NET_RAW` takes it from linkerd-init too
//! (linkerd/linkerd2#6254, fixed in #6258).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The capabilities iptables and raw sockets need.
const NETWORK_CAPS: [&str; 2] = ["NET_RAW", "NET_ADMIN"];

fn dropped(c: &k8s_openapi::api::core::v1::Container) -> Vec<String> {
    c.security_context
        .as_ref()
        .and_then(|s| s.capabilities.as_ref())
        .and_then(|c| c.drop.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let d = d.trim_start_matches("CAP_");
            (d == "ALL" || NETWORK_CAPS.contains(&d)).then(|| d.to_owned())
        })
        .collect()
}

pub fn network_caps<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some(line) = texts.iter().flat_map(|t| t.lines()).find(|l| {
        l.contains("(you must be root)")
            || (l.contains("iptables") && l.contains("Operation not permitted"))
    }) else {
        return vec![];
    };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let Some(c) = spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
        .find(|c| c.name == *container)
    else {
        return vec![];
    };
    let caps = dropped(c);
    if caps.is_empty() {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    // An injected container whose drop the application's containers share:
    // the injector copied it from them.
    let copied_from: Vec<&str> = spec
        .containers
        .iter()
        .filter(|o| o.name != *container && dropped(o).iter().any(|x| caps.contains(x)))
        .map(|o| o.name.as_str())
        .collect();
    let copied = if copied_from.is_empty() {
        String::new()
    } else {
        format!(
            "; container(s) {} of the pod drop it too, and a mesh injector copies the application's securityContext onto its init container",
            copied_from.join(", ")
        )
    };
    let caps = caps.join(", ");
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            workload.clone(),
            format!("container {container} of {} needs the network capabilities to program iptables, and its securityContext drops {caps} (a drop wins over an add){copied}: the kernel refuses it (`{}`)", pod.name(), day2_model::redact::excerpt(line.trim(), 140)),
        )
        .fix(format!("Stop dropping {caps} in the securityContext of {workload}'s containers (`capabilities.drop`), or drop only what the application must not have; with a mesh, an injector release that does not copy the drop onto its init container (Linkerd has not since linkerd2#6258), or its CNI plugin instead of the init container. Then restart the pods."))
    ]
}
