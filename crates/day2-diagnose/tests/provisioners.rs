//! Claims a provisioner does not serve, traced past the claim: a CSI
//! controller that runs but never holds its leader Lease (its account has
//! no RBAC, kubernetes-csi/csi-driver-smb#927), a driver that cannot create
//! a volume from a snapshot (openebs/lvm-localpv#290), a local volume group
//! too small on the node the scheduler chose (openebs/lvm-localpv#31),
//! Azure AD refusing a rotated client secret
//! (kubernetes-sigs/cluster-api-provider-azure#3010), a disk another node's
//! pod still holds (kubernetes/kubernetes#52236), a StatefulSet pod
//! whose capture lost its volumes, a class that provisions nothing
//! (scylladb/scylla-operator#523), a claim made before its default class
//! (kubernetes/kubernetes#99629), and a shared claim on block storage
//! (apache/airflow#48243), a provisioner that may not hold its leader
//! lock (kubernetes-sigs/nfs-subdir-external-provisioner#16) and a node
//! plugin whose untolerated taint leaves a node without its topology label
//! (hetznercloud/csi-driver#119), and a Ceph pool asking more replicas
//! than the cluster has hosts with an OSD (rook/rook#10294), and a
//! provisioner bound to a ClusterRole that was never created
//! (k3s-io/k3s#963). Each
//! with the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODES: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.4, osImage: Ubuntu 22.04.4 LTS, kernelVersion: 5.15.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.29.4, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
- {apiVersion: v1, kind: Node, metadata: {name: w2, uid: n2, labels: {kubernetes.io/hostname: w2}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.4, osImage: Ubuntu 22.04.4 LTS, kernelVersion: 5.15.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.29.4, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
"#;

/// The SMB driver's controller (Ready, `--leader-election`), a claim
/// waiting for it with the 1.28+ wording, and `rbac` appended.
fn smb(rbac: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: csi-smb-controller-sa, namespace: kube-system, uid: sa1}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: csi-smb-controller, namespace: kube-system, uid: d1}}, spec: {{selector: {{matchLabels: {{app: csi-smb-controller}}}}, template: {{metadata: {{labels: {{app: csi-smb-controller}}}}, spec: {{serviceAccountName: csi-smb-controller-sa, containers: [{{name: csi-provisioner, image: "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0", args: ["-v=2", "--csi-address=$(ADDRESS)", "--leader-election", "--leader-election-namespace=kube-system"]}}, {{name: smb, image: "registry.k8s.io/sig-storage/smbplugin:v1.17.0", args: ["--endpoint=$(CSI_ENDPOINT)"]}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: csi-smb-controller-6c9, namespace: kube-system, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: csi-smb-controller, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: csi-smb-controller}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: csi-smb-controller-6c9-tq2lm, namespace: kube-system, uid: p1, labels: {{app: csi-smb-controller}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: csi-smb-controller-6c9, uid: rs1, controller: true}}]}}
  spec: {{nodeName: w1, serviceAccountName: csi-smb-controller-sa, containers: [{{name: csi-provisioner, image: "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0"}}, {{name: smb, image: "registry.k8s.io/sig-storage/smbplugin:v1.17.0"}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: csi-provisioner, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2025-02-15T10:58:20Z"}}}}}}, {{name: smb, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2025-02-15T10:58:20Z"}}}}}}]}}
- {{apiVersion: storage.k8s.io/v1, kind: CSIDriver, metadata: {{name: smb.csi.k8s.io, uid: c1}}, spec: {{attachRequired: false}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: smb, uid: sc1}}, provisioner: smb.csi.k8s.io}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: media-data, namespace: media, uid: pvc1, creationTimestamp: "2025-02-15T11:00:00Z"}}, spec: {{accessModes: [ReadWriteMany], storageClassName: smb, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: media}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: media, name: media-data, uid: pvc1}}, reason: ExternalProvisioning, type: Normal, count: 40, firstTimestamp: "2025-02-15T11:00:00Z", lastTimestamp: "2025-02-15T11:20:00Z", source: {{component: persistentvolume-controller}}, message: "Waiting for a volume to be created either by the external provisioner 'smb.csi.k8s.io' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."}}
{rbac}"#
    )
}

#[test]
fn a_provisioner_whose_account_has_no_rbac_never_holds_its_lease() {
    let out = diagnose(&load(&smb(
        "- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: coredns}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns}, subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]}",
    )));
    let d = about(&out, "PvcPending", "media", "media-data");
    assert_root(d, Loop::Identity, "ServiceAccount", "csi-smb-controller-sa");
    assert!(d.fix.contains("leases"), "{}", d.fix);
    // Bound to its role: the controller is running and elected for all
    // the input shows; no RBAC finding, its log is where to look.
    let out = diagnose(&load(&smb(
        "- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: smb-csi-provisioner-binding}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: smb-external-provisioner-role}, subjects: [{kind: ServiceAccount, name: csi-smb-controller-sa, namespace: kube-system}]}",
    )));
    let d = about(&out, "PvcPending", "media", "media-data");
    assert_eq!(d.root_cause.loop_, Loop::Storage, "{}", summary(&out));
    assert!(
        d.fix
            .contains("kubectl logs -n kube-system deploy/csi-smb-controller"),
        "{}",
        d.fix
    );
}

