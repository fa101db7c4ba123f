//! Causes read from what a container, the runtime or a controller says (a
//! termination message, pull errors, an init container that never ends):
//! each test builds the smallest cluster showing one mechanism and asserts
//! the root cause and the words of its fix, with a sibling that must not
//! read the same. Causes the cluster's objects hold are in `object_causes.rs`.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

// ------------------------------------------------------------- start-up

#[test]
fn a_crash_that_left_no_words_is_unexplained_and_says_what_to_read() {
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &crashing("", "")]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("kubectl logs"), "{}", d.fix);
    // A container that trades a web identity token for AWS credentials:
    // what to check in the account is named.
    let irsa = "env: [{name: AWS_ROLE_ARN, value: \"arn:aws:iam::1:role/r\"}, {name: AWS_WEB_IDENTITY_TOKEN_FILE, value: /var/run/secrets/eks.amazonaws.com/serviceaccount/token}]";
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &crashing(irsa, "")]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("OIDC identity provider"), "{}", d.fix);
    // The container said something: it is read, not called unexplained.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing("", "fatal: configuration file /etc/app.yaml: no such file"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.unexplained, "{}", summary(&out));
}

#[test]
fn an_entrypoint_whose_interpreter_is_missing_is_the_image() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing(
            "",
            "standard_init_linux.go:211: exec user process caused \"no such file or directory\"\n",
        ),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.root_cause.summary.contains("interpreter") && d.fix.contains("dos2unix"),
        "{}\n{}",
        d.root_cause.summary,
        d.fix
    );
    // An application's own missing file is the application's business.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing("", "open /etc/web/config.yaml: no such file or directory\n"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("dos2unix"), "{}", d.fix);
}

#[test]
fn a_privileged_port_refused_to_a_non_root_process_names_the_capability() {
    let sc =
        "securityContext: {runAsUser: 1000, capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}";
    let out = diagnose(&cluster(&[
        &node("n1", "3.10.0-1062.el7.x86_64"),
        &crashing(sc, "Listen: listen tcp :53: bind: permission denied\n"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.root_cause.summary.contains("port 53")
            && d.root_cause.summary.contains("non-root")
            && d.fix.contains("ip_unprivileged_port_start")
            && d.fix.contains("kernel 3.10.0"),
        "{}\n{}",
        d.root_cause.summary,
        d.fix
    );
    // A port from 1024 up needs no capability: not this cause.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing(sc, "Listen: listen tcp :8053: bind: permission denied\n"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(
        !d.fix.contains("NET_BIND_SERVICE"),
        "{}",
        d.root_cause.summary
    );
}

// ------------------------------------------------------------ image pulls

/// The Deployment `web` in `app` whose pod cannot pull `acme/private:1`,
/// with the kubelet's `Failed to pull image` errors in order.
fn pulling(errors: &[&str]) -> String {
    let mut s = r#"
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: default, namespace: app}}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: app, uid: u-dep}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, image: "acme/private:1"}]}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: web-5d8f, namespace: app, uid: u-rs, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u-dep, controller: true}]}
  spec: {selector: {matchLabels: {app: web}}}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-5d8f-x1, namespace: app, uid: u-web, labels: {app: web}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u-rs, controller: true}]}
  spec: {nodeName: n1, containers: [{name: web, image: "acme/private:1"}]}
  status:
    phase: Pending
    containerStatuses: [{name: web, image: "acme/private:1", imageID: "", ready: false, restartCount: 0, state: {waiting: {reason: ImagePullBackOff, message: "Back-off pulling image \"acme/private:1\""}}}]
