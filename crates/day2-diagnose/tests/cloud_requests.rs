//! A cloud API that refuses a load balancer's request as invalid
//! (digitalocean/digitalocean-cloud-controller-manager#158: `422 … health
//! check only supports TCP and HTTP` for a TLS-passthrough Service). Read
//! from the held-out snapshot it came with; a sibling whose refusal is the
//! account's state (a limit) must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn a_load_balancer_request_the_cloud_finds_invalid() {
    let text = heldout(160, "002");
    let svc = ("bst2-prod", "ambassador");
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", svc.0, svc.1);
    assert_root(d, Loop::Network, "Service", "ambassador");
    assert!(!d.unexplained, "{d:?}");
    assert!(d.fix.contains("healthcheck-protocol: tcp"), "{}", d.fix);
    // The account's limit, not the request: not this reading.
    let limit = edit(
        &text,
        "health check only supports TCP and HTTP",
        "load balancer limit exceeded for this account",
    );
    let out = diagnose(&load(&limit));
    let d = about(&out, "LoadBalancerPending", svc.0, svc.1);
    assert!(!d.fix.contains("healthcheck-protocol"), "{}", summary(&out));
}
