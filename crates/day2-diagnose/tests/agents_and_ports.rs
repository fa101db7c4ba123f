//! Node agents and ports: a Service whose named targetPort no pod declares,
//! seen through its EndpointSlice (kubernetes/kubernetes#109627); a
//! DaemonSet with hostPorts that rolls with maxSurge
//! (kubernetes/kubernetes#106417); controller-runtime's health probes on an
//! undeclared port (kubeflow/training-operator#1841); two copies of one
//! node agent (weaveworks/weave#3040); Weave Net's range over the nodes'
//! network (weaveworks/weave#2736); and Multus attachments a plugin refuses
//! or that are looked up in another namespace
//! (k8snetworkplumbingwg/multus-cni#229, kubevirt/kubevirt#3069). Each is
//! read from the held-out snapshot it came with, and a sibling edited from
//! it must read otherwise.

mod common;

use common::*;
use day2_diagnose::DiagnoseOutput;
use day2_model::Loop;

fn has(out: &DiagnoseOutput, kind: &str, ns: &str, name: &str) -> bool {
    out.diagnoses.iter().any(|d| {
        d.symptom.kind == kind
            && d.symptom.object.namespace.as_deref() == Some(ns)
            && d.symptom.object.name == name
    })
}

#[test]
fn an_endpoint_slice_without_the_services_port() {
    let text = heldout(156, "003");
    let out = diagnose(&load(&text));
    let d = about(&out, "ServiceWithoutReadyEndpoints", "test", "svc");
    assert_root(d, Loop::Network, "Service", "svc");
    assert!(d.fix.contains("name: http"), "{}", d.fix);
    // The slice carries the port: the proxies route to the pods.
    let served = edit(
        &text,
        "\"ports\":[{\"name\":\"\",\"protocol\":\"TCP\"}]",
        "\"ports\":[{\"name\":\"\",\"port\":80,\"protocol\":\"TCP\"}]",
    );
    let out = diagnose(&load(&served));
    assert!(
        !has(&out, "ServiceWithoutReadyEndpoints", "test", "svc"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_daemon_set_with_host_ports_that_surges() {
    let text = heldout(156, "004");
    let pod = ("opcs", "ds-nginx-3-hx8c2");
    let out = diagnose(&load(&text));
    let d = about(&out, "PodPending", pod.0, pod.1);
    assert_root(d, Loop::Compute, "DaemonSet", "ds-nginx-3");
    assert!(d.fix.contains("maxSurge: 0"), "{}", d.fix);
    // No surge: the old pod goes first, and the surge is not the reading.
    let calm = edit(&text, "\"maxSurge\":2", "\"maxSurge\":0");
    let out = diagnose(&load(&calm));
    if has(&out, "PodPending", pod.0, pod.1) {
        let d = about(&out, "PodPending", pod.0, pod.1);
        assert!(
            !d.root_cause.summary.contains("cannot surge"),
            "{}",
            summary(&out)
        );
    }
}

#[test]
fn controller_runtime_health_probes_on_an_undeclared_port() {
    let text = heldout(156, "101");
    let pod = ("kubeflow", "training-operator-7df886f775-fbcz8");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(
        d.root_cause.summary.contains("starts slower"),
        "{}",
        summary(&out)
    );
    assert!(d.fix.contains("startupProbe"), "{}", d.fix);
    // Probe paths of no health server the image is known for: the
    // undeclared port is the suspect again.
    let other = edit(&text, "\"path\":\"/healthz\"", "\"path\":\"/live\"");
    let out = diagnose(&load(&other));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(
        d.root_cause.summary.contains("declares only port"),
        "{}",
        summary(&out)
    );
}

#[test]
fn two_copies_of_one_node_agent() {
    let text = heldout(157, "002");
    let pod = ("kube-system", "weave-net-5rjln");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_eq!(
        d.root_cause.object.namespace.as_deref(),
        Some("default"),
        "{}",
        summary(&out)
    );
    assert!(
        d.fix
            .contains("kubectl -n default delete daemonset weave-net"),
        "{}",
        d.fix
    );
    // The other DaemonSet runs another agent: no duplicate.
    let other = edit(
        &edit(
            &text,
            "\"image\":\"weaveworks/weave-kube:1.9.4\"",
            "\"image\":\"example.com/node-exporter:1.9.4\"",
        ),
        "\"image\":\"weaveworks/weave-npc:1.9.4\"",
        "\"image\":\"example.com/node-problem-detector:1.9.4\"",
    );
    let out = diagnose(&load(&other));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_ne!(
        d.root_cause.object.namespace.as_deref(),
        Some("default"),
        "{}",
        summary(&out)
    );
}

#[test]
fn weave_allocating_over_the_nodes_network() {
    let text = heldout(157, "001");
    let out = diagnose(&load(&text));
    let d = about(&out, "NodeNotReady", "", "kube-master");
    assert_root(d, Loop::Network, "DaemonSet", "weave-net");
    assert!(d.fix.contains("IPALLOC_RANGE"), "{}", d.fix);
    // A range apart from the nodes' network: Weave is not refused for it.
    let apart = edit(
        &text,
        "\"env\":[{\"name\":\"HOSTNAME\"",
        "\"env\":[{\"name\":\"IPALLOC_RANGE\",\"value\":\"10.244.0.0/16\"},{\"name\":\"HOSTNAME\"",
    );
    let out = diagnose(&load(&apart));
    let d = about(&out, "NodeNotReady", "", "kube-master");
    assert!(!d.fix.contains("IPALLOC_RANGE"), "{}", summary(&out));
}

#[test]
fn a_local_volume_whose_node_is_gone() {
    let text = heldout(154, "151");
    let pod = ("kube-logging", "esdata-4");
    let out = diagnose(&load(&text));
    let d = about(&out, "PodPending", pod.0, pod.1);
    assert!(
        d.fix.contains("delete pvc esdata-data-esdata-4"),
        "{}",
        d.fix
    );
    // The node is there (under the name the volume pins): run the pod there.
    let back = text
        .replace("\"name\":\"bm-ash-06\"", "\"name\":\"bm-ash-04\"")
        .replace(
            "\"kubernetes.io/hostname\":\"bm-ash-06\"",
            "\"kubernetes.io/hostname\":\"bm-ash-04\"",
        );
    assert_ne!(back, text);
    let out = diagnose(&load(&back));
    if let Some(d) = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "PodPending" && d.symptom.object.name == pod.1)
    {
        assert!(!d.fix.contains("no longer in the cluster"), "{}", d.fix);
    }
}

#[test]
fn kube_dns_upstream_on_systemd_resolved_nodes() {
    let text = heldout(157, "003");
    let pod = ("ci", "repo-mirror-7d9c5b8f64-w2xlq");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(d.fix.contains("127.0.0.53"), "{}", d.fix);
    assert!(d.fix.contains("upstreamNameservers"), "{}", d.fix);
    // Ubuntu 16.04 runs no systemd-resolved stub in /etc/resolv.conf.
    let older = edit(
        &text,
        "\"osImage\":\"Ubuntu 17.10\"",
        "\"osImage\":\"Ubuntu 16.04.3 LTS\"",
    );
    let out = diagnose(&load(&older));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(!d.fix.contains("127.0.0.53"), "{}", d.fix);
}

#[test]
fn a_config_key_of_another_release() {
    let text = heldout(155, "101");
    let out = diagnose(&load(&text));
    let d = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "CrashLoopBackOff")
        .unwrap_or_else(|| panic!("no crash: {}", summary(&out)));
    assert!(
        d.fix
            .contains("`otel_keep_identifying_resource_attributes` is not one this release"),
        "{}",
        d.fix
    );
    assert!(d.fix.contains("mimir:2.15"), "{}", d.fix);
}

#[test]
fn a_sandbox_the_kubelet_tried_had_its_volumes() {
    let text = heldout(157, "190");
    let pod = ("kube-system", "kubernetes-dashboard-77fd78f978-xk2pn");
    let out = diagnose(&load(&text));
    let d = about(&out, "SandboxCreateFailed", pod.0, pod.1);
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("TCP 6783 and UDP 6783-6784"), "{}", d.fix);
    // The token Secret the input lacks is not blamed: the kubelet mounts
    // every volume before it creates a sandbox.
    assert!(
        out.diagnoses
            .iter()
            .all(|d| d.root_cause.object.kind != "Secret"),
        "{}",
        summary(&out)
    );
    // Without the sandbox attempt, nothing shows the volume was mounted.
    let unseen = edit(
        &text,
        "\"reason\":\"FailedCreatePodSandBox\"",
        "\"reason\":\"Scheduled\"",
    );
    let out = diagnose(&load(&unseen));
    assert!(
        out.diagnoses
            .iter()
            .any(|d| d.root_cause.object.kind == "Secret"),
        "{}",
        summary(&out)
    );
}

