//! Paths the control plane and the mesh take that a policy or a firewall
//! closes: the API server proxying to an aggregated API's pods
//! (rancher/rke2#745: a namespace's default policy admitting only pods;
//! kubernetes-sigs/metrics-server#1064: a port the control plane cannot
//! reach), and a sidecar whose control plane an egress policy keeps out
//! (istio/istio#27548). Each with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

/// metrics-server behind Service kube-system/metrics-server (target port
/// `https`, 10250), the APIService's `Available` condition saying
/// `available`, an HPA that reads no metrics, and `extra` objects.
fn metrics(available: &str, extra: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apiregistration.k8s.io/v1, kind: APIService, metadata: {{name: v1beta1.metrics.k8s.io, uid: api1}}, spec: {{service: {{namespace: kube-system, name: metrics-server, port: 443}}, group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100}}, status: {{conditions: [{available}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: metrics-server, namespace: kube-system, uid: s1}}, spec: {{selector: {{k8s-app: metrics-server}}, ports: [{{name: https, port: 443, targetPort: https}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: metrics-server, namespace: kube-system, uid: d1}}, spec: {{selector: {{matchLabels: {{k8s-app: metrics-server}}}}, template: {{metadata: {{labels: {{k8s-app: metrics-server}}}}, spec: {{containers: [{{name: metrics-server, image: "registry.k8s.io/metrics-server/metrics-server:v0.6.1", args: ["--secure-port=10250"], ports: [{{name: https, containerPort: 10250}}]}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: metrics-server-5f9, namespace: kube-system, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: metrics-server, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{k8s-app: metrics-server}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: metrics-server-5f9-abcde, namespace: kube-system, uid: p1, labels: {{k8s-app: metrics-server}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: metrics-server-5f9, uid: rs1, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: metrics-server, image: "registry.k8s.io/metrics-server/metrics-server:v0.6.1", ports: [{{name: https, containerPort: 10250}}]}}]}}
  status: {{phase: Running, podIP: 10.42.1.5, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: metrics-server, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T09:00:00Z"}}}}}}]}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web, namespace: shop, uid: d2}}, spec: {{selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "nginx:1.27", resources: {{requests: {{cpu: 100m}}}}}}]}}}}}}}}
- {{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {{name: web, namespace: shop, uid: h1}}, spec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}, minReplicas: 1, maxReplicas: 5, metrics: [{{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 75}}}}}}]}}, status: {{currentReplicas: 1, desiredReplicas: 1, conditions: [{{type: AbleToScale, status: "True", reason: SucceededGetScale}}, {{type: ScalingActive, status: "False", reason: FailedGetResourceMetric, message: "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)", lastTransitionTime: "2026-06-20T09:10:00Z"}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: web.1, namespace: shop}}, involvedObject: {{kind: HorizontalPodAutoscaler, name: web, namespace: shop, uid: h1}}, reason: FailedGetResourceMetric, type: Warning, count: 40, firstTimestamp: "2026-06-20T09:10:00Z", lastTimestamp: "2026-06-20T10:00:00Z", message: "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"}}
{extra}"#
    )
}

const TIMED_OUT: &str = r#"{type: Available, status: "False", reason: FailedDiscoveryCheck, message: "failing or missing response from https://10.42.1.5:10250/apis/metrics.k8s.io/v1beta1: Get \"https://10.42.1.5:10250/apis/metrics.k8s.io/v1beta1\": context deadline exceeded"}"#;

#[test]
fn a_policy_admitting_only_pods_keeps_the_api_server_from_metrics_server() {
    let pods_only = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-network-policy, namespace: kube-system, uid: np1}, spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {}}]}]}}";
    let out = diagnose(&load(&metrics(TIMED_OUT, pods_only)));
    let d = about(&out, "HpaLimited", "shop", "web");
    assert_root(d, Loop::Network, "NetworkPolicy", "default-network-policy");
    assert!(
        d.fix.contains("ipBlock") && d.fix.contains("10250"),
        "{}",
        d.fix
    );
    // A rule with no `from` admits the API server too: not the policy.
    let any_source = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-network-policy, namespace: kube-system, uid: np1}, spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: 10250}]}]}}";
    let out = diagnose(&load(&metrics(TIMED_OUT, any_source)));
    let d = about(&out, "HpaLimited", "shop", "web");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}

