//! Readings where the cause is one step removed from the object that
//! fails: a Corefile refused for a line an imported ConfigMap adds
//! (Azure/AKS#2623), an ingress controller whose `--publish-service`
//! (with the `$(POD_NAMESPACE)` the kubelet expands) names a Service that
//! never gets an address (kubernetes/ingress-nginx#348), a host port no
//! pod declares (metallb/metallb#581), and probes that time out on every
//! workload of one node (rancher/rke2#1053). Each with the sibling that
//! must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"- {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.0, kubeProxyVersion: v1.29.0, osImage: Linux, kernelVersion: "6.1", containerRuntimeVersion: "containerd://1.7.2", architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
"#;

fn list(items: &str) -> String {
    format!("apiVersion: v1\nkind: List\nitems:\n{NODE}{items}")
}

/// CoreDNS crash-looping with `message`, mounting its Corefile and the
/// `coredns-custom` ConfigMap whose data is `custom`.
fn coredns(custom: &str, message: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: coredns, namespace: kube-system}}, data: {{Corefile: ".:53 {{\n    errors\n    forward . /etc/resolv.conf\n    import custom/*.override\n}}\nimport custom/*.server\n"}}}}
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: coredns-custom, namespace: kube-system}}, data: {custom}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: coredns-1, namespace: kube-system, labels: {{k8s-app: kube-dns}}}}, spec: {{nodeName: n1, volumes: [{{name: config, configMap: {{name: coredns}}}}, {{name: custom, configMap: {{name: coredns-custom}}}}], containers: [{{name: coredns, image: "coredns/coredns:1.9.3", volumeMounts: [{{name: config, mountPath: /etc/coredns}}, {{name: custom, mountPath: /etc/coredns/custom}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: coredns, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: {message:?}}}}}}}]}}}}
"#
    ))
}

#[test]
fn a_second_forward_from_an_imported_override_is_that_configmaps() {
    let twice = "plugin/forward: this plugin can only be used once per Server Block";
    let out = diagnose(&load(&coredns(
        r#"{"upstream.override": "forward . 10.10.10.1\n"}"#,
        twice,
    )));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "coredns-1");
    assert_root(d, Loop::Network, "ConfigMap", "coredns-custom");
    assert!(
        d.fix.contains("upstream.override") && d.fix.contains(".server"),
        "{}",
        d.fix
    );
    // An import that adds no `forward`: the Corefile's own block is refused.
    let out = diagnose(&load(&coredns(r#"{"log.override": "log\n"}"#, twice)));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "coredns-1");
    assert_root(d, Loop::Network, "ConfigMap", "coredns");
}

/// An ingress controller in `ingress` that publishes `ingress/edge` (a
/// Service of `svc_type`), crashing because it has no ingress points.
fn publisher(svc_type: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Service, metadata: {{name: edge, namespace: ingress}}, spec: {{type: {svc_type}, selector: {{app: edge}}, ports: [{{port: 80}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: default-http-backend, namespace: ingress}}, spec: {{selector: {{app: backend}}, ports: [{{port: 80}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: edge-1, namespace: ingress, labels: {{app: edge}}}}, spec: {{nodeName: n1, containers: [{{name: controller, image: "nginx-ingress-controller:0.9.0", args: ["/nginx-ingress-controller", "--default-backend-service=$(POD_NAMESPACE)/default-http-backend", "--publish-service=$(POD_NAMESPACE)/edge"], env: [{{name: POD_NAMESPACE, valueFrom: {{fieldRef: {{fieldPath: metadata.namespace}}}}}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: controller, ready: false, restartCount: 7, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 255, reason: Error, message: "I0621 19:12:31.343610       5 launch.go:125] validated ingress/default-http-backend as the default backend\nF0621 19:12:31.369402       5 launch.go:148] service ingress/edge does not (yet) have ingress points\n"}}}}}}]}}}}
"#
    ))
}