/// An LVM local-volume class and a claim, with `extra` claim fields and
/// the provisioner's refusal.
fn lvm(claim: &str, annotations: &str, refusal: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: openebs-lvmpv, uid: sc1}}, provisioner: local.csi.openebs.io, parameters: {{storage: lvm, volgroup: lvmvg}}, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app, uid: pvc1, annotations: {{volume.kubernetes.io/storage-provisioner: local.csi.openebs.io{annotations}}}}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: openebs-lvmpv, resources: {{requests: {{storage: 40Gi}}}}{claim}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: app, name: data, uid: pvc1}}, reason: Provisioning, type: Normal, count: 3, firstTimestamp: "2025-02-15T11:00:00Z", lastTimestamp: "2025-02-15T11:05:00Z", source: {{component: local.csi.openebs.io_openebs-lvm-controller-0_x}}, message: 'External provisioner is provisioning volume for claim "app/data"'}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e2, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: app, name: data, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 3, firstTimestamp: "2025-02-15T11:00:01Z", lastTimestamp: "2025-02-15T11:05:01Z", source: {{component: local.csi.openebs.io_openebs-lvm-controller-0_x}}, message: 'failed to provision volume with StorageClass "openebs-lvmpv": {refusal}'}}
"#
    )
}

#[test]
fn a_driver_that_cannot_restore_a_snapshot_is_told_to_use_another_class() {
    let from_snapshot =
        ", dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: backup-1}";
    let out = diagnose(&load(&lvm(
        from_snapshot,
        "",
        "rpc error: code = Unimplemented desc = ",
    )));
    let d = about(&out, "PvcPending", "app", "data");
    assert_root(d, Loop::Storage, "StorageClass", "openebs-lvmpv");
    assert!(
        d.root_cause.summary.contains("VolumeSnapshot backup-1"),
        "{}",
        summary(&out)
    );
    assert!(
        d.fix
            .contains("StorageClass whose driver can create a volume from a snapshot"),
        "{}",
        d.fix
    );
    // Without a dataSource the driver provisions nothing dynamically.
    let out = diagnose(&load(&lvm(
        "",
        "",
        "rpc error: code = Unimplemented desc = ",
    )));
    let d = about(&out, "PvcPending", "app", "data");
    assert!(
        d.root_cause
            .summary
            .contains("does not provision volumes dynamically"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_full_volume_group_on_the_chosen_node_is_the_claims_pin() {
    let full = r#"rpc error: code = ResourceExhausted desc = Volume group \"lvmvg\" has insufficient free space (7679 extents): 10240 required."#;
    let out = diagnose(&load(&lvm(
        "",
        ", volume.kubernetes.io/selected-node: w1",
        full,
    )));
    let d = about(&out, "PvcPending", "app", "data");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "data");
    assert!(
        d.fix.contains("volume.kubernetes.io/selected-node-"),
        "{}",
        d.fix
    );
    assert!(!d.fix.contains("cloud quota"), "{}", d.fix);
    // No node chosen (an Immediate class): not a pin to undo.
    let out = diagnose(&load(&lvm("", "", full)));
    let d = about(&out, "PvcPending", "app", "data");
    assert!(!d.fix.contains("selected-node-"), "{}", d.fix);
}

/// An in-tree Azure disk claim refused with `message`.
fn azure(message: &str) -> String {
    // YAML's single-quoted scalar doubles its quotes.
    let message = message.replace('\'', "''");
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: default, uid: sc1}}, provisioner: kubernetes.io/azure-disk, parameters: {{kind: Managed, storageaccounttype: Premium_LRS}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-db-0, namespace: app, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: default, resources: {{requests: {{storage: 32Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: app, name: data-db-0, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 9, firstTimestamp: "2023-01-11T07:00:01Z", lastTimestamp: "2023-01-11T07:48:52Z", source: {{component: persistentvolume-controller}}, message: '{message}'}}
"#
    )
}

#[test]
fn a_rejected_client_secret_is_the_service_principals_not_a_role() {
    let out = diagnose(&load(&azure(
        r#"Failed to provision volume with StorageClass "default": azure.BearerAuthorizer#WithAuthorization: Failed to refresh the Token for request to https://management.azure.com/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/disks/d?api-version=2019-07-01: StatusCode=401 -- Original Error: adal: Refresh request failed. Status Code = '401'. Response body: {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret is provided."}"#,
    )));
    let d = about(&out, "PvcPending", "app", "data-db-0");
    assert!(d.fix.contains("aadClientSecret"), "{}", d.fix);
    // A role the identity lacks: its role assignment, not its secret.
    let out = diagnose(&load(&azure(
        r#"Failed to provision volume with StorageClass "default": compute.DisksClient#CreateOrUpdate: Failure sending request: StatusCode=403 -- Original Error: Code="AuthorizationFailed" Message="The client 'c' with object id 'o' does not have authorization to perform action 'Microsoft.Compute/disks/write' over scope '/subscriptions/x/resourceGroups/rg'""#,
    )));
    let d = about(&out, "PvcPending", "app", "data-db-0");
    assert!(!d.fix.contains("aadClientSecret"), "{}", d.fix);
}

/// kubernetes-sigs/aws-efs-csi-driver#555: in a VPC without internet
/// egress the controller's web-identity call to STS's global endpoint times
/// out; the regional endpoint is the one to use.
#[test]
fn a_credential_call_to_the_global_sts_endpoint_that_times_out_wants_the_regional_one() {
    let global = "failed to provision volume with StorageClass \"default\": rpc error: code = Internal desc = Failed to fetch File System info: Describe File System failed: WebIdentityErr: failed to retrieve credentials\ncaused by: RequestError: send request failed\ncaused by: Post \"https://sts.amazonaws.com/\": dial tcp 52.46.154.83:443: i/o timeout";
    let out = diagnose(&load(&azure(global)));
    let d = about(&out, "PvcPending", "app", "data-db-0");
    assert_eq!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    assert!(
        d.fix.contains("AWS_STS_REGIONAL_ENDPOINTS=regional"),
        "{}",
        d.fix
    );
    // The regional endpoint timing out is not this cause.
    let regional = global.replace("sts.amazonaws.com", "sts.eu-west-1.amazonaws.com");
    let out = diagnose(&load(&azure(&regional)));
    let d = about(&out, "PvcPending", "app", "data-db-0");
    assert!(!d.fix.contains("AWS_STS_REGIONAL_ENDPOINTS"), "{}", d.fix);
}

/// A ReplicaSet's pod on `w2` that cannot attach `data`, with `holder`
/// (another pod using the claim) on `holder_node`.
fn attach(holder_node: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: v1, kind: ReplicationController, metadata: {{name: jenkins, namespace: ci, uid: rc1}}, spec: {{replicas: 1, selector: {{app: jenkins}}}}}}
- {{apiVersion: v1, kind: ReplicationController, metadata: {{name: jenkins-101cd, namespace: ci, uid: rc2}}, spec: {{replicas: 1, selector: {{app: jenkins}}}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: jenkins, namespace: ci, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pvc-2f0e, resources: {{requests: {{storage: 32Gi}}}}}}, status: {{phase: Bound}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: jenkins-d5x2m, namespace: ci, uid: p1, labels: {{app: jenkins}}, ownerReferences: [{{apiVersion: v1, kind: ReplicationController, name: jenkins, uid: rc1, controller: true}}]}}
  spec: {{nodeName: {holder_node}, containers: [{{name: jenkins, image: jenkins:2.60}}], volumes: [{{name: home, persistentVolumeClaim: {{claimName: jenkins}}}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: jenkins, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2017-09-02T10:00:00Z"}}}}}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: jenkins-101cd-nffx5, namespace: ci, uid: p2, labels: {{app: jenkins}}, ownerReferences: [{{apiVersion: v1, kind: ReplicationController, name: jenkins-101cd, uid: rc2, controller: true}}]}}
  spec: {{nodeName: w2, containers: [{{name: jenkins, image: jenkins:2.73}}], volumes: [{{name: home, persistentVolumeClaim: {{claimName: jenkins}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "True"}}], containerStatuses: [{{name: jenkins, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: ci}}, involvedObject: {{kind: Pod, namespace: ci, name: jenkins-101cd-nffx5, uid: p2}}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: "2017-09-02T11:00:00Z", lastTimestamp: "2017-09-02T11:30:00Z", source: {{component: kubelet, host: w2}}, message: 'Failed to attach volume "pvc-2f0e" on node "w2" with: Attach volume "kubernetes-dynamic-pvc-2f0e" to instance "w2" failed with compute.VirtualMachinesClient#CreateOrUpdate: Failure responding to request: StatusCode=409 -- Original Error: autorest/azure: Service returned an error. Status=409 Code="AttachDiskWhileBeingDetached" Message="Cannot attach data disk to VM because the disk is currently being detached or the last detach operation failed."'}}
"#
    )
}

#[test]
fn a_disk_another_nodes_pod_holds_is_read_as_a_multi_attach() {
    let out = diagnose(&load(&attach("w1")));
    let d = about(&out, "FailedMount", "ci", "jenkins-101cd-nffx5");
    assert_root(d, Loop::Storage, "ReplicationController", "jenkins");
    assert!(d.fix.contains("ReadWriteOnce"), "{}", d.fix);
    // The holder on the same node: nothing holds the disk elsewhere.
    let out = diagnose(&load(&attach("w2")));
    let d = about(&out, "FailedMount", "ci", "jenkins-101cd-nffx5");
    assert!(
        d.root_cause.object.kind != "ReplicationController",
        "{}",
        summary(&out)
    );
    // GCE's own words on the attach (kubernetes/kubernetes#48968), read
    // the same way.
    let gce = attach("w1")
        .replace("reason: FailedMount", "reason: FailedAttachVolume")
        .replace(
            "message: 'Failed to attach volume",
            "message: 'AttachVolume.Attach failed for volume \"pvc-2f0e\" : googleapi: Error 400: The disk resource ''projects/p/zones/z/disks/pvc-2f0e'' is already being used by ''projects/p/zones/z/instances/w1''. Was: Failed to attach volume",
        );
    let out = diagnose(&load(&gce));
    let d = about(&out, "FailedAttachVolume", "ci", "jenkins-101cd-nffx5");
    assert_root(d, Loop::Storage, "ReplicationController", "jenkins");
}

/// kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#1129: the attach
/// is refused for the project's API rate limit, and the later events only
/// say the driver backs off: the quota is outside the cluster.
#[test]
fn an_attach_refused_for_the_clouds_rate_limit_is_the_projects_quota() {
    let limited = |first: &str| {
        let base = attach("w2");
        let cut = base
            .find("- {apiVersion: v1, kind: Event")
            .unwrap_or(base.len());
        let event = |name: &str, at: &str, said: &str| {
            format!(
                "- {{apiVersion: v1, kind: Event, metadata: {{name: {name}, namespace: ci}}, involvedObject: {{kind: Pod, namespace: ci, name: jenkins-101cd-nffx5, uid: p2}}, reason: FailedAttachVolume, type: Warning, count: 9, firstTimestamp: \"{at}\", lastTimestamp: \"{at}\", source: {{component: attachdetach-controller}}, message: 'AttachVolume.Attach failed for volume \"pvc-2f0e\" : {said}'}}\n"
            )
        };
        format!(
            "{}{}{}",
            &base[..cut],
            event("e1", "2017-09-02T11:00:00Z", first),
            event(
                "e2",
                "2017-09-02T11:30:00Z",
                "rpc error: code = Unavailable desc = ControllerPublish not permitted on node \"w2\" due to backoff condition"
            )
        )
    };
    let out = diagnose(&load(&limited(
        "rpc error: code = Internal desc = unknown Attach error: failed cloud service attach disk call: googleapi: Error 403: Too many pending operations on a resource., rateLimitExceeded",
    )));
    let d = about(&out, "FailedAttachVolume", "ci", "jenkins-101cd-nffx5");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("quota"), "{}", d.fix);
    // Another refusal first: not the quota.
    let out = diagnose(&load(&limited(
        "rpc error: code = Internal desc = googleapi: Error 400: Invalid value for field resource.mode",
    )));
    let d = about(&out, "FailedAttachVolume", "ci", "jenkins-101cd-nffx5");
    assert!(!d.fix.contains("quota"), "{}", d.fix);
}

#[test]
fn a_statefulset_pod_captured_without_its_volumes_still_waits_for_its_claim() {
    let text = format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: standard, uid: sc1}}, provisioner: example.com/nfs}}
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: db, namespace: app, uid: s1}}, spec: {{replicas: 1, serviceName: db, selector: {{matchLabels: {{app: db}}}}, template: {{metadata: {{labels: {{app: db}}}}, spec: {{containers: [{{name: db, image: "postgres:16"}}]}}}}, volumeClaimTemplates: [{{metadata: {{name: data}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: standard, resources: {{requests: {{storage: 8Gi}}}}}}}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: db-0, namespace: app, uid: p1, labels: {{app: db}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: s1, controller: true}}]}}
  spec: {{containers: [{{name: db, image: "postgres:16"}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/2 nodes are available: 2 pod has unbound immediate PersistentVolumeClaims."}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e0, namespace: app}}, involvedObject: {{kind: Pod, namespace: app, name: db-0, uid: p1}}, reason: FailedScheduling, type: Warning, count: 20, firstTimestamp: "2023-01-11T07:00:01Z", lastTimestamp: "2023-01-11T07:48:52Z", source: {{component: default-scheduler}}, message: "0/2 nodes are available: 2 pod has unbound immediate PersistentVolumeClaims."}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-db-0, namespace: app, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: standard, resources: {{requests: {{storage: 8Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: app, name: data-db-0, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 9, firstTimestamp: "2023-01-11T07:00:01Z", lastTimestamp: "2023-01-11T07:48:52Z", source: {{component: example.com/nfs}}, message: 'failed to provision volume with StorageClass "standard": rpc error: code = Unimplemented desc = '}}
"#
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "PodPending", "app", "db-0");
    assert_root(d, Loop::Storage, "StorageClass", "standard");
}

/// A StatefulSet pod whose claim's class is `kubernetes.io/no-provisioner`,
/// with `pvs` in the cluster, and one node unreachable.
fn local_storage(pvs: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: local-storage, uid: sc1}}, provisioner: kubernetes.io/no-provisioner, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-db-0, namespace: app, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: local-storage, resources: {{requests: {{storage: 5Gi}}}}}}, status: {{phase: Pending}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: db-0, namespace: app, uid: p1}}
  spec: {{containers: [{{name: db, image: "scylladb/scylla:4.2"}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-db-0}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/3 nodes are available: 1 node(s) had taint {{node.kubernetes.io/unreachable: }}, that the pod didn't tolerate, 2 node(s) didn't find available persistent volumes to bind."}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e0, namespace: app}}, involvedObject: {{kind: Pod, namespace: app, name: db-0, uid: p1}}, reason: FailedScheduling, type: Warning, count: 20, firstTimestamp: "2021-03-30T01:08:44Z", lastTimestamp: "2021-03-30T01:30:00Z", source: {{component: default-scheduler}}, message: "0/3 nodes are available: 1 node(s) had taint {{node.kubernetes.io/unreachable: }}, that the pod didn't tolerate, 2 node(s) didn't find available persistent volumes to bind."}}
- {{apiVersion: v1, kind: Node, metadata: {{name: w3, uid: n3}}, spec: {{taints: [{{key: node.kubernetes.io/unreachable, effect: NoSchedule}}]}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: Unknown}}]}}}}
{pvs}"#
    )
}

