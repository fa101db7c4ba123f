//! A node agent that needs a kernel driver built for the node's exact
//! kernel (StackRox's collector, Falco, Sysdig load a module or an eBPF
//! probe per kernel release) and finds no build for it: its log names the
//! node's kernel release (`Unable to download kernel object
//! collector-5.4.228-131.415.amzn2.x86_64.ko`, `No suitable kernel object
//! downloaded`) and it exits. A node image upgrade outran the agent's
//! release; the agent, not the application, is what to change.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

/// Words that say the build for the kernel was not found or not loaded.
const FAILED: [&str; 8] = [
    "no suitable",
    "unable to",
    "not found",
    "404",
    "failed",
    "no prebuilt",
    "unsupported",
    "not supported",
];

pub fn missing<'w>(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    words: impl Iterator<Item = &'w str>,
) -> Option<Hypothesis> {
    let node = model::node_name(pod)?;
    let kernel = a
        .cluster
        .node(node)
        .and_then(|n| model::node_info(n))
        .map(|i| i.kernel_version.as_str())
        .filter(|k| k.len() >= 5)?;
    let lines: Vec<&str> = words.flat_map(str::lines).collect();
    if let Some(h) = build_refused(a, pod, container, node, kernel, &lines) {
        return Some(h);
    }
    let lower = |l: &str| l.to_ascii_lowercase();
    let names_kernel = lines.iter().any(|l| l.contains(kernel));
    let about_kernel = lines.iter().any(|l| {
        let l = lower(l);
        l.contains("kernel") && FAILED.iter().any(|f| l.contains(f))
    });
    if !names_kernel || !about_kernel {
        return None;
    }
    // The last failing line about the kernel: the agent's own verdict.
    let verdict = lines
        .iter()
        .rev()
        .find(|l| {
            let l = lower(l);
            l.contains("kernel") && FAILED.iter().any(|f| l.contains(f))
        })
        .map(|l| day2_model::redact::excerpt(l.trim(), 160))
        .unwrap_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            74,
            Loop::Compute,
            workload.clone(),
            format!(
                "container {container} of {workload} finds no kernel driver built for node {node}'s kernel {kernel} (`{verdict}`): the agent loads a module or probe per kernel release, and the node's kernel is newer than its release ships builds for"
            ),
        )
        .fix(format!(
            "Upgrade {workload} to a release with a build for kernel {kernel} (its release notes list the kernels it supports), or switch it to its eBPF CO-RE probe, which needs no per-kernel build (StackRox `collector.collectionMethod: CORE_BPF`, Falco `driver.kind: modern_ebpf`); until then keep the agent's nodes on a kernel version it supports."
        )),
    )
}

/// A driver container that builds its kernel module on the node and the
/// build fails against the node's kernel: `ERROR: modpost: GPL-incompatible
/// module nvidia.ko uses GPL-only symbol 'rcu_read_unlock_strict'`, a newer
/// kernel than the driver release builds for (NVIDIA/gpu-operator#751: fixed
/// in driver 535.183.08).
fn build_refused(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    node: &str,
    kernel: &str,
    lines: &[&str],
) -> Option<Hypothesis> {
    let verdict = lines.iter().find(|l| {
        l.contains("modpost:") && (l.contains("GPL-only symbol") || l.contains("undefined!"))
            || l.contains(
                "An error occurred while performing the step: \"Building kernel modules\"",
            )
    })?;
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            workload.clone(),
            format!(
                "container {container} of {workload} cannot build its kernel module against node {node}'s kernel {kernel} (`{}`): the driver release is older than the kernel it builds for",
                day2_model::redact::excerpt(verdict.trim(), 160)
            ),
        )
        .fix(format!(
            "Run a driver version that builds for kernel {kernel}: upgrade the driver (for the GPU operator, `spec.driver.version` of its ClusterPolicy, or the chart's `driver.version`, to a release whose notes list the kernel), or keep the node on a kernel the current driver supports; then delete the driver pod on {node}."
        )),
    )
}
