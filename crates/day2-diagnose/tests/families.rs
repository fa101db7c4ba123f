//! Storage, scheduling and CNI causes read from the cluster's own objects:
//! each case fires, and a sibling where the cluster holds no such cause
//! does not.

mod common;

use common::*;
use day2_model::Loop;

fn cluster(items: &[&str]) -> day2_model::Cluster {
    load(&format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        items.concat().trim_start_matches('\n')
    ))
}

fn node(name: &str, labels: &str, taints: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}{labels}}}}}, spec: {{taints: [{taints}]}}, status: {{allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
    )
}

/// A Pending pod in `app` with the scheduler's (and maybe the autoscaler's) word.
fn pending(extra_spec: &str, scheduler: &str, autoscaler: Option<&str>) -> String {
    let mut s = format!(
        r#"
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-0, namespace: app, uid: u-web}}
  spec:
    {extra_spec}
    containers: [{{name: web, image: "web:1", resources: {{requests: {{cpu: 100m}}}}}}]
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: {scheduler:?}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web}}, reason: FailedScheduling, message: {scheduler:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
"#
    );
    if let Some(m) = autoscaler {
        s.push_str(&format!(
            "- {{apiVersion: v1, kind: Event, metadata: {{name: e2, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web}}, reason: NotTriggerScaleUp, message: {m:?}, type: Normal, count: 9, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {{component: cluster-autoscaler}}}}\n"
        ));
    }
    s
}

// ------------------------------------------------------------- scheduling

const CP_TAINT: &str = "{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}";

#[test]
fn a_cluster_of_control_plane_nodes_only_blames_the_node_not_the_workload() {
    let msg = "0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    let out = diagnose(&cluster(&[
        &node("cp", "", CP_TAINT),
        &pending("", msg, None),
    ]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Compute, "Node", "cp");
    assert!(
        d.fix
            .contains("kubectl taint nodes --all node-role.kubernetes.io/control-plane-"),
        "{}",
        d.fix
    );
    // A worker exists (and the pod is kept off it by its selection): the
    // workload's placement is the question, not the control-plane taint.
    let msg = "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.";
    let out = diagnose(&cluster(&[
        &node("cp", ", pool: cp", CP_TAINT),
        &node("w1", ", pool: w", ""),
        &pending("nodeSelector: {pool: cp}", msg, None),
    ]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}

/// A running pod holding 4Gi on hm-1.
const BUSY: &str = r#"
- {apiVersion: v1, kind: Pod, metadata: {name: big, namespace: app, uid: u-big}, spec: {nodeName: hm-1, containers: [{name: big, image: "big:1", resources: {requests: {memory: 4Gi}}}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}
"#;

#[test]
fn an_autoscaler_at_its_maximum_names_the_group_the_pod_may_use() {
    let msg = "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector.";
    let ca = "pod didn't trigger scale-up: 2 node(s) didn't match Pod's node affinity/selector, 1 max node group size reached";
    let out = diagnose(&cluster(&[
        &node("hm-1", ", cloud.google.com/gke-nodepool: highmem", ""),
        &node("df-1", ", cloud.google.com/gke-nodepool: default", ""),
        &node("df-2", ", cloud.google.com/gke-nodepool: default", ""),
        BUSY,
        &pending(
            "nodeSelector: {cloud.google.com/gke-nodepool: highmem}",
            msg,
            Some(ca),
        )
        .replace("cpu: 100m", "cpu: 100m, memory: 6Gi"),
    ]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Compute, "NodeGroup", "highmem");
    // Without a node selection the group cannot be told: not named.
    let out = diagnose(&cluster(&[
        &node("hm-1", ", cloud.google.com/gke-nodepool: highmem", ""),
        &node("df-1", ", cloud.google.com/gke-nodepool: default", ""),
        BUSY,
        &pending(
            "",
            "0/2 nodes are available: 2 Insufficient memory.",
            Some("pod didn't trigger scale-up: 2 max node group size reached"),
        )
        .replace("cpu: 100m", "cpu: 100m, memory: 6Gi"),
    ]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_ne!(d.root_cause.object.name, "highmem", "{}", summary(&out));
}

// ---------------------------------------------------------------- storage

#[test]
fn the_only_admissible_node_at_its_volume_limit_is_named_with_its_csinode() {
    let csinode = "- {apiVersion: storage.k8s.io/v1, kind: CSINode, metadata: {name: s1}, spec: {drivers: [{name: disk.csi.azure.com, nodeID: s1, allocatable: {count: 4}}]}}\n";
    let msg = "0/3 nodes are available: 1 node(s) exceed max volume count, 2 node(s) didn't match Pod's node affinity/selector.";
    let out = diagnose(&cluster(&[
        &node("s1", ", pool: search", ""),
        &node("g1", ", pool: general", ""),
        &node("g2", ", pool: general", ""),
        csinode,
        &pending("nodeSelector: {pool: search}", msg, None),
    ]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Storage, "Node", "s1");
    assert!(
        d.root_cause.summary.contains("allows 4 volumes"),
        "{}",
        d.root_cause.summary
    );
    // Other nodes could take the pod but lack cpu: the volume limit is not the whole story.
    let msg = "0/3 nodes are available: 1 node(s) exceed max volume count, 2 Insufficient cpu.";
    let out = diagnose(&cluster(&[
        &node("s1", "", ""),
        &node("g1", "", ""),
        &node("g2", "", ""),
        csinode,
        &pending("", msg, None),
    ]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert!(
        !d.root_cause.summary.contains("max volume count"),
        "{}",
        summary(&out)
    );
}

/// A claim whose consumer has a node, waiting for `driver`.
fn waiting_claim(driver: &str) -> String {
    format!(
        r#"
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: gp2}}, provisioner: kubernetes.io/aws-ebs, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app, annotations: {{volume.kubernetes.io/selected-node: n1, volume.kubernetes.io/storage-provisioner: {driver}}}}}, spec: {{storageClassName: gp2, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 8Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e3, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, name: data, namespace: app}}, reason: ExternalProvisioning, message: "waiting for a volume to be created, either by external provisioner \"{driver}\" or manually created by system administrator", type: Normal, count: 90, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: persistentvolume-controller}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web, namespace: app}}, spec: {{selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "web:1"}}]}}}}}}}}
"#
    )
}

