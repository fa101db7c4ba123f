//! Causes read from what the node and the pod's own files hold: an image
//! that fills the node's disk while it unpacks (stackrox/stackrox, a 20 GB
//! root volume), an agent without a kernel driver for the node's kernel
//! (stackrox/stackrox collector on a newer Amazon Linux kernel), and a
//! configuration file that names a Service that does not exist
//! (spiffe/spire, `server_address`), and a pod whose containers are ready
//! but whose Ready condition the kubelet never wrote back (Azure/AKS#1472).
//! Each with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.4, osImage: Amazon Linux 2, kernelVersion: 5.4.228-131.415.amzn2.x86_64, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.29.4, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
"#;

/// A pod on w1 whose pull failed with `error`.
fn pull(error: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- apiVersion: v1
  kind: Pod
  metadata: {{name: central-69, namespace: stackrox, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, containers: [{{name: central, image: "quay.io/stackrox-io/main:4.1.3"}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: central, ready: false, restartCount: 0, image: "quay.io/stackrox-io/main:4.1.3", imageID: "", state: {{waiting: {{reason: ImagePullBackOff, message: 'Back-off pulling image "quay.io/stackrox-io/main:4.1.3"'}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: stackrox}}, involvedObject: {{kind: Pod, namespace: stackrox, name: central-69, uid: p1}}, reason: Failed, type: Warning, count: 4, firstTimestamp: "2025-03-01T10:01:00Z", lastTimestamp: "2025-03-01T10:20:00Z", source: {{component: kubelet, host: w1}}, message: '{error}'}}
"#
    )
}

#[test]
fn an_image_that_fills_the_node_disk_as_it_unpacks() {
    let out = diagnose(&load(&pull(
        "Failed to pull image \"quay.io/stackrox-io/main:4.1.3\": rpc error: code = Unknown desc = failed to register layer: Error processing tar file(exit status 1): write /usr/local/bin/ldb: no space left on device",
    )));
    let d = about(&out, "ImagePullBackOff", "stackrox", "central-69");
    assert_root(d, Loop::Compute, "Node", "w1");
    assert!(d.fix.contains("crictl rmi --prune"), "{}", d.fix);
    // The registry refusing the credentials is not the node's disk.
    let out = diagnose(&load(&pull(
        "Failed to pull image \"quay.io/stackrox-io/main:4.1.3\": rpc error: code = Unknown desc = failed to resolve reference: unexpected status: 401 Unauthorized",
    )));
    let d = about(&out, "ImagePullBackOff", "stackrox", "central-69");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}

/// The collector DaemonSet's pod on w1, crash-looping with `log`.
fn collector(log: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: collector, namespace: stackrox, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: collector}}}}, template: {{metadata: {{labels: {{app: collector}}}}, spec: {{containers: [{{name: collector, image: "stackrox/collector:3.70.0"}}]}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: collector-8sdk2, namespace: stackrox, uid: p1, labels: {{app: collector}}, creationTimestamp: "2025-03-01T10:00:00Z", ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: collector, uid: ds1, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: collector, image: "stackrox/collector:3.70.0"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: collector, ready: false, restartCount: 8, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: {log:?}}}}}}}]}}
"#
    )
}

#[test]
fn an_agent_without_a_driver_for_the_node_kernel() {
    let out = diagnose(&load(&collector(
        "[I collector.cpp:331] 5.4.228-131.415.amzn2.x86_64\n[W GetKernelObject.cpp:183] Unable to download kernel object collector-5.4.228-131.415.amzn2.x86_64.ko to /module/collector.ko.gz\n[E collector.cpp:343] No suitable kernel object downloaded",
    )));
    let d = about(&out, "CrashLoopBackOff", "stackrox", "collector-8sdk2");
    assert_root(d, Loop::Compute, "DaemonSet", "collector");
    assert!(
        d.fix.contains("5.4.228-131.415.amzn2.x86_64") && d.fix.contains("Upgrade"),
        "{}",
        d.fix
    );
    // A failure that names another kernel than the node's is not this one.
    let out = diagnose(&load(&collector(
        "[W GetKernelObject.cpp:183] Unable to download kernel object collector-4.14.0.ko\n[E collector.cpp:343] No suitable kernel object downloaded",
    )));
    let d = about(&out, "CrashLoopBackOff", "stackrox", "collector-8sdk2");
    assert!(!d.fix.contains("eBPF"), "{}", d.fix);
}

