//! Node agents whose own set-up is the cause: a CNI binary installed where
//! the runtime does not look (GKE's `/home/kubernetes/bin`,
//! k8snetworkplumbingwg/multus-cni#621), an installer refused by SELinux
//! on a Red Hat family node (antrea-io/antrea#4604), a CNI plugin whose
//! ServiceAccount a binding of another namespace names
//! (k8snetworkplumbingwg/multus-cni#667), kube-vip pinned away from a Local
//! Service's endpoints (kube-vip/kube-vip#980), and a static pod refused as
//! kubeadm 1.29's `kubernetes-admin` (kube-vip/kube-vip#684), and a pod
//! network over a route the node has (weaveworks/weave#3211), and a
//! runtime set for systemd cgroups under a cgroupfs kubelet
//! (cri-o/cri-o#896), a conflist without `cniVersion` under kubelets that
//! refuse it (flannel-io/flannel#1178), and a node that cannot pull the
//! pause image (kubernetes/kubeadm#1201), and Calico left without an IP
//! pool by the failed Job that creates it, as a 1.6 kubelet reports it
//! (kubernetes/kops#2529), and a host-network agent timing out on the
//! `kubernetes` Service's ClusterIP before the node has its rules
//! (cilium/cilium#28823), and a pod-network pod timing out on it, the path
//! to the control plane (metallb/metallb#888), and a kernel that refuses
//! the mount of the image layers (containerd/containerd#6449). Each with
//! the sibling that must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

/// One node with `os` and kubelet `kubelet`.
fn node(name: &str, os: &str, kubelet: &str, ready: &str, labels: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, uid: n-{name}, labels: {{kubernetes.io/hostname: {name}{labels}}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "{ready}", reason: KubeletNotReady, message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"}}], nodeInfo: {{kubeletVersion: {kubelet}, osImage: "{os}", kernelVersion: 5.15.0, containerRuntimeVersion: "containerd://1.7.2", kubeProxyVersion: {kubelet}, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}}}}"#
    )
}

/// A DaemonSet `name` in kube-system with one pod on `on`, its template
/// `spec` (flow YAML), and the pod's `status`.
fn daemon(name: &str, on: &str, spec: &str, status: &str) -> String {
    format!(
        r#"
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: {name}, namespace: kube-system, uid: ds-{name}}}, spec: {{selector: {{matchLabels: {{app: {name}}}}}, template: {{metadata: {{labels: {{app: {name}}}}}, spec: {spec}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}-x1, namespace: kube-system, uid: p-{name}, labels: {{app: {name}}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: {name}, uid: ds-{name}, controller: true}}]}}, spec: {spec_on}, status: {status}}}"#,
        spec_on = spec.replacen('{', &format!("{{nodeName: {on}, "), 1)
    )
}

fn list(items: &[String]) -> String {
    format!("apiVersion: v1\nkind: List\nitems:{}\n", items.concat())
}

/// A pod on `w1` whose sandbox fails with `message`.
fn sandbox_pod(message: &str) -> String {
    let message = message.replace('\'', "''");
    format!(
        r#"
- {{apiVersion: v1, kind: Pod, metadata: {{name: samplepod, namespace: default, uid: p-s}}, spec: {{nodeName: w1, containers: [{{name: app, image: "alpine:3"}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "True"}}], containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-s, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: samplepod, uid: p-s}}, reason: FailedCreatePodSandBox, type: Warning, count: 30, firstTimestamp: "2021-01-10T10:00:00Z", lastTimestamp: "2021-01-10T10:30:00Z", source: {{component: kubelet, host: w1}}, message: '{message}'}}"#
    )
}

const RUNNING: &str = r#"{phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: agent, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2021-01-10T09:00:00Z"}}}]}"#;

