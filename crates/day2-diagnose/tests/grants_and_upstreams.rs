//! Grants and upstreams: a ClusterRoleBinding whose subject another install
//! moved (rancher/local-path-provisioner#211), an account whose binding is
//! gone while its sibling's stays (Azure/aad-pod-identity#835), and a
//! Corefile with no upstream (fluxcd/flux2#4411). Each is read from the
//! held-out snapshot it came with, and a sibling edited from it must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn a_binding_whose_subject_another_install_moved() {
    let text = heldout(154, "011");
    let pod = ("kube-system", "local-path-provisioner-7f6453708f-dbdrh");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(
        d,
        Loop::Identity,
        "ClusterRoleBinding",
        "local-path-provisioner-bind",
    );
    assert!(d.fix.contains("namespace: kube-system"), "{}", d.fix);
    // The binding names the kube-system account: nothing is missing.
    let bound = edit(
        &text,
        "\"name\":\"local-path-provisioner-service-account\",\"namespace\":\"local-path-storage\"}]",
        "\"name\":\"local-path-provisioner-service-account\",\"namespace\":\"kube-system\"}]",
    );
    let out = diagnose(&load(&bound));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
    // A binding of another application's account of the same name: not
    // the one meant for this account.
    let unrelated = text
        .replace(
            "\"name\":\"local-path-provisioner-bind\"",
            "\"name\":\"storage-agent-bind\"",
        )
        .replace(
            "\"name\":\"local-path-provisioner-role\"",
            "\"name\":\"storage-agent-role\"",
        );
    let out = diagnose(&load(&unrelated));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_ne!(
        d.root_cause.object.kind,
        "ClusterRoleBinding",
        "{}",
        summary(&out)
    );
}

#[test]
fn an_account_unbound_beside_its_bound_sibling() {
    let text = heldout(157, "011");
    let pod = ("platform", "nmi-4xk2p");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(
        d,
        Loop::Identity,
        "ServiceAccount",
        "aad-pod-id-nmi-service-account",
    );
    // No sibling is bound either: nothing says this account lost a grant.
    let none = edit(
        &text,
        "\"name\":\"aad-pod-id-mic-service-account\",\"namespace\":\"platform\"}]",
        "\"name\":\"someone-else\",\"namespace\":\"platform\"}]",
    );
    let out = diagnose(&load(&none));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
}

#[test]
fn a_corefile_without_an_upstream() {
    let text = heldout(155, "003");
    let out = diagnose(&load(&text));
    let d = about(&out, "JobFailed", "mail", "mailbox-sync-28335450");
    assert_root(d, Loop::Network, "ConfigMap", "coredns");
    assert!(d.fix.contains("forward . /etc/resolv.conf"), "{}", d.fix);
    // The upstream is there: the Corefile is not what to change.
    let forwarded = edit(
        &text,
        "    loop\\n    reload",
        "    forward . /etc/resolv.conf\\n    loop\\n    reload",
    );
    let out = diagnose(&load(&forwarded));
    let d = about(&out, "JobFailed", "mail", "mailbox-sync-28335450");
    assert!(
        !d.root_cause.summary.contains("has no `forward` plugin"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_cloud_controller_outside_the_clusters_proxy() {
    let text = heldout(156, "150");
    let claim = ("default", "appname-redis-queue-pvc");
    let out = diagnose(&load(&text));
    let d = about(&out, "PvcPending", claim.0, claim.1);
    assert_root(d, Loop::Storage, "Deployment", "ebs-csi-controller");
    assert!(d.fix.contains("HTTPS_PROXY"), "{}", d.fix);
    // A proxy with credentials: they stay out of the report.
    let secret = edit(
        &text,
        "\"value\":\"http://OutboundProxyLoadBalancer-redacted",
        "\"value\":\"http://svc-user:hunter2@OutboundProxyLoadBalancer-redacted",
    );
    let out = diagnose(&load(&secret));
    let d = about(&out, "PvcPending", claim.0, claim.1);
    assert!(
        !d.fix.contains("hunter2") && !d.fix.contains("svc-user"),
        "{}",
        d.fix
    );
    // The controller has the proxy too: the proxy is not what it lacks.
    let proxied = edit(
        &text,
        "\"env\":[{\"name\":\"CSI_ENDPOINT\"",
        "\"env\":[{\"name\":\"HTTPS_PROXY\",\"value\":\"http://proxy:3128\"},{\"name\":\"CSI_ENDPOINT\"",
    );
    let out = diagnose(&load(&proxied));
    let d = about(&out, "PvcPending", claim.0, claim.1);
    assert!(
        !d.root_cause.summary.contains("HTTP proxy"),
        "{}",
        summary(&out)
    );
}
