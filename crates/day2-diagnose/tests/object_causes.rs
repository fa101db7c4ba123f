//! Causes the cluster's objects hold (volumes and their claims, the CNI's
//! address ranges, hostPath volumes, controllers, Services and the nodes
//! behind them, scheduling): each test builds the smallest cluster showing
//! one mechanism and asserts the root cause and the words of its fix, with a
//! sibling that must not read the same.

mod common;

use common::*;
use day2_model::Loop;

fn cluster(items: &[&str]) -> day2_model::Cluster {
    load(&format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        items.concat().trim_start_matches('\n')
    ))
}

fn node(name: &str, kernel: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}, status: {{allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}], nodeInfo: {{kernelVersion: {kernel:?}, containerRuntimeVersion: \"containerd://1.7.2\", kubeletVersion: v1.29.0, osImage: Linux, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s, kubeProxyVersion: v1.29.0}}}}}}\n"
    )
}

// ---------------------------------------------------------------- volumes

/// A StatefulSet `db` in `app` whose pod `db-0` on `n1` waits for claim
/// `data-db-0`; `pod_spec` is added to the pod's spec, `claim` and `pv` are
/// the claim's status lines and the volume (if any), `events` the pod's.
fn waiting_for_volume(pod_spec: &str, claim: &str, pv: &str, events: &[(&str, &str)]) -> String {
    let mut s = format!(
        r#"
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: local}}, provisioner: openebs.io/local, volumeBindingMode: WaitForFirstConsumer}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: rbd}}, provisioner: rbd.csi.ceph.com, volumeBindingMode: Immediate}}
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {{name: db, namespace: app, uid: u-sts}}
  spec:
    serviceName: db
    selector: {{matchLabels: {{app: db}}}}
    template:
      metadata: {{labels: {{app: db}}}}
      spec: {{containers: [{{name: db, image: "db:1"}}]}}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata: {{name: data-db-0, namespace: app{claim}
- apiVersion: v1
  kind: Pod
  metadata: {{name: db-0, namespace: app, uid: u-db, labels: {{app: db}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: u-sts, controller: true}}]}}
  spec:
    nodeName: n1
    {pod_spec}
    containers: [{{name: db, image: "db:1"}}]
    volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-db-0}}}}]
  status:
    phase: Pending
    containerStatuses: [{{name: db, image: "db:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]
{pv}
"#
    );
    for (i, (reason, message)) in events.iter().enumerate() {
        s.push_str(&format!(
            "- {{apiVersion: v1, kind: Event, metadata: {{name: e{i}, namespace: app}}, involvedObject: {{kind: Pod, name: db-0, namespace: app, uid: u-db}}, reason: {reason}, message: {message:?}, type: Warning, count: 5, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {{component: kubelet}}}}\n"
        ));
    }
    s
}

const MOUNT_WAIT: &str = "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-9k7sd]: timed out waiting for the condition";

#[test]
fn a_pod_that_names_its_node_leaves_its_wait_for_first_consumer_claim_unbound() {
    let pending_claim = "}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: local, resources: {requests: {storage: 1Gi}}}\n  status: {phase: Pending}";
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &waiting_for_volume("", pending_claim, "", &[("FailedMount", MOUNT_WAIT)]),
    ]));
    let d = about(&out, "FailedMount", "app", "db-0");
    assert_root(d, Loop::Storage, "StatefulSet", "db");
    assert!(
        d.fix.contains("nodeName: n1") && d.fix.contains("nodeSelector"),
        "{}",
        d.fix
    );
    // Once the scheduler selected a node, the provisioner is awaited, not the pod.
    let selected = "annotations: {volume.kubernetes.io/selected-node: n1}}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: local, resources: {requests: {storage: 1Gi}}}\n  status: {phase: Pending}";
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &waiting_for_volume(
            "",
            &format!(", {selected}"),
            "",
            &[("FailedMount", MOUNT_WAIT)],
        ),
    ]));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| !d.fix.contains("Replace `nodeName")),
        "{}",
        summary(&out)
    );
}

#[test]
fn an_attached_volume_whose_mount_times_out_under_fs_group_is_the_ownership_change() {
    let bound = "}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: rbd, volumeName: pv-data, resources: {requests: {storage: 2Ti}}}\n  status: {phase: Bound, capacity: {storage: 2Ti}}";
    let pv = "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-data}, spec: {capacity: {storage: 2Ti}, accessModes: [ReadWriteOnce], storageClassName: rbd, claimRef: {namespace: app, name: data-db-0}, csi: {driver: rbd.csi.ceph.com, fsType: ext4, volumeHandle: h1}}, status: {phase: Bound}}";
    let events = [
        (
            "SuccessfulAttachVolume",
            "AttachVolume.Attach succeeded for volume \"pv-data\" ",
        ),
        ("FailedMount", MOUNT_WAIT),
    ];
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &waiting_for_volume(
            "securityContext: {runAsUser: 1000, fsGroup: 1000}",
            bound,
            pv,
            &events,
        ),
    ]));
    let d = about(&out, "FailedMount", "app", "db-0");
    assert_root(d, Loop::Storage, "StatefulSet", "db");
    assert!(d.fix.contains("OnRootMismatch"), "{}", d.fix);
    // With OnRootMismatch the kubelet does not walk the volume: not this cause.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &waiting_for_volume(
            "securityContext: {runAsUser: 1000, fsGroup: 1000, fsGroupChangePolicy: OnRootMismatch}",
            bound,
            pv,
            &events,
        ),
    ]));
    let d = about(&out, "FailedMount", "app", "db-0");
    assert!(!d.fix.contains("OnRootMismatch"), "{}", d.fix);
    // A mount that fails outright never reaches the ownership change: the
    // device multipathd holds (longhorn/longhorn#3994) is the cause.
    let busy = "MountVolume.MountDevice failed for volume \"pv-data\" : rpc error: code = Internal desc = mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t ext4 -o defaults /dev/rbd0 /var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv-data/globalmount\nOutput: mount: /var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv-data/globalmount: /dev/rbd0 already mounted or mount point busy.";
    let events = [events[0], ("FailedMount", busy), events[1]];
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &waiting_for_volume(
            "securityContext: {runAsUser: 1000, fsGroup: 1000}",
            bound,
            pv,
            &events,
        ),
    ]));
    let d = about(&out, "FailedMount", "app", "db-0");
    assert!(!d.fix.contains("OnRootMismatch"), "{}", d.fix);
    assert!(d.fix.contains("multipath"), "{}", d.fix);
}

// ---------------------------------------------------------------- sandbox

/// Host-local reports `range` full on `n1` (see [`sandbox_failing`]).
fn sandbox_without_ip(range: &str, running: usize) -> Vec<String> {
    sandbox_failing(
        &format!("failed to allocate for range 0: no IP addresses available in range set: {range}"),
        running,
    )
}

/// Pod `web-0` in `app` cannot get a sandbox on `n1`, the CNI plugin
/// saying `error`; `running` other pods with pod-network IPs run on `n1`.
fn sandbox_failing(error: &str, running: usize) -> Vec<String> {
    let message = format!(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"e3f1\" network for pod \"web-0\": networkPlugin cni failed to set up pod \"web-0_app\" network: {error}"
    );
    let mut items = vec![
        node("n1", "5.15.0"),
        format!(
            r#"
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-0, namespace: app, uid: u-web}}
  spec: {{nodeName: n1, containers: [{{name: web, image: "web:1"}}]}}
  status:
    phase: Pending
    containerStatuses: [{{name: web, image: "web:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web}}, reason: FailedCreatePodSandBox, message: {message:?}, type: Warning, count: 30, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ];
    for i in 0..running {
        items.push(format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: other-{i}, namespace: app, uid: u-o{i}}}, spec: {{nodeName: n1, containers: [{{name: o, image: \"o:1\"}}]}}, status: {{phase: Running, podIP: 10.0.0.{}, conditions: [{{type: Ready, status: \"True\"}}], containerStatuses: [{{name: o, image: \"o:1\", imageID: \"\", ready: true, restartCount: 0, state: {{running: {{startedAt: \"2026-03-02T09:00:00Z\"}}}}}}]}}}}\n",
            i + 2
        ));
    }
    items
}

#[test]
fn a_host_local_range_full_while_few_pods_run_is_leaked_reservations() {
    let items = sandbox_without_ip("10.0.0.1-10.0.0.254", 2);
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let out = diagnose(&cluster(&refs));
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(d.fix.contains("/var/lib/cni/networks"), "{}", d.fix);
    // A small range really used up by running pods is a pool too small.
    let items = sandbox_without_ip("10.0.0.2-10.0.0.5", 4);
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let out = diagnose(&cluster(&refs));
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(!d.fix.contains("/var/lib/cni/networks"), "{}", d.fix);
    // host-local before CNI 0.5 names the network, not the range
    // (kubernetes/kubernetes#39557): the node's pod CIDR is the range.
    let mut items = sandbox_failing("no IP addresses available in network: podnet", 2);
    items[0] = items[0].replace(
        ", status: {allocatable",
        ", spec: {podCIDR: 10.0.0.0/24}, status: {allocatable",
    );
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let out = diagnose(&cluster(&refs));
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(d.fix.contains("/var/lib/cni/networks/podnet/"), "{}", d.fix);
}

#[test]
fn a_bridge_left_with_an_earlier_address_is_the_node() {
    let items = sandbox_failing(
        "failed to delegate add: failed to set bridge addr: \"cni0\" already has an IP address different from 10.244.0.1/24",
        1,
    );
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let out = diagnose(&cluster(&refs));
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(d.fix.contains("ip link delete cni0"), "{}", d.fix);
    // Another failure of the same plugin is not the bridge.
    let items = sandbox_failing(
        "failed to delegate add: netplugin failed with no error message",
        1,
    );
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let out = diagnose(&cluster(&refs));
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert!(!d.fix.contains("ip link delete"), "{}", d.fix);
}

// ------------------------------------------------------------ controllers

/// ReplicationController `jenkins-1` in `ci` whose replacement pod the quota
/// refuses while its old pod is being deleted; its status still counts that
/// pod, with `condition` added to the status when given.
fn replacement_refused(condition: &str) -> String {
    let refusal = "Error creating: pods \"jenkins-1-dr8p8\" is forbidden: exceeded quota: compute-resources, requested: limits.cpu=2,limits.memory=1Gi, used: limits.cpu=2,limits.memory=1Gi, limited: limits.cpu=2,limits.memory=1Gi";
    format!(
        r#"
- {{apiVersion: v1, kind: ResourceQuota, metadata: {{name: compute-resources, namespace: ci}}, spec: {{hard: {{limits.cpu: "2", limits.memory: 1Gi}}}}, status: {{hard: {{limits.cpu: "2", limits.memory: 1Gi}}, used: {{limits.cpu: "2", limits.memory: 1Gi}}}}}}
- apiVersion: v1
  kind: ReplicationController
  metadata: {{name: jenkins-1, namespace: ci, uid: u-rc}}
  spec:
    replicas: 1
    selector: {{name: jenkins}}
    template:
      metadata: {{labels: {{name: jenkins}}}}
      spec: {{containers: [{{name: jenkins, image: "jenkins:2", resources: {{limits: {{cpu: "2", memory: 1Gi}}}}}}]}}
  status: {{replicas: 1, readyReplicas: 0{condition}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: jenkins-1-9ptqx, namespace: ci, uid: u-old, labels: {{name: jenkins}}, deletionTimestamp: "2026-02-26T10:12:00Z", ownerReferences: [{{apiVersion: v1, kind: ReplicationController, name: jenkins-1, uid: u-rc, controller: true}}]}}
  spec: {{nodeName: n1, containers: [{{name: jenkins, image: "jenkins:2", resources: {{limits: {{cpu: "2", memory: 1Gi}}}}}}]}}
  status: {{phase: Running}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: ci}}, involvedObject: {{kind: ReplicationController, name: jenkins-1, namespace: ci, uid: u-rc}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: replication-controller}}}}
"#
    )
}

#[test]
fn a_controller_reporting_replica_failure_is_short_whatever_its_counts_say() {
    let cond = ", conditions: [{type: ReplicaFailure, status: \"True\", reason: FailedCreate, message: \"pods is forbidden: exceeded quota\"}]";
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &replacement_refused(cond),
    ]));
    let d = about(&out, "PodCreateFailed", "ci", "jenkins-1");
    assert!(
        d.fix.contains("quota") || d.root_cause.summary.contains("quota"),
        "{}",
        summary(&out)
    );
    // Without the condition, a controller with all its replicas is not short.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &replacement_refused("")]));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| d.symptom.kind != "PodCreateFailed"),
        "{}",
        summary(&out)
    );
}

