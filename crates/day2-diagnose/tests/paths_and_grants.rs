//! Causes on the path a pod's traffic or its kubelet's probes take, and in
//! what its identity may do: a Calico policy that admits DNS over TCP only
//! (projectcalico/calico#2199), iptables refused for a capability the
//! container drops (linkerd/linkerd2#6254), aws-node's ipamd that never
//! comes up under a role (aws/amazon-vpc-cni-k8s#1847), and probes the
//! kubelet cannot connect with (antrea-io/antrea#176, rancher/rke2#3914).
//! Each with the sibling that must read otherwise.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

/// CoreDNS in kube-system, with its Service and one ready pod.
const DNS: &str = r#"
- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system, labels: {kubernetes.io/metadata.name: kube-system}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: app, labels: {kubernetes.io/metadata.name: app}}}
- {apiVersion: v1, kind: Service, metadata: {name: kube-dns, namespace: kube-system, uid: s-dns, labels: {k8s-app: kube-dns}}, spec: {clusterIP: 10.96.0.10, selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, protocol: UDP, targetPort: 53}, {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: coredns-1, namespace: kube-system, uid: p-dns, labels: {k8s-app: kube-dns}}, spec: {nodeName: n1, containers: [{name: coredns, image: "coredns:1.11", ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}]}]}, status: {phase: Running, podIP: 10.244.0.5, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: coredns, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-03-01T00:00:00Z"}}}]}}
- {apiVersion: v1, kind: Endpoints, metadata: {name: kube-dns, namespace: kube-system}, subsets: [{addresses: [{ip: 10.244.0.5, targetRef: {kind: Pod, name: coredns-1, namespace: kube-system}}], ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]}]}
"#;

fn calico_dns_policy(protocol: &str) -> String {
    format!(
        "- {{apiVersion: crd.projectcalico.org/v1, kind: NetworkPolicy, metadata: {{name: allow-dns, namespace: app, uid: cnp1}}, spec: {{types: [Egress], egress: [{{action: Allow, protocol: {protocol}, destination: {{selector: \"k8s-app == 'kube-dns'\", namespaceSelector: \"kubernetes.io/metadata.name == 'kube-system'\", ports: [53]}}}}]}}}}\n"
    )
}