#[test]
fn a_cni_binary_installed_where_the_runtime_does_not_look() {
    let multus = |dir: &str| {
        daemon(
            "kube-multus-ds",
            "w1",
            &format!(
                r#"{{hostNetwork: true, containers: [{{name: agent, image: "ghcr.io/k8snetworkplumbingwg/multus-cni:stable", volumeMounts: [{{name: cnibin, mountPath: /host/opt/cni/bin}}]}}], volumes: [{{name: cnibin, hostPath: {{path: {dir}}}}}]}}"#
            ),
            RUNNING,
        )
    };
    let missing = r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "bc0f": failed to find plugin "multus" in path [/home/kubernetes/bin]"#;
    let out = diagnose(&load(&list(&[
        node(
            "w1",
            "Container-Optimized OS from Google",
            "v1.18.12-gke.1210",
            "True",
            "",
        ),
        multus("/opt/cni/bin"),
        sandbox_pod(missing),
    ])));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert_root(d, Loop::Network, "DaemonSet", "kube-multus-ds");
    assert!(d.fix.contains("/home/kubernetes/bin"), "{}", d.fix);
    // The DaemonSet installs where the runtime looks: not this cause.
    let out = diagnose(&load(&list(&[
        node(
            "w1",
            "Container-Optimized OS from Google",
            "v1.18.12-gke.1210",
            "True",
            "",
        ),
        multus("/home/kubernetes/bin"),
        sandbox_pod(missing),
    ])));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert!(
        !d.root_cause
            .summary
            .contains("never where the runtime looks"),
        "{}",
        summary(&out)
    );
}

/// Antrea's agent whose `install-cni` init container (security context
/// `sc`) cannot write the node's CNI configuration directory, on `os`.
fn antrea(os: &str, sc: &str) -> String {
    let status = r#"{phase: Pending, conditions: [{type: Initialized, status: "False"}], initContainerStatuses: [{name: install-cni, ready: false, restartCount: 12, image: "", imageID: "", state: {waiting: {reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container=install-cni"}}, lastState: {terminated: {exitCode: 1, reason: Error, message: "install: cannot create regular file '/host/etc/cni/net.d/10-antrea.conflist': Permission denied\n", startedAt: "2023-02-06T17:24:41Z", finishedAt: "2023-02-06T17:24:41Z"}}}], containerStatuses: [{name: antrea-agent, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: PodInitializing}}}]}"#;
    list(&[
        node("w1", os, "v1.25.6+rke2r1", "False", ""),
        daemon(
            "antrea-agent",
            "w1",
            &format!(r#"{{hostNetwork: true, initContainers: [{{name: install-cni, image: "antrea/antrea-ubuntu:v1.10.0", command: [install_cni], securityContext: {sc}, volumeMounts: [{{name: host-cni-conf, mountPath: /host/etc/cni/net.d}}]}}], containers: [{{name: antrea-agent, image: "antrea/antrea-ubuntu:v1.10.0"}}], volumes: [{{name: host-cni-conf, hostPath: {{path: /etc/cni/net.d}}}}]}}"#),
            status,
        ),
        r#"
- {apiVersion: v1, kind: Event, metadata: {name: e-b, namespace: kube-system}, involvedObject: {kind: Pod, namespace: kube-system, name: antrea-agent-x1, uid: p-antrea-agent, fieldPath: "spec.initContainers{install-cni}"}, reason: BackOff, type: Warning, count: 40, firstTimestamp: "2023-02-06T17:00:00Z", lastTimestamp: "2023-02-06T17:30:00Z", source: {component: kubelet, host: w1}, message: "Back-off restarting failed container"}"#
            .to_owned(),
    ])
}

#[test]
fn selinux_keeps_an_unprivileged_cni_installer_out_of_the_nodes_directories() {
    let out = diagnose(&load(&antrea(
        "AlmaLinux 8.7 (Stone Smilodon)",
        "{capabilities: {add: [SYS_MODULE]}}",
    )));
    // The node's NotReady is the installer's failure, and that is SELinux.
    let d = about(&out, "NodeNotReady", "", "w1");
    assert_root(d, Loop::Network, "DaemonSet", "antrea-agent");
    assert!(d.fix.contains("spc_t"), "{}", d.fix);
    // Privileged, it may write there: whatever refuses it, not SELinux.
    let out = diagnose(&load(&antrea(
        "AlmaLinux 8.7 (Stone Smilodon)",
        "{privileged: true}",
    )));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert!(!d.fix.contains("spc_t"), "{}", d.fix);
    // No user in the spec on a node without SELinux: the image's user may
    // be anyone's, so not SELinux either.
    // Amazon Linux 2023 ships SELinux permissive.
    for os in ["Ubuntu 22.04.4 LTS", "Amazon Linux 2023.5.20240805"] {
        let out = diagnose(&load(&antrea(os, "{capabilities: {add: [SYS_MODULE]}}")));
        let d = about(&out, "NodeNotReady", "", "w1");
        assert!(!d.fix.contains("spc_t"), "{os}: {}", d.fix);
    }
}

#[test]
fn a_cni_plugin_refused_by_the_api_server_is_traced_to_its_binding() {
    let text = |subject_ns: &str| {
        list(&[
            node("w1", "Ubuntu 22.04.4 LTS", "v1.20.5", "True", ""),
            r#"
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: multus, namespace: kube-system, uid: sa1}}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: multus}, rules: [{apiGroups: [""], resources: [pods, pods/status], verbs: [get, update]}]}"#
                .to_owned(),
            format!(
                r#"
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: multus}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: multus}}, subjects: [{{kind: ServiceAccount, name: multus, namespace: {subject_ns}}}]}}"#
            ),
            sandbox_pod(
                r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create pod network sandbox k8s_samplepod_default(9f4e): Multus: [default/samplepod]: error getting pod: pods "samplepod" is forbidden: User "system:serviceaccount:kube-system:multus" cannot get resource "pods" in API group "" in the namespace "default""#,
            ),
        ])
    };
    let out = diagnose(&load(&text("cluster-network-addons")));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert_root(d, Loop::Identity, "ClusterRoleBinding", "multus");
    assert!(d.fix.contains("namespace to kube-system"), "{}", d.fix);
    // Bound in its own namespace: no wrong subject to point at.
    let out = diagnose(&load(&text("kube-system")));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert!(!d.fix.contains("namespace to kube-system"), "{}", d.fix);
}

