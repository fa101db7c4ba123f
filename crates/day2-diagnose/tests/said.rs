//! Causes read from the words a program leaves as it stops, and from the
//! cloud's and the scheduler's refusals around them: the decisive line of a
//! crash, nginx's `resolver` lookup, a mesh sidecar's expired trust chain,
//! a JVM older than the node's cgroups, a read-only-many disk attached
//! read-write, labels an application sets on its own pods, KubeVirt on
//! hosts without /dev/kvm, Redis's `NOAUTH`, a controller past its CRDs, a
//! server on IPv4's wildcard in an IPv6 pod, a hostPath a rollout added,
//! an informer on an unserved resource, and a binary with file
//! capabilities in a container that drops them. Each test has a sibling
//! that must not read the same.

mod common;

use common::crash::{cluster, crashing, node};
use common::*;
use day2_model::Loop;

const DNS: &str = "- {apiVersion: v1, kind: Service, metadata: {name: rke2-coredns-rke2-coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}, spec: {clusterIP: 10.43.0.10, selector: {app: coredns}, ports: [{port: 53, protocol: UDP}]}}\n";

#[test]
fn a_crash_is_told_by_its_decisive_line() {
    let tb = "Upgrading DB schema...\nTraceback (most recent call last):\n  File \"/app/app.py\", line 40, in create_app\n    init()\nModuleNotFoundError: No module named 'psycopg2'\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing("", tb)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.root_cause.summary.contains("No module named 'psycopg2'"),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.fix.contains("psycopg2") && d.fix.contains("kubectl logs"),
        "{}",
        d.fix
    );
    assert!(
        !d.root_cause.summary.contains("Upgrading"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn nginx_that_cannot_resolve_its_resolver_is_pointed_at_the_dns_service_there_is() {
    let said = "2022/04/10 07:38:01 [emerg] 1#1: host not found in resolver \"kube-dns.kube-system.svc.cluster.local\" in /etc/nginx/nginx.conf:25\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), DNS, &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(
        d.fix
            .contains("resolver rke2-coredns-rke2-coredns.kube-system.svc.cluster.local."),
        "{}",
        d.fix
    );
    // The Service exists: the name is written without its final dot.
    let dns = DNS.replace("name: rke2-coredns-rke2-coredns", "name: kube-dns");
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &dns, &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(
        d.fix
            .contains("`resolver kube-dns.kube-system.svc.cluster.local.;`")
            && d.fix.contains("10.43.0.10"),
        "{}",
        d.fix
    );
    // An upstream nginx cannot find is not its resolver.
    let other =
        "[emerg] 1#1: host not found in upstream \"api:8080\" in /etc/nginx/nginx.conf:30\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), DNS, &crashing("", other)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("resolver rke2"), "{}", d.fix);
}

#[test]
fn a_mesh_sidecar_refused_by_an_expired_chain_is_the_meshs_trust_bundle() {
    let said = "level=fatal msg=\"error loading configuration: rpc error: code = Unavailable desc = connection error: desc = \\\"transport: authentication handshake failed: x509: certificate has expired or is not yet valid: current time 2022-04-27T07:52:44Z is after 2022-04-09T13:22:12Z\\\"\"";
    let bundle = "- {apiVersion: v1, kind: Secret, metadata: {name: dapr-trust-bundle, namespace: dapr-system}, type: Opaque, data: {ca.crt: eA==, issuer.crt: eA==, issuer.key: eA==}}\n";
    let sidecar = crashing("", said).replace("- name: web\n", "- name: daprd\n");
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), bundle, &sidecar]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Identity, "Secret", "dapr-trust-bundle");
    assert!(
        d.root_cause.summary.contains("2022-04-09T13:22:12Z") && d.fix.contains("renew"),
        "{}\n{}",
        d.root_cause.summary,
        d.fix
    );
    // The same words from an application container name no mesh.
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        bundle,
        &crashing("", said),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(
        d.root_cause.object.name != "dapr-trust-bundle",
        "{}",
        summary(&out)
    );
}

#[test]
fn a_jvm_older_than_the_nodes_cgroups_is_its_image() {
    let said = "main ERROR Could not reconfigure JMX java.lang.NullPointerException: Cannot invoke \"jdk.internal.platform.CgroupInfo.getMountPoint()\" because \"anyController\" is null\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.root_cause.summary.contains("cgroup v2") && d.fix.contains("image"),
        "{}",
        d.fix
    );
    let other = "Exception in thread \"main\" java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing("", other)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(
        !d.root_cause.summary.contains("cgroup"),
        "{}",
        d.root_cause.summary
    );
}