"#
    .to_owned();
    for (i, e) in errors.iter().enumerate() {
        let message = format!(
            "Failed to pull image \"acme/private:1\": rpc error: code = Unknown desc = Error response from daemon: {e}"
        );
        s.push_str(&format!(
            "- {{apiVersion: v1, kind: Event, metadata: {{name: e{i}, namespace: app}}, involvedObject: {{kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web, fieldPath: \"spec.containers{{web}}\"}}, reason: Failed, message: {message:?}, type: Warning, count: 3, firstTimestamp: \"2026-03-02T10:0{i}:00Z\", lastTimestamp: \"2026-03-02T10:0{i}:30Z\", source: {{component: kubelet}}}}\n"
        ));
    }
    s
}

const DENIED: &str = "pull access denied for acme/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";

#[test]
fn a_credential_challenge_before_pull_access_denied_is_the_missing_pull_secret() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &pulling(&["unauthorized: authentication required", DENIED]),
    ]));
    let d = about(&out, "ImagePullBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Identity, "Deployment", "web");
    assert!(d.fix.contains("imagePullSecrets"), "{}", d.fix);
    // `pull access denied` alone may as well be a repository that does not exist.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &pulling(&[DENIED])]));
    let d = about(&out, "ImagePullBackOff", "app", "web-5d8f-x1");
    assert_eq!(d.root_cause.loop_, Loop::Compute, "{}", summary(&out));
}

#[test]
fn a_pull_secret_the_namespace_lacks_is_named_even_without_the_pull_error() {
    // The pod names `regcred`; the kubelet's error text is gone.
    let with = |secret_ns: &str| {
        let pod = pulling(&[]).replace(
            "spec: {nodeName: n1, containers:",
            "spec: {nodeName: n1, imagePullSecrets: [{name: regcred}], containers:",
        );
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &pod,
            &format!(
                "- {{apiVersion: v1, kind: Secret, metadata: {{name: regcred, namespace: {secret_ns}}}, type: kubernetes.io/dockerconfigjson}}\n"
            ),
        ]))
    };
    let out = with("shared");
    let d = about(&out, "ImagePullBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Identity, "Secret", "regcred");
    assert!(d.fix.contains("shared"), "{}", d.fix);
    // The Secret is in the pod's namespace: nothing is missing.
    let out = with("app");
    let d = about(&out, "ImagePullBackOff", "app", "web-5d8f-x1");
    assert_ne!(d.root_cause.object.kind, "Secret", "{}", summary(&out));
}

fn node_of_platform(name: &str, os: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}, kubernetes.io/os: {os}, kubernetes.io/arch: amd64}}}}, status: {{allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
    )
}

#[test]
fn an_image_without_a_build_for_the_nodes_platform_is_kept_off_that_platform() {
    let with = |error: &str| {
        diagnose(&cluster(&[
            &node_of_platform("n1", "windows"),
            &node_of_platform("n2", "linux"),
            &pulling(&[error]),
        ]))
    };
    let out = with("no matching manifest for windows/amd64 in the manifest list entries");
    let d = about(&out, "ImagePullBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.fix.contains("nodeSelector: {kubernetes.io/os: linux}"),
        "{}",
        d.fix
    );
    // A tag that does not exist is the reference, wherever the pod runs.
    let out = with("manifest for acme/private:1 not found: manifest unknown: manifest unknown");
    let d = about(&out, "ImagePullBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("nodeSelector"), "{}", d.fix);
}

// -------------------------------------------------------------------- DNS

fn corefile(zone: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: coredns, namespace: kube-system}}, data: {{Corefile: \".:53 {{\\n    kubernetes {zone} in-addr.arpa ip6.arpa {{\\n       fallthrough in-addr.arpa ip6.arpa\\n    }}\\n    forward . /etc/resolv.conf\\n}}\\n\"}}}}\n"
    )
}

