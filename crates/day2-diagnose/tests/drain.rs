//! A cordoned node a PodDisruptionBudget keeps from draining
//! (hitachienergy/epiphany#2380, istio/istio#12602), and a Gateway API
//! route whose backend port the Service does not have (chr1sd/home-ops#4).

mod common;

use common::*;
use day2_model::Loop;

/// A node cordoned at `cordoned`, running one pod of a one-replica
/// Deployment whose budget asks for `min_available`, observed at 10:00.
fn drain(cordoned: &str, min_available: u32, healthy: u32, refused: bool) -> String {
    let allowed = (healthy + 1).saturating_sub(min_available + 1);
    let refusal = if refused {
        r#"- {apiVersion: v1, kind: Event, metadata: {name: istiod-1.e, namespace: istio-system}, involvedObject: {kind: Pod, name: istiod-1, namespace: istio-system}, reason: EvictionBlocked, type: Warning, firstTimestamp: "2026-06-20T09:59:00Z", lastTimestamp: "2026-06-20T09:59:00Z", message: "Cannot evict pod as it would violate the pod's disruption budget."}
"#
    } else {
        ""
    };
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, spec: {{unschedulable: true, taints: [{{key: node.kubernetes.io/unschedulable, effect: NoSchedule, timeAdded: "{cordoned}"}}]}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: n2}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: istiod, namespace: istio-system, uid: d1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: istiod}}}}, template: {{metadata: {{labels: {{app: istiod}}}}, spec: {{containers: [{{name: discovery, image: "pilot:1"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: istiod-7d, namespace: istio-system, uid: r1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: istiod, uid: d1, controller: true}}]}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: istiod}}}}, template: {{metadata: {{labels: {{app: istiod}}}}, spec: {{containers: [{{name: discovery, image: "pilot:1"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: istiod-1, namespace: istio-system, labels: {{app: istiod}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: istiod-7d, uid: r1, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: discovery, image: "pilot:1"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: discovery, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {{name: istiod, namespace: istio-system}}, spec: {{minAvailable: {min_available}, selector: {{matchLabels: {{app: istiod}}}}}}, status: {{disruptionsAllowed: {allowed}, currentHealthy: {healthy}, desiredHealthy: {min_available}, expectedPods: 1}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: n2.e, namespace: default}}, involvedObject: {{kind: Node, name: n2}}, reason: NodeReady, type: Normal, firstTimestamp: "2026-06-20T10:00:00Z", lastTimestamp: "2026-06-20T10:00:00Z", message: "Node n2 status is now: NodeReady"}}
{refusal}"#
    )
}

#[test]
fn a_budget_that_asks_for_every_pod_blocks_the_drain() {
    let out = diagnose(&load(&drain("2026-06-20T09:00:00Z", 1, 1, false)));
    let d = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "DrainBlocked" && d.symptom.object.name == "n1")
        .unwrap_or_else(|| panic!("no DrainBlocked: {}", summary(&out)));
    assert_root(d, Loop::Compute, "PodDisruptionBudget", "istiod");
    assert!(
        d.fix.contains("--replicas=2") && d.fix.contains("maxUnavailable: 1"),
        "{}",
        d.fix
    );
}

#[test]
fn a_node_cordoned_a_moment_ago_is_still_draining() {
    // The budget allows none only until its pod is healthy again.
    let out = diagnose(&load(&drain("2026-06-20T09:58:00Z", 1, 0, false)));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.symptom.kind == "DrainBlocked"),
        "{}",
        summary(&out)
    );
    // A budget that allows none with every pod healthy never will: kured
    // cordons and its drain waits at once (kubereboot/kured#82).
    let out = diagnose(&load(&drain("2026-06-20T09:59:59Z", 1, 1, false)));
    let d = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "DrainBlocked")
        .unwrap_or_else(|| panic!("no DrainBlocked: {}", summary(&out)));
    assert_root(d, Loop::Compute, "PodDisruptionBudget", "istiod");
    // Or the eviction API has already refused a pod.
    let out = diagnose(&load(&drain("2026-06-20T09:58:00Z", 1, 0, true)));
    assert!(
        out.diagnoses
            .iter()
            .any(|d| d.symptom.kind == "DrainBlocked"),
        "{}",
        summary(&out)
    );
    // A budget that allows a disruption blocks nothing.
    let out = diagnose(&load(&drain("2026-06-20T09:00:00Z", 0, 1, true)));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.symptom.kind == "DrainBlocked"),
        "{}",
        summary(&out)
    );
}

fn route(port: u16) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Service, metadata: {{name: pdf, namespace: apps}}, spec: {{selector: {{app: pdf}}, ports: [{{name: http, port: 8080, targetPort: 8080}}]}}}}
- {{apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, metadata: {{name: pdf, namespace: apps}}, spec: {{parentRefs: [{{name: internal, namespace: network}}], hostnames: [pdf.example.net], rules: [{{backendRefs: [{{name: pdf, port: {port}}}]}}]}}}}
"#
    )
}

#[test]
fn a_route_to_a_port_the_service_lacks_is_fixed_in_the_route() {
    let out = diagnose(&load(&route(80)));
    let d = about(&out, "IngressBackendMissing", "apps", "pdf");
    assert_root(d, Loop::Network, "HTTPRoute", "pdf");
    assert!(d.fix.contains("backendRefs[].port: 8080"), "{}", d.fix);
    let out = diagnose(&load(&route(8080)));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}