// --------------------------------------------------------------- services

/// Service `web` in `app` whose pods all run on node `n2`, whose kubelet
/// stopped posting status at 10:00 (the node controller then marks the
/// node `Unknown` and its pods not Ready); `phase` is the pods' phase.
fn service_on_lost_node(phase: &str, pod_ready: &str, node_ready: &str) -> String {
    let mut s = r#"
- {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2026-03-02T10:30:00Z", lastTransitionTime: "2026-03-01T00:00:00Z"}]}}
- apiVersion: v1
  kind: Node
  metadata: {name: n2, labels: {kubernetes.io/hostname: n2}}
  spec: {taints: [{key: node.kubernetes.io/unreachable, effect: NoSchedule}, {key: node.kubernetes.io/unreachable, effect: NoExecute}]}
  status:
    allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
    conditions: [{type: Ready, status: NODE_READY, reason: NodeStatusUnknown, message: "Kubelet stopped posting node status.", lastHeartbeatTime: "2026-03-02T10:00:00Z", lastTransitionTime: "2026-03-02T10:01:00Z"}]
- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: app}, spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}], clusterIP: 10.96.0.30}}
- {apiVersion: v1, kind: Endpoints, metadata: {name: web, namespace: app}, subsets: [{notReadyAddresses: [{ip: 10.1.2.3, nodeName: n2, targetRef: {kind: Pod, name: web-1, namespace: app}}, {ip: 10.1.2.4, nodeName: n2, targetRef: {kind: Pod, name: web-2, namespace: app}}], ports: [{port: 8080}]}]}
"#
    .replace("NODE_READY", node_ready);
    for (i, ip) in [(1, "10.1.2.3"), (2, "10.1.2.4")] {
        s.push_str(&format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: web-{i}, namespace: app, uid: u-w{i}, labels: {{app: web}}}}, spec: {{nodeName: n2, containers: [{{name: web, image: \"web:1\", ports: [{{containerPort: 8080}}], readinessProbe: {{httpGet: {{path: /healthz, port: 8080}}}}}}]}}, status: {{phase: {phase}, podIP: {ip}, conditions: [{{type: Ready, status: \"{pod_ready}\", lastTransitionTime: \"2026-03-02T10:01:00Z\"}}], containerStatuses: [{{name: web, image: \"web:1\", imageID: \"\", ready: true, restartCount: 0, state: {{running: {{startedAt: \"2026-03-01T00:00:00Z\"}}}}}}]}}}}\n"
        ));
    }
    s
}

/// A kubelet that goes silent a year after its node joined is the end of
/// the client certificate it bootstrapped with (kubernetes/kubernetes#96256);
/// one that goes silent after a month is not.
#[test]
fn a_kubelet_silent_a_year_after_its_node_joined_is_its_certificate() {
    let lost = |joined: &str| {
        let s = service_on_lost_node("Running", "False", "Unknown").replacen(
            "metadata: {name: n2,",
            &format!("metadata: {{name: n2, creationTimestamp: \"{joined}\","),
            1,
        );
        diagnose(&load(&format!(
            "apiVersion: v1\nkind: List\nitems:\n{}",
            s.trim_start_matches('\n')
        )))
    };
    // Silent since 2026-03-02T10:01, 366 days after it joined.
    let out = lost("2025-03-01T09:00:00Z");
    let d = node_not_ready(&out, "n2");
    assert_root(d, Loop::Identity, "Node", "n2");
    assert!(
        d.root_cause.summary.contains("366 days") && d.fix.contains("kubelet-client-current.pem"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    let out = lost("2026-02-01T09:00:00Z");
    let d = node_not_ready(&out, "n2");
    assert_root(d, Loop::Compute, "Node", "n2");
}

#[test]
fn a_service_whose_endpoints_all_sit_on_a_lost_node_is_that_node() {
    for (phase, ready, node_ready) in [
        ("Running", "False", "Unknown"),
        ("Unknown", "False", "Unknown"),
        ("Running", "True", "Unknown"),
        ("Running", "False", "\"False\""),
        ("Running", "True", "\"False\""),
    ] {
        let out = diagnose(&load(&format!(
            "apiVersion: v1\nkind: List\nitems:\n{}",
            service_on_lost_node(phase, ready, node_ready).trim_start_matches('\n')
        )));
        let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "web");
        assert_eq!(
            d.root_cause.object.kind,
            "Node",
            "{phase}: {}",
            summary(&out)
        );
        assert_eq!(d.root_cause.object.name, "n2", "{phase}: {}", summary(&out));
    }
}

// -------------------------------------------------------------- hostPath

/// Bare pod `agent` in `app` on `n1` (runtime `runtime`) whose hostPath
/// volume at `path` fails the kubelet's type check as not a `what`.
fn host_path_refused(runtime: &str, path: &str, what: &str) -> String {
    let message = format!(
        "MountVolume.SetUp failed for volume \"host\" : hostPath type check failed: {path} is not a {what}"
    );
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, status: {{allocatable: {{cpu: "4", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}], nodeInfo: {{kernelVersion: "5.15.0", containerRuntimeVersion: "{runtime}", kubeletVersion: v1.29.0, osImage: Linux, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s, kubeProxyVersion: v1.29.0}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: agent, namespace: app, uid: u-agent}}
  spec:
    nodeName: n1
    containers: [{{name: agent, image: "agent:1", volumeMounts: [{{name: host, mountPath: /host}}]}}]
    volumes: [{{name: host, hostPath: {{path: {path}, type: Socket}}}}]
  status:
    phase: Pending
    containerStatuses: [{{name: agent, image: "agent:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: agent, namespace: app, uid: u-agent}}, reason: FailedMount, message: {message:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
    )
}

#[test]
fn a_runtime_socket_missing_on_a_node_of_another_runtime_is_the_workload() {
    let out = diagnose(&cluster(&[&host_path_refused(
        "containerd://1.7.2",
        "/var/run/docker.sock",
        "socket file",
    )]));
    let d = about(&out, "FailedMount", "app", "agent");
    assert_root(d, Loop::Storage, "Pod", "agent");
    assert!(
        d.root_cause.summary.contains("containerd") && d.fix.contains("docker"),
        "{}\n{}",
        d.root_cause.summary,
        d.fix
    );
    // Any other path the node lacks is the node's.
    let out = diagnose(&cluster(&[&host_path_refused(
        "containerd://1.7.2",
        "/srv/agent.sock",
        "socket file",
    )]));
    let d = about(&out, "FailedMount", "app", "agent");
    assert_root(d, Loop::Storage, "Node", "n1");
}

// ------------------------------------------------------------ scheduling

/// Pod `lb-new-x` of DaemonSet `lb-new` asks hostPort 80 on the one node
/// labelled `lb: "true"`, where pod `holder-a` (owned by `holder_owner`)
/// holds port 80.
fn host_port_taken(holder_owner: &str) -> String {
    let msg = "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector.";
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1, lb: "true"}}}}, status: {{allocatable: {{cpu: "4", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: n2, labels: {{kubernetes.io/hostname: n2}}}}, status: {{allocatable: {{cpu: "4", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {{name: lb-new, namespace: edge, uid: u-new}}
  spec:
    selector: {{matchLabels: {{app: lb-new}}}}
    template:
      metadata: {{labels: {{app: lb-new}}}}
      spec: {{nodeSelector: {{lb: "true"}}, containers: [{{name: lb, image: "lb:1", ports: [{{containerPort: 80, hostPort: 80, protocol: TCP}}]}}]}}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {{name: lb-old, namespace: edge, uid: u-old}}
  spec:
    selector: {{matchLabels: {{app: lb-old}}}}
    template:
      metadata: {{labels: {{app: lb-old}}}}
      spec: {{nodeSelector: {{lb: "true"}}, containers: [{{name: lb, image: "lb:1", ports: [{{containerPort: 80, hostPort: 80, protocol: TCP}}]}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: holder-a, namespace: edge, uid: u-h, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: {holder_owner}, uid: u-{holder_owner}, controller: true}}]}}
  spec: {{nodeName: n1, nodeSelector: {{lb: "true"}}, containers: [{{name: lb, image: "lb:1", ports: [{{containerPort: 80, hostPort: 80, protocol: TCP}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: lb-new-x, namespace: edge, uid: u-x, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: lb-new, uid: u-new, controller: true}}]}}
  spec: {{nodeSelector: {{lb: "true"}}, containers: [{{name: lb, image: "lb:1", ports: [{{containerPort: 80, hostPort: 80, protocol: TCP}}]}}]}}
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: {msg:?}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: edge}}, involvedObject: {{kind: Pod, name: lb-new-x, namespace: edge, uid: u-x}}, reason: FailedScheduling, message: {msg:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
"#
    )
}

#[test]
fn a_host_port_held_by_another_workload_on_every_admitted_node_names_the_holder() {
    let out = diagnose(&cluster(&[&host_port_taken("lb-old")]));
    let d = about(&out, "PodPending", "edge", "lb-new-x");
    assert_root(d, Loop::Compute, "DaemonSet", "lb-old");
    assert!(d.fix.contains("hostPort 80"), "{}", d.fix);
    // Held by the pending pod's own workload: not another workload's doing.
    let out = diagnose(&cluster(&[&host_port_taken("lb-new")]));
    let d = about(&out, "PodPending", "edge", "lb-new-x");
    assert_ne!(d.root_cause.object.name, "lb-old", "{}", summary(&out));
    assert!(!d.fix.contains("Free hostPort"), "{}", d.fix);
}

/// Pod `web-0` in `app`, refused by the scheduler's one node's taint and by
/// Karpenter with `karpenter` as its event.
fn karpenter_refused(karpenter: &str) -> String {
    let msg = "0/1 nodes are available: 1 node(s) had untolerated taint {CriticalAddonsOnly: true}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, spec: {{taints: [{{key: CriticalAddonsOnly, value: "true", effect: NoSchedule}}]}}, status: {{allocatable: {{cpu: "16", memory: 64Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-0, namespace: app, uid: u-web}}
  spec: {{containers: [{{name: web, image: "web:1", resources: {{requests: {{cpu: "2", memory: 20Gi}}}}}}]}}
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: {msg:?}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web}}, reason: FailedScheduling, message: {msg:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e2, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web}}, reason: FailedScheduling, message: {karpenter:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: karpenter}}}}
"#
    )
}

