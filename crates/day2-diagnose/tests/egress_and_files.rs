//! What a program meets on its way out or at start: an egress that only a
//! proxy passes (kubernetes/autoscaler#5487), a volume mounted whole where a
//! file was expected (rabbitmq/cluster-operator#1422), a Java refusal of a
//! path that is no cloud's (elastic/helm-charts#889), a client's own access
//! review (open-telemetry/opentelemetry-operator#3086), a stale network
//! mount (kubernetes-sigs/nfs-subdir-external-provisioner#214), CNI plugins
//! older than the runtime (containerd/containerd#6876), and replicas a
//! NetworkPolicy keeps apart (strimzi/strimzi-kafka-operator#2380). Each with
//! the sibling that must read otherwise.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

const STS_TIMEOUT: &str = "WebIdentityErr: failed to retrieve credentials\ncaused by: RequestError: send request failed\ncaused by: Post \"https://sts.us-west-1.amazonaws.com/\": dial tcp 176.32.112.54:443: i/o timeout";

/// A proxy ConfigMap in kube-system that aws-node reads, and the crashing
/// `web` with `extra` on its container.
fn behind_proxy(extra: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        r#"
- {apiVersion: v1, kind: ConfigMap, metadata: {name: proxy-environment-variables, namespace: kube-system}, data: {HTTPS_PROXY: "http://squid.corp.internal:3128", NO_PROXY: "10.0.0.0/8,.svc,.cluster.local,169.254.169.254"}}
- {apiVersion: v1, kind: Pod, metadata: {name: aws-node-1, namespace: kube-system, uid: u-aws}, spec: {nodeName: n1, containers: [{name: aws-node, image: "aws-node:1", envFrom: [{configMapRef: {name: proxy-environment-variables}}]}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}
"#,
        &crashing(extra, STS_TIMEOUT),
    ])
}

#[test]
fn a_timeout_to_the_cloud_from_the_one_workload_without_the_cluster_s_proxy() {
    let out = diagnose(&behind_proxy(""));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(d.fix.contains("proxy-environment-variables"), "{}", d.fix);
    // The workload sets its own proxy: the proxy is not what it lacks.
    let out = diagnose(&behind_proxy(
        "env: [{name: HTTPS_PROXY, value: \"http://squid.corp.internal:3128\"}]",
    ));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("proxy-environment-variables"), "{}", d.fix);
}

