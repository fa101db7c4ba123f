//! What a driver, a proxy or a controller is not given: a key its Secret
//! lacks (ceph/ceph-csi#543), a grant its role lacks (coredns/coredns#5495,
//! traefik/traefik#7232, kedacore/keda#1554), a volume limit it does not report
//! (hetznercloud/csi-driver#197), a kernel setting it may not write
//! (kubernetes-sigs/kind#2240), credentials a driver did not hand over
//! (kubernetes-sigs/blob-csi-driver#450); and what a mesh or a host does to every pod:
//! a Service port declared HTTP (istio/istio#22150), a host firewall that
//! rejects its own pods (k3s-io/k3s#7014). Each with the sibling that must
//! read otherwise.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

/// A pod on `n1` mounting claim `data`, bound to a ceph-csi PV whose
/// node-stage Secret holds `keys`; the kubelet's mount fails with `message`.
fn ceph_mount(keys: &str, message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: Secret, metadata: {{name: csi-cephfs-secret, namespace: ceph-csi}}, type: Opaque, data: {{{keys}}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: cephfs-pv}}, spec: {{capacity: {{storage: 1Gi}}, accessModes: [ReadWriteMany], claimRef: {{namespace: app, name: data}}, csi: {{driver: cephfs.csi.ceph.com, volumeHandle: vol-1, nodeStageSecretRef: {{name: csi-cephfs-secret, namespace: ceph-csi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app}}, spec: {{accessModes: [ReadWriteMany], volumeName: cephfs-pv, resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: backup-1, namespace: app, uid: u-b}}, spec: {{nodeName: n1, containers: [{{name: b, image: "b:1"}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: b, image: "b:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: m1, namespace: app}}, involvedObject: {{kind: Pod, name: backup-1, namespace: app, uid: u-b}}, reason: FailedMount, message: {message:?}, type: Warning, count: 30, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn a_csi_driver_that_names_the_key_its_secret_lacks() {
    let said = "MountVolume.MountDevice failed for volume \"cephfs-pv\" : rpc error: code = InvalidArgument desc = failed to get user credentials from node stage secrets: missing ID field 'userID' in secrets";
    let out = diagnose(&ceph_mount("adminID: YQ==, adminKey: YQ==", said));
    let d = about(&out, "FailedMount", "app", "backup-1");
    assert_root(d, Loop::Storage, "Secret", "csi-cephfs-secret");
    assert!(d.fix.contains("userID"), "{}", d.fix);
    // A Secret that holds the key: the driver's words point elsewhere.
    let out = diagnose(&ceph_mount(
        "adminID: YQ==, adminKey: YQ==, userID: YQ==, userKey: YQ==",
        said,
    ));
    let d = about(&out, "FailedMount", "app", "backup-1");
    assert_ne!(d.root_cause.object.kind, "Secret", "{}", summary(&out));
}

/// CoreDNS `image` in kube-system, Running and answering its readiness
/// probe with 503, its account bound to a `system:coredns` role with `rules`.
fn coredns(image: &str, rules: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: coredns, namespace: kube-system}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: "system:coredns"}}, rules: [{rules}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: "system:coredns"}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}}, subjects: [{{kind: ServiceAccount, name: coredns, namespace: kube-system}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kube-dns, namespace: kube-system}}, spec: {{clusterIP: 10.96.0.10, selector: {{k8s-app: kube-dns}}, ports: [{{name: dns, port: 53, protocol: UDP}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: coredns-1, namespace: kube-system, uid: u-c, labels: {{k8s-app: kube-dns}}}}, spec: {{nodeName: n1, serviceAccountName: coredns, containers: [{{name: coredns, image: {image:?}, readinessProbe: {{httpGet: {{path: /ready, port: 8181}}}}}}]}}, status: {{phase: Running, podIP: 10.244.0.5, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: coredns, image: {image:?}, imageID: "", ready: false, restartCount: 0, state: {{running: {{startedAt: "2026-03-02T10:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: r1, namespace: kube-system}}, involvedObject: {{kind: Pod, name: coredns-1, namespace: kube-system, uid: u-c}}, reason: Unhealthy, message: "Readiness probe failed: HTTP probe failed with statuscode: 503", type: Warning, count: 90, firstTimestamp: "2026-03-02T10:00:30Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

const CORE_RULES: &str = r#"{apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}"#;

#[test]
fn coredns_past_the_version_its_role_was_written_for() {
    let out = diagnose(&coredns("coredns/coredns:v1.8.4", CORE_RULES));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "kube-system",
        "kube-dns",
    );
    assert_root(d, Loop::Identity, "ClusterRole", "system:coredns");
    assert!(d.fix.contains("endpointslices"), "{}", d.fix);
    // The role that grants EndpointSlices: not the role.
    let granted = format!(
        "{CORE_RULES}, {{apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}}"
    );
    let out = diagnose(&coredns("coredns/coredns:v1.8.4", &granted));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "kube-system",
        "kube-dns",
    );
    assert_ne!(d.root_cause.object.kind, "ClusterRole", "{}", summary(&out));
    // CoreDNS 1.8.0 watches Endpoints, which the role grants.
    let out = diagnose(&coredns("coredns/coredns:1.8.0", CORE_RULES));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "kube-system",
        "kube-dns",
    );
    assert_ne!(d.root_cause.object.kind, "ClusterRole", "{}", summary(&out));
}

/// Traefik serving the legacy class `traefik` and publishing its Service's
/// address, its ClusterRole granting `rules`; Ingress `whoami` an hour old
/// and without an address.
fn traefik(rules: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: traefik, namespace: default}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: traefik}}, rules: [{{apiGroups: [""], resources: [services, endpoints, secrets], verbs: [get, list, watch]}}, {rules}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: traefik}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: traefik}}, subjects: [{{kind: ServiceAccount, name: traefik, namespace: default}}]}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: traefik-85d7-hw64j, namespace: default, labels: {{app.kubernetes.io/name: traefik}}}}, spec: {{nodeName: n1, serviceAccountName: traefik, containers: [{{name: traefik, image: "traefik:2.3.0", args: [--providers.kubernetesingress, --providers.kubernetesingress.ingressendpoint.publishedservice=default/traefik]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: traefik, image: "traefik:2.3.0", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "2026-03-02T09:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: whoami, namespace: apps}}, spec: {{selector: {{app: whoami}}, ports: [{{port: 80, targetPort: 80}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: whoami-1, namespace: apps, labels: {{app: whoami}}}}, spec: {{nodeName: n1, containers: [{{name: whoami, image: "traefik/whoami:1.10", ports: [{{containerPort: 80}}]}}]}}, status: {{phase: Running, podIP: 10.42.0.9, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: whoami, image: "", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "2026-03-02T09:00:00Z"}}}}}}]}}}}
- {{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {{name: whoami-x, namespace: apps, labels: {{kubernetes.io/service-name: whoami}}}}, addressType: IPv4, endpoints: [{{addresses: [10.42.0.9], conditions: {{ready: true}}, targetRef: {{kind: Pod, name: whoami-1, namespace: apps}}}}], ports: [{{port: 80, protocol: TCP}}]}}
- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: whoami, namespace: apps, creationTimestamp: "2026-03-02T09:30:00Z", annotations: {{kubernetes.io/ingress.class: traefik}}}}, spec: {{rules: [{{host: whoami.lan, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: whoami, port: {{number: 80}}}}}}}}]}}}}]}}, status: {{loadBalancer: {{}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: late, namespace: default}}, involvedObject: {{kind: Node, name: n1}}, reason: Starting, message: "Starting kubelet.", type: Normal, count: 1, firstTimestamp: "2026-03-02T10:30:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn a_controller_that_may_not_list_what_it_serves_leaves_the_ingress_without_address() {
    let out = diagnose(&traefik(
        "{apiGroups: [extensions], resources: [ingresses], verbs: [get, list, watch]}",
    ));
    let d = about(&out, "LoadBalancerPending", "apps", "whoami");
    assert_root(d, Loop::Identity, "ClusterRole", "traefik");
    assert!(d.fix.contains("ingressclasses"), "{}", d.fix);
    // The role the release's chart ships: not the role.
    let out = diagnose(&traefik(
        "{apiGroups: [networking.k8s.io], resources: [ingresses, ingressclasses], verbs: [get, list, watch]}",
    ));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.root_cause.object.kind == "ClusterRole"),
        "{}",
        summary(&out)
    );
}

