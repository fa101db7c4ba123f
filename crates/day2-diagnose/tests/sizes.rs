//! An HPA before its first metrics (knative/serving#11562), a pod too
//! big for every node it may use (kubernetes/test-infra#26060), and two
//! KEDA ScaledObjects on one Deployment (kedacore/keda#897).

mod common;

use common::*;
use day2_model::Loop;

fn hpa(went_inactive: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web, namespace: shop}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "web:1", resources: {{requests: {{cpu: 100m}}}}}}]}}}}}}}}
- {{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {{name: web, namespace: shop}}, spec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}, minReplicas: 1, maxReplicas: 5, metrics: [{{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 75}}}}}}]}}, status: {{currentReplicas: 1, desiredReplicas: 1, conditions: [{{type: AbleToScale, status: "True", reason: SucceededGetScale}}, {{type: ScalingActive, status: "False", reason: FailedGetResourceMetric, message: "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API", lastTransitionTime: "{went_inactive}"}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: web.1, namespace: shop}}, involvedObject: {{kind: HorizontalPodAutoscaler, name: web, namespace: shop}}, reason: FailedGetResourceMetric, type: Warning, count: 12, firstTimestamp: "{went_inactive}", lastTimestamp: "2026-06-20T10:00:00Z", message: "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API"}}
"#
    )
}

#[test]
fn an_hpa_waits_a_few_minutes_for_its_first_metrics() {
    let out = diagnose(&load(&hpa("2026-06-20T09:57:00Z")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // Twenty minutes without a sample is an incident.
    let out = diagnose(&load(&hpa("2026-06-20T09:40:00Z")));
    assert!(
        out.diagnoses.iter().any(|d| d.symptom.kind == "HpaLimited"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_request_larger_than_every_node_the_pod_may_use_is_the_request() {
    let text = r#"apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: build-1}, status: {allocatable: {cpu: 7910m, memory: 48Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Node, metadata: {name: build-2}, status: {allocatable: {cpu: 7910m, memory: 48Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Node, metadata: {name: big-1}, spec: {taints: [{key: dedicated, value: greenhouse, effect: NoSchedule}]}, status: {allocatable: {cpu: 31850m, memory: 112Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: bench, namespace: test-pods}, spec: {containers: [{name: test, image: "kubekins:1", resources: {requests: {cpu: "8", memory: 32Gi}}}]}, status: {phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: greenhouse}, 2 Insufficient cpu."}]}}
"#;
    let out = diagnose(&load(text));
    let d = about(&out, "PodPending", "test-pods", "bench");
    assert_root(d, Loop::Compute, "Pod", "bench");
    assert!(
        d.root_cause
            .summary
            .contains("more than any node it may run on"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("at most 7910m cpu"), "{}", d.fix);
}

/// KEDA's HPA for Deployment `worker`, unable to read its external metric,
/// and a ScaledObject per name in `scaled` targeting the Deployment.
fn keda(scaled: &[&str]) -> String {
    let said = "unable to get external metric shop/lagThreshold/&LabelSelector{MatchLabels:map[string]string{deploymentName: worker,},MatchExpressions:[]LabelSelectorRequirement{},}: unable to fetch metrics from external metrics API: Exactly one scaled object should match label deploymentName=worker";
    let objects: String = scaled
        .iter()
        .map(|n| format!("- {{apiVersion: keda.k8s.io/v1alpha1, kind: ScaledObject, metadata: {{name: {n}, namespace: shop}}, spec: {{scaleTargetRef: {{deploymentName: worker}}, triggers: [{{type: kafka, metadata: {{topic: {n}, lagThreshold: \"50\"}}}}]}}}}\n"))
        .collect();
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: worker, namespace: shop}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: worker}}}}, template: {{metadata: {{labels: {{app: worker}}}}, spec: {{containers: [{{name: worker, image: "worker:1"}}]}}}}}}}}
- {{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {{name: keda-hpa-worker, namespace: shop}}, spec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: worker}}, minReplicas: 1, maxReplicas: 10, metrics: [{{type: External, external: {{metric: {{name: lagThreshold, selector: {{matchLabels: {{deploymentName: worker}}}}}}, target: {{type: AverageValue, averageValue: "50"}}}}}}]}}, status: {{currentReplicas: 1, desiredReplicas: 1, conditions: [{{type: AbleToScale, status: "True", reason: SucceededGetScale}}, {{type: ScalingActive, status: "False", reason: FailedGetExternalMetric, message: "the HPA was unable to compute the replica count: {said}", lastTransitionTime: "2020-06-24T18:41:17Z"}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: h.1, namespace: shop}}, involvedObject: {{kind: HorizontalPodAutoscaler, name: keda-hpa-worker, namespace: shop}}, reason: FailedGetExternalMetric, type: Warning, count: 90, firstTimestamp: "2020-06-24T18:41:17Z", lastTimestamp: "2020-06-24T19:30:00Z", message: "{said}"}}
{objects}"#
    )
}

#[test]
fn two_scaled_objects_on_one_deployment_leave_its_hpa_without_metrics() {
    let out = diagnose(&load(&keda(&["worker-topic-a", "worker-topic-b"])));
    let d = about(&out, "HpaLimited", "shop", "keda-hpa-worker");
    assert_root(d, Loop::Compute, "ScaledObject", "worker-topic-a");
    assert!(
        d.fix.contains("triggers") && d.fix.contains("worker-topic-b"),
        "{}",
        d.fix
    );
    // One ScaledObject: another cause.
    let out = diagnose(&load(&keda(&["worker-topic-a"])));
    let d = about(&out, "HpaLimited", "shop", "keda-hpa-worker");
    assert_ne!(
        d.root_cause.object.kind,
        "ScaledObject",
        "{}",
        summary(&out)
    );
}
