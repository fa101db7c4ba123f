//! cluster-autoscaler 1.32 and later wait for their VolumeAttachment
//! informer before the first scale-up; a ClusterRole without `list` on
//! `volumeattachments` leaves them Ready but idle (kubernetes/autoscaler#7663,
//! #8678). The sibling grants it, and an older autoscaler never asks.

mod common;

use common::*;
use day2_model::Loop;

fn cluster(image: &str, rule: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, spec: {{providerID: "aws:///eu-central-1a/i-0abc"}}, status: {{allocatable: {{cpu: "2", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}], nodeInfo: {{kubeletVersion: v1.34.1, kubeProxyVersion: v1.34.1, osImage: Linux, kernelVersion: "6.1", containerRuntimeVersion: "containerd://1.7.2", architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: ca-1, namespace: kube-system}}, spec: {{nodeName: n1, serviceAccountName: cluster-autoscaler, containers: [{{name: ca, image: "{image}", resources: {{requests: {{cpu: 100m}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: ca, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2025-10-21T15:10:20Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: batch-1, namespace: apps}}, spec: {{nodeName: n1, containers: [{{name: batch, image: "batch:1", resources: {{requests: {{cpu: "1"}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: batch, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2025-10-21T15:10:20Z"}}}}}}]}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: ca-role}}, rules: [{{apiGroups: [""], resources: [nodes, pods], verbs: [watch, list, get]}}, {{apiGroups: [storage.k8s.io], resources: [storageclasses, csinodes{rule}], verbs: [watch, list, get]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: ca-role}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ca-role}}, subjects: [{{kind: ServiceAccount, name: cluster-autoscaler, namespace: kube-system}}]}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: report-1, namespace: apps, uid: u-r}}, spec: {{containers: [{{name: report, image: "report:1", resources: {{requests: {{cpu: 1500m}}}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: report-1.1, namespace: apps}}, involvedObject: {{kind: Pod, name: report-1, namespace: apps, uid: u-r}}, reason: FailedScheduling, type: Warning, count: 30, firstTimestamp: "2025-10-21T15:11:00Z", lastTimestamp: "2025-10-21T16:00:00Z", source: {{component: default-scheduler}}, message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."}}
"#
    )
}

#[test]
fn an_autoscaler_whose_role_cannot_list_volumeattachments_never_scales() {
    let image = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.0";
    let out = diagnose(&load(&cluster(image, "")));
    let d = about(&out, "PodPending", "apps", "report-1");
    assert_root(d, Loop::Identity, "ClusterRole", "ca-role");
    assert!(d.fix.contains("volumeattachments"), "{}", d.fix);
    // Granted: the pending pod is a matter of capacity again.
    let out = diagnose(&load(&cluster(image, ", volumeattachments")));
    let d = about(&out, "PodPending", "apps", "report-1");
    assert!(
        d.root_cause.object.kind != "ClusterRole",
        "{}",
        d.root_cause.summary
    );
    // An autoscaler from before the informer.
    let out = diagnose(&load(&cluster(
        "registry.k8s.io/autoscaling/cluster-autoscaler:v1.29.3",
        "",
    )));
    let d = about(&out, "PodPending", "apps", "report-1");
    assert!(
        d.root_cause.object.kind != "ClusterRole",
        "{}",
        d.root_cause.summary
    );
}