/// A pod on `n1` whose attach of a Hetzner volume the cloud refuses at the
/// server's limit; `allocatable` is the CSINode entry's allocatable.
fn hetzner(allocatable: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: storage.k8s.io/v1, kind: CSINode, metadata: {{name: n1}}, spec: {{drivers: [{{name: csi.hetzner.cloud, nodeID: "101"{allocatable}}}]}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv-17}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadWriteOnce], claimRef: {{namespace: db, name: data-pg-0}}, csi: {{driver: csi.hetzner.cloud, volumeHandle: "17"}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-pg-0, namespace: db}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pv-17, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: pg-0, namespace: db, uid: u-pg}}, spec: {{nodeName: n1, containers: [{{name: pg, image: "postgres:16"}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-pg-0}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: pg, image: "postgres:16", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: a1, namespace: db}}, involvedObject: {{kind: Pod, name: pg-0, namespace: db, uid: u-pg}}, reason: FailedAttachVolume, message: "AttachVolume.Attach failed for volume \"pv-17\" : rpc error: code = Internal desc = failed to publish volume: cannot attach volume 17 to server 101: max_volumes_per_server_reached (limit of 16 volumes per server reached)", type: Warning, count: 12, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: attachdetach-controller}}}}
"#
        ),
    ])
}

