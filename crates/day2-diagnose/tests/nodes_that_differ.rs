//! Replicas of one template that fail on some nodes and run on the others,
//! where those nodes run another kernel, OS build or container runtime: a
//! node whose kernel lacks what runc needs (opencontainers/runc#4111), a
//! Docker Engine whose images cri-dockerd can no longer inspect
//! (Mirantis/cri-dockerd#299), a Windows cumulative update that breaks the
//! pod network (microsoft/Windows-Containers#516); and the one node a pod
//! may use kept tainted by a route the cloud never created
//! (kubeedge/kubeedge#5694). Each is read from the
//! held-out snapshot it came with, and a sibling whose nodes are alike must
//! not be read so.

mod common;

use common::*;
use day2_model::Loop;
use day2_model::report::Diagnosis;

/// Whether the diagnosis blames `node` as the difference between replicas.
fn blames_node(d: &Diagnosis, node: &str) -> bool {
    d.root_cause.object.kind == "Node" && d.root_cause.object.name == node
}

#[test]
fn a_node_on_another_kernel() {
    let text = heldout(160, "191");
    let pod = ("monitoring", "node-exporter-s7jtc");
    let out = diagnose(&load(&text));
    let d = about(&out, "CreateContainerConfigError", pod.0, pod.1);
    assert_root(d, Loop::Compute, "Node", "k8s-node-3");
    assert!(d.unexplained, "{d:?}");
    assert!(d.fix.contains("kernel"), "{}", d.fix);
    assert!(d.fix.contains("kubectl drain k8s-node-3"), "{}", d.fix);
    // Every node on the same kernel: nothing tells the node apart.
    let alike = edit(
        &text,
        "\"kernelVersion\":\"4.19.90\"",
        "\"kernelVersion\":\"5.4.225-1.el7.elrepo.x86_64\"",
    );
    let out = diagnose(&load(&alike));
    let d = about(&out, "CreateContainerConfigError", pod.0, pod.1);
    assert!(!blames_node(d, "k8s-node-3"), "{}", summary(&out));
}

#[test]
fn a_node_on_another_container_runtime() {
    let text = heldout(159, "190");
    let pod = ("democratic-csi", "democratic-csi-iscsi-node-mnxjp");
    let out = diagnose(&load(&text));
    // The runtime cannot inspect images it holds: a pull symptom.
    let d = about(&out, "ImagePullBackOff", pod.0, pod.1);
    assert_root(d, Loop::Compute, "Node", "nuc-5");
    assert!(d.fix.contains("downgrade"), "{}", d.fix);
    assert!(
        d.root_cause.summary.contains("docker://25.0.0"),
        "{}",
        d.root_cause.summary
    );
    let alike = edit(
        &text,
        "\"containerRuntimeVersion\":\"docker://25.0.0\"",
        "\"containerRuntimeVersion\":\"docker://24.0.7\"",
    );
    let out = diagnose(&load(&alike));
    let d = about(&out, "ImagePullBackOff", pod.0, pod.1);
    assert!(!blames_node(d, "nuc-5"), "{}", summary(&out));
}

#[test]
fn a_windows_node_on_another_build() {
    let text = heldout(161, "191");
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "ProbeFailing",
        "finance",
        "ledger-api-84b6c9f7d5-c4kpl",
    );
    assert_root(d, Loop::Compute, "Node", "k8s-win-01");
    assert!(d.fix.contains("cumulative update"), "{}", d.fix);
    let alike = edit(
        &text,
        "\"kernelVersion\":\"10.0.20348.2582\"",
        "\"kernelVersion\":\"10.0.20348.2527\"",
    );
    let out = diagnose(&load(&alike));
    assert!(
        !out.diagnoses.iter().any(|d| blames_node(d, "k8s-win-01")),
        "{}",
        summary(&out)
    );
}

#[test]
fn the_only_node_a_pod_may_use_has_no_route() {
    let text = heldout(161, "003");
    let pod = ("default", "nginx-deployment-77b4fdf86c-k5rbx");
    let out = diagnose(&load(&text));
    let d = about(&out, "PodPending", pod.0, pod.1);
    assert_root(d, Loop::Network, "Node", "nuciiotedge");
    assert!(
        d.root_cause.summary.contains("NoRouteCreated"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("route"), "{}", d.fix);
    // The pod may use another node too, one without the taint: the
    // taint no longer covers what the pod could use.
    let both = edit(
        &text,
        "\"kubernetes.io/hostname\":\"aks-nodepool1-39443061-vmss000000\"",
        "\"kubernetes.io/hostname\":\"aks-nodepool1-39443061-vmss000000\",\"node-role.kubernetes.io/edge\":\"\"",
    );
    let out = diagnose(&load(&both));
    let d = about(&out, "PodPending", pod.0, pod.1);
    assert!(!blames_node(d, "nuciiotedge"), "{}", summary(&out));
}
