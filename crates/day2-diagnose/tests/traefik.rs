//! Traefik's own routes (`IngressRoute`): a Service in another namespace
//! that Traefik 2.5 and later will not follow without `allowCrossNamespace`
//! (traefik/traefik#8465), and NetworkPolicies that keep every Traefik pod
//! out of a route's Ready backend (iogrid/iogrid#459). Each with the
//! sibling that is healthy.

mod common;

use common::*;
use day2_model::Loop;

/// Traefik (`image`, `args`) in kube-system, a Ready backend `app/web`, an
/// IngressRoute in `route_ns` sending to it, and a policy on the backend
/// admitting `from`.
fn cluster(image: &str, args: &str, route_ns: &str, from: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-06-20T10:00:00Z"}}]}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: app, labels: {{kubernetes.io/metadata.name: app}}}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: kube-system, labels: {{kubernetes.io/metadata.name: kube-system}}}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: traefik, namespace: kube-system, uid: u-td}}, spec: {{selector: {{matchLabels: {{app: traefik}}}}, template: {{metadata: {{labels: {{app: traefik}}}}, spec: {{containers: [{{name: traefik, image: "{image}"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: traefik-7d9, namespace: kube-system, uid: u-trs, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: traefik, uid: u-td, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: traefik}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: traefik-7d9-x1, namespace: kube-system, labels: {{app: traefik}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: traefik-7d9, uid: u-trs, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: traefik, image: "{image}", args: [{args}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: traefik, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-5b8d7-h7k2m, namespace: app, labels: {{app: web}}}}
  spec: {{nodeName: w1, containers: [{{name: web, image: "web:1", ports: [{{name: http, containerPort: 8080}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: web, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: web, namespace: app}}, spec: {{selector: {{app: web}}, ports: [{{name: http, port: 80, targetPort: http}}]}}}}
- {{apiVersion: traefik.io/v1alpha1, kind: IngressRoute, metadata: {{name: web, namespace: {route_ns}}}, spec: {{entryPoints: [websecure], routes: [{{match: "Host(`web.example.com`)", kind: Rule, services: [{{name: web, namespace: app, port: 80}}]}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: web-allow, namespace: app}}, spec: {{podSelector: {{}}, policyTypes: [Ingress], ingress: [{{from: [{from}]}}]}}}}
"#
    )
}

const SAME_NAMESPACE: &str = "{podSelector: {}}";
const KUBE_SYSTEM: &str =
    "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}";

fn route_symptom(out: &day2_diagnose::DiagnoseOutput) -> Option<&day2_model::report::Diagnosis> {
    out.diagnoses
        .iter()
        .find(|d| d.symptom.object.kind == "IngressRoute")
}

#[test]
fn a_route_to_another_namespace_needs_traefiks_cross_namespace_flag() {
    let out = diagnose(&load(&cluster(
        "traefik:v2.10.4",
        "",
        "default",
        KUBE_SYSTEM,
    )));
    let d = about(&out, "IngressBackendMissing", "default", "web");
    assert_root(d, Loop::Network, "Deployment", "traefik");
    assert!(d.fix.contains("allowCrossNamespace=true"), "{}", d.fix);
    // The flag given, or a Traefik before 2.5: the route is served.
    for (image, args) in [
        (
            "traefik:v2.10.4",
            "--providers.kubernetescrd.allowCrossNamespace=true",
        ),
        ("rancher/mirrored-library-traefik:2.4.8", ""),
    ] {
        let out = diagnose(&load(&cluster(image, args, "default", KUBE_SYSTEM)));
        assert!(route_symptom(&out).is_none(), "{image}: {}", summary(&out));
    }
}

#[test]
fn a_policy_that_keeps_traefik_out_of_the_backend_is_the_root() {
    let out = diagnose(&load(&cluster(
        "traefik:v2.10.4",
        "",
        "app",
        SAME_NAMESPACE,
    )));
    let d = about(&out, "IngressBackendUnavailable", "app", "web");
    assert_root(d, Loop::Network, "NetworkPolicy", "web-allow");
    assert!(
        d.fix.contains("kube-system") && d.fix.contains("8080"),
        "{}",
        d.fix
    );
    let out = diagnose(&load(&cluster("traefik:v2.10.4", "", "app", KUBE_SYSTEM)));
    assert!(route_symptom(&out).is_none(), "{}", summary(&out));
}
