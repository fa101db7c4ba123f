//! A JVM too old for the node's cgroup v2: the JDK's container support
//! (`jdk.internal.platform`) reads the cgroup hierarchy at start-up to size
//! the heap, and releases before cgroup v2 support fail on a unified
//! hierarchy: `java.lang.NullPointerException: Cannot invoke
//! "jdk.internal.platform.CgroupInfo.getMountPoint()" because
//! "anyController" is null` (Elasticsearch 7.17.3's bundled JDK on a
//! cgroup v2 host, temporalio/helm-charts#738). Newer distributions boot
//! with cgroup v2 by default (Ubuntu 21.10 and later, Debian 11, RHEL 9,
//! Bottlerocket, COS 101), so an upgraded node pool is what changed.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The JDK's words when its cgroup reading fails.
fn cgroup_failure(text: &str) -> bool {
    text.contains("jdk.internal.platform.Cgroup")
        || (text.contains("jdk.internal.platform") && text.contains("NullPointerException"))
}

pub fn too_old<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    if !texts.iter().any(|t| cgroup_failure(t)) {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let image = model::spec_container(pod, container)
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let node = model::node_name(pod)
        .and_then(|n| a.cluster.node(n))
        .and_then(|n| model::node_info(n))
        .map(|i| format!(" (node {}, kernel {})", i.os_image, i.kernel_version))
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            80,
            Loop::Compute,
            workload.clone(),
            format!("the JVM in {image} of container {container} fails reading the node's cgroups at start-up{node}: its JDK predates cgroup v2 support, and the node runs the unified (v2) hierarchy"),
        )
        .fix(format!("Upgrade the image of {workload} to a release whose bundled JDK supports cgroup v2 (a newer patch release of the same line: set the chart's `image.tag`/`imageTag`), or keep the workload on nodes booted with cgroup v1 (`systemd.unified_cgroup_hierarchy=0`) until it is upgraded.")),
    ]
}