#[test]
fn a_class_that_provisions_nothing_needs_its_volumes_made() {
    let out = diagnose(&load(&local_storage("")));
    let d = about(&out, "PodPending", "app", "db-0");
    assert_root(d, Loop::Storage, "StorageClass", "local-storage");
    assert!(
        d.fix
            .contains("Create a PersistentVolume of class local-storage"),
        "{}",
        d.fix
    );
    // A free volume of the class exists (on a node that cannot take the
    // pod): not a volume to make.
    let out = diagnose(&load(&local_storage(
        "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: local-pv-1, uid: pv1}, spec: {capacity: {storage: 10Gi}, accessModes: [ReadWriteOnce], storageClassName: local-storage, local: {path: /mnt/disks/ssd1}, nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [w3]}]}]}}}, status: {phase: Available}}",
    )));
    let d = about(&out, "PodPending", "app", "db-0");
    assert!(
        !d.fix
            .contains("Create a PersistentVolume of class local-storage"),
        "{}",
        d.fix
    );
}

/// A claim without a class, created at `claim_at`, and the default class
/// created at 08:40, with the PV controller's `FailedBinding`.
fn unclassed(claim_at: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: standard, uid: sc1, creationTimestamp: "2021-03-02T08:40:00Z", annotations: {{storageclass.kubernetes.io/is-default-class: "true"}}}}, provisioner: pd.csi.storage.gke.io, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: grafana, namespace: app, uid: pvc1, creationTimestamp: "{claim_at}"}}, spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: app, name: grafana, uid: pvc1}}, reason: FailedBinding, type: Warning, count: 300, firstTimestamp: "2021-03-02T07:40:00Z", lastTimestamp: "2021-03-02T09:40:00Z", source: {{component: persistentvolume-controller}}, message: "no persistent volumes available for this claim and no storage class is set"}}
"#
    )
}