#[test]
fn a_driver_that_does_not_report_its_volume_limit() {
    let out = diagnose(&hetzner(""));
    let d = about(&out, "FailedAttachVolume", "db", "pg-0");
    assert_root(d, Loop::Storage, "CSINode", "n1");
    assert!(d.fix.contains("16"), "{}", d.fix);
    // A driver that reports it: the scheduler counted, the node is full.
    let out = diagnose(&hetzner(", allocatable: {count: 16}"));
    let d = about(&out, "FailedAttachVolume", "db", "pg-0");
    assert_ne!(d.root_cause.object.kind, "CSINode", "{}", summary(&out));
}

/// kube-proxy in kube-system crash-looping on `n1` with `message`.
fn kube_proxy(message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "5.12.2"),
        &format!(
            r#"
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: kube-proxy, namespace: kube-system}}, data: {{config.conf: "kind: KubeProxyConfiguration\nconntrack:\n  maxPerCore: null\n"}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: kube-proxy, namespace: kube-system, uid: u-ds}}, spec: {{selector: {{matchLabels: {{k8s-app: kube-proxy}}}}, template: {{metadata: {{labels: {{k8s-app: kube-proxy}}}}, spec: {{containers: [{{name: kube-proxy, image: "registry.k8s.io/kube-proxy:v1.20.2"}}]}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: kube-proxy-zr7wd, namespace: kube-system, uid: u-kp, labels: {{k8s-app: kube-proxy}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: kube-proxy, uid: u-ds, controller: true}}]}}
  spec: {{nodeName: n1, containers: [{{name: kube-proxy, image: "registry.k8s.io/kube-proxy:v1.20.2"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: kube-proxy, image: "", imageID: "", ready: false, restartCount: 8, state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 255, reason: Error, message: {message:?}}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: kp, namespace: kube-system}}, involvedObject: {{kind: Pod, name: kube-proxy-zr7wd, namespace: kube-system, uid: u-kp}}, reason: BackOff, message: "Back-off restarting failed container", type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn kube_proxy_that_may_not_write_the_conntrack_limit() {
    let out = diagnose(&kube_proxy(
        "I0511 conntrack.go:100] Set sysctl 'net/netfilter/nf_conntrack_max' to 131072\nF0511 server.go:495] open /proc/sys/net/netfilter/nf_conntrack_max: permission denied\n",
    ));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "kube-proxy-zr7wd");
    assert_root(d, Loop::Network, "ConfigMap", "kube-proxy");
    assert!(d.fix.contains("maxPerCore: 0"), "{}", d.fix);
    // Another failure of kube-proxy is not its conntrack settings.
    let out = diagnose(&kube_proxy(
        "F0511 server.go:495] failed to load kubeconfig: open /var/lib/kube-proxy/kubeconfig.conf: no such file or directory\n",
    ));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "kube-proxy-zr7wd");
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

/// A meshed client crash-looping on a MySQL connection, and Service
/// `teee1` elsewhere in the mesh with port 3306 named `port_name`.
fn meshed_mysql(port_name: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: Service, metadata: {{name: teee1, namespace: default}}, spec: {{clusterIP: 10.96.3.3, selector: {{app: teee1}}, ports: [{{name: {port_name}, port: 3306, protocol: TCP, targetPort: 3306}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: order-1, namespace: prod, uid: u-o}}
  spec: {{nodeName: n1, containers: [{{name: order, image: "order:3"}}, {{name: istio-proxy, image: "istio/proxyv2:1.4.6"}}]}}
  status: {{phase: Running, containerStatuses: [{{name: order, image: "", imageID: "", ready: false, restartCount: 17, state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n"}}}}}}, {{name: istio-proxy, image: "", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "2026-03-02T09:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: o1, namespace: prod}}, involvedObject: {{kind: Pod, name: order-1, namespace: prod, uid: u-o}}, reason: BackOff, message: "Back-off restarting failed container", type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn a_port_declared_http_anywhere_in_the_mesh_breaks_that_protocol_everywhere() {
    let out = diagnose(&meshed_mysql("http-3306"));
    let d = about(&out, "CrashLoopBackOff", "prod", "order-1");
    assert_root(d, Loop::Network, "Service", "teee1");
    assert!(d.fix.contains("tcp-3306"), "{}", d.fix);
    let out = diagnose(&meshed_mysql("tcp-3306"));
    let d = about(&out, "CrashLoopBackOff", "prod", "order-1");
    assert_ne!(d.root_cause.object.name, "teee1", "{}", summary(&out));
}

#[test]
fn a_probe_the_host_rejects_is_not_the_probes_port() {
    // The liveness probe asks an undeclared port and the kubelet gets
    // `no route to host` from its own node: the host's firewall, unexplained.
    let probe = "livenessProbe: {httpGet: {path: /health, port: 8080}}\n      ports: [{containerPort: 53, name: dns}]";
    let with = |said: &str| {
        let events = format!(
            "- {{apiVersion: v1, kind: Event, metadata: {{name: p1, namespace: app}}, involvedObject: {{kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web}}, reason: Unhealthy, message: {said:?}, type: Warning, count: 30, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:29:00Z\", source: {{component: kubelet}}}}\n- {{apiVersion: v1, kind: Event, metadata: {{name: k1, namespace: app}}, involvedObject: {{kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web}}, reason: Killing, message: \"Container web failed liveness probe, will be restarted\", type: Normal, count: 10, firstTimestamp: \"2026-03-02T10:01:00Z\", lastTimestamp: \"2026-03-02T10:29:00Z\", source: {{component: kubelet}}}}\n"
        );
        diagnose(&cluster(&[
            &node("n1", "3.10.0"),
            &crashing(probe, "plugin/ready: Still waiting on: \"kubernetes\"\n"),
            &events,
        ]))
    };
    let out = with(
        "Liveness probe failed: Get \"http://10.42.0.4:8080/health\": dial tcp 10.42.0.4:8080: connect: no route to host",
    );
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("firewalld"), "{}", d.fix);
    // Refused on the undeclared port: the probe's port.
    let out = with(
        "Liveness probe failed: Get \"http://10.42.0.4:8080/health\": dial tcp 10.42.0.4:8080: connect: connection refused",
    );
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.unexplained, "{}", summary(&out));
    assert_root(d, Loop::Compute, "Deployment", "web");
}

/// Three pods selecting `workload: batch-jobs` Pending for two hours on a
/// cluster whose nodes lack the label, a Karpenter Provisioner that gives
/// its nodes `labels`, and the Karpenter controller running.
fn karpenter(labels: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: karpenter.sh/v1alpha5, kind: Provisioner, metadata: {{name: default}}, spec: {{labels: {{{labels}}}, requirements: [{{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: karpenter, namespace: karpenter, uid: u-k}}, spec: {{selector: {{matchLabels: {{app: karpenter}}}}, template: {{metadata: {{labels: {{app: karpenter}}}}, spec: {{containers: [{{name: controller, image: "public.ecr.aws/karpenter/controller:v0.20.0"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: report, namespace: jobs, uid: u-d}}, spec: {{selector: {{matchLabels: {{app: report}}}}, template: {{metadata: {{labels: {{app: report}}}}, spec: {{nodeSelector: {{workload: batch-jobs}}, containers: [{{name: r, image: "r:1"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: report-7b6c, namespace: jobs, uid: u-rs, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: report, uid: u-d, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: report}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: report-7b6c-a, namespace: jobs, uid: u-a, creationTimestamp: "2026-03-02T08:30:00Z", labels: {{app: report}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: report-7b6c, uid: u-rs, controller: true}}]}}, spec: {{nodeSelector: {{workload: batch-jobs}}, containers: [{{name: r, image: "r:1"}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: f1, namespace: jobs}}, involvedObject: {{kind: Pod, name: report-7b6c-a, namespace: jobs, uid: u-a}}, reason: FailedScheduling, message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", type: Warning, count: 30, firstTimestamp: "2026-03-02T08:30:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
"#
        ),
    ])
}

#[test]
fn a_pending_pod_a_karpenter_pool_would_place_waits_on_karpenter() {
    let out = diagnose(&karpenter("workload: batch-jobs"));
    let d = about(&out, "PodPending", "jobs", "report-7b6c-a");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("service control policy"), "{}", d.fix);
    // No pool makes nodes with the label: the pod's selection is wrong.
    let out = diagnose(&karpenter("team: data"));
    let d = about(&out, "PodPending", "jobs", "report-7b6c-a");
    assert!(!d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("workload=batch-jobs"), "{}", d.fix);
}

/// A pod mounting a Blob CSI PV whose credentials come from `source`,
/// blobfuse refusing to start without them.
fn blob(source: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv-blob}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadWriteMany], claimRef: {{namespace: default, name: pvc-blob}}, csi: {{driver: blob.csi.azure.com, volumeHandle: testblob, {source}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: pvc-blob, namespace: default}}, spec: {{accessModes: [ReadWriteMany], volumeName: pv-blob, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: nginx-blob, namespace: default, uid: u-n}}, spec: {{nodeName: n1, containers: [{{name: nginx, image: "nginx:1.25"}}], volumes: [{{name: blob, persistentVolumeClaim: {{claimName: pvc-blob}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: nginx, image: "", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: m1, namespace: default}}, involvedObject: {{kind: Pod, name: nginx-blob, namespace: default, uid: u-n}}, reason: FailedMount, message: "MountVolume.MountDevice failed for volume \"pv-blob\" : rpc error: code = Internal desc = Mount failed with error: exit status 255, output: Unable to start blobfuse due to a lack of credentials. Please check the readme for valid auth setups.", type: Warning, count: 20, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn blobfuse_without_the_key_vault_credentials_its_volume_names() {
    let out = diagnose(&blob(
        "volumeAttributes: {storageAccountName: st01, containerName: a, keyVaultURL: \"https://kv.vault.azure.net/\", keyVaultSecretName: st01-sas}",
    ));
    let d = about(&out, "FailedMount", "default", "nginx-blob");
    assert_root(d, Loop::Storage, "PersistentVolume", "pv-blob");
    assert!(d.fix.contains("azurestorageaccountsastoken"), "{}", d.fix);
    // A volume with a Secret of its own: not the Key Vault hand-over.
    let out = diagnose(&blob(
        "volumeAttributes: {storageAccountName: st01, containerName: a}, nodeStageSecretRef: {name: blob-creds, namespace: default}",
    ));
    let d = about(&out, "FailedMount", "default", "nginx-blob");
    assert_ne!(
        d.root_cause.object.kind,
        "PersistentVolume",
        "{}",
        summary(&out)
    );
}

/// KEDA's operator bound to a ClusterRole with `rules`, and a ScaledObject
/// KEDA refuses, scaling StatefulSet `target` (`api` exists).
fn keda(rules: &str, target: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: keda-operator, namespace: keda}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: keda-operator}}, rules: [{{apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, list, watch, update, patch]}}{rules}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: keda-operator}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: keda-operator}}, subjects: [{{kind: ServiceAccount, name: keda-operator, namespace: keda}}]}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: keda-operator, namespace: keda}}, spec: {{selector: {{matchLabels: {{app: keda-operator}}}}, template: {{metadata: {{labels: {{app: keda-operator}}}}, spec: {{serviceAccountName: keda-operator, containers: [{{name: keda-operator, image: "kedacore/keda:2.1.0"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: StatefulSet, metadata: {{name: api, namespace: im}}, spec: {{serviceName: api, selector: {{matchLabels: {{app: api}}}}, template: {{metadata: {{labels: {{app: api}}}}, spec: {{containers: [{{name: api, image: "api:1"}}]}}}}}}}}
- {{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {{name: api-scaler, namespace: im}}, spec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: StatefulSet, name: {target}}}, triggers: [{{type: cpu, metadata: {{type: Utilization, value: "70"}}}}]}}, status: {{conditions: [{{type: Ready, status: "False", reason: ScaledObjectCheckFailed, message: "ScaledObject doesn't have correct scaleTargetRef specification"}}]}}}}
"#
        ),
    ])
}

#[test]
fn keda_refusing_a_scaled_object_it_may_not_check() {
    let out = diagnose(&keda("", "api"));
    let d = about(&out, "HpaLimited", "im", "api-scaler");
    assert_root(d, Loop::Identity, "ClusterRole", "keda-operator");
    assert!(d.fix.contains("statefulsets"), "{}", d.fix);
    // The role grants StatefulSets, and the target does not exist: the
    // ScaledObject's reference.
    let granted = ", {apiGroups: [apps], resources: [statefulsets, statefulsets/scale], verbs: [get, list, watch, update, patch]}";
    let out = diagnose(&keda(granted, "apiserver"));
    let d = about(&out, "HpaLimited", "im", "api-scaler");
    assert_root(d, Loop::Compute, "ScaledObject", "api-scaler");
    assert!(d.fix.contains("scaleTargetRef"), "{}", d.fix);
}