#[test]
fn a_calico_policy_that_admits_dns_over_tcp_only_drops_the_lookups() {
    let lookup = "nslookup: can't resolve 'backend'";
    let c = cluster(&[
        &node("n1", "6.1.0"),
        DNS,
        &crashing("", lookup),
        &calico_dns_policy("TCP"),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "NetworkPolicy", "allow-dns");
    assert!(d.fix.contains("protocol: UDP"), "{}", d.fix);
    // The same rule for UDP admits the queries: not the policy.
    let c = cluster(&[
        &node("n1", "6.1.0"),
        DNS,
        &crashing("", lookup),
        &calico_dns_policy("UDP"),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}

#[test]
fn iptables_refused_for_a_capability_the_container_drops() {
    let refused = "iptables v1.6.0: can't initialize iptables table `nat': Permission denied (you must be root)";
    let dropping = "securityContext: {capabilities: {add: [NET_ADMIN, NET_RAW], drop: [NET_RAW]}}";
    let c = cluster(&[&node("n1", "6.1.0"), &crashing(dropping, refused)]);
    let out = diagnose(&c);
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(d.fix.contains("NET_RAW"), "{}", d.fix);
    // Nothing dropped: the capability is not what the kernel refuses.
    let c = cluster(&[
        &node("n1", "6.1.0"),
        &crashing(
            "securityContext: {capabilities: {add: [NET_ADMIN]}}",
            refused,
        ),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("Stop dropping"), "{}", d.fix);
}

#[test]
fn aws_nodes_ipamd_that_never_comes_up_points_at_the_role_it_runs_as() {
    let said = "{\"level\":\"error\",\"caller\":\"entrypoint.sh\",\"msg\":\"Failed to wait for IPAM daemon to complete\",\"error\":\"exit status 1\"}";
    let sa = |annotation: &str| {
        format!(
            "- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: default, namespace: app{annotation}}}}}\n"
        )
    };
    let c = cluster(&[
        &node("n1", "5.10.0"),
        &crashing("", said),
        &sa(
            ", annotations: {eks.amazonaws.com/role-arn: \"arn:aws:iam::123456789012:role/vpc-cni\"}",
        ),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Identity, "ServiceAccount", "default");
    assert!(d.fix.contains("AmazonEKS_CNI_Policy"), "{}", d.fix);
    // Without a role of its own, the nodes' instance role: the workload.
    let c = cluster(&[&node("n1", "5.10.0"), &crashing("", said), &sa("")]);
    let out = diagnose(&c);
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Identity, "Deployment", "web");
}

/// A pod of `workload` on `node` whose readiness probe fails with `probe`.
fn unready(workload: &str, node: &str, ip: &str, probe: &str) -> String {
    format!(
        r#"
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: {workload}, namespace: app, uid: d-{workload}}}, spec: {{selector: {{matchLabels: {{app: {workload}}}}}, template: {{metadata: {{labels: {{app: {workload}}}}}, spec: {{containers: [{{name: c, image: "x:1"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: {workload}-7, namespace: app, uid: rs-{workload}, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: {workload}, uid: d-{workload}, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: {workload}}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: {workload}-7-a, namespace: app, uid: p-{workload}, labels: {{app: {workload}}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: {workload}-7, uid: rs-{workload}, controller: true}}]}}, spec: {{nodeName: {node}, containers: [{{name: c, image: "x:1", ports: [{{containerPort: 81}}], readinessProbe: {{httpGet: {{path: /healthz, port: 81}}, periodSeconds: 10}}}}]}}, status: {{phase: Running, podIP: {ip}, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: c, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-03-02T09:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: {workload}, namespace: app, uid: s-{workload}}}, spec: {{selector: {{app: {workload}}}, ports: [{{port: 80, targetPort: 81}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: {workload}.1, namespace: app}}, involvedObject: {{kind: Pod, name: {workload}-7-a, namespace: app, uid: p-{workload}}}, reason: Unhealthy, type: Warning, count: 90, firstTimestamp: "2026-03-02T09:01:00Z", lastTimestamp: "2026-03-02T10:00:00Z", source: {{component: kubelet}}, message: "Readiness probe failed: {probe}"}}
"#
    )
}

fn node_at(name: &str, ip: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}}}, status: {{addresses: [{{type: InternalIP, address: {ip}}}], allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
    )
}

#[test]
fn a_probe_that_never_connects_through_a_policy_without_its_port() {
    let never = "Get http://10.10.1.14:81/healthz: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)";
    let policy = |rule: &str| {
        format!(
            "- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: catalog-allow-http, namespace: app, uid: np1}}, spec: {{podSelector: {{matchLabels: {{app: catalog}}}}, policyTypes: [Ingress], ingress: [{rule}]}}}}\n"
        )
    };
    let c = cluster(&[
        &node_at("w1", "192.168.10.11"),
        &unready("catalog", "w1", "10.10.1.14", never),
        &policy(
            "{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{protocol: TCP, port: 80}]}",
        ),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "catalog");
    assert_root(d, Loop::Network, "NetworkPolicy", "catalog-allow-http");
    assert!(d.fix.contains("81"), "{}", d.fix);
    // A rule admitting the probed port from anywhere: not the policy.
    let c = cluster(&[
        &node_at("w1", "192.168.10.11"),
        &unready("catalog", "w1", "10.10.1.14", never),
        &policy("{ports: [{protocol: TCP, port: 81}]}"),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "catalog");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}

#[test]
fn probes_of_several_workloads_unanswered_on_one_node_point_at_the_node() {
    let dial = "dial tcp 10.42.1.21:81: i/o timeout";
    let slow = "Get \\\"http://10.42.1.5:81/healthz\\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
    let c = cluster(&[
        &node_at("w2", "192.168.10.12"),
        &unready("postgres", "w2", "10.42.1.21", dial),
        &unready("cache", "w2", "10.42.1.5", slow),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "postgres");
    assert!(d.fix.contains("arp_ignore"), "{}", summary(&out));
    // One workload alone on its node: nothing says the node is at fault.
    let c = cluster(&[
        &node_at("w2", "192.168.10.12"),
        &unready("postgres", "w2", "10.42.1.21", dial),
    ]);
    let out = diagnose(&c);
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "postgres");
    assert!(!d.fix.contains("arp_ignore"), "{}", d.fix);
}