/// kube-vip (services on) pinned to `kube_vip_on`, and a LoadBalancer
/// Service of policy `policy` whose pod runs on w2, with no address.
fn kube_vip(kube_vip_on: &str, policy: &str) -> String {
    list(&[
        node(
            "cp1",
            "Ubuntu 22.04.4 LTS",
            "v1.30.4+rke2r1",
            "True",
            ", node-role.kubernetes.io/control-plane: \"true\"",
        ),
        node("w2", "Ubuntu 22.04.4 LTS", "v1.30.4+rke2r1", "True", ""),
        daemon(
            "kube-vip-ds",
            kube_vip_on,
            r#"{hostNetwork: true, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: Exists}]}]}}}, containers: [{name: agent, image: "ghcr.io/kube-vip/kube-vip:v0.8.4", args: [manager], env: [{name: vip_arp, value: "true"}, {name: svc_enable, value: "true"}]}]}"#,
            RUNNING,
        ),
        format!(
            r#"
- {{apiVersion: v1, kind: Pod, metadata: {{name: web-5f7b8-k2jzq, namespace: web, uid: p-w, labels: {{app: web}}}}, spec: {{nodeName: w2, containers: [{{name: web, image: "wordpress:6", ports: [{{containerPort: 8080}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: web, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2024-11-06T14:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: web, namespace: web, uid: svc1, creationTimestamp: "2024-11-06T14:00:00Z"}}, spec: {{type: LoadBalancer, externalTrafficPolicy: {policy}, selector: {{app: web}}, ports: [{{port: 80, targetPort: 8080, nodePort: 31798}}], clusterIP: 10.43.5.251}}, status: {{loadBalancer: {{}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-lb, namespace: web}}, involvedObject: {{kind: Service, namespace: web, name: web, uid: svc1}}, reason: EnsuringLoadBalancer, type: Normal, count: 1, firstTimestamp: "2024-11-06T14:00:01Z", lastTimestamp: "2024-11-06T14:00:01Z", source: {{component: service-controller}}, message: "Ensuring load balancer"}}"#
        ),
    ])
}

#[test]
fn kube_vip_pinned_away_from_a_local_services_endpoints_never_announces_it() {
    let out = diagnose(&load(&kube_vip("cp1", "Local")));
    let d = about(&out, "LoadBalancerPending", "web", "web");
    assert_root(d, Loop::Network, "DaemonSet", "kube-vip-ds");
    assert!(
        d.fix.contains("externalTrafficPolicy: Cluster"),
        "{}",
        d.fix
    );
    // kube-vip beside the endpoint, or a Cluster policy: not this cause
    // (kube-vip stays what to read, as the implementation that wrote nothing).
    for (on, policy) in [("w2", "Local"), ("cp1", "Cluster")] {
        let out = diagnose(&load(&kube_vip(on, policy)));
        let d = about(&out, "LoadBalancerPending", "web", "web");
        assert!(
            !d.fix.contains("externalTrafficPolicy: Cluster"),
            "{on} {policy}: {}",
            summary(&out)
        );
    }
}

/// A kube-vip static pod on a kubeadm control plane of kubelet `kubelet`,
/// mounting admin.conf, refused its leader Lease.
fn static_kube_vip(kubelet: &str) -> String {
    let refusal = r#"E1214 09:40:40.512634       1 leaderelection.go:332] error retrieving resource lock kube-system/plndr-cp-lock: leases.coordination.k8s.io \"plndr-cp-lock\" is forbidden: User \"kubernetes-admin\" cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"kube-system\"\n"#;
    list(&[
        node("cp1", "Ubuntu 22.04.4 LTS", kubelet, "True", ""),
        format!(
            r#"
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-vip-cp1, namespace: kube-system, uid: p-kv, ownerReferences: [{{apiVersion: v1, kind: Node, name: cp1, uid: n-cp1, controller: true}}]}}, spec: {{nodeName: cp1, hostNetwork: true, containers: [{{name: kube-vip, image: "ghcr.io/kube-vip/kube-vip:v0.6.4", args: [manager], volumeMounts: [{{name: kubeconfig, mountPath: /etc/kubernetes/admin.conf}}]}}], volumes: [{{name: kubeconfig, hostPath: {{path: /etc/kubernetes/admin.conf}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: kube-vip, ready: false, restartCount: 7, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{refusal}", startedAt: "2023-12-14T09:40:38Z", finishedAt: "2023-12-14T09:40:40Z"}}}}}}]}}}}"#
        ),
    ])
}

#[test]
fn a_static_pod_refused_as_kubeadms_admin_user_on_1_29_needs_super_admin() {
    let out = diagnose(&load(&static_kube_vip("v1.29.0")));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "kube-vip-cp1");
    assert_root(d, Loop::Identity, "Pod", "kube-vip-cp1");
    assert!(d.fix.contains("super-admin.conf"), "{}", d.fix);
    // Before 1.29 admin.conf is system:masters: a refusal is a binding of
    // that user, not the init-time gap.
    let out = diagnose(&load(&static_kube_vip("v1.28.4")));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "kube-vip-cp1");
    assert_eq!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    assert!(!d.fix.contains("super-admin.conf"), "{}", d.fix);
    assert!(d.fix.contains("--user=kubernetes-admin"), "{}", d.fix);
}

/// Weave Net on two nodes, crash-looping on each with `said`.
fn weave(said: &str) -> String {
    let status = format!(
        r#"{{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: weave, ready: false, restartCount: 19, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{said}", startedAt: "2018-01-10T10:00:00Z", finishedAt: "2018-01-10T10:00:01Z"}}}}}}]}}"#
    );
    let spec =
        r#"{hostNetwork: true, containers: [{name: weave, image: "weaveworks/weave-kube:2.2.0"}]}"#;
    list(&[
        node("n1", "Ubuntu 16.04.3 LTS", "v1.9.1", "False", ""),
        node("n2", "Ubuntu 16.04.3 LTS", "v1.9.1", "False", ""),
        daemon("weave-net", "n1", spec, &status),
        daemon("weave-net", "n2", spec, &status)
            .lines()
            .filter(|l| l.contains("kind: Pod"))
            .map(|l| {
                format!(
                    "\n{}",
                    l.replace("weave-net-x1", "weave-net-x2")
                        .replace("uid: p-weave-net", "uid: p-weave-net-2")
                )
            })
            .collect(),
    ])
}

#[test]
fn a_pod_network_over_a_route_the_node_has_is_the_cni_range() {
    let out = diagnose(&load(&weave(
        "Network 10.32.0.0/12 overlaps with existing route 10.0.0.0/8 on host\\n",
    )));
    // One diagnosis for both nodes; its fix names the node its summary
    // names, with the range.
    let d = about(&out, "NodeNotReady", "", "n1");
    assert_root(d, Loop::Network, "DaemonSet", "weave-net");
    assert!(d.fix.contains("IPALLOC_RANGE"), "{}", d.fix);
    let on = d.symptom.object.name.clone();
    assert!(
        d.root_cause.summary.contains(&format!(" on {on} ")),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.fix.contains(&format!("on {on}, remove it")),
        "{on}: {}",
        d.fix
    );
    // Another crash of the agent: not a range to change.
    let out = diagnose(&load(&weave(
        "weave: unable to create bridge: operation not permitted\\n",
    )));
    let d = about(&out, "NodeNotReady", "", "n1");
    assert!(!d.fix.contains("IPALLOC_RANGE"), "{}", d.fix);
}

#[test]
fn a_runtime_on_systemd_cgroups_under_a_cgroupfs_kubelet_is_the_drivers() {
    let said = |message: &str| {
        diagnose(&load(&list(&[
            node("w1", "CentOS Linux 7 (Core)", "v1.8.1", "True", ""),
            sandbox_pod(message),
        ])))
    };
    // cri-o/cri-o#896, and runc's spelling of the same refusal.
    for message in [
        "Failed create pod sandbox: rpc error: code = Unknown desc = cri-o configured with systemd cgroup manager, but did not receive slice as parent: /kubepods/pod6f71cc2a-b890-11e7-9d2a-525400c1f3a2",
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: OCI runtime create failed: expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"/kubepods/besteffort/pod1/abc\" instead: unknown",
    ] {
        let out = said(message);
        let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
        assert!(d.unexplained, "{}", summary(&out));
        assert!(
            d.fix.contains("cgroupDriver: systemd") && d.fix.contains("w1"),
            "{}",
            d.fix
        );
    }
    // Another runtime failure is not the drivers'.
    let out = said(
        "Failed create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container: context deadline exceeded",
    );
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert!(!d.fix.contains("cgroupDriver"), "{}", d.fix);
}

/// flannel on node w1 (kubelet `kubelet`, NotReady with `cni config
/// uninitialized`), its conflist without `cniVersion`, its pod `pod_status`
/// and `event` (a sandbox failure of that pod, or nothing).
fn flannel_node(kubelet: &str, pod_status: &str, event: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1, labels: {{kubernetes.io/hostname: w1}}}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "False", reason: KubeletNotReady, message: "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized"}}], nodeInfo: {{kubeletVersion: {kubelet}, osImage: Ubuntu 18.04, kernelVersion: 4.15.0, containerRuntimeVersion: "docker://18.6.1", kubeProxyVersion: {kubelet}, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s}}}}}}
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: kube-flannel-cfg, namespace: kube-system}}, data: {{cni-conf.json: '{{"name": "cbr0", "plugins": [{{"type": "flannel", "delegate": {{"hairpinMode": true, "isDefaultGateway": true}}}}, {{"type": "portmap", "capabilities": {{"portMappings": true}}}}]}}'}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: kube-flannel-ds-amd64, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{app: flannel}}}}, template: {{metadata: {{labels: {{app: flannel}}}}, spec: {{hostNetwork: true, containers: [{{name: kube-flannel, image: "quay.io/coreos/flannel:v0.10.0-amd64"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-flannel-ds-amd64-9cpk5, namespace: kube-system, uid: p1, labels: {{app: flannel}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: kube-flannel-ds-amd64, uid: ds1, controller: true}}]}}, spec: {{nodeName: w1, hostNetwork: true, containers: [{{name: kube-flannel, image: "quay.io/coreos/flannel:v0.10.0-amd64"}}]}}, status: {pod_status}}}
{event}"#
    )
}

