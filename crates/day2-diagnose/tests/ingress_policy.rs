//! An Ingress whose controller a NetworkPolicy shuts out of the backend:
//! every pod is Ready and the Service has endpoints, but requests through
//! the Ingress time out (504). The policy is the root cause; a policy that
//! admits the controller's namespace leaves the cluster healthy. A
//! controller is known by the flags that name its class, or, told nothing,
//! by the class its IngressClass's controller name says it serves: Traefik
//! with the kube-prometheus policy of prometheus-operator/kube-prometheus#1780.

mod common;

use common::*;
use day2_model::Loop;

const NGINX: &str = r#"
- {apiVersion: v1, kind: Namespace, metadata: {name: ingress-nginx, labels: {kubernetes.io/metadata.name: ingress-nginx}}}
- {apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: {name: nginx}, spec: {controller: k8s.io/ingress-nginx}}
- apiVersion: v1
  kind: Pod
  metadata: {name: ingress-nginx-controller-6f7d8-2vfkc, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
  spec: {nodeName: w1, containers: [{name: controller, image: "registry.k8s.io/ingress-nginx/controller:v1.10.0", args: [/nginx-ingress-controller, --controller-class=k8s.io/ingress-nginx, --ingress-class=nginx], ports: [{containerPort: 80}, {containerPort: 443}]}]}
  status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: controller, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-06-20T08:00:00Z"}}}]}
"#;

/// The Traefik chart's controller (kube-prometheus#1780): its flags name no
/// class, its IngressClass names Traefik's controller. `extra` is added to
/// its pod spec, `flag` to its arguments.
fn traefik(extra: &str, flag: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Namespace, metadata: {{name: ingress-system, labels: {{kubernetes.io/metadata.name: ingress-system}}}}}}
- {{apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: {{name: nginx, labels: {{app.kubernetes.io/name: traefik, app.kubernetes.io/instance: traefik}}}}, spec: {{controller: traefik.io/ingress-controller}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: traefik-59kkdndcwd-6r2jm, namespace: ingress-system, labels: {{app.kubernetes.io/name: traefik, app.kubernetes.io/instance: traefik}}}}
  spec: {{nodeName: w1, {extra}containers: [{{name: traefik, image: "traefik:2.8.0", args: [--entrypoints.web.address=:8000/tcp, --providers.kubernetescrd, --providers.kubernetesingress{flag}], ports: [{{name: web, containerPort: 8000}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: traefik, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
"#
    )
}

/// A cluster with an ingress-nginx controller, a Ready backend behind an
/// Ingress, and a NetworkPolicy on the backend whose `ingress` is `from`.
fn cluster(from: &str) -> String {
    with_controller(NGINX, from)
}

/// The same with `controller` (its namespace, IngressClass `nginx` and pod).
fn with_controller(controller: &str, from: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-06-20T10:00:00Z"}}]}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: shop, labels: {{kubernetes.io/metadata.name: shop}}}}}}
{controller}
- apiVersion: v1
  kind: Pod
  metadata: {{name: shop-web-5b8d7-h7k2m, namespace: shop, labels: {{app: shop-web}}}}
  spec: {{nodeName: w1, containers: [{{name: web, image: "shop/web:1.4", ports: [{{name: http, containerPort: 8080}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: web, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: shop-web, namespace: shop}}, spec: {{selector: {{app: shop-web}}, ports: [{{name: http, port: 80, targetPort: http}}]}}}}
- {{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {{name: shop-web-x1, namespace: shop, labels: {{kubernetes.io/service-name: shop-web}}}}, addressType: IPv4, endpoints: [{{addresses: [10.0.0.12], conditions: {{ready: true}}, targetRef: {{kind: Pod, name: shop-web-5b8d7-h7k2m, namespace: shop}}}}], ports: [{{name: http, port: 8080, protocol: TCP}}]}}
- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: shop, namespace: shop}}, spec: {{ingressClassName: nginx, rules: [{{host: shop.example.com, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: shop-web, port: {{name: http}}}}}}}}]}}}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: same-namespace-only, namespace: shop}}, spec: {{podSelector: {{}}, policyTypes: [Ingress], ingress: [{{from: [{from}]}}]}}}}
"#
    )
}

#[test]
fn a_policy_that_admits_only_its_own_namespace_shuts_the_controller_out() {
    let out = diagnose(&load(&cluster("{podSelector: {}}")));
    let d = about(&out, "IngressBackendUnavailable", "shop", "shop");
    assert_root(d, Loop::Network, "NetworkPolicy", "same-namespace-only");
    let fix = &d.fix;
    // The rule to add names the controller's namespace and the served port.
    assert!(fix.contains("ingress-nginx"), "{fix}");
    assert!(fix.contains("8080"), "{fix}");
}

#[test]
fn a_policy_that_admits_the_controllers_namespace_is_healthy() {
    let out = diagnose(&load(&cluster(
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}",
    )));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.symptom.kind == "IngressBackendUnavailable"),
        "{}",
        summary(&out)
    );
}

fn unavailable(out: &day2_diagnose::DiagnoseOutput) -> bool {
    out.diagnoses
        .iter()
        .any(|d| d.symptom.kind == "IngressBackendUnavailable")
}

#[test]
fn traefik_serves_its_controllers_class_without_a_flag_naming_it() {
    let out = diagnose(&load(&with_controller(
        &traefik("", ""),
        "{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
    )));
    let d = about(&out, "IngressBackendUnavailable", "shop", "shop");
    assert_root(d, Loop::Network, "NetworkPolicy", "same-namespace-only");
    assert!(d.fix.contains("ingress-system"), "{}", d.fix);
    // Told to serve another class, this Traefik is not the Ingress's controller.
    let out = diagnose(&load(&with_controller(
        &traefik("", ", --providers.kubernetesingress.ingressclass=public"),
        "{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
    )));
    assert!(!unavailable(&out), "{}", summary(&out));
}

#[test]
fn a_controller_on_the_hosts_network_is_not_judged_by_pod_selectors() {
    let out = diagnose(&load(&with_controller(
        &traefik("hostNetwork: true, ", ""),
        "{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
    )));
    assert!(!unavailable(&out), "{}", summary(&out));
}
