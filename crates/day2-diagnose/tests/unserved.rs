//! Asked for and not served: an Ingress backend whose Service sends a port
//! its pods do not declare (ingress-nginx#3610), a LoadBalancer Service the
//! provider stops serving after its older siblings (kubernetes#68284), a
//! CSI node plugin Ready everywhere and registered nowhere (rook#8791), and
//! a Service whose pods the API server refuses (werf/kubedog#216), and a
//! node a CSI driver's plugin is kept off on purpose
//! (hetznercloud/csi-driver#400), and a hostPath volume made on another
//! node than its pod's (canonical/microk8s#1380), and a CSI controller on a
//! node outside the cloud (hetznercloud/csi-driver#457), and a
//! load-balancer announcer that elects a leader it cannot lock
//! (kube-vip/kube-vip#177), and an Azure blob volume whose Secret has
//! the FlexVolume driver's key names (kubernetes-sigs/blob-csi-driver#1030).

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"- {apiVersion: v1, kind: Node, metadata: {name: w1}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2026-06-20T10:00:00Z"}]}}
"#;

fn pod(name: &str, app: &str, ports: &str) -> String {
    format!(
        r#"- apiVersion: v1
  kind: Pod
  metadata: {{name: {name}, namespace: shop, labels: {{app: {app}}}}}
  spec: {{nodeName: w1, containers: [{{name: c, image: "x:1"{ports}}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: c, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
"#
    )
}

/// Service gateway (80 -> `target`) selecting `selects`, behind an Ingress.
fn ingress_cluster(target: u16, selects: &str, pods: &[String]) -> String {
    let mut s = format!("apiVersion: v1\nkind: List\nitems:\n{NODE}");
    for p in pods {
        s.push_str(p);
    }
    s.push_str(&format!(
        "- {{apiVersion: v1, kind: Service, metadata: {{name: gateway, namespace: shop}}, spec: {{selector: {{app: {selects}}}, ports: [{{port: 80, targetPort: {target}}}]}}}}\n\
         - {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: gateway, namespace: shop}}, spec: {{rules: [{{host: shop.example.com, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: gateway, port: {{number: 80}}}}}}}}]}}}}]}}}}\n"
    ));
    s
}

#[test]
fn a_service_selecting_another_apps_pods_is_fixed_at_its_selector() {
    let text = ingress_cluster(
        8888,
        "discovery",
        &[
            pod(
                "discovery-1",
                "discovery",
                ", ports: [{containerPort: 8761}]",
            ),
            pod("gateway-1", "gateway", ", ports: [{containerPort: 8888}]"),
        ],
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "IngressBackendUnavailable", "shop", "gateway");
    assert_root(d, Loop::Network, "Service", "gateway");
    assert!(d.fix.contains("selector: {app: gateway}"), "{}", d.fix);
}

#[test]
fn a_target_port_no_pod_declares_is_fixed_at_the_target_port() {
    let text = ingress_cluster(
        9090,
        "gateway",
        &[pod(
            "gateway-1",
            "gateway",
            ", ports: [{containerPort: 8080}]",
        )],
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "IngressBackendUnavailable", "shop", "gateway");
    assert_root(d, Loop::Network, "Service", "gateway");
    assert!(
        d.fix.contains("targetPort") && d.fix.contains("8080"),
        "{}",
        d.fix
    );
}

#[test]
fn pods_that_declare_no_port_or_the_target_are_served() {
    for ports in [
        "",
        ", ports: [{containerPort: 8080}, {containerPort: 9090}]",
    ] {
        let text = ingress_cluster(9090, "gateway", &[pod("gateway-1", "gateway", ports)]);
        let out = diagnose(&load(&text));
        assert!(out.diagnoses.is_empty(), "{ports}: {}", summary(&out));
    }
}

fn lb(name: &str, created: &str, ip: Option<&str>) -> String {
    let status = ip
        .map(|ip| format!("{{loadBalancer: {{ingress: [{{ip: \"{ip}\"}}]}}}}"))
        .unwrap_or_else(|| "{loadBalancer: {}}".to_owned());
    format!(
        "- {{apiVersion: v1, kind: Service, metadata: {{name: {name}, namespace: shop, creationTimestamp: \"{created}\"}}, spec: {{type: LoadBalancer, ports: [{{port: 80}}]}}, status: {status}}}\n"
    )
}

#[test]
fn a_load_balancer_refused_in_silence_after_its_siblings_is_the_providers_limit() {
    let nsx_node = r#"- {apiVersion: v1, kind: Node, metadata: {name: w1, labels: {bosh.id: 3178b719}}, status: {conditions: [{type: Ready, status: "True"}]}}
"#;
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{nsx_node}{}{}{}",
        lb("web01", "2026-06-20T08:00:00Z", Some("10.40.14.41")),
        lb("web02", "2026-06-20T08:00:00Z", Some("10.40.14.42")),
        lb("web03", "2026-06-20T08:26:00Z", None)
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "shop", "web03");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.root_cause.summary.contains("web01"),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.fix.contains("NSX-T") && d.fix.contains("virtual servers"),
        "{}",
        d.fix
    );

    // Served only after it asked, or not at all: no limit to speak of.
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{nsx_node}{}{}",
        lb("web01", "2026-06-20T09:00:00Z", Some("10.40.14.41")),
        lb("web03", "2026-06-20T08:26:00Z", None)
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "shop", "web03");
    assert!(!d.fix.contains("virtual servers"), "{}", d.fix);
}

/// A CSI node plugin on `nodes` nodes, all Ready, none registered, and a
/// consumer whose mount fails on w1.
fn csi_cluster(nodes: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: List\nitems:\n");
    s.push_str("- {apiVersion: v1, kind: ConfigMap, metadata: {name: operator-config, namespace: storage}, data: {CSI_KUBELET_DIR_PATH: /var/lib/kubelet}}\n");
    s.push_str("- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: csi-node, namespace: storage, uid: ds1}, spec: {selector: {matchLabels: {app: csi-node}}, template: {metadata: {labels: {app: csi-node}}, spec: {containers: [{name: registrar, image: \"registrar:1\", args: [\"--kubelet-registration-path=/var/lib/kubelet/plugins/blk.example.com/csi.sock\"]}], volumes: [{name: reg, hostPath: {path: /var/lib/kubelet/plugins_registry/}}]}}}}\n");
    for i in 1..=nodes {
        s.push_str(&format!("- {{apiVersion: v1, kind: Node, metadata: {{name: w{i}}}, status: {{conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"));
        s.push_str(&format!("- {{apiVersion: storage.k8s.io/v1, kind: CSINode, metadata: {{name: w{i}}}, spec: {{drivers: []}}}}\n"));
        s.push_str(&format!("- {{apiVersion: v1, kind: Pod, metadata: {{name: csi-node-{i}, namespace: storage, labels: {{app: csi-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: csi-node, uid: ds1, controller: true}}]}}, spec: {{nodeName: w{i}, containers: [{{name: registrar, image: \"registrar:1\"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: \"True\"}}], containerStatuses: [{{name: registrar, ready: true, restartCount: 0, image: \"\", imageID: \"\", state: {{running: {{startedAt: \"2026-06-20T08:00:00Z\"}}}}}}]}}}}\n"));
    }
    s.push_str("- {apiVersion: v1, kind: Pod, metadata: {name: db-0, namespace: shop}, spec: {nodeName: w1, containers: [{name: db, image: \"db:1\"}], volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]}, status: {phase: Pending, containerStatuses: [{name: db, ready: false, restartCount: 0, image: \"\", imageID: \"\", state: {waiting: {reason: ContainerCreating}}}]}}\n");
    s.push_str("- {apiVersion: v1, kind: Event, metadata: {name: db-0.1, namespace: shop}, involvedObject: {kind: Pod, name: db-0, namespace: shop}, reason: FailedMount, type: Warning, count: 9, firstTimestamp: \"2026-06-20T09:00:00Z\", lastTimestamp: \"2026-06-20T09:30:00Z\", source: {component: kubelet, host: w1}, message: \"MountVolume.MountDevice failed for volume \\\"pvc-1\\\" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name blk.example.com not found in the list of registered CSI drivers\"}\n");
    s
}

#[test]
fn a_plugin_ready_everywhere_and_registered_nowhere_is_its_kubelet_directory() {
    let out = diagnose(&load(&csi_cluster(3)));
    let d = about(&out, "FailedMount", "shop", "db-0");
    assert_root(d, Loop::Storage, "DaemonSet", "csi-node");
    assert!(
        d.fix
            .contains("CSI_KUBELET_DIR_PATH in ConfigMap storage/operator-config"),
        "{}",
        d.fix
    );
    // On one node only, the pod on that node is what to look at...
    let out = diagnose(&load(&csi_cluster(1)));
    let d = about(&out, "FailedMount", "shop", "db-0");
    assert_root(d, Loop::Storage, "Pod", "csi-node-1");
    // ...unless the node runs a distribution with another kubelet root
    // (democratic-csi/charts#15, MicroK8s).
    let microk8s = csi_cluster(1).replace(
        "metadata: {name: w1}",
        "metadata: {name: w1, labels: {microk8s.io/cluster: \"true\"}}",
    );
    let out = diagnose(&load(&microk8s));
    let d = about(&out, "FailedMount", "shop", "db-0");
    assert_root(d, Loop::Storage, "DaemonSet", "csi-node");
    assert!(
        d.fix.contains("/var/snap/microk8s/common/var/lib/kubelet"),
        "{}",
        d.fix
    );
}

#[test]
fn a_service_whose_pods_are_refused_joins_the_refusal() {
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{NODE}{}{}",
        pod("web-1", "web", ""),
        r#"- {apiVersion: v1, kind: LimitRange, metadata: {name: ratio, namespace: shop}, spec: {limits: [{type: Container, maxLimitRequestRatio: {cpu: "5"}}]}}
- {apiVersion: apps/v1, kind: Deployment, metadata: {name: app, namespace: shop, uid: d1}, spec: {replicas: 1, selector: {matchLabels: {app: app}}, template: {metadata: {labels: {app: app}}, spec: {containers: [{name: app, image: "app:1", resources: {limits: {cpu: 500m}}}]}}}}
- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: app-5b4c, namespace: shop, uid: r1, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: app, uid: d1, controller: true}]}, spec: {replicas: 1, selector: {matchLabels: {app: app}}, template: {metadata: {labels: {app: app}}, spec: {containers: [{name: app, image: "app:1", resources: {limits: {cpu: 500m}}}]}}}, status: {replicas: 0}}
- {apiVersion: v1, kind: Service, metadata: {name: app, namespace: shop}, spec: {selector: {app: app}, ports: [{port: 80}]}}
- {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: app-x1, namespace: shop, labels: {kubernetes.io/service-name: app}}, addressType: IPv4, endpoints: []}
- {apiVersion: v1, kind: Event, metadata: {name: app-5b4c.1, namespace: shop}, involvedObject: {kind: ReplicaSet, name: app-5b4c, namespace: shop}, reason: FailedCreate, type: Warning, count: 16, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:10:00Z", source: {component: replicaset-controller}, message: "Error creating: pods \"app-5b4c-8gsvl\" is forbidden: [cpu max limit to request ratio per Container is 5, but no request is specified or request is 0]"}
"#
    );
    let out = diagnose(&load(&text));
    // The Service's missing endpoints and the ReplicaSet's refusals: one
    // root, so one incident.
    let kinds: Vec<&str> = out
        .diagnoses
        .iter()
        .map(|d| d.symptom.kind.as_str())
        .collect();
    assert_eq!(kinds.len(), 2, "{}", summary(&out));
    for d in &out.diagnoses {
        assert_root(d, Loop::Compute, "LimitRange", "ratio");
        assert!(d.fix.contains("non-zero cpu request"), "{}", d.fix);
    }
    let d = about(&out, "ServiceWithoutReadyEndpoints", "shop", "app");
    assert!(
        d.chain.iter().any(|l| l.object.name == "app-5b4c"),
        "{:#?}",
        d.chain
    );
}

