//! Causes read from how the pod network is laid out and from the flags a
//! program starts with: flannel's Network that does not hold the nodes'
//! pod CIDRs (flannel-io/flannel#1054), nodes in separate private networks
//! announcing their private addresses to the overlay (k3s-io/k3s#1824), a
//! host-network controller whose port kube-proxy holds for its own
//! Service's external IP (kubernetes/ingress-nginx#2062), a configuration
//! file named by a flag that parses as nothing (projectcontour/contour#1527),
//! a setting the program says is missing (Karpenter v0.33's
//! `missing field, cluster-name`), and a node whose kube-proxy lacks a
//! kernel module, so its pods time out to the API (rancher/rke2#8498). Each
//! with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

/// Deployment `ns/app` with one crash-looping pod on node `node`:
/// `spec` is added to the pod's spec, `container` to its container, the
/// container's last run ended with `message`; `extra` objects follow.
fn crashing(
    node: &str,
    spec: &str,
    container: &str,
    pod_ip: &str,
    message: &str,
    extra: &str,
) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: app, namespace: ns, uid: d1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: app}}}}, template: {{metadata: {{labels: {{app: app}}}}, spec: {{containers: [{{name: app, image: "example/app:1.0"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: app-7d9, namespace: ns, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: app, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: app}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: app-7d9-x1, namespace: ns, uid: p1, labels: {{app: app}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: app-7d9, uid: rs1, controller: true}}]}}
  spec: {{nodeName: {node}, {spec}containers: [{{name: app, image: "example/app:1.0"{container}}}]}}
  status: {{phase: Running, podIP: {pod_ip}, containerStatuses: [{{name: app, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container"}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{message}", startedAt: "2026-03-02T10:00:00Z", finishedAt: "2026-03-02T10:00:31Z"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: app.1, namespace: ns}}, involvedObject: {{kind: Pod, name: app-7d9-x1, namespace: ns, uid: p1}}, reason: BackOff, type: Warning, count: 40, firstTimestamp: "2026-03-02T09:00:00Z", lastTimestamp: "2026-03-02T10:01:00Z", source: {{component: kubelet}}, message: "Back-off restarting failed container"}}
{extra}"#
    )
}

/// A node with a pod CIDR, an InternalIP, an optional ExternalIP and
/// annotations.
fn node(
    name: &str,
    cidr: &str,
    internal: &str,
    external: Option<&str>,
    annotations: &str,
) -> String {
    let ext = external
        .map(|e| format!(", {{type: ExternalIP, address: {e}}}"))
        .unwrap_or_default();
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, uid: {name}, annotations: {{{annotations}}}}}, spec: {{podCIDR: {cidr}}}, status: {{addresses: [{{type: InternalIP, address: {internal}}}{ext}], allocatable: {{cpu: \"4\", memory: 16Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
    )
}

fn flannel_config(network: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: kube-flannel-cfg, namespace: kube-system, uid: cm1}}, data: {{net-conf.json: '{{\"Network\": \"{network}\", \"Backend\": {{\"Type\": \"vxlan\"}}}}'}}}}\n"
    )
}

const API_TIMEOUT: &str = "Error while initializing connection to Kubernetes apiserver. Get https://10.96.0.1:443/version: dial tcp 10.96.0.1:443: i/o timeout";

