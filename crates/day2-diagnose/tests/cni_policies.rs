//! What the thirty-second set's round reads: a CiliumNetworkPolicy whose DNS
//! rule names the Service's port, not the pods' (cilium/cilium#13308), a
//! Corefile without the `ready` plugin its probe asks (coredns/coredns#3403),
//! a replica a one-node cluster cannot spread (cilium/cilium#14089), and
//! `toFQDNs` egress whose DNS never passes Cilium's DNS proxy
//! (cilium/cilium#11767), and flannel nodes that all announce one overlay
//! address (flannel-io/flannel#535).

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {conditions: [{type: Ready, status: "True"}]}}
"#;

fn list(items: &str) -> String {
    format!("apiVersion: v1\nkind: List\nitems:\n{NODE}{items}")
}

fn coredns(port: u16, corefile: &str, probe: &str) -> String {
    format!(
        r#"- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: coredns, namespace: kube-system}}, data: {{Corefile: "{corefile}"}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: coredns-1, namespace: kube-system, labels: {{k8s-app: kube-dns}}}}, spec: {{nodeName: n1, volumes: [{{name: config, configMap: {{name: coredns}}}}], containers: [{{name: coredns, image: "coredns/coredns:1.8.0", ports: [{{containerPort: {port}, protocol: UDP}}], volumeMounts: [{{name: config, mountPath: /etc/coredns}}]{probe}}}]}}, status: {{phase: Running, podIP: 10.0.0.5, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: coredns, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kube-dns, namespace: kube-system}}, spec: {{clusterIP: 10.96.0.10, selector: {{k8s-app: kube-dns}}, ports: [{{name: dns, port: 53, targetPort: {port}, protocol: UDP}}]}}}}
"#
    )
}

#[test]
fn a_cilium_dns_rule_on_the_service_port_misses_the_pods_port() {
    let text = list(&format!(
        r#"{}- {{apiVersion: cilium.io/v2, kind: CiliumNetworkPolicy, metadata: {{name: orders-egress, namespace: apps}}, spec: {{endpointSelector: {{matchLabels: {{app: orders}}}}, egress: [{{toEndpoints: [{{matchLabels: {{"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}}}}], toPorts: [{{ports: [{{port: "53", protocol: ANY}}]}}]}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: orders-1, namespace: apps, labels: {{app: orders}}}}, spec: {{nodeName: n1, containers: [{{name: orders, image: "orders:1"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: orders, ready: false, restartCount: 4, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "dial tcp: lookup db.example.com on 10.96.0.10:53: read udp 10.0.0.9:40000->10.96.0.10:53: i/o timeout"}}}}}}]}}}}
"#,
        coredns(8053, "", "")
    ));
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", "apps", "orders-1");
    assert_root(d, Loop::Network, "CiliumNetworkPolicy", "orders-egress");
    assert!(d.fix.contains("8053"), "{}", d.fix);
}

#[test]
fn a_corefile_without_the_ready_plugin_never_answers_its_probe() {
    let probe = ", readinessProbe: {httpGet: {path: /ready, port: 8181}}";
    let mut text = list(&coredns(
        53,
        ".:53 {\\n    errors\\n    health\\n    forward . /etc/resolv.conf\\n}",
        probe,
    ));
    text = text.replace("conditions: [{type: Ready, status: \"True\"}], containerStatuses: [{name: coredns, ready: true", "conditions: [{type: Ready, status: \"False\"}], containerStatuses: [{name: coredns, ready: false");
    text.push_str(r#"- {apiVersion: v1, kind: Event, metadata: {name: coredns-1.1, namespace: kube-system}, involvedObject: {kind: Pod, name: coredns-1, namespace: kube-system}, reason: Unhealthy, type: Warning, count: 200, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T10:00:00Z", message: 'Readiness probe failed: Get "http://10.0.0.5:8181/ready": dial tcp 10.0.0.5:8181: connect: connection refused'}
"#);
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "kube-system",
        "kube-dns",
    );
    assert_root(d, Loop::Network, "ConfigMap", "coredns");
    assert!(d.fix.contains("`ready`"), "{}", d.fix);
}