fn shared_disk(read_only: &str) -> String {
    let pod = |name: &str, node: &str| {
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: jhub, uid: u-{name}}}, spec: {{nodeName: {node}, containers: [{{name: nb, image: nb}}], volumes: [{{name: shared, persistentVolumeClaim: {{claimName: shared-data{read_only}}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: nb, image: nb, imageID: \"\", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}\n"
        )
    };
    format!(
        "{}{}- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: shared-data, namespace: jhub}}, spec: {{accessModes: [ReadOnlyMany], volumeName: pvc-demo, resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}\n- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pvc-demo}}, spec: {{accessModes: [ReadOnlyMany], capacity: {{storage: 10Gi}}, claimRef: {{namespace: jhub, name: shared-data}}, gcePersistentDisk: {{pdName: d1}}}}, status: {{phase: Bound}}}}\n{}{}- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: jhub}}, involvedObject: {{kind: Pod, name: bob, namespace: jhub, uid: u-bob}}, reason: FailedAttachVolume, type: Warning, count: 9, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {{component: attachdetach-controller}}, message: \"AttachVolume.Attach failed for volume \\\"pvc-demo\\\" : googleapi: Error 400: RESOURCE_IN_USE_BY_ANOTHER_RESOURCE - The disk resource 'projects/p/zones/z/disks/d1' is already being used by 'projects/p/zones/z/instances/n1'\"}}\n",
        node("n1", "6.8.0"),
        node("n2", "6.8.0"),
        pod("alice", "n1"),
        pod("bob", "n2"),
    )
}

#[test]
fn a_read_only_many_disk_mounted_read_write_keeps_other_nodes_out() {
    let out = diagnose(&cluster(&[&shared_disk("")]));
    let d = about(&out, "FailedAttachVolume", "jhub", "bob");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "shared-data");
    assert!(
        d.fix.contains("readOnly: true") && d.fix.contains("ReadWriteMany"),
        "{}",
        d.fix
    );
    // Mounted read-only everywhere: the refusal is something else.
    let out = diagnose(&cluster(&[&shared_disk(", readOnly: true")]));
    let d = about(&out, "FailedAttachVolume", "jhub", "bob");
    assert!(!d.fix.contains("`readOnly: true`"), "{}", d.fix);
}

#[test]
fn a_service_on_a_label_vault_sets_itself_names_vaults_service_registration() {
    let items = "- {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: vault, namespace: vault, uid: u-sts}, spec: {replicas: 1, selector: {matchLabels: {app: vault}}, template: {metadata: {labels: {app: vault, component: server}}, spec: {containers: [{name: vault, image: vault}]}}}}\n- {apiVersion: v1, kind: Pod, metadata: {name: vault-0, namespace: vault, uid: u-v0, labels: {app: vault, component: server}, ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: vault, uid: u-sts, controller: true}]}, spec: {nodeName: n1, containers: [{name: vault, image: vault}]}, status: {phase: Running, conditions: [{type: Ready, status: \"True\"}], containerStatuses: [{name: vault, image: vault, imageID: \"\", ready: true, restartCount: 0, state: {running: {startedAt: \"2026-03-02T09:00:00Z\"}}}]}}\n- {apiVersion: v1, kind: Service, metadata: {name: vault-active, namespace: vault}, spec: {selector: {app: vault, component: server, vault-active: \"true\"}, ports: [{port: 8200}]}}\n- {apiVersion: v1, kind: Endpoints, metadata: {name: vault-active, namespace: vault}}\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), items]));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "vault",
        "vault-active",
    );
    assert_root(d, Loop::Network, "Service", "vault-active");
    assert!(
        d.fix.contains("service_registration \"kubernetes\""),
        "{}",
        d.fix
    );
    let plain = items.replace("vault-active: \"true\"", "tier: api");
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &plain]));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "vault",
        "vault-active",
    );
    assert!(!d.fix.contains("service_registration"), "{}", d.fix);
}

