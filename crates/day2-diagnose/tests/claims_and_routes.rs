//! Claims and routes read past their first words: a size outside the
//! driver's bounds (vultr/vultr-csi#86), a host-path provisioner whose
//! helper pod Pod Security refuses in its own namespace
//! (siderolabs/talos#10817), a local volume whose directory the kubelet
//! does not see (siderolabs/talos#9003), and an Ingress routing to a
//! Service that selects no pod in a namespace where nothing runs
//! (pomerium/ingress-controller#1015), and a node-local provisioner asked
//! before a pod chose a node (openebs/dynamic-localpv-provisioner#186).
//! Each with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
"#;

/// A Pending claim of `class` (provisioner `prov`), refused with `said`,
/// and `extra` objects.
fn claim(class: &str, prov: &str, said: &str, extra: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: {class}, uid: sc1}}, provisioner: {prov}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-0, namespace: apps, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: {class}, resources: {{requests: {{storage: 8Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: apps}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: apps, name: data-0, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 9, firstTimestamp: "2025-03-01T10:00:00Z", lastTimestamp: "2025-03-01T10:20:00Z", source: {{component: "{prov}_ctrl"}}, message: {said:?}}}
{extra}"#
    )
}

#[test]
fn a_size_outside_the_drivers_bounds() {
    let out = diagnose(&load(&claim(
        "vultr-block-storage",
        "block.csi.vultr.com",
        "failed to provision volume with StorageClass \"vultr-block-storage\": rpc error: code = Internal desc = {\"error\":\"Unable to add block storage: Failed to add block storage device. Invalid size (8GB) - Must be between 10GB and 10000GB.\",\"status\":400}",
        "",
    )));
    let d = about(&out, "PvcPending", "apps", "data-0");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "data-0");
    assert!(d.fix.contains("size"), "{}", d.fix);
    // A refusal that says nothing of sizes is not the claim's size.
    let out = diagnose(&load(&claim(
        "vultr-block-storage",
        "block.csi.vultr.com",
        "failed to provision volume with StorageClass \"vultr-block-storage\": rpc error: code = Internal desc = {\"error\":\"Unable to add block storage: region is unavailable\",\"status\":503}",
        "",
    )));
    let d = about(&out, "PvcPending", "apps", "data-0");
    assert_ne!(
        d.root_cause.object.kind,
        "PersistentVolumeClaim",
        "{}",
        summary(&out)
    );
}

#[test]
fn a_node_local_provisioner_asked_before_a_pod_chose_a_node() {
    // openebs/dynamic-localpv-provisioner#186: a default class left Immediate.
    let said = "failed to provision volume with StorageClass \"hostpath\": configuration error, no node was specified";
    let out = diagnose(&load(&claim("hostpath", "openebs.io/local", said, "")));
    let d = about(&out, "PvcPending", "apps", "data-0");
    assert_root(d, Loop::Storage, "StorageClass", "hostpath");
    assert!(
        d.fix.contains("volumeBindingMode: WaitForFirstConsumer"),
        "{}",
        d.fix
    );
    // A class that waits already: the words mean something else.
    let waiting = claim("hostpath", "openebs.io/local", said, "").replace(
        "provisioner: openebs.io/local}",
        "provisioner: openebs.io/local, volumeBindingMode: WaitForFirstConsumer}",
    );
    let out = diagnose(&load(&waiting));
    let d = about(&out, "PvcPending", "apps", "data-0");
    assert!(
        !d.fix.contains("WaitForFirstConsumer` (the field"),
        "{}",
        d.fix
    );
}