#[test]
fn a_crash_addressing_services_under_a_domain_the_dns_does_not_serve_names_the_cluster_domain() {
    let peers = "env: [{name: PEERS, value: \"db-0.db.app.svc.cluster.local,db-1.db.app.svc.cluster.local\"}]";
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing(peers, ""),
        &corefile("cluster.lab"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(
        d.fix.contains("clusterDomain") && d.fix.contains("cluster.lab"),
        "{}",
        d.fix
    );
    // The DNS serves the domain the names use: not this cause.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing(peers, ""),
        &corefile("cluster.local"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("clusterDomain"), "{}", d.fix);
}

/// CoreDNS in kube-system, crash-looping on `no nameservers found`, with
/// `forward` as its Corefile's forward line and `policy` its dnsPolicy.
fn coredns_without_upstream(forward: &str, policy: &str) -> String {
    let corefile = format!(".:53 {{\n    errors\n    {forward}\n    cache 30\n}}\n");
    crashing("", "plugin/forward: no nameservers found\n")
        .replace("namespace: app", "namespace: kube-system")
        .replace("\n    nodeName: n1\n", &format!("\n    nodeName: n1\n    dnsPolicy: {policy}\n    volumes: [{{name: config-volume, configMap: {{name: coredns}}}}]\n"))
        + &format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: coredns, namespace: kube-system}}, data: {{Corefile: {corefile:?}}}}}\n"
        )
}

#[test]
fn coredns_forwarding_to_a_resolv_conf_without_nameservers_is_the_node() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &coredns_without_upstream("forward . /etc/resolv.conf", "Default"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(d.fix.contains("nameserver"), "{}", d.fix);
    // A file of CoreDNS's own is the Corefile's business, not the node's.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &coredns_without_upstream("forward . /etc/coredns/upstream.conf", "Default"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "web-5d8f-x1");
    assert_root(d, Loop::Network, "ConfigMap", "coredns");
}

// ------------------------------------------------------------ connections

/// The crashing `web` reads its peers from ConfigMap `web-config`.
fn timing_out(config: &str) -> String {
    crashing(
        "envFrom: [{configMapRef: {name: web-config}}]",
        "Error: i/o timeout\n",
    ) + &format!(
        "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: web-config, namespace: app}}, data: {config}}}\n"
    )
}

#[test]
fn a_timeout_naming_no_peer_is_read_against_the_peers_the_configuration_names() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &timing_out("{DB_HOST: db.example-rds.amazonaws.com, DB_PORT: \"5432\", LOG_LEVEL: info}"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.root_cause
            .summary
            .contains("db.example-rds.amazonaws.com:5432"),
        "{}",
        d.root_cause.summary
    );
    // A peer in the cluster is followed like a named one: a Service without
    // endpoints is a cause the cluster holds.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &timing_out("{DB_HOST: db, DB_PORT: \"5432\"}"),
        "- {apiVersion: v1, kind: Service, metadata: {name: db, namespace: app}, spec: {selector: {app: db}, ports: [{port: 5432}], clusterIP: 10.96.0.20}}\n",
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.unexplained, "{}", summary(&out));
    // No peer in the configuration: nothing to follow, no verdict of "outside".
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &timing_out("{LOG_LEVEL: info}"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.unexplained, "{}", summary(&out));
}

// -------------------------------------------------------- init containers