#[test]
fn a_karpenter_pool_that_allows_no_instance_type_is_the_cause() {
    let out = diagnose(&cluster(&[&karpenter_refused(
        "Failed to schedule pod, incompatible with nodepool \"big\", daemonset overhead={\"cpu\":\"655m\"}, no instance type satisfied resources {\"cpu\":\"2655m\",\"memory\":\"21Gi\"} and requirements karpenter.k8s.aws/instance-category In [c], topology.kubernetes.io/zone In [us-east-1d] (no instance type met the scheduling requirements or had a required offering); incompatible with nodepool \"system\", daemonset overhead={\"cpu\":\"655m\"}, did not tolerate CriticalAddonsOnly=true:NoSchedule",
    )]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Compute, "NodePool", "big");
    assert!(d.fix.contains("requirements"), "{}", d.fix);
    // Pools refused only for taints: no pool's requirements are at fault.
    let out = diagnose(&cluster(&[&karpenter_refused(
        "Failed to schedule pod, incompatible with nodepool \"system\", daemonset overhead={\"cpu\":\"655m\"}, did not tolerate CriticalAddonsOnly=true:NoSchedule",
    )]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_ne!(d.root_cause.object.kind, "NodePool", "{}", summary(&out));
}

#[test]
fn a_label_no_karpenter_pool_defines_is_the_pools_to_add_or_the_workloads_to_drop() {
    let refused = karpenter_refused(
        r#"Failed to schedule pod, incompatible requirements, label "workload" does not have known values (typo of "workload-class"?)"#,
    );
    let pool = |name: &str| {
        format!(
            "- {{apiVersion: karpenter.sh/v1, kind: NodePool, metadata: {{name: {name}}}, spec: {{template: {{metadata: {{labels: {{workload-class: {name}}}}}, spec: {{nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}, requirements: []}}}}}}}}\n"
        )
    };
    // One pool: the label belongs in it.
    let out = diagnose(&cluster(&[&refused, &pool("general")]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Compute, "NodePool", "general");
    assert!(
        d.root_cause.summary.contains("typo of workload-class")
            && d.fix.contains("spec.template.metadata.labels"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    // Two pools: which one is meant is not in the input; the pod's selector is.
    let out = diagnose(&cluster(&[&refused, &pool("general"), &pool("batch")]));
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Compute, "Pod", "web-0");
    assert!(d.fix.contains("drop the workload selector"), "{}", d.fix);
}

/// Pod `train-0` in `ml` asks for one `example.com/gpu`; node `n1`
/// advertises `gpus` of them (none when empty) and DaemonSet
/// `example-device-plugin` runs there.
fn extended_resource_missing(gpus: &str) -> String {
    let msg = "0/1 nodes are available: 1 Insufficient example.com/gpu.";
    let advertised = if gpus.is_empty() {
        String::new()
    } else {
        format!(", example.com/gpu: \"{gpus}\"")
    };
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, status: {{allocatable: {{cpu: "8", memory: 32Gi, pods: "110"{advertised}}}, capacity: {{cpu: "8", memory: 32Gi, pods: "110"{advertised}}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {{name: example-device-plugin, namespace: kube-system, uid: u-dp}}
  spec:
    selector: {{matchLabels: {{app: dp}}}}
    template:
      metadata: {{labels: {{app: dp}}}}
      spec: {{containers: [{{name: dp, image: "example/device-plugin:1"}}]}}
  status: {{currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: train-0, namespace: ml, uid: u-train}}
  spec: {{containers: [{{name: train, image: "train:1", resources: {{limits: {{example.com/gpu: "1"}}, requests: {{example.com/gpu: "1"}}}}}}]}}
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: {msg:?}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: ml}}, involvedObject: {{kind: Pod, name: train-0, namespace: ml, uid: u-train}}, reason: FailedScheduling, message: {msg:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
"#
    )
}

#[test]
fn an_extended_resource_no_node_advertises_is_the_device_plugin() {
    let out = diagnose(&cluster(&[&extended_resource_missing("")]));
    let d = about(&out, "PodPending", "ml", "train-0");
    assert_root(d, Loop::Compute, "DaemonSet", "example-device-plugin");
    assert!(d.fix.contains("device plugin"), "{}", d.fix);
    // A node that advertises the resource: a question of free capacity.
    let out = diagnose(&cluster(&[&extended_resource_missing("1")]));
    let d = about(&out, "PodPending", "ml", "train-0");
    assert_ne!(d.root_cause.object.kind, "DaemonSet", "{}", summary(&out));
}

#[test]
fn a_missing_config_map_one_affix_from_an_existing_one_is_a_name_to_point_at() {
    let bound = "}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: rbd, volumeName: pv-data, resources: {requests: {storage: 1Gi}}}\n  status: {phase: Bound, capacity: {storage: 1Gi}}";
    let pv = "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-data}, spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: rbd, claimRef: {namespace: app, name: data-db-0}, csi: {driver: rbd.csi.ceph.com, fsType: ext4, volumeHandle: h1}}, status: {phase: Bound}}\n";
    let missing = [(
        "FailedMount",
        "MountVolume.SetUp failed for volume \"config\" : configmap \"db\" not found",
    )];
    let with = |cm: &str| {
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &waiting_for_volume("", bound, pv, &missing),
            &format!(
                "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: {cm}, namespace: app}}, data: {{a: b}}}}\n"
            ),
        ]))
    };
    let out = with("db-conf");
    let d = about(&out, "FailedMount", "app", "db-0");
    // The ConfigMap is there under a sibling name: the reference in the
    // pod template is the mistake, so its workload is the root.
    assert_root(d, Loop::Compute, "StatefulSet", "db");
    assert!(
        d.fix.contains("point volume config at `db-conf`"),
        "{}",
        d.fix
    );
    // A ConfigMap that merely shares letters is not the one meant.
    let out = with("dbx-settings");
    let d = about(&out, "FailedMount", "app", "db-0");
    assert_root(d, Loop::Compute, "ConfigMap", "db");
    assert!(
        d.fix.starts_with("Create ConfigMap app/db") && !d.fix.contains("dbx"),
        "{}",
        d.fix
    );
}

#[test]
fn a_named_target_port_no_pod_declares_gets_the_number_the_container_serves_on() {
    let with = |args: &str| {
        let mut s = format!(
            r#"
- {{apiVersion: v1, kind: Service, metadata: {{name: metrics, namespace: app}}, spec: {{selector: {{app: mgr}}, ports: [{{name: https, port: 8443, targetPort: https}}], clusterIP: 10.96.0.40}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: metrics, namespace: app}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: mgr-1, namespace: app, uid: u-m1, labels: {{app: mgr}}}}, spec: {{nodeName: n1, containers: [{{name: manager, image: "mgr:1", args: {args}, ports: [{{name: webhook, containerPort: 9443}}]}}]}}, status: {{phase: Running, podIP: 10.1.2.5, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: manager, image: "mgr:1", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "2026-03-01T00:00:00Z"}}}}}}]}}}}
"#
        );
        s.push_str(&node("n1", "5.15.0"));
        diagnose(&cluster(&[&s]))
    };
    let out = with("[--leader-elect, \"--diagnostics-address=:8443\"]");
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "metrics");
    assert_root(d, Loop::Network, "Service", "metrics");
    assert!(
        d.fix.contains("containerPort: 8443") && d.fix.contains("targetPort: 8443"),
        "{}",
        d.fix
    );
    // Nothing in the pod serves on the Service's port: no number to offer.
    let out = with("[--leader-elect, \"--diagnostics-address=:9090\"]");
    let d = about(&out, "ServiceWithoutReadyEndpoints", "app", "metrics");
    assert_root(d, Loop::Network, "Service", "metrics");
    assert!(!d.fix.contains("8443"), "{}", d.fix);
}

// -------------------------------------------------------------- admission

/// ReplicaSet `policy-7b5c` in `sec` (pods labelled `app: policy`) whose
/// pods a Fail webhook refuses because its Service `sec/guard`, selecting
/// `selects`, refuses connections.
fn webhook_refuses(selects: &str) -> String {
    let refusal = "Error creating: Internal error occurred: failed calling webhook \"guard.example.io\": failed to call webhook: Post \"https://guard.sec.svc:8443/validate?timeout=10s\": dial tcp 10.43.59.167:8443: connect: connection refused";
    format!(
        r#"
- {{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {{name: guard}}, webhooks: [{{name: guard.example.io, clientConfig: {{service: {{namespace: sec, name: guard, path: /validate, port: 8443}}}}, failurePolicy: Fail, rules: [{{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: guard, namespace: sec}}, spec: {{selector: {{app: {selects}}}, ports: [{{port: 8443}}], clusterIP: 10.43.59.167}}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {{name: policy-7b5c, namespace: sec, uid: u-rs}}
  spec:
    replicas: 1
    selector: {{matchLabels: {{app: policy}}}}
    template:
      metadata: {{labels: {{app: policy}}}}
      spec: {{containers: [{{name: policy, image: "policy:1"}}]}}
  status: {{replicas: 0, conditions: [{{type: ReplicaFailure, status: "True", reason: FailedCreate, message: {refusal:?}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: sec}}, involvedObject: {{kind: ReplicaSet, name: policy-7b5c, namespace: sec, uid: u-rs}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: replicaset-controller}}}}
"#
    )
}

#[test]
fn a_webhook_served_by_the_pods_it_refuses_is_excluded_from_them() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &webhook_refuses("policy"),
    ]));
    let d = about(&out, "PodCreateFailed", "sec", "policy-7b5c");
    assert_root(d, Loop::Identity, "ValidatingWebhookConfiguration", "guard");
    assert!(
        d.fix.contains("namespaceSelector") && d.fix.contains("NotIn, values: [sec]"),
        "{}",
        d.fix
    );
    // A webhook served by other pods is not waiting on these.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &webhook_refuses("guard"),
    ]));
    let d = about(&out, "PodCreateFailed", "sec", "policy-7b5c");
    assert!(
        !d.fix.contains("Exclude the webhook's own pods"),
        "{}",
        d.fix
    );
}