#[test]
fn a_discovery_check_that_times_out_names_the_port_the_control_plane_cannot_reach() {
    let out = diagnose(&load(&metrics(TIMED_OUT, "")));
    let d = about(&out, "HpaLimited", "shop", "web");
    assert_root(d, Loop::Network, "Deployment", "metrics-server");
    assert!(
        d.fix.contains("--secure-port=443") && d.fix.contains("TCP 10250"),
        "{}",
        d.fix
    );
    // Refused, not timed out: something answers, and no port is blamed.
    let refused = TIMED_OUT.replace("context deadline exceeded", "connect: connection refused");
    let out = diagnose(&load(&metrics(&refused, "")));
    let d = about(&out, "HpaLimited", "shop", "web");
    assert!(!d.fix.contains("TCP 10250"), "{}", d.fix);
}

/// A pod with Istio's sidecar, unready because it cannot reach istiod
/// (`CA_ADDR`), behind a Service, with `policies` in its namespace.
fn meshed(policies: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: istio-system, uid: ns1, labels: {{kubernetes.io/metadata.name: istio-system}}}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: cache, uid: ns2, labels: {{kubernetes.io/metadata.name: cache, istio-injection: enabled}}}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: istiod, namespace: istio-system, uid: s0}}, spec: {{selector: {{app: istiod}}, clusterIP: 10.0.0.20, ports: [{{name: grpc-xds, port: 15012, targetPort: 15012}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: istiod-7c9-aaaaa, namespace: istio-system, uid: p0, labels: {{app: istiod}}}}
  spec: {{nodeName: w1, containers: [{{name: discovery, image: "docker.io/istio/pilot:1.7.2", ports: [{{containerPort: 15012}}]}}]}}
  status: {{phase: Running, podIP: 10.240.0.10, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: discovery, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2020-09-25T09:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: redis, namespace: cache, uid: s1}}, spec: {{selector: {{app: redis}}, ports: [{{port: 6379, targetPort: 6379}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: redis, namespace: cache, uid: d1}}, spec: {{selector: {{matchLabels: {{app: redis}}}}, template: {{metadata: {{labels: {{app: redis}}}}, spec: {{containers: [{{name: redis, image: "redis:6"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: redis-5c9, namespace: cache, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: redis, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: redis}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: redis-5c9-7wq4z, namespace: cache, uid: p1, labels: {{app: redis}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: redis-5c9, uid: rs1, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: redis, image: "redis:6", ports: [{{containerPort: 6379}}]}}, {{name: istio-proxy, image: "docker.io/istio/proxyv2:1.7.2", args: [proxy, sidecar], env: [{{name: PILOT_CERT_PROVIDER, value: istiod}}, {{name: CA_ADDR, value: "istiod.istio-system.svc:15012"}}], readinessProbe: {{httpGet: {{path: /healthz/ready, port: 15021}}}}}}]}}
  status: {{phase: Running, podIP: 10.240.0.88, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: redis, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2020-09-25T09:12:07Z"}}}}}}, {{name: istio-proxy, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2020-09-25T09:12:07Z"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: r.1, namespace: cache}}, involvedObject: {{kind: Pod, name: redis-5c9-7wq4z, namespace: cache, uid: p1}}, reason: Unhealthy, type: Warning, count: 300, firstTimestamp: "2020-09-25T09:12:10Z", lastTimestamp: "2020-09-25T09:40:00Z", source: {{component: kubelet, host: w1}}, message: "Readiness probe failed: HTTP probe failed with statuscode: 503"}}
{policies}"#
    )
}

#[test]
fn a_sidecar_an_egress_policy_keeps_from_its_control_plane() {
    let deny_all = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-all, namespace: cache, uid: np1}, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}\n- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow-redis, namespace: cache, uid: np2}, spec: {podSelector: {matchLabels: {app: redis}}, policyTypes: [Ingress], ingress: [{ports: [{port: 6379}]}]}}";
    let out = diagnose(&load(&meshed(deny_all)));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "cache", "redis");
    assert_eq!(d.root_cause.loop_, Loop::Network, "{}", summary(&out));
    assert_eq!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
    assert!(
        d.root_cause.summary.contains("istio-proxy"),
        "{}",
        summary(&out)
    );
    // Egress to istio-system allowed: the sidecar's peer is in reach.
    let to_istiod = format!(
        "{deny_all}\n- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: to-istiod, namespace: cache, uid: np3}}, spec: {{podSelector: {{}}, policyTypes: [Egress], egress: [{{to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: istio-system}}}}}}], ports: [{{port: 15012}}]}}, {{ports: [{{port: 53, protocol: UDP}}]}}]}}}}"
    );
    let out = diagnose(&load(&meshed(&to_istiod)));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "cache", "redis");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}
