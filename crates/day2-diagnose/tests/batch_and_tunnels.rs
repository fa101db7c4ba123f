//! Failures read past what the pod shows: a batch driver pod no Job owns
//! that failed on an RBAC refusal (kubeflow/spark-operator#508), a node the
//! scheduler chose for a local-drive claim that has no drive
//! (minio/directpv#637), a CSI driver's capacity resource without its
//! scheduler extender (topolvm/topolvm#334), a binding to a ClusterRole the
//! authoriser says is missing (jcmoraisjr/haproxy-ingress#505), and a
//! fail-closed webhook that refuses the tunnel its own calls travel
//! through (bank-vaults/bank-vaults#583), a run that completed under the
//! OOM killer (kubecost/cost-analyzer-helm-chart#13), and a pod network
//! agent refused by a webhook its network keeps down
//! (projectcapsule/capsule#787), and Azure workload identity's label on a
//! CronJob instead of its pod template (Azure/azure-workload-identity#754),
//! and a pod labelled for it that its webhook never mutated (#525, #611),
//! and a CNI DaemonSet refused by a webhook that waits for it
//! (kyverno/kyverno#4686).
//! Each with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODES: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.4, osImage: Ubuntu 22.04.4 LTS, kernelVersion: 5.15.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.29.4, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
"#;

