//! Block-storage and platform refusals read past the pod's words: a node
//! without the initiator tools its CSI driver runs in the host's root
//! (kubernetes-csi/csi-driver-iscsi#104), an external-attacher whose
//! ClusterRole predates its `volumeattachments/status` writes
//! (scaleway/scaleway-csi, external-attacher v3), a stage that times out on
//! an iSCSI volume (NetApp/trident#909), and OpenShift's restricted SCC
//! refusing an image built to start as root. Each with the sibling that
//! must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.4, osImage: CentOS Linux 7 (Core), kernelVersion: 3.10.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.29.4, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
"#;

/// A Deployment's pod on w1 mounting claim `data` of an iSCSI CSI driver,
/// the VolumeAttachment `va_status`, and the kubelet's FailedMount `said`.
fn iscsi(va_status: &str, said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: san, uid: sc1}}, provisioner: iscsi.csi.k8s.io}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: san, volumeName: pv-1, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv-1, uid: pv1}}, spec: {{accessModes: [ReadWriteOnce], capacity: {{storage: 10Gi}}, storageClassName: san, claimRef: {{namespace: app, name: data, uid: pvc1}}, csi: {{driver: iscsi.csi.k8s.io, volumeHandle: lun-0, fsType: ext4}}}}, status: {{phase: Bound}}}}
- {{apiVersion: storage.k8s.io/v1, kind: VolumeAttachment, metadata: {{name: csi-1, uid: va1}}, spec: {{attacher: iscsi.csi.k8s.io, nodeName: w1, source: {{persistentVolumeName: pv-1}}}}, status: {va_status}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web, namespace: app, uid: d1}}, spec: {{selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: nginx:1.25}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: web-7f9, namespace: app, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: web}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-7f9-mq2xl, namespace: app, uid: p1, labels: {{app: web}}, creationTimestamp: "2025-03-01T10:00:00Z", ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-7f9, uid: rs1, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: web, image: nginx:1.25, volumeMounts: [{{name: data, mountPath: /data}}]}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "True"}}], containerStatuses: [{{name: web, ready: false, restartCount: 0, image: nginx:1.25, imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, namespace: app, name: web-7f9-mq2xl, uid: p1}}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: "2025-03-01T10:00:10Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: kubelet, host: w1}}, message: '{said}'}}
"#
    )
}

#[test]
fn a_node_without_the_initiator_tools_its_driver_runs() {
    let out = diagnose(&load(&iscsi(
        "{attached: true}",
        "MountVolume.MountDevice failed for volume \"pv-1\" : rpc error: code = Internal desc = chroot: failed to run command ''iscsiadm'': No such file or directory",
    )));
    let d = about(&out, "FailedMount", "app", "web-7f9-mq2xl");
    assert_root(d, Loop::Storage, "Node", "w1");
    assert!(
        d.fix.contains("iscsi-initiator-utils") && d.fix.contains("open-iscsi"),
        "{}",
        d.fix
    );
    // iscsiadm ran and timed out logging in: the tools are there; the
    // array's portals the attachment records are what to check.
    let out = diagnose(&load(&iscsi(
        "{attached: true, attachmentMetadata: {iscsiTargetIqn: \"iqn.1992-08.com.netapp:sn.4a2f:vs.3\", p1: 10.0.147.251, p2: 10.0.147.252}}",
        "MountVolume.MountDevice failed for volume \"pv-1\" : rpc error: code = Internal desc = failed to stage volume: process killed after timeout",
    )));
    let d = about(&out, "FailedMount", "app", "web-7f9-mq2xl");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.fix.contains("10.0.147.251, 10.0.147.252") && d.fix.contains("iscsiadm -m session"),
        "{}",
        d.fix
    );
}