/// Pod `app-1` in `shop`, scheduled on `n1` (heartbeat 10:30), whose init
/// container `init` (named `init_name`) has run since `started`;
/// `annotations` are the pod's, `extra` more items.
fn init_held(init_name: &str, started: &str, annotations: &str, extra: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, status: {{allocatable: {{cpu: "4", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-03-02T10:30:00Z", lastTransitionTime: "2026-03-01T00:00:00Z"}}]}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: "system:auth-delegator"}}, rules: [{{apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: viewer}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}, subjects: [{{kind: ServiceAccount, name: ops, namespace: ops}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: app-1, namespace: shop, uid: u-app, annotations: {{{annotations}}}}}
  spec:
    nodeName: n1
    initContainers: [{{name: {init_name}, image: "init:1"}}]
    containers: [{{name: app, image: "app:1"}}]
  status:
    phase: Pending
    initContainerStatuses: [{{name: {init_name}, image: "init:1", imageID: "", ready: false, started: true, restartCount: 0, state: {{running: {{startedAt: "{started}"}}}}}}]
    containerStatuses: [{{name: app, image: "app:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: PodInitializing}}}}}}]
{extra}"#
    )
}

#[test]
fn an_init_container_that_never_completes_holds_the_pod_and_is_read_for_vault() {
    // Any init container: the pod is held, and its log (not in the input) says why.
    let out = diagnose(&cluster(&[&init_held(
        "wait-for-db",
        "2026-03-02T09:00:00Z",
        "",
        "",
    )]));
    let d = about(&out, "PodPending", "shop", "app-1");
    assert!(d.unexplained, "{}", summary(&out));
    // Started two minutes before the input's clock: still starting, no symptom.
    let out = diagnose(&cluster(&[&init_held(
        "wait-for-db",
        "2026-03-02T10:28:00Z",
        "",
        "",
    )]));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // Vault's agent, and nothing may review tokens: the missing delegation.
    let vault = "vault.hashicorp.com/agent-inject: \"true\"";
    let out = diagnose(&cluster(&[&init_held(
        "vault-agent-init",
        "2026-03-02T09:00:00Z",
        vault,
        "",
    )]));
    let d = about(&out, "PodPending", "shop", "app-1");
    assert_root(d, Loop::Identity, "ClusterRole", "system:auth-delegator");
    assert!(d.fix.contains("clusterrolebinding"), "{}", d.fix);
    // The delegation exists: Vault's own configuration, which the input lacks.
    let bound = "- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: vault-tokenreview}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \"system:auth-delegator\"}, subjects: [{kind: ServiceAccount, name: vault, namespace: vault}]}\n";
    let out = diagnose(&cluster(&[&init_held(
        "vault-agent-init",
        "2026-03-02T09:00:00Z",
        vault,
        bound,
    )]));
    let d = about(&out, "PodPending", "shop", "app-1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("auth/kubernetes"), "{}", d.fix);
}

// ----------------------------------------------------------------- probes

/// The crashing `web`, run with `flag`, killed by its liveness probe on the
/// pod IP, which refuses the connection.
fn probed_on_pod_ip(flag: &str) -> String {
    let extra = format!(
        "command: [/bin/server, \"{flag}\"]\n      livenessProbe: {{httpGet: {{path: /healthz, port: 10259, scheme: HTTPS}}, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3}}"
    );
    crashing(&extra, "")
        + r#"- {apiVersion: v1, kind: Event, metadata: {name: e2, namespace: app}, involvedObject: {kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web, fieldPath: "spec.containers{web}"}, reason: Unhealthy, message: "Liveness probe failed: Get \"https://10.1.2.3:10259/healthz\": dial tcp 10.1.2.3:10259: connect: connection refused", type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {component: kubelet}}
- {apiVersion: v1, kind: Event, metadata: {name: e3, namespace: app}, involvedObject: {kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web, fieldPath: "spec.containers{web}"}, reason: Killing, message: "Container web failed liveness probe, will be restarted", type: Normal, count: 12, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {component: kubelet}}
"#
}

#[test]
fn a_probe_refused_by_a_process_bound_to_loopback_names_the_flag() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &probed_on_pod_ip("--bind-address=127.0.0.1"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.fix.contains("--bind-address=127.0.0.1") && d.fix.contains("0.0.0.0"),
        "{}",
        d.fix
    );
    // Listening on every address: the refusal is something else.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &probed_on_pod_ip("--bind-address=0.0.0.0"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("0.0.0.0"), "{}", d.fix);
}

/// `web` in `app`, Running but not Ready: its readiness probe on 8008
/// answers 503; the container declares `ports`.
fn unready(ports: &str) -> String {
    format!(
        r#"
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {{name: web, namespace: app, uid: u-sts}}
  spec:
    serviceName: web
    selector: {{matchLabels: {{app: web}}}}
    template:
      metadata: {{labels: {{app: web}}}}
      spec: {{containers: [{{name: web, image: "web:1", ports: [{ports}], readinessProbe: {{httpGet: {{path: /readiness, port: 8008}}, periodSeconds: 10}}}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-0, namespace: app, uid: u-web, labels: {{app: web}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: u-sts, controller: true}}]}}
  spec: {{nodeName: n1, containers: [{{name: web, image: "web:1", ports: [{ports}], readinessProbe: {{httpGet: {{path: /readiness, port: 8008}}, periodSeconds: 10}}}}]}}
  status:
    phase: Running
    conditions: [{{type: Ready, status: "False", lastTransitionTime: "2026-03-02T09:00:00Z"}}]
    containerStatuses: [{{name: web, image: "web:1", imageID: "", ready: false, restartCount: 0, started: true, state: {{running: {{startedAt: "2026-03-02T09:00:00Z"}}}}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web, fieldPath: "spec.containers{{web}}"}}, reason: Unhealthy, message: "Readiness probe failed: HTTP probe failed with statuscode: 503", type: Warning, count: 300, firstTimestamp: "2026-03-02T09:00:10Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
    )
}

#[test]
fn an_error_status_on_the_probed_port_names_the_other_ports_the_container_serves() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &unready("{containerPort: 8008}, {containerPort: 8080}"),
    ]));
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert_root(d, Loop::Compute, "StatefulSet", "web");
    assert!(d.fix.contains("also serves port(s) 8080"), "{}", d.fix);
    // One port only: the endpoint itself reports the trouble.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &unready("{containerPort: 8008}"),
    ]));
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert!(!d.fix.contains("also serves"), "{}", d.fix);
}

