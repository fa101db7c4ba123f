//! What the cloud, the node or the mesh answers a workload: a CSI
//! controller the cloud does not authenticate (digitalocean/csi-digitalocean#155,
//! kubernetes-sigs/azuredisk-csi-driver#583), nodes without a provider ID
//! (kubernetes-sigs/vsphere-csi-driver#196), a cloud API that fails
//! (digitalocean/csi-digitalocean#81), an NFS version and an iSCSI portal the
//! node cannot use (kubernetes-csi/csi-driver-nfs#176,
//! democratic-csi/democratic-csi#275), a MetalLB address no pool holds
//! (metallb/metallb#173), a private DNS domain CoreDNS sends to a public
//! resolver (coredns/coredns#2830), flannel's network against the pods' CIDR
//! (flannel-io/flannel#1607), a memory limit no container starts under
//! (kubernetes/minikube#6160), a Job a sidecar keeps alive
//! (istio/istio#11045), Karpenter refused by IAM and by an SCP
//! (aws/karpenter-provider-aws#6036, #8190), a STRICT mesh in front of a
//! load balancer's health checks (istio/istio#43056), legacy iptables on
//! an nftables node (projectcalico/calico#2322), and a webhook the control
//! plane may not dial (cert-manager/cert-manager#3645), and DNS lookups that
//! cross nodes in Calico's VXLAN (rancher/rke2#1541), and a DNS-01 record
//! public DNS does not show (cert-manager/cert-manager#7517), and a provisioner
//! reading another snapshot API (kubernetes-csi/external-snapshotter#313). Each is read from the
//! held-out snapshot it came with, and a sibling edited from it must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn a_csi_controller_the_cloud_does_not_authenticate() {
    let text = heldout(151, "010");
    let out = diagnose(&load(&text));
    let d = about(&out, "PvcPending", "default", "csi-pvc");
    assert_root(d, Loop::Identity, "StatefulSet", "csi-do-controller");
    assert!(d.fix.contains("DIGITALOCEAN_ACCESS_TOKEN"), "{}", d.fix);
    // The cloud knows the caller and refuses an action: not a missing credential.
    let out = diagnose(&load(&edit(
        &text,
        "401 Unable to authenticate you",
        "403 You are not authorized to perform this operation",
    )));
    let d = about(&out, "PvcPending", "default", "csi-pvc");
    assert!(
        !d.root_cause.summary.contains("does not authenticate"),
        "{}",
        summary(&out)
    );
}

#[test]
fn nodes_the_cloud_provider_never_initialised() {
    let text = heldout(150, "150");
    let out = diagnose(&load(&text));
    let d = about(&out, "PvcPending", "demo", "example-vanilla-block-pvc");
    assert_eq!(d.root_cause.object.kind, "Node", "{}", summary(&out));
    assert!(d.fix.contains("providerID"), "{}", d.fix);
    // Every node carries its provider ID: the nodes are not what the driver misses.
    let all = text.replace(
        "\"spec\":{\"taints\":[{\"key\":\"node-role.kubernetes.io/master\"",
        "\"spec\":{\"providerID\":\"vsphere://4201aaaa-0000-0000-0000-000000000001\",\"taints\":[{\"key\":\"node-role.kubernetes.io/master\"",
    );
    assert_ne!(all, text, "the control-plane nodes' spec was not found");
    let out = diagnose(&load(&all));
    let d = about(&out, "PvcPending", "demo", "example-vanilla-block-pvc");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
}

#[test]
fn a_cloud_api_that_fails_on_its_side_is_outside_the_cluster() {
    let text = heldout(151, "191");
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedAttachVolume", "analytics", "worker-1");
    assert!(d.unexplained, "{}", summary(&out));
    // The same attach refused for the caller's credentials is no outage.
    let refused = edit(
        &text,
        "actions: 500 Server was unable to give you a response.",
        "actions: 401 Unable to authenticate you",
    );
    let out = diagnose(&load(&refused));
    let d = about(&out, "FailedAttachVolume", "analytics", "worker-1");
    assert!(
        !d.root_cause.summary.contains("cloud's API answers"),
        "{}",
        summary(&out)
    );
}

#[test]
fn an_nfs_version_the_server_does_not_serve() {
    let text = heldout(153, "150");
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", "dev", "devbox-web-59c7d4b8f6-8rlxn");
    assert_root(d, Loop::Storage, "PersistentVolume", "pv-winnfsd");
    assert!(d.fix.contains("nfsvers=3"), "{}", d.fix);
    // Another mount error of the same volume says nothing of versions.
    let other = edit(
        &text,
        "mount.nfs: requested NFS version or transport protocol is not supported",
        "mount.nfs: access denied by server while mounting 192.168.123.1:/",
    );
    let out = diagnose(&load(&other));
    let d = about(&out, "FailedMount", "dev", "devbox-web-59c7d4b8f6-8rlxn");
    assert!(!d.fix.contains("nfsvers=3"), "{}", d.fix);
}