/// The VPC CNI fails to assign an address on a node whose ENIs have room:
/// the agent, when its pod was replaced just before; the subnet, when the
/// node itself just joined and holds no address yet; one or the other
/// otherwise, restart first. A node near its limit is the ENI capacity.
#[test]
fn an_aws_cni_that_cannot_assign_an_ip_far_below_max_pods_is_the_cni_agent() {
    let aws_node = |created: &str| {
        format!(
            r#"
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: aws-node, namespace: kube-system, uid: u-ds}}, spec: {{selector: {{matchLabels: {{k8s-app: aws-node}}}}, template: {{metadata: {{labels: {{k8s-app: aws-node}}}}, spec: {{hostNetwork: true, containers: [{{name: aws-node, image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.17.1-eksbuild.1"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: aws-node-7kq2d, namespace: kube-system, uid: u-an, creationTimestamp: "{created}", labels: {{k8s-app: aws-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: aws-node, uid: u-ds, controller: true}}]}}, spec: {{nodeName: n1, hostNetwork: true, containers: [{{name: aws-node, image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.17.1-eksbuild.1"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: aws-node, image: "amazon-k8s-cni:v1.17.1-eksbuild.1", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "{created}"}}}}}}]}}}}
"#
        )
    };
    let error = "plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container";
    // The failures start at 10:00 on 2026-03-02.
    let run = |running: usize, node_joined: &str, agent_created: &str| {
        let mut items = sandbox_failing(error, running);
        items[0] = items[0].replacen(
            "metadata: {name: n1,",
            &format!("metadata: {{name: n1, creationTimestamp: \"{node_joined}\","),
            1,
        );
        items.push(aws_node(agent_created));
        let refs: Vec<&str> = items.iter().map(String::as_str).collect();
        diagnose(&cluster(&refs))
    };
    // 3 pods of the node's 110, the agent's pod replaced an hour before.
    let out = run(3, "2026-01-10T08:00:00Z", "2026-03-02T09:00:00Z");
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "DaemonSet", "aws-node");
    assert!(
        d.fix.contains("v1.17.1") && d.fix.contains("roll it back"),
        "{}",
        d.fix
    );
    // The agent has run as long as the node: stuck, or a subnet without room.
    let out = run(3, "2026-01-10T08:00:00Z", "2026-01-10T08:01:00Z");
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "DaemonSet", "aws-node");
    assert!(
        d.fix.starts_with("Restart the agent") && d.fix.contains("AvailableIpAddressCount"),
        "{}",
        d.fix
    );
    assert!(!d.fix.contains("roll it back"), "{}", d.fix);
    // A node that joined minutes before and holds no address: the subnet,
    // which the cluster does not show.
    let out = run(0, "2026-03-02T09:55:00Z", "2026-03-02T09:56:00Z");
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert!(d.unexplained, "{}", d.root_cause.summary);
    assert!(
        d.root_cause.summary.contains("subnet") && d.fix.contains("describe-subnets"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    // 60 of 110: the node is filling up, its ENI capacity is the suspect.
    let out = run(60, "2026-01-10T08:00:00Z", "2026-03-02T09:00:00Z");
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "Node", "n1");
}

/// With custom networking the primary ENI gives pods no address: a node
/// still at its instance type's default max-pods admits more pods than it
/// can address (aws/amazon-vpc-cni-k8s#1245).
#[test]
fn custom_networking_under_the_default_max_pods_is_the_nodes_max_pods() {
    let error = "plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container";
    let run = |max_pods: &str| {
        let mut items = sandbox_failing(error, 3);
        items[0] = items[0]
            .replacen(
                "labels: {kubernetes.io/hostname: n1}",
                "labels: {kubernetes.io/hostname: n1, node.kubernetes.io/instance-type: m5.large}",
                1,
            )
            .replacen("pods: \"110\"", &format!("pods: \"{max_pods}\""), 1);
        items.push(r#"
- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: aws-node, namespace: kube-system, uid: u-ds}, spec: {selector: {matchLabels: {k8s-app: aws-node}}, template: {metadata: {labels: {k8s-app: aws-node}}, spec: {hostNetwork: true, containers: [{name: aws-node, image: "amazon-k8s-cni:v1.7.8", env: [{name: AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG, value: "true"}]}]}}}}
- {apiVersion: v1, kind: Pod, metadata: {name: aws-node-7kq2d, namespace: kube-system, uid: u-an, creationTimestamp: "2026-01-10T08:01:00Z", labels: {k8s-app: aws-node}, ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: aws-node, uid: u-ds, controller: true}]}, spec: {nodeName: n1, hostNetwork: true, containers: [{name: aws-node, image: "amazon-k8s-cni:v1.7.8"}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: aws-node, image: "amazon-k8s-cni:v1.7.8", imageID: "", ready: true, restartCount: 0, state: {running: {startedAt: "2026-01-10T08:01:00Z"}}}]}}
"#.to_owned());
        let refs: Vec<&str> = items.iter().map(String::as_str).collect();
        diagnose(&cluster(&refs))
    };
    let out = run("29");
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(
        d.fix.contains("--cni-custom-networking-enabled"),
        "{}",
        d.fix
    );
    // max-pods already lowered (20 for an m5.large): the agent or the subnet.
    let out = run("20");
    let d = about(&out, "SandboxCreateFailed", "app", "web-0");
    assert!(!d.fix.contains("custom-networking"), "{}", d.fix);
}

// ------------------------------------------------- the root in the chain

/// Claim `data` in `app` waits for `waited`; its class `shared` names
/// `provisioner`. A Deployment runs, and none of it serves the provisioner.
fn claim_waiting(provisioner: &str, waited: &str) -> String {
    format!(
        r#"
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: shared}}, provisioner: {provisioner}, volumeBindingMode: Immediate}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data, namespace: app, annotations: {{volume.kubernetes.io/storage-provisioner: {waited}}}}}, spec: {{storageClassName: shared, accessModes: [ReadWriteMany], resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: PersistentVolumeClaim, name: data, namespace: app}}, reason: ExternalProvisioning, message: "waiting for a volume to be created, either by external provisioner \"{waited}\" or manually created by system administrator", type: Normal, count: 90, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: persistentvolume-controller}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web, namespace: app}}, spec: {{selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "web:1"}}]}}}}}}}}
"#
    )
}

#[test]
fn a_class_whose_own_provisioner_nothing_serves_is_the_class() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &claim_waiting("example.org/nfs", "example.org/nfs"),
    ]));
    let d = about(&out, "PvcPending", "app", "data");
    assert_root(d, Loop::Storage, "StorageClass", "shared");
    assert!(
        d.fix.contains("Nothing provisions example.org/nfs"),
        "{}",
        d.fix
    );
    // An in-tree class migrated to a CSI driver is not wrong: the driver is missing.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &claim_waiting("kubernetes.io/aws-ebs", "ebs.csi.aws.com"),
    ]));
    let d = about(&out, "PvcPending", "app", "data");
    assert_root(d, Loop::Storage, "CSIDriver", "ebs.csi.aws.com");
}

/// Pod `db-0` (created `pod_made`) waits for a volume made at `pv_made` in
/// zone a, whose only node is full; the class binds immediately.
fn pinned_volume(pv_made: &str, pod_made: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: na, labels: {{kubernetes.io/hostname: na, topology.kubernetes.io/zone: zone-a}}}}, status: {{allocatable: {{cpu: "1", memory: 4Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: nb, labels: {{kubernetes.io/hostname: nb, topology.kubernetes.io/zone: zone-b}}}}, status: {{allocatable: {{cpu: "4", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: busy, namespace: app, uid: u-busy}}, spec: {{nodeName: na, containers: [{{name: busy, image: "busy:1", resources: {{requests: {{cpu: 900m}}}}}}]}}, status: {{phase: Running}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: disk}}, provisioner: kubernetes.io/aws-ebs, volumeBindingMode: Immediate}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv-db, creationTimestamp: "{pv_made}"}}, spec: {{capacity: {{storage: 1Gi}}, accessModes: [ReadWriteOnce], storageClassName: disk, claimRef: {{namespace: app, name: data-db-0}}, awsElasticBlockStore: {{volumeID: vol-1}}, nodeAffinity: {{required: {{nodeSelectorTerms: [{{matchExpressions: [{{key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}}]}}]}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-db-0, namespace: app, creationTimestamp: "{pv_made}"}}, spec: {{storageClassName: disk, volumeName: pv-db, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: db-0, namespace: app, uid: u-db, creationTimestamp: "{pod_made}"}}, spec: {{containers: [{{name: db, image: "db:1", resources: {{requests: {{cpu: 500m}}}}}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-db-0}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: db-0, namespace: app, uid: u-db}}, reason: FailedScheduling, message: "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had volume node affinity conflict.", type: Warning, count: 20, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
"#
    )
}

#[test]
fn a_volume_made_long_before_its_pod_is_the_root_not_its_immediate_class() {
    let out = diagnose(&cluster(&[&pinned_volume(
        "2025-11-01T00:00:00Z",
        "2026-03-02T09:59:00Z",
    )]));
    let d = about(&out, "PodPending", "app", "db-0");
    assert_root(d, Loop::Storage, "PersistentVolume", "pv-db");
    assert!(d.fix.contains("zone-a"), "{}", d.fix);
    // A volume made for this very pod was placed by the class's binding.
    let out = diagnose(&cluster(&[&pinned_volume(
        "2026-03-02T09:59:30Z",
        "2026-03-02T09:59:00Z",
    )]));
    let d = about(&out, "PodPending", "app", "db-0");
    assert_root(d, Loop::Storage, "StorageClass", "disk");
}

const BOUND_RWO: &str = "}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: rbd, volumeName: pv-data, resources: {requests: {storage: 1Gi}}}\n  status: {phase: Bound, capacity: {storage: 1Gi}}";
const PV_DATA: &str = "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-data}, spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: rbd, claimRef: {namespace: app, name: data-db-0}, csi: {driver: rbd.csi.ceph.com, fsType: ext4, volumeHandle: h1}}, status: {phase: Bound}}\n";

fn attachment(node: &str) -> String {
    format!(
        "- {{apiVersion: storage.k8s.io/v1, kind: VolumeAttachment, metadata: {{name: csi-0a1b, creationTimestamp: \"2026-03-01T00:00:00Z\"}}, spec: {{attacher: rbd.csi.ceph.com, nodeName: {node}, source: {{persistentVolumeName: pv-data}}}}, status: {{attached: true}}}}\n"
    )
}

#[test]
fn an_attachment_to_a_node_where_no_pod_uses_the_claim_is_the_stale_attachment() {
    let exclusive = [(
        "FailedAttachVolume",
        "Multi-Attach error for volume \"pv-data\" Volume is already exclusively attached to one node and can't be attached to another",
    )];
    let with = |va_node: &str| {
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &node("n2", "5.15.0"),
            &waiting_for_volume("", BOUND_RWO, PV_DATA, &exclusive),
            &attachment(va_node),
        ]))
    };
    let out = with("n2");
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_root(d, Loop::Storage, "VolumeAttachment", "csi-0a1b");
    assert!(
        d.fix.contains("kubectl delete volumeattachment csi-0a1b"),
        "{}",
        d.fix
    );
    // To a node deleted before the volume detached: stale too
    // (kubernetes-sigs/vsphere-csi-driver#359).
    let out = with("n9");
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_root(d, Loop::Storage, "VolumeAttachment", "csi-0a1b");
    assert!(
        d.root_cause.summary.contains("no longer in the cluster"),
        "{}",
        d.root_cause.summary
    );
    // The attachment is to the waiting pod's own node: not stale.
    let out = with("n1");
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_ne!(
        d.root_cause.object.kind,
        "VolumeAttachment",
        "{}",
        summary(&out)
    );
}

/// rbd.csi.ceph.com's controller Deployment at `replicas`, its attacher
/// run with `args`.
fn rbd_controller(replicas: u32, args: &str) -> String {
    format!(
        "- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: csi-rbdplugin-provisioner, namespace: ceph-csi, uid: d-rbd}}, spec: {{replicas: {replicas}, selector: {{matchLabels: {{app: rbd}}}}, template: {{metadata: {{labels: {{app: rbd}}}}, spec: {{containers: [{{name: csi-attacher, image: \"registry.k8s.io/sig-storage/csi-attacher:v4.3.0\", args: {args}}}, {{name: csi-rbdplugin, image: \"quay.io/cephcsi/cephcsi:v3.9.0\", args: [\"--drivername=rbd.csi.ceph.com\"]}}]}}}}}}}}\n"
    )
}