#[test]
fn flannels_network_that_does_not_hold_the_pod_cidrs_is_the_cause() {
    let nodes = node("w1", "192.168.1.0/24", "172.16.10.21", None, "")
        + &node("m1", "192.168.0.0/24", "172.16.10.20", None, "");
    let out = diagnose(&load(&crashing(
        "w1",
        "",
        "",
        "192.168.1.2",
        API_TIMEOUT,
        &(nodes.clone() + &flannel_config("10.244.0.0/16")),
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Network, "ConfigMap", "kube-flannel-cfg");
    assert!(
        d.fix.contains("\"Network\"") && d.fix.contains("192.168.1.0/24"),
        "{}",
        d.fix
    );
    // Flannel's Network holds the pod: the overlay's range is not the cause.
    let out = diagnose(&load(&crashing(
        "w1",
        "",
        "",
        "192.168.1.2",
        API_TIMEOUT,
        &(nodes + &flannel_config("192.168.0.0/16")),
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

#[test]
fn nodes_in_separate_private_networks_announcing_private_addresses_break_the_overlay() {
    let public = |ip: &str| format!("flannel.alpha.coreos.com/public-ip: {ip}");
    let split = node(
        "par",
        "10.42.0.0/24",
        "10.68.12.5",
        Some("51.15.20.10"),
        &public("10.68.12.5"),
    ) + &node(
        "ams",
        "10.42.1.0/24",
        "10.66.40.9",
        Some("51.158.30.44"),
        &public("10.66.40.9"),
    );
    let out = diagnose(&load(&crashing(
        "ams",
        "",
        "",
        "10.42.1.7",
        API_TIMEOUT,
        &split,
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Network, "Node", "ams");
    assert!(d.fix.contains("public-ip-overwrite"), "{}", d.fix);
    // One private network: the nodes reach each other on it.
    let one = node(
        "par",
        "10.42.0.0/24",
        "10.68.12.5",
        Some("51.15.20.10"),
        &public("10.68.12.5"),
    ) + &node(
        "ams",
        "10.42.1.0/24",
        "10.68.40.9",
        Some("51.158.30.44"),
        &public("10.68.40.9"),
    );
    let out = diagnose(&load(&crashing(
        "ams",
        "",
        "",
        "10.42.1.7",
        API_TIMEOUT,
        &one,
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}

#[test]
fn a_host_network_controller_finds_its_port_held_for_its_own_services_external_ip() {
    let in_use = "F0210 01:36:39.123645       5 main.go:59] Port 80 is already in use. Please check the flag --http-port";
    let service = |external: &str| {
        format!(
            "- {{apiVersion: v1, kind: Service, metadata: {{name: app, namespace: ns, uid: s1}}, spec: {{selector: {{app: app}}, ports: [{{name: http, port: 80, targetPort: 80}}]{external}}}}}\n"
        )
    };
    let w1 = node("w1", "10.244.1.0/24", "10.10.97.46", None, "");
    let out = diagnose(&load(&crashing(
        "w1",
        "hostNetwork: true, ",
        ", ports: [{containerPort: 80}]",
        "10.10.97.46",
        in_use,
        &(w1.clone() + &service(", externalIPs: [10.10.97.200]")),
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Network, "Service", "app");
    assert!(d.fix.contains("externalIPs"), "{}", d.fix);
    // No external IP: a process of the node's own holds the port.
    let out = diagnose(&load(&crashing(
        "w1",
        "hostNetwork: true, ",
        ", ports: [{containerPort: 80}]",
        "10.10.97.46",
        in_use,
        &(w1 + &service("")),
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Network, "Deployment", "app");
    assert!(d.fix.contains("ss -ltnup"), "{}", d.fix);
}

#[test]
fn a_configuration_file_named_by_a_flag_that_holds_only_comments() {
    let config = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: app-config, namespace: ns, uid: cm1}, data: {app.yaml: \"# server:\\n#   port: 8080\\n\"}}\n";
    let w1 = node("w1", "10.244.1.0/24", "10.0.0.11", None, "");
    let with_flag = |args: &str| {
        crashing(
            "w1",
            "volumes: [{name: config, configMap: {name: app-config}}], ",
            &format!(", args: {args}, volumeMounts: [{{name: config, mountPath: /config}}]"),
            "10.244.1.5",
            "app: error: EOF, try --help",
            &(w1.clone() + config),
        )
    };
    let out = diagnose(&load(&with_flag("[serve, --config-path=/config/app.yaml]")));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Compute, "ConfigMap", "app-config");
    assert!(d.fix.contains("only comments"), "{}", d.fix);
    // No flag names the file: the EOF is the program's own to explain.
    let out = diagnose(&load(&with_flag("[serve]")));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

#[test]
fn a_setting_the_program_says_is_missing_is_named_with_its_flag_and_variable() {
    let w1 = node("w1", "10.244.1.0/24", "10.0.0.11", None, "");
    let out = diagnose(&load(&crashing(
        "w1",
        "",
        "",
        "10.244.1.5",
        "panic: validating options, missing field, cluster-name",
        &w1,
    )));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Compute, "Deployment", "app");
    assert!(
        d.fix.contains("--cluster-name") && d.fix.contains("CLUSTER_NAME"),
        "{}",
        d.fix
    );
}

#[test]
fn a_pod_that_times_out_to_the_api_on_a_node_whose_kube_proxy_lacks_a_kernel_module() {
    let proxy = |state: &str| {
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-proxy-w1, namespace: kube-system, uid: kp1, labels: {{component: kube-proxy}}}}, spec: {{nodeName: w1, hostNetwork: true, containers: [{{name: kube-proxy, image: \"rancher/hardened-kubernetes:v1.33.1\"}}]}}, status: {{phase: Running, containerStatuses: [{{name: kube-proxy, ready: false, restartCount: 8, image: \"\", imageID: \"\", state: {state}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: \"E0709 18:53:41.161482 1 proxier.go:1564] Failed to execute iptables-restore err=exit status 2: Warning: Extension MASQUERADE revision 0 not supported, missing kernel module?\"}}}}}}]}}}}\n"
        )
    };
    let timeout = "Unable to create token for CNI kubeconfig error=Post \\\"https://10.43.0.1:443/api/v1/namespaces/kube-system/serviceaccounts/canal/token\\\": dial tcp 10.43.0.1:443: i/o timeout";
    let w1 = node("w1", "10.42.0.0/24", "172.31.28.209", None, "");
    let down = w1.clone() + &proxy("{waiting: {reason: CrashLoopBackOff}}");
    let out = diagnose(&load(&crashing("w1", "", "", "10.42.0.5", timeout, &down)));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert_root(d, Loop::Compute, "Node", "w1");
    assert!(d.fix.contains("modprobe xt_MASQUERADE"), "{}", d.fix);
    // kube-proxy running again (its last failure is history): not the cause.
    let up = w1 + &proxy("{running: {startedAt: \"2026-03-02T10:05:00Z\"}}");
    let out = diagnose(&load(&crashing("w1", "", "", "10.42.0.5", timeout, &up)));
    let d = about(&out, "CrashLoopBackOff", "ns", "app-7d9-x1");
    assert!(
        !d.root_cause.summary.contains("kube-proxy"),
        "{}",
        summary(&out)
    );
}