#[test]
fn a_second_replica_a_one_node_cluster_cannot_spread_is_by_design() {
    let pod = |name: &str, running: bool| {
        let status = if running {
            r#"{phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: op, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-06-20T08:00:00Z"}}}]}"#.to_owned()
        } else {
            r#"{phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules."}]}"#.to_owned()
        };
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: kube-system, labels: {{name: op}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: op-1, uid: rs1, controller: true}}]}}, spec: {{{}containers: [{{name: op, image: \"operator:1\"}}]}}, status: {status}}}\n",
            if running { "nodeName: n1, " } else { "" }
        )
    };
    let text = list(&format!("{}{}", pod("op-1-a", true), pod("op-1-b", false)));
    let out = diagnose(&load(&text));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // Without a Ready sibling the replica's absence is felt: a symptom.
    let text = list(&pod("op-1-b", false));
    let out = diagnose(&load(&text));
    about(&out, "PodPending", "kube-system", "op-1-b");
}

/// harbor-core crashing on a timeout to an address of `some.example.com`,
/// its namespace's DNS egress rule with `dns_rules` appended to its port.
fn fqdn(dns_rules: &str) -> String {
    let said = "2020-05-29T10:58:41Z [ERROR] [/core/main.go:139]: failed to load OIDC settings: Get \\\"https://some.example.com/.well-known/openid-configuration\\\": dial tcp 93.184.216.34:443: i/o timeout";
    format!(
        r#"apiVersion: v1
kind: List
items:
{NODE}- {{apiVersion: cilium.io/v2, kind: CiliumNetworkPolicy, metadata: {{name: deny-all, namespace: harbor}}, spec: {{endpointSelector: {{matchLabels: {{}}}}, egress: [{{toEndpoints: [{{matchLabels: {{k8s-app: kube-dns, "k8s:io.kubernetes.pod.namespace": kube-system}}}}], toPorts: [{{ports: [{{port: "53", protocol: UDP}}]{dns_rules}}}]}}], ingress: [{{}}]}}}}
- {{apiVersion: cilium.io/v2, kind: CiliumNetworkPolicy, metadata: {{name: harbor-core, namespace: harbor}}, specs: [{{endpointSelector: {{matchLabels: {{app: harbor}}}}, egress: [{{toFQDNs: [{{matchName: some.example.com}}], toPorts: [{{ports: [{{port: "443", protocol: TCP}}]}}]}}]}}]}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: harbor-core-1, namespace: harbor, uid: p1, labels: {{app: harbor}}}}, spec: {{nodeName: n1, containers: [{{name: core, image: "goharbor/harbor-core:v2.0.0"}}]}}, status: {{phase: Running, containerStatuses: [{{name: core, ready: false, restartCount: 7, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{said}", finishedAt: "2020-05-29T10:58:41Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn fqdn_egress_whose_dns_skips_the_dns_proxy_is_never_opened() {
    let out = diagnose(&load(&fqdn("")));
    let d = about(&out, "CrashLoopBackOff", "harbor", "harbor-core-1");
    assert_root(d, Loop::Network, "CiliumNetworkPolicy", "deny-all");
    assert!(d.fix.contains("matchPattern"), "{}", d.fix);
    // DNS goes through the proxy: the names' addresses are learnt.
    let out = diagnose(&load(&fqdn(", rules: {dns: [{matchPattern: \"*\"}]}")));
    let d = about(&out, "CrashLoopBackOff", "harbor", "harbor-core-1");
    assert_ne!(d.root_cause.object.name, "deny-all", "{}", summary(&out));
}

/// flannel-io/flannel#535: flannel took the Vagrant NAT interface on every
/// VM, so each node announces 10.0.2.15 as its overlay address and lookups
/// from a pod on another node than CoreDNS time out.
fn vagrant(second_ip: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, annotations: {{flannel.alpha.coreos.com/public-ip: 10.0.2.15}}}}, status: {{addresses: [{{type: InternalIP, address: 192.168.33.10}}], conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: n2, annotations: {{flannel.alpha.coreos.com/public-ip: {second_ip}}}}}, status: {{addresses: [{{type: InternalIP, address: 192.168.33.11}}], conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: kube-flannel-ds, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: flannel}}}}, template: {{metadata: {{labels: {{app: flannel}}}}, spec: {{containers: [{{name: kube-flannel, image: "quay.io/coreos/flannel:v0.10.0", args: [--ip-masq, --kube-subnet-mgr]}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-flannel-ds-a, namespace: kube-system, labels: {{app: flannel}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: kube-flannel-ds, uid: ds1, controller: true}}]}}, spec: {{nodeName: n2, containers: [{{name: kube-flannel, image: "quay.io/coreos/flannel:v0.10.0", args: [--ip-masq, --kube-subnet-mgr]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: kube-flannel, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
{}- {{apiVersion: v1, kind: Pod, metadata: {{name: web-1, namespace: apps}}, spec: {{nodeName: n2, containers: [{{name: web, image: "web:1"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: web, ready: false, restartCount: 4, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 2, reason: Error, message: "panic: dial tcp: lookup redis-master on 10.96.0.10:53: read udp 10.244.1.7:38112->10.96.0.10:53: i/o timeout"}}}}}}]}}}}
"#,
        coredns(53, "", "")
    )
}

#[test]
fn nodes_that_announce_one_overlay_address_lose_the_traffic_between_them() {
    let out = diagnose(&load(&vagrant("10.0.2.15")));
    let d = about(&out, "CrashLoopBackOff", "apps", "web-1");
    assert_root(d, Loop::Network, "DaemonSet", "kube-flannel-ds");
    assert!(d.fix.contains("--iface"), "{}", d.fix);
    // Each node with its own address: not the overlay.
    let out = diagnose(&load(&vagrant("192.168.33.11")));
    let d = about(&out, "CrashLoopBackOff", "apps", "web-1");
    assert!(!d.fix.contains("--iface"), "{}", d.fix);
}