#[test]
fn an_iscsi_portal_named_by_host_name() {
    let text = heldout(152, "151");
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", "media", "jellyfin-5f7bd9c6d4-tk2mx");
    assert_root(
        d,
        Loop::Storage,
        "PersistentVolume",
        "pvc-04bb4880-34d8-4934-97e7-197df2e110fe",
    );
    // A portal given by address: the name is not what the initiator misses.
    let out = diagnose(&load(&edit(
        &text,
        "\"portal\":\"freenas:3260\"",
        "\"portal\":\"192.168.1.20:3260\"",
    )));
    let d = about(&out, "FailedMount", "media", "jellyfin-5f7bd9c6d4-tk2mx");
    assert_ne!(
        d.root_cause.object.kind,
        "PersistentVolume",
        "{}",
        summary(&out)
    );
}

#[test]
fn a_load_balancer_address_no_pool_holds() {
    let text = heldout(152, "003");
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "kube-system", "ingress");
    assert_root(d, Loop::Network, "Service", "ingress");
    assert!(d.fix.contains("loadBalancerIP"), "{}", d.fix);
    assert!(
        d.root_cause.summary.contains("192.168.0.240/28"),
        "{}",
        d.root_cause.summary
    );
    // The controller said nothing of the address: no pool is blamed for it.
    let out = diagnose(&load(&edit(
        &text,
        "no pool owns that IP",
        "service is being reconciled",
    )));
    let d = about(&out, "LoadBalancerPending", "kube-system", "ingress");
    assert!(
        !d.root_cause
            .summary
            .contains("no MetalLB address pool holds it"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_private_domain_coredns_sends_to_every_upstream() {
    let text = heldout(153, "001");
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "monitoring",
        "batch-metrics-forwarder-6b7f9d8c54-2xkpd",
    );
    assert_root(d, Loop::Network, "ConfigMap", "coredns");
    assert!(d.fix.contains("consul:53"), "{}", d.fix);
    // A server block already sends the domain to its resolver.
    let routed = edit(
        &text,
        "\"Corefile\":\".:53 {",
        "\"Corefile\":\"consul:53 {\\n    forward . 10.0.0.10\\n}\\n.:53 {",
    );
    let out = diagnose(&load(&routed));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "monitoring",
        "batch-metrics-forwarder-6b7f9d8c54-2xkpd",
    );
    assert_ne!(d.root_cause.object.kind, "ConfigMap", "{}", summary(&out));
}

#[test]
fn a_container_memory_limit_no_runtime_starts_under() {
    let text = heldout(153, "101");
    let out = diagnose(&load(&text));
    let d = about(&out, "SandboxCreateFailed", "default", "downward");
    assert_root(d, Loop::Compute, "Pod", "downward");
    assert!(d.fix.contains("limits.memory"), "{}", d.fix);
    // With room to start, the runtime's failure is something else.
    let out = diagnose(&load(&edit(
        &text,
        "\"memory\":\"4Mi\"",
        "\"memory\":\"64Mi\"",
    )));
    let d = about(&out, "SandboxCreateFailed", "default", "downward");
    assert!(!d.fix.contains("limits.memory"), "{}", d.fix);
}

#[test]
fn a_job_a_sidecar_keeps_running_past_its_deadline() {
    let text = heldout(151, "101");
    let out = diagnose(&load(&text));
    let d = about(&out, "JobFailed", "batch", "export-orders-1547690400");
    assert!(d.fix.contains("sidecar.istio.io/inject"), "{}", d.fix);
    // Every container still at work: the deadline itself is what to look at.
    let busy = edit(
        &text,
        "\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\",\"startedAt\":\"2019-01-18T02:00:09Z\"",
        "\"state\":{\"running\":{\"startedAt\":\"2019-01-18T02:00:09Z\"},\"x\":{\"exitCode\":0,\"reason\":\"Completed\",\"startedAt\":\"2019-01-18T02:00:09Z\"",
    );
    let out = diagnose(&load(&busy));
    let d = about(&out, "JobFailed", "batch", "export-orders-1547690400");
    assert!(d.fix.contains("activeDeadlineSeconds"), "{}", d.fix);
}

#[test]
fn karpenter_refused_by_its_role_and_by_the_organisation() {
    let text = heldout(153, "010");
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "PodPending",
        "workloads",
        "report-renderer-64b9d7c8f5-c7mzp",
    );
    assert_eq!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    assert!(d.fix.contains("iam:PassRole"), "{}", d.fix);
    let text = heldout(153, "191");
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "PodPending",
        "ml-batch",
        "embedding-batch-5c8d7f9b6a-d4r8x",
    );
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.root_cause.summary.contains("service control policy"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_strict_mesh_in_front_of_a_load_balancer_s_health_checks() {
    let text = heldout(151, "002");
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "storefront",
        "storefront-web",
    );
    assert_root(d, Loop::Network, "PeerAuthentication", "default");
    assert!(d.fix.contains("PERMISSIVE"), "{}", d.fix);
    // A permissive mesh: the health checks fail for another reason.
    let out = diagnose(&load(&edit(
        &text,
        "\"mode\":\"STRICT\"",
        "\"mode\":\"PERMISSIVE\"",
    )));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "storefront",
        "storefront-web",
    );
    assert_ne!(
        d.root_cause.object.kind,
        "PeerAuthentication",
        "{}",
        summary(&out)
    );
    assert!(d.fix.contains("healthcheck-path"), "{}", d.fix);
}