#[test]
fn a_claim_made_before_the_default_class_keeps_no_class() {
    let out = diagnose(&load(&unclassed("2021-03-02T07:40:00Z")));
    let d = about(&out, "PvcPending", "app", "grafana");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "grafana");
    assert!(d.fix.contains("Recreate claim app/grafana"), "{}", d.fix);
    // Made after it: the default did apply, so not this cause.
    let out = diagnose(&load(&unclassed("2021-03-02T08:50:00Z")));
    let d = about(&out, "PvcPending", "app", "grafana");
    assert!(!d.fix.contains("Recreate claim app/grafana"), "{}", d.fix);
    // No creation time (a claim written by hand into the input): its age
    // against the class is unknown, so not this cause either.
    let out = diagnose(&load(
        &unclassed("2021-03-02T07:40:00Z")
            .replace(", creationTimestamp: \"2021-03-02T07:40:00Z\"", ""),
    ));
    let d = about(&out, "PvcPending", "app", "grafana");
    assert!(!d.fix.contains("Recreate claim app/grafana"), "{}", d.fix);
}

/// An EBS claim asking `mode`, refused as the driver refuses what it
/// cannot attach to several nodes.
fn ebs(mode: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: gp2, uid: sc1}}, provisioner: ebs.csi.aws.com, parameters: {{type: gp2, fsType: ext4}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: airflow-logs, namespace: airflow, uid: pvc1}}, spec: {{accessModes: [{mode}], storageClassName: gp2, resources: {{requests: {{storage: 100Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: airflow}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: airflow, name: airflow-logs, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 12, firstTimestamp: "2025-03-24T10:00:01Z", lastTimestamp: "2025-03-24T10:40:52Z", source: {{component: ebs.csi.aws.com_ebs-csi-controller-0}}, message: 'failed to provision volume with StorageClass "gp2": rpc error: code = InvalidArgument desc = Volume capabilities not supported'}}
"#
    )
}

#[test]
fn a_shared_claim_on_block_storage_is_the_claims_access_mode() {
    // apache/airflow#48243: the logs claim asks ReadWriteMany of gp2.
    let out = diagnose(&load(&ebs("ReadWriteMany")));
    let d = about(&out, "PvcPending", "airflow", "airflow-logs");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "airflow-logs");
    assert!(
        d.fix.contains("EFS") && d.fix.contains("ReadWriteOnce"),
        "{}",
        d.fix
    );
    // The class's name `gp2` quoted by the provisioner's wrapper is not a
    // refused parameter value.
    assert!(
        !d.root_cause.summary.contains("parameter"),
        "{}",
        d.root_cause.summary
    );
    // A claim for one node refused so is not its access mode.
    let out = diagnose(&load(&ebs("ReadWriteOnce")));
    let d = about(&out, "PvcPending", "airflow", "airflow-logs");
    assert!(!d.fix.contains("Ask for ReadWriteOnce"), "{}", d.fix);
    assert!(
        !d.root_cause.summary.contains("parameter `type"),
        "{}",
        d.root_cause.summary
    );
}

