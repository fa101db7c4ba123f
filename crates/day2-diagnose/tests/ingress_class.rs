//! An Ingress that names no IngressClass while no class is the default:
//! ingress-nginx 1.0 on skips it, its host answers 404, and no event says
//! why (kubernetes/ingress-nginx#7567). The Ingress is the root cause; a
//! default class, a controller that takes class-less Ingresses, or an
//! address the controller published leave the cluster healthy.

mod common;

use common::*;
use day2_model::Loop;

/// A cluster with an ingress-nginx controller (`args`), IngressClass nginx
/// (`class_annotations`), and a Ready backend behind an Ingress without a
/// class (`status`).
fn cluster(args: &str, class_annotations: &str, status: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-06-20T10:00:00Z"}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: {{name: nginx, annotations: {{{class_annotations}}}}}, spec: {{controller: k8s.io/ingress-nginx}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: ingress-nginx-controller-6f7d8-2vfkc, namespace: ingress-nginx, labels: {{app.kubernetes.io/name: ingress-nginx}}}}
  spec: {{nodeName: w1, containers: [{{name: controller, image: "registry.k8s.io/ingress-nginx/controller:v1.0.0", args: [/nginx-ingress-controller, --controller-class=k8s.io/ingress-nginx{args}], ports: [{{containerPort: 80}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: controller, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: demo-5b8d7-h7k2m, namespace: default, labels: {{app: demo}}}}
  spec: {{nodeName: w1, containers: [{{name: web, image: "demo:1", ports: [{{containerPort: 8080}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: web, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: demo, namespace: default}}, spec: {{selector: {{app: demo}}, ports: [{{port: 80, targetPort: 8080}}]}}}}
- {{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {{name: demo-x1, namespace: default, labels: {{kubernetes.io/service-name: demo}}}}, addressType: IPv4, endpoints: [{{addresses: [10.0.0.12], conditions: {{ready: true}}, targetRef: {{kind: Pod, name: demo-5b8d7-h7k2m, namespace: default}}}}], ports: [{{port: 8080, protocol: TCP}}]}}
- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: demo, namespace: default}}, spec: {{rules: [{{host: demo.example.com, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: demo, port: {{number: 80}}}}}}}}]}}}}]}}, status: {status}}}
"#
    )
}

fn unavailable(out: &day2_diagnose::DiagnoseOutput) -> bool {
    out.diagnoses
        .iter()
        .any(|d| d.symptom.kind == "IngressBackendUnavailable")
}

#[test]
fn an_ingress_without_a_class_is_skipped_by_a_controller_of_its_class_only() {
    let out = diagnose(&load(&cluster("", "", "{loadBalancer: {}}")));
    let d = about(&out, "IngressBackendUnavailable", "default", "demo");
    assert_root(d, Loop::Network, "Ingress", "demo");
    assert!(d.fix.contains("ingressClassName: nginx"), "{}", d.fix);
    assert!(d.fix.contains("is-default-class"), "{}", d.fix);
}

#[test]
fn a_default_class_a_controller_taking_every_ingress_or_an_address_is_healthy() {
    for (args, annotations, status) in [
        (
            "",
            r#"ingressclass.kubernetes.io/is-default-class: "true""#,
            "{loadBalancer: {}}",
        ),
        (
            ", --watch-ingress-without-class=true",
            "",
            "{loadBalancer: {}}",
        ),
        ("", "", "{loadBalancer: {ingress: [{ip: 192.0.2.10}]}}"),
    ] {
        let out = diagnose(&load(&cluster(args, annotations, status)));
        assert!(
            !unavailable(&out),
            "{args} {annotations} {status}: {}",
            summary(&out)
        );
    }
}

/// An Ingress annotated for class `nginx` while the cluster's only class is
/// `public` and its controller runs with `--ingress-class=public` (MicroK8s
/// 1.20's addon, canonical/microk8s#2035): nothing takes it, while another
/// Ingress of class `public` has its address. With an IngressClass `nginx`
/// (or the controller serving it) nothing is wrong.
#[test]
fn an_ingress_of_a_class_nothing_serves_is_the_ingress() {
    let base = cluster(", --ingress-class=public", "", "{loadBalancer: {}}")
        .replace("kind: IngressClass, metadata: {name: nginx,", "kind: IngressClass, metadata: {name: public,")
        .replace(
            "kind: Ingress, metadata: {name: demo, namespace: default}",
            "kind: Ingress, metadata: {name: demo, namespace: default, annotations: {kubernetes.io/ingress.class: nginx}}",
        );
    let served = "\n- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: status, namespace: default}, spec: {ingressClassName: public, rules: [{host: status.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: demo, port: {number: 80}}}}]}}]}, status: {loadBalancer: {ingress: [{ip: 127.0.0.1}]}}}\n";
    let out = diagnose(&load(&format!("{base}{served}")));
    let d = about(&out, "IngressBackendUnavailable", "default", "demo");
    assert_root(d, Loop::Network, "Ingress", "demo");
    assert!(
        d.root_cause.summary.contains("asks for class nginx")
            && d.fix.contains("ingressClassName: public"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    // The class exists: another reason or none, not this one.
    let with_class = format!(
        "{base}{served}- {{apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: {{name: nginx}}, spec: {{controller: k8s.io/ingress-nginx}}}}\n"
    );
    let out = diagnose(&load(&with_class));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.root_cause.summary.contains("asks for class nginx")),
        "{}",
        summary(&out)
    );
    // No Ingress has an address: the controllers may not publish any, so
    // a missing address says nothing.
    let out = diagnose(&load(&base));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.root_cause.summary.contains("asks for class nginx")),
        "{}",
        summary(&out)
    );
}