#[test]
fn kubevirt_on_hosts_without_kvm_is_told_to_emulate_or_get_virtualization() {
    let kvm_node = |name: &str| {
        format!(
            "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}}}, status: {{capacity: {{cpu: \"4\", memory: 8Gi, pods: \"110\", devices.kubevirt.io/kvm: \"0\"}}, allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\", devices.kubevirt.io/kvm: \"0\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
        )
    };
    let launcher = "- {apiVersion: v1, kind: Pod, metadata: {name: virt-launcher-vm-x1, namespace: default, uid: u-vl}, spec: {containers: [{name: compute, image: virt-launcher, resources: {limits: {devices.kubevirt.io/kvm: \"1\"}, requests: {devices.kubevirt.io/kvm: \"1\"}}}]}, status: {phase: Pending, conditions: [{type: PodScheduled, status: \"False\", reason: Unschedulable, message: \"0/2 nodes are available: 2 Insufficient devices.kubevirt.io/kvm. Preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.\"}]}}\n- {apiVersion: v1, kind: Event, metadata: {name: e1, namespace: default}, involvedObject: {kind: Pod, name: virt-launcher-vm-x1, namespace: default, uid: u-vl}, reason: FailedScheduling, type: Warning, count: 5, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {component: default-scheduler}, message: \"0/2 nodes are available: 2 Insufficient devices.kubevirt.io/kvm. Preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.\"}\n";
    let kv = |config: &str| {
        format!(
            "- {{apiVersion: kubevirt.io/v1, kind: KubeVirt, metadata: {{name: kubevirt, namespace: kubevirt}}, spec: {{configuration: {{developerConfiguration: {{{config}}}}}}}}}\n"
        )
    };
    let out = diagnose(&cluster(&[
        &kvm_node("n1"),
        &kvm_node("n2"),
        launcher,
        &kv(""),
    ]));
    let d = about(&out, "PodPending", "default", "virt-launcher-vm-x1");
    assert_root(d, Loop::Compute, "KubeVirt", "kubevirt");
    assert!(
        d.fix.contains("useEmulation") && d.fix.contains("nested virtualization"),
        "{}",
        d.fix
    );
    let out = diagnose(&cluster(&[
        &kvm_node("n1"),
        &kvm_node("n2"),
        launcher,
        &kv("useEmulation: true"),
    ]));
    let d = about(&out, "PodPending", "default", "virt-launcher-vm-x1");
    assert!(d.root_cause.object.kind != "KubeVirt", "{}", summary(&out));
}

#[test]
fn redis_asking_for_a_password_the_client_lacks_names_where_it_is() {
    let secret = "- {apiVersion: v1, kind: Secret, metadata: {name: cache-redis, namespace: app}, type: Opaque, data: {redis-password: eA==}}\n";
    let said = "unable to set a redis initialization key: NOAUTH Authentication required.\n";
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        secret,
        &crashing("", said),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.fix.contains("cache-redis") && d.fix.contains("redis-password"),
        "{}",
        d.fix
    );
    let other = "dial tcp 10.0.0.9:6379: connect: connection refused\n";
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        secret,
        &crashing("", other),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("Redis password"), "{}", d.fix);
}

#[test]
fn a_controller_past_its_crds_names_the_crd_that_serves_older_versions() {
    let crd = |versions: &str| {
        format!(
            "- {{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {{name: grpcroutes.gateway.networking.k8s.io}}, spec: {{group: gateway.networking.k8s.io, names: {{kind: GRPCRoute, plural: grpcroutes}}, scope: Namespaced, versions: [{versions}]}}}}\n"
        )
    };
    let said = "Error: failed to create provider Kubernetes: no matches for kind \"GRPCRoute\" in version \"gateway.networking.k8s.io/v1\"\n";
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        &crd("{name: v1alpha2, served: true, storage: true}"),
        &crashing("", said),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(
        d,
        Loop::Compute,
        "CustomResourceDefinition",
        "grpcroutes.gateway.networking.k8s.io",
    );
    assert!(
        d.root_cause.summary.contains("serves only v1alpha2") && d.fix.contains("CRD"),
        "{}",
        d.root_cause.summary
    );
    // The version is served: the words mean something else.
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        &crd("{name: v1, served: true, storage: true}"),
        &crashing("", said),
    ]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(
        d.root_cause.object.kind != "CustomResourceDefinition",
        "{}",
        summary(&out)
    );
}

#[test]
fn an_informer_on_a_resource_the_api_does_not_serve_needs_its_crds() {
    // kyverno/policy-reporter without the wgpolicyk8s.io CRDs.
    let said = "1.7467801972173226e+09\tinfo\twait for policy informer\nW0509 08:43:17.242362       1 reflector.go:569] pkg/mod/k8s.io/client-go@v0.32.3/tools/cache/reflector.go:251: failed to list *v1.PartialObjectMetadata: the server could not find the requested resource\n1.746780197587955e+09\twarn\thealth check failed\t{\"error\": \"informer not ready\"}\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(d.fix.contains("Install the CRDs"), "{}", d.fix);
    // A list the API refuses for want of rights is not a missing CRD.
    let refused = "failed to list *v1.Secret: secrets is forbidden: User \"system:serviceaccount:app:default\" cannot list resource \"secrets\" in API group \"\" at the cluster scope\n";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing("", refused)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("Install the CRDs"), "{}", d.fix);
}

