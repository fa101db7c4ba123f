//! Backends the twenty-eighth set's round reads: hand-written Endpoints
//! whose port names do not pair with the Service's (istio/istio#18624),
//! GKE's own health verdict on an Ingress backend (weaviate/weaviate#1039,
//! kubernetes/kubernetes#20555), a Secrets Store provider never installed
//! (GoogleCloudPlatform/secrets-store-csi-driver-provider-gcp#165), and a
//! policy that admits the app's port but not Linkerd's (linkerd/linkerd2#12382).

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {conditions: [{type: Ready, status: "True"}]}}
"#;

fn list(items: &str) -> String {
    format!("apiVersion: v1\nkind: List\nitems:\n{NODE}{items}")
}

fn manual(endpoint_port: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Service, metadata: {{name: productpage, namespace: shop}}, spec: {{ports: [{{name: http, port: 9080, targetPort: 9080}}]}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: productpage, namespace: shop}}, subsets: [{{addresses: [{{ip: 10.244.2.43}}], ports: [{endpoint_port}]}}]}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: kubernetes, namespace: default}}, subsets: [{{addresses: [{{ip: 10.0.0.1}}], ports: [{{name: https, port: 6443}}]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kubernetes, namespace: default}}, spec: {{ports: [{{name: https, port: 443, targetPort: 6443}}]}}}}
"#
    ))
}

#[test]
fn hand_written_endpoints_pair_with_the_service_by_port_name() {
    let out = diagnose(&load(&manual("{port: 9080, protocol: TCP}")));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "shop", "productpage");
    assert_root(d, Loop::Network, "Endpoints", "productpage");
    assert!(d.fix.contains("name: http"), "{}", d.fix);
    // Named alike: served, and the API server's own Service is never judged wrong.
    let out = diagnose(&load(&manual("{name: http, port: 9080, protocol: TCP}")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

fn gke(readiness: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Pod, metadata: {{name: web-1, namespace: shop, labels: {{app: web}}}}, spec: {{nodeName: n1, containers: [{{name: web, image: "web:1", ports: [{{containerPort: 8080}}]{readiness}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: web, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: web, namespace: shop}}, spec: {{type: NodePort, selector: {{app: web}}, ports: [{{name: http, port: 80, targetPort: 8080, nodePort: 30450}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: web, namespace: shop, annotations: {{ingress.kubernetes.io/backends: '{{"k8s-be-30450--7901e6b62d1b12c3":"UNHEALTHY"}}'}}}}, spec: {{defaultBackend: {{service: {{name: web, port: {{number: 80}}}}}}}}}}
"#
    ))
}

#[test]
fn gke_calls_a_backend_unhealthy_that_the_kubelet_calls_ready() {
    let probe = r#", readinessProbe: {httpGet: {path: /v1/.well-known/ready, port: 8080}}"#;
    let out = diagnose(&load(&gke(probe)));
    let d = about(&out, "IngressBackendUnavailable", "shop", "web");
    assert_root(d, Loop::Network, "Pod", "web-1");
    assert!(d.fix.contains("answer 200"), "{}", d.fix);
    // No probe: the path `/` or the firewall, which the cluster cannot tell.
    let out = diagnose(&load(&gke("")));
    let d = about(&out, "IngressBackendUnavailable", "shop", "web");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("130.211.0.0/22"), "{}", d.fix);
}

#[test]
fn a_secrets_store_provider_never_installed_is_named() {
    let text = list(
        r#"- {apiVersion: v1, kind: Pod, metadata: {name: mypod, namespace: default}, spec: {nodeName: n1, volumes: [{name: mysecret, csi: {driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {secretProviderClass: app-secrets}}}], containers: [{name: c, image: "app:1", volumeMounts: [{name: mysecret, mountPath: /var/secrets}]}]}, status: {phase: Pending, containerStatuses: [{name: c, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: ContainerCreating}}}]}}
- {apiVersion: v1, kind: Event, metadata: {name: mypod.1, namespace: default}, involvedObject: {kind: Pod, name: mypod, namespace: default}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:20:00Z", message: 'MountVolume.SetUp failed for volume "mysecret" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod default/mypod, err: error connecting to provider "gcp": provider not found: provider "gcp"'}
"#,
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", "default", "mypod");
    assert_root(
        d,
        Loop::Storage,
        "DaemonSet",
        "csi-secrets-store-provider-gcp",
    );
    assert!(d.fix.contains("provider-gcp-plugin"), "{}", d.fix);
}

fn meshed(name: &str, labels: &str, app: &str, extra: &str) -> String {
    format!(
        r#"- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: app, labels: {{{labels}}}}}, spec: {{nodeName: n1, containers: [{{name: {app}, image: "{app}:1"{extra}}}, {{name: linkerd-proxy, image: "cr.l5d.io/linkerd/proxy:stable-2.14"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: {app}, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_policy_that_admits_the_app_port_but_not_linkerds_blocks_meshed_clients() {
    let client = r#"- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: app, labels: {app: api}}, spec: {nodeName: n1, containers: [{name: api, image: "api:1"}, {name: linkerd-proxy, image: "cr.l5d.io/linkerd/proxy:stable-2.14"}]}, status: {phase: Running, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: api, ready: false, restartCount: 7, image: "", imageID: "", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error, message: "redis: could not connect to redis-master.app.svc.cluster.local:6379 within 30000ms, exiting"}}}]}}
"#;
    let text = list(&format!(
        r#"{client}{}- {{apiVersion: v1, kind: Service, metadata: {{name: redis-master, namespace: app}}, spec: {{selector: {{app: redis}}, ports: [{{port: 6379, targetPort: 6379}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: redis, namespace: app}}, spec: {{podSelector: {{matchLabels: {{app: redis}}}}, policyTypes: [Ingress], ingress: [{{ports: [{{port: 6379, protocol: TCP}}]}}]}}}}
"#,
        meshed(
            "redis-master-0",
            "app: redis",
            "redis",
            ", ports: [{containerPort: 6379}]"
        )
    ));
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", "app", "api-1");
    assert_root(d, Loop::Network, "NetworkPolicy", "redis");
    assert!(d.fix.contains("4143"), "{}", d.fix);
}