/// The nfs-client provisioner (Ready), its runner ClusterRole bound, and
/// `lock` (a leader-lock Role and binding, or nothing) added; a claim waits.
fn nfs_client(lock: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: nfs-client-provisioner, namespace: default}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: nfs-client-provisioner-runner}}, rules: [{{apiGroups: [""], resources: [persistentvolumes], verbs: [get, list, watch, create, delete]}}, {{apiGroups: [""], resources: [persistentvolumeclaims], verbs: [get, list, watch, update]}}, {{apiGroups: [storage.k8s.io], resources: [storageclasses], verbs: [get, list, watch]}}, {{apiGroups: [""], resources: [events], verbs: [create, update, patch]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: run-nfs-client-provisioner}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nfs-client-provisioner-runner}}, subjects: [{{kind: ServiceAccount, name: nfs-client-provisioner, namespace: default}}]}}
{lock}- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: nfs-client-provisioner, namespace: default, uid: d1}}, spec: {{selector: {{matchLabels: {{app: nfs}}}}, template: {{metadata: {{labels: {{app: nfs}}}}, spec: {{serviceAccountName: nfs-client-provisioner, containers: [{{name: nfs-client-provisioner, image: "k8s.gcr.io/sig-storage/nfs-subdir-external-provisioner:v4.0.0", env: [{{name: PROVISIONER_NAME, value: nfs-provisioner}}]}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: nfs-client-provisioner-6bwqz, namespace: default, labels: {{app: nfs}}, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: nfs-client-provisioner, uid: d1, controller: true}}]}}, spec: {{nodeName: w1, serviceAccountName: nfs-client-provisioner, containers: [{{name: nfs-client-provisioner, image: "k8s.gcr.io/sig-storage/nfs-subdir-external-provisioner:v4.0.0", env: [{{name: PROVISIONER_NAME, value: nfs-provisioner}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: nfs-client-provisioner, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2020-11-02T13:09:34Z"}}}}}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: managed-nfs-storage}}, provisioner: nfs-provisioner}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: test-claim, namespace: default, uid: c1}}, spec: {{accessModes: [ReadWriteMany], storageClassName: managed-nfs-storage, resources: {{requests: {{storage: 1Mi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: default, name: test-claim, uid: c1}}, reason: ExternalProvisioning, type: Normal, count: 19, firstTimestamp: "2020-11-02T13:10:00Z", lastTimestamp: "2020-11-02T13:27:51Z", source: {{component: persistentvolume-controller}}, message: 'waiting for a volume to be created, either by external provisioner "nfs-provisioner" or manually created by system administrator'}}
"#
    )
}

#[test]
fn a_provisioner_that_may_not_hold_its_leader_lock_never_begins() {
    // kubernetes-sigs/nfs-subdir-external-provisioner#16: the runner
    // ClusterRole bound, the leader-locking Role left out.
    let out = diagnose(&load(&nfs_client("")));
    let d = about(&out, "PvcPending", "default", "test-claim");
    assert_root(
        d,
        Loop::Identity,
        "ServiceAccount",
        "nfs-client-provisioner",
    );
    assert!(d.fix.contains("endpoints"), "{}", d.fix);
    // The lock's Role bound: not this.
    let lock = r#"- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: leader-locking-nfs-client-provisioner, namespace: default}, rules: [{apiGroups: [""], resources: [endpoints], verbs: [get, list, watch, create, update, patch]}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: leader-locking-nfs-client-provisioner, namespace: default}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: leader-locking-nfs-client-provisioner}, subjects: [{kind: ServiceAccount, name: nfs-client-provisioner, namespace: default}]}
"#;
    let out = diagnose(&load(&nfs_client(lock)));
    let d = about(&out, "PvcPending", "default", "test-claim");
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
}

/// A StatefulSet pod pinned to node db-1 (tainted `dedicated=database`) by
/// its nodeSelector, its Hetzner volume pinned by `csi.hetzner.cloud/
/// location`, and the driver's node DaemonSet with `tolerations`.
fn hcloud(tolerations: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: worker-1, uid: n1, labels: {{kubernetes.io/hostname: worker-1, csi.hetzner.cloud/location: fsn1}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: db-1, uid: n2, labels: {{kubernetes.io/hostname: db-1, role: database}}}}, spec: {{taints: [{{key: dedicated, value: database, effect: NoSchedule}}]}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: hcloud-csi-node, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: hcloud-csi}}}}, template: {{metadata: {{labels: {{app: hcloud-csi}}}}, spec: {{tolerations: {tolerations}, containers: [{{name: csi-node-driver-registrar, image: "quay.io/k8scsi/csi-node-driver-registrar:v1.3.0", args: ["--kubelet-registration-path=/var/lib/kubelet/plugins/csi.hetzner.cloud/socket"]}}, {{name: hcloud-csi-driver, image: "hetznercloud/hcloud-csi-driver:1.4.0"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: hcloud-csi-node-wvzvm, namespace: kube-system, uid: dp1, labels: {{app: hcloud-csi}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: hcloud-csi-node, uid: ds1, controller: true}}]}}, spec: {{nodeName: worker-1, containers: [{{name: hcloud-csi-driver, image: "hetznercloud/hcloud-csi-driver:1.4.0"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: hcloud-csi-driver, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2020-05-04T08:31:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-4a99, uid: pv1}}, spec: {{capacity: {{storage: 50Gi}}, accessModes: [ReadWriteOnce], storageClassName: hcloud-volumes, csi: {{driver: csi.hetzner.cloud, volumeHandle: "5263821"}}, claimRef: {{namespace: databases, name: data-postgres-0}}, nodeAffinity: {{required: {{nodeSelectorTerms: [{{matchExpressions: [{{key: csi.hetzner.cloud/location, operator: In, values: [fsn1]}}]}}]}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-postgres-0, namespace: databases, uid: c1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: hcloud-volumes, volumeName: pvc-4a99, resources: {{requests: {{storage: 50Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: postgres-0, namespace: databases, uid: p1}}, spec: {{nodeSelector: {{role: database}}, tolerations: [{{key: dedicated, operator: Equal, value: database, effect: NoSchedule}}], containers: [{{name: postgres, image: "postgres:12"}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-postgres-0}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: databases}}, involvedObject: {{kind: Pod, namespace: databases, name: postgres-0, uid: p1}}, reason: FailedScheduling, type: Warning, count: 14, firstTimestamp: "2020-06-22T10:00:00Z", lastTimestamp: "2020-06-22T10:14:30Z", source: {{component: default-scheduler}}, message: "0/2 nodes are available: 1 node(s) had volume node affinity conflict, 1 node(s) didn't match node selector."}}
"#
    )
}

#[test]
fn a_topology_label_the_drivers_untolerating_node_plugin_never_set() {
    // hetznercloud/csi-driver#119: the database node is tainted, the node
    // plugin does not tolerate it, so it never gets the location label.
    let out = diagnose(&load(&hcloud("[]")));
    let d = about(&out, "PodPending", "databases", "postgres-0");
    assert_root(d, Loop::Storage, "DaemonSet", "hcloud-csi-node");
    assert!(d.fix.contains("tolerations"), "{}", d.fix);
    // The plugin tolerates every taint: the label's absence is not its.
    let out = diagnose(&load(&hcloud("[{operator: Exists}]")));
    let d = about(&out, "PodPending", "databases", "postgres-0");
    assert_ne!(
        d.root_cause.object.name,
        "hcloud-csi-node",
        "{}",
        summary(&out)
    );
}

/// A Rook block pool of three replicas across hosts, one OSD pod on each
/// node in `osd_nodes`, and a claim whose creation timed out.
fn ceph(osd_nodes: &[&str]) -> String {
    let osds: String = osd_nodes
        .iter()
        .enumerate()
        .map(|(i, n)| format!("\n- {{apiVersion: v1, kind: Pod, metadata: {{name: rook-ceph-osd-{i}-5d8f, namespace: rook-ceph, uid: osd{i}, labels: {{app: rook-ceph-osd, ceph-osd-id: \"{i}\"}}}}, spec: {{nodeName: {n}, containers: [{{name: osd, image: \"quay.io/ceph/ceph:v17\"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: \"True\"}}], containerStatuses: [{{name: osd, ready: true, restartCount: 0, image: \"\", imageID: \"\", state: {{running: {{startedAt: \"2023-05-01T00:00:00Z\"}}}}}}]}}}}"))
        .collect();
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: ceph.rook.io/v1, kind: CephBlockPool, metadata: {{name: replicapool, namespace: rook-ceph, uid: bp1}}, spec: {{failureDomain: host, replicated: {{size: 3}}}}, status: {{phase: Ready}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: rook-ceph-block, uid: sc1}}, provisioner: rook-ceph.rbd.csi.ceph.com, parameters: {{clusterID: rook-ceph, pool: replicapool}}}}{osds}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app, uid: c1, annotations: {{volume.kubernetes.io/storage-provisioner: rook-ceph.rbd.csi.ceph.com}}}}, spec: {{storageClassName: rook-ceph-block, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, name: data, namespace: app, uid: c1}}, reason: ProvisioningFailed, type: Warning, count: 4, firstTimestamp: "2023-05-02T10:00:00Z", lastTimestamp: "2023-05-02T10:20:00Z", source: {{component: "rook-ceph.rbd.csi.ceph.com_csi-rbdplugin-provisioner-1_x"}}, message: "failed to provision volume with StorageClass \"rook-ceph-block\": rpc error: code = DeadlineExceeded desc = context deadline exceeded"}}
"#
    )
}

#[test]
fn a_ceph_pool_asking_more_replicas_than_hosts_never_turns_active() {
    // rook/rook#10294: size 3 across hosts on a cluster whose OSDs are on one.
    let out = diagnose(&load(&ceph(&["w1"])));
    let d = about(&out, "PvcPending", "app", "data");
    assert_root(d, Loop::Storage, "CephBlockPool", "replicapool");
    assert!(d.fix.contains("failureDomain: osd"), "{}", d.fix);
    // Two OSDs on one host each still make two hosts for three replicas.
    let out = diagnose(&load(&ceph(&["w1", "w2"])));
    assert_root(
        about(&out, "PvcPending", "app", "data"),
        Loop::Storage,
        "CephBlockPool",
        "replicapool",
    );
    // Three hosts with an OSD: the timeout is not the pool's size.
    let out = diagnose(&load(&ceph(&["w1", "w2", "w1", "w3"]).replace(
        "\n- {apiVersion: v1, kind: PersistentVolumeClaim",
        "\n- {apiVersion: v1, kind: Node, metadata: {name: w3, uid: n3}, status: {conditions: [{type: Ready, status: \"True\"}]}}\n- {apiVersion: v1, kind: PersistentVolumeClaim",
    )));
    let d = about(&out, "PvcPending", "app", "data");
    assert_ne!(
        d.root_cause.object.kind,
        "CephBlockPool",
        "{}",
        summary(&out)
    );
}

#[test]
fn a_provisioner_bound_to_a_cluster_role_that_does_not_exist_never_begins() {
    // k3s-io/k3s#963: the binding shipped, its ClusterRole did not.
    let lock = r#"- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: view}, rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]}
"#;
    let text = nfs_client(lock);
    let runner = text
        .lines()
        .find(|l| l.contains("kind: ClusterRole, metadata: {name: nfs-client-provisioner-runner}"))
        .expect("the runner role");
    let out = diagnose(&load(&text.replace(&format!("{runner}\n"), "")));
    let d = about(&out, "PvcPending", "default", "test-claim");
    assert_root(
        d,
        Loop::Identity,
        "ClusterRole",
        "nfs-client-provisioner-runner",
    );
    assert!(d.fix.contains("create persistentvolumes"), "{}", d.fix);
    // The role is there (and the lock missing): the lock's reading, not this.
    let out = diagnose(&load(&text));
    let d = about(&out, "PvcPending", "default", "test-claim");
    assert_eq!(
        d.root_cause.object.kind,
        "ServiceAccount",
        "{}",
        summary(&out)
    );
}

/// A claim of `mode` on a class of `provisioner`, refused with `refusal`.
fn refused_claim(provisioner: &str, mode: &str, refusal: &str) -> String {
    let refusal = refusal.replace('\'', "''");
    format!(
        r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: disks, uid: sc1}}, provisioner: {provisioner}, parameters: {{type: hyperdisk-balanced}}, volumeBindingMode: Immediate}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: shared, namespace: app, uid: pvc1, annotations: {{volume.kubernetes.io/storage-provisioner: {provisioner}}}}}, spec: {{accessModes: [{mode}], storageClassName: disks, resources: {{requests: {{storage: 100Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e2, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: app, name: shared, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 3, firstTimestamp: "2025-02-15T11:00:01Z", lastTimestamp: "2025-02-15T11:05:01Z", source: {{component: "{provisioner}_controller-0_x"}}, message: 'failed to provision volume with StorageClass "disks": {refusal}'}}
"#
    )
}

/// gcp-compute-persistent-disk-csi-driver#1863: a shared claim's
/// multi-writer flag refused for Hyperdisk; the same refusal of a claim
/// for one node is not about its access mode. kubernetes-sigs/vsphere-csi-driver:
/// a driver that finds no VM behind nodes that have no providerID.
#[test]
fn a_cloud_refuses_what_the_driver_derives_from_the_claim_or_the_nodes() {
    let multi = "rpc error: code = InvalidArgument desc = CreateVolume failed: googleapi: Error 400: Invalid value for field 'resource.multiWriter': 'true'. Cannot specify the multi writer field for 'hyperdisk-balanced' disks, please use access mode instead., invalid";
    let out = diagnose(&load(&refused_claim(
        "pd.csi.storage.gke.io",
        "ReadWriteMany",
        multi,
    )));
    let d = about(&out, "PvcPending", "app", "shared");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "shared");
    assert!(
        d.fix.contains("Upgrade the CSI driver") && d.fix.contains("ReadWriteOnce"),
        "{}",
        d.fix
    );
    let out = diagnose(&load(&refused_claim(
        "pd.csi.storage.gke.io",
        "ReadWriteOnce",
        multi,
    )));
    let d = about(&out, "PvcPending", "app", "shared");
    assert!(!d.fix.contains("Upgrade the CSI driver"), "{}", d.fix);
    let vms = "rpc error: code = Internal desc = failed to get shared datastores in kubernetes cluster. Error: Empty List of Node VMs returned from VC";
    let out = diagnose(&load(&refused_claim(
        "csi.vsphere.vmware.com",
        "ReadWriteOnce",
        vms,
    )));
    let d = about(&out, "PvcPending", "app", "shared");
    assert_eq!(d.root_cause.object.kind, "Node", "{}", summary(&out));
    assert!(d.fix.contains("providerID"), "{}", d.fix);
    // A driver this reading does not know says nothing about providerIDs.
    let out = diagnose(&load(&refused_claim(
        "nfs.csi.k8s.io",
        "ReadWriteOnce",
        vms,
    )));
    let d = about(&out, "PvcPending", "app", "shared");
    assert!(!d.fix.contains("providerID"), "{}", d.fix);
}

/// rook/rook#11516: a class that looks for its provisioner Secret in
/// `rook-ceph` while the cluster holds it in `rook-ceph-cluster`; with the
/// Secret nowhere, the class is still the cause but no namespace is named.
#[test]
fn a_class_looks_for_its_secret_in_a_namespace_that_does_not_hold_it() {
    let cluster = |secret: &str| {
        format!(
            r#"apiVersion: v1
kind: List
items:{NODES}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: rook-ceph, uid: ns1}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: rook-ceph-cluster, uid: ns2}}}}
- {{apiVersion: v1, kind: Namespace, metadata: {{name: media, uid: ns3}}}}
{secret}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: ceph-block, uid: sc1}}, provisioner: rook-ceph.rbd.csi.ceph.com, parameters: {{clusterID: rook-ceph-cluster, pool: ceph-blockpool, csi.storage.k8s.io/provisioner-secret-name: rook-csi-rbd-provisioner, csi.storage.k8s.io/provisioner-secret-namespace: rook-ceph}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: config, namespace: media, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: ceph-block, resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: media}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: media, name: config, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 5, firstTimestamp: "2025-02-15T11:00:01Z", lastTimestamp: "2025-02-15T11:05:01Z", source: {{component: "rook-ceph.rbd.csi.ceph.com_csi-rbdplugin-provisioner-0_x"}}, message: 'failed to provision volume with StorageClass "ceph-block": error getting secret rook-csi-rbd-provisioner in namespace rook-ceph: secrets "rook-csi-rbd-provisioner" not found'}}
"#
        )
    };
    let held = "- {apiVersion: v1, kind: Secret, metadata: {name: rook-csi-rbd-provisioner, namespace: rook-ceph-cluster, uid: s1}, type: kubernetes.io/rook}";
    let out = diagnose(&load(&cluster(held)));
    let d = about(&out, "PvcPending", "media", "config");
    assert_root(d, Loop::Storage, "StorageClass", "ceph-block");
    assert!(
        d.fix
            .contains("`csi.storage.k8s.io/provisioner-secret-namespace: rook-ceph-cluster`"),
        "{}",
        d.fix
    );
    let out = diagnose(&load(&cluster("")));
    let d = about(&out, "PvcPending", "media", "config");
    assert_root(d, Loop::Storage, "StorageClass", "ceph-block");
    assert!(!d.fix.contains("rook-ceph-cluster`"), "{}", d.fix);
}
