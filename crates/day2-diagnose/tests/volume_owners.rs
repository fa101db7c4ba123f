//! A non-root container whose volume ignores the pod's fsGroup: a hostPath
//! PersistentVolume (jupyterhub/zero-to-jupyterhub-k8s#2282) and a CSI
//! driver registered without `fsGroupPolicy: File` on a volume without an
//! fsType (kubernetes-csi/csi-driver-host-path#356); and a projected token
//! refused to the account that asks for it on the kubelet's behalf
//! (kubeedge/kubeedge#3319); and root that dropped the capabilities that let
//! it into other users' directories (grafana/helm-charts#3699). Each is read from the
//! held-out snapshot it came with, and a sibling edited from it must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn a_host_path_volume_keeps_its_owner() {
    let text = heldout(158, "151");
    let pod = ("default", "hub-7d9868b8cf-cqp4c");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Storage, "PersistentVolume", "hub-db-pv");
    assert!(d.fix.contains("chown -R :1000"), "{}", d.fix);
    assert!(
        d.root_cause
            .summary
            .contains("unable to open database file"),
        "{}",
        d.root_cause.summary
    );
    // Running as root, the process owns what it writes: not this reading.
    let root = edit(&text, "\"runAsUser\":1000", "\"runAsUser\":0");
    let out = diagnose(&load(&root));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(d.root_cause.object.name != "hub-db-pv", "{}", summary(&out));
}

#[test]
fn a_csi_driver_that_does_not_apply_fs_group() {
    let text = heldout(161, "151");
    let pod = ("default", "perm-test-0");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Storage, "CSIDriver", "hostpath.csi.k8s.io");
    assert!(d.fix.contains("fsGroupPolicy: File"), "{}", d.fix);
    // The driver applies fsGroup to every volume: not this reading.
    let file = edit(
        &text,
        "\"fsGroupPolicy\":\"ReadWriteOnceWithFSType\"",
        "\"fsGroupPolicy\":\"File\"",
    );
    let out = diagnose(&load(&file));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(d.root_cause.object.kind != "CSIDriver", "{}", summary(&out));
}

#[test]
fn a_token_refused_to_the_account_that_asks_for_it() {
    // KubeEdge's cloudcore asks for the edge pods' tokens, and its
    // ClusterRole lacks serviceaccounts/token (kubeedge/kubeedge#3319).
    let text = heldout(161, "011");
    let pod = ("demo-project", "sensor-collector-58c9f7d6b4-n2xq9");
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", pod.0, pod.1);
    assert_root(d, Loop::Identity, "ClusterRole", "cloudcore");
    assert!(
        d.root_cause.summary.contains("serviceaccounts/token"),
        "{}",
        d.root_cause.summary
    );
    // The node itself refused: the node's identity, not cloudcore's role.
    let node = edit(
        &text,
        "User \\\"system:serviceaccount:kubeedge:cloudcore\\\"",
        "User \\\"system:node:edge-1\\\"",
    );
    let out = diagnose(&load(&node));
    let d = about(&out, "FailedMount", pod.0, pod.1);
    assert!(d.root_cause.object.name != "cloudcore", "{}", summary(&out));
}

#[test]
fn root_without_its_file_capabilities() {
    // Grafana's init-chown-data runs as root, drops ALL and adds back only
    // CHOWN: it may not enter the directories Grafana made private
    // (grafana/helm-charts#3699).
    let text = heldout(158, "102");
    let pod = ("default", "my-release-grafana-846948d9f4-vgxm7");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Compute, "Deployment", "my-release-grafana");
    assert!(d.fix.contains("DAC_READ_SEARCH"), "{}", d.fix);
    // DAC_READ_SEARCH given back: not this reading.
    let kept = edit(
        &text,
        "\"add\":[\"CHOWN\"],\"drop\":[\"ALL\"]",
        "\"add\":[\"CHOWN\",\"DAC_READ_SEARCH\"],\"drop\":[\"ALL\"]",
    );
    let out = diagnose(&load(&kept));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(
        !d.fix.contains("Add `DAC_READ_SEARCH`"),
        "{}",
        summary(&out)
    );
}