#[test]
fn a_secret_mounted_whole_where_the_program_expects_a_file() {
    let said = "BOOT FAILED\nError during startup: {\"Cookie file /var/lib/rabbitmq/.erlang.cookie is of type directory\", []}";
    let whole = "volumeMounts: [{name: cookie, mountPath: /var/lib/rabbitmq/.erlang.cookie}]";
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing(whole, said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(d.fix.contains("subPath"), "{}", d.fix);
    // Mounted by key: the mount is not what the program refuses.
    let keyed = "volumeMounts: [{name: cookie, mountPath: /var/lib/rabbitmq/.erlang.cookie, subPath: .erlang.cookie}]";
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing(keyed, said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("give the volume mount"), "{}", d.fix);
}

#[test]
fn java_refusing_a_path_is_no_cloud_identity() {
    let said =
        "Caused by: java.nio.file.AccessDeniedException: /usr/share/elasticsearch/data/nodes";
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    // AWS's own refusal of the same exception name is the identity's.
    let said = "AccessDeniedException: User: arn:aws:sts::1:assumed-role/node/i-0 is not authorized to perform: dynamodb:PutItem";
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_eq!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
}

#[test]
fn a_client_s_own_access_review_is_read_as_rbac() {
    let said = r#"Failed to create namespace informer: missing list/watch permissions on the 'namespaces' resource: missing "list" permission on resource "namespaces" (group: "") for all namespaces"#;
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_eq!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    assert!(d.fix.contains("namespaces"), "{}", d.fix);
}

#[test]
fn a_stale_network_mount_the_runtime_cannot_use() {
    let said = "failed to start container \"3f2b\": Error response from daemon: error while creating mount source path '/var/lib/kubelet/pods/u-web/volumes/kubernetes.io~nfs/root': mkdir /var/lib/kubelet/pods/u-web/volumes/kubernetes.io~nfs/root: file exists";
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Storage, "Deployment", "web");
    assert!(d.fix.contains("stale"), "{}", d.fix);
    // A local directory the runtime cannot make is not a stale export.
    let said = said.replace("kubernetes.io~nfs", "kubernetes.io~empty-dir");
    let out = diagnose(&cluster(&[&node("n1", "6.1.0"), &crashing("", &said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("stale mount"), "{}", d.fix);
}

/// A pod on `n1` whose sandbox fails with `message`.
fn sandbox(message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: Pod, metadata: {{name: api-1, namespace: app, uid: u-a}}, spec: {{nodeName: n1, containers: [{{name: api, image: "api:1"}}]}}, status: {{phase: Pending, containerStatuses: [{{name: api, image: "api:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: s1, namespace: app}}, involvedObject: {{kind: Pod, name: api-1, namespace: app, uid: u-a}}, reason: FailedCreatePodSandBox, message: {message:?}, type: Warning, count: 30, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn cni_plugins_older_than_the_configuration_the_runtime_writes() {
    let said = r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="loopback" failed (add): incompatible CNI versions; config is "1.0.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0"]"#;
    let out = diagnose(&sandbox(said));
    let d = about(&out, "SandboxCreateFailed", "app", "api-1");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(d.fix.contains("1.0.0"), "{}", d.fix);
    let out = diagnose(&sandbox(
        r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized"#,
    ));
    let d = about(&out, "SandboxCreateFailed", "app", "api-1");
    assert!(!d.fix.contains("cniVersion"), "{}", d.fix);
}

/// Two running, unready replicas of StatefulSet `kafka` declaring ports
/// 9091 and 9092, and a policy isolating them that admits `ports`.
fn brokers(ports: &str) -> day2_model::Cluster {
    let pod = |i: u32| {
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: kafka-{i}, namespace: kafka, uid: u-k{i}, labels: {{app: kafka}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: kafka, uid: u-sts, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: kafka, image: \"kafka:1\", ports: [{{name: replication, containerPort: 9091}}, {{name: clients, containerPort: 9092}}], readinessProbe: {{exec: {{command: [ready.sh]}}}}}}]}}, status: {{phase: Running, podIP: 10.244.0.1{i}, conditions: [{{type: Ready, status: \"False\"}}], containerStatuses: [{{name: kafka, image: \"kafka:1\", imageID: \"\", ready: false, restartCount: 0, state: {{running: {{startedAt: \"2026-03-02T10:00:00Z\"}}}}}}]}}}}\n- {{apiVersion: v1, kind: Event, metadata: {{name: u{i}, namespace: kafka}}, involvedObject: {{kind: Pod, name: kafka-{i}, namespace: kafka, uid: u-k{i}}}, reason: Unhealthy, message: \"Readiness probe failed: \", type: Warning, count: 90, firstTimestamp: \"2026-03-02T10:00:30Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {{component: kubelet}}}}\n"
        )
    };
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: kafka, namespace: kafka, uid: u-sts, generation: 1}}, spec: {{replicas: 2, serviceName: kafka, selector: {{matchLabels: {{app: kafka}}}}, template: {{metadata: {{labels: {{app: kafka}}}}, spec: {{containers: [{{name: kafka, image: "kafka:1"}}]}}}}}}, status: {{observedGeneration: 1, replicas: 2, readyReplicas: 0, currentReplicas: 2, updatedReplicas: 2}}}}
- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: kafka-policy, namespace: kafka}}, spec: {{podSelector: {{matchLabels: {{app: kafka}}}}, policyTypes: [Ingress], ingress: [{{ports: [{ports}]}}]}}}}
"#
        ),
        &pod(0),
        &pod(1),
    ])
}

#[test]
fn replicas_a_policy_keeps_apart_on_a_port_they_declare() {
    let out = diagnose(&brokers("{port: 9092}"));
    let d = about(&out, "StatefulSetRolloutStuck", "kafka", "kafka");
    assert_root(d, Loop::Network, "NetworkPolicy", "kafka-policy");
    assert!(d.fix.contains("9091"), "{}", d.fix);
    // Every declared port admitted: the policy is not what keeps them unready.
    let out = diagnose(&brokers("{port: 9091}, {port: 9092}"));
    let d = about(&out, "StatefulSetRolloutStuck", "kafka", "kafka");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}