#[test]
fn a_conflist_without_cni_version_is_refused_only_by_kubelets_from_1_16() {
    // flannel-io/flannel#1178: libcni 0.7.1 (kubelet 1.16) refuses it.
    let running = r#"{phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: kube-flannel, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2019-10-01T10:00:00Z"}}}]}"#;
    let out = diagnose(&load(&flannel_node("v1.16.0", running, "")));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert_root(d, Loop::Network, "ConfigMap", "kube-flannel-cfg");
    // A 1.12 kubelet loads it: not the cause there.
    let out = diagnose(&load(&flannel_node("v1.12.2", running, "")));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert_ne!(
        d.root_cause.object.name,
        "kube-flannel-cfg",
        "{}",
        summary(&out)
    );
    // One plugin's configuration without `cniVersion` (kube-router's,
    // kubernetes/kops#8695) is wrapped in a list the kubelet refuses too;
    // with its version it loads.
    let single = |conf: &str| {
        flannel_node("v1.16.7", running, "").replace(
            r#"'{"name": "cbr0", "plugins": [{"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}}, {"type": "portmap", "capabilities": {"portMappings": true}}]}'"#,
            conf,
        )
    };
    let out = diagnose(&load(&single(
        r#"'{"name": "kubernetes", "type": "bridge", "bridge": "kube-bridge", "ipam": {"type": "host-local"}}'"#,
    )));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert_root(d, Loop::Network, "ConfigMap", "kube-flannel-cfg");
    let out = diagnose(&load(&single(
        r#"'{"cniVersion": "0.3.0", "name": "kubernetes", "type": "bridge", "bridge": "kube-bridge", "ipam": {"type": "host-local"}}'"#,
    )));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert_ne!(
        d.root_cause.object.name,
        "kube-flannel-cfg",
        "{}",
        summary(&out)
    );
}