#[test]
fn attachers_that_elect_no_leader_leave_attachments_behind() {
    // kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#516: two
    // replicas of the controller, no leader election.
    let exclusive = [(
        "FailedAttachVolume",
        "Multi-Attach error for volume \"pv-data\" Volume is already exclusively attached to one node and can't be attached to another",
    )];
    let with = |controller: &str| {
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &node("n2", "5.15.0"),
            &waiting_for_volume("", BOUND_RWO, PV_DATA, &exclusive),
            &attachment("n2"),
            controller,
        ]))
    };
    let out = with(&rbd_controller(2, "[\"--csi-address=/csi/csi.sock\"]"));
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_root(d, Loop::Storage, "Deployment", "csi-rbdplugin-provisioner");
    assert!(d.fix.contains("--leader-election"), "{}", d.fix);
    // One leader among the replicas: the attachment is just stale.
    let out = with(&rbd_controller(
        2,
        "[\"--csi-address=/csi/csi.sock\", \"--leader-election\"]",
    ));
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_root(d, Loop::Storage, "VolumeAttachment", "csi-0a1b");
}

fn holder(owner: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Pod, metadata: {{name: loader, namespace: app, uid: u-l{owner}}}, spec: {{nodeName: n2, containers: [{{name: l, image: \"l:1\"}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-db-0}}}}]}}, status: {{phase: Running}}}}\n"
    )
}

#[test]
fn a_bare_pod_holding_a_read_write_once_claim_is_the_holder_to_delete() {
    let used = [(
        "FailedAttachVolume",
        "Multi-Attach error for volume \"pv-data\" Volume is already used by pod(s) loader",
    )];
    let with = |owner: &str| {
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &node("n2", "5.15.0"),
            &waiting_for_volume("", BOUND_RWO, PV_DATA, &used),
            &holder(owner),
        ]))
    };
    let out = with("");
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_root(d, Loop::Storage, "Pod", "loader");
    assert!(
        d.fix.contains("kubectl delete pod -n app loader"),
        "{}",
        d.fix
    );
    // The holder is a pod of the same StatefulSet: a question of the workload.
    let out = with(
        ", ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: u-sts, controller: true}]",
    );
    let d = about(&out, "MultiAttach", "app", "db-0");
    assert_ne!(d.root_cause.object.kind, "Pod", "{}", summary(&out));
}

/// StatefulSet `scrape` in `app` with two containers whose template sets
/// `template_res`; its pod carries 100m cpu per container (a LimitRange's
/// default) and finds 200m free on the only node.
fn defaulted_requests(template_res: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, status: {{allocatable: {{cpu: "1", memory: 8Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: busy, namespace: other, uid: u-busy}}, spec: {{nodeName: n1, containers: [{{name: busy, image: "busy:1", resources: {{requests: {{cpu: 800m}}}}}}]}}, status: {{phase: Running}}}}
- {{apiVersion: v1, kind: LimitRange, metadata: {{name: defaults, namespace: app}}, spec: {{limits: [{{type: Container, defaultRequest: {{cpu: 100m}}}}]}}}}
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {{name: scrape, namespace: app, uid: u-sts}}
  spec:
    serviceName: scrape
    selector: {{matchLabels: {{app: scrape}}}}
    template:
      metadata: {{labels: {{app: scrape}}}}
      spec: {{containers: [{{name: fetch, image: "f:1"{template_res}}}, {{name: parse, image: "p:1"{template_res}}}]}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: scrape-0, namespace: app, uid: u-s0, labels: {{app: scrape}}, ownerReferences: [{{apiVersion: apps/v1, kind: StatefulSet, name: scrape, uid: u-sts, controller: true}}]}}, spec: {{containers: [{{name: fetch, image: "f:1", resources: {{requests: {{cpu: 100m}}}}}}, {{name: parse, image: "p:1", resources: {{requests: {{cpu: 200m}}}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: scrape-0, namespace: app, uid: u-s0}}, reason: FailedScheduling, message: "0/1 nodes are available: 1 Insufficient cpu.", type: Warning, count: 20, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
"#
    )
}

#[test]
fn a_request_a_limit_range_default_wrote_names_the_limit_range() {
    // The first container sets nothing and carries the default; the second
    // sets its own request.
    let own = ", resources: {requests: {cpu: 200m}}";
    let text = defaulted_requests("").replacen(
        "{name: parse, image: \"p:1\"}",
        &format!("{{name: parse, image: \"p:1\"{own}}}"),
        1,
    );
    let out = diagnose(&cluster(&[&text]));
    let d = about(&out, "PodPending", "app", "scrape-0");
    assert_root(d, Loop::Compute, "LimitRange", "defaults");
    assert!(
        d.fix.contains("LimitRange app/defaults") && d.fix.contains("100m"),
        "{}",
        d.fix
    );
    // Every container sets its own request: the LimitRange wrote none of it.
    let out = diagnose(&cluster(&[&defaulted_requests(
        ", resources: {requests: {cpu: 100m}}",
    )]));
    let d = about(&out, "PodPending", "app", "scrape-0");
    assert_ne!(d.root_cause.object.kind, "LimitRange", "{}", summary(&out));
}

// ------------------------------------------------- neighbours along edges

/// A Deployment `api` in `app` whose pod crash-loops on `n1` (exit 1, no
/// words), running as ServiceAccount `api`.
const CRASHING_API: &str = r#"
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api, namespace: app, uid: u-dep}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec: {serviceAccountName: api, containers: [{name: api, image: "api:1"}]}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: api-5d8f, namespace: app, uid: u-rs, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: u-dep, controller: true}]}
  spec: {selector: {matchLabels: {app: api}}}
- apiVersion: v1
  kind: Pod
  metadata: {name: api-5d8f-x1, namespace: app, uid: u-api, labels: {app: api}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-5d8f, uid: u-rs, controller: true}]}
  spec: {nodeName: n1, serviceAccountName: api, containers: [{name: api, image: "api:1"}]}
  status:
    phase: Running
    containerStatuses:
    - name: api
      image: "api:1"
      imageID: ""
      ready: false
      restartCount: 12
      state: {waiting: {reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container=api pod=api-5d8f-x1_app(u-api)"}}
      lastState: {terminated: {exitCode: 1, reason: Error, startedAt: "2026-03-02T10:29:00Z", finishedAt: "2026-03-02T10:29:01Z"}}
- {apiVersion: v1, kind: Event, metadata: {name: e1, namespace: app}, involvedObject: {kind: Pod, name: api-5d8f-x1, namespace: app, uid: u-api}, reason: BackOff, message: "Back-off restarting failed container api in pod api-5d8f-x1_app(u-api)", type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {component: kubelet}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: api, namespace: app}}
"#;

#[test]
fn a_binding_of_the_crashing_pods_account_to_a_role_that_does_not_exist_is_the_binding() {
    let rbac = |role: &str| {
        format!(
            "- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: api-reader}}, rules: []}}\n- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: api-binding}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {role}}}, subjects: [{{kind: ServiceAccount, name: api, namespace: app}}]}}\n"
        )
    };
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        CRASHING_API,
        &rbac("reader"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "api-5d8f-x1");
    assert_root(d, Loop::Identity, "ClusterRoleBinding", "api-binding");
    assert!(
        d.fix.contains("roleRef") && d.fix.contains("reader"),
        "{}",
        d.fix
    );
    // The role exists: the binding is not the story.
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        CRASHING_API,
        &rbac("api-reader"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "api-5d8f-x1");
    assert_ne!(d.root_cause.object.kind, "ClusterRoleBinding", "{}", d.fix);
}

#[test]
fn a_crash_of_a_pod_the_policies_cut_off_from_the_cluster_dns_is_the_policy() {
    let dns = r#"
- {apiVersion: v1, kind: Service, metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}, spec: {selector: {k8s-app: kube-dns}, clusterIP: 10.96.0.10, ports: [{name: dns, port: 53, protocol: UDP}]}}
- apiVersion: v1
  kind: Pod
  metadata: {name: coredns-1, namespace: kube-system, labels: {k8s-app: kube-dns}}
  spec: {nodeName: n1, containers: [{name: coredns, image: "coredns:1.11"}]}
  status: {phase: Running, podIP: 10.244.0.5, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: coredns, image: "coredns:1.11", imageID: "", ready: true, restartCount: 0, state: {running: {startedAt: "2026-03-01T00:00:00Z"}}}]}
- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-all, namespace: app}, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}
"#;
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), CRASHING_API, dns]));
    let d = about(&out, "CrashLoopBackOff", "app", "api-5d8f-x1");
    assert_root(d, Loop::Network, "NetworkPolicy", "deny-all");
    assert!(d.fix.contains("53"), "{}", d.fix);
    // A policy that admits DNS beside it: the pod resolves names.
    let allow = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow-dns, namespace: app}, spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]}}\n";
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), CRASHING_API, dns, allow]));
    let d = about(&out, "CrashLoopBackOff", "app", "api-5d8f-x1");
    assert_ne!(d.root_cause.object.kind, "NetworkPolicy", "{}", d.fix);
}

/// A pod `web-1` of `app` on `n1` whose sandbox fails, and the CNI agent
/// pod there, Ready or not.
fn sandbox_on_n1(agent_ready: bool) -> String {
    let ready = if agent_ready { "True" } else { "False" };
    format!(
        r#"
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: calico-node, namespace: kube-system, uid: u-ds}}, spec: {{selector: {{matchLabels: {{k8s-app: calico-node}}}}, template: {{metadata: {{labels: {{k8s-app: calico-node}}}}, spec: {{containers: [{{name: calico-node, image: "calico/node:v3.27"}}]}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: calico-node-abcde, namespace: kube-system, uid: u-agent, labels: {{k8s-app: calico-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: calico-node, uid: u-ds, controller: true}}]}}
  spec: {{nodeName: n1, hostNetwork: true, containers: [{{name: calico-node, image: "calico/node:v3.27"}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "{ready}"}}], containerStatuses: [{{name: calico-node, image: "calico/node:v3.27", imageID: "", ready: {agent_ready}, restartCount: 0, state: {{running: {{startedAt: "2026-03-01T00:00:00Z"}}}}}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-1, namespace: app, uid: u-web}}
  spec: {{nodeName: n1, containers: [{{name: web, image: "web:1"}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: web, image: "web:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-1, namespace: app, uid: u-web}}, reason: FailedCreatePodSandBox, message: "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"abc\": plugin type=\"calico\" failed (add): error getting ClusterInformation: context deadline exceeded", type: Warning, count: 30, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
    )
}

#[test]
fn a_sandbox_failing_beside_an_unready_cni_agent_names_the_agent() {
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &sandbox_on_n1(false)]));
    let d = about(&out, "SandboxCreateFailed", "app", "web-1");
    assert_root(d, Loop::Network, "Pod", "calico-node-abcde");
    assert!(d.fix.contains("calico-node"), "{}", d.fix);
    // A Ready agent is not the story.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &sandbox_on_n1(true)]));
    let d = about(&out, "SandboxCreateFailed", "app", "web-1");
    assert_ne!(d.root_cause.object.name, "calico-node-abcde", "{}", d.fix);
}

#[test]
fn a_load_balancer_whose_controller_has_no_address_left_names_the_pool() {
    let run_with = |pool: &str, message: &str| {
        let text = format!(
            r#"
{pool}- {{apiVersion: v1, kind: Service, metadata: {{name: shop, namespace: app, uid: u-svc}}, spec: {{type: LoadBalancer, selector: {{app: shop}}, ports: [{{port: 80}}]}}, status: {{loadBalancer: {{}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Service, name: shop, namespace: app, uid: u-svc}}, reason: AllocationFailed, message: {message:?}, type: Warning, count: 3, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: lb-controller}}}}
"#
        );
        diagnose(&cluster(&[&node("n1", "5.15.0"), &text]))
    };
    let pool = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: lb-config, namespace: lb-system}, data: {config: \"address-pools:\\n- name: lan\\n  protocol: layer2\\n  addresses:\\n  - 10.0.0.240-10.0.0.241\\n\"}}\n";
    let run = |message: &str| run_with(pool, message);
    let out = run("Failed to allocate IP for \"app/shop\": no available IPs");
    let d = about(&out, "LoadBalancerPending", "app", "shop");
    assert_root(d, Loop::Network, "ConfigMap", "lb-config");
    assert!(d.fix.contains("pool") && d.fix.contains("lan"), "{}", d.fix);
    // Another failure of the controller does not blame the pool.
    let out = run("Failed to allocate IP for \"app/shop\": invalid loadBalancerIP");
    let d = about(&out, "LoadBalancerPending", "app", "shop");
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", d.fix);
    // No pool in the input at all (MetalLB 0.13 without an IPAddressPool,
    // envoyproxy/gateway#1654 on k3d): create one.
    let out = run_with(
        "",
        "Failed to allocate IP for \"app/shop\": no available IPs",
    );
    let d = about(&out, "LoadBalancerPending", "app", "shop");
    assert!(d.fix.contains("IPAddressPool"), "{}", d.fix);
}

#[test]
fn a_volume_the_driver_cannot_format_names_the_class_that_asks_for_its_file_system() {
    let bound = "}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: fast-xfs, volumeName: pv-1, resources: {requests: {storage: 1Gi}}}\n  status: {phase: Bound}";
    let pv = "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-1}, spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: fast-xfs, csi: {driver: block.csi.example.com, volumeHandle: h1, fsType: xfs}, claimRef: {namespace: app, name: data-db-0}}, status: {phase: Bound}}\n- {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: fast-xfs}, provisioner: block.csi.example.com, parameters: {fstype: xfs}}";
    let run = |message: &str| {
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &waiting_for_volume("", bound, pv, &[("FailedMount", message)]),
        ]))
    };
    let out = run(
        "MountVolume.MountDevice failed for volume \"pv-1\" : rpc error: code = Internal desc = exec: \"mkfs.xfs\": executable file not found in $PATH",
    );
    let d = about(&out, "FailedMount", "app", "db-0");
    assert_root(d, Loop::Storage, "StorageClass", "fast-xfs");
    assert!(
        d.fix.contains("ext4") && d.fix.contains("mkfs.xfs"),
        "{}",
        d.fix
    );
    // A format that fails on the disk itself is not the class's tools.
    let out = run(
        "MountVolume.MountDevice failed for volume \"pv-1\" : rpc error: code = Internal desc = mkfs.xfs: cannot open /dev/xvdf: Device or resource busy",
    );
    let d = about(&out, "FailedMount", "app", "db-0");
    assert_ne!(d.root_cause.object.kind, "StorageClass", "{}", d.fix);
}