#[test]
fn a_binary_with_file_capabilities_in_a_container_that_drops_them() {
    // grafana/alloy#630: Alloy 1.0.0 under OpenShift's restricted SCC.
    let said = "exec /bin/alloy: operation not permitted\n";
    let confined =
        "securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}";
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing(confined, said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Compute, "Deployment", "web");
    assert!(
        d.fix.contains("capabilities.add: [NET_BIND_SERVICE]") && d.fix.contains("setcap"),
        "{}",
        d.fix
    );
    // Nothing dropped: the refusal comes from elsewhere.
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &crashing("", said)]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("NET_BIND_SERVICE"), "{}", d.fix);
}

#[test]
fn a_server_on_ipv4s_wildcard_in_an_ipv6_pod_is_told_to_listen_on_both() {
    let env = "env: [{name: HTTP_LISTEN, value: \"0.0.0.0\"}]";
    let refused = "- {apiVersion: v1, kind: Event, metadata: {name: e2, namespace: app}, involvedObject: {kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web}, reason: Unhealthy, message: \"Liveness probe failed: Get \\\"http://[fd00::7]:2020/\\\": dial tcp [fd00::7]:2020: connect: connection refused\", type: Warning, count: 30, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {component: kubelet}}\n";
    let pod = |ip: &str| {
        crashing(env, "").replace(
            "    phase: Running\n",
            &format!("    phase: Running\n    podIP: \"{ip}\"\n"),
        )
    };
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &pod("fd00::7"), refused]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert_root(d, Loop::Network, "Deployment", "web");
    assert!(
        d.fix.contains("`::`") && d.fix.contains("HTTP_LISTEN=0.0.0.0"),
        "{}",
        d.fix
    );
    // An IPv4 pod reaches 0.0.0.0 fine.
    let out = diagnose(&cluster(&[&node("n1", "6.8.0"), &pod("10.0.0.7"), refused]));
    let d = about(&out, "CrashLoopBackOff", "app", "web-5d8f-x1");
    assert!(!d.fix.contains("`::`"), "{}", d.fix);
}

#[test]
fn a_hostpath_a_rollout_added_is_the_new_templates_not_the_nodes() {
    let pod = |name: &str, node: &str, running: bool| {
        let (vols, state) = if running {
            (
                "[]",
                "phase: Running, containerStatuses: [{name: fb, image: fb, imageID: \"\", ready: true, restartCount: 0, state: {running: {startedAt: \"2026-03-01T10:00:00Z\"}}}]",
            )
        } else {
            (
                "[{name: machine-id, hostPath: {path: /etc/machine-id, type: File}}]",
                "phase: Pending, containerStatuses: [{name: fb, image: fb, imageID: \"\", ready: false, restartCount: 0, state: {waiting: {reason: ContainerCreating}}}]",
            )
        };
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: logging, uid: u-{name}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: fluent-bit, uid: u-ds, controller: true}}]}}, spec: {{nodeName: {node}, containers: [{{name: fb, image: fb}}], volumes: {vols}}}, status: {{{state}}}}}\n"
        )
    };
    let ds = "- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: fluent-bit, namespace: logging, uid: u-ds}, spec: {selector: {matchLabels: {app: fb}}, template: {metadata: {labels: {app: fb}}, spec: {containers: [{name: fb, image: fb}], volumes: [{name: machine-id, hostPath: {path: /etc/machine-id, type: File}}]}}}}\n";
    let event = "- {apiVersion: v1, kind: Event, metadata: {name: e1, namespace: logging}, involvedObject: {kind: Pod, name: fb-new, namespace: logging, uid: u-fb-new}, reason: FailedMount, type: Warning, count: 12, firstTimestamp: \"2026-03-02T10:00:00Z\", lastTimestamp: \"2026-03-02T10:30:00Z\", source: {component: kubelet}, message: \"MountVolume.SetUp failed for volume \\\"machine-id\\\" : hostPath type check failed: /etc/machine-id is not a file\"}\n";
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        &node("n2", "6.8.0"),
        ds,
        &pod("fb-new", "n1", false),
        &pod("fb-old", "n2", true),
        event,
    ]));
    let d = about(&out, "FailedMount", "logging", "fb-new");
    assert_root(d, Loop::Storage, "DaemonSet", "fluent-bit");
    assert!(d.fix.contains("FileOrCreate"), "{}", d.fix);
    // No sibling without the path: the node is what lacks it.
    let out = diagnose(&cluster(&[
        &node("n1", "6.8.0"),
        ds,
        &pod("fb-new", "n1", false),
        event,
    ]));
    let d = about(&out, "FailedMount", "logging", "fb-new");
    assert_root(d, Loop::Storage, "Node", "n1");
}