#[test]
fn a_node_that_cannot_pull_the_pause_image_gives_its_cni_agent_no_sandbox() {
    // kubernetes/kubeadm#1201: dockershim's pull of k8s.gcr.io/pause times
    // out behind the node's network; flannel never starts there.
    let waiting = r#"{phase: Pending, containerStatuses: [{name: kube-flannel, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: ContainerCreating}}}]}"#;
    let event = |message: &str| {
        format!(
            "- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: kube-system}}, involvedObject: {{kind: Pod, namespace: kube-system, name: kube-flannel-ds-amd64-9cpk5, uid: p1}}, reason: FailedCreatePodSandBox, type: Warning, count: 40, firstTimestamp: \"2018-11-20T10:00:00Z\", lastTimestamp: \"2018-11-20T10:40:00Z\", source: {{component: kubelet, host: w1}}, message: {message:?}}}\n"
        )
    };
    let pull = event(
        "Failed create pod sandbox: rpc error: code = Unknown desc = failed pulling image \"k8s.gcr.io/pause:3.1\": Error response from daemon: Get https://k8s.gcr.io/v1/_ping: net/http: TLS handshake timeout",
    );
    let out = diagnose(&load(&flannel_node("v1.12.2", waiting, &pull)));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.fix.contains("k8s.gcr.io/pause:3.1") && d.fix.contains("HTTPS_PROXY"),
        "{}",
        d.fix
    );
    // An application image the node cannot pull is not the sandbox's.
    let other = event(
        "Failed create pod sandbox: rpc error: code = Unknown desc = failed pulling image \"quay.io/coreos/flannel:v0.10.0-amd64\": Error response from daemon: Get https://quay.io/v2/: net/http: TLS handshake timeout",
    );
    let out = diagnose(&load(&flannel_node("v1.12.2", waiting, &other)));
    let d = about(&out, "NodeNotReady", "", "w1");
    assert!(!d.fix.contains("sandbox image"), "{}", d.fix);
}

