//! How pods find and vouch for each other, followed to the setting that
//! breaks it: one pod's DNS record under a headless Service
//! (cockroachdb/helm-charts#195), a command-line flag naming a Service
//! that does not exist (grafana/alloy#1349), an exec probe without the
//! password its server asks for (sourcegraph/deploy-sourcegraph-helm#457),
//! a child process killed under the memory limit (vitessio/vitess#13118),
//! and a webhook that does not answer in time (openkruise/kruise#634). Each
//! with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1}, status: {allocatable: {cpu: "8", memory: 32Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.27.3, osImage: Ubuntu 22.04.4 LTS, kernelVersion: 5.15.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.27.3, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: db}}"#;

/// A crash-looping client pod of Job `init` whose last words are `words`.
fn client(words: &str) -> String {
    let words = words.replace('"', "\\\"");
    format!(
        r#"
- {{apiVersion: batch/v1, kind: Job, metadata: {{name: init, namespace: db, uid: j1}}, spec: {{template: {{spec: {{restartPolicy: OnFailure, containers: [{{name: init, image: "cockroachdb/cockroach:v21.1.11"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: init-t8fqd, namespace: db, uid: pj, ownerReferences: [{{apiVersion: batch/v1, kind: Job, name: init, uid: j1, controller: true}}]}}, spec: {{nodeName: w1, restartPolicy: OnFailure, containers: [{{name: init, image: "cockroachdb/cockroach:v21.1.11"}}]}}, status: {{phase: Running, containerStatuses: [{{name: init, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{words}", startedAt: "2021-10-19T00:28:05Z", finishedAt: "2021-10-19T00:28:06Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-j, namespace: db}}, involvedObject: {{kind: Pod, namespace: db, name: init-t8fqd, uid: pj}}, reason: BackOff, type: Warning, count: 20, firstTimestamp: "2021-10-19T00:23:00Z", lastTimestamp: "2021-10-19T00:30:00Z", source: {{component: kubelet, host: w1}}, message: "Back-off restarting failed container"}}"#
    )
}

/// A StatefulSet `crdb` (serviceName `service_name`) whose pod crdb-0 is
/// `ready`, behind headless Service `crdb` (`publish` not-ready addresses).
fn database(service_name: &str, ready: bool, publish: bool) -> String {
    let status = if ready { "True" } else { "False" };
    format!(
        r#"
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: crdb, namespace: db, uid: s1}}, spec: {{serviceName: {service_name}, replicas: 1, selector: {{matchLabels: {{app: crdb}}}}, template: {{metadata: {{labels: {{app: crdb}}}}, spec: {{containers: [{{name: db, image: "cockroachdb/cockroach:v21.1.11"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: crdb-0, namespace: db, uid: p0, labels: {{app: crdb}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: crdb, uid: s1, controller: true}}]}}, spec: {{nodeName: w1, hostname: crdb-0, subdomain: {service_name}, containers: [{{name: db, image: "cockroachdb/cockroach:v21.1.11"}}]}}, status: {{phase: Running, podIP: 10.0.0.9, conditions: [{{type: Ready, status: "{status}"}}], containerStatuses: [{{name: db, ready: {ready}, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2021-10-19T00:22:50Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: crdb, namespace: db, uid: svc1}}, spec: {{clusterIP: None, publishNotReadyAddresses: {publish}, selector: {{app: crdb}}, ports: [{{name: grpc, port: 26257}}]}}}}"#
    )
}

const NO_SUCH_HOST: &str = r#"initial connection heartbeat failed: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial tcp: lookup crdb-0.crdb on 10.96.0.10:53: no such host""#;

fn list(parts: &[&str]) -> String {
    format!("apiVersion: v1\nkind: List\nitems:{}\n", parts.concat())
}

#[test]
fn a_pods_record_under_a_headless_service_is_followed_to_what_withholds_it() {
    // Not Ready and not published: the record does not exist until the
    // pods are Ready, which they wait for the client to make them.
    let out = diagnose(&load(&list(&[
        NODE,
        &database("crdb", false, false),
        &client(NO_SUCH_HOST),
    ])));
    let d = about(&out, "CrashLoopBackOff", "db", "init-t8fqd");
    assert_root(d, Loop::Network, "Service", "crdb");
    assert!(
        d.fix.contains("publishNotReadyAddresses: true"),
        "{}",
        d.fix
    );
    // The StatefulSet's serviceName names another Service: no record ever.
    let out = diagnose(&load(&list(&[
        NODE,
        &database("cockroach", true, true),
        &client(NO_SUCH_HOST),
    ])));
    let d = about(&out, "CrashLoopBackOff", "db", "init-t8fqd");
    assert_root(d, Loop::Network, "StatefulSet", "crdb");
    assert!(d.fix.contains("serviceName: crdb"), "{}", d.fix);
    // Published now: the client asked too early, and runs again.
    let out = diagnose(&load(&list(&[
        NODE,
        &database("crdb", false, true),
        &client(NO_SUCH_HOST),
    ])));
    let d = about(&out, "CrashLoopBackOff", "db", "init-t8fqd");
    assert_root(d, Loop::Network, "Job", "init");
    assert!(d.fix.contains("until nslookup crdb-0.crdb"), "{}", d.fix);
}

#[test]
fn a_flag_naming_a_missing_service_is_the_setting_to_change() {
    let text = |arg: &str| {
        list(&[
            NODE,
            r#"
- {apiVersion: v1, kind: Service, metadata: {name: relay, namespace: db, uid: svc2}, spec: {clusterIP: 10.96.88.40, selector: {app: relay}, ports: [{port: 12345}]}}"#,
            &client(r#"level=error msg="failed to resolve SRV records: lookup relay-cluster on 10.96.0.10:53: no such host""#)
                .replace(
                    r#"containers: [{name: init, image: "cockroachdb/cockroach:v21.1.11"}]}, status"#,
                    &format!(r#"containers: [{{name: init, image: "grafana/alloy:v1.2.1", args: [run, "{arg}"]}}]}}, status"#),
                ),
        ])
    };
    let out = diagnose(&load(&text("--cluster.join-addresses=relay-cluster")));
    let d = about(&out, "CrashLoopBackOff", "db", "init-t8fqd");
    assert_root(d, Loop::Network, "Service", "relay-cluster");
    assert!(
        d.fix.contains("`--cluster.join-addresses=relay-cluster`"),
        "{}",
        d.fix
    );
    assert!(d.fix.contains("`relay.db`"), "{}", d.fix);
    // No flag holds the name: the generic advice, no flag quoted.
    let out = diagnose(&load(&text("--config=/etc/alloy/config.alloy")));
    let d = about(&out, "CrashLoopBackOff", "db", "init-t8fqd");
    assert!(!d.fix.contains("--cluster.join-addresses"), "{}", d.fix);
}

/// Redis behind Service `redis`, its readiness probe `probe`, failing with
/// `said`.
fn redis(probe: &str, said: &str) -> String {
    list(&[
        NODE,
        &format!(
            r#"
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: redis, namespace: db, uid: d1}}, spec: {{selector: {{matchLabels: {{app: redis}}}}, template: {{metadata: {{labels: {{app: redis}}}}, spec: {{containers: [{{name: redis, image: "redis:7", readinessProbe: {probe}}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: redis-7d8, namespace: db, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: redis, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: redis}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: redis-7d8-9tr2m, namespace: db, uid: pr, labels: {{app: redis}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: redis-7d8, uid: rs1, controller: true}}]}}, spec: {{nodeName: w1, containers: [{{name: redis, image: "redis:7", readinessProbe: {probe}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: redis, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2024-02-01T10:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: redis, namespace: db, uid: svc3}}, spec: {{clusterIP: 10.96.7.7, selector: {{app: redis}}, ports: [{{port: 6379}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-r, namespace: db}}, involvedObject: {{kind: Pod, namespace: db, name: redis-7d8-9tr2m, uid: pr}}, reason: Unhealthy, type: Warning, count: 90, firstTimestamp: "2024-02-01T10:00:10Z", lastTimestamp: "2024-02-01T10:15:00Z", source: {{component: kubelet, host: w1}}, message: "Readiness probe failed: {said}"}}"#
        ),
    ])
}

#[test]
fn an_exec_probe_without_the_servers_password_is_its_own_failure() {
    let exec = r#"{exec: {command: [/bin/sh, -c, "redis-cli ping"]}}"#;
    let out = diagnose(&load(&redis(
        exec,
        "(error) NOAUTH Authentication required.",
    )));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "db", "redis");
    assert_root(d, Loop::Compute, "Deployment", "redis");
    assert!(d.fix.contains("REDISCLI_AUTH"), "{}", d.fix);
    // The server is loading its data: a readiness failure, not a password.
    let out = diagnose(&load(&redis(
        exec,
        "LOADING Redis is loading the dataset in memory",
    )));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "db", "redis");
    assert!(!d.fix.contains("REDISCLI_AUTH"), "{}", d.fix);
}

#[test]
fn an_exec_probe_whose_program_the_image_lacks_is_the_probe() {
    // grafana/alloy#4226: a chart probing with curl on an image without it.
    let exec = r#"{exec: {command: [/bin/sh, -c, "curl -f http://localhost:6379/ready"]}}"#;
    let out = diagnose(&load(&redis(exec, "/bin/sh: 1: curl: not found")));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "db", "redis");
    assert_root(d, Loop::Compute, "Deployment", "redis");
    assert!(
        d.fix.contains("without `curl`") && d.fix.contains("httpGet"),
        "{}",
        d.fix
    );
    // curl runs and the server answers badly: not a missing program.
    let out = diagnose(&load(&redis(
        exec,
        "curl: (22) The requested URL returned error: 503",
    )));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "db", "redis");
    assert!(!d.fix.contains("without `curl`"), "{}", d.fix);
}

/// A wrapper whose child is killed, in a container with `resources`.
fn killed(resources: &str) -> String {
    list(&[
        NODE,
        &format!(
            r#"
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: tablet, namespace: db, uid: s2}}, spec: {{serviceName: tablet, selector: {{matchLabels: {{app: tablet}}}}, template: {{metadata: {{labels: {{app: tablet}}}}, spec: {{containers: [{{name: mysqld, image: "vitess/lite:v16"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: tablet-0, namespace: db, uid: pt, labels: {{app: tablet}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: tablet, uid: s2, controller: true}}]}}, spec: {{nodeName: w1, containers: [{{name: mysqld, image: "vitess/lite:v16", resources: {resources}}}]}}, status: {{phase: Running, containerStatuses: [{{name: mysqld, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "Mysqld.Start(1683641048) stderr: Killed\n", startedAt: "2023-05-09T14:21:20Z", finishedAt: "2023-05-09T14:21:47Z"}}}}}}]}}}}"#
        ),
    ])
}

#[test]
fn a_child_killed_under_the_memory_limit_is_read_as_memory() {
    let out = diagnose(&load(&killed("{limits: {memory: 256Mi}}")));
    let d = about(&out, "CrashLoopBackOff", "db", "tablet-0");
    assert_root(d, Loop::Compute, "StatefulSet", "tablet");
    assert!(d.fix.contains("limits.memory"), "{}", d.fix);
    assert!(d.fix.contains("256Mi"), "{}", d.fix);
    // No memory limit: the cgroup did not kill it; something else did.
    let out = diagnose(&load(&killed("{requests: {cpu: 100m}}")));
    let d = about(&out, "CrashLoopBackOff", "db", "tablet-0");
    assert!(!d.fix.contains("limits.memory"), "{}", d.fix);
}

#[test]
fn a_webhook_the_http_client_gave_up_on_is_unreachable_not_a_refusal() {
    let text = |err: &str| {
        list(&[
            NODE,
            &format!(
                r#"
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: kruise-mutating, uid: m1}}, webhooks: [{{name: mpod.kb.io, admissionReviewVersions: [v1], sideEffects: None, failurePolicy: Fail, clientConfig: {{service: {{name: kruise-webhook-service, namespace: db, path: /mutate-pod}}}}, rules: [{{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}}]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kruise-webhook-service, namespace: db, uid: svc4}}, spec: {{clusterIP: 10.96.9.9, selector: {{app: kruise}}, ports: [{{port: 443, targetPort: 9876}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: web-5f8, namespace: db, uid: rs2}}, spec: {{replicas: 3, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "nginx:1.25"}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-w, namespace: db}}, involvedObject: {{kind: ReplicaSet, namespace: db, name: web-5f8, uid: rs2}}, reason: FailedCreate, type: Warning, count: 12, firstTimestamp: "2021-06-01T10:00:00Z", lastTimestamp: "2021-06-01T10:20:00Z", source: {{component: replicaset-controller}}, message: 'Error creating: Internal error occurred: failed calling webhook "mpod.kb.io": Post https://kruise-webhook-service.db.svc:443/mutate-pod?timeout=30s: {err}'}}"#
            ),
        ])
    };
    let out = diagnose(&load(&text(
        "net/http: request canceled (Client.Timeout exceeded while awaiting headers)",
    )));
    let d = about(&out, "PodCreateFailed", "db", "web-5f8");
    assert!(
        !d.root_cause.summary.contains("refuses the pods"),
        "{}",
        summary(&out)
    );
    assert!(
        d.root_cause.summary.contains("cannot reach"),
        "{}",
        summary(&out)
    );
    // A webhook that answers with a denial does refuse them.
    let out = diagnose(&load(&text(
        "admission webhook \"mpod.kb.io\" denied the request: no",
    )));
    let d = about(&out, "PodCreateFailed", "db", "web-5f8");
    assert!(
        !d.root_cause.summary.contains("cannot reach"),
        "{}",
        summary(&out)
    );
}