#[test]
fn a_provisioner_helper_pod_refused_by_pod_security() {
    let provisioner = "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: local-path-provisioner, namespace: local-path-storage, uid: d1}, spec: {selector: {matchLabels: {app: lpp}}, template: {metadata: {labels: {app: lpp}}, spec: {containers: [{name: lpp, image: \"rancher/local-path-provisioner:v0.0.26\"}]}}}}";
    let out = diagnose(&load(&claim(
        "local-path",
        "rancher.io/local-path",
        "failed to provision volume with StorageClass \"local-path\": failed to create volume pvc-1ffc: pods \"helper-pod-create-pvc-1ffc\" is forbidden: violates PodSecurity \"baseline:latest\": hostPath volumes (volume \"data\")",
        provisioner,
    )));
    let d = about(&out, "PvcPending", "apps", "data-0");
    assert_root(d, Loop::Identity, "Namespace", "local-path-storage");
    assert!(
        d.fix
            .contains("pod-security.kubernetes.io/enforce=privileged"),
        "{}",
        d.fix
    );
    // Another failure of the same provisioner is not Pod Security's.
    let out = diagnose(&load(&claim(
        "local-path",
        "rancher.io/local-path",
        "failed to provision volume with StorageClass \"local-path\": failed to create volume pvc-1ffc: timed out waiting for the helper pod",
        provisioner,
    )));
    let d = about(&out, "PvcPending", "apps", "data-0");
    assert_ne!(d.root_cause.object.kind, "Namespace", "{}", summary(&out));
}

/// A pod mounting a local-path volume of `kind` (`hostPath` or `local`)
/// the kubelet says is gone, or `said` otherwise.
fn local(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: storage-loki-0, namespace: obs, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: local-path, volumeName: pvc-5c01, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-5c01, uid: pv1}}, spec: {{accessModes: [ReadWriteOnce], capacity: {{storage: 10Gi}}, storageClassName: local-path, claimRef: {{namespace: obs, name: storage-loki-0, uid: pvc1}}, hostPath: {{path: /var/local-path-provisioner/pvc-5c01_obs_storage-loki-0, type: DirectoryOrCreate}}}}, status: {{phase: Bound}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: loki-0, namespace: obs, uid: p1}}
  spec: {{nodeName: w1, containers: [{{name: loki, image: "grafana/loki:2.9.0", volumeMounts: [{{name: storage, mountPath: /data}}]}}], volumes: [{{name: storage, persistentVolumeClaim: {{claimName: storage-loki-0}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: loki, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: obs}}, involvedObject: {{kind: Pod, namespace: obs, name: loki-0, uid: p1}}, reason: FailedMount, type: Warning, count: 9, firstTimestamp: "2025-03-01T10:00:00Z", lastTimestamp: "2025-03-01T10:20:00Z", source: {{component: kubelet, host: w1}}, message: {said:?}}}
"#
    )
}

#[test]
fn a_local_volume_whose_directory_the_kubelet_does_not_see() {
    let out = diagnose(&load(&local(
        "MountVolume.NewMounter initialization failed for volume \"pvc-5c01\" : path \"/var/local-path-provisioner/pvc-5c01_obs_storage-loki-0\" does not exist",
    )));
    let d = about(&out, "FailedMount", "obs", "loki-0");
    assert_root(d, Loop::Storage, "Node", "w1");
    assert!(
        d.fix.contains("extraMounts") && d.fix.contains("/var/local-path-provisioner"),
        "{}",
        d.fix
    );
    // Another mount failure of the same volume is not a missing directory.
    let out = diagnose(&load(&local(
        "MountVolume.SetUp failed for volume \"pvc-5c01\" : mount failed: exit status 32",
    )));
    let d = about(&out, "FailedMount", "obs", "loki-0");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}

/// A Service selecting no pod in namespace docs, where nothing runs, and
/// `ingress` objects.
fn docs(ingress: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: Pod, metadata: {{name: other, namespace: web, uid: p0, labels: {{app: other}}}}, spec: {{nodeName: w1, containers: [{{name: o, image: "nginx:1.25"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: mysvc, namespace: docs, uid: s1}}, spec: {{selector: {{app: mysvc}}, ports: [{{name: http, port: 80, targetPort: 80}}]}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: mysvc, namespace: docs, uid: ep1}}}}
{ingress}"#
    )
}

#[test]
fn an_ingress_routing_to_a_service_that_selects_nothing() {
    let out = diagnose(&load(&docs(
        "- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: tech-docs, namespace: docs, uid: i1}, spec: {ingressClassName: pomerium, rules: [{host: docs.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: mysvc, port: {number: 80}}}}]}}]}}",
    )));
    assert!(
        out.diagnoses
            .iter()
            .any(|d| d.symptom.object.name == "mysvc"),
        "{}",
        summary(&out)
    );
    // Nothing routes to it and nothing runs there: nothing to judge.
    let out = diagnose(&load(&docs("")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}
