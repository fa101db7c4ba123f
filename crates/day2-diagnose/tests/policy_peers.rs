//! NetworkPolicy peers read as the plugins read them: an Istio sidecar on
//! Google Cloud whose egress excepts the metadata server
//! (istio/istio#39950). Read from the held-out snapshot it came with, and a
//! sibling whose policy admits the metadata server must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn a_sidecar_shut_out_of_the_metadata_server() {
    let text = heldout(134, "001");
    let pod = (
        "ws-ns-devoted-wildcat",
        "workspaces-ws-7q8dm-deployment-659c5b85cf-6kjrl",
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Network, "NetworkPolicy", "block-metadata-server");
    assert!(d.fix.contains("169.254.169.254/32"), "{}", d.fix);
    assert!(
        d.root_cause.summary.contains("pilot-agent"),
        "{}",
        d.root_cause.summary
    );
    // The metadata server admitted: the policy is not the reading.
    let open = edit(
        &text,
        "\"except\":[\"169.254.169.254/32\"]",
        "\"except\":[]",
    );
    let out = diagnose(&load(&open));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(
        d.root_cause.object.name != "block-metadata-server",
        "{}",
        summary(&out)
    );
}
