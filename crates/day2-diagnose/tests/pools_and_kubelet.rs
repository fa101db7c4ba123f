//! Causes read from the cluster's own configuration when the symptom
//! says little: a Calico pool that holds the nodes' addresses
//! (kubernetes/dashboard#3709), a class parameter the CSI driver cannot
//! find on the node (openebs/zfs-localpv#111), a kubelet that does not
//! mount the volumes it serves itself (kubernetes/kubernetes#29297), and a
//! probe on an undeclared port beside a container that exits on its own
//! (haproxytech/helm-charts#104). Each with the sibling that must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

/// A dashboard pod that times out reaching the API server, on nodes at
/// 192.168.50.x, with Calico's pool `cidr`.
fn dashboard(cidr: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: node-1, uid: n1, labels: {{kubernetes.io/hostname: node-1}}}}, status: {{addresses: [{{type: InternalIP, address: 192.168.50.11}}], allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: crd.projectcalico.org/v1, kind: IPPool, metadata: {{name: default-ipv4-ippool, uid: ip1}}, spec: {{cidr: "{cidr}", ipipMode: Always, natOutgoing: true}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: kubernetes-dashboard-5f7b, namespace: kube-system, uid: p1}}
  spec: {{nodeName: node-1, containers: [{{name: kubernetes-dashboard, image: "k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: kubernetes-dashboard, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "Error while initializing connection to Kubernetes apiserver. Reason: Get https://10.96.0.1:443/version: dial tcp 10.96.0.1:443: i/o timeout"}}}}}}]}}
"#
    )
}

#[test]
fn a_pod_pool_that_holds_the_nodes_addresses() {
    let out = diagnose(&load(&dashboard("192.168.0.0/16")));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "kubernetes-dashboard-5f7b",
    );
    assert_root(d, Loop::Network, "IPPool", "default-ipv4-ippool");
    assert!(d.fix.contains("10.244.0.0/16"), "{}", d.fix);
    // A pool apart from the nodes: not the pool's doing.
    let out = diagnose(&load(&dashboard("10.244.0.0/16")));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "kubernetes-dashboard-5f7b",
    );
    assert_ne!(d.root_cause.object.kind, "IPPool", "{}", summary(&out));
}

/// A pod mounting a ZFS LocalPV claim of class openebs-zfspv (poolname
/// zfspv-pool1), whose mount failed with `said`.
fn zfs(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: node-1, uid: n1, labels: {{kubernetes.io/hostname: node-1}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: openebs-zfspv, uid: sc1}}, provisioner: zfs.csi.openebs.io, parameters: {{fstype: zfs, poolname: zfspv-pool1}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: csi-zfspv, namespace: default, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: openebs-zfspv, volumeName: pvc-ce4c, resources: {{requests: {{storage: 4Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-ce4c, uid: pv1}}, spec: {{accessModes: [ReadWriteOnce], capacity: {{storage: 4Gi}}, storageClassName: openebs-zfspv, claimRef: {{namespace: default, name: csi-zfspv, uid: pvc1}}, csi: {{driver: zfs.csi.openebs.io, volumeHandle: pvc-ce4c, fsType: zfs}}}}, status: {{phase: Bound}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: fio, namespace: default, uid: p1}}
  spec: {{nodeName: node-1, containers: [{{name: fio, image: "nixery.dev/fio", volumeMounts: [{{name: d, mountPath: /datadir}}]}}], volumes: [{{name: d, persistentVolumeClaim: {{claimName: csi-zfspv}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: fio, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: fio, uid: p1}}, reason: FailedMount, type: Warning, count: 9, firstTimestamp: "2020-05-01T10:00:00Z", lastTimestamp: "2020-05-01T10:20:00Z", source: {{component: kubelet, host: node-1}}, message: {said:?}}}
"#
    )
}

#[test]
fn a_class_parameter_the_driver_cannot_find_on_the_node() {
    let out = diagnose(&load(&zfs(
        "MountVolume.SetUp failed for volume \"pvc-ce4c\" : rpc error: code = Internal desc = zfs: mount failed err : could not set the mountpoint, cannot open 'zfspv-pool1/pvc-ce4c': dataset does not exist",
    )));
    let d = about(&out, "FailedMount", "default", "fio");
    assert_root(d, Loop::Storage, "StorageClass", "openebs-zfspv");
    assert!(d.fix.contains("poolname"), "{}", d.fix);
    // An error that names no value of the class is the driver's to explain.
    let out = diagnose(&load(&zfs(
        "MountVolume.SetUp failed for volume \"pvc-ce4c\" : rpc error: code = Internal desc = zfs: mount failed err : exit status 1",
    )));
    let d = about(&out, "FailedMount", "default", "fio");
    assert_ne!(
        d.root_cause.object.kind,
        "StorageClass",
        "{}",
        summary(&out)
    );
}

/// A pod on a kubelet v1.3.2 node waiting for volume `vol`, a ConfigMap
/// volume (`config`) or a claim (`claim`).
fn kubelet(vol: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: gke-pool-yhc8, uid: n1, labels: {{kubernetes.io/hostname: gke-pool-yhc8}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}], nodeInfo: {{kubeletVersion: v1.3.2, osImage: Container-Optimized OS, kernelVersion: 4.4.0, containerRuntimeVersion: "docker://1.11.2", kubeProxyVersion: v1.3.2, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}}}}
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: rethinkdb-config, namespace: default, uid: cm1}}, data: {{rethinkdb.conf: "bind=all"}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: default, uid: pvc1}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pv-1, resources: {{requests: {{storage: 4Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv-1, uid: pv1}}, spec: {{accessModes: [ReadWriteOnce], capacity: {{storage: 4Gi}}, claimRef: {{namespace: default, name: data, uid: pvc1}}, csi: {{driver: pd.csi.storage.gke.io, volumeHandle: d-1, fsType: ext4}}}}, status: {{phase: Bound}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: rethinkdb-y7d0s, namespace: default, uid: p1}}
  spec: {{nodeName: gke-pool-yhc8, containers: [{{name: rethinkdb, image: "rethinkdb:2.3", volumeMounts: [{{name: config, mountPath: /etc/rethinkdb}}, {{name: claim, mountPath: /data}}]}}], volumes: [{{name: config, configMap: {{name: rethinkdb-config}}}}, {{name: claim, persistentVolumeClaim: {{claimName: data}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: rethinkdb, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: rethinkdb-y7d0s, uid: p1}}, reason: FailedMount, type: Warning, count: 9, firstTimestamp: "2016-08-01T10:00:00Z", lastTimestamp: "2016-08-01T10:20:00Z", source: {{component: kubelet, host: gke-pool-yhc8}}, message: 'Unable to mount volumes for pod "rethinkdb-y7d0s_default(p1)": timeout expired waiting for volumes to attach/mount for pod "rethinkdb-y7d0s"/"default". list of unattached/unmounted volumes=[{vol}]'}}
"#
    )
}

#[test]
fn a_kubelet_that_does_not_mount_the_volumes_it_serves() {
    let out = diagnose(&load(&kubelet("config")));
    let d = about(&out, "FailedMount", "default", "rethinkdb-y7d0s");
    assert_root(d, Loop::Storage, "Node", "gke-pool-yhc8");
    assert!(d.fix.contains("v1.3.2"), "{}", d.fix);
    // A claim's volume is a driver's mount: not the kubelet's own.
    let out = diagnose(&load(&kubelet("claim")));
    let d = about(&out, "FailedMount", "default", "rethinkdb-y7d0s");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}

/// An ingress controller whose liveness probe asks undeclared port 1042,
/// its last run ended `how`, with the refusal of its RBAC in its log.
fn haproxy(how: &str, killing: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: k3s-1, uid: n1, labels: {{kubernetes.io/hostname: k3s-1}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: haproxy-kubernetes-ingress, namespace: ns-ext, uid: sa1}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: haproxy-kubernetes-ingress, uid: cr1}}, rules: [{{apiGroups: [""], resources: [configmaps, endpoints, pods, services], verbs: [get, list, watch]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: haproxy-kubernetes-ingress, uid: crb1}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: haproxy-kubernetes-ingress}}, subjects: [{{kind: ServiceAccount, name: haproxy-kubernetes-ingress, namespace: ns-ext}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: haproxy-7rxmd, namespace: ns-ext, uid: p1}}
  spec: {{nodeName: k3s-1, serviceAccountName: haproxy-kubernetes-ingress, containers: [{{name: controller, image: "haproxytech/kubernetes-ingress:1.7.0", ports: [{{name: http, containerPort: 8080}}, {{name: stat, containerPort: 1024}}], livenessProbe: {{httpGet: {{path: /healthz, port: 1042}}}}}}]}}
  status: {{phase: Running, containerStatuses: [{{name: controller, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{{how}, message: "E1010 03:20:39.486212 216 reflector.go:138] Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User \"system:serviceaccount:ns-ext:haproxy-kubernetes-ingress\" cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\" at the cluster scope"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: ns-ext}}, involvedObject: {{kind: Pod, namespace: ns-ext, name: haproxy-7rxmd, uid: p1, fieldPath: "spec.containers{{controller}}"}}, reason: Unhealthy, type: Warning, count: 6, firstTimestamp: "2021-10-10T03:20:00Z", lastTimestamp: "2021-10-10T03:30:00Z", source: {{component: kubelet, host: k3s-1}}, message: 'Liveness probe failed: Get "http://10.42.1.23:1042/healthz": dial tcp 10.42.1.23:1042: connect: connection refused'}}
{killing}"#
    )
}