#[test]
fn a_csi_volume_naming_a_custom_object_that_does_not_exist_names_the_attribute() {
    let run = |message: &str| {
        let spec = "volumes: [{name: secrets, csi: {driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {secretProviderClass: db-vault}}}]\n    ";
        let text = waiting_for_volume("", "}\n  spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n  status: {phase: Bound}", "", &[("FailedMount", message)])
            .replace("    volumes: [{name: data, persistentVolumeClaim: {claimName: data-db-0}}]\n", &format!("    {spec}\n"));
        diagnose(&cluster(&[&node("n1", "5.15.0"), &text]))
    };
    let out = run(
        "MountVolume.SetUp failed for volume \"secrets\" : rpc error: code = Unknown desc = failed to get secretproviderclass app/db-vault, error: SecretProviderClass.secrets-store.csi.x-k8s.io \"db-vault\" not found",
    );
    let d = about(&out, "FailedMount", "app", "db-0");
    assert_root(d, Loop::Storage, "StatefulSet", "db");
    assert!(
        d.fix.contains("volumeAttributes.secretProviderClass")
            && d.fix.contains("SecretProviderClass"),
        "{}",
        d.fix
    );
    // A driver that fails otherwise is not a dangling reference.
    let out = run(
        "MountVolume.SetUp failed for volume \"secrets\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod app/db-0, err: rpc error: code = Unknown desc = permission denied",
    );
    let d = about(&out, "FailedMount", "app", "db-0");
    assert!(
        !d.fix.contains("volumeAttributes.secretProviderClass"),
        "{}",
        d.fix
    );
}

/// Pod `web-0` of `app` pending with `message`; `spec` is added to its
/// spec; nodes `a1` (zone a, 1 cpu, full) and `b1`, `b2` (zone b).
fn pending_web(spec: &str, message: &str, extra: &str) -> String {
    let zoned = |name: &str, zone: &str, role: &str| {
        format!(
            "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}, topology.kubernetes.io/zone: {zone}{role}}}}}, status: {{allocatable: {{cpu: \"1\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
        )
    };
    format!(
        r#"{}{}{}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-0, namespace: app, uid: u-web, labels: {{app: web}}}}
  spec:
    {spec}
    containers: [{{name: web, image: "web:1", resources: {{requests: {{cpu: 500m}}}}}}]
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-0, namespace: app, uid: u-web}}, reason: FailedScheduling, message: {message:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: default-scheduler}}}}
{extra}"#,
        zoned("a1", "a", ""),
        zoned("b1", "b", ", role: web"),
        zoned("b2", "b", "")
    )
}

#[test]
fn a_strict_spread_with_its_next_zone_full_is_the_constraint_not_fragmentation() {
    let run = |when: &str| {
        let spec = format!(
            "topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: {when}, labelSelector: {{matchLabels: {{app: web}}}}}}]"
        );
        diagnose(&cluster(&[&pending_web(
            &spec,
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match pod topology spread constraints.",
            "",
        )]))
    };
    let out = run("DoNotSchedule");
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Compute, "Pod", "web-0");
    assert!(
        d.fix.contains("ScheduleAnyway") && d.fix.contains("maxSkew"),
        "{}",
        d.fix
    );
    assert!(
        d.root_cause
            .summary
            .contains("topologyKey topology.kubernetes.io/zone"),
        "{}",
        d.root_cause.summary
    );
    // A constraint that only prefers the spread is not what keeps it pending.
    let out = run("ScheduleAnyway");
    let d = about(&out, "PodPending", "app", "web-0");
    assert!(
        !d.root_cause
            .summary
            .contains("whenUnsatisfiable: DoNotSchedule"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_volume_pinned_to_one_node_by_hostname_is_fixed_on_that_node_not_in_a_zone() {
    let run = |pinned: &str| {
        let extra = format!(
            r#"- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: logs-pv}}, spec: {{capacity: {{storage: 1Gi}}, accessModes: [ReadWriteOnce], storageClassName: manual, hostPath: {{path: /srv/logs}}, nodeAffinity: {{required: {{nodeSelectorTerms: [{{matchExpressions: [{{key: {pinned}}}]}}]}}}}, claimRef: {{namespace: app, name: logs}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: logs, namespace: app}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: manual, volumeName: logs-pv, resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
"#
        );
        diagnose(&cluster(&[&pending_web(
            "nodeSelector: {role: web}\n    volumes: [{name: logs, persistentVolumeClaim: {claimName: logs}}]",
            "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't match Pod's node affinity/selector.",
            &extra,
        )]))
    };
    let out = run("kubernetes.io/hostname, operator: In, values: [a1]");
    let d = about(&out, "PodPending", "app", "web-0");
    assert_root(d, Loop::Storage, "PersistentVolume", "logs-pv");
    assert!(
        d.fix.contains("node a1") && d.fix.contains("role=web"),
        "{}",
        d.fix
    );
    // A volume pinned to a zone is the zone's story.
    let out = run("topology.kubernetes.io/zone, operator: In, values: [a]");
    let d = about(&out, "PodPending", "app", "web-0");
    assert!(!d.fix.contains("role=web"), "{}", d.fix);
}

#[test]
fn an_attach_the_cloud_refuses_with_its_own_code_is_unexplained_in_the_cluster() {
    let bound = "}\n  spec: {accessModes: [ReadWriteOnce], storageClassName: disk, volumeName: pv-1, resources: {requests: {storage: 1Gi}}}\n  status: {phase: Bound}";
    let pv = "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-1}, spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: disk, csi: {driver: disk.csi.example.com, volumeHandle: h1}, claimRef: {namespace: app, name: data-db-0}}, status: {phase: Bound}}";
    let run = |message: &str| {
        diagnose(&cluster(&[
            &node("n1", "5.15.0"),
            &waiting_for_volume("", bound, pv, &[("FailedAttachVolume", message)]),
        ]))
    };
    let out = run(
        "AttachVolume.Attach failed for volume \"pv-1\" : failed with Failure sending request: StatusCode=409 -- Original Error: Code=\"DiskStateConflict\" Message=\"the disk is busy\"",
    );
    let d = about(&out, "FailedAttachVolume", "app", "db-0");
    assert!(d.unexplained, "{}", d.fix);
    assert!(d.fix.contains("DiskStateConflict"), "{}", d.fix);
    // An error without the cloud's code stays with the volume.
    let out = run("AttachVolume.Attach failed for volume \"pv-1\" : something odd happened");
    let d = about(&out, "FailedAttachVolume", "app", "db-0");
    assert!(!d.unexplained, "{}", d.fix);
}

/// Node `name` of group `general` in `zone`, Ready or lost since `at`.
fn grouped_node(name: &str, zone: &str, lost_at: Option<&str>) -> String {
    let ready = match lost_at {
        Some(at) => format!(
            "{{type: Ready, status: Unknown, reason: NodeStatusUnknown, message: Kubelet stopped posting node status., lastTransitionTime: \"{at}\"}}"
        ),
        None => "{type: Ready, status: \"True\", lastTransitionTime: \"2026-03-01T00:00:00Z\"}"
            .to_owned(),
    };
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}, topology.kubernetes.io/zone: {zone}, eks.amazonaws.com/nodegroup: general}}}}, spec: {{providerID: \"aws:///{zone}/i-{name}\"}}, status: {{allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{ready}]}}}}\n"
    )
}

#[test]
fn a_whole_node_group_lost_at_once_is_a_shared_cause_outside_the_cluster() {
    // Both nodes, in two zones, stopped reporting within a minute: not an
    // instance, not a zone; what they share is not in the input.
    let out = diagnose(&cluster(&[
        &grouped_node("n1", "us-east-1a", Some("2026-03-02T10:00:00Z")),
        &grouped_node("n2", "us-east-1b", Some("2026-03-02T10:00:40Z")),
    ]));
    let d = node_not_ready(&out, "n1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.root_cause.summary.contains("within 40 s of each other")
            && d.fix.contains("instance profile"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    // One of the two lost: that node is the place to look.
    let out = diagnose(&cluster(&[
        &grouped_node("n1", "us-east-1a", Some("2026-03-02T10:00:00Z")),
        &grouped_node("n2", "us-east-1b", None),
    ]));
    let d = node_not_ready(&out, "n1");
    assert!(!d.unexplained, "{}", summary(&out));
    assert_root(d, Loop::Compute, "Node", "n1");
    // Lost hours apart: separate failures, each its own node.
    let out = diagnose(&cluster(&[
        &grouped_node("n1", "us-east-1a", Some("2026-03-02T10:00:00Z")),
        &grouped_node("n2", "us-east-1b", Some("2026-03-02T14:00:00Z")),
    ]));
    let d = node_not_ready(&out, "n1");
    assert!(!d.unexplained, "{}", summary(&out));
}

/// The NodeNotReady diagnosis of a node (cluster-scoped: no namespace).
fn node_not_ready<'a>(
    out: &'a day2_diagnose::DiagnoseOutput,
    name: &str,
) -> &'a day2_model::report::Diagnosis {
    out.diagnoses
        .iter()
        .find(|d| {
            d.symptom.kind == "NodeNotReady"
                && (d.symptom.object.name == name || d.also_affected.iter().any(|o| o.name == name))
        })
        .unwrap_or_else(|| panic!("no NodeNotReady diagnosis for {name}: {}", summary(out)))
}

