//! One snapshot per case, written from the upstream message formats: each
//! test asserts the root cause's loop and object, not only that something was
//! printed.

mod common;

use common::*;
use day2_model::Loop;
use day2_model::report::Confidence;

// ---------------------------------------------------------------- PodPending

#[test]
fn fragmentation_is_named_with_the_numbers_and_replicas_are_grouped() {
    let out = diagnose(&snapshot("pending-fragmentation"));
    let d = about(&out, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert_root(d, Loop::Compute, "NodeGroup", "general");
    let s = &d.root_cause.summary;
    assert!(
        s.contains("fragmentation") && s.contains("3 cpu free in total") && s.contains("1500m"),
        "{s}"
    );
    // Two Pending replicas, one cause: one diagnosis.
    assert_eq!(
        out.diagnoses
            .iter()
            .filter(|d| d.symptom.kind == "PodPending")
            .count(),
        1,
        "{}",
        summary(&out)
    );
    assert_eq!(d.also_affected.len(), 1);
    assert_eq!(d.also_affected[0].name, "api-6d8f7c9b5-w7q4z");
}

/// The same cluster when each replica asks for 1800m of the nodes' 2 cpu: a
/// pod only an empty node could take is its own request, not fragmentation
/// (istio/istio#13111: istio-pilot's 2Gi on 2.1Gi nodes).
#[test]
fn a_request_of_nearly_a_whole_node_is_the_workload_not_fragmentation() {
    let path = format!(
        "{}/tests/snapshots/pending-fragmentation.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let base = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let out = diagnose(&load(&base.replace("cpu: 1500m", "cpu: 1800m")));
    let d = about(&out, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert_root(d, Loop::Compute, "Deployment", "api");
    let s = &d.root_cause.summary;
    assert!(s.contains("1800m cpu, 90% of the most a node"), "{s}");
    assert!(d.fix.contains("Lower the cpu request"), "{}", d.fix);
}

/// The fragmentation snapshot with the Deployment's previous revision still
/// serving on n-a, asking for `before` cpu.
fn fragmented_mid_rollout(before: &str) -> String {
    let path = format!(
        "{}/tests/snapshots/pending-fragmentation.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let base = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    format!(
        r#"{base}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: api, namespace: shop, uid: d-api, annotations: {{deployment.kubernetes.io/revision: "7"}}}}, spec: {{replicas: 2, selector: {{matchLabels: {{app: api}}}}, template: {{metadata: {{labels: {{app: api}}}}, spec: {{containers: [{{name: api, image: shop/api:3.1.0, resources: {{requests: {{cpu: 1500m, memory: 1Gi}}}}}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: api-6d8f7c9b5, namespace: shop, uid: rs-api, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: api, uid: d-api, controller: true}}]}}, spec: {{replicas: 2, selector: {{matchLabels: {{app: api, pod-template-hash: 6d8f7c9b5}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: api-5f7b8c6d4, namespace: shop, uid: rs-api-old, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: api, uid: d-api, controller: true}}]}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: api, pod-template-hash: 5f7b8c6d4}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: api-5f7b8c6d4-q8r2t, namespace: shop, uid: u-api-old, labels: {{app: api, pod-template-hash: 5f7b8c6d4}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: api-5f7b8c6d4, uid: rs-api-old, controller: true}}]}}, spec: {{nodeName: n-a, containers: [{{name: api, image: shop/api:3.0.2, resources: {{requests: {{cpu: {before}, memory: 1Gi}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}]}}}}
"#
    )
}

#[test]
fn a_rollout_that_raised_a_request_no_node_has_room_for_is_the_deployment() {
    // The previous revision serves with 500m; the new one asks 1500m, and
    // the most any node has free is 1 cpu: the raise is the change to undo.
    let out = diagnose(&load(&fragmented_mid_rollout("500m")));
    let d = about(&out, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert_root(d, Loop::Compute, "Deployment", "api");
    let s = &d.root_cause.summary;
    assert!(
        s.contains("raised the cpu request from 500m cpu to 1500m cpu")
            && s.contains("api-5f7b8c6d4-q8r2t"),
        "{s}"
    );
    assert!(
        d.fix.contains("at most 1 cpu")
            && d.fix
                .contains("kubectl rollout undo deployment/api -n shop"),
        "{}",
        d.fix
    );
    // A previous revision that asked as much is no raise: the cluster is
    // fragmented, as without it.
    let out = diagnose(&load(&fragmented_mid_rollout("1500m")));
    let d = about(&out, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert_root(d, Loop::Compute, "NodeGroup", "general");
    assert!(
        d.root_cause.summary.contains("fragmentation"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn untolerated_taints_in_the_newest_wording_and_a_reused_pod_name() {
    let out = diagnose(&snapshot("pending-taint"));
    let d = about(&out, "PodPending", "ml", "trainer-5b6c7d8e9f-abcde");
    assert_root(d, Loop::Compute, "Deployment", "trainer");
    assert!(
        d.root_cause.summary.contains("dedicated=gpu:NoSchedule"),
        "{}",
        d.root_cause.summary
    );
    // The earlier incarnation's "Insufficient memory" event is not this pod's.
    let all: String = d
        .chain
        .iter()
        .flat_map(|l| l.evidence.iter())
        .cloned()
        .collect();
    assert!(!all.contains("Insufficient memory"), "{all}");
}

#[test]
fn a_node_selector_no_node_satisfies() {
    let out = diagnose(&snapshot("pending-node-selector"));
    let d = about(&out, "PodPending", "billing", "ledger-7f8e9d6c5b-q2w3e");
    assert_root(d, Loop::Compute, "Deployment", "ledger");
    assert!(
        d.root_cause.summary.contains("node-role=db") && d.root_cause.summary.contains("worker"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn autoscaler_limits_explain_an_exhausted_pool() {
    let out = diagnose(&snapshot("pending-autoscaler-max"));
    let d = about(&out, "PodPending", "jobs", "etl-0");
    assert_root(d, Loop::Compute, "NodeGroup", "workers");
    assert!(
        d.root_cause.summary.contains("max node group size reached"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_cordoned_node_in_the_volumes_zone() {
    let out = diagnose(&snapshot("pending-cordoned-zone"));
    let d = about(&out, "PodPending", "data", "redis-0");
    assert_root(d, Loop::Compute, "Node", "aks-nodepool1-1");
    assert!(
        d.fix.contains("kubectl uncordon aks-nodepool1-1"),
        "{}",
        d.fix
    );
}

#[test]
fn expired_events_fall_back_to_the_condition_and_say_so() {
    let out = diagnose(&snapshot("pending-expired-events"));
    let d = about(&out, "PodPending", "search", "es-0");
    // WaitForFirstConsumer class: the volume's zone, not the class, is the cause.
    assert_root(d, Loop::Storage, "PersistentVolume", "pvc-es-0");
    assert!(
        d.missing_evidence
            .iter()
            .any(|m| m.contains("FailedScheduling") && m.contains("expire")),
        "{:?}",
        d.missing_evidence
    );
    assert!(
        d.symptom
            .evidence
            .iter()
            .any(|e| e.contains("PodScheduled=False")),
        "{:?}",
        d.symptom.evidence
    );
}

#[test]
fn no_persistent_volumes_in_the_input_is_said_not_guessed() {
    let out = diagnose(&snapshot("pending-no-pvs"));
    let d = about(&out, "PodPending", "app", "mongo-0");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "data-mongo-0");
    assert_eq!(d.confidence, Confidence::Medium);
    assert!(
        d.missing_evidence
            .iter()
            .any(|m| m.contains("PersistentVolume")),
        "{:?}",
        d.missing_evidence
    );
}

#[test]
fn no_nodes_in_the_input_is_said_not_guessed() {
    let out = diagnose(&snapshot("pending-no-nodes"));
    let d = about(&out, "PodPending", "jobs", "worker-0");
    assert_eq!(d.root_cause.loop_, Loop::Compute);
    assert_ne!(d.confidence, Confidence::High);
    assert!(
        d.missing_evidence
            .iter()
            .any(|m| m.contains("Node objects")),
        "{:?}",
        d.missing_evidence
    );
}

// ---------------------------------------------------------------- PvcPending

#[test]
fn provisioning_refused_by_iam_is_identity_and_strands_the_pod() {
    let out = diagnose(&snapshot("pvc-provisioning-identity"));
    let pvc = about(&out, "PvcPending", "monitoring", "data-grafana");
    assert_root(
        pvc,
        Loop::Identity,
        "ServiceAccount",
        "ebs-csi-controller-sa",
    );
    assert!(
        pvc.root_cause
            .summary
            .contains("no eks.amazonaws.com/role-arn"),
        "{}",
        pvc.root_cause.summary
    );
    // The Pending pod's cause is the same identity failure, two loops away.
    let pod = about(&out, "PodPending", "monitoring", "grafana-0");
    assert_root(
        pod,
        Loop::Identity,
        "ServiceAccount",
        "ebs-csi-controller-sa",
    );
    assert!(pod.fix.contains("AmazonEBSCSIDriverPolicy"), "{}", pod.fix);
}

#[test]
fn a_claim_without_class_and_no_default() {
    let out = diagnose(&snapshot("pvc-no-class"));
    let d = about(&out, "PvcPending", "cms", "uploads");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "uploads");
    assert!(
        d.root_cause.summary.contains("no default class"),
        "{}",
        d.root_cause.summary
    );
}

// ---------------------------------------------------------------- volumes

#[test]
fn attach_across_zones_blames_the_immediate_class() {
    let out = diagnose(&snapshot("attach-zone-mismatch"));
    let d = about(&out, "FailedAttachVolume", "wiki", "wiki-0");
    assert_root(d, Loop::Storage, "StorageClass", "gp2");
    assert_eq!(d.root_cause.rule.as_deref(), Some("ST001"));
    assert!(
        d.root_cause.summary.contains("us-east-1a") && d.root_cause.summary.contains("us-east-1b"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_zone_conflict_seen_only_in_the_model() {
    let out = diagnose(&snapshot("volume-zone-model"));
    let d = about(&out, "VolumeNodeAffinityConflict", "etl", "loader");
    assert_root(d, Loop::Storage, "PersistentVolume", "pvc-pd-1");
    assert!(!d.missing_evidence.is_empty());
}

#[test]
fn multi_attach_from_replicas_sharing_a_rwo_claim() {
    let out = diagnose(&snapshot("multiattach-replicas"));
    let d = about(&out, "MultiAttach", "cms", "media-6f5d4c3b2a-bbbbb");
    assert_root(d, Loop::Storage, "Deployment", "media");
    assert!(
        d.root_cause.summary.contains("2 replicas"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn multi_attach_from_a_surge_rollout() {
    let out = diagnose(&snapshot("multiattach-surge"));
    let d = about(&out, "MultiAttach", "dev", "gitea-8c7d6e5f4a-new01");
    assert_root(d, Loop::Storage, "Deployment", "gitea");
    assert!(d.fix.contains("Recreate"), "{}", d.fix);
}

#[test]
fn a_mount_waiting_for_a_missing_secret() {
    let out = diagnose(&snapshot("failedmount-secret"));
    let d = about(&out, "FailedMount", "edge", "gateway-5f4e3d2c1b-x1y2z");
    // A missing Secret's loop follows what reads it: a volume is the
    // kubelet's volume set-up.
    assert_root(d, Loop::Storage, "Secret", "gateway-tls");
}

#[test]
fn a_missing_secret_is_identity_only_as_a_webhook_certificate_and_compute_in_env() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/snapshots/failedmount-secret.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // Mounted where controller-runtime serves its webhooks from.
    let webhook = text.replace(
        "containers: [{name: gw, image: envoyproxy/envoy:v1.31.0}]",
        "containers: [{name: gw, image: envoyproxy/envoy:v1.31.0, volumeMounts: [{name: tls, mountPath: /tmp/k8s-webhook-server/serving-certs}]}]",
    );
    assert_ne!(webhook, text);
    let out = diagnose(&load(&webhook));
    let d = about(&out, "FailedMount", "edge", "gateway-5f4e3d2c1b-x1y2z");
    assert_root(d, Loop::Identity, "Secret", "gateway-tls");
    // Behind a Service an admission webhook calls.
    let served = format!(
        "{text}- {{apiVersion: v1, kind: Service, metadata: {{name: gateway, namespace: edge}}, spec: {{selector: {{app: gateway}}, ports: [{{port: 443}}]}}}}\n- {{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {{name: gateway}}, webhooks: [{{name: gw.example.com, clientConfig: {{service: {{namespace: edge, name: gateway}}}}}}]}}\n"
    );
    let out = diagnose(&load(&served));
    let d = about(&out, "FailedMount", "edge", "gateway-5f4e3d2c1b-x1y2z");
    assert_root(d, Loop::Identity, "Secret", "gateway-tls");
    // Read through env: the container's configuration.
    let env = text
        .replace(
            "containers: [{name: gw, image: envoyproxy/envoy:v1.31.0}], volumes: [{name: tls, secret: {secretName: gateway-tls}}]",
            "containers: [{name: gw, image: envoyproxy/envoy:v1.31.0, env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: gateway-tls, key: token}}}]}]",
        )
        .replace(
            "state: {waiting: {reason: ContainerCreating}}",
            "state: {waiting: {reason: CreateContainerConfigError, message: \"secret \\\"gateway-tls\\\" not found\"}}",
        )
        .replace(
            "reason: FailedMount, message: \"MountVolume.SetUp failed for volume \\\"tls\\\" : secret \\\"gateway-tls\\\" not found\"",
            "reason: Failed, message: \"Error: secret \\\"gateway-tls\\\" not found\"",
        );
    let out = diagnose(&load(&env));
    let d = about(
        &out,
        "CreateContainerConfigError",
        "edge",
        "gateway-5f4e3d2c1b-x1y2z",
    );
    assert_root(d, Loop::Compute, "Secret", "gateway-tls");
}

#[test]
fn a_mount_waiting_on_an_attach_whose_events_expired() {
    let out = diagnose(&snapshot("failedmount-unattached"));
    let d = about(&out, "FailedMount", "queue", "queue-0");
    assert_root(d, Loop::Storage, "Pod", "queue-0");
    assert!(
        d.root_cause.summary.contains("data") && !d.root_cause.summary.contains("kube-api-access"),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.missing_evidence
            .iter()
            .any(|m| m.contains("FailedAttachVolume")),
        "{:?}",
        d.missing_evidence
    );
}

#[test]
fn an_attach_refused_by_iam_is_identity() {
    let out = diagnose(&snapshot("failedattach-identity"));
    let d = about(&out, "FailedAttachVolume", "shop", "orders-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ebs-csi-controller-sa");
}

// ---------------------------------------------------------------- images

#[test]
fn ecr_401_is_the_node_role() {
    let out = diagnose(&snapshot("image-ecr-401"));
    let d = about(
        &out,
        "ErrImagePull",
        "integrations",
        "soap-6c5b4a3d2e-pq7rs",
    );
    assert_root(d, Loop::Identity, "NodeGroup", "apps");
    assert!(
        d.fix.contains("AmazonEC2ContainerRegistryReadOnly"),
        "{}",
        d.fix
    );
}

#[test]
fn image_pull_backoff_that_is_not_identity() {
    let out = diagnose(&snapshot("image-not-found"));
    let d = about(
        &out,
        "ImagePullBackOff",
        "shop",
        "checkout-7d6c5b4a39-jk8lm",
    );
    assert_root(d, Loop::Compute, "Deployment", "checkout");
    assert!(
        d.root_cause.summary.contains("not the credentials"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_pull_timeout_is_the_network_path() {
    let out = diagnose(&snapshot("image-network"));
    let d = about(&out, "ImagePullBackOff", "batch", "worker-0");
    assert_root(d, Loop::Network, "NodeGroup", "apps");
    assert!(d.fix.contains("VPC endpoints"), "{}", d.fix);
}

#[test]
fn docker_hub_rate_limit() {
    let out = diagnose(&snapshot("image-ratelimit"));
    let d = about(&out, "ErrImagePull", "web", "nginx-0");
    // The limit is the registry's, outside the cluster's objects.
    assert!(d.unexplained, "{d:?}");
    assert!(d.fix.contains("imagePullSecret"), "{}", d.fix);
    assert!(!d.missing_evidence.is_empty());
}

#[test]
fn acr_token_refused_on_aks() {
    let out = diagnose(&snapshot("image-acr"));
    let d = about(&out, "ImagePullBackOff", "web", "portal-0");
    assert_root(d, Loop::Identity, "NodeGroup", "nodepool1");
    assert!(d.fix.contains("--attach-acr contosoreg"), "{}", d.fix);
}

#[test]
fn a_pull_error_without_its_text_is_low_confidence() {
    let out = diagnose(&snapshot("image-no-events"));
    let d = about(&out, "ImagePullBackOff", "billing", "billing-0");
    assert_eq!(d.confidence, Confidence::Low);
    assert!(
        d.missing_evidence
            .iter()
            .any(|m| m.contains("Failed to pull image")),
        "{:?}",
        d.missing_evidence
    );
}

#[test]
fn events_expired_but_the_back_off_message_keeps_the_last_pull_error() {
    // Newer kubelets append the last pull's error to the back-off message
    // (`pkg/kubelet/images/image_manager.go`), so it outlives the events.
    let old = r#"message: "Back-off pulling image \"registry.example.com/billing:4.0\"""#;
    let new = r#"message: "Back-off pulling image \"registry.example.com/billing:4.0\": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"registry.example.com/billing:4.0\": failed to resolve reference \"registry.example.com/billing:4.0\": registry.example.com/billing:4.0: not found""#;
    let path = format!(
        "{}/tests/snapshots/image-no-events.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{path} changed");
    let out = diagnose(&load(&text.replace(old, new)));
    let d = about(&out, "ImagePullBackOff", "billing", "billing-0");
    assert_root(d, Loop::Compute, "Pod", "billing-0");
    assert!(
        !d.missing_evidence
            .iter()
            .any(|m| m.contains("Failed to pull image")),
        "{:?}",
        d.missing_evidence
    );
}

// ---------------------------------------------------------------- crashes

#[test]
fn a_liveness_probe_killing_a_slow_start() {
    let out = diagnose(&snapshot("crashloop-liveness"));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "monitoring",
        "grafana-579c9bccc5-dl4ld",
    );
    assert_root(d, Loop::Compute, "Deployment", "grafana");
    assert!(
        d.root_cause.summary.contains("liveness probe kills"),
        "{}",
        d.root_cause.summary
    );
    // Killed 91 s after its start, inside the probe's 90 s budget plus slack.
    assert!(
        d.root_cause.summary.contains("no startupProbe"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("startupProbe"), "{}", d.fix);
    // The field that buys the start its time, with what it waits now.
    assert!(
        d.fix.contains("`livenessProbe.initialDelaySeconds`") && d.fix.contains("waits (90s"),
        "{}",
        d.fix
    );
}

#[test]
fn a_readiness_probe_on_a_path_the_app_does_not_serve() {
    let out = diagnose(&snapshot("probe-failing"));
    let d = about(&out, "ProbeFailing", "shop", "api-5d8f7c9b6-q2w3e");
    assert_root(d, Loop::Compute, "Deployment", "api");
    assert!(
        d.root_cause.summary.contains("/health") && d.root_cause.summary.contains("404"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("/health"), "{}", d.fix);
    // Readiness failing only: the Service serves from the other replica without it.
    assert!(
        d.chain
            .iter()
            .any(|l| l.object.kind == "Service" && l.what.contains("loses pod api-5d8f7c9b6-q2w3e")),
        "{:#?}",
        d.chain
    );
}

#[test]
fn a_liveness_probe_on_a_port_the_container_does_not_declare() {
    let out = diagnose(&snapshot("probe-failing"));
    let d = about(&out, "ProbeFailing", "shop", "worker-6b7c8d9e0-r4t5y");
    assert_root(d, Loop::Compute, "Deployment", "worker");
    assert!(
        d.root_cause.summary.contains("9090") && d.root_cause.summary.contains("9000"),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.fix.contains("port 9000") && d.fix.contains("9090"),
        "both ports are named: {}",
        d.fix
    );
    // A Ready pod whose probe failed before its last restart is healthy now.
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.symptom.object.name == "cache-0"),
        "{}",
        common::summary(&out)
    );
    // One symptom per container: the crash-loop detector leaves it to ProbeFailing.
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.symptom.kind == "CrashLoopBackOff"),
        "{}",
        common::summary(&out)
    );
}

#[test]
fn exit_code_127_is_the_command() {
    let out = diagnose(&snapshot("crashloop-exit127"));
    let d = about(&out, "CrashLoopBackOff", "shop", "migrate-7f6e5d4c3b-aa1bb");
    assert_root(d, Loop::Compute, "Deployment", "migrate");
    assert!(
        d.root_cause.summary.contains("exit code 127"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn oom_at_the_memory_limit() {
    let out = diagnose(&snapshot("oom-limit"));
    let d = about(&out, "OOMKilled", "search", "search-api-58d7c6b5a4-zz1aa");
    assert_root(d, Loop::Compute, "Deployment", "search-api");
    assert!(
        d.root_cause.summary.contains("256Mi"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn oom_without_a_limit_is_the_node() {
    let out = diagnose(&snapshot("oom-node"));
    let d = about(&out, "OOMKilled", "bi", "report-gen-6b5a4c3d2e-oo1pp");
    assert_root(d, Loop::Compute, "Deployment", "report-gen");
    assert!(
        d.root_cause.summary.contains("no memory limit"),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.chain.iter().any(|l| l.what.contains("SystemOOM")),
        "{:#?}",
        d.chain
    );
}

// ---------------------------------------------------------------- StatefulSets

#[test]
fn a_statefulset_blocked_by_a_crash_looping_pod() {
    let out = diagnose(&snapshot("sts-stuck-crashloop"));
    let d = about(&out, "StatefulSetRolloutStuck", "streams", "kafka");
    assert_root(d, Loop::Compute, "StatefulSet", "kafka");
    assert!(
        d.chain.iter().any(|l| l.what.contains("waits for kafka-1")),
        "{:#?}",
        d.chain
    );
}

#[test]
fn a_statefulset_rollout_stuck_on_readiness() {
    let out = diagnose(&snapshot("sts-stuck-readiness"));
    let d = about(&out, "StatefulSetRolloutStuck", "site", "web");
    assert_root(d, Loop::Network, "StatefulSet", "web");
    assert!(
        d.fix.contains("67250"),
        "the forced-rollback trap is named: {}",
        d.fix
    );
}

// ---------------------------------------------------------------- Services and Ingresses

#[test]
fn a_502_caused_by_compute() {
    let out = diagnose(&snapshot("service-pending-pods"));
    let svc = about(&out, "ServiceWithoutReadyEndpoints", "shop", "web");
    assert_root(svc, Loop::Compute, "Deployment", "web");
    let ing = about(&out, "IngressBackendUnavailable", "shop", "web");
    assert_root(ing, Loop::Compute, "Deployment", "web");
    assert!(
        ing.root_cause.summary.contains("16 cpu"),
        "{}",
        ing.root_cause.summary
    );
    assert!(
        ing.chain.iter().any(|l| l.loop_ == Loop::Network)
            && ing.chain.iter().any(|l| l.loop_ == Loop::Compute)
    );
}

#[test]
fn a_selector_that_matches_no_pod() {
    let out = diagnose(&snapshot("service-selector"));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "shop", "checkout");
    assert_root(d, Loop::Network, "Service", "checkout");
    assert!(
        d.root_cause
            .summary
            .contains("app=checkout (Service wants checkout-v2)"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_target_port_no_pod_declares() {
    let out = diagnose(&snapshot("service-port"));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "api", "api");
    assert_root(d, Loop::Network, "Service", "api");
    assert!(
        d.root_cause.summary.contains("\"web\""),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn an_ingress_routing_to_a_renamed_service() {
    let out = diagnose(&snapshot("ingress-missing-service"));
    let d = about(&out, "IngressBackendMissing", "shop", "storefront");
    assert_root(d, Loop::Network, "Ingress", "storefront");
    assert!(
        d.root_cause.summary.contains("storefront-web"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn an_ingress_routing_to_a_missing_port() {
    let out = diagnose(&snapshot("ingress-missing-port"));
    let d = about(&out, "IngressBackendMissing", "docs", "docs");
    assert_root(d, Loop::Network, "Ingress", "docs");
}

// ---------------------------------------------------------------- nodes

#[test]
fn a_not_ready_node_whose_cni_failed_is_network() {
    let out = diagnose(&snapshot("node-cni"));
    let d = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "NodeNotReady")
        .expect("NodeNotReady");
    assert_root(d, Loop::Network, "DaemonSet", "aws-node");
}

#[test]
fn a_node_that_stopped_reporting() {
    let out = diagnose(&snapshot("node-lost"));
    let d = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "NodeNotReady")
        .expect("NodeNotReady");
    assert_root(d, Loop::Compute, "Node", "worker-3");
    // What it takes down, by name.
    assert!(
        d.root_cause
            .summary
            .contains("1 pod(s) there are unreachable (default/app-1)"),
        "{}",
        d.root_cause.summary
    );
}

// ---------------------------------------------------------------- every case

#[test]
fn every_chain_is_in_time_order() {
    let dir = format!("{}/tests/snapshots", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let out = diagnose(&load(&std::fs::read_to_string(&path).unwrap()));
        assert!(
            !out.diagnoses.is_empty(),
            "{}: no diagnosis",
            path.display()
        );
        for d in &out.diagnoses {
            let times: Vec<jiff::Timestamp> = d.chain.iter().filter_map(|l| l.at).collect();
            assert!(
                times.windows(2).all(|w| w[0] <= w[1]),
                "{}: {:#?}",
                path.display(),
                d.chain
            );
            assert!(
                !d.fix.is_empty(),
                "{}: {} has no fix",
                path.display(),
                d.symptom.kind
            );
        }
        // Incidents are numbered from 1 in report order, and the diagnoses
        // of one incident are adjacent and share its root cause: renderers
        // group them by that number (`Report::incidents`).
        assert_eq!(out.diagnoses[0].incident, 1, "{}", path.display());
        for w in out.diagnoses.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert!(
                b.incident == a.incident || b.incident == a.incident + 1,
                "{}: incident {} follows {}",
                path.display(),
                b.incident,
                a.incident
            );
            if b.incident == a.incident {
                let key = |d: &day2_model::report::Diagnosis| {
                    (
                        d.root_cause.loop_,
                        d.root_cause.rule.clone(),
                        d.root_cause.object.clone(),
                    )
                };
                assert_eq!(key(a), key(b), "{}", path.display());
                assert_eq!(a.chain, b.chain, "{}", path.display());
            }
        }
    }
}

#[test]
fn the_control_plane_scenarios_offline() {
    let out = diagnose(&snapshot("control-plane-scenarios"));
    let d = about(&out, "PodPending", "e2e-domino", "postgres-0");
    assert_root(d, Loop::Storage, "StorageClass", "e2e-gp3");
    let d = about(&out, "PodPending", "e2e-frag", "big");
    assert_eq!(d.root_cause.loop_, Loop::Compute);
    assert!(
        d.root_cause.summary.contains("fragmentation"),
        "{}",
        d.root_cause.summary
    );
    assert_root(
        about(&out, "PodPending", "e2e-taint", "db-only"),
        Loop::Compute,
        "Pod",
        "db-only",
    );
    // The Service is its own diagnosis (a network symptom, a compute cause).
    let svc = out
        .diagnoses
        .iter()
        .find(|d| {
            d.symptom.kind == "ServiceWithoutReadyEndpoints" && d.symptom.object.name == "web"
        })
        .unwrap_or_else(|| panic!("{}", summary(&out)));
    assert_eq!(svc.root_cause.loop_, Loop::Compute);
}

#[test]
fn pods_of_one_spec_in_two_namespaces_are_judged_apart() {
    // Spread is counted within the namespace: zone a is closed to skewed's
    // pod and open to calm's, though both pods have the same spec.
    let out = diagnose(&snapshot("pending-spread-two-namespaces"));
    let skewed = &about(&out, "PodPending", "skewed", "web-3").root_cause;
    let calm = &about(&out, "PodPending", "calm", "web-3").root_cause;
    assert!(
        skewed.summary.contains("(node-b 1 cpu)") && !skewed.summary.contains("node-a"),
        "{}",
        skewed.summary
    );
    assert!(calm.summary.contains("node-a 7 cpu"), "{}", calm.summary);
}

#[test]
fn a_replicaset_refused_by_its_quota_names_the_quota_and_a_stale_refusal_is_not_a_symptom() {
    // The refusal's format: "exceeded quota: %s, requested: %s, used: %s, limited: %s"
    // (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go).
    let out = diagnose(&load(
        r#"apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ResourceQuota, metadata: {name: team-quota, namespace: shop}, spec: {hard: {limits.cpu: "2"}}, status: {hard: {limits.cpu: "2"}, used: {limits.cpu: "2"}}}
- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: api-5d8c7b9f4, namespace: shop, uid: u-rs1, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: u-d1, controller: true}]}, spec: {replicas: 2, selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}]}}}, status: {replicas: 1}}
- {apiVersion: v1, kind: Event, metadata: {name: rs.1, namespace: shop}, involvedObject: {kind: ReplicaSet, namespace: shop, name: api-5d8c7b9f4, uid: u-rs1}, reason: FailedCreate, message: "Error creating: pods \"api-5d8c7b9f4-x2x2x\" is forbidden: exceeded quota: team-quota, requested: limits.cpu=1, used: limits.cpu=2, limited: limits.cpu=2", type: Warning, source: {component: replicaset-controller}, firstTimestamp: "2026-03-02T12:00:00Z", lastTimestamp: "2026-03-02T12:10:00Z", count: 9}
- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: web-6c9d8e7f5, namespace: shop, uid: u-rs2}, spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: web:1}]}}}, status: {replicas: 1}}
- {apiVersion: v1, kind: Event, metadata: {name: rs.2, namespace: shop}, involvedObject: {kind: ReplicaSet, namespace: shop, name: web-6c9d8e7f5, uid: u-rs2}, reason: FailedCreate, message: "Error creating: pods \"web-6c9d8e7f5-a1a1a\" is forbidden: exceeded quota: team-quota", type: Warning, source: {component: replicaset-controller}, firstTimestamp: "2026-03-02T08:00:00Z", lastTimestamp: "2026-03-02T08:01:00Z", count: 2}
"#,
    ));
    let d = about(&out, "PodCreateFailed", "shop", "api-5d8c7b9f4");
    assert_root(d, Loop::Compute, "ResourceQuota", "team-quota");
    assert!(
        d.fix.contains("quota") && d.fix.contains("Deployment"),
        "{}",
        d.fix
    );
    // The other ReplicaSet has all its pods now: its old refusal is history.
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.symptom.object.name == "web-6c9d8e7f5"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_lost_zone_is_one_incident_with_what_it_takes_down() {
    // Zones and Deployment from kubernetes/kubernetes#123019: E01 (three
    // nodes) lost at once while E02 and E03 stay Ready.
    let out = diagnose(&snapshot("zone-outage"));
    let nodes: Vec<_> = out
        .diagnoses
        .iter()
        .filter(|d| d.symptom.kind == "NodeNotReady")
        .collect();
    assert_eq!(nodes.len(), 1, "{}", summary(&out));
    let d = nodes[0];
    assert_eq!(d.also_affected.len(), 2, "{}", summary(&out));
    assert_eq!(d.root_cause.loop_, Loop::Compute);
    let s = &d.root_cause.summary;
    for want in [
        "zone E01: 3 of its 3 nodes stopped reporting",
        "E02, E03 stayed Ready",
        "StatefulSet/default/db",
        "default/data-db-0",
        "1 volume(s) are still attached",
        "DoNotSchedule",
        "Deployment/default/dummy",
    ] {
        assert!(s.contains(want), "{want:?} not in {s}");
    }
    // The Deployment still runs in E02 and E03: not stranded.
    assert!(
        s.contains("1 workload(s) have no pod left in another zone (StatefulSet/default/db)"),
        "{s}"
    );
    for want in ["nodeTaintsPolicy: Honor", "out-of-service", "regional"] {
        assert!(d.fix.contains(want), "{want:?} not in {}", d.fix);
    }
    // The database's stuck rollout is the zone's doing, not its probe's.
    let sts = about(&out, "StatefulSetRolloutStuck", "default", "db");
    assert_eq!(
        sts.root_cause.object,
        d.root_cause.object,
        "{}",
        summary(&out)
    );
    assert!(
        sts.root_cause.summary.contains("zone E01"),
        "{}",
        summary(&out)
    );
}

#[test]
fn one_lost_node_among_ready_ones_is_not_a_zone_outage() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/snapshots/zone-outage.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // Only node1 lost: E01 keeps two of three nodes.
    let text = text
        .replacen("status: Unknown", "status: 'True'", 2)
        .replacen("NodeStatusUnknown", "KubeletReady", 2)
        .replacen(
            "Kubelet stopped posting node status.",
            "kubelet is posting ready status",
            2,
        );
    let out = diagnose(&load(&text));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| !d.root_cause.summary.contains("zone E01")),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_crash_with_a_bare_exit_code_follows_the_dependency_it_names() {
    let out = diagnose(&snapshot("crash-dependency-down"));
    // DATABASE_URL names orders-db, whose Deployment is scaled to zero.
    let web = about(&out, "CrashLoopBackOff", "shop", "web-7c9d8f6b5-q2w3e");
    assert_root(web, Loop::Compute, "Deployment", "orders-db");
    assert!(
        web.root_cause.summary.contains("scaled to 0"),
        "{}",
        summary(&out)
    );
    assert!(
        web.chain.iter().any(|l| l
            .what
            .contains("dependency Service shop/orders-db (DATABASE_URL)")),
        "{}",
        summary(&out)
    );
    // An init container waiting for the name (`until nslookup orders-db.…`) counts too.
    let worker = about(&out, "CrashLoopBackOff", "shop", "worker-0");
    assert_root(worker, Loop::Compute, "Deployment", "orders-db");
}

#[test]
fn a_reference_to_nothing_explains_a_symptom_whose_text_says_little() {
    let out = diagnose(&snapshot("walk-references"));
    let d = about(&out, "ImagePullBackOff", "default", "v2ray-x86-r5m29");
    assert_root(d, Loop::Identity, "Secret", "docker-registry-poseidon");
    assert!(
        d.root_cause.summary.contains("does not exist"),
        "{}",
        summary(&out)
    );
    assert!(!d.unexplained);
}

#[test]
fn a_reference_the_input_cannot_check_is_not_blamed() {
    // Without any Secret in the input, the pull secret cannot be checked:
    // no cause is claimed from it.
    let text = std::fs::read_to_string(format!(
        "{}/tests/snapshots/walk-references.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let start = text.find("apiVersion: v1\nkind: Secret").unwrap();
    let end = start + text[start..].find("---\n").unwrap() + 4;
    let text = format!("{}{}", &text[..start], &text[end..]);
    let out = diagnose(&load(&text));
    let d = about(&out, "ImagePullBackOff", "default", "v2ray-x86-r5m29");
    assert_ne!(d.root_cause.object.kind, "Secret", "{}", summary(&out));
}

#[test]
fn the_injected_token_volume_is_not_a_reference_of_the_workload() {
    // The API server's `kube-api-access-*` volume projects kube-root-ca.crt,
    // which a snapshot of some ConfigMaps may lack: not a dangling reference.
    let text = std::fs::read_to_string(format!(
        "{}/tests/snapshots/walk-references.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace("name: kube-root-ca.crt", "name: app-config")
    .replace(
        "  imagePullSecrets:",
        "  volumes:\n    - name: kube-api-access-x7k2p\n      projected:\n        sources:\n          - serviceAccountToken: {path: token}\n          - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}\n  imagePullSecrets:",
    );
    assert!(text.contains("kube-api-access-x7k2p"));
    let out = diagnose(&load(&text));
    let d = about(&out, "ImagePullBackOff", "default", "v2ray-x86-r5m29");
    assert_root(d, Loop::Identity, "Secret", "docker-registry-poseidon");
}