/// A SparkApplication's driver pod that failed with the API's refusal,
/// and `later` (another pod of the application, or nothing).
fn spark(later: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: spark, namespace: default, uid: sa1}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {{name: spark-role, namespace: default, uid: r1}}, rules: [{{apiGroups: [""], resources: [pods], verbs: ["*"]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {{name: other, namespace: default, uid: rb1}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: spark-role}}, subjects: [{{kind: ServiceAccount, name: builder, namespace: default}}]}}
- {{apiVersion: sparkoperator.k8s.io/v1beta2, kind: SparkApplication, metadata: {{name: spark-pi, namespace: default, uid: app1}}, spec: {{driver: {{serviceAccount: spark}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: spark-pi-driver, namespace: default, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z", ownerReferences: [{{apiVersion: sparkoperator.k8s.io/v1beta2, kind: SparkApplication, name: spark-pi, uid: app1, controller: true}}]}}
  spec: {{nodeName: w1, restartPolicy: Never, serviceAccountName: spark, containers: [{{name: spark-kubernetes-driver, image: "gcr.io/spark-operator/spark:v2.4.0"}}]}}
  status: {{phase: Failed, containerStatuses: [{{name: spark-kubernetes-driver, ready: false, restartCount: 0, image: "", imageID: "", state: {{terminated: {{exitCode: 1, reason: Error, finishedAt: "2025-03-01T10:01:00Z", message: 'Exception in thread "main" io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: POST at: https://kubernetes.default.svc/api/v1/namespaces/default/pods. Message: Forbidden! pods "spark-pi-exec-1" is forbidden: User "system:serviceaccount:default:spark" cannot create resource "pods" in API group "" in the namespace "default".'}}}}}}]}}
{later}"#
    )
}

#[test]
fn a_batch_driver_pod_no_job_owns_that_failed() {
    let out = diagnose(&load(&spark("")));
    let d = about(&out, "JobFailed", "default", "spark-pi-driver");
    assert_root(d, Loop::Identity, "ServiceAccount", "spark");
    assert!(d.fix.contains("rolebinding"), "{}", d.fix);
    // The application ran again and its new driver succeeded: history.
    let out = diagnose(&load(&spark(
        "- {apiVersion: v1, kind: Pod, metadata: {name: spark-pi-driver-2, namespace: default, uid: p2, creationTimestamp: \"2025-03-01T11:00:00Z\", ownerReferences: [{apiVersion: sparkoperator.k8s.io/v1beta2, kind: SparkApplication, name: spark-pi, uid: app1, controller: true}]}, spec: {nodeName: w1, restartPolicy: Never, containers: [{name: spark-kubernetes-driver, image: \"gcr.io/spark-operator/spark:v2.4.0\"}]}, status: {phase: Succeeded}}",
    )));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

/// A WaitForFirstConsumer claim the scheduler pinned to w1, refused with `said`.
fn local_drive(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: directpv-min-io, uid: sc1}}, provisioner: directpv-min-io, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-etcd-2, namespace: default, uid: pvc1, annotations: {{volume.kubernetes.io/selected-node: w1, volume.kubernetes.io/storage-provisioner: directpv-min-io}}}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: directpv-min-io, resources: {{requests: {{storage: 8Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: default, name: data-etcd-2, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 9, firstTimestamp: "2025-03-01T10:00:00Z", lastTimestamp: "2025-03-01T10:20:00Z", source: {{component: directpv-min-io_controller-0_x}}, message: 'failed to provision volume with StorageClass "directpv-min-io": {said}'}}
"#
    )
}

#[test]
fn a_chosen_node_without_the_drivers_drives() {
    let out = diagnose(&load(&local_drive(
        "rpc error: code = ResourceExhausted desc = no drive found for requested topology",
    )));
    let d = about(&out, "PvcPending", "default", "data-etcd-2");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "data-etcd-2");
    assert!(
        d.fix.contains("nodeSelector") && d.fix.contains("selected-node-"),
        "{}",
        d.fix
    );
    // A cloud quota is not a node without drives.
    let out = diagnose(&load(&local_drive(
        "rpc error: code = ResourceExhausted desc = QuotaExceeded: the number of disks in region exceeds the quota",
    )));
    let d = about(&out, "PvcPending", "default", "data-etcd-2");
    assert!(!d.fix.contains("nodeSelector"), "{}", d.fix);
}

/// A Pending pod asking for `resource`, which no node advertises, beside
/// the TopoLVM CSIDriver.
fn capacity(resource: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: CSIDriver, metadata: {{name: topolvm.cybozu.com, uid: c1}}, spec: {{attachRequired: false}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: my-pod, namespace: default, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{containers: [{{name: app, image: "nginx:1.25", resources: {{requests: {{"{resource}": "1"}}, limits: {{"{resource}": "1"}}}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 Insufficient {resource}."}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: my-pod, uid: p1}}, reason: FailedScheduling, type: Warning, count: 5, firstTimestamp: "2025-03-01T10:00:00Z", lastTimestamp: "2025-03-01T10:10:00Z", source: {{component: default-scheduler}}, message: "0/1 nodes are available: 1 Insufficient {resource}."}}
"#
    )
}

#[test]
fn a_csi_drivers_capacity_resource_without_its_extender() {
    let out = diagnose(&load(&capacity("topolvm.cybozu.com/capacity")));
    let d = about(&out, "PodPending", "default", "my-pod");
    assert_root(d, Loop::Storage, "CSIDriver", "topolvm.cybozu.com");
    assert!(d.fix.contains("extender"), "{}", d.fix);
    // A device no driver of storage names is a device plugin's.
    let out = diagnose(&load(&capacity("nvidia.com/gpu")));
    let d = about(&out, "PodPending", "default", "my-pod");
    assert_ne!(d.root_cause.loop_, Loop::Storage, "{}", summary(&out));
}

/// An ingress controller refused `get services`, the refusal ending with
/// the authoriser's `suffix`, bound by a ClusterRoleBinding and a RoleBinding.
fn haproxy(suffix: &str) -> String {
    let said = format!(
        "F0120 11:55:17.401773 6 launch.go:177] no service with name ingress-controller/ingress-default-backend found: services \"ingress-default-backend\" is forbidden: User \"system:serviceaccount:ingress-controller:ingress-controller\" cannot get resource \"services\" in API group \"\" in the namespace \"ingress-controller\"{suffix}"
    );
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: ingress-controller, namespace: ingress-controller, uid: sa1}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: ingress-controller, uid: crb1}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ingress-controller}}, subjects: [{{kind: ServiceAccount, name: ingress-controller, namespace: ingress-controller}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {{name: ingress-controller, namespace: ingress-controller, uid: r1}}, rules: [{{apiGroups: [""], resources: [configmaps, pods, secrets], verbs: [get]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {{name: ingress-controller, namespace: ingress-controller, uid: rb1}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: ingress-controller}}, subjects: [{{kind: ServiceAccount, name: ingress-controller, namespace: ingress-controller}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: haproxy-ingress-b4d9, namespace: ingress-controller, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, serviceAccountName: ingress-controller, containers: [{{name: haproxy-ingress, image: "quay.io/jcmoraisjr/haproxy-ingress:v0.8"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: haproxy-ingress, ready: false, restartCount: 7, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 255, reason: Error, message: {said:?}}}}}}}]}}
"#
    )
}

#[test]
fn a_binding_to_a_cluster_role_the_authoriser_says_is_missing() {
    let out = diagnose(&load(&haproxy(
        ": RBAC: clusterrole.rbac.authorization.k8s.io \"ingress-controller\" not found",
    )));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "ingress-controller",
        "haproxy-ingress-b4d9",
    );
    assert_root(d, Loop::Identity, "ClusterRole", "ingress-controller");
    // Without the authoriser's word, a capture without ClusterRoles does
    // not show the role missing: the Role that lacks the rule is named.
    let out = diagnose(&load(&haproxy("")));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "ingress-controller",
        "haproxy-ingress-b4d9",
    );
    assert_root(d, Loop::Identity, "Role", "ingress-controller");
}