#[test]
fn a_published_service_that_never_gets_an_address() {
    let out = diagnose(&load(&publisher("NodePort")));
    let d = about(&out, "CrashLoopBackOff", "ingress", "edge-1");
    // `$(POD_NAMESPACE)/default-http-backend` is the pod's own namespace,
    // where that Service exists: no missing Service is reported.
    assert_root(d, Loop::Network, "Service", "edge");
    assert!(
        d.fix.contains("--publish-service") && d.fix.contains("LoadBalancer"),
        "{}",
        d.fix
    );
    let out = diagnose(&load(&publisher("LoadBalancer")));
    let d = about(&out, "CrashLoopBackOff", "ingress", "edge-1");
    assert_root(d, Loop::Network, "Service", "edge");
    assert!(d.fix.contains("gets no load-balancer address"), "{}", d.fix);
}

/// A host-network speaker that cannot bind `port`; `other` adds pods.
fn speaker(other: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: speaker, namespace: metallb-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: speaker}}}}, template: {{metadata: {{labels: {{app: speaker}}}}, spec: {{hostNetwork: true, containers: [{{name: speaker, image: "metallb/speaker:v0.9.3"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: speaker-1, namespace: metallb-system, labels: {{app: speaker}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: speaker, uid: ds1, controller: true}}]}}, spec: {{nodeName: n1, hostNetwork: true, containers: [{{name: speaker, image: "metallb/speaker:v0.9.3", ports: [{{name: monitoring, containerPort: 7472, hostPort: 7472}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: speaker, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "F1217 17:28:59.641207       1 main.go:62] listen tcp :7946: bind: address already in use"}}}}}}]}}}}
{other}"#
    ))
}

#[test]
fn a_host_port_no_pod_declares_is_still_the_workloads_to_move() {
    let out = diagnose(&load(&speaker("")));
    let d = about(&out, "CrashLoopBackOff", "metallb-system", "speaker-1");
    assert_root(d, Loop::Network, "DaemonSet", "speaker");
    assert!(
        d.fix.contains("ss -ltnup") && d.fix.contains("7946"),
        "{}",
        d.fix
    );
    // A pod that declares the port on that node is named instead.
    let out = diagnose(&load(&speaker(
        r#"- {apiVersion: v1, kind: Pod, metadata: {name: swarm-agent, namespace: ops}, spec: {nodeName: n1, hostNetwork: true, containers: [{name: agent, image: "agent:1", ports: [{containerPort: 7946}]}]}, status: {phase: Running}}
"#,
    )));
    let d = about(&out, "CrashLoopBackOff", "metallb-system", "speaker-1");
    assert!(
        d.root_cause.summary.contains("swarm-agent"),
        "{}",
        d.root_cause.summary
    );
}

/// Pods of `apps` on n1 whose readiness probes time out.
fn timing_out(apps: &[&str]) -> String {
    let pods: String = apps
        .iter()
        .map(|app| {
            format!(
                r#"- {{apiVersion: v1, kind: Pod, metadata: {{name: {app}-1, namespace: web, uid: u-{app}, labels: {{app: {app}}}}}, spec: {{nodeName: n1, containers: [{{name: {app}, image: "{app}:1", ports: [{{containerPort: 8080}}], readinessProbe: {{httpGet: {{path: /healthz, port: 8080}}, timeoutSeconds: 1}}}}]}}, status: {{phase: Running, podIP: 10.42.0.9, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: {app}, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: {app}.1, namespace: web}}, involvedObject: {{kind: Pod, name: {app}-1, namespace: web, uid: u-{app}}}, reason: Unhealthy, type: Warning, count: 90, firstTimestamp: "2026-06-20T08:01:00Z", lastTimestamp: "2026-06-20T09:00:00Z", source: {{component: kubelet, host: n1}}, message: 'Readiness probe failed: Get "http://10.42.0.9:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'}}
"#
            )
        })
        .collect();
    list(&pods)
}

#[test]
fn probes_that_time_out_on_every_workload_of_a_node_are_the_nodes() {
    let out = diagnose(&load(&timing_out(&["shop", "cart", "search"])));
    let d = about(&out, "ProbeFailing", "web", "shop-1");
    assert!(d.unexplained, "{}", d.root_cause.summary);
    assert!(
        d.root_cause.summary.contains("node n1"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("NetworkManager"), "{}", d.fix);
    // One workload alone: its own probe is read, not the node.
    let out = diagnose(&load(&timing_out(&["shop"])));
    let d = about(&out, "ProbeFailing", "web", "shop-1");
    assert!(
        !d.root_cause.summary.contains("other workload"),
        "{}",
        d.root_cause.summary
    );
}
