//! Causes held in what the cluster's objects say, read past the symptom: a
//! database buffer pool above its container's memory limit
//! (percona/percona-xtradb-cluster-operator#1929), a Multus attachment whose
//! Whereabouts range is used up (kubernetes/kubernetes#96200), a Secrets
//! Store volume whose AWS provider finds no IAM role for the pod's account
//! (aws/secrets-store-csi-driver-provider-aws#276), a disk category the
//! node's instance type does not take
//! (kubernetes-sigs/alibaba-cloud-csi-driver#274; on GCE, a `pd-standard`
//! disk a C3 machine refuses to attach,
//! kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#1212), a claim whose volume is
//! gone (mariadb-operator/mariadb-operator#374), a Vault login refused
//! for the Secret a VaultStaticSecret should write
//! (hashicorp/vault-secrets-operator#577), and an attach to a node whose
//! CSINode lacks the driver because its taint keeps the node plugin away
//! (longhorn/longhorn#8065). Each with the sibling that must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1, uid: n1, labels: {kubernetes.io/hostname: w1, node.kubernetes.io/instance-type: ecs.g5.large}}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}], nodeInfo: {kubeletVersion: v1.29.4, osImage: Ubuntu 22.04.4 LTS, kernelVersion: 5.15.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: v1.29.4, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}
"#;

/// A database pod under a 4G limit mounting a my.cnf with `pool`.
fn pxc(pool: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: cluster-pxc, namespace: db, uid: cm1}}, data: {{init.cnf: "[mysqld]\ninnodb_buffer_pool_size={pool}\nmax_connections=1000\n"}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: cluster-pxc-1, namespace: db, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, containers: [{{name: pxc, image: "percona/percona-xtradb-cluster:8.0.39-30.1", resources: {{limits: {{memory: 4G}}, requests: {{memory: 4G}}}}, volumeMounts: [{{name: config, mountPath: /etc/percona-xtradb-cluster.conf.d}}]}}], volumes: [{{name: config, configMap: {{name: cluster-pxc}}}}]}}
  status: {{phase: Running, containerStatuses: [{{name: pxc, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error}}}}}}]}}
"#
    )
}

