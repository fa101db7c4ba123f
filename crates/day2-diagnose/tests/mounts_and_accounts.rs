//! What a capture leaves out is not a cause, and what a controller's spec
//! declares is read before blaming it: a StatefulSet mounting a volume it
//! declares nowhere (thanos-io/kube-thanos#255), a running pod whose
//! namespace's `default` ServiceAccount the input lacks, a volume the
//! kubelet never named failing, and a FlexVolume driver whose answer is
//! not JSON (Azure/kubernetes-volume-drivers#14); and an Istio sidecar in
//! front of a server-first protocol (argoproj/argo-events#1311), and a CSI
//! plugin mounting another kubelet root than the kubelet's
//! (kubernetes-csi/csi-driver-host-path#527), and a TaskRun whose
//! ServiceAccount lists a Secret that is not there
//! (tektoncd/pipeline#7760). Each with the sibling that must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
"#;

/// A StatefulSet whose pods the API server refuses with `field`.
fn store(field: &str) -> String {
    let said = format!(
        "create Pod thanos-store-0 in StatefulSet thanos-store failed error: Pod \"thanos-store-0\" is invalid: {field}"
    );
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: thanos-store, namespace: monitoring, uid: s1}}, spec: {{replicas: 1, serviceName: thanos-store, selector: {{matchLabels: {{app: store}}}}, template: {{metadata: {{labels: {{app: store}}}}, spec: {{containers: [{{name: thanos-store, image: "quay.io/thanos/thanos:v0.28.0", volumeMounts: [{{name: data, mountPath: /var/thanos/store}}]}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: monitoring}}, involvedObject: {{kind: StatefulSet, namespace: monitoring, name: thanos-store, uid: s1}}, reason: FailedCreate, type: Warning, count: 20, firstTimestamp: "2022-01-10T10:00:00Z", lastTimestamp: "2022-01-10T10:30:00Z", source: {{component: statefulset-controller}}, message: {said:?}}}
"#
    )
}

#[test]
fn a_mount_of_a_volume_the_pod_declares_nowhere() {
    let out = diagnose(&load(&store(
        "spec.containers[0].volumeMounts[0].name: Not found: \"data\"",
    )));
    let d = &out.diagnoses[0];
    assert_root(d, Loop::Storage, "StatefulSet", "thanos-store");
    assert!(
        d.fix.contains("volumeClaimTemplate named data"),
        "{}",
        d.fix
    );
    // Another invalid field is the spec's, in the compute loop.
    let out = diagnose(&load(&store("spec.containers[0].image: Required value")));
    let d = &out.diagnoses[0];
    assert_eq!(d.root_cause.loop_, Loop::Compute, "{}", summary(&out));
}

/// A crash-looping pod of namespace ev that runs as `sa`, with no
/// ServiceAccount of that namespace in the input but another.
fn runs_as(sa: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: argo-events-sa, namespace: ev, uid: sa1}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: eventsource-nvqhm, namespace: ev, uid: p1}}
  spec: {{nodeName: w1, serviceAccountName: {sa}, containers: [{{name: main, image: "quay.io/argoproj/argo-events:v1.4.0"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: main, ready: false, restartCount: 5, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "failed to connect to eventbus, read tcp 10.42.0.40:42834->10.42.2.28:4222: i/o timeout"}}}}}}]}}
"#
    )
}

#[test]
fn a_default_account_the_capture_left_out_is_not_the_cause() {
    let out = diagnose(&load(&runs_as("default")));
    let d = about(&out, "CrashLoopBackOff", "ev", "eventsource-nvqhm");
    assert_ne!(
        d.root_cause.object.kind,
        "ServiceAccount",
        "{}",
        summary(&out)
    );
    // An account of its own that is not there is still read.
    let out = diagnose(&load(&runs_as("eventsource-sa")));
    let d = about(&out, "CrashLoopBackOff", "ev", "eventsource-nvqhm");
    assert_root(d, Loop::Identity, "ServiceAccount", "eventsource-sa");
}