#[test]
fn calico_without_a_pool_is_the_failed_job_that_creates_it() {
    // kubernetes/kops#2529: kops 1.6 creates the pool in a Job; a 1.6
    // kubelet reports the sandbox as `FailedSync … CreatePodSandboxError`.
    let message = r#"Error syncing pod, skipping: failed to "CreatePodSandbox" for "samplepod_default(p-s)" with CreatePodSandboxError: "CreatePodSandbox for pod \"samplepod_default(p-s)\" failed: rpc error: code = 2 desc = NetworkPlugin cni failed to set up pod \"samplepod_default\" network: No configured Calico pools""#;
    let pod = sandbox_pod(message).replace("FailedCreatePodSandBox", "FailedSync");
    let calico = daemon(
        "calico-node",
        "w1",
        "{containers: [{name: agent, image: \"calico/node:v2.1.4\"}]}",
        RUNNING,
    );
    let job = r#"
- {apiVersion: batch/v1, kind: Job, metadata: {name: configure-calico, namespace: kube-system, uid: j1}, spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: configure-calico, image: "calico/ctl:v1.1.3"}]}}}, status: {failed: 1}}
- {apiVersion: v1, kind: Pod, metadata: {name: configure-calico-wpskv, namespace: kube-system, uid: p-j, ownerReferences: [{apiVersion: batch/v1, kind: Job, name: configure-calico, uid: j1, controller: true}]}, spec: {nodeName: w1, restartPolicy: OnFailure, containers: [{name: configure-calico, image: "calico/ctl:v1.1.3"}]}, status: {phase: Failed}}"#;
    let w1 = node("w1", "Ubuntu 16.04", "v1.6.2", "True", "");
    let out = diagnose(&load(&list(&[
        w1.clone(),
        calico.clone(),
        pod.clone(),
        job.to_owned(),
    ])));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert_root(d, Loop::Network, "Job", "configure-calico");
    // No such Job: calico-node, which makes the default pool unless told not to.
    let out = diagnose(&load(&list(&[w1, calico, pod])));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert_root(d, Loop::Network, "DaemonSet", "calico-node");
    assert!(d.fix.contains("CALICO_IPV4POOL_CIDR"), "{}", d.fix);
}

