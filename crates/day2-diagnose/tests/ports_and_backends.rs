//! What a controller is told to serve and cannot, and what the backend
//! behind a volume or an overlay refuses: a UDP services port nginx cannot
//! bind (kubernetes/ingress-nginx#3036), kube-vip serving no Service
//! (kube-vip/kube-vip#1243), nginx workers per node CPU
//! (kubernetes/ingress-nginx#2980), the iptables nat table a kernel lacks
//! (istio/istio#44118), a detach the storage backend refuses
//! (kubernetes-sigs/vsphere-csi-driver#365), and VXLAN on VMware NICs
//! (rancher/rke2#6307). Each with the sibling that must read otherwise.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

/// ingress-nginx in `ingress-nginx`, crash-looping on nginx's bind of UDP
/// port 53 that ConfigMap udp-services holds under `key`.
fn udp_services(key: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: udp-services, namespace: ingress-nginx}}, data: {{"{key}": "kube-system/coredns:53"}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: ingress-nginx-controller-xjmm4, namespace: ingress-nginx, uid: u-i}}
  spec: {{nodeName: n1, containers: [{{name: controller, image: "quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.17.1", args: [/nginx-ingress-controller, "--udp-services-configmap=$(POD_NAMESPACE)/udp-services"]}}]}}
  status: {{phase: Running, containerStatuses: [{{name: controller, image: "", imageID: "", ready: false, restartCount: 185, state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "nginx: [emerg] bind() to 0.0.0.0:53 failed (2: No such file or directory)\nnginx: configuration file /tmp/nginx-cfg test failed\n"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: b1, namespace: ingress-nginx}}, involvedObject: {{kind: Pod, name: ingress-nginx-controller-xjmm4, namespace: ingress-nginx, uid: u-i}}, reason: BackOff, message: "Back-off restarting failed container", type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn a_services_port_nginx_cannot_bind() {
    let out = diagnose(&udp_services("53"));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "ingress-nginx",
        "ingress-nginx-controller-xjmm4",
    );
    assert_root(d, Loop::Network, "ConfigMap", "udp-services");
    assert!(d.fix.contains("hostNetwork"), "{}", d.fix);
    // The ConfigMap maps another port: not what nginx failed to bind.
    let out = diagnose(&udp_services("5353"));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "ingress-nginx",
        "ingress-nginx-controller-xjmm4",
    );
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

/// A LoadBalancer Service without an address and no event on it, with a
/// kube-vip DaemonSet whose environment is `env`.
fn kube_vip(env: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: kube-vip-ds, namespace: kube-system, uid: u-kv}}, spec: {{selector: {{matchLabels: {{app: kube-vip}}}}, template: {{metadata: {{labels: {{app: kube-vip}}}}, spec: {{containers: [{{name: kube-vip, image: "ghcr.io/kube-vip/kube-vip:v1.0.0", env: [{env}]}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-vip-ds-7x2k4, namespace: kube-system, labels: {{app: kube-vip}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: kube-vip-ds, uid: u-kv, controller: true}}]}}, spec: {{nodeName: n1, hostNetwork: true, containers: [{{name: kube-vip, image: "ghcr.io/kube-vip/kube-vip:v1.0.0", env: [{env}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: kube-vip, image: "", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "2026-03-02T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: shop, namespace: web, creationTimestamp: "2026-03-02T09:00:00Z"}}, spec: {{type: LoadBalancer, clusterIP: 10.96.4.4, selector: {{app: shop}}, ports: [{{port: 80}}]}}, status: {{loadBalancer: {{}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: late, namespace: default}}, involvedObject: {{kind: Node, name: n1}}, reason: Starting, message: "Starting kubelet.", type: Normal, count: 1, firstTimestamp: "2026-03-02T10:30:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn kube_vip_serving_services_that_gives_one_no_address() {
    let out = diagnose(&kube_vip(
        r#"{name: svc_enable, value: "true"}, {name: cp_enable, value: "true"}, {name: vip_routingtable, value: "true"}"#,
    ));
    let d = about(&out, "LoadBalancerPending", "web", "shop");
    assert_root(d, Loop::Network, "DaemonSet", "kube-vip-ds");
    assert!(d.fix.contains("cp_enable"), "{}", d.fix);
    // kube-vip without services: no implementation serves the Service.
    let out = diagnose(&kube_vip(r#"{name: cp_enable, value: "true"}"#));
    let d = about(&out, "LoadBalancerPending", "web", "shop");
    assert!(d.unexplained, "{}", summary(&out));
}

/// ingress-nginx OOMKilled under a 1.5Gi limit on a node of `cpus` CPUs.
fn nginx_oom(cpus: &str) -> day2_model::Cluster {
    cluster(&[
        &format!(
            "- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, status: {{capacity: {{cpu: \"{cpus}\", memory: 256Gi, pods: \"110\"}}, allocatable: {{cpu: \"{cpus}\", memory: 250Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
        ),
        r#"
- apiVersion: v1
  kind: Pod
  metadata: {name: nginx-ingress-controller-1, namespace: kube-system, uid: u-n}
  spec: {nodeName: n1, containers: [{name: controller, image: "quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.17.1", args: [/nginx-ingress-controller, --configmap=kube-system/nginx-config], resources: {limits: {cpu: "2", memory: 1500Mi}, requests: {memory: 100Mi}}}]}
  status: {phase: Running, containerStatuses: [{name: controller, image: "", imageID: "", ready: false, restartCount: 9, state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 137, reason: OOMKilled}}}]}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: nginx-config, namespace: kube-system}, data: {use-proxy-protocol: "true"}}
- {apiVersion: v1, kind: Event, metadata: {name: o1, namespace: kube-system}, involvedObject: {kind: Pod, name: nginx-ingress-controller-1, namespace: kube-system, uid: u-n}, reason: BackOff, message: "Back-off restarting failed container", type: Warning, count: 20, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {component: kubelet}}
"#,
    ])
}

#[test]
fn nginx_workers_per_node_cpu_outgrow_the_limit() {
    let fix = |cpus: &str| {
        let out = diagnose(&nginx_oom(cpus));
        out.diagnoses
            .iter()
            .find(|d| d.symptom.object.name == "nginx-ingress-controller-1")
            .map(|d| d.fix.clone())
            .unwrap_or_else(|| panic!("no diagnosis: {}", summary(&out)))
    };
    assert!(fix("64").contains("worker-processes"), "{}", fix("64"));
    assert!(!fix("4").contains("worker-processes"), "{}", fix("4"));
}

#[test]
fn iptables_without_the_nat_table_is_the_hosts_kernel() {
    let said = "error\tCommand error output: xtables parameter problem: iptables-restore: unable to initialize table 'nat'\nerror\tFailed to execute: iptables-restore --noflush, exit status 2\n";
    let out = diagnose(&cluster(&[&node("n1", "5.14.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("iptable_nat"), "{}", d.fix);
    // An iptables failure without the table's words is the program's.
    let out = diagnose(&cluster(&[
        &node("n1", "5.14.0"),
        &crashing(
            "",
            "error\tFailed to execute: iptables-restore --noflush, exit status 2\n",
        ),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("iptable_nat"), "{}", d.fix);
}

/// postgres-0 on n2 refused its volume by a VolumeAttachment to n1 whose
/// status is `status`.
fn stale_attachment(status: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &node("n2", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv-db}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadWriteOnce], claimRef: {{namespace: db, name: data-postgres-0}}, csi: {{driver: csi.vsphere.vmware.com, volumeHandle: "5a1e"}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-postgres-0, namespace: db}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pv-db, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: storage.k8s.io/v1, kind: VolumeAttachment, metadata: {{name: csi-af3d}}, spec: {{attacher: csi.vsphere.vmware.com, nodeName: n1, source: {{persistentVolumeName: pv-db}}}}, status: {status}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: postgres-0, namespace: db, uid: u-p}}, spec: {{nodeName: n2, containers: [{{name: pg, image: "postgres:16"}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-postgres-0}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: pg, image: "", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: m1, namespace: db}}, involvedObject: {{kind: Pod, name: postgres-0, namespace: db, uid: u-p}}, reason: FailedAttachVolume, message: "Multi-Attach error for volume \"pv-db\" Volume is already exclusively attached to one node and can't be attached to another", type: Warning, count: 12, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: attachdetach-controller}}}}
"#
        ),
    ])
}

#[test]
fn a_detach_the_storage_backend_refuses_is_not_a_stale_object_to_delete() {
    let out = diagnose(&stale_attachment(
        r#"{attached: true, detachError: {time: "2026-03-02T10:05:00Z", message: "rpc error: code = Internal desc = failed to detach disk: err ServerFaultCode: The object or item referred to could not be found."}}"#,
    ));
    let d = about(&out, "MultiAttach", "db", "postgres-0");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("Storage DRS"), "{}", d.fix);
    // No detach tried: the attachment is stale and is what to delete.
    let out = diagnose(&stale_attachment("{attached: true}"));
    let d = about(&out, "MultiAttach", "db", "postgres-0");
    assert_root(d, Loop::Storage, "VolumeAttachment", "csi-af3d");
    assert!(
        d.fix.contains("kubectl delete volumeattachment"),
        "{}",
        d.fix
    );
}

/// A pod on n2 timing out to the API server's address 10.43.0.1, nodes on
/// flannel's VXLAN backend with VTEP MAC `mac`.
fn vxlan(mac: &str) -> day2_model::Cluster {
    let node = |name: &str| {
        format!(
            "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, annotations: {{flannel.alpha.coreos.com/backend-type: vxlan, flannel.alpha.coreos.com/backend-data: '{{\"VNI\":4096,\"VtepMAC\":\"{mac}\"}}'}}}}, status: {{conditions: [{{type: Ready, status: \"True\"}}], nodeInfo: {{kernelVersion: 4.18.0, containerRuntimeVersion: \"containerd://1.7\", kubeletVersion: v1.30.2, osImage: RHEL, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s, kubeProxyVersion: v1.30.2}}}}}}\n"
        )
    };
    cluster(&[
        &node("n1"),
        &node("n2"),
        &crashing(
            "",
            "panic: Get \"https://10.43.0.1:443/api?timeout=32s\": dial tcp 10.43.0.1:443: connect: connection timed out\n",
        )
        .replace("nodeName: n1", "nodeName: n2"),
    ])
}

#[test]
fn vxlan_on_vmware_nics_is_named_in_what_to_check() {
    let out = diagnose(&vxlan("00:50:56:90:1c:30"));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(d.fix.contains("tx-checksum-ip-generic"), "{}", d.fix);
    let out = diagnose(&vxlan("8e:2f:0a:41:9c:d7"));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("tx-checksum-ip-generic"), "{}", d.fix);
}