#[test]
fn a_target_port_name_no_pod_declares_is_fixed_at_the_service() {
    // clickvisual-io/clickvisual#414: targetPort `http`, the pod's port is `server`.
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{NODE}{}\
         - {{apiVersion: v1, kind: Service, metadata: {{name: gateway, namespace: shop}}, spec: {{selector: {{app: gateway}}, ports: [{{name: http, port: 19001, targetPort: http}}, {{name: admin, port: 19011, targetPort: admin}}]}}}}\n\
         - {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: gateway, namespace: shop}}, spec: {{rules: [{{host: shop.example.com, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: gateway, port: {{number: 19001}}}}}}}}]}}}}]}}}}\n",
        pod(
            "gateway-1",
            "gateway",
            ", ports: [{name: server, containerPort: 19001}, {name: admin, containerPort: 19011}]"
        )
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "IngressBackendUnavailable", "shop", "gateway");
    assert_root(d, Loop::Network, "Service", "gateway");
    assert!(d.fix.contains("targetPort: server"), "{}", d.fix);
}

#[test]
fn a_load_balancer_on_a_cluster_without_one_is_the_services_ask() {
    // jenkins-x/jx#8367: kubeadm on premises, nothing hands out addresses.
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{NODE}{}",
        lb("ingress", "2026-06-20T08:00:00Z", None)
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "shop", "ingress");
    assert_root(d, Loop::Network, "Service", "ingress");
    assert!(
        d.fix.contains("MetalLB") && d.fix.contains("NodePort"),
        "{}",
        d.fix
    );
    // On a cloud's nodes the cloud controller is expected: not this.
    let cloud = NODE.replace(
        "metadata: {name: w1}",
        "metadata: {name: w1}, spec: {providerID: \"aws:///us-east-1a/i-0abc\"}",
    );
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{cloud}{}",
        lb("ingress", "2026-06-20T08:00:00Z", None)
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "shop", "ingress");
    assert!(!d.fix.contains("MetalLB with"), "{}", d.fix);
}