/// Cilium's `config` init container on w1, failed after restarts, its log
/// timing out on the `kubernetes` Service's ClusterIP; `host_network`
/// says whether the pod runs on the host network.
fn cilium_config(host_network: bool) -> String {
    let log = r#"level=info msg=\"Establishing connection to apiserver\" host=\"https://10.96.0.1:443\" subsys=k8s-client\nlevel=error msg=\"Unable to contact k8s api-server\" error=\"Get \\\"https://10.96.0.1:443/api/v1/namespaces/kube-system\\\": dial tcp 10.96.0.1:443: i/o timeout\"\n"#;
    let status = format!(
        r#"{{phase: Pending, initContainerStatuses: [{{name: config, ready: false, restartCount: 4, image: "", imageID: "", state: {{terminated: {{exitCode: 1, reason: Error, message: "{log}", startedAt: "2023-10-26T17:29:42Z", finishedAt: "2023-10-26T17:30:48Z"}}}}}}], containerStatuses: [{{name: cilium-agent, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: PodInitializing}}}}}}]}}"#
    );
    let spec = format!(
        "{{hostNetwork: {host_network}, initContainers: [{{name: config, image: \"quay.io/cilium/cilium:v1.14.3\"}}], containers: [{{name: cilium-agent, image: \"quay.io/cilium/cilium:v1.14.3\"}}]}}"
    );
    let api = r#"
- {apiVersion: v1, kind: Service, metadata: {name: kubernetes, namespace: default, uid: svc-k}, spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443, targetPort: 6443, protocol: TCP}]}}
- {apiVersion: v1, kind: Endpoints, metadata: {name: kubernetes, namespace: default, uid: ep-k}, subsets: [{addresses: [{ip: 172.21.0.2}], ports: [{name: https, port: 6443, protocol: TCP}]}]}
- {apiVersion: v1, kind: Event, metadata: {name: e-b, namespace: kube-system}, involvedObject: {kind: Pod, namespace: kube-system, name: cilium-x1, uid: p-cilium, fieldPath: "spec.initContainers{config}"}, reason: BackOff, type: Warning, count: 12, firstTimestamp: "2023-10-26T17:22:00Z", lastTimestamp: "2023-10-26T17:31:00Z", source: {component: kubelet, host: w1}, message: "Back-off restarting failed container config in pod cilium-x1_kube-system(p-cilium)"}"#;
    list(&[
        node("w1", "Ubuntu 22.04", "v1.28.0", "False", ""),
        daemon("cilium", "w1", &spec, &status),
        api.to_owned(),
    ])
}