/// ReplicaSet `name` in `ns` whose pods a fail-closed webhook times out on;
/// its Service `sys/hook` has a Ready pod.
fn tunnel(ns: &str, name: &str) -> String {
    let refusal = "Error creating: Internal error occurred: failed calling webhook \"pods.vault-secrets-webhook.admission.banzaicloud.com\": Post \"https://hook.sys.svc:443/pods?timeout=30s\": context deadline exceeded";
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: vault-secrets-webhook, uid: w1}}, webhooks: [{{name: pods.vault-secrets-webhook.admission.banzaicloud.com, clientConfig: {{service: {{namespace: sys, name: hook, path: /pods}}}}, failurePolicy: Fail, rules: [{{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: hook, namespace: sys, uid: s1}}, spec: {{selector: {{app: hook}}, ports: [{{port: 443, targetPort: 8443}}], clusterIP: 10.43.9.9}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: hook-0, namespace: sys, uid: u-h, labels: {{app: hook}}}}, spec: {{nodeName: w1, containers: [{{name: hook, image: "hook:1", ports: [{{containerPort: 8443}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: hook, ready: true, restartCount: 0, image: "hook:1", imageID: "", state: {{running: {{startedAt: "2025-03-01T00:00:00Z"}}}}}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: {name}, namespace: {ns}, uid: u-rs}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: t}}}}, template: {{metadata: {{labels: {{app: t}}}}, spec: {{containers: [{{name: t, image: "t:1"}}]}}}}}}, status: {{replicas: 0, conditions: [{{type: ReplicaFailure, status: "True", reason: FailedCreate, message: {refusal:?}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: {ns}}}, involvedObject: {{kind: ReplicaSet, name: {name}, namespace: {ns}, uid: u-rs}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 40, firstTimestamp: "2025-03-02T10:00:00Z", lastTimestamp: "2025-03-02T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn a_fail_closed_webhook_refusing_the_tunnel_its_calls_travel_through() {
    let out = diagnose(&load(&tunnel("kube-system", "tunnelfront-86c59997f")));
    let d = about(
        &out,
        "PodCreateFailed",
        "kube-system",
        "tunnelfront-86c59997f",
    );
    assert_root(
        d,
        Loop::Identity,
        "MutatingWebhookConfiguration",
        "vault-secrets-webhook",
    );
    assert!(d.fix.contains("NotIn, values: [kube-system]"), "{}", d.fix);
    // An application's pods refused the same way: the path to the webhook.
    let out = diagnose(&load(&tunnel("shop", "web-5d9c")));
    let d = about(&out, "PodCreateFailed", "shop", "web-5d9c");
    assert_root(d, Loop::Network, "Service", "hook");
}

/// A CronJob's run whose container ended `reason` with exit code 0.
fn checks_run(reason: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: batch/v1, kind: CronJob, metadata: {{name: checks, namespace: cost, uid: cj1}}, spec: {{schedule: "*/10 * * * *", jobTemplate: {{spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: checks, image: "checks:1.18.2", resources: {{limits: {{memory: 55M}}, requests: {{memory: 55M}}}}}}]}}}}}}}}}}}}
- {{apiVersion: batch/v1, kind: Job, metadata: {{name: checks-1556661600, namespace: cost, uid: j1, ownerReferences: [{{apiVersion: batch/v1, kind: CronJob, name: checks, uid: cj1, controller: true}}]}}, spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: checks, image: "checks:1.18.2"}}]}}}}}}, status: {{succeeded: 1}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: checks-1556661600-q4v9m, namespace: cost, uid: p1, ownerReferences: [{{apiVersion: batch/v1, kind: Job, name: checks-1556661600, uid: j1, controller: true}}]}}, spec: {{nodeName: w1, restartPolicy: Never, containers: [{{name: checks, image: "checks:1.18.2", resources: {{limits: {{memory: 55M}}, requests: {{memory: 55M}}}}}}]}}, status: {{phase: Succeeded, containerStatuses: [{{name: checks, ready: false, restartCount: 0, image: "", imageID: "", state: {{terminated: {{exitCode: 0, reason: {reason}, startedAt: "2019-04-30T22:00:21Z", finishedAt: "2019-04-30T22:01:48Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: cost}}, involvedObject: {{kind: CronJob, namespace: cost, name: checks, uid: cj1}}, reason: SawCompletedJob, type: Normal, count: 1, firstTimestamp: "2019-04-30T22:01:57Z", lastTimestamp: "2019-04-30T22:01:57Z", source: {{component: cronjob-controller}}, message: "Saw completed job: checks-1556661600"}}
"#
    )
}

#[test]
fn a_run_that_completed_under_the_oom_killer() {
    // kubecost/cost-analyzer-helm-chart#13: the checks container OOMKilled
    // at its 55M limit, exit code 0, every run.
    let out = diagnose(&load(&checks_run("OOMKilled")));
    let d = about(&out, "OOMKilled", "cost", "checks-1556661600-q4v9m");
    assert_root(d, Loop::Compute, "CronJob", "checks");
    assert!(d.fix.contains("memory"), "{}", d.fix);
    // A run that completed cleanly is no symptom.
    let out = diagnose(&load(&checks_run("Completed")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

/// DaemonSet `agent` crash-looping on w1 because Capsule's fail-closed
/// node webhook has no endpoint, and Capsule's own pod waiting on w1.
fn webhook_deadlock(agent: &str) -> String {
    let said = r#"E0712 08:19:10.473902    2300 init.go:202] \"failed to initialize ovn chassis annotation\" err=\"Internal error occurred: failed calling webhook \\\"nodes.capsule.clastix.io\\\": failed to call webhook: Post \\\"https://capsule-webhook-service.caas.svc:443/nodes?timeout=30s\\\": no endpoints available for service \\\"capsule-webhook-service\\\"\""#;
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: {agent}, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: {agent}}}}}, template: {{metadata: {{labels: {{app: {agent}}}}}, spec: {{hostNetwork: true, containers: [{{name: cni-server, image: "kubeovn/kube-ovn:v1.11.8"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: {agent}-7cczn, namespace: kube-system, uid: p1, labels: {{app: {agent}}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: {agent}, uid: ds1, controller: true}}]}}, spec: {{nodeName: w1, hostNetwork: true, containers: [{{name: cni-server, image: "kubeovn/kube-ovn:v1.11.8"}}]}}, status: {{phase: Running, containerStatuses: [{{name: cni-server, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, startedAt: "2023-07-12T08:19:09Z", finishedAt: "2023-07-12T08:19:10Z", message: "{said}"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: kube-system}}, involvedObject: {{kind: Pod, namespace: kube-system, name: {agent}-7cczn, uid: p1}}, reason: BackOff, type: Warning, count: 119, firstTimestamp: "2023-07-12T07:55:00Z", lastTimestamp: "2023-07-12T08:21:31Z", source: {{component: kubelet, host: w1}}, message: "Back-off restarting failed container cni-server in pod {agent}-7cczn_kube-system(p1)"}}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {{name: capsule-validating-webhook-configuration, uid: vw1}}, webhooks: [{{name: nodes.capsule.clastix.io, admissionReviewVersions: [v1], sideEffects: None, failurePolicy: Fail, clientConfig: {{service: {{name: capsule-webhook-service, namespace: caas, path: /nodes, port: 443}}}}, rules: [{{apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [nodes]}}]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: capsule-webhook-service, namespace: caas, uid: s1}}, spec: {{selector: {{app: capsule}}, ports: [{{port: 443, targetPort: 9443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: capsule-controller-manager-594jc, namespace: caas, uid: p2, labels: {{app: capsule}}}}, spec: {{nodeName: w1, containers: [{{name: manager, image: "clastix/capsule:v0.3.1"}}]}}, status: {{phase: Pending, containerStatuses: [{{name: manager, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
"#
    )
}

#[test]
fn a_pod_network_agent_refused_by_a_webhook_its_network_keeps_down() {
    // projectcapsule/capsule#787: Kube-OVN's agent after an outage.
    let out = diagnose(&load(&webhook_deadlock("kube-ovn-cni")));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "kube-ovn-cni-7cczn",
    );
    assert_root(
        d,
        Loop::Identity,
        "ValidatingWebhookConfiguration",
        "capsule-validating-webhook-configuration",
    );
    assert!(d.fix.contains("failurePolicy: Ignore"), "{}", d.fix);
    // Another agent refused the same way: the webhook's missing endpoint,
    // no deadlock.
    let out = diagnose(&load(&webhook_deadlock("node-labeler")));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "node-labeler-7cczn",
    );
    assert!(
        !d.root_cause.summary.contains("deadlock"),
        "{}",
        summary(&out)
    );
    assert!(
        d.root_cause.summary.contains("nodes.capsule.clastix.io"),
        "{}",
        summary(&out)
    );
}

/// A CronJob whose Job's three pods fail, running as an Azure workload
/// identity account; `cron_labels` and `pod_labels` (flow YAML maps) say
/// where `azure.workload.identity/use` is.
fn routesync(cron_labels: &str, pod_labels: &str) -> String {
    let pod = |i: u32| {
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: routesync-1-p{i}, namespace: rs, uid: p{i}, labels: {pod_labels}, ownerReferences: [{{apiVersion: batch/v1, kind: Job, name: routesync-1, uid: j1, controller: true}}]}}, spec: {{nodeName: w1, restartPolicy: Never, serviceAccountName: routesync-sa, containers: [{{name: routesync, image: \"mcr.microsoft.com/azure-cli:2.45.0\"}}]}}, status: {{phase: Failed, containerStatuses: [{{name: routesync, ready: false, restartCount: 0, image: \"\", imageID: \"\", state: {{terminated: {{exitCode: 1, reason: Error, finishedAt: \"2023-02-15T18:2{i}:09Z\"}}}}}}]}}}}\n"
        )
    };
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: routesync-sa, namespace: rs, uid: sa1, annotations: {{azure.workload.identity/client-id: 1c9b5a3e-7f42-4d1a-9c3e-5b2f8e6a4d10}}}}}}
- {{apiVersion: batch/v1, kind: CronJob, metadata: {{name: routesync, namespace: rs, uid: c1, labels: {cron_labels}}}, spec: {{schedule: "*/20 * * * *", jobTemplate: {{spec: {{backoffLimit: 2, template: {{metadata: {{labels: {pod_labels}}}, spec: {{restartPolicy: Never, serviceAccountName: routesync-sa, containers: [{{name: routesync, image: "mcr.microsoft.com/azure-cli:2.45.0"}}]}}}}}}}}}}}}
- {{apiVersion: batch/v1, kind: Job, metadata: {{name: routesync-1, namespace: rs, uid: j1, ownerReferences: [{{apiVersion: batch/v1, kind: CronJob, name: routesync, uid: c1, controller: true}}]}}, spec: {{backoffLimit: 2, template: {{metadata: {{labels: {pod_labels}}}, spec: {{restartPolicy: Never, serviceAccountName: routesync-sa, containers: [{{name: routesync, image: "mcr.microsoft.com/azure-cli:2.45.0"}}]}}}}}}, status: {{failed: 3, conditions: [{{type: Failed, status: "True", reason: BackoffLimitExceeded, message: "Job has reached the specified backoff limit"}}]}}}}
{}{}{}"#,
        pod(1),
        pod(2),
        pod(3)
    )
}

#[test]
fn a_cronjob_labelled_for_workload_identity_instead_of_its_pods() {
    // Azure/azure-workload-identity#754: the label on the CronJob's metadata.
    let out = diagnose(&load(&routesync(
        "{azure.workload.identity/use: \"true\"}",
        "{app: routesync}",
    )));
    let d = about(&out, "JobFailed", "rs", "routesync-1");
    assert_root(d, Loop::Identity, "CronJob", "routesync");
    assert!(
        d.fix.contains("jobTemplate.spec.template.metadata.labels"),
        "{}",
        d.fix
    );
    // The pods carry it: their failure is not the label's.
    let out = diagnose(&load(&routesync(
        "{azure.workload.identity/use: \"true\"}",
        "{app: routesync, azure.workload.identity/use: \"true\"}",
    )));
    let d = about(&out, "JobFailed", "rs", "routesync-1");
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    assert!(
        !d.fix.contains("jobTemplate.spec.template.metadata.labels"),
        "{}",
        d.fix
    );
}

/// A pod labelled for Azure workload identity in namespace `ns` (labels
/// `ns_labels`), with `env` on its container, and the webhook's backend in
/// its own namespace with `policy` there.
fn unmutated(ns: &str, ns_labels: &str, env: &str, policy: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: {ns}, labels: {ns_labels}}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: azure-workload-identity-system, labels: {{kubernetes.io/metadata.name: azure-workload-identity-system}}}}}}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: azure-wi-webhook-mutating-webhook-configuration}}, webhooks: [{{name: mutation.azure-workload-identity.io, failurePolicy: Ignore, clientConfig: {{service: {{name: azure-wi-webhook-webhook-service, namespace: azure-workload-identity-system, path: /mutate-v1-pod, port: 443}}}}, namespaceSelector: {{matchExpressions: [{{key: control-plane, operator: DoesNotExist}}, {{key: kubernetes.azure.com/managedby, operator: NotIn, values: [aks]}}]}}, objectSelector: {{matchLabels: {{azure.workload.identity/use: "true"}}}}, rules: [{{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: azure-wi-webhook-webhook-service, namespace: azure-workload-identity-system}}, spec: {{selector: {{azure-workload-identity.io/system: "true"}}, ports: [{{port: 443, targetPort: 9443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: azure-wi-webhook-controller-manager-1, namespace: azure-workload-identity-system, labels: {{azure-workload-identity.io/system: "true"}}}}, spec: {{nodeName: w1, containers: [{{name: manager, image: "mcr.microsoft.com/oss/azure/workload-identity/webhook:v1.1.0", ports: [{{containerPort: 9443}}]}}]}}, status: {{phase: Running, podIP: 10.244.0.20, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: manager, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
{policy}- {{apiVersion: v1, kind: Pod, metadata: {{name: sync-1, namespace: {ns}, labels: {{app: sync, azure.workload.identity/use: "true"}}}}, spec: {{nodeName: w1, serviceAccountName: sync-sa, containers: [{{name: sync, image: "sync:1", env: [{env}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: sync, ready: false, restartCount: 5, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 255, reason: Error, message: "F0812 09:42:02.437719       1 main.go:34] AZURE_CLIENT_ID environment variable is not set"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_pod_the_workload_identity_webhook_never_mutated() {
    // Azure/azure-workload-identity#525: AKS keeps every webhook out of
    // kube-system, so the pod there is created as it was.
    let system = "{kubernetes.io/metadata.name: kube-system, control-plane: \"true\"}";
    let name = "{name: KEYVAULT_NAME, value: kv}";
    let out = diagnose(&load(&unmutated("kube-system", system, name, "")));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "sync-1");
    assert_root(
        d,
        Loop::Identity,
        "MutatingWebhookConfiguration",
        "azure-wi-webhook-mutating-webhook-configuration",
    );
    assert!(d.fix.contains("admissions.enforcer/disabled"), "{}", d.fix);
    // #611: in a namespace it selects, a default-deny policy in front of the
    // webhook's pods keeps the API server's call out, and Ignore lets the
    // pod through.
    let apps = "{kubernetes.io/metadata.name: apps}";
    let deny = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-all, namespace: azure-workload-identity-system}, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}\n";
    let out = diagnose(&load(&unmutated("apps", apps, name, deny)));
    let d = about(&out, "CrashLoopBackOff", "apps", "sync-1");
    assert_root(d, Loop::Network, "NetworkPolicy", "default-deny-all");
    // Mutated (the token file is set), the crash is not the webhook's.
    let token = "{name: AZURE_FEDERATED_TOKEN_FILE, value: /var/run/secrets/azure/tokens/azure-identity-token}";
    let out = diagnose(&load(&unmutated("kube-system", system, token, deny)));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "sync-1");
    assert_ne!(
        d.root_cause.object.kind,
        "MutatingWebhookConfiguration",
        "{}",
        summary(&out)
    );
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}

/// kyverno/kyverno#4686: a new node's CNI DaemonSet pods are refused by
/// Kyverno's fail-closed webhook, whose own pod waits for a Ready node.
fn cni_refused(backend_ready: bool) -> String {
    let state = if backend_ready {
        r#"{phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: kyverno, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2022-09-25T14:00:00Z"}}}]}"#
    } else {
        r#"{phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."}]}"#
    };
    let node = if backend_ready { "nodeName: n1, " } else { "" };
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, spec: {{taints: [{{key: node.kubernetes.io/not-ready, effect: NoSchedule}}]}}, status: {{conditions: [{{type: Ready, status: "False", reason: KubeletNotReady, message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"}}]}}}}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: kyverno-resource-mutating-webhook-cfg}}, webhooks: [{{name: mutate.kyverno.svc-fail, failurePolicy: Fail, clientConfig: {{service: {{name: kyverno-svc, namespace: kyverno, path: /mutate}}}}, rules: [{{apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: ["*/*"]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kyverno-svc, namespace: kyverno}}, spec: {{selector: {{app: kyverno}}, ports: [{{port: 443, targetPort: 9443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kyverno-1, namespace: kyverno, labels: {{app: kyverno}}}}, spec: {{{node}containers: [{{name: kyverno, image: "ghcr.io/kyverno/kyverno:v1.7.2"}}]}}, status: {state}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: aws-node, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{k8s-app: aws-node}}}}, template: {{metadata: {{labels: {{k8s-app: aws-node}}}}, spec: {{hostNetwork: true, containers: [{{name: aws-node, image: "amazon-k8s-cni:v1.11.3"}}]}}}}}}, status: {{desiredNumberScheduled: 1, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: aws-node.1, namespace: kube-system}}, involvedObject: {{kind: DaemonSet, name: aws-node, namespace: kube-system, uid: ds1}}, reason: FailedCreate, type: Warning, count: 30, firstTimestamp: "2022-09-25T14:55:00Z", lastTimestamp: "2022-09-25T15:30:00Z", message: 'Error creating: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate?timeout=10s": no endpoints available for service "kyverno-svc"'}}
"#
    )
}

#[test]
fn a_cni_daemonset_refused_by_a_webhook_that_waits_for_it_is_a_deadlock() {
    let out = diagnose(&load(&cni_refused(false)));
    let d = about(&out, "PodCreateFailed", "kube-system", "aws-node");
    assert_root(
        d,
        Loop::Identity,
        "MutatingWebhookConfiguration",
        "kyverno-resource-mutating-webhook-cfg",
    );
    assert!(d.fix.contains("namespaceSelector"), "{}", d.fix);
    // The webhook's pod Ready (its calls fail for another reason): no deadlock.
    let out = diagnose(&load(&cni_refused(true)));
    let d = about(&out, "PodCreateFailed", "kube-system", "aws-node");
    assert!(!d.fix.contains("Break the deadlock"), "{}", d.fix);
}