/// hetznercloud/csi-driver#400: the scheduler picked a dedicated root
/// server for a WaitForFirstConsumer claim, and the driver's node plugin
/// is kept off such servers on purpose, so its CSINode has no topology key.
fn root_server(affinity: &str, taint: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: hw, labels: {{instance.hetzner.cloud/is-root-server: "true"}}}}, spec: {{taints: [{taint}]}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: hcloud-volumes}}, provisioner: csi.hetzner.cloud, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: hcloud-csi-node, namespace: kube-system}}, spec: {{selector: {{matchLabels: {{app: hcloud-csi}}}}, template: {{metadata: {{labels: {{app: hcloud-csi}}}}, spec: {{{affinity}containers: [{{name: csi-node-driver-registrar, image: "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.7.0", args: ["--kubelet-registration-path=/var/lib/kubelet/plugins/csi.hetzner.cloud/socket"]}}, {{name: hcloud-csi-driver, image: "hetznercloud/hcloud-csi-driver:v2.3.2"}}]}}}}}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: csi-pvc, namespace: default, uid: pvc1, annotations: {{volume.kubernetes.io/selected-node: hw, volume.kubernetes.io/storage-provisioner: csi.hetzner.cloud}}}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: hcloud-volumes, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: PersistentVolumeClaim, namespace: default, name: csi-pvc, uid: pvc1}}, reason: ProvisioningFailed, type: Warning, count: 9, firstTimestamp: "2023-03-20T10:05:00Z", lastTimestamp: "2023-03-20T10:30:00Z", source: {{component: csi.hetzner.cloud}}, message: 'failed to provision volume with StorageClass "hcloud-volumes": error generating accessibility requirements: no topology key found on CSINode hw'}}
"#
    )
}