// ------------------------------------------------------------------ memory

#[test]
fn a_jvm_heap_that_leaves_no_room_for_non_heap_under_the_limit_is_named_in_the_fix() {
    let oom = |opts: &str| {
        let extra = format!(
            "env: [{{name: JAVA_TOOL_OPTIONS, value: \"{opts} -XX:+UseG1GC\"}}]\n      resources: {{requests: {{memory: 2000Mi}}, limits: {{memory: 2000Mi}}}}"
        );
        let text = crashing(&extra, "").replace(
            "exitCode: 1, reason: Error",
            "exitCode: 137, reason: OOMKilled",
        );
        diagnose(&cluster(&[&node("n1", "5.15.0"), &text]))
    };
    let out = oom("-XX:MaxRAMPercentage=80");
    let d = about(&out, "OOMKilled", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.fix
            .contains("JAVA_TOOL_OPTIONS sets -XX:MaxRAMPercentage=80")
            && d.fix.contains("heap"),
        "{}",
        d.fix
    );
    // Half the limit for the heap leaves the JVM room: the limit is the fix.
    let out = oom("-XX:MaxRAMPercentage=50");
    let d = about(&out, "OOMKilled", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(d.fix.starts_with("Raise the memory limit"), "{}", d.fix);
}

// --------------------------------------------------------------------- dns

#[test]
fn a_name_without_a_service_set_in_the_env_names_the_variable_and_the_service_meant() {
    let lookup = "Get http://front.default.svc.cluster.local/products: dial tcp: lookup front.default.svc.cluster.local on 10.96.0.10:53: no such host\n";
    let service = "- {apiVersion: v1, kind: Service, metadata: {name: front, namespace: app}, spec: {selector: {app: front}, ports: [{port: 80}], clusterIP: 10.96.0.50}}\n";
    let env = "env: [{name: FRONT_HOST, value: front.default.svc.cluster.local}]";
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing(env, lookup),
        service,
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Service", "front");
    assert!(
        d.fix.contains("Set FRONT_HOST in the pod template") && d.fix.contains("front.app"),
        "{}",
        d.fix
    );
    // The name set nowhere the pod shows, and no Service of that name
    // anywhere: nothing to point at.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &crashing("", lookup)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Service", "front");
    assert!(
        d.fix.starts_with("Create Service default/front"),
        "{}",
        d.fix
    );
}

// -------------------------------------------------------------------- jobs

/// A CronJob's run `sync-1` in `app` whose pods run `curl http://api` and
/// exit 7 each time; Service `api` serves `port`.
fn curl_job(port: u16) -> String {
    let mut s = format!(
        r#"
- {{apiVersion: v1, kind: Service, metadata: {{name: api, namespace: app}}, spec: {{selector: {{app: api}}, ports: [{{name: http, port: {port}, targetPort: {port}}}], clusterIP: 10.96.0.60}}}}
- apiVersion: batch/v1
  kind: CronJob
  metadata: {{name: sync, namespace: app, uid: u-cj}}
  spec:
    schedule: "0 * * * *"
    jobTemplate: {{spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: curl, image: "curl:8", command: [/bin/sh, -ec, "curl http://api"]}}]}}}}}}}}