#[test]
fn legacy_iptables_rules_on_nodes_whose_iptables_is_nftables() {
    let text = heldout(151, "001");
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "coredns-86c58d9df4-q9wzt",
    );
    assert_root(d, Loop::Network, "DaemonSet", "calico-node");
    assert!(d.fix.contains("FELIX_IPTABLESBACKEND"), "{}", d.fix);
    // Debian 9 runs legacy iptables: the two agree.
    let out = diagnose(&load(&text.replace(
        "Debian GNU/Linux 10 (buster)",
        "Debian GNU/Linux 9 (stretch)",
    )));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "coredns-86c58d9df4-q9wzt",
    );
    assert_ne!(d.root_cause.object.name, "calico-node", "{}", summary(&out));
}

#[test]
fn flannel_s_network_and_the_nodes_pod_cidrs_disagree() {
    let text = heldout(153, "002");
    let out = diagnose(&load(&text));
    let d = out
        .diagnoses
        .iter()
        .find(|d| {
            d.symptom.kind == "CrashLoopBackOff"
                && d.symptom.object.name.starts_with("kube-flannel-ds-")
        })
        .unwrap_or_else(|| panic!("no flannel crash: {}", summary(&out)));
    assert_root(d, Loop::Network, "ConfigMap", "kube-flannel-cfg");
    assert!(d.fix.contains("--pod-network-cidr"), "{}", d.fix);
}

#[test]
fn a_webhook_address_the_managed_control_plane_may_not_dial() {
    let text = heldout(150, "001");
    let out = diagnose(&load(&text));
    let d = about(&out, "JobFailed", "ci", "cert-manager-smoke-test");
    assert_eq!(d.root_cause.loop_, Loop::Network, "{}", summary(&out));
    assert!(d.fix.contains("hostNetwork"), "{}", d.fix);
    // A webhook that answers and refuses is the webhook's own decision.
    let denied = text.replace(
        "Address is not allowed",
        "admission webhook denied the request: issuer not ready",
    );
    let out = diagnose(&load(&denied));
    let d = about(&out, "JobFailed", "ci", "cert-manager-smoke-test");
    assert!(!d.fix.contains("hostNetwork"), "{}", d.fix);
}

#[test]
fn dns_lookups_crossing_nodes_in_calico_vxlan() {
    let text = heldout(153, "004");
    let pod = ("payments", "ledger-sync-6f4b8d7c9b-wq2tx");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Network, "DaemonSet", "calico-node");
    assert!(d.fix.contains("ChecksumOffloadBroken"), "{}", d.fix);
    // A DNS pod on the client's own node: its lookups do not cross the tunnel.
    let local: String = text
        .lines()
        .map(|l| {
            if l.contains("rke2-coredns-rke2-coredns-75d9b6c5f8-5gq8t")
                && l.contains("\"kind\":\"Pod\"")
            {
                l.replace(
                    "\"nodeName\":\"rke2-server-1\"",
                    "\"nodeName\":\"rke2-agent-1\"",
                )
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(local, text);
    let out = diagnose(&load(&local));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_ne!(d.root_cause.object.name, "calico-node", "{}", summary(&out));
}

#[test]
fn a_dns01_record_public_dns_does_not_show() {
    let text = heldout(150, "191");
    let pod = ("web", "api-7d9f6c5b8-w2r6c");
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", pod.0, pod.1);
    assert!(d.unexplained, "{}", summary(&out));
    assert_eq!(d.root_cause.object.kind, "Challenge", "{}", summary(&out));
    assert!(
        d.fix
            .contains("dig +trace TXT _acme-challenge.api.example.app"),
        "{}",
        d.fix
    );
    // The solver never put the record in place: the cluster's side is
    // where it stops, not public DNS.
    let unpresented = edit(
        &edit(&text, "\"presented\":true", "\"presented\":false"),
        "\"reason\":\"Presented\"",
        "\"reason\":\"Started\"",
    );
    let out = diagnose(&load(&unpresented));
    let d = about(&out, "FailedMount", pod.0, pod.1);
    assert!(!d.unexplained, "{}", summary(&out));
}

#[test]
fn a_provisioner_reading_another_snapshot_api() {
    let text = heldout(156, "151");
    let claim = ("csi-test", "vol-from-snap");
    let out = diagnose(&load(&text));
    let d = about(&out, "PvcPending", claim.0, claim.1);
    assert_root(d, Loop::Storage, "StatefulSet", "ibm-block-csi-controller");
    assert!(d.fix.contains("csi-provisioner 1.5 to 2.x"), "{}", d.fix);
    // A sidecar that reads v1beta1: the API version is not what fails.
    let newer = edit(&text, "csi-provisioner:v1.4.0", "csi-provisioner:v1.6.0");
    let out = diagnose(&load(&newer));
    let d = about(&out, "PvcPending", claim.0, claim.1);
    assert!(
        !d.root_cause.summary.contains("reads the snapshot API"),
        "{}",
        summary(&out)
    );
}