#[test]
fn a_node_the_csi_plugin_is_kept_off_on_purpose_must_not_get_its_volumes() {
    let away = "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: instance.hetzner.cloud/is-root-server, operator: NotIn, values: [\"true\"]}]}]}}}, ";
    let out = diagnose(&load(&root_server(away, "")));
    let d = about(&out, "PvcPending", "default", "csi-pvc");
    assert_root(d, Loop::Storage, "DaemonSet", "hcloud-csi-node");
    assert!(
        d.fix.contains("nodeAffinity") && d.fix.contains("allowedTopologies"),
        "{}",
        d.fix
    );
    // Kept off by a taint it does not tolerate: the tolerations are the fix.
    let out = diagnose(&load(&root_server(
        "",
        "{key: dedicated, value: db, effect: NoSchedule}",
    )));
    let d = about(&out, "PvcPending", "default", "csi-pvc");
    assert!(d.fix.contains("tolerations"), "{}", d.fix);
}

/// canonical/microk8s#1380: MicroK8s' hostpath provisioner made the claim's
/// directory on mk-1; the pod, moved to mk-2, cannot be created there.
fn hostpath_elsewhere(affinity: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: mk-1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: mk-2}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: microk8s-hostpath}}, provisioner: microk8s.io/hostpath}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-43ea, annotations: {{hostPathProvisionerIdentity: mk-1, pv.kubernetes.io/provisioned-by: microk8s.io/hostpath}}}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadWriteOnce], storageClassName: microk8s-hostpath, hostPath: {{path: /var/snap/microk8s/common/default-storage/blog-content-pvc-43ea}}, claimRef: {{namespace: blog, name: content}}{affinity}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: content, namespace: blog}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: microk8s-hostpath, volumeName: pvc-43ea, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: ghost-1, namespace: blog}}, spec: {{nodeName: mk-2, volumes: [{{name: content, persistentVolumeClaim: {{claimName: content}}}}], containers: [{{name: ghost, image: "ghost:3.22.1", volumeMounts: [{{name: content, mountPath: /var/lib/ghost/content}}]}}]}}, status: {{phase: Pending, containerStatuses: [{{name: ghost, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: CreateContainerError, message: "stat /var/snap/microk8s/common/default-storage/blog-content-pvc-43ea: no such file or directory"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_hostpath_volume_made_on_another_node_is_the_node_local_class() {
    let out = diagnose(&load(&hostpath_elsewhere("")));
    let d = about(&out, "CreateContainerConfigError", "blog", "ghost-1");
    assert_root(d, Loop::Storage, "StorageClass", "microk8s-hostpath");
    assert!(d.fix.contains("mk-1") && d.fix.contains("NFS"), "{}", d.fix);
    // A volume pinned to its node keeps its pod there: not this cause.
    let pinned = ", nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [mk-1]}]}]}}";
    let out = diagnose(&load(&hostpath_elsewhere(pinned)));
    let d = about(&out, "CreateContainerConfigError", "blog", "ghost-1");
    assert_ne!(
        d.root_cause.object.kind,
        "StorageClass",
        "{}",
        summary(&out)
    );
}

/// hetznercloud/csi-driver#457: the CSI controller landed on a Robot server
/// (no providerID), where the cloud's metadata service is not; its driver
/// container crash-loops, and no volume attaches.
fn controller_on(node: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: cp-1, labels: {{csi.hetzner.cloud/location: fsn1}}}}, spec: {{providerID: "hcloud://33120071"}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: metal-1, labels: {{instance.hetzner.cloud/is-root-server: "true"}}}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: hcloud-csi-controller, namespace: kube-system, uid: d1}}, spec: {{selector: {{matchLabels: {{app: hcloud-csi-controller}}}}, template: {{metadata: {{labels: {{app: hcloud-csi-controller}}}}, spec: {{containers: [{{name: csi-attacher, image: "registry.k8s.io/sig-storage/csi-attacher:v4.1.0"}}, {{name: csi-provisioner, image: "registry.k8s.io/sig-storage/csi-provisioner:v3.4.0"}}, {{name: hcloud-csi-driver, image: "hetznercloud/hcloud-csi-driver:v2.3.2"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: hcloud-csi-controller-5b6d, namespace: kube-system, uid: r1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: hcloud-csi-controller, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: hcloud-csi-controller}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: hcloud-csi-controller-5b6d-x4k7p, namespace: kube-system, labels: {{app: hcloud-csi-controller}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: hcloud-csi-controller-5b6d, uid: r1, controller: true}}]}}, spec: {{nodeName: {node}, containers: [{{name: csi-attacher, image: "registry.k8s.io/sig-storage/csi-attacher:v4.1.0"}}, {{name: csi-provisioner, image: "registry.k8s.io/sig-storage/csi-provisioner:v3.4.0"}}, {{name: hcloud-csi-driver, image: "hetznercloud/hcloud-csi-driver:v2.3.2"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: csi-attacher, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2023-07-09T09:13:00Z"}}}}}}, {{name: hcloud-csi-driver, ready: false, restartCount: 40, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: 'level=error msg="failed to fetch server ID from metadata service" err="Get \"http://169.254.169.254/hetzner/v1/metadata/instance-id\": dial tcp 169.254.169.254:80: connect: connection refused"'}}}}}}]}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-0c4e}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadWriteOnce], claimRef: {{namespace: gitea, name: data-gitea-0}}, csi: {{driver: csi.hetzner.cloud, volumeHandle: "1234"}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-gitea-0, namespace: gitea}}, spec: {{accessModes: [ReadWriteOnce], volumeName: pvc-0c4e, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: gitea-0, namespace: gitea, uid: g1}}, spec: {{nodeName: cp-1, volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-gitea-0}}}}], containers: [{{name: gitea, image: "gitea/gitea:1.19"}}]}}, status: {{phase: Pending, containerStatuses: [{{name: gitea, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: gitea}}, involvedObject: {{kind: Pod, namespace: gitea, name: gitea-0, uid: g1}}, reason: FailedAttachVolume, type: Warning, count: 20, firstTimestamp: "2023-07-09T14:00:00Z", lastTimestamp: "2023-07-09T14:30:00Z", source: {{component: attachdetach-controller}}, message: 'AttachVolume.Attach failed for volume "pvc-0c4e" : rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/csi/socket: connect: no such file or directory"'}}
"#
    )
}

#[test]
fn a_csi_controller_off_the_cloud_leaves_every_attach_without_a_driver() {
    let out = diagnose(&load(&controller_on("metal-1")));
    let d = about(&out, "FailedAttachVolume", "gitea", "gitea-0");
    assert_root(d, Loop::Storage, "Deployment", "hcloud-csi-controller");
    assert!(
        d.fix.contains("is-root-server") && d.fix.contains("HCLOUD_VOLUME_DEFAULT_LOCATION"),
        "{}",
        d.fix
    );
    // On a cloud server the metadata service is there: not this cause.
    let out = diagnose(&load(&controller_on("cp-1")));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| !d.fix.contains("is-root-server")),
        "{}",
        summary(&out)
    );
}

/// kube-vip/kube-vip#177: kube-vip's DaemonSet writes Services' addresses
/// (`services/status`) and runs with `vip_leaderelection`, and its
/// ClusterRole has no `leases`: no replica leads, no address is announced.
/// With `leases` granted, the same silence is not put on the role.
#[test]
fn a_load_balancer_announcer_that_cannot_take_its_lease() {
    let cluster = |extra_rule: &str| {
        format!(
            r#"apiVersion: v1
kind: List
items:
{NODE}- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: kube-vip, namespace: kube-system, uid: sa1}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: "system:kube-vip-role", uid: cr1}}, rules: [{{apiGroups: [""], resources: [services, services/status, nodes], verbs: [list, get, watch, update]}}{extra_rule}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: "system:kube-vip-binding", uid: crb1}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:kube-vip-role"}}, subjects: [{{kind: ServiceAccount, name: kube-vip, namespace: kube-system}}]}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: kube-vip-ds, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{name: kube-vip-ds}}}}, template: {{metadata: {{labels: {{name: kube-vip-ds}}}}, spec: {{serviceAccountName: kube-vip, hostNetwork: true, containers: [{{name: kube-vip, image: "plndr/kube-vip:0.3.2", args: [manager], env: [{{name: svc_enable, value: "true"}}, {{name: vip_leaderelection, value: "true"}}]}}]}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: kube-vip-ds-a1, namespace: kube-system, uid: p1, labels: {{name: kube-vip-ds}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: kube-vip-ds, uid: ds1, controller: true}}]}}
  spec: {{nodeName: w1, serviceAccountName: kube-vip, hostNetwork: true, containers: [{{name: kube-vip, image: "plndr/kube-vip:0.3.2", args: [manager], env: [{{name: svc_enable, value: "true"}}, {{name: vip_leaderelection, value: "true"}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: kube-vip, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2021-03-06T09:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: nginx, namespace: default, uid: s1, creationTimestamp: "2021-03-06T09:45:00Z"}}, spec: {{type: LoadBalancer, selector: {{app: nginx}}, ports: [{{port: 80, targetPort: 80, nodePort: 31878}}], clusterIP: 10.43.9.9}}, status: {{loadBalancer: {{}}}}}}
"#
        )
    };
    let out = diagnose(&load(&cluster("")));
    let d = about(&out, "LoadBalancerPending", "default", "nginx");
    assert_root(d, Loop::Identity, "ClusterRole", "system:kube-vip-role");
    assert!(d.fix.contains("leases"), "{}", d.fix);
    let out = diagnose(&load(&cluster(
        r#", {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}"#,
    )));
    let d = about(&out, "LoadBalancerPending", "default", "nginx");
    assert_ne!(d.root_cause.object.kind, "ClusterRole", "{}", summary(&out));
}

/// kubernetes-sigs/blob-csi-driver#1030: an inline blob volume names
/// Secret `storage-secret`, written for the FlexVolume driver (`accountname`,
/// `accountkey`); blobfuse gets no account. With the CSI driver's keys, the
/// same words are not put on the Secret.
#[test]
fn a_blob_volume_whose_secret_has_the_flexvolume_key_names() {
    let cluster = |keys: &str| {
        format!(
            r#"apiVersion: v1
kind: List
items:
{NODE}- {{apiVersion: v1, kind: Secret, metadata: {{name: storage-secret, namespace: centrald, uid: s1}}, type: Opaque, data: {{{keys}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: centrald1-0, namespace: centrald, uid: p1}}
  spec: {{nodeName: w1, containers: [{{name: app, image: "busybox:1.36", volumeMounts: [{{name: sftp, mountPath: /data}}]}}], volumes: [{{name: sftp, csi: {{driver: blob.csi.azure.com, volumeAttributes: {{containerName: agent-shared, secretName: storage-secret}}}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "True"}}], containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: centrald}}, involvedObject: {{kind: Pod, namespace: centrald, name: centrald1-0, uid: p1}}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: "2023-10-09T10:00:00Z", lastTimestamp: "2023-10-09T10:30:00Z", source: {{component: kubelet, host: w1}}, message: "MountVolume.SetUp failed for volume \"sftp\" : rpc error: code = Unknown desc = exit status 1 Error: failed to initialize new pipeline [config error in azstorage [account name not provided]]"}}
"#
        )
    };
    let out = diagnose(&load(&cluster(
        "accountname: cGxhY2Vob2xkZXI=, accountkey: cGxhY2Vob2xkZXI=",
    )));
    let d = about(&out, "FailedMount", "centrald", "centrald1-0");
    assert_root(d, Loop::Storage, "Secret", "storage-secret");
    assert!(d.fix.contains("azurestorageaccountname"), "{}", d.fix);
    let out = diagnose(&load(&cluster(
        "azurestorageaccountname: cGxhY2Vob2xkZXI=, azurestorageaccountkey: cGxhY2Vob2xkZXI=",
    )));
    let d = about(&out, "FailedMount", "centrald", "centrald1-0");
    assert_ne!(d.root_cause.object.kind, "Secret", "{}", summary(&out));
}