- apiVersion: batch/v1
  kind: Job
  metadata: {{name: sync-1, namespace: app, uid: u-job, ownerReferences: [{{apiVersion: batch/v1, kind: CronJob, name: sync, uid: u-cj, controller: true}}]}}
  spec:
    backoffLimit: 2
    template: {{spec: {{restartPolicy: Never, containers: [{{name: curl, image: "curl:8", command: [/bin/sh, -ec, "curl http://api"]}}]}}}}
  status: {{failed: 3, startTime: "2026-03-02T10:00:00Z", conditions: [{{type: Failed, status: "True", reason: BackoffLimitExceeded, message: "Job has reached the specified backoff limit", lastTransitionTime: "2026-03-02T10:10:00Z"}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Job, name: sync-1, namespace: app, uid: u-job}}, reason: BackoffLimitExceeded, message: "Job has reached the specified backoff limit", type: Warning, count: 1, firstTimestamp: "2026-03-02T10:10:00Z", lastTimestamp: "2026-03-02T10:10:00Z", source: {{component: job-controller}}}}
"#
    );
    for i in 0..3 {
        s.push_str(&format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: sync-1-p{i}, namespace: app, uid: u-p{i}, labels: {{job-name: sync-1}}, ownerReferences: [{{apiVersion: batch/v1, kind: Job, name: sync-1, uid: u-job, controller: true}}]}}, spec: {{nodeName: n1, restartPolicy: Never, containers: [{{name: curl, image: \"curl:8\", command: [/bin/sh, -ec, \"curl http://api\"]}}]}}, status: {{phase: Failed, containerStatuses: [{{name: curl, image: \"curl:8\", imageID: \"\", ready: false, restartCount: 0, state: {{terminated: {{exitCode: 7, reason: Error, startedAt: \"2026-03-02T10:0{i}:00Z\", finishedAt: \"2026-03-02T10:0{i}:30Z\"}}}}}}]}}}}\n"
        ));
    }
    s
}

#[test]
fn a_job_whose_curl_cannot_connect_to_a_port_its_service_lacks_names_the_served_port() {
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &curl_job(3000)]));
    let d = about(&out, "JobFailed", "app", "sync-1");
    assert_root(d, Loop::Network, "CronJob", "sync");
    assert!(d.fix.contains("http://api:3000"), "{}", d.fix);
    // The Service serves port 80, the port the URL means: the port is not it.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &curl_job(80)]));
    let d = about(&out, "JobFailed", "app", "sync-1");
    assert!(!d.fix.contains("Call the port"), "{}", d.fix);
    assert!(d.root_cause.summary.contains("code 7"), "{}", summary(&out));
}

// ------------------------------------------------------- probe against app