#[test]
fn a_buffer_pool_above_the_memory_limit() {
    let out = diagnose(&load(&pxc("12G")));
    let d = about(&out, "CrashLoopBackOff", "db", "cluster-pxc-1");
    assert_root(d, Loop::Compute, "ConfigMap", "cluster-pxc");
    assert!(d.fix.contains("innodb_buffer_pool_size = 12G"), "{}", d.fix);
    // A pool that fits is not the cause.
    let out = diagnose(&load(&pxc("2G")));
    let d = about(&out, "CrashLoopBackOff", "db", "cluster-pxc-1");
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

/// A pod whose sandbox fails with `said`, beside attachment n99prov.
fn attachment(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: k8s.cni.cncf.io/v1, kind: NetworkAttachmentDefinition, metadata: {{name: n99prov, namespace: prov, uid: nad1}}, spec: {{config: '{{ "cniVersion": "0.3.1", "name": "n99prov", "type": "macvlan", "master": "ens224", "ipam": {{ "type": "whereabouts", "range": "172.24.0.0/23", "range_start": "172.24.1.120", "range_end": "172.24.1.123" }} }}'}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: gls-4b7j5, namespace: prov, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z", annotations: {{k8s.v1.cni.cncf.io/networks: n99prov}}}}
  spec: {{nodeName: w1, containers: [{{name: gls, image: "gls:1"}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: gls, ready: false, restartCount: 0, image: "gls:1", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: prov}}, involvedObject: {{kind: Pod, namespace: prov, name: gls-4b7j5, uid: p1}}, reason: FailedCreatePodSandBox, type: Warning, count: 30, firstTimestamp: "2025-03-01T10:00:10Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: kubelet, host: w1}}, message: {said:?}}}
"#
    )
}

#[test]
fn a_secondary_network_whose_range_is_used_up() {
    let out = diagnose(&load(&attachment(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"4e5a\" network for pod \"gls-4b7j5\": networkPlugin cni failed to set up pod \"gls-4b7j5_prov\" network: [prov/gls-4b7j5:n99prov]: error adding container to network \"n99prov\": Error at storage engine: Could not allocate IP in range: ip: 172.24.1.120 / - 172.24.1.123 / range: net.IPNet{IP:net.IP{0xac, 0x18, 0x0, 0x0}, Mask:net.IPMask{0xff, 0xff, 0xfe, 0x0}}",
    )));
    let d = about(&out, "SandboxCreateFailed", "prov", "gls-4b7j5");
    assert_root(d, Loop::Network, "NetworkAttachmentDefinition", "n99prov");
    assert!(
        d.root_cause.summary.contains("(4 addresses)"),
        "{}",
        d.root_cause.summary
    );
    // The primary network's IPAM out of addresses names no attachment.
    let out = diagnose(&load(&attachment(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"4e5a\": plugin type=\"host-local\" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254",
    )));
    let d = about(&out, "SandboxCreateFailed", "prov", "gls-4b7j5");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkAttachmentDefinition",
        "{}",
        summary(&out)
    );
}

/// A pod mounting a Secrets Store volume whose mount failed with `said`.
fn secrets_store(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: default, namespace: default, uid: sa1}}}}
- {{apiVersion: secrets-store.csi.x-k8s.io/v1, kind: SecretProviderClass, metadata: {{name: micro-secrets, namespace: default, uid: spc1}}, spec: {{provider: aws, parameters: {{region: sa-east-1}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: micro-zt5wd, namespace: default, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, serviceAccountName: default, containers: [{{name: app, image: "app:1", volumeMounts: [{{name: test-secret, mountPath: /mnt/secrets}}]}}], volumes: [{{name: test-secret, csi: {{driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {{secretProviderClass: micro-secrets}}}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "app:1", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: micro-zt5wd, uid: p1}}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: "2025-03-01T10:00:10Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: kubelet, host: w1}}, message: {said:?}}}
"#
    )
}

#[test]
fn an_aws_secrets_volume_whose_account_has_no_role() {
    let out = diagnose(&load(&secrets_store(
        "MountVolume.SetUp failed for volume \"test-secret\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod default/micro-zt5wd, err: rpc error: code = Unknown desc = sa-east-1: An IAM role must be associated with service account default (namespace: default)",
    )));
    let d = about(&out, "FailedMount", "default", "micro-zt5wd");
    assert_root(d, Loop::Identity, "ServiceAccount", "default");
    assert!(d.fix.contains("eks.amazonaws.com/role-arn"), "{}", d.fix);
    // The role is there and AWS refuses it: the class's identity, not a missing role.
    let out = diagnose(&load(&secrets_store(
        "MountVolume.SetUp failed for volume \"test-secret\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod default/micro-zt5wd, err: rpc error: code = Unknown desc = sa-east-1: Failed fetching secret prod/db: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue",
    )));
    let d = about(&out, "FailedMount", "default", "micro-zt5wd");
    assert_root(d, Loop::Identity, "SecretProviderClass", "micro-secrets");
}

/// A pod whose disk of class `type` the cloud will not attach: `said`.
fn disk(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: essd, uid: sc1}}, provisioner: diskplugin.csi.alibabacloud.com, parameters: {{type: cloud_essd}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: default, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: essd, volumeName: d-uf69, resources: {{requests: {{storage: 25Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: d-uf69, uid: pv1}}, spec: {{accessModes: [ReadWriteOnce], capacity: {{storage: 25Gi}}, storageClassName: essd, claimRef: {{namespace: default, name: data, uid: pvc1}}, csi: {{driver: diskplugin.csi.alibabacloud.com, volumeHandle: d-uf69, fsType: ext4}}}}, status: {{phase: Bound}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: disk-kq2mz, namespace: default, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, containers: [{{name: app, image: "nginx:1.25", volumeMounts: [{{name: d, mountPath: /data}}]}}], volumes: [{{name: d, persistentVolumeClaim: {{claimName: data}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "nginx:1.25", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: disk-kq2mz, uid: p1}}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: "2025-03-01T10:00:10Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: kubelet, host: w1}}, message: {said:?}}}
"#
    )
}

#[test]
fn a_disk_category_the_instance_type_does_not_take() {
    let out = diagnose(&load(&disk(
        "MountVolume.MountDevice failed for volume \"d-uf69\" : rpc error: code = Aborted desc = NodeStageVolume: Error happens to attach disk d-uf69 to instance i-uf6i, SDK.ServerError\nErrorCode: InvalidInstanceType.NotSupportDiskCategory\nMessage: The instanceType of the specified instance does not support this disk category.",
    )));
    let d = about(&out, "FailedMount", "default", "disk-kq2mz");
    assert_root(d, Loop::Storage, "StorageClass", "essd");
    assert!(
        d.fix.contains("type: cloud_essd") && d.fix.contains("instance-type"),
        "{}",
        d.fix
    );
    // Another refusal of the attach is not the category's.
    let out = diagnose(&load(&disk(
        "MountVolume.MountDevice failed for volume \"d-uf69\" : rpc error: code = Aborted desc = NodeStageVolume: Error happens to attach disk d-uf69 to instance i-uf6i, SDK.ServerError\nErrorCode: IncorrectDiskStatus\nMessage: The current disk status does not support this operation.",
    )));
    let d = about(&out, "FailedMount", "default", "disk-kq2mz");
    assert_ne!(
        d.root_cause.object.kind,
        "StorageClass",
        "{}",
        summary(&out)
    );
}

/// A StatefulSet pod waiting on claim storage-mariadb-0 in `phase`.
fn claim(phase: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: storage-mariadb-0, namespace: default, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pvc-2395, resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: {phase}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: mariadb-0, namespace: default, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{containers: [{{name: mariadb, image: "mariadb:11", volumeMounts: [{{name: storage, mountPath: /var/lib/mysql}}]}}], volumes: [{{name: storage, persistentVolumeClaim: {{claimName: storage-mariadb-0}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: persistentvolumeclaim \"storage-mariadb-0\" bound to non-existent persistentvolume \"pvc-2395\"."}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: mariadb-0, uid: p1}}, reason: FailedScheduling, type: Warning, count: 12, firstTimestamp: "2025-03-01T10:00:10Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: default-scheduler}}, message: "0/1 nodes are available: persistentvolumeclaim \"storage-mariadb-0\" bound to non-existent persistentvolume \"pvc-2395\"."}}
"#
    )
}

#[test]
fn a_lost_claim_does_not_bind_again() {
    let out = diagnose(&load(&claim("Lost")));
    let d = about(&out, "PodPending", "default", "mariadb-0");
    assert_root(
        d,
        Loop::Storage,
        "PersistentVolumeClaim",
        "storage-mariadb-0",
    );
    assert!(d.fix.contains("does not bind again"), "{}", d.fix);
}

/// A pod reading Secret workflow-secrets, which a VaultStaticSecret should
/// write, and the VaultStaticSecret's warning `said`.
fn vso(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:{NODE}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: vault-auth, namespace: wf, uid: sa1}}}}
- {{apiVersion: secrets.hashicorp.com/v1beta1, kind: VaultAuth, metadata: {{name: vault-auth, namespace: wf, uid: va1}}, spec: {{method: kubernetes, mount: vso, kubernetes: {{role: vso-role, serviceAccount: vault-auth, audiences: [vault]}}}}}}
- {{apiVersion: secrets.hashicorp.com/v1beta1, kind: VaultStaticSecret, metadata: {{name: static, namespace: wf, uid: vs1}}, spec: {{vaultAuthRef: vault-auth, mount: kvv2, type: kv-v2, path: workflows/config, destination: {{name: workflow-secrets, create: true}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e0, namespace: wf}}, involvedObject: {{kind: VaultStaticSecret, namespace: wf, name: static, uid: vs1}}, reason: VaultClientConfigError, type: Warning, count: 30, firstTimestamp: "2025-03-01T10:00:00Z", lastTimestamp: "2025-03-01T10:30:00Z", source: {{component: VaultStaticSecret}}, message: {said:?}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: runner-x2v9q, namespace: wf, uid: p1, creationTimestamp: "2025-03-01T10:00:00Z"}}
  spec: {{nodeName: w1, containers: [{{name: runner, image: "runner:1", envFrom: [{{secretRef: {{name: workflow-secrets}}}}]}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: runner, ready: false, restartCount: 0, image: "runner:1", imageID: "", state: {{waiting: {{reason: CreateContainerConfigError, message: 'secret "workflow-secrets" not found'}}}}}}]}}
"#
    )
}

#[test]
fn a_vault_login_refused_for_the_secret_it_should_write() {
    let out = diagnose(&load(&vso(
        "Failed to get Vault auth login: Error making API request.\n\nURL: PUT https://vault.example/v1/auth/vso/login\nCode: 403. Errors:\n\n* permission denied",
    )));
    let d = about(&out, "CreateContainerConfigError", "wf", "runner-x2v9q");
    assert_root(d, Loop::Identity, "VaultAuth", "vault-auth");
    assert!(
        d.fix.contains("bound_service_account_names=vault-auth"),
        "{}",
        d.fix
    );
    // Another failure of the resource is told in its own words.
    let out = diagnose(&load(&vso(
        "Failed to read Vault secret: Error making API request.\n\nURL: GET https://vault.example/v1/kvv2/data/workflows/config\nCode: 404. Errors:",
    )));
    let d = about(&out, "CreateContainerConfigError", "wf", "runner-x2v9q");
    assert_root(d, Loop::Identity, "VaultStaticSecret", "static");
}

/// A Longhorn volume attached to node w1, tainted `nvidia.com/gpu`, whose
/// CSINode lacks the driver; the node plugin's DaemonSet with
/// `tolerations`.
fn longhorn(tolerations: &str) -> String {
    let said = "AttachVolume.Attach failed for volume \"pvc-c704\" : CSINode w1 does not contain driver driver.longhorn.io";
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1, labels: {{kubernetes.io/hostname: w1}}}}, spec: {{taints: [{{key: nvidia.com/gpu, value: present, effect: NoSchedule}}]}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: longhorn-csi-plugin, namespace: longhorn-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: longhorn-csi-plugin}}}}, template: {{metadata: {{labels: {{app: longhorn-csi-plugin}}}}, spec: {{tolerations: {tolerations}, containers: [{{name: node-driver-registrar, image: "longhornio/csi-node-driver-registrar:v2.9.2", args: ["--kubelet-registration-path=/var/lib/kubelet/plugins/driver.longhorn.io/csi.sock"]}}, {{name: longhorn-csi-plugin, image: "longhornio/longhorn-manager:v1.6.0", args: ["--drivername=driver.longhorn.io"]}}]}}}}}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-c704, uid: pv1}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadWriteOnce], claimRef: {{namespace: data, name: cache}}, csi: {{driver: driver.longhorn.io, volumeHandle: pvc-c704}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: cache, namespace: data, uid: c1}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pvc-c704, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: trainer-1, namespace: data, uid: p1}}, spec: {{nodeName: w1, tolerations: [{{key: nvidia.com/gpu, operator: Exists}}], containers: [{{name: t, image: "t:1"}}], volumes: [{{name: cache, persistentVolumeClaim: {{claimName: cache}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: t, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: data}}, involvedObject: {{kind: Pod, namespace: data, name: trainer-1, uid: p1}}, reason: FailedAttachVolume, type: Warning, count: 20, firstTimestamp: "2024-03-01T10:00:00Z", lastTimestamp: "2024-03-01T10:30:00Z", source: {{component: attachdetach-controller}}, message: {said:?}}}
"#
    )
}