/// Pod `db-1` Pending in `data`: it may only run on `n1` (nodeSelector) and
/// keeps away from other `app: db` pods there; `db-0` on `n1` was deleted
/// and, with `kill` as its FailedKillPod event (none when empty), is not gone.
fn held_by_deleted(kill: &str) -> String {
    let sched = "0/2 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    let kill_event = if kill.is_empty() {
        String::new()
    } else {
        format!(
            "- {{apiVersion: v1, kind: Event, metadata: {{name: k1, namespace: data}}, involvedObject: {{kind: Pod, name: db-0, namespace: data, uid: u-db0}}, reason: FailedKillPod, message: {kill:?}, type: Warning, count: 40, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T11:00:00Z\", source: {{component: kubelet, host: n1}}}}\n"
        )
    };
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1, role: db}}}}, status: {{allocatable: {{cpu: "8", memory: 32Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: n2, labels: {{kubernetes.io/hostname: n2}}}}, status: {{allocatable: {{cpu: "8", memory: 32Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: calico-node, namespace: kube-system, uid: u-ds}}, spec: {{selector: {{matchLabels: {{k8s-app: calico-node}}}}, template: {{metadata: {{labels: {{k8s-app: calico-node}}}}, spec: {{containers: [{{name: calico-node, image: "calico/node:v3.29.3"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: calico-node-a1, namespace: kube-system, uid: u-c1, labels: {{k8s-app: calico-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: calico-node, uid: u-ds, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: calico-node, image: "calico/node:v3.29.3"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: calico-node, ready: true, restartCount: 0, image: "calico/node:v3.29.3", imageID: "", state: {{running: {{startedAt: "2026-03-01T00:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: db-0, namespace: data, uid: u-db0, labels: {{app: db}}, deletionTimestamp: "2026-03-02T09:59:00Z", deletionGracePeriodSeconds: 30}}, spec: {{nodeName: n1, containers: [{{name: db, image: "postgres:16"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: db-1, namespace: data, uid: u-db1, labels: {{app: db}}}}
  spec:
    nodeSelector: {{role: db}}
    affinity: {{podAntiAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: [{{labelSelector: {{matchLabels: {{app: db}}}}, topologyKey: kubernetes.io/hostname}}]}}}}
    containers: [{{name: db, image: "postgres:16"}}]
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: {sched:?}}}]
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: data}}, involvedObject: {{kind: Pod, name: db-1, namespace: data, uid: u-db1}}, reason: FailedScheduling, message: {sched:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T11:00:00Z", source: {{component: default-scheduler}}}}
{kill_event}"#
    )
}

#[test]
fn a_pending_pod_held_off_by_a_pod_that_cannot_be_killed_follows_the_kill() {
    // The kill fails in the CNI's teardown: the CNI agent on n1 is the cause.
    let out = diagnose(&cluster(&[&held_by_deleted(
        r#"error killing pod: failed to "KillPodSandbox" for "u-db0" with KillPodSandboxError: "rpc error: code = Unknown desc = failed to destroy network for sandbox \"0a1b\": plugin type=\"calico\" failed (delete): error getting ClusterInformation: connection is unauthorized: Unauthorized""#,
    )]));
    let d = about(&out, "PodPending", "data", "db-1");
    assert_root(d, Loop::Network, "Pod", "calico-node-a1");
    assert!(
        d.root_cause.summary.contains("db-0") && d.fix.contains("kubeconfig"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    // Another failure to kill: the node's kubelet and runtime.
    let out = diagnose(&cluster(&[&held_by_deleted(
        r#"error killing pod: failed to "KillContainer" for "db" with KillContainerError: "rpc error: code = DeadlineExceeded desc = context deadline exceeded""#,
    )]));
    let d = about(&out, "PodPending", "data", "db-1");
    assert_root(d, Loop::Compute, "Node", "n1");
    assert!(d.fix.contains("--force"), "{}", d.fix);
}

/// Pod `app-0` in `media` cannot mount claim `config`, bound to a volume
/// whose replica pod in `openebs` is crash-looping (`down`) or Ready.
fn volume_served_by_pods(down: bool) -> String {
    let vol = "pvc-0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f";
    let replica_status = if down {
        r#"{phase: Running, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: rep, ready: false, restartCount: 40, image: "openebs/jiva:2.12.1", imageID: "", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error, message: "level=fatal msg=\"Failed to add replica to controller, err: Current replica's checkpoint not present in rwReplica chain, Shutting down...\""}}}]}"#
    } else {
        r#"{phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: rep, ready: true, restartCount: 0, image: "openebs/jiva:2.12.1", imageID: "", state: {running: {startedAt: "2026-03-01T00:00:00Z"}}}]}"#
    };
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, status: {{allocatable: {{cpu: "8", memory: 32Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: config, namespace: media}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: jiva, volumeName: {vol}, resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: {vol}}}, spec: {{capacity: {{storage: 1Gi}}, accessModes: [ReadWriteOnce], storageClassName: jiva, csi: {{driver: jiva.csi.openebs.io, volumeHandle: {vol}}}, claimRef: {{namespace: media, name: config}}}}, status: {{phase: Bound}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: {vol}-rep-1, namespace: openebs, uid: d-rep}}, spec: {{selector: {{matchLabels: {{rep: "1"}}}}, template: {{metadata: {{labels: {{rep: "1"}}}}, spec: {{containers: [{{name: rep, image: "openebs/jiva:2.12.1"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: {vol}-rep-1-6c9d, namespace: openebs, uid: rs-rep, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: {vol}-rep-1, uid: d-rep, controller: true}}]}}, spec: {{selector: {{matchLabels: {{rep: "1"}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: {vol}-rep-1-6c9d-x1, namespace: openebs, uid: u-rep, labels: {{rep: "1"}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: {vol}-rep-1-6c9d, uid: rs-rep, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: rep, image: "openebs/jiva:2.12.1"}}]}}, status: {replica_status}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: app-0, namespace: media, uid: u-app}}
  spec: {{nodeName: n1, containers: [{{name: app, image: "app:1"}}], volumes: [{{name: config, persistentVolumeClaim: {{claimName: config}}}}]}}
  status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "app:1", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: m1, namespace: media}}, involvedObject: {{kind: Pod, name: app-0, namespace: media, uid: u-app}}, reason: FailedMount, message: "MountVolume.MountDevice failed for volume \"{vol}\" : rpc error: code = Internal desc = timed out waiting for the iSCSI target", type: Warning, count: 30, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T11:00:00Z", source: {{component: kubelet, host: n1}}}}
"#
    )
}

#[test]
fn a_volume_whose_backend_pods_are_down_is_rooted_at_the_backend() {
    let out = diagnose(&cluster(&[&volume_served_by_pods(true)]));
    let d = about(&out, "FailedMount", "media", "app-0");
    assert_root(
        d,
        Loop::Storage,
        "Deployment",
        "pvc-0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f-rep-1",
    );
    assert!(d.fix.contains("rwReplica chain"), "{}", d.fix);
    // A backend that serves is not the cause.
    let out = diagnose(&cluster(&[&volume_served_by_pods(false)]));
    let d = about(&out, "FailedMount", "media", "app-0");
    assert!(
        !d.root_cause.object.name.contains("-rep-1"),
        "{}",
        summary(&out)
    );
}

/// `db-1` crash-loops with no message; its configuration names `db-0`
/// through the headless Service; `policy` is the NetworkPolicy on the db
/// pods (none when empty).
fn silent_standby(policy: &str) -> String {
    format!(
        r#"
- {{apiVersion: v1, kind: Node, metadata: {{name: n1, labels: {{kubernetes.io/hostname: n1}}}}, status: {{allocatable: {{cpu: "8", memory: 32Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: db-headless, namespace: data}}, spec: {{clusterIP: None, selector: {{app: db}}, ports: [{{name: pg, port: 5432, targetPort: 5432}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: db-0, namespace: data, uid: u0, labels: {{app: db, role: primary}}}}, spec: {{nodeName: n1, hostname: db-0, subdomain: db-headless, containers: [{{name: pg, image: "postgres:16", ports: [{{containerPort: 5432}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: pg, ready: true, restartCount: 0, image: "postgres:16", imageID: "", state: {{running: {{startedAt: "2026-03-01T00:00:00Z"}}}}}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: db-1, namespace: data, uid: u1, labels: {{app: db, role: standby}}}}
  spec: {{nodeName: n1, hostname: db-1, subdomain: db-headless, containers: [{{name: pg, image: "postgres:16", ports: [{{containerPort: 5432}}], env: [{{name: PRIMARY_HOST, value: db-0.db-headless.data.svc.cluster.local}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: pg, ready: false, restartCount: 12, image: "postgres:16", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container=pg pod=db-1_data(u1)"}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, finishedAt: "2026-03-02T10:00:00Z"}}}}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: b1, namespace: data}}, involvedObject: {{kind: Pod, name: db-1, namespace: data, uid: u1}}, reason: BackOff, message: "Back-off restarting failed container pg in pod db-1_data(u1)", type: Warning, count: 40, firstTimestamp: "2026-03-02T09:00:00Z", lastTimestamp: "2026-03-02T10:00:00Z", source: {{component: kubelet}}}}
{policy}"#
    )
}

#[test]
fn a_silent_crash_whose_configured_peer_a_policy_shuts_out_is_the_policy() {
    let only_proxy = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: db, namespace: data}, spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: proxy}}}], ports: [{protocol: TCP, port: 5432}]}]}}\n";
    let out = diagnose(&cluster(&[&silent_standby(only_proxy)]));
    let d = about(&out, "CrashLoopBackOff", "data", "db-1");
    assert_root(d, Loop::Network, "NetworkPolicy", "db");
    assert!(d.fix.contains("5432"), "{}", d.fix);
    // The same policy admitting the db pods too: nothing to blame on it.
    let both = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: db, namespace: data}, spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: proxy}}}, {podSelector: {matchLabels: {app: db}}}], ports: [{protocol: TCP, port: 5432}]}]}}\n";
    let out = diagnose(&cluster(&[&silent_standby(both)]));
    let d = about(&out, "CrashLoopBackOff", "data", "db-1");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkPolicy",
        "{}",
        summary(&out)
    );
}

/// ReplicaSet `web-5d9c` in `shop` whose pods a Fail webhook times out on;
/// the webhook's Service `sys/hook` (443 → 9443) has a Ready pod, behind
/// `policy` (none when empty).
fn webhook_times_out(policy: &str) -> String {
    let refusal = "Error creating: Internal error occurred: failed calling webhook \"hook.example.io\": failed to call webhook: Post \"https://hook.sys.svc:443/mutate?timeout=10s\": context deadline exceeded";
    format!(
        r#"
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: hook}}, webhooks: [{{name: hook.example.io, clientConfig: {{service: {{namespace: sys, name: hook, path: /mutate}}}}, failurePolicy: Fail, rules: [{{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}], sideEffects: None, admissionReviewVersions: [v1]}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: hook, namespace: sys}}, spec: {{selector: {{app: hook}}, ports: [{{port: 443, targetPort: 9443}}], clusterIP: 10.43.9.9}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: hook-0, namespace: sys, uid: u-h, labels: {{app: hook}}}}, spec: {{nodeName: n1, containers: [{{name: hook, image: "hook:1", ports: [{{containerPort: 9443}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: hook, ready: true, restartCount: 0, image: "hook:1", imageID: "", state: {{running: {{startedAt: "2026-03-01T00:00:00Z"}}}}}}]}}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {{name: web-5d9c, namespace: shop, uid: u-rs}}
  spec:
    replicas: 1
    selector: {{matchLabels: {{app: web}}}}
    template:
      metadata: {{labels: {{app: web}}}}
      spec: {{containers: [{{name: web, image: "web:1"}}]}}
  status: {{replicas: 0, conditions: [{{type: ReplicaFailure, status: "True", reason: FailedCreate, message: {refusal:?}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: shop}}, involvedObject: {{kind: ReplicaSet, name: web-5d9c, namespace: shop, uid: u-rs}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: replicaset-controller}}}}
{policy}"#
    )
}

#[test]
fn a_webhook_the_api_server_cannot_reach_names_the_policy_or_the_port_to_open() {
    // A policy that admits only pods shuts out the API server, which is none.
    let pods_only = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: hook-in, namespace: sys}, spec: {podSelector: {matchLabels: {app: hook}}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {}}], ports: [{protocol: TCP, port: 9443}]}]}}\n";
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &webhook_times_out(pods_only),
    ]));
    let d = about(&out, "PodCreateFailed", "shop", "web-5d9c");
    assert_root(d, Loop::Network, "NetworkPolicy", "hook-in");
    assert!(d.fix.contains("ipBlock"), "{}", d.fix);
    // Nothing in the cluster in the way: the port to open outside it.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &webhook_times_out("")]));
    let d = about(&out, "PodCreateFailed", "shop", "web-5d9c");
    assert_root(d, Loop::Network, "Service", "hook");
    assert!(d.fix.contains("Open port 9443"), "{}", d.fix);
}

/// Deployment `app` in `web` mounts claim `want`; claim `app-config` exists.
fn claim_named(want: &str) -> String {
    let msg = "0/1 nodes are available: persistentvolumeclaim \"WANT\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.".replace("WANT", want);
    format!(
        r#"
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: app-config, namespace: web}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: standard, volumeName: pv-1, resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: app, namespace: web, uid: d-app}}, spec: {{selector: {{matchLabels: {{app: app}}}}, template: {{metadata: {{labels: {{app: app}}}}, spec: {{containers: [{{name: app, image: "app:1"}}], volumes: [{{name: config, persistentVolumeClaim: {{claimName: {want}}}}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: app-7c9d, namespace: web, uid: rs-app, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: app, uid: d-app, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: app}}}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: app-7c9d-x1, namespace: web, uid: u-app, labels: {{app: app}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: app-7c9d, uid: rs-app, controller: true}}]}}
  spec: {{containers: [{{name: app, image: "app:1"}}], volumes: [{{name: config, persistentVolumeClaim: {{claimName: {want}}}}}]}}
  status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: {msg:?}}}]}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: web}}, involvedObject: {{kind: Pod, name: app-7c9d-x1, namespace: web, uid: u-app}}, reason: FailedScheduling, message: {msg:?}, type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T11:00:00Z", source: {{component: default-scheduler}}}}