#[test]
fn a_host_network_agent_timing_out_on_the_api_services_cluster_ip_needs_the_servers_address() {
    // cilium/cilium#28823: the config init container cannot reach 10.96.0.1.
    let out = diagnose(&load(&cilium_config(true)));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "cilium-x1");
    assert_root(d, Loop::Network, "DaemonSet", "cilium");
    assert!(
        d.fix.contains("k8sServiceHost=172.21.0.2") && d.fix.contains("k8sServicePort=6443"),
        "{}",
        d.fix
    );
    // The node's own diagnosis follows its CNI agent.
    let d = about(&out, "NodeNotReady", "", "w1");
    assert!(d.fix.contains("k8sServiceHost"), "{}", d.fix);
    // On the pod network kube-proxy routes the ClusterIP: not this, but the
    // path to the control plane's address (metallb/metallb#888).
    let out = diagnose(&load(&cilium_config(false)));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| !d.fix.contains("k8sServiceHost")),
        "{}",
        summary(&out)
    );
    let d = about(&out, "CrashLoopBackOff", "kube-system", "cilium-x1");
    assert!(
        d.unexplained && d.fix.contains("host firewall"),
        "{}",
        d.fix
    );
}

/// containerd/containerd#6449: after a reboot the overlay module is not
/// loaded; containerd's mount of the layers answers `no such device` for
/// every pod, flannel's own (host-network) pod included, which is the
/// runtime's victim, not the cause. A sandbox failing for another reason
/// on a node whose flannel pod is down still names flannel.
#[test]
fn a_kernel_that_refuses_the_layers_mount_is_no_cni_agents_fault() {
    let enodev = "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd container: failed to mount /var/lib/containerd/tmpmounts/containerd-mount058126011: no such device";
    let flannel = |message: &str| {
        let events = format!(
            "\n- {{apiVersion: v1, kind: Event, metadata: {{name: e-f, namespace: kube-system}}, involvedObject: {{kind: Pod, namespace: kube-system, name: kube-flannel-ds-x1, uid: p-kube-flannel-ds}}, reason: FailedCreatePodSandBox, type: Warning, count: 30, firstTimestamp: \"2021-01-10T10:00:00Z\", lastTimestamp: \"2021-01-10T10:30:00Z\", source: {{component: kubelet, host: w1}}, message: {message:?}}}"
        );
        format!(
            "{}{events}",
            daemon(
                "kube-flannel-ds",
                "w1",
                r#"{hostNetwork: true, containers: [{name: agent, image: "docker.io/flannel/flannel:v0.24.0"}]}"#,
                r#"{phase: Pending, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: agent, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: ContainerCreating}}}]}"#,
            )
        )
    };
    let out = diagnose(&load(&list(&[
        node("w1", "Ubuntu 20.04.3 LTS", "v1.22.4", "True", ""),
        flannel(enodev),
        sandbox_pod(enodev),
    ])));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("modprobe overlay"), "{}", d.fix);
    // Another failure while flannel's pod is down (and gets its sandbox
    // wrong for no reason of the runtime's): flannel is named.
    let other = "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"9f1\": plugin type=\"flannel\" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory";
    let out = diagnose(&load(&list(&[
        node("w1", "Ubuntu 20.04.3 LTS", "v1.22.4", "True", ""),
        flannel("Back-off restarting failed container"),
        sandbox_pod(other),
    ])));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert!(!d.fix.contains("modprobe overlay"), "{}", d.fix);
    assert!(
        d.root_cause.object.name.contains("flannel"),
        "{}",
        summary(&out)
    );
}