/// `web` in `app`, Running but not Ready on `n1`: its container is
/// `container` (a flow mapping's inner text) and its readiness probe
/// failed with `message`; `extra` adds objects.
fn probed(container: &str, message: &str, extra: &str) -> String {
    format!(
        r#"
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {{name: web, namespace: app, uid: u-sts}}
  spec:
    serviceName: web
    selector: {{matchLabels: {{app: web}}}}
    template:
      metadata: {{labels: {{app: web}}}}
      spec: {{containers: [{{name: web, image: "web:1", {container}}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-0, namespace: app, uid: u-web, labels: {{app: web}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: u-sts, controller: true}}]}}
  spec: {{nodeName: n1, volumes: [{{name: conf, configMap: {{name: web-conf}}}}], containers: [{{name: web, image: "web:1", volumeMounts: [{{name: conf, mountPath: /etc/web}}], {container}}}]}}
  status:
    phase: Running
    conditions: [{{type: Ready, status: "False", lastTransitionTime: "2026-03-02T09:00:00Z"}}]
    containerStatuses: [{{name: web, image: "web:1", imageID: "", ready: false, restartCount: 0, started: true, state: {{running: {{startedAt: "2026-03-02T09:00:00Z"}}}}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web, fieldPath: "spec.containers{{web}}"}}, reason: Unhealthy, message: {message:?}, type: Warning, count: 300, firstTimestamp: "2026-03-02T09:00:10Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
{extra}"#
    )
}

#[test]
fn a_plain_http_probe_answered_400_by_a_tls_port_wants_the_https_scheme() {
    let run = |port_name: &str| {
        let c = format!(
            "ports: [{{containerPort: 5556, name: {port_name}}}], readinessProbe: {{httpGet: {{path: /healthz, port: 5556, scheme: HTTP}}}}"
        );
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &probed(
                &c,
                "Readiness probe failed: HTTP probe failed with statuscode: 400",
                "",
            ),
        ]))
    };
    let out = run("https");
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert_root(d, Loop::Compute, "StatefulSet", "web");
    assert!(d.fix.contains("scheme: HTTPS"), "{}", d.fix);
    // The same 400 from a plain port is the application's own answer.
    let out = run("http");
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert!(!d.fix.contains("scheme: HTTPS"), "{}", d.fix);
}

#[test]
fn a_probe_redirected_to_https_names_the_redirect_setting() {
    let run = |force: &str| {
        let c = format!(
            "env: [{{name: FORCE_HTTPS, value: \"{force}\"}}], ports: [{{containerPort: 3000, name: http}}], readinessProbe: {{httpGet: {{path: /health, port: http, scheme: HTTP}}}}"
        );
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &probed(
                &c,
                "Readiness probe failed: Get \"https://10.0.0.9:3000/health\": http: server gave HTTP response to HTTPS client",
                "",
            ),
        ]))
    };
    let out = run("true");
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert_root(d, Loop::Compute, "StatefulSet", "web");
    assert!(
        d.fix.contains("FORCE_HTTPS=true") && d.fix.contains("redirect"),
        "{}",
        d.fix
    );
    // A redirect no setting names still says the app redirects, but names no variable.
    let out = run("false");
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert!(!d.fix.contains("FORCE_HTTPS"), "{}", d.fix);
}

#[test]
fn a_404_from_an_app_served_under_a_base_path_puts_the_probe_under_it() {
    let run = |conf: &str| {
        let cm = format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: web-conf, namespace: app}}, data: {{web.yml: {conf:?}}}}}\n"
        );
        let c = "ports: [{containerPort: 8080}], readinessProbe: {httpGet: {path: /status, port: 8080}}";
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &probed(
                c,
                "Readiness probe failed: HTTP probe failed with statuscode: 404",
                &cm,
            ),
        ]))
    };
    let out = run("server.basePath: /tools/web\n");
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert_root(d, Loop::Compute, "StatefulSet", "web");
    assert!(d.fix.contains("/tools/web/status"), "{}", d.fix);
    // No base path: the path itself is wrong.
    let out = run("server.port: 8080\n");
    let d = about(&out, "ProbeFailing", "app", "web-0");
    assert!(!d.fix.contains("base path"), "{}", d.fix);
}