"#
    )
}

#[test]
fn a_missing_claim_with_a_near_namesake_is_the_templates_claim_name() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &claim_named("app-config-v2"),
    ]));
    let d = about(&out, "PodPending", "web", "app-7c9d-x1");
    assert_root(d, Loop::Storage, "Deployment", "app");
    assert!(d.fix.contains("claimName: app-config"), "{}", d.fix);
    // Nothing like it exists: the claim is what is missing.
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &claim_named("uploads")]));
    let d = about(&out, "PodPending", "web", "app-7c9d-x1");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "uploads");
}

/// StatefulSet `store` in `db` with an unnamed volumeClaimTemplate, owned
/// by `owner` (an operator's resource; none when empty).
fn unnamed_claim_template(owner: &str) -> String {
    let refusal = "create Pod store-0 in StatefulSet store failed error: failed to create PVC -store-0: PersistentVolumeClaim \"-store-0\" is invalid: metadata.name: Invalid value: \"-store-0\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    let owned = if owner.is_empty() {
        String::new()
    } else {
        format!(
            ", ownerReferences: [{{apiVersion: example.com/v1, kind: {owner}, name: main, uid: u-cr, controller: true}}]"
        )
    };
    format!(
        r#"
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {{name: store, namespace: db, uid: u-sts{owned}}}
  spec:
    replicas: 1
    serviceName: store
    selector: {{matchLabels: {{app: store}}}}
    template:
      metadata: {{labels: {{app: store}}}}
      spec: {{containers: [{{name: store, image: "store:1"}}]}}
    volumeClaimTemplates: [{{metadata: {{}}, spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}}}]
  status: {{replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: db}}, involvedObject: {{kind: StatefulSet, name: store, namespace: db, uid: u-sts}}, reason: FailedCreate, message: {refusal:?}, type: Warning, count: 30, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: statefulset-controller}}}}
"#
    )
}

#[test]
fn an_invalid_statefulset_spec_is_fixed_where_it_is_written() {
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &unnamed_claim_template("StoreCluster"),
    ]));
    let d = about(&out, "StatefulSetRolloutStuck", "db", "store");
    // The object refused is a claim: the storage its template asks for.
    assert_root(d, Loop::Storage, "StoreCluster", "main");
    assert!(
        d.root_cause
            .summary
            .contains("volumeClaimTemplate #0 has no metadata.name")
            && d.fix.contains("operator"),
        "{} / {}",
        d.root_cause.summary,
        d.fix
    );
    let out = diagnose(&cluster(&[
        &node("n1", "5.15.0"),
        &unnamed_claim_template(""),
    ]));
    let d = about(&out, "StatefulSetRolloutStuck", "db", "store");
    assert_root(d, Loop::Storage, "StatefulSet", "store");
    assert!(d.fix.contains("--cascade=orphan"), "{}", d.fix);
    // A claim template whose size is not under requests
    // (cockroachdb/cockroach-operator#160).
    let sized = unnamed_claim_template("CrdbCluster").replace(
        "PersistentVolumeClaim \\\"-store-0\\\" is invalid: metadata.name: Invalid value: \\\"-store-0\\\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        "PersistentVolumeClaim \\\"datadir-store-0\\\" is invalid: spec.resources[storage]: Required value",
    );
    assert!(sized.contains("Required value"), "{sized}");
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &sized]));
    let d = about(&out, "StatefulSetRolloutStuck", "db", "store");
    assert_root(d, Loop::Storage, "CrdbCluster", "main");
    assert!(d.fix.contains("resources.requests.storage"), "{}", d.fix);
    // A pod the API server refuses stays the spec's, in compute.
    let pod = unnamed_claim_template("").replace(
        "failed to create PVC -store-0: PersistentVolumeClaim",
        "Pod",
    );
    let out = diagnose(&cluster(&[&node("n1", "5.15.0"), &pod]));
    let d = about(&out, "StatefulSetRolloutStuck", "db", "store");
    assert_eq!(d.root_cause.loop_, Loop::Compute, "{}", summary(&out));
}

/// A Karpenter Provisioner and its controller, a pod short of cpu since
/// 20:12 (the last failure at 20:31), and `joined` (a node created after).
fn karpenter(joined: &str) -> String {
    let short = "0/1 nodes are available: 1 Insufficient cpu.";
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: ip-192-168-12-45, uid: n1, creationTimestamp: "2022-09-20T16:00:00Z"}}, spec: {{providerID: "aws:///us-west-2a/i-00f8414df1f3b71a9"}}, status: {{allocatable: {{cpu: "2", memory: 8Gi, pods: "29"}}, conditions: [{{type: Ready, status: "True"}}]}}}}
{joined}- {{apiVersion: karpenter.sh/v1alpha5, kind: Provisioner, metadata: {{name: default, uid: pr1}}, spec: {{requirements: [{{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}}], providerRef: {{name: default}}}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: karpenter, namespace: karpenter, uid: d0}}, spec: {{selector: {{matchLabels: {{app: karpenter}}}}, template: {{metadata: {{labels: {{app: karpenter}}}}, spec: {{containers: [{{name: controller, image: "public.ecr.aws/karpenter/controller:v0.16.1"}}]}}}}}}, status: {{replicas: 1, readyReplicas: 1}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: inflate-4hx8d, namespace: default, uid: p1, creationTimestamp: "2022-09-22T20:11:00Z"}}, spec: {{containers: [{{name: inflate, image: "public.ecr.aws/eks-distro/kubernetes/pause:3.2", resources: {{requests: {{cpu: "1"}}}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: default}}, involvedObject: {{kind: Pod, namespace: default, name: inflate-4hx8d, uid: p1}}, reason: FailedScheduling, type: Warning, count: 19, firstTimestamp: "2022-09-22T20:12:00Z", lastTimestamp: "2022-09-22T20:31:00Z", source: {{component: default-scheduler}}, message: {short:?}}}
"#
    )
}

#[test]
fn a_karpenter_pool_that_adds_no_node_for_long_is_its_controllers_refusal() {
    // aws/karpenter-provider-aws#2519: CreateFleet refused by IAM, in the
    // controller's log only.
    let out = diagnose(&load(&karpenter("")));
    let d = about(&out, "PodPending", "default", "inflate-4hx8d");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("ec2:CreateFleet"), "{}", d.fix);
    // A node joined since the pod went Pending: Karpenter launches.
    let joined = "- {apiVersion: v1, kind: Node, metadata: {name: ip-192-168-77-1, uid: n2, creationTimestamp: \"2022-09-22T20:20:00Z\"}, status: {allocatable: {cpu: \"2\", memory: 8Gi, pods: \"29\"}, conditions: [{type: Ready, status: \"True\"}]}}\n";
    let out = diagnose(&load(&karpenter(joined)));
    let d = about(&out, "PodPending", "default", "inflate-4hx8d");
    assert!(!d.fix.contains("ec2:CreateFleet"), "{}", d.fix);
}

#[test]
fn a_node_claim_karpenter_could_not_launch_says_why() {
    // aws/karpenter-provider-aws#5444: the controller role may not pass
    // the node role.
    let claim = |message: &str| {
        format!(
            "- {{apiVersion: karpenter.sh/v1beta1, kind: NodeClaim, metadata: {{name: default-8kq2n, uid: nc1}}, status: {{conditions: [{{type: Launched, status: \"False\", reason: LaunchFailed, message: {message:?}}}]}}}}\n"
        )
    };
    let refused = claim(
        "AccessDenied: User: arn:aws:sts::1:assumed-role/KarpenterControllerRole/17 is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/KarpenterNodeRole because no identity-based policy allows the iam:PassRole action",
    );
    let out = diagnose(&load(&karpenter(&refused)));
    let d = about(&out, "PodPending", "default", "inflate-4hx8d");
    assert_root(d, Loop::Identity, "ServiceAccount", "default");
    assert!(d.fix.contains("iam:PassRole"), "{}", d.fix);
    // Another launch failure: the NodeClaim's own reason.
    let short = claim(
        "InsufficientInstanceCapacity: We currently do not have sufficient m5.large capacity",
    );
    let out = diagnose(&load(&karpenter(&short)));
    let d = about(&out, "PodPending", "default", "inflate-4hx8d");
    assert_root(d, Loop::Compute, "NodeClaim", "default-8kq2n");
}
