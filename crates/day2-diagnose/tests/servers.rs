//! What the thirtieth set's round reads: a namespace label the API server
//! did not set before 1.21 (akash-network/node#1546), a CSI driver
//! installed under a prefixed name
//! (kubernetes-sigs/secrets-store-csi-driver#1135), a one-node
//! Elasticsearch that waits for green (elastic/helm-charts#783) and a
//! search node below its vm.max_map_count (opensearch-project/helm-charts#348).

mod common;

use common::*;
use day2_model::Loop;

fn list(kubelet: &str, items: &str) -> String {
    format!(
        "apiVersion: v1\nkind: List\nitems:\n- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, status: {{nodeInfo: {{kubeletVersion: {kubelet}, kernelVersion: '', osImage: '', containerRuntimeVersion: '', kubeProxyVersion: '', operatingSystem: linux, architecture: amd64, machineID: '', systemUUID: '', bootID: ''}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n{items}"
    )
}

fn tenant(kubelet: &str) -> String {
    list(
        kubelet,
        r#"- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}
- {apiVersion: v1, kind: Namespace, metadata: {name: tenant}}
- {apiVersion: v1, kind: Pod, metadata: {name: coredns-1, namespace: kube-system, labels: {k8s-app: kube-dns}}, spec: {nodeName: n1, containers: [{name: coredns, image: "coredns:1.7.0", ports: [{containerPort: 53, protocol: UDP}]}]}, status: {phase: Running, podIP: 10.0.0.5, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: coredns, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-06-20T08:00:00Z"}}}]}}
- {apiVersion: v1, kind: Service, metadata: {name: kube-dns, namespace: kube-system}, spec: {clusterIP: 10.96.0.10, selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, protocol: UDP}]}}
- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: restrict, namespace: tenant}, spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: 53, protocol: UDP}], to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: tenant}, spec: {nodeName: n1, containers: [{name: web, image: "web:1"}]}, status: {phase: Running, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: web, ready: false, restartCount: 5, image: "", imageID: "", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error, message: "dial tcp: lookup api.example.com on 10.96.0.10:53: read udp 10.0.0.9:51522->10.96.0.10:53: i/o timeout"}}}]}}
"#,
    )
}

#[test]
fn a_namespace_label_older_api_servers_never_set_selects_nothing() {
    let out = diagnose(&load(&tenant("v1.20.8")));
    let d = about(&out, "CrashLoopBackOff", "tenant", "web-1");
    assert_root(d, Loop::Network, "NetworkPolicy", "restrict");
    // From 1.21 the API server labels every namespace: the policy admits DNS.
    let out = diagnose(&load(&tenant("v1.24.3")));
    let d = about(&out, "CrashLoopBackOff", "tenant", "web-1");
    assert!(
        d.root_cause.object.kind != "NetworkPolicy",
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_csi_driver_under_a_prefixed_name_is_named() {
    let text = list(
        "v1.27.3",
        r#"- {apiVersion: storage.k8s.io/v1, kind: CSIDriver, metadata: {name: hcep-secrets-store.csi.k8s.io}, spec: {attachRequired: false, volumeLifecycleModes: [Ephemeral]}}
- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: hcep}, spec: {nodeName: n1, volumes: [{name: secrets-store, csi: {driver: secrets-store.csi.k8s.io, readOnly: true}}], containers: [{name: api, image: "api:1", volumeMounts: [{name: secrets-store, mountPath: /mnt/secrets}]}]}, status: {phase: Pending, containerStatuses: [{name: api, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: ContainerCreating}}}]}}
- {apiVersion: v1, kind: Event, metadata: {name: api-1.1, namespace: hcep}, involvedObject: {kind: Pod, name: api-1, namespace: hcep}, reason: FailedMount, type: Warning, count: 7, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:20:00Z", message: 'MountVolume.NewMounter initialization failed for volume "secrets-store" : volume mode "Ephemeral" not supported by driver secrets-store.csi.k8s.io (no CSIDriver object)'}
"#,
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", "hcep", "api-1");
    assert_root(
        d,
        Loop::Storage,
        "CSIDriver",
        "hcep-secrets-store.csi.k8s.io",
    );
}

fn search(replicas: u32, readiness: &str, crash: &str) -> String {
    list(
        "v1.27.3",
        &format!(
            r#"- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: es, namespace: elk, uid: es}}, spec: {{replicas: {replicas}, serviceName: es, selector: {{matchLabels: {{app: es}}}}, template: {{metadata: {{labels: {{app: es}}}}, spec: {{containers: [{{name: es, image: "elasticsearch:7.10.0"}}]}}}}}}, status: {{replicas: {replicas}, readyReplicas: 0}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: es, namespace: elk}}, spec: {{selector: {{app: es}}, ports: [{{port: 9200}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: es-0, namespace: elk, labels: {{app: es}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: es, uid: es, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: es, image: "elasticsearch:7.10.0", readinessProbe: {{exec: {{command: [sh, -c, "curl localhost:9200/_cluster/health?wait_for_status=green"]}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: es, ready: false, restartCount: {}, image: "", imageID: "", {crash}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: es-0.1, namespace: elk}}, involvedObject: {{kind: Pod, name: es-0, namespace: elk, fieldPath: "spec.containers{{es}}"}}, reason: Unhealthy, type: Warning, count: 300, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T10:00:00Z", message: '{readiness}'}}
"#,
            if crash.contains("waiting") { 7 } else { 0 }
        ),
    )
}

#[test]
fn a_one_node_search_cluster_waiting_for_green_never_gets_ready() {
    let waits = r#"Readiness probe failed: Waiting for elasticsearch cluster to become ready (request params: "wait_for_status=green&timeout=1s" )"#;
    let running = r#"state: {running: {startedAt: "2026-06-20T08:00:00Z"}}"#;
    let out = diagnose(&load(&search(1, waits, running)));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "elk", "es");
    assert_root(d, Loop::Compute, "StatefulSet", "es");
    assert!(d.fix.contains("wait_for_status=yellow"), "{}", d.fix);
}

#[test]
fn a_search_node_below_its_map_count_is_its_init_container() {
    let crash = r#"state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 78, reason: Error, message: "ERROR: [1] bootstrap checks failed\n[1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]"}}"#;
    let out = diagnose(&load(&search(
        3,
        "Readiness probe failed: connection refused",
        crash,
    )));
    let d = about(&out, "CrashLoopBackOff", "elk", "es-0");
    assert_root(d, Loop::Compute, "StatefulSet", "es");
    assert!(
        d.fix.contains("sysctl -w vm.max_map_count=262144"),
        "{}",
        d.fix
    );
}