#[test]
fn a_claim_waiting_for_a_driver_nothing_runs_names_the_csi_driver() {
    let csinode = "- {apiVersion: storage.k8s.io/v1, kind: CSINode, metadata: {name: n1}, spec: {drivers: []}}\n";
    let out = diagnose(&cluster(&[
        &node("n1", "", ""),
        csinode,
        &waiting_claim("ebs.csi.aws.com"),
    ]));
    let d = about(&out, "PvcPending", "app", "data");
    assert_root(d, Loop::Storage, "CSIDriver", "ebs.csi.aws.com");
    assert!(d.fix.contains("aws-ebs-csi-driver"), "{}", d.fix);
    // The node registers the driver: it is installed, something else is slow.
    let registered = "- {apiVersion: storage.k8s.io/v1, kind: CSINode, metadata: {name: n1}, spec: {drivers: [{name: ebs.csi.aws.com, nodeID: i-1}]}}\n";
    let out = diagnose(&cluster(&[
        &node("n1", "", ""),
        registered,
        &waiting_claim("ebs.csi.aws.com"),
    ]));
    let d = about(&out, "PvcPending", "app", "data");
    assert_ne!(d.root_cause.object.kind, "CSIDriver", "{}", summary(&out));
}

// -------------------------------------------------------------------- CNI

