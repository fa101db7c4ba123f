//! A program that cannot read its own key, followed to the Secret it mounts
//! and to the cert-manager Certificate that writes it (linkerd/website#793);
//! and a LoadBalancer that waits on a development cluster by design
//! (kubernetes/minikube#384).

mod common;

use common::*;
use day2_model::Loop;

fn crashing(message: &str, secret_meta: &str, extra: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Secret, metadata: {{{secret_meta}, namespace: mesh}}, type: kubernetes.io/tls, data: {{tls.crt: QQ==, tls.key: QQ==}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: identity-1, namespace: mesh}}, spec: {{nodeName: n1, volumes: [{{name: issuer, secret: {{secretName: identity-issuer}}}}], containers: [{{name: identity, image: "mesh/identity:2.8", volumeMounts: [{{name: issuer, mountPath: /var/run/issuer}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: identity, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: {message:?}}}}}}}]}}}}
{extra}"#
    )
}

#[test]
fn a_key_the_program_cannot_read_is_the_certificate_that_wrote_it() {
    let text = crashing(
        "level=fatal msg=\"failed to read CA from disk: unsupported block type: 'PRIVATE KEY'\"",
        "name: identity-issuer, annotations: {cert-manager.io/certificate-name: identity-issuer}",
        "- {apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: identity-issuer, namespace: mesh}, spec: {secretName: identity-issuer, issuerRef: {name: root}}}\n",
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", "mesh", "identity-1");
    assert_root(d, Loop::Identity, "Certificate", "identity-issuer");
    assert!(d.fix.contains("encoding: PKCS1"), "{}", d.fix);
}

#[test]
fn a_key_in_a_secret_made_by_hand_is_rewritten_in_the_encoding_asked() {
    let text = crashing(
        "java.security.InvalidKeyException: IOException : algid parse error, not a sequence",
        "name: identity-issuer",
        "",
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", "mesh", "identity-1");
    assert_root(d, Loop::Identity, "Secret", "identity-issuer");
    assert!(d.fix.contains("openssl pkcs8 -topk8"), "{}", d.fix);
}

fn pending_lb(node: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: {node}}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: frontend, namespace: default, creationTimestamp: "2026-06-20T08:00:00Z"}}, spec: {{type: LoadBalancer, selector: {{app: web}}, ports: [{{port: 80, nodePort: 30080}}]}}}}
"#
    )
}

#[test]
fn a_load_balancer_waits_on_minikube_by_design_and_not_elsewhere() {
    let out = diagnose(&load(&pending_lb("minikube")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    let out = diagnose(&load(&pending_lb("metal-1")));
    let d = about(&out, "LoadBalancerPending", "default", "frontend");
    assert_root(d, Loop::Network, "Service", "frontend");
}