#[test]
fn a_container_that_exits_on_its_own_is_not_its_probes_doing() {
    let out = diagnose(&load(&haproxy("exitCode: 1, reason: Error", "")));
    let d = about(&out, "CrashLoopBackOff", "ns-ext", "haproxy-7rxmd");
    assert_eq!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    assert!(d.fix.contains("endpointslices"), "{}", d.fix);
    // Killed by the kubelet for its liveness probe: the probe's port is the cause.
    let out = diagnose(&load(&haproxy(
        "exitCode: 137, reason: Error",
        "- {apiVersion: v1, kind: Event, metadata: {name: e2, namespace: ns-ext}, involvedObject: {kind: Pod, namespace: ns-ext, name: haproxy-7rxmd, uid: p1, fieldPath: \"spec.containers{controller}\"}, reason: Killing, type: Normal, count: 6, firstTimestamp: \"2021-10-10T03:20:30Z\", lastTimestamp: \"2021-10-10T03:30:30Z\", source: {component: kubelet, host: k3s-1}, message: \"Container controller failed liveness probe, will be restarted\"}",
    )));
    let d = about(&out, "CrashLoopBackOff", "ns-ext", "haproxy-7rxmd");
    assert!(
        d.root_cause.summary.contains("port 1042"),
        "{}",
        summary(&out)
    );
}