fn sandbox_pod(message: &str) -> String {
    format!(
        r#"
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: calico-node, namespace: kube-system, uid: u-ds}}, spec: {{selector: {{matchLabels: {{k8s-app: calico-node}}}}, template: {{metadata: {{labels: {{k8s-app: calico-node}}}}, spec: {{containers: [{{name: calico-node, image: "calico/node:v3.22"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: calico-node-a1, namespace: kube-system, uid: u-cn, labels: {{k8s-app: calico-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: calico-node, uid: u-ds, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: calico-node, image: "calico/node:v3.22"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: calico-node, image: "calico/node:v3.22", ready: true, restartCount: 0, state: {{running: {{}}}}}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: web-1, namespace: app, uid: u-w1}}, spec: {{nodeName: n1, containers: [{{name: web, image: "web:1"}}]}}, status: {{phase: Pending, containerStatuses: [{{name: web, image: "web:1", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e4, namespace: app}}, involvedObject: {{kind: Pod, name: web-1, namespace: app, uid: u-w1}}, reason: FailedCreatePodSandBox, message: {message:?}, type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet, host: n1}}}}
"#
    )
}

#[test]
fn a_cni_plugin_refused_by_the_api_server_names_its_agent_on_the_node() {
    let msg = r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "3dcf" network for pod "web-1": networkPlugin cni failed to set up pod "web-1_app" network: error getting ClusterInformation: connection is unauthorized: Unauthorized"#;
    let out = diagnose(&cluster(&[&node("n1", "", ""), &sandbox_pod(msg)]));
    let d = about(&out, "SandboxCreateFailed", "app", "web-1");
    assert_root(d, Loop::Network, "Pod", "calico-node-a1");
    assert!(d.fix.contains("token"), "{}", d.fix);
    // Another sandbox failure on the same node: not a credentials problem.
    let msg = r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim: OCI runtime create failed"#;
    let out = diagnose(&cluster(&[&node("n1", "", ""), &sandbox_pod(msg)]));
    let d = about(&out, "SandboxCreateFailed", "app", "web-1");
    assert!(!d.fix.contains("token"), "{}", summary(&out));
}

// ------------------------------------------------ causes outside the cluster

fn pulling(message: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Pod, metadata: {{name: web-2, namespace: app, uid: u-w2}}, spec: {{nodeName: n1, containers: [{{name: web, image: "quay.io/acme/web:1"}}]}}, status: {{phase: Pending, containerStatuses: [{{name: web, image: "quay.io/acme/web:1", ready: false, restartCount: 0, state: {{waiting: {{reason: ErrImagePull, message: {message:?}}}}}}}]}}}}
"#
    )
}

#[test]
fn a_registry_that_does_not_answer_the_node_is_unexplained_with_the_path_to_check() {
    let msg = r#"rpc error: code = Unknown desc = failed to pull and unpack image "quay.io/acme/web:1": failed to resolve reference "quay.io/acme/web:1": failed to do request: Head "https://quay.io/v2/acme/web/manifests/1": dial tcp 34.224.196.162:443: i/o timeout"#;
    let out = diagnose(&cluster(&[&node("n1", "", ""), &pulling(msg)]));
    let d = about(&out, "ErrImagePull", "app", "web-2");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.missing_evidence.iter().any(|m| m.contains("egress path")),
        "{:?}",
        d.missing_evidence
    );
    // The node's resolver cannot resolve the registry: the node's resolver
    // is outside the cluster's objects too; the check names it.
    let msg = r#"rpc error: code = Unknown desc = failed to resolve reference "quay.io/acme/web:1": dial tcp: lookup quay.io on 10.0.0.2:53: no such host"#;
    let out = diagnose(&cluster(&[&node("n1", "", ""), &pulling(msg)]));
    let d = about(&out, "ErrImagePull", "app", "web-2");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.missing_evidence.iter().any(|m| m.contains("resolver")));
    // A registry certificate the nodes do not trust: the nodes' trust store
    // is not a cluster object; the fix says where the CA goes.
    let msg = r#"rpc error: code = Unknown desc = failed to pull and unpack image "quay.io/acme/web:1": failed to resolve reference "quay.io/acme/web:1": failed to do request: Head "https://quay.io/v2/acme/web/manifests/1": x509: certificate signed by unknown authority"#;
    let out = diagnose(&cluster(&[&node("n1", "", ""), &pulling(msg)]));
    let d = about(&out, "ErrImagePull", "app", "web-2");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("certs.d/quay.io"), "{}", d.fix);
}