/// A pod with a FlexVolume `test` and a token Secret volume the input
/// lacks, whose mount of `test` fails with `said`.
fn flex(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- apiVersion: v1
  kind: Pod
  metadata: {{name: smb-test, namespace: default, uid: p1}}
  spec: {{nodeName: w1, containers: [{{name: app, image: "nginx:1.25", volumeMounts: [{{name: test, mountPath: /data}}, {{name: default-token-ffb13, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}}]}}], volumes: [{{name: test, flexVolume: {{driver: microsoft.com/smb, secretRef: {{name: smbcreds}}, options: {{source: //fs/share}}}}}}, {{name: default-token-ffb13, secret: {{secretName: default-token-ffb13}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Secret, metadata: {{name: smbcreds, namespace: default, uid: sec1}}, type: Opaque}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: smb-test, uid: p1}}, reason: FailedMount, type: Warning, count: 9, firstTimestamp: "2019-01-10T10:00:00Z", lastTimestamp: "2019-01-10T10:30:00Z", source: {{component: kubelet, host: w1}}, message: {said:?}}}
"#
    )
}

#[test]
fn a_flexvolume_driver_whose_answer_is_not_json() {
    let out = diagnose(&load(&flex(
        "MountVolume.SetUp failed for volume \"test\" : invalid character '/' looking for beginning of value",
    )));
    let d = about(&out, "FailedMount", "default", "smb-test");
    // The token volume the kubelet never named is not what fails.
    assert_ne!(d.root_cause.object.kind, "Secret", "{}", summary(&out));
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.fix.contains("microsoft.com~smb/smb init") && d.fix.contains("jq"),
        "{}",
        d.fix
    );
    // The kubelet naming the token volume: its missing Secret is the cause.
    let out = diagnose(&load(&flex(
        "MountVolume.SetUp failed for volume \"default-token-ffb13\" : secret \"default-token-ffb13\" not found",
    )));
    let d = about(&out, "FailedMount", "default", "smb-test");
    assert_eq!(d.root_cause.object.kind, "Secret", "{}", summary(&out));
}

/// An event source behind an Istio sidecar timing out on NATS, whose
/// Service port is named `port_name`.
fn nats(port_name: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: Service, metadata: {{name: eventbus-default-stan-svc, namespace: ev, uid: s1}}, spec: {{clusterIP: None, selector: {{app: stan}}, ports: [{{name: {port_name}, port: 4222, targetPort: 4222, protocol: TCP}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: eventbus-default-stan-0, namespace: ev, uid: p0, labels: {{app: stan}}}}, spec: {{nodeName: w1, containers: [{{name: stan, image: "nats-streaming:0.22.1", ports: [{{containerPort: 4222}}]}}, {{name: istio-proxy, image: "docker.io/istio/proxyv2:1.10.3"}}]}}, status: {{phase: Running, podIP: 10.42.2.28, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: stan, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2021-08-14T09:00:00Z"}}}}}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: webhook-eventsource-nvqhm, namespace: ev, uid: p1}}
  spec: {{nodeName: w1, containers: [{{name: main, image: "quay.io/argoproj/argo-events:v1.4.0"}}, {{name: istio-proxy, image: "docker.io/istio/proxyv2:1.10.3"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: main, ready: false, restartCount: 5, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "failed to connect to eventbus, read tcp 10.42.0.40:42834->10.42.2.28:4222: i/o timeout"}}}}}}]}}
"#
    )
}

#[test]
fn a_sidecar_in_front_of_a_server_first_protocol() {
    let out = diagnose(&load(&nats("client")));
    let d = about(&out, "CrashLoopBackOff", "ev", "webhook-eventsource-nvqhm");
    assert_root(d, Loop::Network, "Service", "eventbus-default-stan-svc");
    assert!(
        d.fix.contains("tcp-client") && d.fix.contains("4222"),
        "{}",
        d.fix
    );
    // The port declared as TCP: the sidecar does not wait, so not this.
    let out = diagnose(&load(&nats("tcp-client")));
    let d = about(&out, "CrashLoopBackOff", "ev", "webhook-eventsource-nvqhm");
    assert!(!d.fix.contains("tcp-client"), "{}", d.fix);
}

/// A meshed backend behind Service `backend` whose readiness fails (503)
/// and whose configuration names a MySQL Service with port `port_name`.
fn meshed_reader(port_name: &str, sidecar: bool) -> String {
    let proxy = if sidecar {
        r#", {name: istio-proxy, image: "docker.io/istio/proxyv2:1.13.2"}"#
    } else {
        ""
    };
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: Service, metadata: {{name: mysql-proxy, namespace: db, uid: s1}}, spec: {{clusterIP: 10.96.0.30, selector: {{app: mysql-proxy}}, ports: [{{name: {port_name}, port: 3306, targetPort: 6033, protocol: TCP}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: mysql-proxy-0, namespace: db, uid: p0, labels: {{app: mysql-proxy}}}}, spec: {{nodeName: w1, containers: [{{name: proxysql, image: "proxysql/proxysql:2.3.2", ports: [{{containerPort: 6033}}]}}]}}, status: {{phase: Running, podIP: 10.42.1.5, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: proxysql, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2022-03-02T08:00:40Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: mysql-proxy, namespace: db, uid: ep1}}, subsets: [{{addresses: [{{ip: 10.42.1.5, targetRef: {{kind: Pod, name: mysql-proxy-0, namespace: db, uid: p0}}}}], ports: [{{name: proxy, port: 6033, protocol: TCP}}]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: backend, namespace: app, uid: s2}}, spec: {{clusterIP: 10.96.0.31, selector: {{app: backend}}, ports: [{{name: http, port: 8080, targetPort: 8080, protocol: TCP}}]}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: backend, namespace: app, uid: ep2}}, subsets: [{{notReadyAddresses: [{{ip: 10.42.1.7, targetRef: {{kind: Pod, name: backend-0, namespace: app, uid: p1}}}}], ports: [{{name: http, port: 8080, protocol: TCP}}]}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: backend-0, namespace: app, uid: p1, labels: {{app: backend}}}}
  spec: {{nodeName: w1, containers: [{{name: backend, image: "backend:1", env: [{{name: DB_HOST, value: mysql-proxy.db.svc.cluster.local}}, {{name: DB_PORT, value: "3306"}}], ports: [{{containerPort: 8080}}], readinessProbe: {{httpGet: {{path: /readyz, port: 8080}}}}}}{proxy}]}}
  status: {{phase: Running, podIP: 10.42.1.7, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: backend, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2022-04-06T12:58:28Z"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-r, namespace: app}}, involvedObject: {{kind: Pod, namespace: app, name: backend-0, uid: p1}}, reason: Unhealthy, type: Warning, count: 171, firstTimestamp: "2022-04-06T12:58:40Z", lastTimestamp: "2022-04-06T13:27:44Z", source: {{component: kubelet, host: w1}}, message: "Readiness probe failed: HTTP probe failed with statuscode: 503"}}
"#
    )
}

#[test]
fn a_meshed_readiness_waiting_on_a_server_first_port_the_sidecar_cannot_tell() {
    // istio/istio#38284: a MySQL proxy's port named `proxy`.
    let out = diagnose(&load(&meshed_reader("proxy", true)));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "backend");
    assert_root(d, Loop::Network, "Service", "mysql-proxy");
    assert!(d.fix.contains("appProtocol: tcp"), "{}", d.fix);
    // Declared as TCP, or no sidecar in the path: not this.
    for (name, sidecar) in [("tcp-proxy", true), ("proxy", false)] {
        let out = diagnose(&load(&meshed_reader(name, sidecar)));
        let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "backend");
        assert_ne!(d.root_cause.object.name, "mysql-proxy", "{}", summary(&out));
    }
}

/// A pod on w1 whose CSI mount the kubelet asks under MicroK8s' root, and
/// a plugin pod on w1 whose pods directory is the hostPath `pods`.
fn plugin_under(pods: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: csi-hostpathplugin, namespace: default, uid: st1}}, spec: {{serviceName: csi-hostpathplugin, selector: {{matchLabels: {{app: csi}}}}, template: {{metadata: {{labels: {{app: csi}}}}, spec: {{containers: [{{name: hostpath, image: "registry.k8s.io/sig-storage/hostpathplugin:v1.13.0"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: csi-hostpathplugin-0, namespace: default, uid: pp, labels: {{app: csi}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: csi-hostpathplugin, uid: st1, controller: true}}]}}, spec: {{nodeName: w1, containers: [{{name: hostpath, image: "registry.k8s.io/sig-storage/hostpathplugin:v1.13.0", volumeMounts: [{{name: mountpoint-dir, mountPath: {pods}, mountPropagation: Bidirectional}}]}}], volumes: [{{name: mountpoint-dir, hostPath: {{path: {pods}, type: DirectoryOrCreate}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: hostpath, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2024-05-24T13:52:20Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: my-csi-app, namespace: default, uid: pa}}, spec: {{nodeName: w1, containers: [{{name: app, image: "busybox:1.36", volumeMounts: [{{name: data, mountPath: /data}}]}}], volumes: [{{name: data, csi: {{driver: hostpath.csi.k8s.io}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-m, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: my-csi-app, uid: pa}}, reason: FailedMount, type: Warning, count: 18, firstTimestamp: "2024-05-24T14:02:15Z", lastTimestamp: "2024-05-24T14:21:37Z", source: {{component: kubelet, host: w1}}, message: "MountVolume.SetUp failed for volume \"data\" : rpc error: code = Unknown desc = create target path: mkdir /var/snap/microk8s/common/var/lib/kubelet/pods/pa/volumes/kubernetes.io~csi/data/mount: no such file or directory"}}
"#
    )
}

#[test]
fn a_csi_plugin_mounting_another_kubelet_root_than_the_kubelets() {
    // kubernetes-csi/csi-driver-host-path#527: MicroK8s keeps its kubelet in the snap.
    let out = diagnose(&load(&plugin_under("/var/lib/kubelet/pods")));
    let d = about(&out, "FailedMount", "default", "my-csi-app");
    assert_root(d, Loop::Storage, "StatefulSet", "csi-hostpathplugin");
    assert!(
        d.fix
            .contains("KUBELET_DATA_DIR=/var/snap/microk8s/common/var/lib/kubelet"),
        "{}",
        d.fix
    );
    // The plugin mounts the kubelet's root: the cause is elsewhere.
    let out = diagnose(&load(&plugin_under(
        "/var/snap/microk8s/common/var/lib/kubelet/pods",
    )));
    let d = about(&out, "FailedMount", "default", "my-csi-app");
    assert!(!d.fix.contains("KUBELET_DATA_DIR"), "{}", d.fix);
}

/// A TaskRun running as `taskrun-sa`, which lists Secret `not-exist`, and
/// the controller's refusal to build its pod; `extra` adds objects.
fn task_run(extra: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: taskrun-sa, namespace: default, uid: sa1}}, secrets: [{{name: not-exist}}]}}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: default, namespace: default, uid: sa0}}}}
- {{apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {{name: test-sa, namespace: default, uid: tr1}}, spec: {{serviceAccountName: taskrun-sa, taskSpec: {{steps: [{{name: hello, image: alpine, script: date}}]}}}}, status: {{conditions: [{{type: Succeeded, status: "False", reason: PodCreationFailed}}], podName: ""}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{apiVersion: tekton.dev/v1, kind: TaskRun, name: test-sa, namespace: default, uid: tr1}}, reason: Failed, type: Warning, count: 1, firstTimestamp: "2024-03-17T08:15:41Z", lastTimestamp: "2024-03-17T08:15:41Z", source: {{component: TaskRun}}, message: "failed to create task run pod \"test-sa\": translating TaskSpec to Pod: secrets \"not-exist\" not found. Maybe invalid TaskSpec"}}{extra}
"#
    )
}

#[test]
fn a_task_run_whose_service_account_lists_a_missing_secret() {
    // tektoncd/pipeline#7760: the controller reads every Secret the account lists.
    let out = diagnose(&load(&task_run("")));
    let d = about(&out, "PodCreateFailed", "default", "test-sa");
    assert_root(d, Loop::Identity, "ServiceAccount", "taskrun-sa");
    assert!(d.fix.contains("`secrets`"), "{}", d.fix);
    // The Secret exists (created since): the account is not the cause.
    let out = diagnose(&load(&task_run(
        "\n- {apiVersion: v1, kind: Secret, metadata: {name: not-exist, namespace: default, uid: s1}, type: Opaque}",
    )));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| d.root_cause.object.name != "taskrun-sa"),
        "{}",
        summary(&out)
    );
}