#[test]
fn an_attach_to_a_node_whose_csinode_lacks_the_driver_is_the_node_plugins_toleration() {
    // longhorn/longhorn#8065: the GPU pool's taint keeps the plugin away.
    let out = diagnose(&load(&longhorn("[]")));
    let d = about(&out, "FailedAttachVolume", "data", "trainer-1");
    assert_root(d, Loop::Storage, "DaemonSet", "longhorn-csi-plugin");
    assert!(d.fix.contains("nvidia.com/gpu"), "{}", d.fix);
    // Tolerated: the plugin could run there, nothing to tolerate.
    let out = diagnose(&load(&longhorn("[{operator: Exists}]")));
    let d = about(&out, "FailedAttachVolume", "data", "trainer-1");
    assert!(
        !d.fix.contains("tolerations: [{key: nvidia.com/gpu"),
        "{}",
        d.fix
    );
}

#[test]
fn a_gce_disk_type_a_c3_machine_will_not_attach() {
    let said = "AttachVolume.Attach failed for volume \"d-uf69\" : rpc error: code = Internal desc = ControllerPublishVolume failed with error for disk projects/p/zones/us-central1-c/disks/d-uf69 on node projects/p/zones/us-central1-c/instances/w1: rpc error: code = Internal desc = '[pd-standard] features are not compatible for creating instance'";
    let text = disk(said)
        .replace("reason: FailedMount", "reason: FailedAttachVolume")
        .replace(
            "component: kubelet, host: w1",
            "component: attachdetach-controller",
        )
        .replace(
            "provisioner: diskplugin.csi.alibabacloud.com, parameters: {type: cloud_essd}",
            "provisioner: pd.csi.storage.gke.io, parameters: {type: pd-standard}",
        )
        .replace(
            "driver: diskplugin.csi.alibabacloud.com",
            "driver: pd.csi.storage.gke.io",
        );
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedAttachVolume", "default", "disk-kq2mz");
    assert_root(d, Loop::Storage, "StorageClass", "essd");
    assert!(d.fix.contains("pd-balanced"), "{}", d.fix);
}
