//! What the pod's own address does to an application: memberlist (Mimir,
//! Loki, Tempo, Cortex) finding no private address to advertise on a pod
//! network outside RFC 1918 (grafana/mimir#4848), and its sibling, a
//! memberlist peer that only cannot reach its ring; and the cluster DNS on
//! Docker 1.13 or later under a kube-proxy before 1.9, whose forwarded
//! traffic Docker's FORWARD policy drops (kubernetes/kubernetes#40182,
//! Azure/acs-engine#2139), with the releases that do not.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

const NO_PRIVATE: &str = "ts=2023-04-26T02:46:13.148Z caller=mimir.go:809 level=error msg=\"module failed\" module=memberlist-kv err=\"invalid service state: Failed, expected: Running, failure: failed to create memberlist: Failed to get final advertise address: no private IP address found, and explicit IP not provided\"\n";

#[test]
fn memberlist_without_a_private_address_is_the_pod_network() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing("", NO_PRIVATE),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(
        d.fix.contains("advertise") && d.fix.contains("status.podIP"),
        "{}",
        d.fix
    );
    // A ring it cannot reach is another story.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &crashing(
            "",
            "level=error msg=\"module failed\" module=memberlist-kv err=\"failed to join memberlist: 1 error occurred: dial tcp 10.0.3.7:7946: i/o timeout\"\n",
        ),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("advertise-addr"), "{}", d.fix);
}

/// kube-dns failing its liveness probe on a node running `docker` with
/// kube-proxy `proxy`; `labels` the pod's.
fn dns_on(docker: &str, proxy: &str, app: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: agent-0}}, status: {{conditions: [{{type: Ready, status: "True"}}], nodeInfo: {{kubeletVersion: {proxy}, kubeProxyVersion: {proxy}, containerRuntimeVersion: "docker://{docker}", osImage: "Ubuntu 16.04.2 LTS", kernelVersion: 4.4.0-62-generic, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: {app}-v20-3z9k1, namespace: kube-system, uid: u-dns, labels: {{k8s-app: {app}}}}}, spec: {{nodeName: agent-0, containers: [{{name: kubedns, image: "gcr.io/google_containers/kubedns-amd64:1.9", livenessProbe: {{httpGet: {{path: /healthz-kubedns, port: 8080}}, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5}}, ports: [{{containerPort: 10053}}, {{containerPort: 8080}}]}}]}}, status: {{phase: Running, containerStatuses: [{{name: kubedns, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 137, reason: Error, startedAt: "2017-01-19T07:19:02Z", finishedAt: "2017-01-19T07:21:58Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: kube-system}}, involvedObject: {{kind: Pod, name: {app}-v20-3z9k1, namespace: kube-system, uid: u-dns}}, reason: Unhealthy, type: Warning, count: 40, firstTimestamp: "2017-01-19T07:00:00Z", lastTimestamp: "2017-01-19T07:27:50Z", source: {{component: kubelet, host: agent-0}}, message: "Liveness probe failed: HTTP probe failed with statuscode: 503"}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e2, namespace: kube-system}}, involvedObject: {{kind: Pod, name: {app}-v20-3z9k1, namespace: kube-system, uid: u-dns}}, reason: BackOff, type: Warning, count: 60, firstTimestamp: "2017-01-19T07:01:00Z", lastTimestamp: "2017-01-19T07:28:30Z", source: {{component: kubelet, host: agent-0}}, message: "Back-off restarting failed container"}}
"#
    )
}

#[test]
fn cluster_dns_behind_dockers_forward_drop_is_the_nodes_forwarding() {
    let out = diagnose(&load(&dns_on("1.13.0", "v1.5.1", "kube-dns")));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "kube-dns-v20-3z9k1",
    );
    assert_root(d, Loop::Network, "Node", "agent-0");
    assert!(d.fix.contains("iptables -P FORWARD ACCEPT"), "{}", d.fix);
    // Docker 1.12, or kube-proxy 1.9 and later, or a pod not the DNS: no.
    for (docker, proxy, app) in [
        ("1.12.6", "v1.5.1", "kube-dns"),
        ("17.03.2-ce", "v1.9.3", "kube-dns"),
        ("1.13.0", "v1.5.1", "web"),
    ] {
        let out = diagnose(&load(&dns_on(docker, proxy, app)));
        assert!(
            !out.diagnoses
                .iter()
                .any(|d| d.fix.contains("iptables -P FORWARD ACCEPT")),
            "{docker} {proxy} {app}: {}",
            summary(&out)
        );
    }
}