/// A Scaleway-style CSI controller with a v3 attacher, its ClusterRole's
/// attachment rules `rules`, and a pod whose attach timed out.
fn attacher(rules: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: scaleway-csi-controller, namespace: kube-system, uid: sa1}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: scaleway-csi-attacher, uid: cr1}}, rules: [{{apiGroups: [""], resources: [persistentvolumes], verbs: [get, list, watch, update, patch]}}, {{apiGroups: [storage.k8s.io], resources: [csinodes], verbs: [get, list, watch]}}, {rules}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: scaleway-csi-attacher-binding, uid: crb1}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scaleway-csi-attacher}}, subjects: [{{kind: ServiceAccount, name: scaleway-csi-controller, namespace: kube-system}}]}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: scaleway-csi-controller, namespace: kube-system, uid: d0}}, spec: {{selector: {{matchLabels: {{app: scw}}}}, template: {{metadata: {{labels: {{app: scw}}}}, spec: {{serviceAccountName: scaleway-csi-controller, containers: [{{name: scaleway-csi-plugin, image: "scaleway/scaleway-csi:v0.1.7", args: ["--mode=controller"]}}, {{name: csi-attacher, image: "k8s.gcr.io/sig-storage/csi-attacher:v3.1.0", args: ["--csi-address=$(ADDRESS)"]}}]}}}}}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: scw-bssd, uid: sc1}}, provisioner: csi.scaleway.com}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: scw-bssd, volumeName: pvc-c56, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-c56, uid: pv1}}, spec: {{accessModes: [ReadWriteOnce], capacity: {{storage: 10Gi}}, storageClassName: scw-bssd, claimRef: {{namespace: app, name: data, uid: pvc1}}, csi: {{driver: csi.scaleway.com, volumeHandle: fr-par-2/dc28, fsType: ext4}}}}, status: {{phase: Bound}}}}
- {{apiVersion: storage.k8s.io/v1, kind: VolumeAttachment, metadata: {{name: csi-37c, uid: va1}}, spec: {{attacher: csi.scaleway.com, nodeName: w1, source: {{persistentVolumeName: pvc-c56}}}}, status: {{attached: false}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: gitea-0, namespace: app, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, containers: [{{name: gitea, image: gitea/gitea:1.21, volumeMounts: [{{name: data, mountPath: /data}}]}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "True"}}], containerStatuses: [{{name: gitea, ready: false, restartCount: 0, image: gitea/gitea:1.21, imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, namespace: app, name: gitea-0, uid: p1}}, reason: FailedAttachVolume, type: Warning, count: 6, firstTimestamp: "2025-03-01T10:00:10Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: attachdetach-controller}}, message: 'AttachVolume.Attach failed for volume "pvc-c56" : attachdetachment timeout for volume fr-par-2/dc28'}}
"#
    )
}

#[test]
fn an_attacher_that_may_not_write_the_attachment_status() {
    let out = diagnose(&load(&attacher(
        "{apiGroups: [storage.k8s.io], resources: [volumeattachments], verbs: [get, list, watch, update, patch]}",
    )));
    let d = about(&out, "FailedAttachVolume", "app", "gitea-0");
    assert_root(d, Loop::Identity, "ClusterRole", "scaleway-csi-attacher");
    assert!(d.fix.contains("volumeattachments/status"), "{}", d.fix);
    // The status subresource granted: the timeout is the driver's or the
    // cloud's, not RBAC's.
    let out = diagnose(&load(&attacher(
        "{apiGroups: [storage.k8s.io], resources: [volumeattachments], verbs: [get, list, watch, update, patch]}, {apiGroups: [storage.k8s.io], resources: [volumeattachments/status], verbs: [patch]}",
    )));
    let d = about(&out, "FailedAttachVolume", "app", "gitea-0");
    assert_eq!(d.root_cause.loop_, Loop::Storage, "{}", summary(&out));
}

/// A pod OpenShift admitted under SCC `scc`, whose start-up chowns its
/// data directory.
fn openshift(scc: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: eaa-sa, namespace: eaa, uid: sa1}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: prepare-db, namespace: eaa, uid: d1}}, spec: {{selector: {{matchLabels: {{app: prepare-db}}}}, template: {{metadata: {{labels: {{app: prepare-db}}}}, spec: {{serviceAccountName: eaa-sa, containers: [{{name: prepare-db, image: "registry.example.com/eaa/prepare-db:1.4.2"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: prepare-db-39, namespace: eaa, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: prepare-db, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: prepare-db}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: prepare-db-39-7kq5w, namespace: eaa, uid: p1, labels: {{app: prepare-db}}, annotations: {{openshift.io/scc: {scc}}}, creationTimestamp: "2025-03-01T10:00:00Z", ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: prepare-db-39, uid: rs1, controller: true}}]}}
  spec: {{nodeName: w1, serviceAccountName: eaa-sa, containers: [{{name: prepare-db, image: "registry.example.com/eaa/prepare-db:1.4.2", securityContext: {{runAsUser: 1000080000, capabilities: {{drop: [KILL, MKNOD, SETGID, SETUID]}}}}}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: prepare-db, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container=prepare-db"}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "chown: changing ownership of '/var/lib/proptima': Operation not permitted"}}}}}}]}}
"#
    )
}

#[test]
fn a_restricted_scc_refuses_an_image_built_to_start_as_root() {
    let out = diagnose(&load(&openshift("restricted-v2")));
    let d = about(&out, "CrashLoopBackOff", "eaa", "prepare-db-39-7kq5w");
    assert_root(d, Loop::Identity, "ServiceAccount", "eaa-sa");
    assert!(
        d.fix
            .contains("oc adm policy add-scc-to-user anyuid -z eaa-sa -n eaa"),
        "{}",
        d.fix
    );
    // Admitted under anyuid, the image runs as it was built: the refusal
    // is not the SCC's.
    let out = diagnose(&load(&openshift("anyuid")));
    let d = about(&out, "CrashLoopBackOff", "eaa", "prepare-db-39-7kq5w");
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
}