/// A SPIRE agent whose mounted agent.conf names `server`, beside Service
/// spire-server.
fn spire(server: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: Service, metadata: {{name: spire-server, namespace: spire, uid: s1}}, spec: {{selector: {{app: spire-server}}, ports: [{{port: 8081}}]}}}}
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: spire-agent, namespace: spire, uid: cm1}}, data: {{agent.conf: "agent {{\n  data_dir = \"/run/spire\"\n  server_address = \"{server}\"\n  server_port = \"8081\"\n  trust_domain = \"example.org\"\n}}\n"}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: spire-agent, namespace: spire, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: spire-agent}}}}, template: {{metadata: {{labels: {{app: spire-agent}}}}, spec: {{containers: [{{name: spire-agent, image: "gcr.io/spiffe-io/spire-agent:0.9.0"}}]}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: spire-agent-5jz8k, namespace: spire, uid: p1, labels: {{app: spire-agent}}, creationTimestamp: "2025-03-01T10:00:00Z", ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: spire-agent, uid: ds1, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: spire-agent, image: "gcr.io/spiffe-io/spire-agent:0.9.0", volumeMounts: [{{name: spire-config, mountPath: /run/spire/config}}]}}], volumes: [{{name: spire-config, configMap: {{name: spire-agent}}}}]}}
  status: {{phase: Running, containerStatuses: [{{name: spire-agent, ready: false, restartCount: 8, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "level=error msg=\"agent crashed\" error=\"opening stream for attestation: rpc error: code = Canceled desc = context canceled\""}}}}}}]}}
"#
    )
}

#[test]
fn a_config_file_naming_a_service_that_does_not_exist() {
    let out = diagnose(&load(&spire("spire-server-svc")));
    let d = about(&out, "CrashLoopBackOff", "spire", "spire-agent-5jz8k");
    assert_root(d, Loop::Network, "ConfigMap", "spire-agent");
    assert!(
        d.fix.contains("server_address") && d.fix.contains("`spire-server`"),
        "{}",
        d.fix
    );
    // The address names the Service that exists: the crash is not its.
    let out = diagnose(&load(&spire("spire-server")));
    let d = about(&out, "CrashLoopBackOff", "spire", "spire-agent-5jz8k");
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

/// Azure/AKS#1472: after the node lost the API server for a while, a
/// 1.15.7 kubelet never sets its pods' Ready condition back, though every
/// container is ready: the Service has no endpoint.
fn stale_ready(gates: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: aks-1}}, status: {{nodeInfo: {{kubeletVersion: v1.15.7, kubeProxyVersion: v1.15.7, machineID: "", systemUUID: "", bootID: "", kernelVersion: "", osImage: "", containerRuntimeVersion: "", operatingSystem: linux, architecture: amd64}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: invoice, namespace: billing}}, spec: {{selector: {{app: invoice}}, ports: [{{port: 80, targetPort: 8080}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: invoice-1, namespace: billing, labels: {{app: invoice}}}}, spec: {{nodeName: aks-1{gates}, containers: [{{name: invoice, image: "invoice:1", ports: [{{containerPort: 8080}}], readinessProbe: {{httpGet: {{path: /health, port: 8080}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False", lastTransitionTime: "2020-03-04T09:42:17Z"}}, {{type: ContainersReady, status: "True", lastTransitionTime: "2020-02-26T11:01:00Z"}}], containerStatuses: [{{name: invoice, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2020-02-26T11:00:30Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_pod_whose_containers_are_ready_but_not_the_pod_is_the_kubelets_stale_status() {
    let out = diagnose(&load(&stale_ready("")));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "billing", "invoice");
    assert_root(d, Loop::Compute, "Node", "aks-1");
    assert!(d.fix.contains("1.15.8"), "{}", d.fix);
    // A readiness gate not yet true keeps the pod out by design.
    let out = diagnose(&load(&stale_ready(
        ", readinessGates: [{conditionType: target-health.elbv2.k8s.aws/invoice}]",
    )));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "billing", "invoice");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}
