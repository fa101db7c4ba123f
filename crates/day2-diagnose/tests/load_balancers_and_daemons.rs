//! Readings of the paths into the cluster and of node-bound pods: GKE's
//! NEG backends named after their Service (`k8s1-…-<ns>-<svc>-<port>-…`)
//! whose pods have no readiness probe (apache/superset#14213), a webhook
//! on an overlay pod network a managed control plane cannot route to
//! (hashicorp/consul-helm#519), a DaemonSet pod its own node has no room
//! for (kubernetes-sigs/karpenter#671), readiness failures too few to
//! take a Ready container out of service (langfuse/langfuse-k8s#76), and a
//! pod creation timing out on a webhook it does not name
//! (kubernetes/kubernetes#71508), and a webhook whose backend is down or
//! scaled to zero (kyverno/kyverno#2962, #3360), and an API server whose
//! webhook calls go to its HTTP proxy (istio/istio#12441), and a
//! LimitRange's default limit below a container's request
//! (kubernetes/kubernetes#51430). Each
//! with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

/// An Ingress whose GKE backends annotation is `backends`, over Service
/// superset-new whose Ready pod has `probe`.
fn gke(backends: &str, probe: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: gke-1, uid: n1, labels: {{kubernetes.io/hostname: gke-1}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}], nodeInfo: {{kubeletVersion: v1.18.16-gke.2100, osImage: Container-Optimized OS, kernelVersion: 5.4.0, containerRuntimeVersion: "containerd://1.4.3", kubeProxyVersion: v1.18.16, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: superset-new, namespace: dd, uid: s1}}, spec: {{type: NodePort, selector: {{app: superset}}, ports: [{{name: http, port: 8088, targetPort: 8088, nodePort: 30870}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: superset-new, namespace: dd, uid: i1, annotations: {{ingress.kubernetes.io/backends: '{backends}'}}}}, spec: {{rules: [{{host: superset.example.com, http: {{paths: [{{path: "/*", pathType: ImplementationSpecific, backend: {{service: {{name: superset-new, port: {{number: 8088}}}}}}}}]}}}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: superset-new, namespace: dd, uid: d1}}, spec: {{selector: {{matchLabels: {{app: superset}}}}, template: {{metadata: {{labels: {{app: superset}}}}, spec: {{containers: [{{name: superset, image: "apache/superset:1.1.0"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: superset-new-d4b9, namespace: dd, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: superset-new, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: superset}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: superset-new-d4b9-n4g26, namespace: dd, uid: p1, labels: {{app: superset}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: superset-new-d4b9, uid: rs1, controller: true}}]}}
  spec: {{nodeName: gke-1, containers: [{{name: superset, image: "apache/superset:1.1.0", ports: [{{containerPort: 8088}}]{probe}}}]}}
  status: {{phase: Running, podIP: 10.8.0.5, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: superset, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2021-04-18T09:00:00Z"}}}}}}]}}
"#
    )
}

#[test]
fn a_neg_backend_unhealthy_for_a_pod_without_a_readiness_probe() {
    let out = diagnose(&load(&gke(
        r#"{"k8s-be-30587--aas":"HEALTHY","k8s1-bb-dd-superset-new-8088-dde":"UNHEALTHY"}"#,
        "",
    )));
    let d = about(&out, "IngressBackendUnavailable", "dd", "superset-new");
    assert_root(d, Loop::Network, "Deployment", "superset-new");
    assert!(d.fix.contains("readiness probe"), "{}", d.fix);
    // No backend healthy: the health checkers may not reach the nodes at all.
    let out = diagnose(&load(&gke(
        r#"{"k8s-be-30587--aas":"UNHEALTHY","k8s1-bb-dd-superset-new-8088-dde":"UNHEALTHY"}"#,
        "",
    )));
    let d = about(&out, "IngressBackendUnavailable", "dd", "superset-new");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("130.211.0.0/22"), "{}", d.fix);
}

/// A fail-closed webhook whose Ready pod has `pod_ip`, on nodes at
/// 10.0.x.x, with `extra` nodes.
fn overlay(pod_ip: &str, extra: &str) -> String {
    let refusal = "Error creating: Internal error occurred: failed calling webhook \"consul-connect-injector.consul.hashicorp.com\": Post \"https://consul-connect-injector-svc.default.svc:443/mutate?timeout=30s\": context deadline exceeded";
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: ip-10-0-81-140, uid: n1, labels: {{kubernetes.io/hostname: ip-10-0-81-140}}}}, status: {{addresses: [{{type: InternalIP, address: 10.0.81.140}}], allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
{extra}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: calico-node, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{k8s-app: calico-node}}}}, template: {{metadata: {{labels: {{k8s-app: calico-node}}}}, spec: {{hostNetwork: true, containers: [{{name: calico-node, image: "calico/node:v3.17.1"}}]}}}}}}}}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: consul-connect-injector-cfg, uid: w1}}, webhooks: [{{name: consul-connect-injector.consul.hashicorp.com, clientConfig: {{service: {{namespace: default, name: consul-connect-injector-svc, path: /mutate}}}}, failurePolicy: Fail, rules: [{{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: consul-connect-injector-svc, namespace: default, uid: s1}}, spec: {{selector: {{app: injector}}, ports: [{{port: 443, targetPort: 8080}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: injector-mv96z, namespace: default, uid: p0, labels: {{app: injector}}}}, spec: {{nodeName: ip-10-0-81-140, containers: [{{name: injector, image: "hashicorp/consul-k8s:0.21.0", ports: [{{containerPort: 8080}}]}}]}}, status: {{phase: Running, podIP: {pod_ip}, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: injector, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2021-01-01T00:00:00Z"}}}}}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: static-server-6f9d, namespace: default, uid: rs1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: s}}}}, template: {{metadata: {{labels: {{app: s}}}}, spec: {{containers: [{{name: s, image: "s:1"}}]}}}}}}, status: {{replicas: 0, conditions: [{{type: ReplicaFailure, status: "True", reason: FailedCreate, message: {refusal:?}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: ReplicaSet, name: static-server-6f9d, namespace: default, uid: rs1}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 20, firstTimestamp: "2021-01-02T10:00:00Z", lastTimestamp: "2021-01-02T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn a_webhook_on_an_overlay_network_a_managed_control_plane_cannot_reach() {
    let out = diagnose(&load(&overlay("192.168.131.57", "")));
    let d = about(&out, "PodCreateFailed", "default", "static-server-6f9d");
    assert_root(d, Loop::Network, "Service", "consul-connect-injector-svc");
    assert!(d.fix.contains("hostNetwork: true"), "{}", d.fix);
    // A control-plane node of the cluster sits on the overlay: the path is the firewall's.
    let out = diagnose(&load(&overlay(
        "192.168.131.57",
        "- {apiVersion: v1, kind: Node, metadata: {name: cp-1, uid: n2, labels: {node-role.kubernetes.io/control-plane: \"\"}}, status: {addresses: [{type: InternalIP, address: 10.0.1.10}], conditions: [{type: Ready, status: \"True\"}]}}",
    )));
    let d = about(&out, "PodCreateFailed", "default", "static-server-6f9d");
    assert!(!d.fix.contains("hostNetwork"), "{}", d.fix);
    // On GKE the pod ranges are the VPC's alias ranges, routed to the
    // control plane (hashicorp/vault-helm#366): the path is the firewall's.
    let gke = overlay("192.168.131.57", "").replacen(
        "metadata: {name: ip-10-0-81-140, uid: n1,",
        "spec: {providerID: \"gce://p/europe-west1-b/gke-n1\"}, metadata: {name: ip-10-0-81-140, uid: n1,",
        1,
    );
    let out = diagnose(&load(&gke));
    let d = about(&out, "PodCreateFailed", "default", "static-server-6f9d");
    assert!(!d.fix.contains("hostNetwork"), "{}", d.fix);
    assert!(d.fix.contains("firewall"), "{}", d.fix);
}

/// A Deployment's ReplicaSet whose pods' creation times out without naming
/// a webhook, and one validating webhook on pods calling `client` (flow
/// YAML).
fn unnamed(client: &str) -> String {
    let refusal = "Error creating: Timeout: request did not complete within allowed duration";
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {{name: test-admission-webhook, uid: w1}}, webhooks: [{{name: my-admission-webhook.io, clientConfig: {client}, failurePolicy: Ignore, timeoutSeconds: 30, rules: [{{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: checker, namespace: default, uid: s1}}, spec: {{selector: {{app: checker}}, ports: [{{port: 443, targetPort: 8443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: checker-1, namespace: default, uid: p0, labels: {{app: checker}}}}, spec: {{nodeName: w1, containers: [{{name: checker, image: "checker:1", ports: [{{containerPort: 8443}}]}}]}}, status: {{phase: Running, podIP: 10.0.0.9, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: checker, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2018-11-01T00:00:00Z"}}}}}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: web-6b9f, namespace: default, uid: rs1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "nginx:1.15"}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: ReplicaSet, name: web-6b9f, namespace: default, uid: rs1}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 12, firstTimestamp: "2018-11-28T10:00:00Z", lastTimestamp: "2018-11-28T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn a_pod_creation_that_times_out_without_naming_a_webhook_is_the_webhook_on_pods() {
    // kubernetes/kubernetes#71508: a webhook on pods calling a dead URL.
    let out = diagnose(&load(&unnamed(r#"{url: "https://192.168.99.1:8080"}"#)));
    let d = about(&out, "PodCreateFailed", "default", "web-6b9f");
    assert_root(
        d,
        Loop::Identity,
        "ValidatingWebhookConfiguration",
        "test-admission-webhook",
    );
    assert!(d.fix.contains("timeoutSeconds"), "{}", d.fix);
    // Behind a Service whose pod is Ready: the path from the control plane.
    let out = diagnose(&load(&unnamed(
        "{service: {namespace: default, name: checker}}",
    )));
    let d = about(&out, "PodCreateFailed", "default", "web-6b9f");
    assert_root(d, Loop::Network, "Service", "checker");
    assert!(d.fix.contains("8443"), "{}", d.fix);
}

/// A pod of `owner` pinned to node w1, which has 100m of cpu left.
fn pinned(owner: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1, labels: {{kubernetes.io/hostname: w1}}}}, status: {{allocatable: {{cpu: "2", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: big, namespace: app, uid: p0}}, spec: {{nodeName: w1, containers: [{{name: big, image: "big:1", resources: {{requests: {{cpu: 1900m}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: fluent-bit, namespace: logging, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: fb}}}}, template: {{metadata: {{labels: {{app: fb}}}}, spec: {{containers: [{{name: fb, image: "fluent/fluent-bit:2.1", resources: {{requests: {{cpu: 300m}}}}}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: fb-rs, namespace: logging, uid: rs1}}, spec: {{selector: {{matchLabels: {{app: fb}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: fluent-bit-7xq4m, namespace: logging, uid: p1, labels: {{app: fb}}, ownerReferences: [{{apiVersion: apps/v1, kind: {owner}, uid: {}, controller: true}}]}}
  spec: {{affinity: {{nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: [{{matchFields: [{{key: metadata.name, operator: In, values: [w1]}}]}}]}}}}}}, containers: [{{name: fb, image: "fluent/fluent-bit:2.1", resources: {{requests: {{cpu: 300m}}}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/x nodes are available: 1 Insufficient cpu."}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: logging}}, involvedObject: {{kind: Pod, namespace: logging, name: fluent-bit-7xq4m, uid: p1}}, reason: FailedScheduling, type: Warning, count: 3, firstTimestamp: "2023-10-11T06:00:00Z", lastTimestamp: "2023-10-11T06:04:00Z", source: {{component: default-scheduler}}, message: "0/x nodes are available: 1 Insufficient cpu."}}
"#,
        if owner.contains("DaemonSet") {
            "ds1"
        } else {
            "rs1"
        }
    )
}

#[test]
fn a_daemon_set_pod_its_own_node_has_no_room_for() {
    let out = diagnose(&load(&pinned("DaemonSet, name: fluent-bit")));
    let d = about(&out, "PodPending", "logging", "fluent-bit-7xq4m");
    assert_eq!(d.root_cause.loop_, Loop::Compute, "{}", summary(&out));
    assert!(d.fix.contains("system-node-critical"), "{}", d.fix);
    // Any other pod out of cpu: more capacity helps it.
    let out = diagnose(&load(&pinned("ReplicaSet, name: fb-rs")));
    let d = about(&out, "PodPending", "logging", "fluent-bit-7xq4m");
    assert!(!d.fix.contains("system-node-critical"), "{}", d.fix);
}

/// A Ready web pod that restarted while its database came up, and
/// `failures` readiness failures after it started.
fn settled(failures: u32) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1, labels: {{kubernetes.io/hostname: w1}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: langfuse-web-w2m7d, namespace: langfuse, uid: p1}}
  spec: {{nodeName: w1, containers: [{{name: web, image: "langfuse/langfuse:3", readinessProbe: {{httpGet: {{path: /api/public/ready, port: 3000}}}}}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True", lastTransitionTime: "2025-02-23T11:05:20Z"}}], containerStatuses: [{{name: web, ready: true, restartCount: 2, image: "", imageID: "", state: {{running: {{startedAt: "2025-02-23T11:05:00Z"}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, finishedAt: "2025-02-23T11:03:41Z"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: langfuse}}, involvedObject: {{kind: Pod, namespace: langfuse, name: langfuse-web-w2m7d, uid: p1}}, reason: Unhealthy, type: Warning, count: {failures}, firstTimestamp: "2025-02-23T11:05:35Z", lastTimestamp: "2025-02-23T11:05:45Z", source: {{component: kubelet, host: w1}}, message: 'Readiness probe failed: Get "http://10.4.10.41:3000/api/public/ready": dial tcp 10.4.10.41:3000: connect: connection refused'}}
"#
    )
}

#[test]
fn readiness_failures_too_few_to_unready_a_container() {
    let out = diagnose(&load(&settled(2)));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // As many as the threshold: the kubelet took it out of service.
    let out = diagnose(&load(&settled(3)));
    about(&out, "ProbeFailing", "langfuse", "langfuse-web-w2m7d");
}

/// Kyverno's fail-closed webhook on pods, its Deployment at `replicas`
/// (with one OOM-killed pod when not zero), and a ReplicaSet whose pods'
/// creation times out on it.
fn kyverno(replicas: u32) -> String {
    let refusal = r#"Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": Post "https://kyverno-svc.kyverno.svc:443/validate?timeout=10s": context deadline exceeded"#;
    let pod = if replicas == 0 {
        String::new()
    } else {
        r#"
- {apiVersion: v1, kind: Pod, metadata: {name: kyverno-7c9-m4xkq, namespace: kyverno, uid: p1, labels: {app: kyverno}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: kyverno-7c9, uid: krs, controller: true}]}, spec: {nodeName: w1, containers: [{name: kyverno, image: "ghcr.io/kyverno/kyverno:v1.5.1", resources: {limits: {memory: 256Mi}, requests: {memory: 128Mi}}}]}, status: {phase: Running, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: kyverno, ready: false, restartCount: 9, image: "", imageID: "", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 137, reason: OOMKilled, finishedAt: "2021-12-20T10:20:00Z"}}}]}}
- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: kyverno-7c9, namespace: kyverno, uid: krs, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: kyverno, uid: kd, controller: true}]}, spec: {selector: {matchLabels: {app: kyverno}}}}"#.to_owned()
    };
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {{name: kyverno-resource-validating-webhook-cfg, uid: w1}}, webhooks: [{{name: validate.kyverno.svc-fail, clientConfig: {{service: {{namespace: kyverno, name: kyverno-svc, path: /validate}}}}, failurePolicy: Fail, timeoutSeconds: 10, rules: [{{operations: [CREATE, UPDATE], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kyverno-svc, namespace: kyverno, uid: s1}}, spec: {{selector: {{app: kyverno}}, ports: [{{port: 443, targetPort: 9443}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: kyverno, namespace: kyverno, uid: kd}}, spec: {{replicas: {replicas}, selector: {{matchLabels: {{app: kyverno}}}}, template: {{metadata: {{labels: {{app: kyverno}}}}, spec: {{containers: [{{name: kyverno, image: "ghcr.io/kyverno/kyverno:v1.5.1", resources: {{limits: {{memory: 256Mi}}, requests: {{memory: 128Mi}}}}}}]}}}}}}}}{pod}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: web-6b9f, namespace: shop, uid: rs1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "nginx:1.21"}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: shop}}, involvedObject: {{kind: ReplicaSet, name: web-6b9f, namespace: shop, uid: rs1}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 12, firstTimestamp: "2021-12-20T10:00:00Z", lastTimestamp: "2021-12-20T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn a_webhook_whose_backend_is_down_is_the_backends_not_the_path() {
    // kyverno/kyverno#3360: scaled to zero with its fail-closed webhook left.
    let out = diagnose(&load(&kyverno(0)));
    let d = about(&out, "PodCreateFailed", "shop", "web-6b9f");
    assert_root(d, Loop::Identity, "Deployment", "kyverno");
    assert!(
        d.fix.contains("--replicas") && d.fix.contains("failurePolicy: Ignore"),
        "{}",
        d.fix
    );
    // kyverno/kyverno#2962: its pod OOM-killed: the backend's own cause.
    let out = diagnose(&load(&kyverno(1)));
    let d = about(&out, "PodCreateFailed", "shop", "web-6b9f");
    assert_root(d, Loop::Compute, "Deployment", "kyverno");
    assert!(d.fix.contains("memory limit"), "{}", d.fix);
    assert!(!d.fix.contains("firewall"), "{}", d.fix);
}

/// Istio's injector behind a Ready pod, a kube-apiserver static pod with
/// an HTTPS proxy and `no_proxy`, and a ReplicaSet refused with `Service
/// Unavailable`.
fn proxied(no_proxy: &str) -> String {
    let refusal = r#"Error creating: Internal error occurred: failed calling admission webhook "sidecar-injector.istio.io": Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: Service Unavailable"#;
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: cp1, uid: n1, labels: {{node-role.kubernetes.io/control-plane: ""}}}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-apiserver-cp1, namespace: kube-system, uid: p-api, labels: {{component: kube-apiserver, tier: control-plane}}}}, spec: {{nodeName: cp1, hostNetwork: true, containers: [{{name: kube-apiserver, image: "k8s.gcr.io/kube-apiserver:v1.13.4", command: [kube-apiserver, --advertise-address=10.20.30.11], env: [{{name: HTTPS_PROXY, value: "http://proxy.corp.example:3128"}}, {{name: NO_PROXY, value: "{no_proxy}"}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: admissionregistration.k8s.io/v1beta1, kind: MutatingWebhookConfiguration, metadata: {{name: istio-sidecar-injector, uid: w1}}, webhooks: [{{name: sidecar-injector.istio.io, clientConfig: {{service: {{namespace: istio-system, name: istio-sidecar-injector, path: /inject}}}}, failurePolicy: Fail, rules: [{{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: istio-sidecar-injector, namespace: istio-system, uid: s1}}, spec: {{selector: {{istio: sidecar-injector}}, ports: [{{port: 443, targetPort: 9443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: injector-1, namespace: istio-system, uid: p0, labels: {{istio: sidecar-injector}}}}, spec: {{nodeName: cp1, containers: [{{name: injector, image: "istio/sidecar_injector:1.1.0", ports: [{{containerPort: 9443}}]}}]}}, status: {{phase: Running, podIP: 10.244.0.9, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: injector, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2019-03-12T00:00:00Z"}}}}}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: sleep-57f9, namespace: default, uid: rs1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: sleep}}}}, template: {{metadata: {{labels: {{app: sleep}}}}, spec: {{containers: [{{name: sleep, image: "pstauffer/curl"}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: ReplicaSet, name: sleep-57f9, namespace: default, uid: rs1}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 12, firstTimestamp: "2019-03-13T10:00:00Z", lastTimestamp: "2019-03-13T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn an_api_server_whose_webhook_calls_go_to_its_proxy() {
    let out = diagnose(&load(&proxied("localhost,127.0.0.1,10.96.0.1")));
    let d = about(&out, "PodCreateFailed", "default", "sleep-57f9");
    assert_root(d, Loop::Network, "Pod", "kube-apiserver-cp1");
    assert!(d.fix.contains(".svc"), "{}", d.fix);
    // NO_PROXY spares the cluster's Services: the proxy is not in the way.
    let out = diagnose(&load(&proxied("localhost,127.0.0.1,.svc,.cluster.local")));
    let d = about(&out, "PodCreateFailed", "default", "sleep-57f9");
    assert_ne!(
        d.root_cause.object.name,
        "kube-apiserver-cp1",
        "{}",
        summary(&out)
    );
}

/// A ReplicaSet whose container requests 1Gi with `resources` (flow YAML)
/// in a namespace whose LimitRange defaults the limit to 512Mi.
fn limited(resources: &str) -> String {
    let refusal = r#"Error creating: pods "report-builder-19283-" is invalid: spec.containers[0].resources.limits: Invalid value: "512Mi": must be greater than or equal to memory request"#;
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: LimitRange, metadata: {{name: mem-limit-range, namespace: analytics, uid: l1}}, spec: {{limits: [{{type: Container, default: {{memory: 512Mi}}, defaultRequest: {{memory: 256Mi}}}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: report-builder-19283, namespace: analytics, uid: rs1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: rb}}}}, template: {{metadata: {{labels: {{app: rb}}}}, spec: {{containers: [{{name: rb, image: "rb:1", resources: {resources}}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: analytics}}, involvedObject: {{kind: ReplicaSet, name: report-builder-19283, namespace: analytics, uid: rs1}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 12, firstTimestamp: "2017-08-28T10:00:00Z", lastTimestamp: "2017-08-28T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn a_default_limit_below_a_containers_request_is_the_limit_ranges() {
    let out = diagnose(&load(&limited("{requests: {memory: 1Gi}}")));
    let d = about(&out, "PodCreateFailed", "analytics", "report-builder-19283");
    assert_root(d, Loop::Compute, "LimitRange", "mem-limit-range");
    assert!(d.fix.contains("resources.limits.memory"), "{}", d.fix);
    // The template writes the low limit itself: the template's.
    let out = diagnose(&load(&limited(
        "{requests: {memory: 1Gi}, limits: {memory: 512Mi}}",
    )));
    let d = about(&out, "PodCreateFailed", "analytics", "report-builder-19283");
    assert_ne!(d.root_cause.object.kind, "LimitRange", "{}", summary(&out));
}