#[test]
fn multus_attachments_refused_and_looked_up_elsewhere() {
    let text = heldout(155, "001");
    let out = diagnose(&load(&text));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert_root(
        d,
        Loop::Network,
        "NetworkAttachmentDefinition",
        "macvlan-conf",
    );
    assert!(d.fix.contains("`master` interface `eth0`"), "{}", d.fix);
    // No attachment of that name in the input: nothing to point at.
    let gone = edit(
        &text,
        "\"kind\":\"NetworkAttachmentDefinition\",\"metadata\":{\"name\":\"macvlan-conf\"",
        "\"kind\":\"NetworkAttachmentDefinition\",\"metadata\":{\"name\":\"other-conf\"",
    );
    let out = diagnose(&load(&gone));
    let d = about(&out, "SandboxCreateFailed", "default", "samplepod");
    assert_ne!(
        d.root_cause.object.kind,
        "NetworkAttachmentDefinition",
        "{}",
        summary(&out)
    );

    let text = heldout(155, "002");
    let pod = ("vms", "virt-launcher-edge-router-8fz2k");
    let out = diagnose(&load(&text));
    let d = about(&out, "SandboxCreateFailed", pod.0, pod.1);
    assert_root(d, Loop::Network, "NetworkAttachmentDefinition", "access");
    assert!(d.fix.contains("vms/access"), "{}", d.fix);
}
